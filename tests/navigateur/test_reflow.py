"""Reflow (RGAA 10.11, WCAG 1.4.10): the portal reads without horizontal scrolling at 320 CSS px
and at 200 % zoom of a 1280 px wide window, in Debian's Chromium.

200 % zoom is emulated by a 640 × 400 CSS px viewport with a device scale factor of 2: browser
zoom divides the layout viewport by the zoom factor (media queries see 640 px) and draws each CSS
pixel with 2 device pixels, which is exactly this. Playwright has no browser zoom of its own, and
the CSS `zoom` property would not change what the media queries see.

On every page: the document is no wider than the window, the banner spans the viewport's width,
and nothing sticks out on the right except inside a data table's region, which scrolls on its own
and is reachable from the keyboard. The Paiements rubrique's month with five prestations is read
one line per prestation, label and amount on the same line, the amounts right-aligned.
"""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conventions.models import Caisse
from demo.dossiers import creer_dossier
from dossiers.models import EtatPaiement, NaturePaiement, Paiement, TypePaiement
from profils.prestations import Prestation
from profils.rubriques import rubriques_du_profil
from tests.factories import MOT_DE_PASSE_PARTENAIRE, ConventionFactory, HabilitationFactory, caisse

pytestmark = pytest.mark.browser

# (name, CSS viewport, device scale factor)
LARGEURS = [
    pytest.param({"width": 320, "height": 640}, 1, id="320px"),
    pytest.param({"width": 640, "height": 400}, 2, id="1280px-zoom-200"),
]

# Five prestations of one payment, long labels first: the month the brief asked to read at a glance.
CINQ_PRESTATIONS = [
    (Prestation.PAJE, NaturePaiement.MENSUEL, Decimal("184.81")),
    (Prestation.AEEH, NaturePaiement.MENSUEL, Decimal("142.70")),
    (Prestation.ASF, NaturePaiement.MENSUEL, Decimal("195.85")),
    (Prestation.ALF, NaturePaiement.MENSUEL, Decimal("1234.56")),
    (Prestation.ARS, NaturePaiement.RAPPEL, Decimal("12.00")),
]


@pytest.fixture
def onglet_a(chromium, live_server):
    """A page of a fresh browser context of the given viewport and device scale factor."""
    contextes = []

    def ouvrir(viewport, echelle):
        contexte = chromium.new_context(
            base_url=live_server.url, locale="fr-FR", viewport=viewport, device_scale_factor=echelle
        )
        contextes.append(contexte)
        return contexte.new_page()

    yield ouvrir
    for contexte in contextes:
        contexte.close()


@pytest.fixture
def agent_et_dossier(base_transactionnelle):
    """A T1 agent (the profile with the most rubriques and the widest tables) and a full dossier,
    with this month's payment of five prestations."""
    habilitation = HabilitationFactory(convention__profil="T1")
    dossier = creer_dossier(caisse("131"), "1310001", graine=1)
    mois = timezone.localdate().replace(day=1)
    jour = timezone.localdate()
    for prestation, nature, montant in CINQ_PRESTATIONS:
        Paiement.objects.create(
            dossier=dossier,
            date_paiement=jour,
            etat=EtatPaiement.TRAITE,
            type=TypePaiement.EXCEPTIONNEL,
            prestation=prestation,
            nature=nature,
            periode=mois,
            montant=montant,
            montant_recupere=Decimal("22.22"),
            destinataire="Union départementale des associations familiales des Bouches-du-Rhône",
        )
    return habilitation, dossier, mois


def se_connecter(page, habilitation):
    page.get_by_label("Identifiant").fill(habilitation.identifiant)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE_PARTENAIRE)
    page.get_by_role("button", name="Valider").click()
    expect(page).to_have_url(re.compile("/portail/$"))


