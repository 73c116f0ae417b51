"""Who may use the responsables habilitations' space (/espace/), decided on the server for every
request, deny by default (issue 16).

A responsable habilitations is named by his partner's « désignation d'un responsable
habilitations » (04-… forms); his account (TypeCompte.RESPONSABLE) manages the accesses of the
agents of the conventions he is in charge of, and nothing else: it never consults a dossier,
never reaches /portail/ nor /gestion/.
"""

import functools

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404, redirect, render

from conventions.models import Convention
from habilitations.evenements import enregistrer_pour_compte
from habilitations.models import Habilitation, ResponsableHabilitations
from journal.models import Resultat, TypeEvenement


def responsable_de(user) -> ResponsableHabilitations | None:
    """The responsable habilitations behind an active, authenticated account, or None."""
    if not (user.is_authenticated and user.is_active and user.est_responsable):
        return None
    return ResponsableHabilitations.objects.select_related("partenaire__caisse").filter(user=user).first()


def conventions_du_responsable(user) -> QuerySet[Convention]:
    """The conventions this account answers for today: none unless he is a responsable
    habilitations with a current attachment (RattachementResponsable not ended)."""
    responsable = responsable_de(user)
    if responsable is None:
        return Convention.objects.none()
    return responsable.conventions_en_charge().select_related("caisse", "partenaire")


def habilitations_du_responsable(user) -> QuerySet[Habilitation]:
    """The habilitations of his conventions' agents: the only ones he may see or act on."""
    return Habilitation.objects.filter(convention__in=conventions_du_responsable(user)).select_related(
        "user", "convention"
    )


def habilitation_pour_responsable(request, public_id) -> Habilitation:
    """One of his agents' habilitations by its public id: 404 for anyone else's (another
    partner's, another convention's, a forged id), so the space tells nothing about them."""
    return get_object_or_404(habilitations_du_responsable(request.user), public_id=public_id)


def _refuser(request, motif: str):
    enregistrer_pour_compte(TypeEvenement.REFUS, Resultat.REFUS, request.user, request=request, motif=motif)
    # Answered, not raised: the request's transaction commits the journal event.
    return render(request, "403.html", status=403)


# Where LoginRequiredMiddleware sends a visitor with no session (it reads the view's `login_url`).
PAGE_DE_CONNEXION = "responsables:connexion"


def vers_la_connexion_de_l_espace(vue):
    """Without a session, a page of the space leads to the space's own login, not the portal's."""
    vue.login_url = PAGE_DE_CONNEXION
    return vue


def responsable_requis(vue):
    """Deny unless the account is a responsable habilitations, active, whose second factor was
    verified in this session, and in charge of at least one convention today. The view gets
    `request.responsable` and `request.conventions` (his conventions, resolved here once)."""

    @functools.wraps(vue)
    def enveloppe(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            raise PermissionDenied("Accès réservé aux responsables habilitations.")
        responsable = responsable_de(user)
        if responsable is None:
            return _refuser(request, f"espace des responsables : {request.path}")
        if not user.is_verified():
            return redirect("responsables:second_facteur")
        if responsable.mot_de_passe_provisoire_le is not None:
            # The password the Caf issued is replaced before anything else.
            return redirect("responsables:mot_de_passe")
        conventions = conventions_du_responsable(user)
        if not conventions.exists():
            return _refuser(request, f"espace des responsables sans convention en charge : {request.path}")
        request.responsable = responsable
        request.conventions = conventions
        return vue(request, *args, **kwargs)

    return vers_la_connexion_de_l_espace(enveloppe)
