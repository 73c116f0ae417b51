"""The Caf staff's administration site."""

from django.contrib import admin


class CafproAdminSite(admin.AdminSite):
    site_header = "Cafpro — administration des accès"
    site_title = "Cafpro"
    index_title = "Gestion des partenaires, conventions et habilitations"

    def has_permission(self, request):
        # Only Caf staff accounts: a partner identifiant never opens the admin (DESIGN §3).
        user = request.user
        return bool(user.is_active and user.is_staff and getattr(user, "est_agent_caf", False))
