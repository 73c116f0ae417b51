"""Calendar arithmetic for conventions (no dependency for three small functions)."""

import calendar
from datetime import date


def ajouter_mois(jour: date, mois: int) -> date:
    """Same day `mois` months later (or earlier); the 31st becomes the month's last day."""
    index = jour.year * 12 + (jour.month - 1) + mois
    annee, mois_0 = divmod(index, 12)
    dernier = calendar.monthrange(annee, mois_0 + 1)[1]
    return date(annee, mois_0 + 1, min(jour.day, dernier))


def ajouter_annees(jour: date, annees: int) -> date:
    return ajouter_mois(jour, 12 * annees)
