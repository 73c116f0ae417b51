"""Month arithmetic for the demo dossiers' histories: a month is an integer index (months since
year 0), every date is counted from it."""

import functools
from datetime import date, timedelta
from decimal import Decimal


def indice_du_mois(jour: date) -> int:
    """Months since year 0: month arithmetic on plain integers."""
    return jour.year * 12 + jour.month - 1


@functools.lru_cache(maxsize=8192)
def premier_du_mois(indice: int) -> date:
    return date(indice // 12, indice % 12 + 1, 1)


def avrils_jusqu_a(indice: int) -> int:
    """How many Aprils from year 0 up to this month: revaluations between two months."""
    return (indice - 3) // 12 + 1


@functools.lru_cache(maxsize=8192)
def date_versement(indice: int, jour_du_mois: int = 5) -> date:
    """A month's prestations are paid around the 5th of the next one, never on a weekend."""
    versement = premier_du_mois(indice + 1).replace(day=jour_du_mois)
    return versement + timedelta(days=(0, 0, 0, 0, 0, 2, 1)[versement.weekday()])


@functools.lru_cache(maxsize=8192)
def date_calcul(indice: int, jour_du_mois: int, jour: date) -> date:
    """The quotients familiaux are computed early in the month, never after `jour`."""
    return min(premier_du_mois(indice).replace(day=jour_du_mois), jour)


def en_montant(valeur: float) -> Decimal:
    return Decimal(f"{valeur:.2f}")


def avant(jour: date, annees: float = 0, jours: int = 0) -> date:
    return jour - timedelta(days=round(annees * 365.25) + jours)
