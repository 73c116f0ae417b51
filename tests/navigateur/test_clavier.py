"""The core loop with the keyboard alone (issue 15; RGAA 12.8, 12.7 and 10.7), in a real browser:
login → « Consulter » → every tab of the dossier → another dossier → « Autre recherche » →
« Fermer la session », with Tab, Shift+Tab, Enter and typed characters only (no click, no
filling of a field that does not have the focus).

Along the way: the cursor waits where the agent types (Identifiant; N° d'allocataire on the
main page and after « Consulter », manual Cafpro V5, annexe 4 of 02-…, « Cinématique »:
« plusieurs dossiers au cours d'une même session »), « Aller au contenu » is the first Tab stop
and moves the focus into the page, and every focused element shows it. Back after « Autre
recherche » shows the main page once, without an error.
"""

import re

import pytest
from playwright.sync_api import expect

from demo.dossiers import creer_dossier
from profils.rubriques import rubriques_du_profil
from tests.factories import MOT_DE_PASSE_PARTENAIRE, HabilitationFactory, caisse

pytestmark = pytest.mark.browser

CONSIGNE = "Pour consulter un dossier, veuillez saisir le n° allocataire."
MAX_TAB = 60

# What the focused element is, and whether its focus is seen (outline or ring not none/0).
ACTIF = """() => {
  const e = document.activeElement;
  const style = getComputedStyle(e);
  const contour = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const anneau = style.boxShadow !== "none";
  return {
    balise: e.tagName.toLowerCase(),
    id: e.id || "",
    texte: (e.innerText || e.value || "").trim(),
    visible: e === document.body || contour || anneau,
    focusVisible: e.matches(":focus-visible"),
  };
}"""


@pytest.fixture
def parcours(base_transactionnelle):
    habilitation = HabilitationFactory(convention__profil="T1", nom="CLAVIER", prenom="Claude")
    premier = creer_dossier(caisse("131"), "1310001", graine=1)
    second = creer_dossier(caisse("131"), "1310002", graine=2)
    return habilitation, premier, second


def actif(page) -> dict:
    return page.evaluate(ACTIF)


def tab(page, arriere=False) -> dict:
    """One Tab (Shift+Tab) press; the focused element must show its focus."""
    page.keyboard.press("Shift+Tab" if arriere else "Tab")
    element = actif(page)
    assert element["balise"] != "body", "la touche Tab a perdu le focus"
    assert element["focusVisible"] and element["visible"], f"focus invisible : {element}"
    return element


def tab_jusqu_a(page, condition, quoi: str) -> dict:
    vus = []
    for _ in range(MAX_TAB):
        element = tab(page)
        vus.append((element["balise"], element["id"], element["texte"][:30]))
        if condition(element):
            return element
    pytest.fail(f"Tab n'atteint pas {quoi} : {vus}")


def aller_au_contenu(page):
    """From a page just loaded (focus at its top): the first Tab stop is the skip link, and
    Enter puts the focus in the page's content."""
    assert actif(page)["balise"] == "body"
    premier = tab(page)
    assert (premier["balise"], premier["texte"]) == ("a", "Aller au contenu")
    page.keyboard.press("Enter")
    expect(page.locator("#contenu")).to_be_focused()


def attend_dans(page, identifiant):
    expect(page.locator(f"#{identifiant}")).to_be_focused()


