"""The responsable's forms. The profile is the convention's and is never a field: whatever else
is posted (a `profil`, another convention, an agent's state) is not read (issue 16)."""

from datetime import date

from django import forms
from django.utils import timezone

from habilitations.models import Habilitation

from .models import Demande, MotifReinitialisation

# « Demande d'accès au service Cafpro » (04-… forms): the seed's fields, in its order.
CHAMPS_DEMANDE_ACCES = [
    "convention",
    "nom",
    "prenom",
    "adresse_professionnelle",
    "telephone",
    "telecopie",
    "email",
    "fonction",
    "qualite_greffier",
    "contrat",
    "commentaire",
]
OBLIGATOIRES = ["nom", "prenom", "adresse_professionnelle", "telephone", "email", "fonction", "contrat"]


class DemandeAccesForm(forms.ModelForm):
    class Meta:
        model = Demande
        fields = CHAMPS_DEMANDE_ACCES
        labels = {
            "nom": "Nom du demandeur",
            "prenom": "Prénom du demandeur",
            "telephone": "Tél. professionnel",
            "telecopie": "Fax professionnel",
            "email": "E-mail professionnel",
            "contrat": "Contrat : CDD ou CDI",
        }
        help_texts = {
            "qualite_greffier": "Seulement pour une convention au profil T12 (greffiers des bureaux d'aide "
            "juridictionnelle).",
            "commentaire": "Facultatif : une précision pour la Caf.",
        }
        widgets = {
            "adresse_professionnelle": forms.Textarea(attrs={"rows": 3}),
            "commentaire": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, conventions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["convention"].queryset = conventions
        self.fields["convention"].empty_label = None
        self.fields["convention"].label_from_instance = lambda c: f"{c.numero} (profil {c.profil})"
        self.fields["convention"].help_text = "Le profil d'accès de l'agent est celui de la convention."
        for champ in OBLIGATOIRES:
            self.fields[champ].required = True
        self.fields["contrat"].choices = [("", "---------"), *self.fields["contrat"].choices[1:]]

    def clean(self):
        cleaned = super().clean()
        convention = cleaned.get("convention")
        if convention is None or self.errors:
            return cleaned
        # The rules the habilitation will be held to (T12 for greffiers, a convention in force,
        # one habilitation per person and convention), checked now rather than at validation.
        candidat = Habilitation(
            convention=convention,
            nom=cleaned.get("nom", ""),
            prenom=cleaned.get("prenom", ""),
            email=cleaned.get("email", ""),
            qualite_greffier=cleaned.get("qualite_greffier", ""),
        )
        for champ, message in candidat.regles_non_respectees().items():
            if champ in ("qualite_greffier", "convention"):
                self.add_error(champ, message)
        if not convention.est_active():
            self.add_error("convention", f"La convention {convention.numero} n'est pas en vigueur.")
        if candidat.meme_personne():
            self.add_error(
                None,
                f"Cette personne détient déjà une habilitation sur la convention {convention.numero} : "
                "l'habilitation est nominative, une personne n'en a qu'une par convention.",
            )
        return cleaned


class SuspensionForm(forms.Form):
    commentaire = forms.CharField(
        label="Précisions pour la Caf", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class SuppressionForm(SuspensionForm):
    a_compter_du = forms.DateField(
        label="Suppression de l'accès à compter du",
        help_text="JJ/MM/AAAA : aujourd'hui ou une date future.",
        initial=timezone.localdate,
    )
    field_order = ["a_compter_du", "commentaire"]

    def clean_a_compter_du(self):
        jour = self.cleaned_data["a_compter_du"]
        if jour < timezone.localdate():
            raise forms.ValidationError(
                "La suppression ne peut pas être rétroactive : choisissez aujourd'hui ou plus tard."
            )
        if jour > date(2100, 12, 31):
            raise forms.ValidationError("La date de suppression doit être antérieure à 2100.")
        return jour


class ReinitialisationForm(SuspensionForm):
    motif_reinitialisation = forms.ChoiceField(
        label="Motif de la réinitialisation",
        choices=MotifReinitialisation.choices,
        widget=forms.RadioSelect,
        help_text="Perte ou vol : les codes actuels sont révoqués dès la validation et une nouvelle habilitation "
        "est délivrée. Planifiée : un nouveau mot de passe est notifié avant sa mise en service.",
    )
    field_order = ["motif_reinitialisation", "commentaire"]
