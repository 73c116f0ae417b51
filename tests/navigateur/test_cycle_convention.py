"""A convention's whole life in a real browser, as a Caf gestionnaire lives it: the partner and
its responsable habilitations, the convention signed, its documents (page and PDF), an agent's
demande d'accès and the opening of his rights (the password shown once), then the résiliation
that closes every access under it.

Sources: `02-…` I.1–I.3 and annexe 3, `03-…` art. 4–5, `04-…` forms.
"""

import re

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from conventions.models import Convention, EtatConvention, Partenaire
from documents.models import DocumentEmis, Nature
from habilitations.models import EtatHabilitation, Habilitation
from tests.factories import MOT_DE_PASSE_STAFF, StaffFactory, caisse
from tests.navigateur.test_journal import code

pytestmark = pytest.mark.browser


@pytest.fixture
def gestionnaire(base_transactionnelle):
    compte = StaffFactory(username="gestion.nav131", caisse=caisse("131"))
    return compte, TOTPDevice.objects.create(user=compte, name="téléphone", confirmed=True)


def se_connecter(page, compte, appareil):
    page.goto("/gestion/login/?next=/gestion/")
    page.locator("#id_username").fill(compte.username)
    page.locator("#id_password").fill(MOT_DE_PASSE_STAFF)
    page.locator("input[type=submit]").click()
    expect(page).to_have_url(re.compile("/gestion/verification/"))
    page.locator("#id_jeton").fill(code(appareil))
    page.get_by_role("button", name="Vérifier").click()
    expect(page.locator("#a-faire")).to_be_visible()


def action_sur(page, liste: str, pk: int, action: str):
    page.goto(liste)
    page.locator(f'input[name="_selected_action"][value="{pk}"]').check()
    page.locator('select[name="action"]').select_option(action)
    page.locator('button[name="index"]').click()


def test_de_la_creation_a_la_resiliation(page, gestionnaire):
    compte, appareil = gestionnaire
    aujourd_hui = timezone.localdate()
    jour = aujourd_hui.strftime("%d/%m/%Y")
    se_connecter(page, compte, appareil)

    # The partner (03-…'s header) with its first responsable habilitations (04-… form).
    page.goto("/gestion/conventions/partenaire/add/")
    page.locator("#id_raison_sociale").fill("Mairie d'Essey-lès-Nancy")
    page.locator("#id_categorie").select_option("commune")
    page.locator("#id_siret").fill("215 401 845 000 15")
    page.locator("#id_adresse").fill("Place de la République")
    page.locator("#id_code_postal").fill("54270")
    page.locator("#id_ville").fill("Essey-lès-Nancy")
    page.locator("#id_representant_nom").fill("Michel BREUILLE")
    page.locator("#id_representant_qualite").fill("Maire")
    page.locator("#id_designations-0-prenom").fill("Claire")
    page.locator("#id_designations-0-nom").fill("THOMAS")
    page.locator("#id_designations-0-telephone").fill("03 83 00 00 00")
    page.locator('input[name="_save"]').click()
    expect(page.locator(".messagelist")).to_contain_text("Mairie d'Essey-lès-Nancy")
    partenaire = Partenaire.objects.get()
    assert str(partenaire.responsable) == "Claire THOMAS"

    # The convention, first without the partner's signature: no access yet.
    page.goto("/gestion/conventions/convention/add/")
    page.locator("#id_numero").fill("2017 / 006 / T2")
    page.locator("#id_partenaire").select_option(str(partenaire.pk))
    page.locator("#id_profil").select_option("T2")
    page.locator("#id_signataire_caf").fill("Juliette NOEL, Directrice")
    page.locator("#id_date_signature_caf").fill(jour)
    page.locator("#id_date_effet").fill(jour)
    page.locator('input[name="_continue"]').click()
    expect(page.locator(".field-etat_affiche")).to_contain_text("non signée")
    convention = Convention.objects.get()

    # The partner signs: in force.
    page.locator("#id_signataire_partenaire").fill("Michel BREUILLE, Maire")
    page.locator("#id_date_signature_partenaire").fill(jour)
    page.locator('input[name="_continue"]').click()
    expect(page.locator(".field-etat_affiche")).to_contain_text("en vigueur")

    # Its documents: the package the Caf sends, as pages and PDF.
    action_sur(page, "/gestion/conventions/convention/", convention.pk, "editer_convention")
    expect(page).to_have_url(re.compile(r"/gestion/documents/lot/"))
    expect(page.locator("main")).to_contain_text("Convention de service « Cafpro »")
    expect(page.locator("main")).to_contain_text("Partage des données dans le domaine social")
    document = DocumentEmis.objects.get(nature=Nature.CONVENTION)
    pdf = page.request.get(f"/gestion/documents/{document.public_id}/pdf/")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")

    # An agent's demande d'accès, then the opening of his rights: the letter and, once, the password.
    page.goto("/gestion/habilitations/habilitation/add/")
    page.locator("#id_convention").select_option(str(convention.pk))
    page.locator("#id_nom").fill("DURAND")
    page.locator("#id_prenom").fill("Léa")
    page.locator("#id_fonction").fill("Agent d'accueil")
    page.locator("#id_adresse_professionnelle").fill("Place de la République\n54270 Essey-lès-Nancy")
    page.locator("#id_telephone").fill("03 83 11 22 33")
    page.locator("#id_email").fill("lea.durand@essey.invalid")
    page.locator("#id_contrat").select_option("CDI")
    page.locator('input[name="_save"]').click()
    expect(page.locator(".messagelist")).to_contain_text("Identifiant attribué")
    habilitation = Habilitation.objects.get()

    action_sur(page, "/gestion/habilitations/habilitation/", habilitation.pk, "ouvrir_droits")
    expect(page.locator("main")).to_contain_text("Ouverture des droits de consultation")
    expect(page.locator("main")).to_contain_text(habilitation.identifiant)
    expect(page.locator("main")).to_contain_text("Mot de passe")
    page.reload()
    expect(page.locator("main")).to_contain_text("Ouverture des droits de consultation")
    expect(page.locator("body")).to_contain_text("ne sont pas conservés")
    expect(page.locator("main")).not_to_contain_text("Votre mot de passe personnel")
    habilitation.refresh_from_db()
    assert habilitation.etat == EtatHabilitation.ACTIVE

    # The résiliation for breach: final, and every access under the convention is closed.
    page.goto(f"/gestion/conventions/convention/{convention.pk}/change/")
    page.locator("#id_date_resiliation").fill(jour)
    page.locator("#id_motif_resiliation").fill("Divulgation de données à un tiers")
    page.locator('input[name="_continue"]').click()
    expect(page.locator(".field-etat_affiche")).to_contain_text("terminée")
    expect(page.locator("#id_date_resiliation")).to_have_count(0)
    convention.refresh_from_db()
    assert convention.etat() == EtatConvention.TERMINEE

    page.goto("/gestion/habilitations/habilitation/?etat=fermee")
    expect(page.locator("#result_list")).to_contain_text("DURAND")
    expect(page.locator("#result_list")).to_contain_text("fermée (convention terminée)")
