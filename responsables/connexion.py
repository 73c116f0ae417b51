"""The responsables habilitations' login: identifiant and password, then a TOTP code (issue 16).

Three consecutive failures, of the password or of the code, lock the identifiant as they lock
an agent's (manual Cafpro V5, « Sécurisation des accès »; habilitations.connexion): the attempt
is counted under a row lock and committed before anything is checked (SECURITY.md), and only the
Caf's gestionnaire unlocks it (a new password issued from the admin). Every attempt is journaled.
"""

from django.contrib.auth.hashers import check_password
from django.db.models import F

from habilitations.codes import cle_identifiant, normaliser_identifiant
from habilitations.connexion import LONGUEUR_MAX_MOT_DE_PASSE, MAX_ECHECS, hash_factice, identifiant_bien_forme
from habilitations.models import CompteurEchecs, TypeCompte, User, cle_responsable
from journal.ecriture import enregistrer
from journal.models import Resultat, TypeEvenement

PREFIXE = "espace des responsables : "


def cle(identifiant: str) -> str:
    return cle_identifiant(cle_responsable(normaliser_identifiant(identifiant)))


def compter(identifiant: str) -> int | None:
    """Count one attempt; None if the identifiant is already locked."""
    return CompteurEchecs.compter(cle(identifiant), MAX_ECHECS)


def effacer(identifiant: str) -> None:
    CompteurEchecs.objects.filter(cle=cle(identifiant)).update(echecs=0)


def est_verrouille(identifiant: str) -> bool:
    return CompteurEchecs.objects.filter(cle=cle(identifiant), echecs__gte=MAX_ECHECS).exists()


def journaliser(request, type_, resultat, motif: str, identifiant: str, user: User | None = None) -> None:
    responsable = getattr(user, "responsable_habilitations", None) if user else None
    enregistrer(
        type_,
        resultat,
        request=request,
        motif=PREFIXE + motif,
        identifiant=identifiant,
        acteur=identifiant if user else "",
        caisse=responsable.partenaire.caisse.numero if responsable else "",
    )


def trouver(identifiant: str) -> User | None:
    if not identifiant_bien_forme(identifiant):
        return None
    return (
        User.objects.filter(username=identifiant, type_compte=TypeCompte.RESPONSABLE, is_active=True)
        .select_related("responsable_habilitations__partenaire__caisse")
        .first()
    )


def verifier_mot_de_passe(request, identifiant_saisi: str, mot_de_passe: str) -> tuple[str, User | None]:
    """'ok' (the password is right: the second factor comes next), 'echec' or 'verrouille'."""
    identifiant = normaliser_identifiant(identifiant_saisi)[:150]
    mot_de_passe = mot_de_passe[: LONGUEUR_MAX_MOT_DE_PASSE + 1]
    user = trouver(identifiant)
    rang = compter(identifiant)
    if rang is None:
        check_password(mot_de_passe, hash_factice())
        journaliser(request, TypeEvenement.CONNEXION, Resultat.REFUS, "identifiant verrouillé", identifiant, user)
        return "verrouille", None
    if user is not None and user.has_usable_password() and len(mot_de_passe) <= LONGUEUR_MAX_MOT_DE_PASSE:
        juste = user.check_password(mot_de_passe)
    else:
        check_password(mot_de_passe, hash_factice())
        juste = False
    if juste and user.responsable_habilitations.provisoire_expire():
        # Short-lived (SECURITY.md): an issued password unused in time opens nothing; the Caf issues another.
        juste = False
        motif_expire = "mot de passe provisoire expiré"
    else:
        motif_expire = ""
    if juste:
        # A right password is no failure, but wipes none before it either: the failures of the
        # code that follows still add up, however often the password is typed again.
        CompteurEchecs.objects.filter(cle=cle(identifiant), echecs__gt=0).update(echecs=F("echecs") - 1)
        journaliser(request, TypeEvenement.CONNEXION, Resultat.SUCCES, "mot de passe vérifié", identifiant, user)
        return "ok", user
    motif = motif_expire or (
        "mot de passe erroné" if user else ("saisie incomplète" if not identifiant else "identifiant inconnu")
    )
    journaliser(request, TypeEvenement.CONNEXION, Resultat.ECHEC, motif, identifiant, user)
    return ("echec" if rang < MAX_ECHECS else verrouiller(request, identifiant, user)), None


def verrouiller(request, identifiant: str, user: User | None) -> str:
    journaliser(
        request, TypeEvenement.VERROUILLAGE, Resultat.SUCCES, f"{MAX_ECHECS} échecs consécutifs", identifiant, user
    )
    return "verrouille"
