"""Only the Caf's Responsables Sécurité read the journal des accès (manual Cafpro V5,
"Contrôle des accès": "réservé aux Responsables Sécurités de la Caf")."""

import functools

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.shortcuts import render

from habilitations.evenements import enregistrer_pour_compte
from journal.ecriture import enregistrer
from journal.models import Resultat, TypeEvenement


def refuser(request, motif: str):
    """A journaled refusal, answered (not raised) so that the request's transaction keeps the event."""
    enregistrer_pour_compte(TypeEvenement.REFUS, Resultat.REFUS, request.user, request=request, motif=motif)
    return render(request, "controle/refus.html", status=403)


def contexte_admin(request, contexte: dict | None = None, **autres) -> dict:
    """The staff area's own header, sidebar and links around an officer's page."""
    return {**admin.site.each_context(request), **(contexte or {}), **autres}


def journaliser_lecture(request, motif: str, details: dict | None = None):
    """Reading the journal is itself journaled: who read what (the filters, the period)."""
    user = request.user
    return enregistrer(
        TypeEvenement.CONTROLE,
        Resultat.SUCCES,
        request=request,
        motif=motif,
        identifiant=user.username,
        acteur=user.username,
        caisse=user.caisse.numero if user.caisse_id else "",
        details=details,
    )


def lecture_du_journal(vue):
    """A read-only screen: its journal event commits on its own, at once, so that the lock on
    the head of the Caf's chain is not held while the journal is searched (an indicators page
    takes seconds; every agent of the Caf writes to that chain)."""
    return transaction.non_atomic_requests(vue)


def responsable_securite_requis(vue):
    """Signed-in staff with a verified second factor (the admin's own check), the role, and a
    Caf: the view is called as `vue(request, caisse, *args, **kwargs)` with the officer's Caisse.

    Any other signed-in account — a partner agent, a gestionnaire, an officer attached to no
    Caf — is refused and the refusal journaled; an anonymous visitor is sent to the staff
    login page."""

    @functools.wraps(vue)
    def reservee(request, *args, **kwargs):
        if not request.user.est_responsable_securite:
            return refuser(request, f"journal des accès : {request.path}")
        if not request.user.caisse_id:
            return refuser(request, f"journal des accès sans Caf de rattachement : {request.path}")
        return vue(request, request.user.caisse, *args, **kwargs)

    protegee = admin.site.admin_view(reservee)

    @login_not_required  # the admin's own login page handles anonymous visitors
    @functools.wraps(vue)
    def entree(request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.est_responsable_securite:
            return refuser(request, f"journal des accès : {request.path}")
        return protegee(request, *args, **kwargs)

    return entree
