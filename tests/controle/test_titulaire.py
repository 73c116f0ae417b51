"""The holder shown for an event (defect 1): the name a management event recorded in
details["titulaire"] ("NOM Prénom" at the time), else the habilitation's current name — on the
journal search, the chronologie and the CSV export."""

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from journal.ecriture import enregistrer
from journal.models import Resultat, TypeEvenement
from tests.factories import HabilitationFactory
from tests.outils import texte


@pytest.fixture
def evenements(db):
    """A habilitation renamed since a gestionnaire acted on it, and two events about it."""
    habilitation = HabilitationFactory(nom="NOUVEAU", prenom="Camille")

    def gestion(motif, details=None):
        return enregistrer(
            TypeEvenement.GESTION,
            Resultat.SUCCES,
            motif=motif,
            identifiant=habilitation.identifiant,
            habilitation_id=habilitation.pk,
            acteur="gestion.test131",
            caisse="131",
            details=details,
        )

    ancien = gestion("modification", {"titulaire": "ANCIEN Camille"})
    actuel = gestion("suspension")
    return habilitation, ancien, actuel


def titulaire_de(page: str, evenement) -> str:
    ligne = re.search(rf'<tr class="evenement" data-id="{evenement.pk}">(.*?)</tr>', page, re.S).group(1)
    cellule = re.search(r'<td class="titulaire">(.*?)</td>', ligne, re.S).group(1)
    return re.sub(r"<[^>]+>", "", cellule).strip()


def test_la_recherche_montre_le_titulaire_au_moment_de_l_evenement(client, officier, evenements):
    habilitation, ancien, actuel = evenements
    page = texte(client.get("/gestion/controle/journal/", {"genre": "gestion"}))
    assert titulaire_de(page, ancien) == "ANCIEN Camille"
    assert titulaire_de(page, actuel) == "NOUVEAU Camille"
    assert f'href="/gestion/controle/journal/habilitations/{habilitation.public_id}/">ANCIEN Camille</a>' in page


def test_la_chronologie_aussi(client, officier, evenements):
    habilitation, ancien, actuel = evenements
    page = texte(client.get(f"/gestion/controle/journal/habilitations/{habilitation.public_id}/"))
    assert titulaire_de(page, ancien) == "ANCIEN Camille"
    assert titulaire_de(page, actuel) == "NOUVEAU Camille"


def test_l_export_aussi(client, officier, evenements):
    _, ancien, actuel = evenements
    reponse = client.get("/gestion/controle/journal/export.csv", {"genre": "gestion"})
    lignes = list(csv.reader(io.StringIO(b"".join(reponse.streaming_content).decode("utf-8-sig")), delimiter=";"))
    entetes, *donnees = lignes
    nom, motif = entetes.index("Nom"), entetes.index("Motif")
    assert {ligne[motif]: ligne[nom] for ligne in donnees} == {
        "modification": "ANCIEN Camille",
        "suspension": "NOUVEAU Camille",
    }


def test_sans_requete_de_plus_par_evenement(client, officier, evenements):
    """details stays out of the page's query (the name is read by the query itself)."""
    habilitation = evenements[0]
    for n in range(10):
        enregistrer(
            TypeEvenement.GESTION,
            Resultat.SUCCES,
            motif=f"modification {n}",
            identifiant=habilitation.identifiant,
            habilitation_id=habilitation.pk,
            caisse="131",
            details={"titulaire": f"NOM{n} Camille"},
        )
    with CaptureQueriesContext(connection) as peu:
        client.get("/gestion/controle/journal/", {"genre": "gestion", "fin": "2000-01-01"})
    with CaptureQueriesContext(connection) as beaucoup:
        page = texte(client.get("/gestion/controle/journal/", {"genre": "gestion"}))
    assert "NOM9 Camille" in page
    assert len(beaucoup.captured_queries) <= len(peu.captured_queries) + 2  # habilitations, surveillances
