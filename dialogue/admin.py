from django.contrib import admin

from conventions.admin import PerimetreCaisseAdmin

from .models import Message


@admin.register(Message)
class MessageAdmin(PerimetreCaisseAdmin):
    """The Caf's gestionnaires read the messages of their Caf and mark them as dealt with."""

    list_display = ["recu_le", "organisme", "nom_prenom", "courriel", "traite"]
    list_filter = ["traite"]
    search_fields = ["organisme", "nom_prenom", "texte"]
    readonly_fields = ["caisse", "auteur", "organisme", "nom_prenom", "courriel", "texte", "recu_le"]
    fields = [*readonly_fields, "traite"]

    def has_add_permission(self, request):
        return False  # messages come from the portal only
