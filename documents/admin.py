"""Issued documents in the staff area: read-only, within the gestionnaire's Caf."""

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from . import rendu
from .models import DocumentEmis
from .perms import caisse_du_compte, documents_visibles, gere_des_documents


@admin.register(DocumentEmis)
class DocumentEmisAdmin(admin.ModelAdmin):
    """Deny by default: a gestionnaire sees his Caf's documents, a superuser all of them,
    anyone else nothing. Nobody adds, changes or deletes: documents are issued by
    `documents.emission.emettre` and kept as issued."""

    list_display = ["emis_le", "nature", "titre", "emis_par", "liens"]
    list_filter = ["nature"]
    search_fields = ["titre"]
    date_hierarchy = "emis_le"
    list_per_page = 50
    fields = [
        "nature",
        "titre",
        "caisse",
        "emis_le",
        "emis_par",
        "liens",
        "contenu",
        "lot",
        "public_id",
        "convention_id",
        "habilitation_id",
        "partenaire_id",
        "empreinte",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return documents_visibles(request.user)

    def _dans_perimetre(self, request, obj) -> bool:
        if obj is None or request.user.is_superuser:
            return True
        return obj.caisse == caisse_du_compte(request.user)

    def has_module_permission(self, request):
        return gere_des_documents(request.user)

    def has_view_permission(self, request, obj=None):
        return gere_des_documents(request.user) and self._dans_perimetre(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="document")
    def liens(self, obj):
        return format_html(
            '<a href="{}">page</a> · <a href="{}">PDF</a> · <a href="{}">lot</a>',
            reverse("documents:document", args=[obj.public_id]),
            reverse("documents:pdf", args=[obj.public_id]),
            reverse("documents:lot", args=[obj.lot]),
        )

    @admin.display(description="contenu (texte)")
    def contenu(self, obj):
        return format_html_join("", "{}<br>", ((ligne,) for ligne in rendu.texte(obj.blocs).splitlines()))


def liste_des_documents(documents) -> str:
    """The documents issued about one record, newest first, each with its page and its PDF:
    shown on the convention's and the habilitation's pages, so the Caf can show what it sent."""
    lignes = [
        (
            f"{timezone.localtime(d.emis_le):%d/%m/%Y %H:%M}",
            d.get_nature_display(),
            reverse("documents:document", args=[d.public_id]),
            reverse("documents:pdf", args=[d.public_id]),
        )
        for d in sorted(documents, key=lambda d: d.emis_le, reverse=True)
    ]
    if not lignes:
        return "aucun"
    return format_html(
        "<ul>{}</ul>",
        format_html_join("", '<li>{} — {} : <a href="{}">page</a> · <a href="{}">PDF</a></li>', lignes),
    )
