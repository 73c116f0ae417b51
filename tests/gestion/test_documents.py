"""The seeds' documents, issued from the admin pages, as a printable page and a PDF, and kept.

Sources: `02-…` annexe 3 (convention model, demande d'accès, letter "Ouverture des droits de
consultation", demande de suppression, T12 profile annex), `04-…` (envoi letter, T2 profile
annex, "Partage des données dans le domaine social" for T1–T3, désignation d'un responsable
habilitations), `01-…` art. 4 and forms.
"""

import io
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from documents.models import DocumentEmis, Nature
from habilitations.models import EtatHabilitation
from tests.conftest import connecter_au_admin
from tests.factories import ConventionFactory, HabilitationFactory, StaffFactory, caisse
from tests.habilitations.test_admin_habilitations import LIST_URL, action
from tests.outils import page_du_lot, texte

CONVENTIONS = "/gestion/conventions/convention/"
PARTENAIRES = "/gestion/conventions/partenaire/"


def texte_pdf(client, document) -> str:
    reponse = client.get(f"/gestion/documents/{document.public_id}/pdf/")
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"
    lecteur = PdfReader(io.BytesIO(reponse.content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in lecteur.pages)


def sans_blancs(texte_: str) -> str:
    return " ".join(texte_.split())


@pytest.mark.parametrize("profil", ["T2", "T13"])
def test_le_dossier_de_convention_complet(admin_131, caf_131, profil):
    convention = ConventionFactory(caisse=caf_131, profil=profil, numero="2017 / 006 / T2")
    reponse = admin_131.post(CONVENTIONS, {"action": "editer_convention", "_selected_action": [convention.pk]})
    page = sans_blancs(page_du_lot(admin_131, reponse))

    natures = list(DocumentEmis.objects.order_by("pk").values_list("nature", flat=True))
    assert natures == [
        Nature.LETTRE_ENVOI,
        Nature.CONVENTION,
        Nature.DEMANDE_ACCES,
        Nature.DESIGNATION_RESPONSABLE,
    ]
    assert "Convention de service « Cafpro »" in page
    assert "2017 / 006 / T2" in page
    assert f"PROFIL {profil}" in page.upper()
    assert "Demande d'accès au service Cafpro" in page
    assert "226-13" in page
    assert "désignation d'un responsable habilitations" in page.lower()
    # The T1–T3 annex on shared data, only for those profiles (04-…).
    assert ("Partage des données dans le domaine social" in page) == (profil == "T2")

    convention_pdf = texte_pdf(admin_131, DocumentEmis.objects.get(nature=Nature.CONVENTION))
    assert "2017 / 006 / T2" in convention_pdf
    assert caf_131.nom in convention_pdf
    assert "tacite reconduction" in convention_pdf

    # What was sent stays listed on the convention's page, page and PDF.
    fiche = texte(admin_131.get(f"{CONVENTIONS}{convention.pk}/change/"))
    for document in DocumentEmis.objects.all():
        assert f"/gestion/documents/{document.public_id}/pdf/" in fiche


def test_la_lettre_d_ouverture_reste_disponible_sans_le_mot_de_passe(admin_131, caf_131):
    habilitation = HabilitationFactory(convention__caisse=caf_131, etat=EtatHabilitation.DEMANDEE)
    page = page_du_lot(admin_131, action(admin_131, "ouvrir_droits", habilitation))
    mot_de_passe = re.search(r"Mot de passe</th><td>([^<]+)<", page).group(1)
    lettre = DocumentEmis.objects.get(nature=Nature.LETTRE_OUVERTURE)

    plus_tard = texte(admin_131.get(f"/gestion/documents/{lettre.public_id}/"))
    pdf = texte_pdf(admin_131, lettre)
    for rendu in (plus_tard, pdf):
        assert "Ouverture des droits de consultation" in rendu
        assert habilitation.identifiant in rendu
        assert mot_de_passe not in rendu
    assert "feuille séparée" in sans_blancs(pdf)
    # Generated again identically from what was stored.
    assert admin_131.get(f"/gestion/documents/{lettre.public_id}/pdf/").content == (
        admin_131.get(f"/gestion/documents/{lettre.public_id}/pdf/").content
    )
    fiche = texte(admin_131.get(f"{LIST_URL}{habilitation.pk}/change/"))
    assert "lettre d'ouverture des droits" in fiche


def test_formulaires_pre_remplis_d_une_habilitation(admin_131, caf_131):
    habilitation = HabilitationFactory(convention__caisse=caf_131, nom="DURAND", prenom="Léa")
    page = page_du_lot(admin_131, action(admin_131, "editer_demande_acces", habilitation))
    assert "DURAND" in page and "Léa" in page and "lu et approuvé" in page

    habilitation.date_suppression = timezone.localdate() + timedelta(days=5)
    habilitation.save()
    page = page_du_lot(admin_131, action(admin_131, "editer_demande_suppression", habilitation))
    assert "Demande de suppression d'accès" in page
    assert f"{habilitation.date_suppression:%d}" in page


def test_le_formulaire_de_designation(admin_131, caf_131):
    convention = ConventionFactory(caisse=caf_131)
    partenaire = convention.partenaire
    reponse = admin_131.post(PARTENAIRES, {"action": "editer_designation", "_selected_action": [partenaire.pk]})
    page = sans_blancs(page_du_lot(admin_131, reponse))
    assert "le changement de responsable habilitations doit faire l'objet d'une nouvelle désignation" in page
    assert partenaire.raison_sociale in page
    document = DocumentEmis.objects.get()
    assert document.partenaire_id == partenaire.pk


def test_les_documents_d_une_autre_caf_restent_invisibles(admin_131, caf_131):
    convention = ConventionFactory(caisse=caf_131)
    admin_131.post(CONVENTIONS, {"action": "editer_convention", "_selected_action": [convention.pk]})
    document = DocumentEmis.objects.first()
    # The admin_161 fixture would share admin_131's client: the other gestionnaire gets his own.
    autre = connecter_au_admin(Client(), StaffFactory(username="gestion.autre161", caisse=caisse("161")))
    assert autre.get(f"/gestion/documents/{document.public_id}/").status_code == 404
    assert autre.get(f"/gestion/documents/{document.public_id}/pdf/").status_code == 404
