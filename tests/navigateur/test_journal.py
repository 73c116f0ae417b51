"""The journal des accès in a real browser: a Responsable Sécurité signs in through the staff
login and his TOTP code, filters the journal, pages forward, and downloads the CSV export."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from habilitations.models import Role
from journal.models import Evenement, Resultat, TypeEvenement
from tests.factories import (
    MOT_DE_PASSE_STAFF,
    ConsultationFactory,
    ConventionFactory,
    HabilitationFactory,
    StaffFactory,
    caisse,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def donnees(base_transactionnelle):
    officier = StaffFactory(username="securite.nav131", caisse=caisse("131"), role=Role.SECURITE)
    appareil = TOTPDevice.objects.create(user=officier, name="téléphone", confirmed=True)
    habilitation = HabilitationFactory(nom="SUIVIE", convention=ConventionFactory(profil="T13"))
    autre = HabilitationFactory(nom="AUTRE")
    debut = timezone.now() - timedelta(days=3)
    for i in range(60):
        ConsultationFactory(
            habilitation=habilitation,
            numero_allocataire=f"{i:07d}",
            rubrique="=Prestations" if i == 0 else "Prestations",
            horodatage=debut + timedelta(minutes=i // 2),
        )
        Evenement.objects.create(
            type=TypeEvenement.CONNEXION,
            resultat=Resultat.SUCCES,
            identifiant=autre.identifiant,
            habilitation_id=autre.pk,
            caisse="131",
            horodatage=debut + timedelta(minutes=i),
        )
    return officier, appareil, habilitation


def code(appareil):
    return f"{totp(appareil.bin_key, step=appareil.step, t0=appareil.t0, digits=6):06d}"


def se_connecter(page, officier, appareil):
    page.goto("/gestion/login/?next=/gestion/controle/journal/")
    page.locator("#id_username").fill(officier.username)
    page.locator("#id_password").fill(MOT_DE_PASSE_STAFF)
    page.locator("input[type=submit]").click()
    expect(page).to_have_url(re.compile("/gestion/verification/"))
    page.locator("#id_jeton").fill(code(appareil))
    page.get_by_role("button", name="Vérifier").click()


def test_filtres_pagination_et_export(page, donnees):
    officier, appareil, habilitation = donnees
    se_connecter(page, officier, appareil)
    page.goto("/gestion/controle/journal/")
    expect(page.locator("h1, #content h1").first).to_be_visible()
    expect(page.locator("tr.evenement").first).to_be_visible()

    page.get_by_label("Événement").select_option(label="consultation")
    page.get_by_label("Identifiant").fill(habilitation.identifiant)
    page.get_by_role("button", name="Rechercher").click()
    expect(page).to_have_url(re.compile(r"genre=consultation"))
    lignes = page.locator("tr.evenement")
    expect(lignes).to_have_count(50)
    premiere_page = lignes.evaluate_all("rs => rs.map(r => r.dataset.id)")
    expect(lignes.first).to_contain_text("0000059")

    page.get_by_role("link", name="Suivant").click()
    expect(lignes).to_have_count(10)
    seconde_page = lignes.evaluate_all("rs => rs.map(r => r.dataset.id)")
    expect(lignes.last).to_contain_text("0000000")
    assert not set(premiere_page) & set(seconde_page)
    expect(page.get_by_role("link", name="Suivant")).to_have_count(0)

    with page.expect_download() as telechargement:
        page.get_by_role("link", name="Exporter la recherche (CSV)").click()
    fichier = telechargement.value
    assert re.match(r"journal-131-\d{8}-\d{4}\.csv", fichier.suggested_filename)
    brut = open(fichier.path(), "rb").read()
    assert brut.startswith(b"\xef\xbb\xbf")
    rangs = list(csv.reader(io.StringIO(brut.decode("utf-8-sig")), delimiter=";"))
    assert rangs[0][:4] == ["Horodatage", "Événement", "Résultat", "Identifiant"]
    assert len(rangs) == 61
    assert [r[12] for r in rangs[1:]] == [f"{i:07d}" for i in range(59, -1, -1)]
    assert rangs[-1][13] == "'=Prestations"
    assert {r[1] for r in rangs[1:]} == {"consultation"}

    motifs = list(
        Evenement.objects.filter(type=TypeEvenement.CONTROLE, identifiant=officier.username)
        .order_by("id")
        .values_list("motif", flat=True)
    )
    assert motifs[-1] == "export" and motifs.count("recherche") >= 3


def test_la_chronologie_depuis_les_resultats(page, donnees):
    officier, appareil, habilitation = donnees
    se_connecter(page, officier, appareil)
    page.goto(f"/gestion/controle/journal/?identifiant={habilitation.identifiant}")
    page.get_by_role("link", name=f"SUIVIE {habilitation.prenom}").first.click()
    expect(page.locator("#content")).to_contain_text(f"Habilitation {habilitation.identifiant}")
    expect(page.locator("tr.evenement")).to_have_count(60)
    page.emulate_media(media="print")
    expect(page.locator("#header")).to_be_hidden()
