"""The partner agents' login: one message for every failure, three strikes, throttling.

Sources: manual Cafpro V5 "Identification" (8-character identifiant, 6-character
password), "Sécurisation des accès" (after three consecutive failures, an error page),
"Contrôle des accès" (every connection, successful or not, is journaled). SECURITY.md:
count the attempt under a row lock and commit before checking the password, and make an
unknown identifiant cost the same work as a known one.
"""

import enum
import functools
import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.hashers import check_password, make_password
from django.utils import timezone

from conventions.models import ReseauDeConfiance
from journal.ecriture import adresse_client, enregistrer
from journal.models import Evenement, Resultat, TypeEvenement

from .codes import cle_identifiant, normaliser_identifiant
from .models import CompteurEchecs, EtatHabilitation, Habilitation, TypeCompte, User
from .mots_de_passe import provisoire_deja_utilise, provisoire_expire

MAX_ECHECS = 3
MESSAGE_ECHEC = "Identifiant ou mot de passe incorrect."
_FORME_IDENTIFIANT = re.compile(r"[A-Z0-9]{8}")


class Issue(enum.Enum):
    REUSSIE = "réussie"
    ECHEC = "échec"
    VERROUILLEE = "verrouillée"


@dataclass
class ResultatConnexion:
    issue: Issue
    user: User | None = None


@functools.cache
@functools.cache
def hash_factice() -> str:
    # Checked against when there is no real password to check, so that every answer
    # costs one Argon2 verification (Django ticket 20760): made once per process, or an
    # unknown identifiant would cost a hash more than a known one.
    return make_password("cafpro-mot-de-passe-factice")


# Beyond this, a typed password is not even hashed whole: nothing that long was ever issued.
LONGUEUR_MAX_MOT_DE_PASSE = 128


def identifiant_bien_forme(identifiant: str) -> bool:
    return bool(_FORME_IDENTIFIANT.fullmatch(identifiant))


def mot_de_passe_bien_forme(mot_de_passe: str) -> bool:
    # The manual's 6 characters, not the current minimum: raising the setting must not
    # lock out agents whose password predates it (they are asked to change it instead).
    return 6 <= len(mot_de_passe) <= LONGUEUR_MAX_MOT_DE_PASSE and "\x00" not in mot_de_passe


@dataclass
class FreinAdresse:
    """The per-address throttle on one attempt: failed logins from the client's address within
    the window, and the trusted networks (conventions.ReseauDeConfiance) that hold it."""

    echecs: int = 0
    depasse: bool = False  # the general limit is reached
    reseaux: list[ReseauDeConfiance] = field(default_factory=list)
    # The network of the agent's own partner whose higher limit let the attempt through.
    applique: ReseauDeConfiance | None = None

    def laisse_passer(self, user: User | None) -> bool:
        """Below the general limit, every attempt is checked. Above it, only one on an identifiant
        of the partner who declared the network, and below that network's limit: a network one
        Caf trusts relaxes nothing for other partners' agents, nor for unknown identifiants."""
        if not self.depasse:
            return True
        habilitation = getattr(user, "habilitation", None) if user else None
        if habilitation is None:
            return False
        siens = [r for r in self.reseaux if r.partenaire_id == habilitation.convention.partenaire_id]
        self.applique = max(siens, key=lambda reseau: reseau.max_echecs, default=None)
        return self.applique is not None and self.echecs < self.applique.max_echecs

    def motif_du_refus(self) -> str:
        motif = "trop d'échecs depuis cette adresse"
        return f"{motif} (réseau de confiance {self.applique.reseau})" if self.applique else motif

    def details(self) -> dict:
        if self.applique is None:
            return {}
        return {
            "reseau_de_confiance": {
                "reseau": self.applique.reseau,
                "site": self.applique.libelle,
                "partenaire": self.applique.partenaire.raison_sociale,
                "caisse": self.applique.partenaire.caisse.numero,
                "limite": self.applique.max_echecs,
                "echecs_dans_la_fenetre": self.echecs,
            }
        }


