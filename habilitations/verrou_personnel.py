"""Caf staff lockout: after CAFPRO_STAFF_MAX_ECHECS failed admin logins in a row, the
username is blocked until a colleague of the same Caf unlocks it or CAFPRO_STAFF_LOCK_SECONDS
pass. Counted per typed username, known or not (no enumeration), under a row lock and
before the password is checked, as for partners (habilitations.connexion)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .codes import cle_identifiant
from .models import CompteurEchecs


def cle_personnel(username: str) -> str:
    return cle_identifiant("personnel:" + username)


def compter_tentative(username: str) -> int | None:
    """Count an attempt and return its rank, or None while the username is blocked."""
    delai = timedelta(seconds=settings.CAFPRO_STAFF_LOCK_SECONDS)
    return CompteurEchecs.compter(cle_personnel(username), settings.CAFPRO_STAFF_MAX_ECHECS, delai)


def effacer(username: str) -> None:
    CompteurEchecs.objects.filter(cle=cle_personnel(username)).update(echecs=0)


def est_bloque(username: str) -> bool:
    compteur = CompteurEchecs.objects.filter(cle=cle_personnel(username)).first()
    if compteur is None or compteur.echecs < settings.CAFPRO_STAFF_MAX_ECHECS:
        return False
    return timezone.now() - compteur.dernier_echec <= timedelta(seconds=settings.CAFPRO_STAFF_LOCK_SECONDS)
