"""The review's world: a Caf 131 convention in effect from 13/03/2024 (the factories' date),
reviewed on its anniversary, 13/03/2027, until 13/04/2027 included (revue/calendrier.py)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from habilitations.models import EtatHabilitation
from journal.models import Evenement, TypeEvenement
from tests.factories import ConventionFactory, HabilitationFactory

PARIS = ZoneInfo("Europe/Paris")
OUVERTURE = date(2027, 3, 13)
LIMITE = date(2027, 4, 13)


class Horloge:
    """The clock as Django reads it (timezone.now, hence localdate in Europe/Paris)."""

    def __init__(self, monkeypatch):
        self._monkeypatch = monkeypatch

    def a(self, instant: datetime | date) -> None:
        if not isinstance(instant, datetime):
            # Midday in Paris: far from either midnight.
            instant = datetime(instant.year, instant.month, instant.day, 12, tzinfo=PARIS)
        self._monkeypatch.setattr(timezone, "now", lambda: instant.astimezone(ZoneInfo("UTC")))


@pytest.fixture
def horloge(monkeypatch):
    return Horloge(monkeypatch)


@pytest.fixture
def convention(db):
    return ConventionFactory(numero="2024-REV")


@pytest.fixture
def agents(convention):
    """Two agents with an access (one locked after three failures), and three without."""
    return {
        "actif": HabilitationFactory(convention=convention, nom="ACTIF"),
        "verrouille": HabilitationFactory(convention=convention, nom="VERROUILLE", etat=EtatHabilitation.VERROUILLEE),
        "suspendu": HabilitationFactory(convention=convention, nom="SUSPENDU", etat=EtatHabilitation.SUSPENDUE),
        "demande": HabilitationFactory(
            convention=convention, nom="DEMANDE", etat=EtatHabilitation.DEMANDEE, date_ouverture=None
        ),
        "supprime": HabilitationFactory(
            convention=convention,
            nom="SUPPRIME",
            date_suppression=date(2026, 1, 5),
            suppression_recue_le=date(2026, 1, 2),
        ),
    }


def evenements_revue(**filtres):
    return Evenement.objects.filter(type=TypeEvenement.REVUE, **filtres)
