"""The sessions kept in the database, as Django's own engine keeps them, read by a prepared query.

Every request reads its session (issue 17's profile: a tenth of a consultation page's CPU, most
of it Django building the same SELECT again). Same table, same expiry rule, same decoding."""

from datetime import datetime

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from preparees import Preparee

_SESSION = Preparee(
    lambda cle, maintenant: Session.objects.filter(session_key=cle, expire_date__gt=maintenant)[:1], str, datetime
)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        trouvee = _SESSION.premiere(self.session_key, timezone.now()) if type(self.session_key) is str else None
        if trouvee is None:
            self._session_key = None
        return trouvee
