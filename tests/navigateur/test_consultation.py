"""The consultation paths of the manual (Cafpro V5, "Cinématique"), one per access scope,
in a real browser from the login page to "Fermer la session".

Local access: the Caf's banner at once, the numéro only, every tab of the profile, the
month and year navigation, the print edition. Multi-Caf and national accesses: the generic
banner until the dossier is known, the code postal and the CMAF box that exclude each other.
T12: the date of the demand of aide juridictionnelle and its three periods. Each page type
is also checked for the basics of accessibility (labels, one h1, lang, keyboard).
"""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from demo.dossiers import creer_dossier
from dossiers.consultation import MESSAGE_INTROUVABLE
from dossiers.models import Personne, RoleDansLeFoyer
from profils.rubriques import acces, rubriques_du_profil
from tests.factories import MOT_DE_PASSE_PARTENAIRE, ConventionFactory, HabilitationFactory, caisse

pytestmark = pytest.mark.browser

BANDEAU_GENERIQUE = "Allocations familiales"


# --- Helpers -------------------------------------------------------------------------------


def se_connecter(page, habilitation):
    page.goto("/")
    verifier_accessibilite(page, bouton="Valider")
    page.get_by_label("Identifiant").fill(habilitation.identifiant)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE_PARTENAIRE)
    page.get_by_role("button", name="Valider").click()
    expect(page).to_have_url(re.compile("/portail/$"))


def consulter(page, numero, code_postal=None, cmaf=False):
    if code_postal is not None:
        page.locator("#menu-code_postal").fill(code_postal)
    if cmaf:
        page.locator("#menu-cmaf").check()
    page.locator("#menu-numero_allocataire").fill(numero)
    page.get_by_role("button", name="Consulter").click()


def fermer_la_session(page):
    page.get_by_role("button", name="» Fermer la session").click()
    expect(page).to_have_url(re.compile("/$"))
    expect(page.get_by_role("button", name="Valider")).to_be_visible()
    expect(page.get_by_label("Identifiant")).to_be_visible()


def responsable(dossier) -> str:
    """ "Madame LAURENCE XXXXXX - responsable du dossier", as the header of every rubrique writes it."""
    return (
        Personne.objects.get(dossier=dossier, role=RoleDansLeFoyer.RESPONSABLE).appellation
        + " - responsable du dossier"
    )


def onglet(page, libelle):
    return page.locator("nav.onglets").get_by_role("link", name=libelle, exact=True)


def parcourir_les_onglets(page, profil, dossier):
    """The tabs are the profile's, in the matrix's order; each opens its rubrique for the dossier."""
    rubriques = rubriques_du_profil(profil)
    expect(page.locator("nav.onglets a")).to_have_text([r.libelle for r in rubriques])
    entete = responsable(dossier)
    for rubrique in rubriques:
        onglet(page, rubrique.libelle).click()
        expect(page).to_have_url(re.compile(f"/portail/dossier/{rubrique.code}/$"))
        expect(page.locator("h1")).to_have_text(acces(profil, rubrique.code).titre)
        expect(onglet(page, rubrique.libelle)).to_have_attribute("aria-current", "page")
        expect(page.locator(".entete-dossier")).to_contain_text(entete)
        expect(page.locator(".entete-dossier")).to_contain_text(f"N° d'allocataire : {dossier.numero_allocataire}")
        # The rubrique has a body: at least one block of the reading under its title.
        assert page.locator("#contenu section").count() >= 1, rubrique.code


def periode(page):
    return page.locator(".periode strong")


def verifier_accessibilite(page, bouton="Consulter"):
    """French page, one h1, every field labelled, and the keyboard reaches the main button."""
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").count() == 1
    champs = page.locator("input:not([type=hidden]), select, textarea")
    assert champs.count() >= 1
    sans_libelle = champs.evaluate_all(
        """champs => champs.filter(c =>
              !(c.labels && Array.from(c.labels).some(l => l.textContent.trim()))
              && !(c.getAttribute('aria-label') || '').trim()
              && !c.getAttribute('aria-labelledby')
           ).map(c => c.outerHTML)"""
    )
    assert sans_libelle == []
    # Keyboard: from the top of the page, Tab reaches the button through the fields before it.
    # The walk starts at the first stop, « Aller au contenu » (the cursor may wait further down, in
    # the field with autofocus: issue 15).
    page.evaluate("document.querySelector('a.evitement').focus()")
    parcours = []
    for _ in range(40):
        page.keyboard.press("Tab")
        actif = page.evaluate(
            "() => { const e = document.activeElement; return [e.tagName, e.id || '', e.textContent.trim()]; }"
        )
        parcours.append(actif)
        if actif[0] == "BUTTON" and actif[2] == bouton:
            break
    else:
        pytest.fail(f"La touche Tab n'atteint pas le bouton « {bouton} » : {parcours}")
    return [identifiant for _, identifiant, _ in parcours if identifiant]


