"""Demo allocataire dossiers: realistic, deterministic, inserted in bulk.

Every value comes from a `random.Random` seeded with (Caisse, numéro, cas), never from the
global generator, and every date is counted from `jour`: the same inputs give the same
dossier, and a dossier made today has its histories up to this month. The only fixed
dates are the RMI's and the API's, which ended for good on 31 May 2009 with the RSA.

A dossier is first planned in plain Python (`demo.cas`, with the builders of `demo.foyer`),
then `demo.insertion` writes the plans of many dossiers with one batch per model.
"""

import random
from datetime import date

from django.db import transaction
from django.utils import timezone

from conventions.models import Caisse
from dossiers.models import Dossier

from .cas import MOIS_HISTORIQUE, planifier
from .insertion import ecrire_directement, inserer

# La Réunion (974): an overseas Caf, whose dossiers are written like the others'.
CAISSES_DEMO = ("131", "161", "541", "781", "831", "841", "171", "791", "861", "974", "CMAF")
# In every demo Caf, each Caf's own family (its people, and the shape of its household, vary).
DOSSIERS_DOCUMENTES = (
    ("1000001", "complet"),
    ("1000002", "radie"),
    ("1000003", "opposition"),
    ("1000004", "creances"),
    ("1000005", "suspendu"),
)
# Documented dossiers of one Caf only: their numéro exists in no other Caf.
DOSSIERS_PROPRES = {
    "161": (("1000006", "veuvage"),),
    "974": (("1000007", "veuvage"),),
}
LIBELLES_CAS = {
    "complet": "complet : couple, deux enfants, toutes les rubriques renseignées",
    "radie": "radié : départ à l'étranger il y a sept mois",
    "opposition": "opposition au partage des données (T1, T2, T3)",
    "creances": "trois créances et surendettement en cours",
    "suspendu": "dossier suspendu depuis deux mois",
    "simple": "foyer ordinaire, moins de prestations",
    "veuvage": "veuvage : conjoint décédé, enfants orphelins, pension de réversion (T14)",
}
PREMIER_NUMERO_GENERE = 2_000_000
# Dossiers planned and written together by `generer_dossiers`: large enough for big INSERTs,
# small enough to keep memory flat (about 200 rows per dossier).
DOSSIERS_PAR_LOT = 1000


def dossiers_documentes(numero_caisse: str) -> tuple[tuple[str, str], ...]:
    """The documented dossiers (numéro, cas) of one demo Caf: the common ones, then its own."""
    return DOSSIERS_DOCUMENTES + DOSSIERS_PROPRES.get(numero_caisse, ())


def creer_dossier(
    caisse: Caisse,
    numero_allocataire: str,
    cas: str = "complet",
    jour: date | None = None,
    mois_historique: int = MOIS_HISTORIQUE,
    graine=None,
) -> Dossier:
    """Create one demo dossier of the given case, its people and histories up to `jour`'s month."""
    jour = jour or timezone.localdate()
    plan = planifier(caisse, numero_allocataire, cas, jour, mois_historique, graine)
    with transaction.atomic():
        return inserer(caisse, [plan])[0]


def cas_genere(caisse: Caisse, numero: str) -> str:
    """The case of a generated dossier: mostly "simple", about 5 % each of three others, 2 % of widows."""
    tirage = random.Random(f"cafpro-cas:{caisse.numero}:{numero}").random()
    for seuil, cas in ((0.05, "radie"), (0.10, "opposition"), (0.15, "creances"), (0.17, "veuvage")):
        if tirage < seuil:
            return cas
    return "simple"


def generer_dossiers(caisse: Caisse, nombre: int, jour: date | None = None) -> int:
    """Make sure the dossiers 2000000 … 2000000 + nombre - 1 exist; return how many were created."""
    if nombre < 0 or PREMIER_NUMERO_GENERE + nombre > 10**7:
        raise ValueError("Le nombre de dossiers doit rester entre 0 et 8 000 000 (numéros à 7 chiffres).")
    if nombre == 0:
        return 0
    jour = jour or timezone.localdate()
    numeros = [str(PREMIER_NUMERO_GENERE + i) for i in range(nombre)]
    # A range, not an IN list: thousands of parameters would overflow SQLite's limit.
    existants = set(
        Dossier.objects.filter(
            caisse=caisse, numero_allocataire__gte=numeros[0], numero_allocataire__lte=numeros[-1]
        ).values_list("numero_allocataire", flat=True)
    )
    manquants = [n for n in numeros if n not in existants]
    with transaction.atomic():
        for debut in range(0, len(manquants), DOSSIERS_PAR_LOT):
            plans = [
                planifier(caisse, numero, cas_genere(caisse, numero), jour, base="simple")
                for numero in manquants[debut : debut + DOSSIERS_PAR_LOT]
            ]
            inserer(caisse, plans, ecrire_directement)
    return len(manquants)


def recreer_dossiers_documentes(caisse: Caisse, jour: date | None = None) -> list[Dossier]:
    """Delete and recreate the documented dossiers of a Caisse, so they are back to their documented state."""
    jour = jour or timezone.localdate()
    with transaction.atomic():
        documentes = dossiers_documentes(caisse.numero)
        Dossier.objects.filter(caisse=caisse, numero_allocataire__in=[n for n, _ in documentes]).delete()
        plans = [planifier(caisse, numero, cas, jour) for numero, cas in documentes]
        # Written directly, like the generated ones: `manage.py demo` recreates them on each run.
        return inserer(caisse, plans, ecrire_directement)
