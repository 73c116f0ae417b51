from django import forms

from .mots_de_passe import erreurs_nouveau_mot_de_passe


class ConnexionForm(forms.Form):
    # No length validation here: a badly formed entry must get the same answer, and be
    # counted, as a wrong one (habilitations.connexion).
    identifiant = forms.CharField(label="Identifiant", max_length=150, strip=True)
    mot_de_passe = forms.CharField(label="Mot de passe", max_length=128, strip=False, widget=forms.PasswordInput)

    # The cursor waits in the first field to type (issue 15: four Tab presses before).
    identifiant.widget.attrs.update(
        autocomplete="username", autocapitalize="characters", spellcheck="false", autofocus=True
    )
    mot_de_passe.widget.attrs.update(autocomplete="current-password")


class ChangementMotDePasseForm(forms.Form):
    actuel = forms.CharField(label="Mot de passe actuel", strip=False, widget=forms.PasswordInput)
    nouveau = forms.CharField(label="Nouveau mot de passe", strip=False, widget=forms.PasswordInput)
    confirmation = forms.CharField(
        label="Confirmation du nouveau mot de passe", strip=False, widget=forms.PasswordInput
    )

    actuel.widget.attrs.update(autocomplete="current-password")
    nouveau.widget.attrs.update(autocomplete="new-password")
    confirmation.widget.attrs.update(autocomplete="new-password")

    def __init__(self, habilitation, *args, actuel_juste: bool = False, **kwargs):
        # Whether the current password is right is decided, counted and journaled before the
        # form (habilitations.connexion.controler_mot_de_passe_actuel).
        self.habilitation = habilitation
        self.actuel_juste = actuel_juste
        super().__init__(*args, **kwargs)

    def clean_actuel(self):
        if not self.actuel_juste:
            raise forms.ValidationError("Le mot de passe actuel est incorrect.")
        return self.cleaned_data["actuel"]

    def clean(self):
        cleaned = super().clean()
        nouveau, confirmation = cleaned.get("nouveau"), cleaned.get("confirmation")
        if nouveau and confirmation and nouveau != confirmation:
            self.add_error("confirmation", "La confirmation ne correspond pas au nouveau mot de passe.")
        elif nouveau:
            for erreur in erreurs_nouveau_mot_de_passe(self.habilitation, nouveau):
                self.add_error("nouveau", erreur)
        return cleaned
