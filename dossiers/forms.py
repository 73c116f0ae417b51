from datetime import date, datetime

from django import forms
from django.core.exceptions import ValidationError

from .lecture import MODE_PAR_DEFAUT, MODES_AIDE_JURIDICTIONNELLE, DemandeAideJuridictionnelle


class DemandeAideJuridictionnelleForm(forms.Form):
    """T12 Paiements: "Veuillez saisir la date de demande d'aide juridictionnelle (format JJMMAAAA)"
    and one of the three periods of the manual (02-…, annexe 4), the previous calendar year checked."""

    date_demande = forms.CharField(
        label="Veuillez saisir la date de demande d'aide juridictionnelle (format JJMMAAAA)",
        max_length=10,
        error_messages={"required": "Veuillez saisir la date de demande d'aide juridictionnelle."},
    )
    mode = forms.ChoiceField(
        label="Vous souhaitez consulter",
        choices=list(MODES_AIDE_JURIDICTIONNELLE.items()),
        initial=MODE_PAR_DEFAUT,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Veuillez choisir la période à consulter.",
            "invalid_choice": "Veuillez choisir l'une des trois périodes proposées.",
        },
    )

    def __init__(self, *args, jour: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.jour = jour
        self.fields["date_demande"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean_date_demande(self):
        texte = self.cleaned_data["date_demande"].strip().replace("/", "")
        try:
            if len(texte) != 8 or not texte.isdigit():
                raise ValueError
            jour = datetime.strptime(texte, "%d%m%Y").date()
            if jour.year < 1900:  # a typing error (0001 has no year before it to count in)
                raise ValueError
        except ValueError:
            raise ValidationError(
                "La date de demande doit être une date valide au format JJMMAAAA (par exemple 15032026)."
            ) from None
        if jour > self.jour:
            raise ValidationError("La date de demande ne peut pas être postérieure à aujourd'hui.")
        return jour

    def demande(self) -> DemandeAideJuridictionnelle:
        return DemandeAideJuridictionnelle(self.cleaned_data["date_demande"], self.cleaned_data["mode"])
