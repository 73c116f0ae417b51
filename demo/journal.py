"""A month of journal des accès for the demo world, so that the Responsables Sécurité's
screens have something to show: daily sessions of each demo agent, consultations of the
documented dossiers along his profile's rubriques, a few failed logins, a lockout, and the
irregularities the indicators look for (night, week-end, another Caf's dossier)."""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from demo.dossiers import DOSSIERS_DOCUMENTES
from habilitations.models import EtatHabilitation, Habilitation
from journal.chaine import ajouter
from journal.models import Evenement, Resultat, TypeEvenement
from profils.rubriques import rubriques_du_profil

JOURS = 30


def _evenement(quand, type_, resultat, habilitation, **champs) -> Evenement:
    return Evenement(
        horodatage=quand,
        type=type_,
        resultat=resultat,
        identifiant=habilitation.identifiant,
        habilitation_id=habilitation.pk,
        caisse=habilitation.convention.caisse.numero,
        adresse_ip=champs.pop("adresse_ip", f"192.0.2.{habilitation.pk % 250 + 1}"),
        details={"demo": True},
        **champs,
    )


def _echecs(quand, nombre: int, habilitation, **champs) -> list[Evenement]:
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


def _session(aleatoire, jour, heure, habilitation, caisse_dossier, evenements) -> None:
    debut = timezone.make_aware(datetime.combine(jour, time(heure, aleatoire.randrange(60))))
    evenements.append(_evenement(debut, TypeEvenement.CONNEXION, Resultat.SUCCES, habilitation))
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


def journal_de_demo() -> int:
    """Write the demo month once (reruns add nothing); return the number of events written."""
    if Evenement.objects.filter(details__demo=True).exists():
        return 0
    aleatoire = random.Random("cafpro-demo-journal")
    aujourd_hui = timezone.localdate()
    evenements: list[Evenement] = []
    actives = (
        Habilitation.objects.filter(etat=EtatHabilitation.ACTIVE, mot_de_passe_provisoire_le__isnull=True)
        .select_related("convention__caisse", "user")
        .order_by("pk")
    )
    for habilitation in actives:
        caisse = habilitation.convention.caisse.numero
        for ecart in range(JOURS, 0, -1):
            jour = aujourd_hui - timedelta(days=ecart)
            if jour.weekday() < 5 and aleatoire.random() < 0.6:
                _session(aleatoire, jour, aleatoire.randint(8, 17), habilitation, caisse, evenements)
        # Two failed logins now and then; the irregularities of the indicators for the T1 agent.
        jour = aujourd_hui - timedelta(days=aleatoire.randint(1, JOURS))
        quand = timezone.make_aware(datetime.combine(jour, time(8, 55)))
        evenements += _echecs(quand, 2, habilitation)
        if habilitation.convention.profil == "T1":
            samedi = aujourd_hui - timedelta(days=(aujourd_hui.weekday() - 5) % 7 or 7)
            _session(aleatoire, samedi, 10, habilitation, caisse, evenements)
            _session(aleatoire, aujourd_hui - timedelta(days=3), 23, habilitation, caisse, evenements)
            quand = timezone.make_aware(datetime.combine(aujourd_hui - timedelta(days=2), time(7, 50)))
            evenements += _echecs(quand, 3, habilitation, adresse_ip="198.51.100.7")
            evenements.append(
                _evenement(
                    quand + timedelta(seconds=61),
                    TypeEvenement.VERROUILLAGE,
                    Resultat.REFUS,
                    habilitation,
                    motif="trois échecs consécutifs",
                    adresse_ip="198.51.100.7",
                )
            )
        if habilitation.convention.caisses_multi.exists():
            # A multi-Caf agent reads a dossier of another Caf of his convention.
            autre = habilitation.convention.caisses_multi.order_by("numero").first().numero
            _session(aleatoire, aujourd_hui - timedelta(days=4), 11, habilitation, autre, evenements)
    for evenement in sorted(evenements, key=lambda e: e.horodatage):
        ajouter(evenement)
    return len(evenements)