def frein_adresse(request) -> FreinAdresse:
    """Too many failed logins from this client address lately: it may be spraying identifiants.

    The limit also stops the right password from that address for the window: behind a
    partner's shared NAT, one sprayer would shut out every agent. A Caf may therefore declare
    that network trusted, with a higher limit for that partner's agents; above the general
    limit, each attempt let through that way carries the network in its event
    (docs/deploiement.md)."""
    adresse = adresse_client(request)
    if adresse is None:
        return FreinAdresse()
    depuis = timezone.now() - timedelta(seconds=settings.CAFPRO_THROTTLE_WINDOW)
    echecs = Evenement.objects.filter(
        type=TypeEvenement.CONNEXION, resultat=Resultat.ECHEC, adresse_ip=adresse, horodatage__gte=depuis
    ).count()
    if echecs < settings.CAFPRO_THROTTLE_MAX_ECHECS:
        return FreinAdresse(echecs=echecs)
    return FreinAdresse(echecs=echecs, depasse=True, reseaux=ReseauDeConfiance.contenant(adresse))


def _journaliser(request, type_, resultat, motif: str, identifiant: str, habilitation=None, details=None):
    """A login's event: the identifiant as typed, and the habilitation and its Caf once known."""
    enregistrer(
        type_,
        resultat,
        request=request,
        motif=motif,
        identifiant=identifiant,
        habilitation_id=habilitation.pk if habilitation else None,
        caisse=habilitation.convention.caisse.numero if habilitation else "",
        details=details,
    )


def _trouver(identifiant: str) -> User | None:
    # Only a well-formed identifiant is looked up (a NUL would not even reach PostgreSQL).
    if not identifiant_bien_forme(identifiant):
        return None
    return (
        User.objects.filter(username=identifiant, type_compte=TypeCompte.PARTENAIRE)
        .select_related("habilitation__convention__caisse")
        .first()
    )


def _motif_de_refus(user: User) -> str:
    """Why a correct password still does not open the portal ('' if nothing stops it)."""
    habilitation = getattr(user, "habilitation", None)
    if habilitation is None:
        return "compte sans habilitation"
    etat = habilitation.etat_effectif()
    if etat != EtatHabilitation.ACTIVE:
        return f"habilitation {etat.label}"
    if not habilitation.convention.est_active():
        return f"convention {habilitation.convention.etat().label}"
    if provisoire_expire(habilitation):
        return "mot de passe provisoire expiré"
    if provisoire_deja_utilise(habilitation):
        return "mot de passe provisoire déjà utilisé"
    return ""


def _motif_de_saisie(identifiant: str, mot_de_passe: str, user: User | None) -> str:
    """Why an attempt was not even checked against a real password."""
    if not identifiant or not mot_de_passe:
        return "saisie incomplète"
    if not identifiant_bien_forme(identifiant):
        return "saisie mal formée"
    if user is None:
        return "identifiant inconnu"
    return "saisie mal formée"


