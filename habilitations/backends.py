"""The account behind a session, loaded with what every request reads next."""

from django.contrib.auth.backends import ModelBackend

from preparees import Preparee

from .models import User

# Prepared once (preparees/): Django compiling this five-table join cost about a fifth of a
# consultation page's CPU (issue 17's profile, docs/performance.md).
_COMPTE = Preparee(
    lambda pk: User._default_manager.select_related(
        "habilitation__convention__caisse", "habilitation__convention__partenaire", "caisse"
    ).filter(pk=pk)[:1],
    int,
)


class CompteBackend(ModelBackend):
    """Django's ModelBackend, whose `get_user` also brings, in the same query, a partner
    agent's habilitation, its convention and Caf, and a staff member's Caf: the portal's
    access check, the journal and the banner read them on every page (issue 17: they were
    four more round trips per request)."""

    def get_user(self, user_id):
        # The session's id, as Django's own get_user reads it (pk.to_python of the session's text).
        user = _COMPTE.premiere(user_id) if type(user_id) is int else None
        return user if user is not None and self.user_can_authenticate(user) else None