def dates_du_jour():
    """Today in the server's time zone (the edition's date), with the next day should midnight pass."""
    jour = timezone.localdate()
    return {jour.strftime("%d/%m/%Y"), (jour + timedelta(days=1)).strftime("%d/%m/%Y")}


# --- Local access (T1) ---------------------------------------------------------------------


@pytest.fixture
def parcours_local(base_transactionnelle):
    habilitation = HabilitationFactory(convention__profil="T1", nom="BENSAID", prenom="Nadia")
    premier = creer_dossier(caisse("131"), "1310001", graine=1)
    second = creer_dossier(caisse("131"), "1310002", graine=2)
    assert responsable(premier) != responsable(second)
    return habilitation, premier, second


def test_acces_local_de_la_connexion_a_la_fermeture(page, parcours_local):
    habilitation, premier, second = parcours_local
    erreurs = []
    page.on("console", lambda message: message.type == "error" and erreurs.append(message.text))
    page.on("pageerror", lambda exc: erreurs.append(str(exc)))

    se_connecter(page, habilitation)
    # Local access: the Caf's signature at once, and only the numéro to type.
    expect(page.locator(".bandeau__marque")).to_have_text("Caf des Bouches-du-Rhône")
    expect(page.locator("#menu-code_postal")).to_have_count(0)
    expect(page.locator("#menu-cmaf")).to_have_count(0)
    expect(page.locator("#contenu")).to_contain_text("Pour consulter un dossier, veuillez saisir le n° allocataire.")
    assert verifier_accessibilite(page) == ["menu-numero_allocataire"]

    consulter(page, premier.numero_allocataire)
    expect(page).to_have_url(re.compile("/portail/dossier/paiements/$"))
    verifier_accessibilite(page)
    parcourir_les_onglets(page, "T1", premier)

    # Paiements: one month back, then forward again.
    onglet(page, "Paiements").click()
    dernier_mois = periode(page).inner_text()
    assert re.fullmatch(r"[A-ZÉ][a-zéû]+ \d{4}", dernier_mois)
    page.get_by_role("link", name="» Mois précédent").click()
    expect(page).to_have_url(re.compile(r"\?mois=\d{4}-\d\d$"))
    expect(periode(page)).not_to_have_text(dernier_mois)
    mois_precedent = periode(page).inner_text()
    page.get_by_role("link", name="» Mois suivant").click()
    expect(periode(page)).to_have_text(dernier_mois)
    assert mois_precedent != dernier_mois

    # Ressources: the year before the last known one.
    onglet(page, "Ressources").click()
    expect(periode(page)).to_have_text(re.compile(r"^Année \d{4}$"))
    annee = int(periode(page).inner_text().split()[-1])
    page.get_by_role("link", name="» Année précédente").click()
    expect(page).to_have_url(re.compile(rf"\?annee={annee - 1}$"))
    expect(periode(page)).to_have_text(f"Année {annee - 1}")
    titres = page.locator("#contenu section h2")
    expect(titres.first).to_be_visible()
    assert all(f"{annee - 1}" in titre for titre in titres.all_inner_texts())

    # The print edition: no banner, menu, tabs nor links; the edition's references instead.
    edition = page.locator(".edition")
    expect(edition).to_be_hidden()
    page.emulate_media(media="print")
    for partie in (".bandeau", "nav.menu", "nav.onglets", "ul.navigation"):
        expect(page.locator(partie)).to_be_hidden()
        assert page.locator(partie).evaluate("e => getComputedStyle(e).display") == "none", partie
    expect(page.locator("h1")).to_be_visible()
    expect(edition).to_be_visible()
    texte = edition.inner_text()
    assert habilitation.identifiant in texte
    assert "Caf des Bouches-du-Rhône" in texte
    assert any(jour in texte for jour in dates_du_jour()), texte
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF-") and len(pdf) > 5_000
    page.emulate_media(media="screen")
    expect(edition).to_be_hidden()
    expect(page.locator("nav.onglets")).to_be_visible()

    # "Imprimer" opens the browser's print dialog.
    page.evaluate("window.print = () => { window.__imprime = true; }")
    page.get_by_role("button", name="Imprimer").click()
    assert page.evaluate("window.__imprime") is True

    # "Autre recherche": back to the main page, then a second dossier in the same session.
    page.get_by_role("link", name="Autre recherche").click()
    expect(page).to_have_url(re.compile("/portail/$"))
    expect(page.locator(".entete-dossier")).to_have_count(0)
    consulter(page, second.numero_allocataire)
    expect(page.locator(".entete-dossier")).to_contain_text(responsable(second))
    expect(page.locator(".entete-dossier")).not_to_contain_text(responsable(premier))
    expect(page.locator(".entete-dossier")).to_contain_text(second.numero_allocataire)

    fermer_la_session(page)
    page.goto("/portail/")
    expect(page).to_have_url(re.compile(r"/session-expiree/(\?next=/portail/)?$"))
    expect(page.locator("#contenu")).to_contain_text("sans passer par l'écran de signature")
    assert responsable(second) not in page.content()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").count() == 1
    assert erreurs == []


