"""A rubrique page costs a constant, small number of queries, whatever the dossier's history
(issue 17): the account comes with its habilitation, convention and Caf (habilitations.backends),
the scope of a local or national convention is decided without a query, and the journal's
chain head is locked without an insert first."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from demo.dossiers import creer_dossier
from tests.factories import HabilitationFactory, caisse

# Session, account (one join), dossier, last payment date, Caisse of the dossier, the journal's
# savepoint + head + event + head update + release, the session's save: 12 for every page; then
# the rubrique's own reads. Measured at 19, 22 and 20 before issue 17's first changes.
MAXIMUM = {"paiements": 14, "dossier": 17, "famille": 15}


def requetes(client, adresse: str) -> int:
    with CaptureQueriesContext(connection) as capture:
        assert client.get(adresse).status_code == 200
    return len(capture.captured_queries)


@pytest.mark.parametrize("rubrique", ["paiements", "dossier", "famille"])
def test_le_nombre_de_requetes_ne_depend_pas_de_l_historique(db, rubrique):
    agent = HabilitationFactory(convention__caisse=caisse("131"), convention__profil="T1")
    creer_dossier(caisse("131"), "1000001", cas="complet")
    creer_dossier(caisse("131"), "1000002", cas="simple", mois_historique=3)
    comptes = []
    for numero in ("1000001", "1000002"):
        client = Client()
        client.force_login(agent.user)
        client.post("/portail/consulter/", {"numero_allocataire": numero})
        client.get(f"/portail/dossier/{rubrique}/")  # the chain head exists from here on
        comptes.append(requetes(client, f"/portail/dossier/{rubrique}/"))
    assert comptes[0] == comptes[1] <= MAXIMUM[rubrique], comptes