def test_de_la_connexion_a_la_fermeture_au_clavier(page, parcours):
    habilitation, premier, second = parcours
    erreurs = []
    page.on("pageerror", lambda exc: erreurs.append(str(exc)))

    # Login: the cursor waits in Identifiant.
    page.goto("/")
    attend_dans(page, "id_identifiant")
    page.keyboard.type(habilitation.identifiant)
    assert tab(page)["id"] == "id_mot_de_passe"
    page.keyboard.type(MOT_DE_PASSE_PARTENAIRE)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("/portail/$"))

    # Main page: the cursor waits in N° d'allocataire; type, Tab to « Consulter », Enter.
    attend_dans(page, "menu-numero_allocataire")
    page.keyboard.type(premier.numero_allocataire)
    bouton = tab(page)
    assert (bouton["balise"], bouton["texte"]) == ("button", "Consulter")
    page.keyboard.press("Enter")
    rubriques = rubriques_du_profil("T1")
    expect(page).to_have_url(re.compile(f"/portail/dossier/{rubriques[0].code}/$"))
    expect(page.locator(".entete-dossier")).to_contain_text(premier.numero_allocataire)
    # After « Consulter »: the dossier shows, the cursor waits for the next numéro.
    attend_dans(page, "menu-numero_allocataire")

    # Every tab, by the skip link then Tab to the tab's link, Enter.
    # The first time from the N° d'allocataire, where the cursor waits, Tab onwards to the tabs.
    for rubrique in rubriques[1:]:
        if actif(page)["balise"] == "body":
            aller_au_contenu(page)
        lien = tab_jusqu_a(page, lambda e, r=rubrique: e["balise"] == "a" and e["texte"] == r.libelle, rubrique.libelle)
        assert lien["texte"] == rubrique.libelle
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(f"/portail/dossier/{rubrique.code}/$"))
        expect(page.locator('nav.onglets a[aria-current="page"]')).to_have_text(rubrique.libelle)
        expect(page.locator(".entete-dossier")).to_contain_text(premier.numero_allocataire)
        # Between tabs the focus is not taken to the menu: it starts at the page's top.
        assert actif(page)["balise"] == "body"

    # Another dossier from a tab's page: Tab to the menu's N° d'allocataire, type, Enter.
    tab_jusqu_a(page, lambda e: e["id"] == "menu-numero_allocataire", "le N° d'allocataire")
    page.keyboard.type(second.numero_allocataire)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(f"/portail/dossier/{rubriques[0].code}/$"))
    expect(page.locator(".entete-dossier")).to_contain_text(second.numero_allocataire)
    attend_dans(page, "menu-numero_allocataire")

    # « Autre recherche »: the main page, the cursor in N° d'allocataire again.
    tab_jusqu_a(page, lambda e: e["balise"] == "a" and e["texte"] == "Autre recherche", "« Autre recherche »")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("/portail/$"))
    attend_dans(page, "menu-numero_allocataire")

    # « Fermer la session »: back to the login page, the cursor in Identifiant.
    tab_jusqu_a(page, lambda e: e["balise"] == "button" and "Fermer la session" in e["texte"], "« Fermer la session »")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("/$"))
    attend_dans(page, "id_identifiant")
    assert erreurs == []


def test_aller_au_contenu_sur_une_page_sans_session(page, base_transactionnelle):
    page.goto("/a-qui-s-adresse-cafpro/")
    aller_au_contenu(page)
    suivant = tab(page)
    # The next stop is inside the page's content, not the banner's links.
    assert page.evaluate("() => document.getElementById('contenu').contains(document.activeElement)"), suivant


def test_le_retour_apres_autre_recherche_montre_la_consigne_une_fois(page, parcours):
    """Issue 15: Back after « Autre recherche » re-asked the dossier's page, whose dossier was
    closed: the main page came back with the instruction twice, once as an error."""
    habilitation, premier, _ = parcours
    page.goto("/")
    page.keyboard.type(habilitation.identifiant)
    page.keyboard.press("Tab")
    page.keyboard.type(MOT_DE_PASSE_PARTENAIRE)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("/portail/$"))
    page.keyboard.type(premier.numero_allocataire)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("/portail/dossier/paiements/$"))
    page.get_by_role("link", name="Autre recherche").click()
    expect(page).to_have_url(re.compile("/portail/$"))

    page.go_back()

    # The main page, once: no error region, the instruction once, nothing of the dossier.
    expect(page).to_have_url(re.compile("/portail/$"))
    expect(page.locator(".consigne")).to_have_text(CONSIGNE)
    expect(page.locator("#erreurs-consultation")).to_have_count(0)
    expect(page.locator('[role="alert"]:not(:empty)')).to_have_count(0)
    assert page.locator("#contenu").inner_text().count(CONSIGNE) == 1
    expect(page.locator(".entete-dossier")).to_have_count(0)
    attend_dans(page, "menu-numero_allocataire")
