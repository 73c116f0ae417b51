"""The journal's search form: every filter optional, choices limited to the officer's Caisse."""

from django import forms

from conventions.models import Convention, Partenaire
from journal.models import Resultat
from profils.definitions import profil_choices

from .recherche import GENRE_CHOICES, Criteres

VIDE = [("", "— tous —")]


class Jour(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class _FiltresDuJournal(forms.Form):
    """A period (whole days, inclusive) and the filters of a journal screen, all optional."""

    def clean(self):
        donnees = super().clean()
        if donnees.get("debut") and donnees.get("fin") and donnees["fin"] < donnees["debut"]:
            self.add_error("fin", "La fin de la période doit suivre son début.")
        return donnees

    def criteres(self) -> Criteres:
        return Criteres.depuis(self.cleaned_data)

    def resume(self) -> dict:
        """The filters used, for the journal's own event (small: keys and short values)."""
        return {
            nom: str(valeur.pk if hasattr(valeur, "pk") else valeur)[:50]
            for nom, valeur in self.cleaned_data.items()
            if valeur not in (None, "")
        }


class TentativesForm(_FiltresDuJournal):
    """The filters of the failed logins that belong to no Caf: a period and a client address."""

    debut = forms.DateField(label="Du", required=False, widget=Jour(), input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    fin = forms.DateField(label="Au", required=False, widget=Jour(), input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    adresse_ip = forms.GenericIPAddressField(label="Adresse du client", required=False)


class RechercheForm(_FiltresDuJournal):
    debut = forms.DateField(label="Du", required=False, widget=Jour(), input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    fin = forms.DateField(label="Au", required=False, widget=Jour(), input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    identifiant = forms.CharField(label="Identifiant", max_length=150, required=False)
    partenaire = forms.ModelChoiceField(label="Partenaire", queryset=Partenaire.objects.none(), required=False)
    convention = forms.ModelChoiceField(label="Convention", queryset=Convention.objects.none(), required=False)
    profil = forms.ChoiceField(label="Profil", required=False)
    numero_allocataire = forms.CharField(label="Numéro d'allocataire", max_length=20, required=False)
    genre = forms.ChoiceField(label="Événement", choices=VIDE + GENRE_CHOICES, required=False)
    resultat = forms.ChoiceField(label="Résultat", choices=VIDE + list(Resultat.choices), required=False)
    adresse_ip = forms.GenericIPAddressField(label="Adresse du client", required=False)

    def __init__(self, *args, caisse, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partenaire"].queryset = Partenaire.objects.filter(caisse=caisse).order_by("raison_sociale")
        self.fields["convention"].queryset = Convention.objects.filter(caisse=caisse).order_by("numero")
        self.fields["profil"].choices = VIDE + profil_choices()
