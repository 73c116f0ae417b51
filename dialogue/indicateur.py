"""The banner's « Dialogue (1 réponse) » (issue 16), at the cost of at most one query a page."""

from functools import cached_property

from .models import Reponse


class ReponsesEnAttente:
    """The answers waiting for the signed-in agent, counted on first use only: the banner asks
    only when it shows the Dialogue pictogram (its Caf opened the rubrique), so the other pages
    pay nothing, and those pay one indexed count (dialogue_reponse_non_lue)."""

    def __init__(self, user):
        self._user = user

    @cached_property
    def nombre(self) -> int:
        user = self._user
        if user is None or not user.is_authenticated or not user.est_partenaire:
            return 0
        return Reponse.objects.non_lues_de(user).count()
