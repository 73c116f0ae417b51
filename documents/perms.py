"""Who opens an issued document: a gestionnaire of its Caf in the staff area, or a superuser.

The rule of the staff area (cafpro.admin.CafproAdminSite.has_permission: an active Caf staff
account with a verified second factor), then the role, then the Caf: an anonymous visitor is
sent to the staff login page, a signed-in account without the role gets a French 403, and a
document that does not exist or belongs to another Caf is a 404 — the two cannot be told
apart. Every refusal is journaled, and answered (not raised) so that the request's
transaction keeps the event.
"""

import functools

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render

from journal.ecriture import enregistrer
from journal.models import Resultat, TypeEvenement

from .models import DocumentEmis


def gere_des_documents(user) -> bool:
    """A superuser, or a gestionnaire attached to a Caf."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or (getattr(user, "est_gestionnaire", False) and bool(getattr(user, "caisse_id", None)))


def caisse_du_compte(user) -> str:
    if getattr(user, "caisse_id", None):
        return user.caisse.numero
    return ""


def documents_visibles(user):
    """The documents this account may open (none for an account outside the rule)."""
    if not gere_des_documents(user):
        return DocumentEmis.objects.none()
    if user.is_superuser:
        return DocumentEmis.objects.all()
    return DocumentEmis.objects.de_la_caisse(caisse_du_compte(user))


def journaliser_refus(request, motif: str) -> None:
    """A REFUS event with the account's keys: a partner agent's habilitation and its Caf, a
    staff member's Caf, nothing for an anonymous visitor."""
    user = request.user
    identifiant = caisse = ""
    habilitation_id = None
    if user.is_authenticated:
        identifiant = user.username
        habilitation = getattr(user, "habilitation", None) if getattr(user, "est_partenaire", False) else None
        if habilitation is not None:
            habilitation_id = habilitation.pk
            caisse = habilitation.convention.caisse.numero
        else:
            caisse = caisse_du_compte(user)
    enregistrer(
        TypeEvenement.REFUS,
        Resultat.REFUS,
        request=request,
        motif=motif,
        identifiant=identifiant,
        habilitation_id=habilitation_id,
        caisse=caisse,
    )


def refuser(request, motif: str):
    journaliser_refus(request, motif)
    return render(request, "documents/refus.html", status=403)


def introuvable(request, motif: str):
    journaliser_refus(request, motif)
    return render(request, "documents/introuvable.html", status=404)


def gestionnaire_requis(vue):
    """Signed-in Caf staff with a verified second factor (the admin's own check) who manages
    documents; an anonymous visitor is journaled and sent to the staff login page."""

    @functools.wraps(vue)
    def reservee(request, *args, **kwargs):
        if not gere_des_documents(request.user):
            return refuser(request, f"documents : {request.path}")
        return vue(request, *args, **kwargs)

    protegee = admin.site.admin_view(reservee)

    @login_not_required  # the admin's own login page handles anonymous visitors
    @functools.wraps(vue)
    def entree(request, *args, **kwargs):
        if not request.user.is_authenticated:
            journaliser_refus(request, f"documents : sans session : {request.path}")
        elif not gere_des_documents(request.user):
            return refuser(request, f"documents : {request.path}")
        return protegee(request, *args, **kwargs)

    return entree
