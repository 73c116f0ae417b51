"""Who may use the partner portal, decided on the server for every request."""

import functools

from django.core.exceptions import PermissionDenied

from conventions.models import EtatConvention

from .models import EtatHabilitation


def peut_utiliser_le_portail(user) -> bool:
    """An authenticated partner agent whose habilitation and convention are in force now.

    Checked on every request, so that a suspension or the end of a convention closes
    the door at once, not at the next login. Caf staff accounts never qualify.
    """
    if not user.is_authenticated or not user.est_partenaire:
        return False
    habilitation = getattr(user, "habilitation", None)
    if habilitation is None or habilitation.etat_effectif() != EtatHabilitation.ACTIVE:
        return False
    return habilitation.convention.etat() in (EtatConvention.EN_VIGUEUR, EtatConvention.EN_FIN)


def partenaire_requis(vue):
    @functools.wraps(vue)
    def enveloppe(request, *args, **kwargs):
        if not peut_utiliser_le_portail(request.user):
            raise PermissionDenied("Accès réservé aux personnes habilitées.")
        return vue(request, *args, **kwargs)

    return enveloppe