def verifier_sans_defilement_horizontal(page, quoi):
    """No horizontal scrolling of the page, the banner as wide as the viewport, and nothing that
    sticks out on the right but inside a data table's own scrolling region."""
    mesures = page.evaluate(
        """() => {
            const racine = document.documentElement;
            const bandeau = document.querySelector('.bandeau').getBoundingClientRect();
            const largeur = racine.clientWidth;  // the viewport without a vertical scrollbar
            const debordent = Array.from(document.querySelectorAll('body *'))
                .filter(e => !e.closest('.defilement, .evitement, .invisible'))
                .filter(e => e.getBoundingClientRect().right > largeur + 0.5)
                .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''));
            return {
                scrollWidth: racine.scrollWidth, innerWidth: window.innerWidth, clientWidth: largeur,
                bandeauGauche: bandeau.left, bandeauLargeur: bandeau.width, debordent,
            };
        }"""
    )
    assert mesures["scrollWidth"] <= mesures["innerWidth"], (quoi, mesures)
    assert mesures["bandeauGauche"] == 0, (quoi, mesures)
    # The banner spans the viewport, and so the whole page: on the old frame it was as wide as the
    # viewport but the page, pushed by its tables, was 1 083 px wide and more.
    assert mesures["bandeauLargeur"] == mesures["clientWidth"], (quoi, mesures)
    assert mesures["bandeauLargeur"] >= mesures["scrollWidth"], (quoi, mesures)
    assert mesures["debordent"] == [], (quoi, mesures)


def verifier_regions_des_tableaux(page, quoi):
    """Each data table sits in a region of its own that scrolls horizontally, has a name, is
    reachable by the keyboard and is no wider than the page. A payment's two columns of
    prestations and amounts fit any width: no region, and `verifier_sans_defilement_horizontal`
    sees them stay inside the window."""
    regions = page.evaluate(
        """() => Array.from(document.querySelectorAll('#contenu table:not(.paiement__prestations)')).map(t => {
            const r = t.closest('.defilement');
            if (!r) return {sans_region: t.outerHTML.slice(0, 80)};
            return {
                overflowX: getComputedStyle(r).overflowX,
                role: r.getAttribute('role'),
                tabindex: r.getAttribute('tabindex'),
                nom: (r.getAttribute('aria-label') || '').trim(),
                droite: r.getBoundingClientRect().right,
                largeur: document.documentElement.clientWidth,
            };
        })"""
    )
    for region in regions:
        assert "sans_region" not in region, (quoi, region)
        assert region["overflowX"] == "auto", (quoi, region)
        assert (region["role"], region["tabindex"]) == ("region", "0"), (quoi, region)
        assert region["nom"], (quoi, region)
        assert region["droite"] <= region["largeur"] + 0.5, (quoi, region)
    return regions


@pytest.mark.parametrize(("viewport", "echelle"), LARGEURS)
def test_connexion_et_pages_du_portail_sans_defilement_horizontal(onglet_a, agent_et_dossier, viewport, echelle):
    habilitation, dossier, mois = agent_et_dossier
    page = onglet_a(viewport, echelle)
    page.goto("/")
    verifier_sans_defilement_horizontal(page, "connexion")
    se_connecter(page, habilitation)
    verifier_sans_defilement_horizontal(page, "page principale")
    # Below 48em the menu goes above the page, not beside it.
    menu = page.locator("nav.menu").bounding_box()
    contenu = page.locator("#contenu").bounding_box()
    assert menu["y"] + menu["height"] <= contenu["y"], (menu, contenu)

    page.locator("#menu-numero_allocataire").fill(dossier.numero_allocataire)
    page.get_by_role("button", name="Consulter").click()
    expect(page).to_have_url(re.compile("/portail/dossier/paiements/$"))
    tables = 0
    for rubrique in rubriques_du_profil("T1"):
        page.goto(f"/portail/dossier/{rubrique.code}/")
        expect(page.locator("h1")).to_be_visible()
        verifier_sans_defilement_horizontal(page, rubrique.code)
        tables += len(verifier_regions_des_tableaux(page, rubrique.code))
        # The tabs wrap: every one of them is inside the page.
        droites = page.locator("nav.onglets a").evaluate_all("os => os.map(o => o.getBoundingClientRect().right)")
        assert max(droites) <= page.evaluate("document.documentElement.clientWidth"), rubrique.code
    assert tables >= 3, "the full dossier has wide tables (Famille, Ressources…)"


