"""Validators for the identifiers Caf staff type in: SIRET, code postal."""

import re

from django.core.exceptions import ValidationError

# La Poste's establishments share one SIREN whose SIRETs follow another check rule
# (sum of the digits divisible by 5) — INSEE's documented exception to Luhn.
SIREN_LA_POSTE = "356000000"


def luhn_valide(chiffres: str) -> bool:
    total = 0
    for rang, caractere in enumerate(reversed(chiffres)):
        chiffre = int(caractere)
        if rang % 2:
            chiffre *= 2
            if chiffre > 9:
                chiffre -= 9
        total += chiffre
    return total % 10 == 0


def normaliser_siret(valeur: str) -> str:
    """Accept the SIRET as people write it: '215 401 845 000 15' or '215-401-845-00015'."""
    return re.sub(r"[\s.\-]", "", valeur or "")


def valider_siret(valeur: str) -> None:
    if not re.fullmatch(r"[0-9]{14}", valeur):
        raise ValidationError(
            "Le numéro SIRET doit comporter exactement 14 chiffres (reçu « %(valeur)s »).",
            code="siret_format",
            params={"valeur": valeur},
        )
    if valeur.startswith(SIREN_LA_POSTE):
        valide = sum(int(c) for c in valeur) % 5 == 0
    else:
        valide = luhn_valide(valeur)
    if not valide:
        raise ValidationError(
            "Le numéro SIRET %(valeur)s n'est pas valide : sa clé de contrôle est incorrecte. "
            "Vérifiez les 14 chiffres sur l'avis de situation au répertoire SIRENE.",
            code="siret_cle",
            params={"valeur": valeur},
        )


def valider_code_postal(valeur: str) -> None:
    if not re.fullmatch(r"[0-9]{5}", valeur or ""):
        raise ValidationError(
            "Le code postal doit comporter 5 chiffres (reçu « %(valeur)s »).",
            code="code_postal_format",
            params={"valeur": valeur},
        )


def normaliser_telephone(valeur: str) -> str:
    """Spaces, dots and dashes as people type them are dropped; '+33 4 91…' stays international."""
    return re.sub(r"[\s.\-()]", "", valeur or "")


def valider_telephone(valeur: str) -> None:
    """A French number of 10 digits (04 91 99 99 99), or an international one (+262 262 …)."""
    chiffres = normaliser_telephone(valeur)
    if not (re.fullmatch(r"0[1-9][0-9]{8}", chiffres) or re.fullmatch(r"\+[1-9][0-9]{7,14}", chiffres)):
        raise ValidationError(
            "Numéro de téléphone invalide (reçu « %(valeur)s ») : 10 chiffres commençant par 0, "
            "par exemple 04 91 99 99 99, ou un numéro international commençant par +.",
            code="telephone_format",
            params={"valeur": valeur},
        )
