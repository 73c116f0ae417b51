"""The account behind a session, loaded with what every request reads next."""

from django.contrib.auth.backends import ModelBackend

from .models import User


class CompteBackend(ModelBackend):
    """Django's ModelBackend, whose `get_user` also brings, in the same query, a partner
    agent's habilitation, its convention and Caf, and a staff member's Caf: the portal's
    access check, the journal and the banner read them on every page (issue 17: they were
    four more round trips per request)."""

    def get_user(self, user_id):
        try:
            user = User._default_manager.select_related(
                "habilitation__convention__caisse", "habilitation__convention__partenaire", "caisse"
            ).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
