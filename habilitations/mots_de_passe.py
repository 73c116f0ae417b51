"""A partner agent's password: its rules, its forced and periodic changes.

Sources: manual Cafpro V5 "Identification" (6 characters); conventions `03-…`/`04-…`
art. 2 ("mot de passe qui doit être modifié régulièrement") and `01-…` art. 4 (the Caf may
change any password); SECURITY.md (ASVS 6.2.x: refuse common and previous passwords and
the identifiant, ask for the current password; issued passwords single-use and short-lived).
"""

import re
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from journal.ecriture import enregistrer
from journal.models import Resultat, TypeEvenement

from .models import HISTORIQUE_MOTS_DE_PASSE, Habilitation

SUITES = ("0123456789", "abcdefghijklmnopqrstuvwxyz", "azertyuiop", "qwertyuiop", "qsdfghjklm", "wxcvbn")


def regles() -> list[str]:
    """The rules as shown on the page, in the order they are checked."""
    longueur = settings.CAFPRO_PASSWORD_MIN_LENGTH
    return [
        f"au moins {longueur} caractères" if longueur != 6 else "6 caractères au moins, comme l'indique le manuel",
        "au moins une lettre et un chiffre",
        "ni votre identifiant, ni un mot de passe courant, ni une suite (123456, azerty…), ni un caractère répété",
        f"différent de vos {HISTORIQUE_MOTS_DE_PASSE} mots de passe précédents",
    ]


def _trivial(mot: str) -> bool:
    bas = mot.lower()
    if len(set(bas)) <= 2:
        return True
    if any(bas in suite or bas in suite[::-1] for suite in SUITES):
        return True
    try:
        CommonPasswordValidator().validate(mot)
    except ValidationError:
        return True
    return False


def erreurs_nouveau_mot_de_passe(habilitation: Habilitation, mot: str) -> list[str]:
    longueur = settings.CAFPRO_PASSWORD_MIN_LENGTH
    if len(mot) < longueur:
        return [f"Le mot de passe doit comporter au moins {longueur} caractères."]
    if len(mot) > 128:
        return ["Le mot de passe ne peut pas dépasser 128 caractères."]
    erreurs = []
    if not (re.search(r"[A-Za-zÀ-ÿ]", mot) and re.search(r"[0-9]", mot)):
        erreurs.append("Le mot de passe doit contenir au moins une lettre et un chiffre.")
    if habilitation.identifiant.lower() in mot.lower() or mot.lower() in habilitation.identifiant.lower():
        erreurs.append("Le mot de passe ne doit pas reprendre votre identifiant.")
    if _trivial(mot):
        erreurs.append("Ce mot de passe est trop simple (mot de passe courant, suite ou caractère répété).")
    precedents = [habilitation.user.password, *habilitation.anciens_mots_de_passe][:HISTORIQUE_MOTS_DE_PASSE]
    if any(check_password(mot, empreinte) for empreinte in precedents if empreinte):
        erreurs.append(
            f"Le mot de passe doit être différent de vos {HISTORIQUE_MOTS_DE_PASSE} mots de passe précédents."
        )
    return erreurs


def provisoire_expire(habilitation: Habilitation) -> bool:
    emis = habilitation.mot_de_passe_provisoire_le
    delai = timedelta(days=settings.CAFPRO_ISSUED_PASSWORD_VALIDITY_DAYS)
    return emis is not None and timezone.now() - emis > delai


def provisoire_deja_utilise(habilitation: Habilitation) -> bool:
    """A password issued by the Caf already opened a session, which ended without replacing it."""
    return (
        habilitation.mot_de_passe_provisoire_le is not None
        and habilitation.mot_de_passe_provisoire_utilise_le is not None
    )


def date_d_expiration(habilitation: Habilitation):
    if habilitation.mot_de_passe_change_le is None:
        return None
    return habilitation.mot_de_passe_change_le + timedelta(days=settings.CAFPRO_PASSWORD_MAX_AGE_DAYS)


def doit_changer(habilitation: Habilitation) -> bool:
    """A password issued by the Caf, never chosen, or older than the allowed period."""
    if habilitation.mot_de_passe_provisoire_le is not None or habilitation.mot_de_passe_change_le is None:
        return True
    return timezone.now() >= date_d_expiration(habilitation)


def jours_restants(habilitation: Habilitation) -> int | None:
    """Days left before the periodic change, when within the warning period."""
    expiration = date_d_expiration(habilitation)
    if expiration is None:
        return None
    jours = (expiration - timezone.now()).days
    return jours if 0 <= jours < settings.CAFPRO_PASSWORD_WARNING_DAYS else None


@transaction.atomic
def changer(habilitation: Habilitation, nouveau: str, request=None) -> None:
    user = habilitation.user
    habilitation.anciens_mots_de_passe = [user.password, *habilitation.anciens_mots_de_passe][:HISTORIQUE_MOTS_DE_PASSE]
    provisoire = habilitation.mot_de_passe_provisoire_le is not None
    enregistrer(
        TypeEvenement.MOT_DE_PASSE,
        Resultat.SUCCES,
        request=request,
        motif="remplacement du mot de passe provisoire" if provisoire else "changement du mot de passe",
        identifiant=user.username,
        habilitation_id=habilitation.pk,
        caisse=habilitation.convention.caisse.numero,
    )
    user.set_password(nouveau)
    user.save(update_fields=["password"])
    habilitation.mot_de_passe_provisoire_le = None
    habilitation.mot_de_passe_provisoire_utilise_le = None
    habilitation.mot_de_passe_change_le = timezone.now()
    habilitation.save(
        update_fields=[
            "anciens_mots_de_passe",
            "mot_de_passe_provisoire_le",
            "mot_de_passe_provisoire_utilise_le",
            "mot_de_passe_change_le",
        ]
    )
