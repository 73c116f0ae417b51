"""The responsable habilitations' path in a real browser (issue 16): he logs in with his
password and TOTP code, files a « demande d'accès au service Cafpro » for a new agent (04-…
forms: Nom/Prénom du demandeur, Adresse professionnelle, Tél., E-mail, Fonction, Contrat), the
Caf's gestionnaire validates it in the admin, and the responsable sees it validated and the
agent among his, his access open."""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from habilitations.models import EtatHabilitation, Habilitation
from responsables.models import Demande, EtatDemande
from tests.factories import MOT_DE_PASSE_STAFF, ConventionFactory, StaffFactory, caisse
from tests.navigateur.test_journal import code
from tests.responsables.conftest import MOT_DE_PASSE_RESPONSABLE, creer_responsable

pytestmark = pytest.mark.browser


@pytest.fixture
def monde(base_transactionnelle):
    convention = ConventionFactory(caisse=caisse("131"), numero="78/2016/XXAS – T2", profil="T2")
    responsable = creer_responsable(convention, nom="ROUX", prenom="Claire")
    gestionnaire = StaffFactory(username="gestion.esp131", caisse=caisse("131"))
    return {
        "convention": convention,
        "responsable": responsable,
        "appareil_responsable": TOTPDevice.objects.create(user=responsable.user, name="téléphone", confirmed=True),
        "gestionnaire": gestionnaire,
        "appareil_gestionnaire": TOTPDevice.objects.create(user=gestionnaire, name="téléphone", confirmed=True),
    }


def test_de_la_demande_d_acces_a_sa_validation(page, chromium, live_server, monde):
    responsable = monde["responsable"]

    # His own login: identifiant and password, then the code of his application.
    page.goto("/espace/connexion/")
    page.get_by_label("Identifiant").fill(responsable.identifiant)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE_RESPONSABLE)
    page.get_by_role("button", name="Valider").click()
    expect(page).to_have_url(re.compile("/espace/second-facteur/"))
    page.get_by_label("Code à 6 chiffres").fill(code(monde["appareil_responsable"]))
    page.get_by_role("button", name="Vérifier").click()
    expect(page.get_by_role("heading", name="Mes agents")).to_be_visible()

    # The demande d'accès, online: the seed form's fields; the profile is the convention's.
    page.get_by_role("link", name="Demande d'accès").first.click()
    expect(page.get_by_role("heading", name="Demande d'accès au service Cafpro")).to_be_visible()
    expect(page.get_by_label("Profil")).to_have_count(0)
    page.get_by_label("Nom du demandeur (obligatoire)", exact=True).fill("GARNIER")
    page.get_by_label("Prénom du demandeur (obligatoire)", exact=True).fill("Léa")
    page.get_by_label("Adresse professionnelle (obligatoire)", exact=True).fill(
        "Hôtel de Ville\n78100 Saint-Germain-en-Laye"
    )
    page.get_by_label("Tél. professionnel (obligatoire)", exact=True).fill("01 30 00 00 00")
    page.get_by_label("E-mail professionnel (obligatoire)", exact=True).fill("lea.garnier@ville.invalid")
    page.get_by_label("Fonction (obligatoire)", exact=True).fill("Assistante sociale")
    page.get_by_label("Contrat : CDD ou CDI (obligatoire)", exact=True).select_option("CDI")
    page.get_by_role("button", name="Transmettre la demande à la Caf").click()
    expect(page.get_by_role("status")).to_contain_text("transmise à la Caf")
    ligne = page.get_by_role("row", name=re.compile("GARNIER"))
    expect(ligne).to_contain_text("en attente")

    # The Caf's gestionnaire validates it in the admin, in his own browser.
    contexte = chromium.new_context(base_url=live_server.url, locale="fr-FR")
    gestion = contexte.new_page()
    gestion.goto("/gestion/login/?next=/gestion/")
    gestion.locator("#id_username").fill(monde["gestionnaire"].username)
    gestion.locator("#id_password").fill(MOT_DE_PASSE_STAFF)
    gestion.locator("input[type=submit]").click()
    gestion.locator("#id_jeton").fill(code(monde["appareil_gestionnaire"]))
    gestion.get_by_role("button", name="Vérifier").click()
    gestion.goto("/gestion/responsables/demande/")
    demande = Demande.objects.get()
    gestion.locator(f'input[name="_selected_action"][value="{demande.pk}"]').check()
    gestion.locator('select[name="action"]').select_option("valider")
    gestion.locator('button[name="index"]').click()
    gestion.get_by_label(re.compile("Je confirme")).check()
    gestion.locator("input[name=appliquer]").click()
    # The letter of ouverture des droits and the password sheet, as for any opening.
    expect(gestion).to_have_url(re.compile("/gestion/documents/lot/"))
    contexte.close()

    # The responsable sees the outcome, and the agent among his, his access open.
    page.goto("/espace/demandes/")
    expect(page.get_by_role("row", name=re.compile("GARNIER"))).to_contain_text("validée")
    page.get_by_role("link", name="Mes agents").click()
    agent = page.get_by_role("row", name=re.compile("GARNIER Léa"))
    expect(agent).to_contain_text("active")
    expect(agent).to_contain_text("jamais")

    habilitation = Habilitation.objects.get(nom="GARNIER")
    assert habilitation.etat == EtatHabilitation.ACTIVE and habilitation.convention == monde["convention"]
    assert Demande.objects.get().etat == EtatDemande.VALIDEE