@pytest.mark.parametrize(("viewport", "echelle"), LARGEURS)
def test_un_tableau_large_defile_dans_sa_region_au_clavier(onglet_a, agent_et_dossier, viewport, echelle):
    habilitation, dossier, _ = agent_et_dossier
    page = onglet_a(viewport, echelle)
    page.goto("/")
    se_connecter(page, habilitation)
    page.locator("#menu-numero_allocataire").fill(dossier.numero_allocataire)
    page.get_by_role("button", name="Consulter").click()
    page.goto("/portail/dossier/famille/")
    region = page.locator(".defilement").filter(has=page.locator("table")).first
    assert region.evaluate("r => r.scrollWidth > r.clientWidth"), "the Famille table is wider than 320 px"
    region.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("End")
    expect(region).to_be_focused()
    # The keys scroll smoothly: wait for the region to have moved.
    page.wait_for_function("r => r.scrollLeft > 0", arg=region.element_handle(), timeout=3000)
    verifier_sans_defilement_horizontal(page, "famille défilée")


@pytest.mark.parametrize(
    ("viewport", "echelle"), [*LARGEURS, pytest.param({"width": 1280, "height": 800}, 1, id="1280px")]
)
def test_paiements_un_mois_de_cinq_prestations_se_lit_d_un_coup_d_oeil(onglet_a, agent_et_dossier, viewport, echelle):
    habilitation, dossier, mois = agent_et_dossier
    page = onglet_a(viewport, echelle)
    page.goto("/")
    se_connecter(page, habilitation)
    page.locator("#menu-numero_allocataire").fill(dossier.numero_allocataire)
    page.get_by_role("button", name="Consulter").click()
    page.goto(f"/portail/dossier/paiements/?mois={mois:%Y-%m}")
    verifier_sans_defilement_horizontal(page, "paiements")

    paiement = page.locator(".paiement").filter(has_text="Union départementale des associations familiales")
    expect(paiement).to_have_count(1)
    # The seed's labels (01-…, Rubrique Paiements; profils/rubriques.py).
    expect(paiement.locator("caption")).to_have_text("Nature et montants des prestations")
    for libelle in (
        "Période concernée",
        "Type de paiement",
        "État du paiement",
        "Date de traitement ou d'émission du paiement",
        "Destinataire",
        "Montant total payé",
        "Montant de la récupération",
    ):
        expect(paiement.get_by_text(libelle, exact=True)).to_have_count(1)

    lignes = paiement.locator("tbody tr")
    expect(lignes).to_have_count(5)
    expect(lignes.locator("th")).to_have_text(
        [
            "Prestation d'accueil du jeune enfant — allocation de base",
            "Allocation d'éducation de l'enfant handicapé",
            "Allocation de soutien familial",
            "Allocation de logement familiale",
            "Allocation de rentrée scolaire (rappel)",
        ]
    )
    expect(lignes.locator("td")).to_have_text(["184,81 €", "142,70 €", "195,85 €", "1 234,56 €", "12,00 €"])
    boites = lignes.evaluate_all(
        """rs => rs.map(r => {
            const [libelle, montant] = [r.querySelector('th'), r.querySelector('td')];
            const l = libelle.getBoundingClientRect(), m = montant.getBoundingClientRect();
            const hauteurDeLigne = parseFloat(getComputedStyle(montant).lineHeight);
            // The text's own box, not the cell's: the amount's glyphs sit on one line.
            const texte = document.createRange(); texte.selectNodeContents(montant);
            const t = texte.getBoundingClientRect();
            return {
                libelleHaut: l.top, libelleDroite: l.right, montantHaut: m.top, montantGauche: m.left,
                texteDroite: t.right, texteHauteur: t.height, hauteurDeLigne,
                alignement: getComputedStyle(montant).textAlign,
                chiffres: getComputedStyle(montant).fontVariantNumeric,
            };
        })"""
    )
    for boite in boites:
        # Label and amount on the same line: the amount's cell starts on the label's row and to its right.
        assert boite["montantHaut"] == boite["libelleHaut"], boite
        assert boite["montantGauche"] >= boite["libelleDroite"] - 0.5, boite
        # The amount never wraps (white-space: nowrap): one line of text.
        assert boite["texteHauteur"] <= boite["hauteurDeLigne"] + 1, boite
        assert boite["alignement"] == "right", boite
        assert "tabular-nums" in boite["chiffres"], boite
    # Right-aligned: the amounts end at the same x, the total's too.
    droites = {round(b["texteDroite"], 1) for b in boites}
    assert len(droites) == 1, boites
    total = paiement.locator("tfoot tr").filter(has_text="Montant total payé").locator("td")
    expect(total).to_have_text("1 769,92 €")
    droite_du_texte = """t => {
        const r = document.createRange(); r.selectNodeContents(t); return r.getBoundingClientRect().right;
    }"""
    assert round(total.evaluate(droite_du_texte), 1) in droites
    # A glance: the payment's five lines fit in the window's height at the widest layout.
    if viewport["width"] >= 1280:
        tableau = paiement.locator("table").bounding_box()
        assert tableau["height"] <= viewport["height"] / 2, tableau