# --- Multi-Caf access (T8) -----------------------------------------------------------------


@pytest.fixture
def parcours_multi_caf(base_transactionnelle):
    convention = ConventionFactory(profil="T8", multi_caf=True, caisses_multi=["831", "841"])
    habilitation = HabilitationFactory(convention=convention)
    var = creer_dossier(caisse("831"), "8310001", graine=3)
    # The same numéro exists at the Caf de Paris, outside the convention's Cafs.
    creer_dossier(caisse("751"), "7510001", graine=4)
    return habilitation, var


def test_acces_multi_caf_code_postal_et_case_cmaf(page, parcours_multi_caf):
    habilitation, var = parcours_multi_caf
    se_connecter(page, habilitation)
    expect(page.locator(".bandeau__marque")).to_have_text(BANDEAU_GENERIQUE)
    expect(page.locator("#contenu")).to_contain_text("veuillez saisir le code postal de l'allocataire")
    assert verifier_accessibilite(page) == ["menu-code_postal", "menu-numero_allocataire", "menu-cmaf"]

    code_postal, cmaf = page.locator("#menu-code_postal"), page.locator("#menu-cmaf")
    expect(code_postal).to_be_enabled()
    expect(cmaf).to_be_enabled()
    code_postal.fill("83000")
    expect(cmaf).to_be_disabled()
    code_postal.fill("")
    expect(cmaf).to_be_enabled()
    cmaf.check()
    expect(code_postal).to_be_disabled()
    cmaf.uncheck()
    expect(code_postal).to_be_enabled()

    consulter(page, var.numero_allocataire, code_postal="83000")
    expect(page).to_have_url(re.compile("/portail/dossier/maladie-maternite/$"))
    expect(page.locator(".bandeau__marque")).to_have_text("Caf du Var")
    expect(page.locator("nav.onglets a")).to_have_text(["Maladie maternité Affiliation", "Cmuc Ressources", "Adresse"])
    parcourir_les_onglets(page, "T8", var)
    expect(page.locator(".bandeau__marque")).to_have_text("Caf du Var")

    # A Caf outside the convention: the same answer as for a dossier that does not exist.
    consulter(page, "7510001", code_postal="75001")
    expect(page).to_have_url(re.compile("/portail/consulter/$"))
    expect(page.get_by_role("alert")).to_have_text(MESSAGE_INTROUVABLE)
    expect(page.locator(".bandeau__marque")).to_have_text(BANDEAU_GENERIQUE)
    expect(page.locator(".entete-dossier")).to_have_count(0)

    fermer_la_session(page)


# --- National access (T14) -----------------------------------------------------------------


@pytest.fixture
def parcours_national(base_transactionnelle):
    habilitation = HabilitationFactory(convention=ConventionFactory(profil="T14", nationale=True))
    marin = creer_dossier(caisse("CMAF"), "9000001", graine=5)
    return habilitation, marin


def test_acces_national_dossier_de_la_cmaf(page, parcours_national):
    habilitation, marin = parcours_national
    se_connecter(page, habilitation)
    expect(page.locator(".bandeau__marque")).to_have_text(BANDEAU_GENERIQUE)

    consulter(page, marin.numero_allocataire, cmaf=True)
    expect(page).to_have_url(re.compile("/portail/dossier/dossier/$"))
    expect(page.locator(".bandeau__marque")).to_have_text("Caisse Maritime d'Allocations Familiales")
    expect(page.locator("nav.onglets a")).to_have_text(["Dossier", "Famille", "Droits", "Adresse"])
    parcourir_les_onglets(page, "T14", marin)
    expect(page.locator(".entete-dossier")).to_contain_text("Caisse Maritime d'Allocations Familiales")

    fermer_la_session(page)


