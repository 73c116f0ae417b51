from django import forms

from .models import Message, Reponse


class MessageForm(forms.ModelForm):
    class Meta:
        model = Message
        fields = ["organisme", "nom_prenom", "courriel", "texte"]
        labels = {
            "organisme": "Le nom de votre organisme",
            "nom_prenom": "Vos nom et prénom",
            "courriel": "Votre adresse électronique",
            "texte": "Votre message",
        }
        help_texts = {
            "courriel": "Vérifiez bien que l'adresse électronique est correcte : c'est la garantie pour vous "
            "d'obtenir une réponse.",
            "texte": "Indiquez les éléments nécessaires à la réponse, en particulier le n° et le nom de "
            "l'allocataire dont vous parlez.",
        }
        error_messages = {
            "organisme": {"required": "Veuillez indiquer le nom de votre organisme."},
            "nom_prenom": {"required": "Veuillez indiquer vos nom et prénom."},
            "courriel": {
                "required": "Veuillez indiquer votre adresse électronique.",
                "invalid": "L'adresse électronique n'est pas valide.",
            },
            "texte": {"required": "Veuillez écrire votre message."},
        }


class ReponseForm(forms.ModelForm):
    """The gestionnaire's answer, in the message's page of the admin."""

    class Meta:
        model = Reponse
        fields = ["texte"]
        labels = {"texte": "Votre réponse"}
        help_texts = {
            "texte": "L'agent la lira dans « Mes messages » du portail ; le bandeau lui signale qu'elle l'attend. "
            "Une réponse envoyée n'est plus modifiable."
        }
        widgets = {"texte": forms.Textarea(attrs={"rows": 6, "cols": 80})}
