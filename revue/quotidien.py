"""The daily work of the review (manage.py revue_quotidienne): open the campaigns due, close
those past their date limite. Idempotent: a second run the same day finds every campaign of the
day already open (one per convention and year, a named constraint) and every overdue one already
closed, so it changes nothing and journals nothing. Each campaign is one transaction."""

import logging
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from conventions.dates import ajouter_mois
from conventions.models import Convention

from . import calendrier
from .models import Campagne, Decision, ReglageRevue, habilitations_revues

logger = logging.getLogger(__name__)


@dataclass
class Bilan:
    ouvertes: list[Campagne] = field(default_factory=list)
    closes: list[tuple[Campagne, list]] = field(default_factory=list)
    erreurs: list[str] = field(default_factory=list)


def a_ouvrir(jour: date) -> list[tuple[Convention, int]]:
    """(convention, année) of the reviews due on `jour` and not yet opened.

    A run missed (server down) is caught up within the month that follows the planned day; a
    review whose whole month has passed unopened waits for the next year, rather than opening
    a flood of late campaigns on the first run after a deployment.
    """
    deja = set(Campagne.objects.values_list("convention_id", "annee"))
    jours_des_caf = dict(ReglageRevue.objects.values_list("caisse_id", "jour"))
    dues = []
    for convention in Convention.objects.actives(jour).select_related("caisse").order_by("pk"):
        for annee in (jour.year - 1, jour.year):
            prevue = calendrier.date_prevue(convention.date_effet, annee, jours_des_caf.get(convention.caisse_id))
            if prevue is None or (convention.pk, annee) in deja:
                continue
            if prevue <= jour < ajouter_mois(prevue, calendrier.DELAI_MOIS):
                dues.append((convention, annee))
    return dues


def executer(jour: date, *, simulation: bool = False) -> Bilan:
    bilan = Bilan()
    for convention, annee in a_ouvrir(jour):
        if simulation:
            if habilitations_revues(convention, jour).exists():
                bilan.ouvertes.append(Campagne(convention=convention, annee=annee, date_ouverture=jour))
            continue
        try:
            campagne = Campagne.ouvrir(convention, annee, jour)
        except Exception as erreur:  # one convention's failure must not stop the others'
            logger.exception("Revue %s de la convention %s : ouverture impossible", annee, convention.numero)
            bilan.erreurs.append(f"ouverture {annee} de la convention {convention.numero} : {erreur}")
            continue
        if campagne is not None:
            bilan.ouvertes.append(campagne)
    for campagne in Campagne.objects.echues(jour).select_related("convention__caisse").order_by("pk"):
        if simulation:
            bilan.closes.append(
                (campagne, [c.habilitation for c in campagne.confirmations.filter(decision=Decision.A_CONFIRMER)])
            )
            continue
        try:
            with transaction.atomic():
                suspendues = campagne.cloturer(jour)
        except Exception as erreur:
            logger.exception("Revue %s : clôture impossible", campagne)
            bilan.erreurs.append(f"clôture de la {campagne} : {erreur}")
            continue
        if suspendues is not None:
            bilan.closes.append((campagne, suspendues))
    return bilan
