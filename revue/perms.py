"""Who may answer for which agent of a review: a responsable habilitations, for the agents of
the conventions he is in charge of today (responsables.perms, resolved by responsable_requis)."""

from django.shortcuts import get_object_or_404

from .models import Confirmation


def confirmation_pour_responsable(request, public_id) -> Confirmation:
    """One agent of one of his conventions' reviews: 404 for any other (another convention's,
    another partner's, a forged id), so that the space tells nothing about them."""
    confirmations = Confirmation.objects.filter(campagne__convention__in=request.conventions)
    return get_object_or_404(
        confirmations.select_related("campagne__convention__caisse", "habilitation__user", "habilitation__convention"),
        public_id=public_id,
    )
