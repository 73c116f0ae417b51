"""Rendering from the stored blocks only: the HTML page, the PDF (same bytes every time)."""

import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from documents.rendu import pdf, winansi
from tests.outils import texte

ACCENTS = ["é", "è", "à", "ç", "œ", "«", "»"]


def texte_pdf(contenu: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(contenu)).pages)


def attendus():
    return [
        "Caf des Bouches-du-Rhône",
        "13300 Salon-de-Provence",
        "Objet :",
        "Ouverture des droits à Cafpro",
        "Demande d'accès au service Cafpro",
        "Identité de l'utilisateur",
        "Première ligne élève, çà et là.",
        "cœur « guillemets »",
        "Texte en gras <b>non interprété</b> & co",
        "Réception de la convention",
        "Hélène",
        "Fonction",
        "Contrat :",
        "CDD",
        "Marseille, le 3 mai 2026",
        "L'employeur",
        "(Précédée de la mention « lu et approuvé »)",
        "strictement confidentielles",
    ]


def test_la_page_html_montre_chaque_bloc(admin_131, document_131):
    reponse = admin_131.get(f"/gestion/documents/{document_131.public_id}/")
    assert reponse.status_code == 200
    assert "no-store" in reponse["Cache-Control"]
    page = texte(reponse)
    for attendu in attendus():
        assert attendu in page, attendu
    assert "☐ CDD" in page and "☒ CDI" in page
    # The text is escaped, never interpreted as markup.
    assert "&lt;b&gt;non interprété&lt;/b&gt; &amp; co" in reponse.content.decode()
    assert 'class="doc-a-remplir"' in page
    assert f'href="/gestion/documents/{document_131.public_id}/pdf/"' in page
    assert "Imprimer" in page
    # The CSP: no inline style or script.
    assert "style=" not in page and "<script>" not in page and "<style" not in page


def test_le_pdf_montre_chaque_bloc(admin_131, document_131):
    reponse = admin_131.get(f"/gestion/documents/{document_131.public_id}/pdf/")
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"
    date = timezone.localtime(document_131.emis_le).strftime("%Y-%m-%d")
    assert reponse["Content-Disposition"] == f'inline; filename="demande_acces-{date}.pdf"'
    contenu = texte_pdf(reponse.content)
    for attendu in attendus():
        assert attendu in contenu, attendu
    for accent in ACCENTS:
        assert accent in contenu
    # The page break block: the signatures are on page 2.
    lecteur = PdfReader(io.BytesIO(reponse.content))
    assert len(lecteur.pages) == 2
    assert "L'utilisateur" in lecteur.pages[1].extract_text()
    assert lecteur.metadata.title == "Demande d'accès — Hélène MARTIN"


def test_le_pdf_est_identique_d_un_rendu_a_l_autre(document_131):
    from documents.models import DocumentEmis

    premier = pdf(document_131)
    assert pdf(DocumentEmis.objects.get(pk=document_131.pk)) == premier


@pytest.mark.parametrize(
    "brut, attendu",
    [("☐ CDD ☑ CDI", "[ ] CDD [X] CDI"), ("œ « € » ’", "œ « € » ’"), ("n°\u202f12", "n°\u00a012"), ("ﬁn", "fin")],
)
def test_les_caracteres_hors_winansi_sont_remplaces(brut, attendu):
    assert winansi(brut) == attendu


def test_des_cases_trop_longues_pour_une_ligne_passent_en_texte(db):
    from documents.emission import emettre

    options = [f"Option numéro {i} assez longue" for i in range(6)]
    document = emettre(
        "demande_acces",
        "Cases",
        [{"type": "cases", "libelle": "Choix", "options": options, "cochee": options[2]}],
        caisse="131",
        acteur="gestion.test131",
    )
    contenu = texte_pdf(pdf(document))
    assert "[X] Option numéro 2" in contenu and "[ ] Option numéro 5" in contenu


def test_un_saut_de_page_en_fin_ne_laisse_pas_de_page_blanche(db):
    from documents.emission import emettre

    document = emettre(
        "lettre_envoi",
        "Sauts",
        [{"type": "saut_de_page"}, {"type": "titre", "texte": "Seule page"}, {"type": "saut_de_page"}],
        caisse="131",
        acteur="gestion.test131",
    )
    assert len(PdfReader(io.BytesIO(pdf(document))).pages) == 1
