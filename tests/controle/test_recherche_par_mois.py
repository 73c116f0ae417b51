"""The journal's search reads a month at a time, newest first, until the page is full: every
event is still found once, in order, whatever its month (strays older than the retention too);
a period reads only its own months; the agent's name filters by habilitation."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from controle.recherche import Criteres, rechercher
from journal.models import Resultat, TypeEvenement
from tests.factories import ConventionFactory, EvenementFactory, HabilitationFactory

# Mid-month instants, so that the month of each event does not depend on the test's day.
CE_MOIS = timezone.now().astimezone(UTC).replace(day=1, hour=12, minute=0, second=0, microsecond=0)


def mois_avant(n: int, jour: int = 15) -> datetime:
    mois = CE_MOIS
    for _ in range(n):
        mois = (mois - timedelta(days=1)).replace(day=1)
    return mois.replace(day=jour)


def toutes_les_pages(criteres: Criteres, limite: int) -> list[int]:
    vus, apres = [], None
    while True:
        page = rechercher("131", criteres, apres=apres, limite=limite)
        vus += [e.pk for e in page.evenements]
        if page.suivant is None:
            return vus
        apres = page.suivant


@pytest.fixture
def agent(db):
    return HabilitationFactory(nom="Durand", convention=ConventionFactory(profil="T13"))


def test_chaque_evenement_une_fois_dans_l_ordre_quel_que_soit_son_mois(agent):
    instants = [CE_MOIS, mois_avant(1, 28), mois_avant(1, 1), mois_avant(5), mois_avant(12), mois_avant(36)]
    attendus = []
    for instant in instants:
        # Two events at the very same instant: the keyset's id sorts them out.
        for _ in range(2):
            attendus.append(EvenementFactory(habilitation=agent, horodatage=instant))
    # A month's first microsecond belongs to that month, its previous one to the month before.
    debut = mois_avant(2).replace(day=1, hour=0)
    bord = [EvenementFactory(habilitation=agent, horodatage=debut - timedelta(microseconds=d)) for d in (0, 1)]
    attendus = sorted(attendus + bord, key=lambda e: (e.horodatage, e.pk), reverse=True)
    for limite in (1, 3, 50):
        assert toutes_les_pages(Criteres(), limite) == [e.pk for e in attendus]


def test_un_filtre_rare_trouve_l_evenement_ancien_en_un_nombre_borne_de_requetes(agent):
    for n in range(8):
        EvenementFactory(habilitation=agent, horodatage=mois_avant(n))
    rare = EvenementFactory(
        habilitation=agent, type=TypeEvenement.DECONNEXION, resultat=Resultat.ECHEC, horodatage=mois_avant(10)
    )
    criteres = Criteres(genre="deconnexion", resultat=Resultat.ECHEC)
    with CaptureQueriesContext(connection) as requetes:
        page = rechercher("131", criteres)
    assert [e.pk for e in page.evenements] == [rare.pk] and page.suivant is None
    # Per side (the Caf's own events, its dossiers read by other Cafs): slices of 1, 1, 2, 4 and
    # 8 months down to the oldest event, and the journal's oldest instant, asked once.
    assert len(requetes.captured_queries) <= 2 * 5 + 1


def test_rien_ne_correspond_le_nombre_de_requetes_reste_borne(agent):
    EvenementFactory(habilitation=agent, horodatage=mois_avant(48))
    with CaptureQueriesContext(connection) as requetes:
        page = rechercher("131", Criteres(identifiant="INCONNU1"))
    assert page.evenements == []
    # Four years back in slices of 1, 1, 2, 4, 8, 16 and 32 months.
    assert len(requetes.captured_queries) <= 2 * 7 + 1


def test_une_periode_ne_lit_que_ses_mois(agent):
    dedans = [EvenementFactory(habilitation=agent, horodatage=mois_avant(n)) for n in (4, 5)]
    for n in (0, 2, 7):
        EvenementFactory(habilitation=agent, horodatage=mois_avant(n))
    debut, fin = mois_avant(5, 1).date(), mois_avant(4, 28).date()
    with CaptureQueriesContext(connection) as requetes:
        page = rechercher("131", Criteres(debut=debut, fin=fin, genre="connexion_reussie"))
    assert [e.pk for e in page.evenements] == [e.pk for e in dedans]  # newest first
    # One side (a login is no dossier's): its two months, the UTC month of the first day's local
    # midnight, and the oldest instant; never the months after it or before it.
    assert len(requetes.captured_queries) <= 4
    assert not any(str(date.today().year + 1) in q["sql"] for q in requetes.captured_queries)


def test_le_nom_de_l_agent_filtre_ses_habilitations(client, officier, agent):
    homonyme = HabilitationFactory(nom="DURAND")
    autre = HabilitationFactory(nom="Martin")
    siens = [EvenementFactory(habilitation=h) for h in (agent, homonyme)]
    EvenementFactory(habilitation=autre)
    reponse = client.get("/gestion/controle/journal/", {"nom": " durand "})
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    for e in siens:
        assert f'data-id="{e.pk}"' in contenu
    assert contenu.count('class="evenement"') == 2
    assert 'name="nom"' in contenu
