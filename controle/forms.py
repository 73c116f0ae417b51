"""The Responsables Sécurité's forms: the journal's filters (every one optional, choices limited
to the officer's Caisse), the indicators' period, putting under surveillance and lifting, the
allocataire's letter (numéro and period).

Habilitations, conventions and partners are chosen by their `public_id`: no integer key of
ours appears in the officer's URLs."""

import re
from datetime import datetime, time, timedelta

from django import forms
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from conventions.models import Convention, Partenaire
from habilitations.models import Habilitation
from journal.models import Resultat
from profils.definitions import profil_choices

from .droit_acces import PERIODE_MAXIMALE as PERIODE_MAXIMALE_DROIT_ACCES
from .indicateurs import PARIS, PeriodeObservee
from .recherche import GENRE_CHOICES, Criteres

VIDE = [("", "— tous —")]
# The longest period the indicators read at once.
PERIODE_MAXIMALE = 366  # days


class Jour(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


def jour(label: str, required: bool = False) -> forms.DateField:
    """A whole day, typed in the browser's date picker or as jj/mm/aaaa."""
    return forms.DateField(label=label, required=required, widget=Jour(), input_formats=["%Y-%m-%d", "%d/%m/%Y"])


class ListeDeChoix(forms.Select):
    """A <select> written in one pass. A large Caf has hundreds of partners and conventions: one
    template rendered per option was most of the journal page's time (issue 17: 100 of 160 ms)."""

    def render(self, name, value, attrs=None, renderer=None):
        choisies = {str(v) for v in self.format_value(value)}
        attributs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (str(cle), mark_safe(" selected") if str(cle) in choisies else "", libelle)
                for cle, libelle in self.choices
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(attributs), options)


class ChoixParPublicId(forms.ModelChoiceField):
    """A record of the officer's Caf (the form sets the queryset), chosen by its public_id and
    named in the list by `libelle`."""

    widget = ListeDeChoix

    def __init__(self, label: str, libelle, **options):
        super().__init__(queryset=None, required=False, label=label, to_field_name="public_id", **options)
        self.libelle = libelle

    def label_from_instance(self, obj):
        return self.libelle(obj)


class _FiltresDuJournal(forms.Form):
    """A period (whole days, inclusive) and the filters of a journal screen, all optional."""

    debut = jour("Du")
    fin = jour("Au")
    adresse_ip = forms.GenericIPAddressField(label="Adresse du client", required=False)

    def clean(self):
        donnees = super().clean()
        if donnees.get("debut") and donnees.get("fin") and donnees["fin"] < donnees["debut"]:
            self.add_error("fin", "La fin de la période doit suivre son début.")
        return donnees

    def criteres(self) -> Criteres:
        """The search's criteria: none for an unbound form (every event), else the filters."""
        return Criteres.depuis(self.cleaned_data) if self.is_bound else Criteres()

    def resume(self) -> dict:
        """The filters used, for the journal's own event (small: keys and short values)."""
        if not self.is_bound:
            return {}
        return {
            nom: str(valeur.pk if hasattr(valeur, "pk") else valeur)[:50]
            for nom, valeur in self.cleaned_data.items()
            if valeur not in (None, "")
        }


class TentativesForm(_FiltresDuJournal):
    """The filters of the failed logins that belong to no Caf: a period and a client address."""


class RechercheForm(_FiltresDuJournal):
    identifiant = forms.CharField(label="Identifiant", max_length=150, required=False)
    nom = forms.CharField(label="Nom de l'agent", max_length=100, required=False)
    partenaire = ChoixParPublicId("Partenaire", str)
    convention = ChoixParPublicId("Convention", str)
    profil = forms.ChoiceField(label="Profil", required=False, widget=ListeDeChoix)
    numero_allocataire = forms.CharField(label="Numéro d'allocataire", max_length=20, required=False)
    genre = forms.ChoiceField(label="Événement", choices=VIDE + GENRE_CHOICES, required=False, widget=ListeDeChoix)
    resultat = forms.ChoiceField(
        label="Résultat", choices=VIDE + list(Resultat.choices), required=False, widget=ListeDeChoix
    )

    field_order = [
        "debut",
        "fin",
        "identifiant",
        "nom",
        "partenaire",
        "convention",
        "profil",
        "numero_allocataire",
        "genre",
        "resultat",
        "adresse_ip",
    ]

    def __init__(self, *args, caisse, **kwargs):
        super().__init__(*args, **kwargs)
        # Only what the lists show (their __str__) and choose by: hundreds of each in a large Caf.
        partenaires = Partenaire.objects.filter(caisse=caisse).only("public_id", "raison_sociale")
        self.fields["partenaire"].queryset = partenaires.order_by("raison_sociale")
        conventions = Convention.objects.filter(caisse=caisse).only("public_id", "numero", "profil")
        self.fields["convention"].queryset = conventions.order_by("numero")
        self.fields["profil"].choices = VIDE + profil_choices()


