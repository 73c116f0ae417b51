"""The idle countdown in a real browser (manual Cafpro V5, "Session utilisateur"):
at the limit the personal data leaves the screen and the manual's page appears, with no
click; the server has closed the session; the back button shows nothing.

Before the limit (issue 15, RGAA 13.1): a warning in an alert region, a minute before the end
(halfway through the short limits these tests use), and « Prolonger la session », which asks
the server and keeps the session alive past the first limit, in the browser and on the server."""

import re
import time

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


# --- The warning and « Prolonger la session » (issue 15) ------------------------------------


def alerte(page):
    return page.locator("#alerte-session")


def test_l_avertissement_est_annonce_avant_la_fin(page, agent, settings):
    settings.CAFPRO_IDLE_TIMEOUT = 8  # warning at 4 s (min(60, 8 / 2))
    se_connecter(page, agent)
    # Nothing to announce at first; the region is there, empty and assertive, so that its change
    # is announced; it is no alert yet (the page's own alerts stay the only ones).
    expect(alerte(page)).to_have_attribute("aria-live", "assertive")
    expect(alerte(page)).to_be_empty()
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.get_by_role("button", name="Prolonger la session")).to_be_hidden()
    # The countdown itself is never announced.
    expect(page.locator("#compte-a-rebours")).to_have_attribute("aria-live", "off")

    expect(alerte(page)).to_contain_text("votre session sera fermée dans", timeout=6_000)
    expect(alerte(page)).to_contain_text("secondes")
    expect(alerte(page)).to_have_attribute("role", "alert")
    expect(page.get_by_role("alert")).to_contain_text("Sans action de votre part")
    expect(page.get_by_role("button", name="Prolonger la session")).to_be_visible()
    # The warning does not take the focus from where the agent types.
    expect(page.locator("#menu-numero_allocataire")).to_be_focused()


def test_prolonger_garde_la_session_au_dela_de_la_limite(page, agent, settings):
    settings.CAFPRO_IDLE_TIMEOUT = 8
    se_connecter(page, agent)
    debut = time.monotonic()
    bouton = page.get_by_role("button", name="Prolonger la session")
    expect(bouton).to_be_visible(timeout=6_000)
    with page.expect_response(re.compile("/session/prolonger/$")) as reponse:
        bouton.click()
    assert reponse.value.status == 200
    assert reponse.value.json() == {"delai": 8}

    # The warning is gone, the countdown starts again from the server's delay.
    expect(alerte(page)).to_be_empty()
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(bouton).to_be_hidden()
    expect(page.locator("#statut-session")).to_contain_text("Session prolongée")
    expect(page.locator("#compte-a-rebours")).to_have_text(re.compile(r"0 min 0[6-8] s"))

    # Past the first limit (8 s after the login's page), still there, data on screen.
    time.sleep(max(0, 9.5 - (time.monotonic() - debut)))
    expect(page).to_have_url(re.compile("/portail/$"))
    expect(page.locator("#contenu")).to_contain_text("CONFIDENTIEL")
    assert not Evenement.objects.filter(type=TypeEvenement.EXPIRATION).exists()
    # And on the server: a request now is served, not sent to the manual's page.
    assert page.request.get("/portail/", max_redirects=0).status == 200
    assert not Evenement.objects.filter(type=TypeEvenement.EXPIRATION).exists()


def test_prolonger_au_clavier(page, agent, settings):
    """From the N° d'allocataire where the cursor waits, one Shift+Tab reaches the button."""
    settings.CAFPRO_IDLE_TIMEOUT = 8
    se_connecter(page, agent)
    bouton = page.get_by_role("button", name="Prolonger la session")
    expect(bouton).to_be_visible(timeout=6_000)
    expect(page.locator("#menu-numero_allocataire")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(bouton).to_be_focused()
    page.keyboard.press("Enter")
    expect(bouton).to_be_hidden()
    # The focus goes back where the agent was.
    expect(page.locator("#menu-numero_allocataire")).to_be_focused()
    expect(page.locator("#compte-a-rebours")).to_have_text(re.compile(r"0 min 0[6-8] s"))


def test_une_session_deja_fermee_n_est_pas_prolongee(page, agent, settings):
    """The server ended the session meanwhile (here: its row deleted, as at a logout elsewhere):
    « Prolonger » does not revive it, the screen is cleared and the manual's page shown."""
    from django.contrib.sessions.models import Session

    settings.CAFPRO_IDLE_TIMEOUT = 30  # warning at 15 s: the browser's clock is moved instead
    se_connecter(page, agent)
    # The countdown started (its own "0 min 30 s", not the server's "30 s"): moving the clock
    # before static/js/inactivite.js reads it would move its limit too.
    expect(page.locator("#compte-a-rebours")).to_have_text(re.compile(r"^0 min \d\d s$"))
    Session.objects.all().delete()
    page.evaluate("""() => {
        const maintenant = Date.now;
        Date.now = () => maintenant() + 16000;
    }""")
    bouton = page.get_by_role("button", name="Prolonger la session")
    expect(bouton).to_be_visible(timeout=3_000)
    bouton.click()
    expect(page).to_have_url(re.compile("/session-expiree/"), timeout=5_000)
    assert "CONFIDENTIEL" not in page.content()
