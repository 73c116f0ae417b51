"""The time of a session's last request, carried by a signed cookie (issue 17).

The idle timeout (manual Cafpro V5, « Session utilisateur ») needs the time of the last request.
Kept in the session row, it rewrote that row and committed at every request, a third of a page's
round trips for a timestamp. The server now signs it (SECRET_KEY, its own salt) into a cookie
bound to the session key, and checks it at every request: a client cannot make it newer, only
present an older one, which ends its session sooner. The session itself stays in the database,
so logout, timeout and suspension still end it on the server (SECURITY.md, « Sessions »); the
login time is still written in the session, so a session whose cookie is missing or forged
counts as idle since its login.
"""

import hashlib
import hmac

from django.conf import settings
from django.core import signing

_SEL = "cafpro.activite"


def _empreinte(cle_de_session: str) -> str:
    return hashlib.sha256(cle_de_session.encode()).hexdigest()[:32]


def jeton(cle_de_session: str, instant: float) -> str:
    return signing.Signer(salt=_SEL).sign(f"{_empreinte(cle_de_session)}:{instant:.3f}")


def instant_du_jeton(valeur: str | None, cle_de_session: str | None) -> float | None:
    """The time signed in `valeur` for this session, or None (missing, forged, another session's)."""
    if not valeur or not cle_de_session:
        return None
    try:
        contenu = signing.Signer(salt=_SEL).unsign(valeur)
    except signing.BadSignature:
        return None
    empreinte, _, instant = contenu.partition(":")
    if not hmac.compare_digest(empreinte, _empreinte(cle_de_session)):
        return None
    try:
        return float(instant)
    except ValueError:
        return None


def poser(reponse, cle_de_session: str, instant: float) -> None:
    # A browser-session cookie like the session's own, and never readable by scripts.
    reponse.set_cookie(
        settings.CAFPRO_ACTIVITE_COOKIE_NAME,
        jeton(cle_de_session, instant),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite=settings.SESSION_COOKIE_SAMESITE,
    )


def effacer(reponse) -> None:
    reponse.delete_cookie(settings.CAFPRO_ACTIVITE_COOKIE_NAME, samesite=settings.SESSION_COOKIE_SAMESITE)