# --- T12, greffiers des bureaux d'aide juridictionnelle ----------------------------------------


@pytest.fixture
def parcours_t12(base_transactionnelle):
    habilitation = HabilitationFactory(greffier=True, convention__profil="T12")
    dossier = creer_dossier(caisse("131"), "1310012", graine=6)
    return habilitation, dossier


def date_de_demande() -> date:
    """A mid-year date of the last 24 months: each of the three periods has months in the history
    (the previous calendar year may start before it: its total is then partial)."""
    jour = timezone.localdate()
    return date(jour.year if jour.month > 6 else jour.year - 1, 6, 15)


def test_t12_paiements_sur_la_periode_de_la_demande(page, parcours_t12):
    habilitation, dossier = parcours_t12
    se_connecter(page, habilitation)
    consulter(page, dossier.numero_allocataire)
    expect(page).to_have_url(re.compile("/portail/dossier/paiements/$"))
    expect(page.locator("h1")).to_have_text(acces("T12", "paiements").titre)
    expect(page.locator(".entete-dossier")).to_contain_text(responsable(dossier))
    saisie = page.get_by_label("Veuillez saisir la date de demande d'aide juridictionnelle (format JJMMAAAA)")
    expect(saisie).to_have_value("")
    expect(page.locator("table")).to_have_count(0)
    # "L'année civile qui précède la demande" is checked by default (docs/profils.md, T12).
    expect(page.get_by_label("L'année civile qui précède la demande", exact=True)).to_be_checked()
    verifier_accessibilite(page)

    demande = date_de_demande()
    modes = (
        "L'année civile qui précède la demande",
        "Les 12 mois qui précèdent la demande",
        "Les mois de l'année en cours qui précèdent la demande",
    )
    for mode in modes:
        saisie.fill(demande.strftime("%d%m%Y"))
        page.get_by_label(mode, exact=True).check()
        page.get_by_role("button", name="Valider").click()
        tableau = page.locator("section.tableau")
        expect(tableau.locator("h2")).to_have_text(
            re.compile(rf"^{re.escape(f'{mode} (demande du {demande:%d/%m/%Y})')} : de \S+ \d{{4}} à \S+ \d{{4}}$")
        )
        expect(tableau.locator("thead th")).to_have_text(
            [
                "Mois de paiement",
                "Période concernée",
                "Traitement ou émission du paiement",
                "Montant total payé",
                "Cumul",
            ]
        )
        rangees = tableau.locator("tbody tr")
        assert rangees.count() >= 1, mode
        total = tableau.locator("tfoot td")
        expect(total.first).to_have_text(re.compile(r"^Total( partiel \(\d+ mois sur 12\))?$"))
        # The total is the cumul of the last month.
        assert total.nth(3).inner_text() == rangees.last.locator("td").nth(4).inner_text()
        assert re.fullmatch(r"[\d\u00a0]+,\d\d\u00a0€", total.nth(3).inner_text())
        # The form keeps what was typed.
        expect(saisie).to_have_value(demande.strftime("%d%m%Y"))
        expect(page.get_by_label(mode, exact=True)).to_be_checked()

    # A date that does not exist: the French message, no table.
    saisie.fill("31022026")
    page.get_by_label(modes[0], exact=True).check()
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("alert")).to_have_text(
        "La date de demande doit être une date valide au format JJMMAAAA (par exemple 15032026)."
    )
    expect(page.locator("table")).to_have_count(0)
    expect(saisie).to_have_attribute("aria-invalid", "true")

    # A period wholly before the 24 months of history: refused, saying why; no table, no 0,00 €.
    saisie.fill("15092020")
    page.get_by_label(modes[0], exact=True).check()
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("status")).to_contain_text(
        "La période demandée, de janvier 2019 à décembre 2019, est hors de l'historique de 24 mois"
    )
    expect(page.get_by_role("status")).to_contain_text("aucun montant ne peut être restitué.")
    expect(page.locator("table")).to_have_count(0)
    verifier_accessibilite(page)

    # "Autre recherche" gives the empty form of the same rubrique.
    page.get_by_role("link", name="Autre recherche").click()
    expect(page).to_have_url(re.compile("/portail/dossier/paiements/$"))
    expect(saisie).to_have_value("")
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.get_by_label(modes[0], exact=True)).to_be_checked()
    for mode in modes[1:]:
        expect(page.get_by_label(mode, exact=True)).not_to_be_checked()

    fermer_la_session(page)
