"""T12's periods against the history: "sur un historique de 24 mois par rapport à la date du
jour" (02-…, annexe 4, Profil T12). A period partly before the history shows its months outside
marked and a partial total; a period wholly before it is refused, saying why; neither is ever a
silent 0,00 € (issue 14, docs/profils.md).

Today is fixed to 20 October 2026: the history runs from November 2024 to October 2026.
"""

import re
import types
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dossiers import views
from dossiers.lecture.calendrier import decaler_mois
from dossiers.lecture.formats import MOIS, euros
from tests.dossiers.test_navigation import creer_dossier, ouvrir, paye, periodes_journalisees
from tests.outils import texte

JOUR = date(2026, 10, 20)
PAIEMENTS = "/portail/dossier/paiements/"
HISTORIQUE = "l'historique de 24 mois par rapport à la date du jour (de novembre 2024 à octobre 2026)"
HORS = ["—", "Hors de l'historique de 24 mois", "—", "—"]
AAH = Decimal("617.50")


@pytest.fixture(autouse=True)
def jour_fixe(monkeypatch):
    monkeypatch.setattr(views, "timezone", types.SimpleNamespace(localdate=lambda: JOUR, localtime=timezone.localtime))


@pytest.fixture
def greffier(client, db):
    """AAH paid on the 5th of every month from January 2023 to September 2026 for the month before,
    so before and within the history."""
    dossier = creer_dossier()
    mois = date(2023, 1, 1)
    while mois <= date(2026, 9, 1):
        paye(dossier, mois.replace(day=5), AAH, prestation="AAH", periode=decaler_mois(mois, -1))
        mois = decaler_mois(mois, 1)
    agent, _ = ouvrir(client, profil="T12", dossier=dossier, greffier=True)
    return agent


def lignes(page: str) -> list[list[str]]:
    corps = re.search(r"<tbody>(.*?)</tbody>", page, re.S)
    rangees = re.findall(r"<tr>(.*?)</tr>", corps.group(1), re.S) if corps else []
    return [re.findall(r"<td>(.*?)</td>", rangee) for rangee in rangees]


def total(page: str) -> list[str] | None:
    pied = re.search(r"<tfoot><tr>(.*?)</tr></tfoot>", page, re.S)
    return re.findall(r"<td>(.*?)</td>", pied.group(1)) if pied else None


def avertissement(page: str) -> str:
    trouve = re.search(r'<p class="avertissement" role="status">(.*?)</p>', page, re.S)
    return trouve.group(1) if trouve else ""


def aucun_zero(page: str) -> bool:
    return f"<td>{euros(0)}</td>" not in page and euros(0) not in avertissement(page)


def test_l_annee_civile_a_cheval_sur_le_debut_de_l_historique(client, greffier):
    """The issue's case: a demand of 15/01/2025, "l'année civile qui précède la demande"."""
    page = texte(client.get(PAIEMENTS, {"date_demande": "15012025", "mode": "annee_precedente"}))
    assert avertissement(page) == (
        f"La période demandée, de janvier 2024 à décembre 2024, commence avant {HISTORIQUE} : "
        "les mois de janvier 2024 à octobre 2024 sont hors de l'historique de 24 mois et ne sont pas "
        "comptés ; le total est partiel (2 mois sur 12)."
    )
    assert (
        "<h2>L'année civile qui précède la demande (demande du 15/01/2025) : de janvier 2024 à décembre 2024</h2>"
        in page
    )
    rangees = lignes(page)
    assert [r[0] for r in rangees] == [f"{m.capitalize()} 2024" for m in MOIS]
    for rangee in rangees[:10]:
        assert rangee[1:] == HORS, rangee
    assert rangees[10] == ["Novembre 2024", "Octobre 2024", "Traité le 05/11/2024", euros(AAH), euros(AAH)]
    assert rangees[11] == ["Décembre 2024", "Novembre 2024", "Traité le 05/12/2024", euros(AAH), euros(2 * AAH)]
    assert total(page) == ["Total partiel (2 mois sur 12)", "", "", euros(2 * AAH), ""]
    assert aucun_zero(page)
    # The journal says what was asked, before the payments are read.
    assert periodes_journalisees(greffier) == ["demande du 15/01/2025 : annee_precedente"]


