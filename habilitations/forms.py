from django import forms


class ConnexionForm(forms.Form):
    # No length validation here: a badly formed entry must get the same answer, and be
    # counted, as a wrong one (habilitations.connexion).
    identifiant = forms.CharField(label="Identifiant", max_length=150, strip=True)
    mot_de_passe = forms.CharField(label="Mot de passe", max_length=128, strip=False, widget=forms.PasswordInput)

    identifiant.widget.attrs.update(autocomplete="username", autocapitalize="characters", spellcheck="false")
    mot_de_passe.widget.attrs.update(autocomplete="current-password")
