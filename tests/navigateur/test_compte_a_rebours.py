"""The idle countdown in a real browser (manual Cafpro V5, "Session utilisateur"):
at the limit the personal data leaves the screen and the manual's page appears, with no
click; the server has closed the session; the back button shows nothing."""

import re

import pytest
from playwright.sync_api import expect

from journal.models import Evenement, TypeEvenement
from tests.factories import MOT_DE_PASSE_PARTENAIRE, HabilitationFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def agent(base_transactionnelle):
    return HabilitationFactory(nom="CONFIDENTIEL", prenom="Agathe")


def se_connecter(page, agent):
    page.goto("/")
    page.get_by_label("Identifiant").fill(agent.identifiant)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE_PARTENAIRE)
    page.get_by_role("button", name="Valider").click()
    expect(page).to_have_url(re.compile("/portail/$"))


def test_a_la_limite_l_ecran_se_vide_et_la_page_du_manuel_s_affiche(page, agent, settings):
    settings.CAFPRO_IDLE_TIMEOUT = 3
    se_connecter(page, agent)
    expect(page.locator("#contenu")).to_contain_text("CONFIDENTIEL")
    expect(page.locator("#compte-a-rebours")).to_have_text(re.compile(r"0 min 0[0-3] s"))

    expect(page).to_have_url(re.compile("/session-expiree/"), timeout=10_000)
    expect(page.locator("#contenu")).to_contain_text("Le serveur n'a reçu aucune information")
    assert "CONFIDENTIEL" not in page.content()
    assert Evenement.objects.filter(type=TypeEvenement.EXPIRATION, identifiant=agent.identifiant).exists()

    # Back button: the page was no-store, and the session is over on the server.
    page.go_back()
    assert "CONFIDENTIEL" not in page.content()


def test_fermer_la_session_ramene_a_l_identification(page, agent):
    se_connecter(page, agent)
    page.get_by_role("button", name="Fermer la session").click()
    expect(page).to_have_url(re.compile("/$"))
    expect(page.get_by_role("button", name="Valider")).to_be_visible()
    page.go_back()
    assert "CONFIDENTIEL" not in page.content()


def test_aucune_erreur_de_csp_ni_de_script(page, agent):
    erreurs = []
    page.on("console", lambda message: message.type == "error" and erreurs.append(message.text))
    page.on("pageerror", lambda exc: erreurs.append(str(exc)))
    se_connecter(page, agent)
    expect(page.locator("#compte-a-rebours")).to_have_text(re.compile(r"\d+ min \d\d s"))
    assert erreurs == []
