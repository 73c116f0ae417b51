"""Identifiants and passwords issued by the Caf.

Manual Cafpro V5, "Identification": an identifiant of 8 alphanumeric characters and a
password of 6 characters. Characters that read alike on a letter (0/O, 1/I/l) are left
out, so that what the agent types is what the Caf printed.
"""

import secrets
import string

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
