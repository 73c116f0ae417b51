"""Identifiants and passwords issued by the Caf.

Manual Cafpro V5, "Identification": an identifiant of 8 alphanumeric characters and a
password of 6 characters. Characters that read alike on a letter (0/O, 1/I/l) are left
out, so that what the agent types is what the Caf printed.
"""

import hashlib
import hmac
import secrets
import string

from django.conf import settings

ALPHABET_IDENTIFIANT = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
ALPHABET_MOT_DE_PASSE = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"
LONGUEUR_IDENTIFIANT = 8


def generer_identifiant(rng=secrets) -> str:
    return "".join(rng.choice(ALPHABET_IDENTIFIANT) for _ in range(LONGUEUR_IDENTIFIANT))


def generer_mot_de_passe(longueur: int = 6, rng=secrets) -> str:
    """A random password with at least one lower-case letter, one capital and one digit."""
    while True:
        mot = "".join(rng.choice(ALPHABET_MOT_DE_PASSE) for _ in range(longueur))
        if (
            any(c in string.ascii_lowercase for c in mot)
            and any(c in string.ascii_uppercase for c in mot)
            and any(c in string.digits for c in mot)
        ):
            return mot


def normaliser_identifiant(saisie: str) -> str:
    """Identifiants are printed in capitals; accept them typed in lower case."""
    return (saisie or "").strip().upper()


def cle_identifiant(identifiant: str) -> str:
    """A keyed hash of a typed identifiant, to count failures without storing what was typed."""
    message = normaliser_identifiant(identifiant).encode()
    return hmac.new(settings.SECRET_KEY.encode(), b"cafpro-echecs:" + message, hashlib.sha256).hexdigest()