def test_les_liens_vers_caf_fr_ouvrent_une_nouvelle_fenetre(onglet_a, agent_et_dossier):
    """The menu's three choices of www.caf.fr, "Infos" and the logo keep the dossier in view."""
    habilitation, _, _ = agent_et_dossier
    page = onglet_a({"width": 1280, "height": 800}, 1)
    page.goto("/")
    se_connecter(page, habilitation)
    for nom in (
        "Les formulaires (nouvelle fenêtre)",
        "Toutes les prestations (nouvelle fenêtre)",
        "Simulation logement (nouvelle fenêtre)",
        "Infos pratiques sur caf.fr (nouvelle fenêtre)",
        "caf.fr, page d'accueil (nouvelle fenêtre)",
    ):
        lien = page.get_by_role("link", name=nom, exact=True)
        expect(lien).to_have_attribute("target", "_blank")
        expect(lien).to_have_attribute("rel", "noopener noreferrer")
        assert lien.get_attribute("href").startswith("https://www.caf.fr/"), nom
    # No font nor script from elsewhere: every stylesheet, script and font is the portal's own.
    externes = page.evaluate(
        """() => performance.getEntriesByType('resource').map(r => r.name)
                  .filter(n => !n.startsWith(location.origin))"""
    )
    assert externes == []


@pytest.mark.parametrize(("viewport", "echelle"), LARGEURS)
def test_pages_publiques_mot_de_passe_et_dialogue_sans_defilement_horizontal(
    onglet_a, agent_et_dossier, viewport, echelle
):
    habilitation, _, _ = agent_et_dossier
    Caisse.objects.filter(numero="131").update(dialogue_ouvert=True)
    page = onglet_a(viewport, echelle)
    for adresse in ("/a-qui-s-adresse-cafpro/", "/securite/", "/session-expiree/", "/"):
        page.goto(adresse)
        verifier_sans_defilement_horizontal(page, adresse)
    se_connecter(page, habilitation)
    for adresse in ("/mot-de-passe/", "/portail/dialogue/"):
        page.goto(adresse)
        expect(page.locator("h1")).to_be_visible()
        verifier_sans_defilement_horizontal(page, adresse)


@pytest.mark.parametrize(("viewport", "echelle"), LARGEURS)
def test_menu_multi_caf_et_tableau_du_t12_sans_defilement_horizontal(
    onglet_a, base_transactionnelle, viewport, echelle
):
    """The fullest menu (code postal, CMAF box) above the page, and T12's month-by-month table
    with its cumul (02-…, annexe 3) in its own region."""
    multi = HabilitationFactory(convention=ConventionFactory(profil="T1", multi_caf=True, caisses_multi=["131", "831"]))
    greffier = HabilitationFactory(greffier=True, convention__profil="T12")
    dossier = creer_dossier(caisse("131"), "1310012", graine=6)
    page = onglet_a(viewport, echelle)
    page.goto("/")
    se_connecter(page, multi)
    expect(page.locator("#menu-cmaf")).to_be_visible()
    verifier_sans_defilement_horizontal(page, "menu multi-Caf")
    menu = page.locator("nav.menu").bounding_box()
    assert menu["y"] + menu["height"] <= page.locator("#contenu").bounding_box()["y"]
    page.get_by_role("button", name="» Fermer la session").click()

    page.goto("/")
    se_connecter(page, greffier)
    page.locator("#menu-numero_allocataire").fill(dossier.numero_allocataire)
    page.get_by_role("button", name="Consulter").click()
    jour = timezone.localdate()
    demande = date(jour.year if jour.month > 6 else jour.year - 1, 6, 15)
    page.goto(f"/portail/dossier/paiements/?date_demande={demande:%d%m%Y}&mode=douze_mois")
    expect(page.locator("table")).to_have_count(1)
    verifier_sans_defilement_horizontal(page, "T12")
    assert len(verifier_regions_des_tableaux(page, "T12")) == 1
