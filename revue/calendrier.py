"""When a convention's yearly review of accesses opens, and until when it can be answered.

The date rule. By default a convention is reviewed on each anniversary of its date d'effet:
the day its one-year period renews tacitly (01-… art. 6, 03-… art. 5, 04-… art. 5), so that
each new period starts with a list of agents its responsable habilitations has just
confirmed (04-… forms, « désignation d'un responsable habilitations »; 03-… art. 3: the
partner signals « tout changement ou fin de mission des utilisateurs habilités »). That is
what a Caf with hundreds of partners wants: the campaigns spread over the year instead of
landing on the gestionnaires and the responsables all on one day, and both parties already
know that date (it is the échéance annuelle of the convention they signed).

A Caf that prefers one campaign for all its partners at a fixed day of the year (say, with
the Responsables Sécurité's yearly control) sets CAFPRO_REVUE_JOUR to "MM-JJ" (e.g. "01-15").
Either way a convention is first reviewed once it has run a full year: its agents were all
opened on signed demandes d'accès within that year.

The responsable answers until the date limite included, one month after the opening
(issue 16: « within a month »); the daily command suspends the agents still unconfirmed on
its first run of the day after (dates are Europe/Paris days, settings.TIME_ZONE).
"""

import calendar
import re
from datetime import date

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from conventions.dates import ajouter_annees, ajouter_mois

# One month to answer (issue 16).
DELAI_MOIS = 1

_JOUR_FIXE = re.compile(r"(\d\d)-(\d\d)")


def jour_fixe() -> tuple[int, int] | None:
    """The fixed (month, day) of settings.CAFPRO_REVUE_JOUR, or None for the anniversary rule."""
    valeur = (getattr(settings, "CAFPRO_REVUE_JOUR", "") or "").strip()
    if not valeur:
        return None
    correspondance = _JOUR_FIXE.fullmatch(valeur)
    if correspondance:
        mois, jour = int(correspondance[1]), int(correspondance[2])
        try:
            # 2024 is a leap year: "02-29" is accepted, and kept to the 28th in other years.
            date(2024, mois, jour)
        except ValueError:
            pass
        else:
            return mois, jour
    raise ImproperlyConfigured(
        f"CAFPRO_REVUE_JOUR={valeur!r} : attendu « MM-JJ » (ex. « 01-15 »), ou vide pour l'anniversaire "
        "de la date d'effet de chaque convention."
    )


def date_prevue(date_effet: date, annee: int) -> date | None:
    """The day the review of `annee` opens for a convention in effect from `date_effet`, or
    None when the convention has not yet run a full year by then."""
    fixe = jour_fixe()
    if fixe is None:
        prevue = ajouter_annees(date_effet, annee - date_effet.year)
    else:
        mois, jour = fixe
        prevue = date(annee, mois, min(jour, calendar.monthrange(annee, mois)[1]))
    if prevue < ajouter_annees(date_effet, 1):
        return None
    return prevue


def date_limite(ouverture: date) -> date:
    """The last day the responsable may answer (included)."""
    return ajouter_mois(ouverture, DELAI_MOIS)