def connecter(request, identifiant_saisi: str, mot_de_passe: str) -> ResultatConnexion:
    """One attempt, whatever was typed: an empty field, a 10 kB identifiant or a NUL character
    is counted, costs one hash and is journaled like a wrong password (issue 12)."""
    identifiant = normaliser_identifiant(identifiant_saisi)[:150]
    mot_de_passe = mot_de_passe[: LONGUEUR_MAX_MOT_DE_PASSE + 1]

    frein = frein_adresse(request)
    user = _trouver(identifiant)

    def journaliser(type_, resultat, motif, user=None):
        habilitation = getattr(user, "habilitation", None) if user else None
        _journaliser(request, type_, resultat, motif, identifiant, habilitation, frein.details())

    if not frein.laisse_passer(user):
        check_password(mot_de_passe, hash_factice())
        journaliser(TypeEvenement.CONNEXION, Resultat.ECHEC, frein.motif_du_refus())
        return ResultatConnexion(Issue.ECHEC)

    rang = CompteurEchecs.compter(cle_identifiant(identifiant), MAX_ECHECS)
    if rang is None:
        check_password(mot_de_passe, hash_factice())
        # The counter says locked: the habilitation shows it, so a gestionnaire can unlock it.
        _marquer_verrouillee(getattr(user, "habilitation", None) if user else None)
        journaliser(TypeEvenement.CONNEXION, Resultat.REFUS, "identifiant verrouillé", user)
        return ResultatConnexion(Issue.VERROUILLEE)

    habilitation = getattr(user, "habilitation", None) if user else None
    if habilitation is not None and habilitation.appliquer_mot_de_passe_programme(request=request):
        # A planned reset's date has come (01-… art. 4): from now on only the new password opens.
        user.password = habilitation.user.password
    if user is not None and mot_de_passe_bien_forme(mot_de_passe) and user.has_usable_password():
        mot_de_passe_juste = user.check_password(mot_de_passe)
        motif = "" if mot_de_passe_juste else "mot de passe erroné"
    else:
        check_password(mot_de_passe, hash_factice())
        mot_de_passe_juste = False
        motif = _motif_de_saisie(identifiant, mot_de_passe, user)
    if mot_de_passe_juste:
        motif = _motif_de_refus(user) or _prendre_le_provisoire(user.habilitation)

    if not motif:
        CompteurEchecs.objects.filter(cle=cle_identifiant(identifiant)).update(echecs=0)
        journaliser(TypeEvenement.CONNEXION, Resultat.SUCCES, "", user)
        login(request, user, backend="habilitations.backends.CompteBackend")
        return ResultatConnexion(Issue.REUSSIE, user)

    journaliser(TypeEvenement.CONNEXION, Resultat.ECHEC, motif, user)
    if rang < MAX_ECHECS:
        return ResultatConnexion(Issue.ECHEC)
    _marquer_verrouillee(getattr(user, "habilitation", None) if user else None)
    journaliser(TypeEvenement.VERROUILLAGE, Resultat.SUCCES, f"{MAX_ECHECS} échecs consécutifs", user)
    return ResultatConnexion(Issue.VERROUILLEE)


def _prendre_le_provisoire(habilitation: Habilitation) -> str:
    """A password issued by the Caf is spent by the session it opens (that session must replace
    it). Claimed by one conditional UPDATE: of two logins at once, only one opens ('' for it)."""
    if habilitation.mot_de_passe_provisoire_le is None:
        return ""
    pris = Habilitation.objects.filter(
        pk=habilitation.pk, mot_de_passe_provisoire_le__isnull=False, mot_de_passe_provisoire_utilise_le__isnull=True
    ).update(mot_de_passe_provisoire_utilise_le=timezone.now())
    return "" if pris else "mot de passe provisoire déjà utilisé"


def _marquer_verrouillee(habilitation: Habilitation | None) -> None:
    if habilitation is not None and habilitation.etat == EtatHabilitation.ACTIVE:
        habilitation.etat = EtatHabilitation.VERROUILLEE
        habilitation.save()


def controler_mot_de_passe_actuel(request, habilitation: Habilitation, saisi: str) -> Issue:
    """The current password asked on the change page is a login attempt of its own: counted on
    the same three strikes as the login form, journaled, and the third wrong one locks the
    identifiant (issue 12: five in a row changed nothing before)."""
    identifiant = habilitation.identifiant

    def journaliser(type_, resultat, motif):
        _journaliser(request, type_, resultat, motif, identifiant, habilitation)

    rang = CompteurEchecs.compter(cle_identifiant(identifiant), MAX_ECHECS)
    if rang is not None and mot_de_passe_bien_forme(saisi[: LONGUEUR_MAX_MOT_DE_PASSE + 1]):
        juste = habilitation.user.check_password(saisi)
    else:
        check_password(saisi[:LONGUEUR_MAX_MOT_DE_PASSE], hash_factice())
        juste = False
    if juste:
        CompteurEchecs.objects.filter(cle=cle_identifiant(identifiant)).update(echecs=0)
        return Issue.REUSSIE
    journaliser(TypeEvenement.MOT_DE_PASSE, Resultat.ECHEC, "mot de passe actuel erroné")
    if rang is not None and rang < MAX_ECHECS:
        return Issue.ECHEC
    _marquer_verrouillee(habilitation)
    journaliser(
        TypeEvenement.VERROUILLAGE, Resultat.SUCCES, f"{MAX_ECHECS} échecs consécutifs (changement de mot de passe)"
    )
    return Issue.VERROUILLEE