def test_un_seul_mois_hors_de_l_historique(client, greffier):
    page = texte(client.get(PAIEMENTS, {"date_demande": "15102025", "mode": "douze_mois"}))
    assert avertissement(page) == (
        f"La période demandée, d'octobre 2024 à septembre 2025, commence avant {HISTORIQUE} : "
        "le mois d'octobre 2024 est hors de l'historique de 24 mois et n'est pas compté ; "
        "le total est partiel (11 mois sur 12)."
    )
    rangees = lignes(page)
    assert rangees[0] == ["Octobre 2024", *HORS]
    assert [r[0] for r in rangees[1:3]] == ["Novembre 2024", "Décembre 2024"]
    assert rangees[1][4] == euros(AAH)
    assert total(page) == ["Total partiel (11 mois sur 12)", "", "", euros(11 * AAH), ""]


@pytest.mark.parametrize(
    ("date_demande", "mode", "periode"),
    [
        ("15092020", "annee_precedente", "de janvier 2019 à décembre 2019"),
        ("15092020", "douze_mois", "de septembre 2019 à août 2020"),
        ("15092020", "annee_en_cours", "de janvier 2020 à août 2020"),
        # Months of the demand within the history, but the period it asks for before it.
        ("15122024", "annee_precedente", "de janvier 2023 à décembre 2023"),
        ("15112024", "douze_mois", "de novembre 2023 à octobre 2024"),
        ("20112024", "annee_en_cours", "de janvier 2024 à octobre 2024"),
    ],
)
def test_une_periode_hors_de_l_historique_est_refusee(client, greffier, date_demande, mode, periode):
    with CaptureQueriesContext(connection) as requetes:
        page = texte(client.get(PAIEMENTS, {"date_demande": date_demande, "mode": mode}))
    assert avertissement(page) == (
        f"La période demandée, {periode}, est hors de {HISTORIQUE} : aucun montant ne peut être restitué."
    )
    assert "<table" not in page and "Total" not in page and "Cumul" not in page
    assert aucun_zero(page)
    # Nothing of the payments is read for a period refused.
    assert not any("dossiers_paiement" in requete["sql"] for requete in requetes.captured_queries)
    # The form keeps what was typed, for another date or period.
    assert f'value="{date_demande}"' in page
    assert re.search(rf'<input type="radio" name="mode" value="{mode}"[^>]*checked', page)
    jour = f"{date_demande[:2]}/{date_demande[2:4]}/{date_demande[4:]}"
    assert periodes_journalisees(greffier) == [f"demande du {jour} : {mode}"]


@pytest.mark.parametrize(
    ("date_demande", "mode", "mois"),
    [("15032026", "annee_precedente", 12), ("15112025", "douze_mois", 12), ("20102026", "annee_en_cours", 9)],
)
def test_une_periode_dans_l_historique_a_un_total_entier(client, greffier, date_demande, mode, mois):
    page = texte(client.get(PAIEMENTS, {"date_demande": date_demande, "mode": mode}))
    assert avertissement(page) == ""
    assert "Hors de l'historique" not in page and "partiel" not in page
    assert len(lignes(page)) == mois
    assert total(page) == ["Total", "", "", euros(mois * AAH), ""]


def test_en_janvier_aucun_mois_de_l_annee_en_cours(client, greffier):
    page = texte(client.get(PAIEMENTS, {"date_demande": "10012026", "mode": "annee_en_cours"}))
    assert "Aucun mois de l'année en cours ne précède la demande." in page
    assert avertissement(page) == "" and total(page) is None and aucun_zero(page)


def test_l_annee_civile_precedente_est_cochee_par_defaut(client, greffier):
    page = texte(client.get(PAIEMENTS))
    coches = re.findall(r'<input type="radio" name="mode" value="(\w+)"[^>]*checked', page)
    assert coches == ["annee_precedente"]


@pytest.mark.parametrize("date_demande", ["01010001", "31121899"])
def test_une_annee_impossible_est_une_date_invalide(client, greffier, date_demande):
    reponse = client.get(PAIEMENTS, {"date_demande": date_demande, "mode": "douze_mois"})
    assert reponse.status_code == 200
    page = texte(reponse)
    assert "La date de demande doit être une date valide au format JJMMAAAA" in page
    assert "<table" not in page
    assert periodes_journalisees(greffier) == ["saisie de la date de demande"]
