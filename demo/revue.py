"""The demo's yearly review of accesses (issue 16): the review of the T13 convention of the
Métropole Aix-Marseille-Provence (Caf 131, the convention of 01-…), opened ten days before the
demo's first run, so that a newcomer finds it open on the Caf 131 gestionnaire's home page
(« Revue annuelle des accès — campagnes en cours ») with its two agents to confirm.

Made once, looked up first: a second run changes nothing (the answers given meanwhile stay).
Once its year's review is closed (manage.py revue_quotidienne after the date limite), the demo
leaves it closed: the next year's opens on the next run."""

from datetime import timedelta

from django.utils import timezone

from conventions.models import Convention
from revue.models import Campagne

from .conventions import CONVENTIONS

DEMO = CONVENTIONS[0]
OUVERTE_IL_Y_A = timedelta(days=10)


def revue_de_demo() -> dict:
    jour = timezone.localdate()
    convention = Convention.objects.get(caisse__numero=DEMO.caisse, numero=DEMO.numero)
    campagne = Campagne.objects.filter(convention=convention, annee=jour.year).first()
    if campagne is None:
        campagne = Campagne.ouvrir(convention, jour.year, jour - OUVERTE_IL_Y_A, acteur="demo")
    return {
        "caisse": DEMO.caisse,
        "convention": convention.numero,
        "etat": campagne.etat,
        "ouverte_le": campagne.date_ouverture.isoformat(),
        "date_limite": campagne.date_limite.isoformat(),
        "agents": campagne.confirmations.count(),
    }
