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
the Responsables Sécurité's yearly control) says so in the admin (revue.models.ReglageRevue,
"MM-JJ", e.g. "01-15", or blank for the anniversary); a Caf that has said nothing follows the
deployment's default, CAFPRO_REVUE_JOUR (empty: the anniversary). Either way a convention is
first reviewed once it has run a full year: its agents were all opened on signed demandes
d'accès within that year.

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


FORMAT = "attendu « MM-JJ » (ex. « 01-15 »), ou vide pour l'anniversaire de la date d'effet de chaque convention"


def lire_jour(valeur: str) -> tuple[int, int] | None:
    """(month, day) of "MM-JJ", None for "" (the anniversary rule); ValueError otherwise."""
    valeur = (valeur or "").strip()
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
    raise ValueError(f"{valeur!r} : {FORMAT}.")


def jour_par_defaut() -> tuple[int, int] | None:
    """The deployment's default (settings.CAFPRO_REVUE_JOUR), for a Caf without its own choice."""
    try:
        return lire_jour(getattr(settings, "CAFPRO_REVUE_JOUR", ""))
    except ValueError as erreur:
        raise ImproperlyConfigured(f"CAFPRO_REVUE_JOUR : {erreur}") from erreur


def date_prevue(date_effet: date, annee: int, jour_de_la_caf: str | None = None) -> date | None:
    """The day the review of `annee` opens for a convention in effect from `date_effet`, or
    None when the convention has not yet run a full year by then. `jour_de_la_caf`: its Caf's
    choice ("MM-JJ", or "" for the anniversary); None: the deployment's default."""
    fixe = jour_par_defaut() if jour_de_la_caf is None else lire_jour(jour_de_la_caf)
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