class PeriodeForm(forms.Form):
    """The indicators' period: whole days, local time, at most PERIODE_MAXIMALE days; by default
    the last PERIODE_PAR_DEFAUT days."""

    du = jour("Du")
    au = jour("Au")
    tri = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        donnees = super().clean()
        du, au = donnees.get("du"), donnees.get("au")
        if du and du > (au or timezone.localdate()):
            raise forms.ValidationError("La période doit commencer avant sa fin.")
        if du and ((au or timezone.localdate()) - du).days > PERIODE_MAXIMALE:
            raise forms.ValidationError("La période ne peut dépasser un an.")
        return donnees

    def periode(self) -> PeriodeObservee:
        """The chosen period; the default one for an unbound or invalid form."""
        if self.is_bound and self.is_valid():
            return PeriodeObservee.jours(self.cleaned_data["du"], self.cleaned_data["au"])
        return PeriodeObservee.jours()


class MiseSousSurveillanceForm(forms.Form):
    habilitation = ChoixParPublicId(
        "Habilitation",
        lambda h: f"{h.identifiant} — {h.prenom} {h.nom} (convention {h.convention.numero})",
        empty_label="—",
    )
    convention = ChoixParPublicId(
        "ou toute une convention", lambda c: f"{c.numero} ({c.profil}) — {c.partenaire.raison_sociale}", empty_label="—"
    )
    motif = forms.CharField(label="Motif", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    fin = jour("Fin de la surveillance (incluse)", required=True)
    suspendre = forms.BooleanField(label="Suspendre aussitôt les accès", required=False)

    def __init__(self, *args, caisse, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the officer's own Caf's subjects: a forged key of another Caf is "not a valid choice".
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


class DroitAccesForm(forms.Form):
    """The letter of an allocataire's right of access: his numéro and a period of whole days (local
    time), at most droit_acces.PERIODE_MAXIMALE days, none of them to come."""

    numero = forms.CharField(
        label="Numéro d'allocataire",
        max_length=20,
        error_messages={"required": "Saisissez le numéro d'allocataire."},
    )
    du = jour("Du", required=True)
    au = jour("Au", required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["du"].error_messages["required"] = "Saisissez la date de début de la période."
        self.fields["au"].error_messages["required"] = "Saisissez la date de fin de la période."
        for nom in ("du", "au"):
            self.fields[nom].error_messages["invalid"] = "Saisissez une date valide (jj/mm/aaaa)."

    def clean_numero(self) -> str:
        # As the portal takes it: spaces typed between the digits are ignored.
        numero = "".join(self.cleaned_data["numero"].split())
        if not re.fullmatch(r"[0-9]{7}", numero):
            raise forms.ValidationError("Le numéro d'allocataire comporte 7 chiffres.")
        return numero

    def clean_du(self):
        du = self.cleaned_data["du"]
        if du > timezone.localdate():
            raise forms.ValidationError("La date de début ne peut pas être postérieure à aujourd'hui.")
        return du

    def clean_au(self):
        au = self.cleaned_data["au"]
        if au > timezone.localdate():
            raise forms.ValidationError("La date de fin ne peut pas être postérieure à aujourd'hui.")
        return au

    def clean(self):
        donnees = super().clean()
        du, au = donnees.get("du"), donnees.get("au")
        if du and au:
            if au < du:
                self.add_error("au", "La date de fin doit être égale ou postérieure à la date de début.")
            elif (au - du).days > PERIODE_MAXIMALE_DROIT_ACCES:
                self.add_error(
                    "au", "La période ne peut dépasser un an : le journal des accès n'est pas conservé au-delà."
                )
        return donnees
