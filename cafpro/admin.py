"""The Caf staff's administration site: password, then a TOTP second factor."""

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from habilitations.second_facteur import ConnexionPersonnelForm, attend_second_facteur, verification
from habilitations.tableau_de_bord import a_faire
from responsables.models import Demande, EtatDemande


class CafproAdminSite(admin.AdminSite):
    site_header = "Cafpro — administration des accès"
    site_title = "Cafpro"
    index_title = "Gestion des partenaires, conventions et habilitations"
    login_form = ConnexionPersonnelForm

    def has_permission(self, request):
        # Only Caf staff accounts (a partner identifiant never opens the admin, DESIGN §3),
        # and only once their second factor is verified in this session.
        user = request.user
        return bool(user.is_active and user.is_staff and getattr(user, "est_agent_caf", False) and user.is_verified())

    @method_decorator(never_cache)
    @login_not_required
    def login(self, request, extra_context=None):
        if attend_second_facteur(request.user):
            return redirect("admin:verification")
        return super().login(request, extra_context)

    def index(self, request, extra_context=None):
        # A gestionnaire's home page starts with what needs doing today, each count a link.
        if getattr(request.user, "est_gestionnaire", False) and request.user.caisse_id:
            lignes = a_faire(request.user.caisse_id)
            # Issue 16: the responsables habilitations' requests waiting for the Caf's decision.
            lignes.insert(
                0,
                {
                    "cle": "demandes_responsables",
                    "libelle": "demandes des responsables habilitations en attente",
                    "nombre": Demande.objects.en_attente().de_la_caisse(request.user.caisse_id).count(),
                    "url": f"{reverse('admin:responsables_demande_changelist')}?etat={EtatDemande.EN_ATTENTE}",
                },
            )
            extra_context = {**(extra_context or {}), "a_faire": lignes}
        return super().index(request, extra_context)

    def get_urls(self):
        return [
            path("verification/", self.admin_view_sans_permission(verification), name="verification"),
            *super().get_urls(),
        ]

    def admin_view_sans_permission(self, vue):
        # Reached between the password and the second factor: no admin permission yet.
        def enveloppe(request, *args, **kwargs):
            return vue(request, self, *args, **kwargs)

        return login_not_required(never_cache(csrf_protect(enveloppe)))
