"""The Responsable Sécurité's forms: put under surveillance, lift."""

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone

from conventions.models import Convention
from habilitations.models import Habilitation

from .indicateurs import PARIS


class ChoixHabilitation(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.identifiant} — {obj.prenom} {obj.nom} (convention {obj.convention.numero})"


class ChoixConvention(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.numero} ({obj.profil}) — {obj.partenaire.raison_sociale}"


class MiseSousSurveillanceForm(forms.Form):
    habilitation = ChoixHabilitation(
        queryset=Habilitation.objects.none(), required=False, label="Habilitation", empty_label="—"
    )
    convention = ChoixConvention(
        queryset=Convention.objects.none(),
        required=False,
        label="ou toute une convention",
        empty_label="—",
    )
    motif = forms.CharField(label="Motif", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    fin = forms.DateField(
        label="Fin de la surveillance (incluse)",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    suspendre = forms.BooleanField(label="Suspendre aussitôt les accès", required=False)

    def __init__(self, *args, caisse, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the officer's own Caf's subjects: a forged pk of another Caf is "not a valid choice".
        self.fields["habilitation"].queryset = (
            Habilitation.objects.de_la_caisse(caisse.pk)
            .select_related("user", "convention")
            .order_by("convention__numero", "nom", "prenom")
        )
        self.fields["convention"].queryset = Convention.objects.filter(caisse=caisse).select_related("partenaire")

    def clean_fin(self):
        fin = self.cleaned_data["fin"]
        if fin <= timezone.localdate():
            raise forms.ValidationError("La date de fin doit être postérieure à aujourd'hui.")
        return fin

    def clean(self):
        donnees = super().clean()
        habilitation, convention = donnees.get("habilitation"), donnees.get("convention")
        if not self.has_error("habilitation") and not self.has_error("convention"):
            if (habilitation is None) == (convention is None):
                raise forms.ValidationError("Choisissez soit une habilitation, soit une convention (une seule).")
        return donnees

    def fin_instant(self) -> datetime:
        """The end of the chosen day, local time: midnight after it."""
        return datetime.combine(self.cleaned_data["fin"] + timedelta(days=1), time.min, tzinfo=PARIS)


class LeveeForm(forms.Form):
    motif_levee = forms.CharField(
        label="Motif de la levée", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PeriodeForm(forms.Form):
    du = forms.DateField(label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    au = forms.DateField(label="Au", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    tri = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        donnees = super().clean()
        du, au = donnees.get("du"), donnees.get("au")
        if du and au and du > au:
            raise forms.ValidationError("La période doit commencer avant sa fin.")
        if du and au and (au - du).days > 366:
            raise forms.ValidationError("La période ne peut dépasser un an.")
        return donnees
