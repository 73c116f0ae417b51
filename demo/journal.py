"""A month of journal des accès for the demo world, so that the Responsables Sécurité's
screens have something to show: daily sessions of each demo agent, consultations of the
documented dossiers along his profile's rubriques, a few failed logins, a lockout, and the
irregularities the indicators look for (night, week-end, another Caf's dossier).

Every event goes through the journal's one write function, dated in the past month and sent
from the agent's address, in the order of time."""

import random
from datetime import date, datetime, time, timedelta

from django.test import RequestFactory
from django.utils import timezone

from demo.dossiers import DOSSIERS_DOCUMENTES
from habilitations.models import EtatHabilitation, Habilitation
from journal.ecriture import enregistrer
from journal.models import Evenement, Resultat, TypeEvenement
from profils.rubriques import rubriques_du_profil

JOURS = 30
# Documentation addresses (RFC 5737): each agent's office, and the one a lockout comes from.
ADRESSE_INCONNUE = "198.51.100.7"


def _adresse(habilitation: Habilitation) -> str:
    return f"192.0.2.{habilitation.pk % 250 + 1}"


def _evenement(quand: datetime, type_, resultat, habilitation: Habilitation, **champs) -> dict:
    """The arguments of `enregistrer` for one event of `habilitation` (`adresse` aside)."""
    return {
        "horodatage": quand,
        "type": type_,
        "resultat": resultat,
        "identifiant": habilitation.identifiant,
        "habilitation_id": habilitation.pk,
        "caisse": habilitation.convention.caisse.numero,
        "adresse": champs.pop("adresse", _adresse(habilitation)),
        "details": {"demo": True},
        **champs,
    }


def _echecs(quand: datetime, nombre: int, habilitation: Habilitation, **champs) -> list[dict]:
    """Failed logins, twenty seconds apart."""
    return [
        _evenement(
            quand + timedelta(seconds=20 * n),
            TypeEvenement.CONNEXION,
            Resultat.ECHEC,
            habilitation,
            motif="mot de passe incorrect",
            **champs,
        )
        for n in range(nombre)
    ]


def _session(aleatoire, jour: date, heure: int, habilitation: Habilitation, caisse_dossier: str) -> list[dict]:
    """A login, one to four documented dossiers read along the profile's rubriques, a logout."""
    debut = timezone.make_aware(datetime.combine(jour, time(heure, aleatoire.randrange(60))))
    evenements = [_evenement(debut, TypeEvenement.CONNEXION, Resultat.SUCCES, habilitation)]
    rubriques = [r.code for r in rubriques_du_profil(habilitation.convention.profil)]
    moment = debut
    for _ in range(aleatoire.randint(1, 4)):
        numero = aleatoire.choice([n for n, cas in DOSSIERS_DOCUMENTES if cas != "opposition"])
        for rubrique in aleatoire.sample(rubriques, min(len(rubriques), aleatoire.randint(1, 3))):
            moment += timedelta(seconds=aleatoire.randint(20, 240))
            evenements.append(
                _evenement(
                    moment,
                    TypeEvenement.CONSULTATION,
                    Resultat.SUCCES,
                    habilitation,
                    numero_allocataire=numero,
                    rubrique=rubrique,
                    caisse_dossier=caisse_dossier,
                )
            )
    fin = TypeEvenement.DECONNEXION if aleatoire.random() < 0.7 else TypeEvenement.EXPIRATION
    evenements.append(_evenement(moment + timedelta(minutes=2), fin, Resultat.SUCCES, habilitation))
    return evenements


def _jours_ouvres(aleatoire, habilitation: Habilitation, aujourd_hui: date) -> list[dict]:
    """A session on about three working days in five of the month."""
    evenements = []
    for ecart in range(JOURS, 0, -1):
        jour = aujourd_hui - timedelta(days=ecart)
        if jour.weekday() < 5 and aleatoire.random() < 0.6:
            caisse = habilitation.convention.caisse.numero
            evenements += _session(aleatoire, jour, aleatoire.randint(8, 17), habilitation, caisse)
    return evenements


def _mot_de_passe_oublie(aleatoire, habilitation: Habilitation, aujourd_hui: date) -> list[dict]:
    """Two failed logins one morning of the month."""
    jour = aujourd_hui - timedelta(days=aleatoire.randint(1, JOURS))
    return _echecs(timezone.make_aware(datetime.combine(jour, time(8, 55))), 2, habilitation)


def _irregularites(aleatoire, habilitation: Habilitation, aujourd_hui: date) -> list[dict]:
    """What the indicators look for: a Saturday's session, a night's, and a lockout after three
    failures from an unknown address."""
    caisse = habilitation.convention.caisse.numero
    samedi = aujourd_hui - timedelta(days=(aujourd_hui.weekday() - 5) % 7 or 7)
    evenements = _session(aleatoire, samedi, 10, habilitation, caisse)
    evenements += _session(aleatoire, aujourd_hui - timedelta(days=3), 23, habilitation, caisse)
    quand = timezone.make_aware(datetime.combine(aujourd_hui - timedelta(days=2), time(7, 50)))
    evenements += _echecs(quand, 3, habilitation, adresse=ADRESSE_INCONNUE)
    evenements.append(
        _evenement(
            quand + timedelta(seconds=61),
            TypeEvenement.VERROUILLAGE,
            Resultat.REFUS,
            habilitation,
            motif="trois échecs consécutifs",
            adresse=ADRESSE_INCONNUE,
        )
    )
    return evenements


def _mois_d_un_agent(aleatoire, habilitation: Habilitation, aujourd_hui: date) -> list[dict]:
    evenements = _jours_ouvres(aleatoire, habilitation, aujourd_hui)
    evenements += _mot_de_passe_oublie(aleatoire, habilitation, aujourd_hui)
    if habilitation.convention.profil == "T1":
        evenements += _irregularites(aleatoire, habilitation, aujourd_hui)
    if habilitation.convention.caisses_multi.exists():
        # A multi-Caf agent reads a dossier of another Caf of his convention.
        autre = habilitation.convention.caisses_multi.order_by("numero").first().numero
        evenements += _session(aleatoire, aujourd_hui - timedelta(days=4), 11, habilitation, autre)
    return evenements


def _ecrire(evenement: dict, requetes: RequestFactory) -> None:
    """Through the one write function, as a request from the agent's address would."""
    adresse = evenement.pop("adresse")
    enregistrer(**evenement, request=requetes.get("/", REMOTE_ADDR=adresse))


def journal_de_demo(identifiants: list[str]) -> int:
    """Write the demo month of its agents (`identifiants`) once (reruns add nothing); return the
    number of events written. Only the demo's own agents: a base may hold others (a benchmark's
    thousands of habilitations, benchmarks/banc.py), whose month is not the demo's to invent."""
    if Evenement.objects.filter(details__demo=True).exists():
        return 0
    aleatoire = random.Random("cafpro-demo-journal")
    aujourd_hui = timezone.localdate()
    actives = (
        Habilitation.objects.filter(
            etat=EtatHabilitation.ACTIVE, mot_de_passe_provisoire_le__isnull=True, user__username__in=identifiants
        )
        .select_related("convention__caisse", "user")
        .order_by("pk")
    )
    evenements = [e for habilitation in actives for e in _mois_d_un_agent(aleatoire, habilitation, aujourd_hui)]
    requetes = RequestFactory()
    for evenement in sorted(evenements, key=lambda e: e["horodatage"]):
        _ecrire(evenement, requetes)
    return len(evenements)
