"""The pages of issued documents (staff area, /gestion/documents/): one document as HTML or
PDF, and every document of a lot with its one-time confidential pages."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import rendu
from .emission import retirer_pieces
from .models import Nature
from .perms import documents_visibles, gestionnaire_requis, introuvable

# Letters that go with a password sheet: when the sheet is gone, the lot page says so.
NATURES_AVEC_MOT_DE_PASSE = {Nature.LETTRE_OUVERTURE, Nature.LETTRE_MOT_DE_PASSE}

BANDEAUX = {
    "affichees": "Imprimez maintenant : les mots de passe ne sont affichés qu'une fois et ne sont pas conservés.",
    "deja_affichees": (
        "Les mots de passe ont déjà été affichés ; ils ne sont pas conservés. Les lettres restent disponibles sans eux."
    ),
    "perimees": (
        "Le délai d'affichage des mots de passe est dépassé ; ils ne sont pas conservés. "
        "Les lettres restent disponibles sans eux."
    ),
}


def _document_pour(request, public_id):
    return documents_visibles(request.user).filter(public_id=public_id).first()


@never_cache
@require_safe
@gestionnaire_requis
def document(request, public_id):
    document = _document_pour(request, public_id)
    if document is None:
        return introuvable(request, f"documents : document {public_id} introuvable ou d'une autre Caf")
    return render(request, "documents/document.html", {"document": document, "title": document.titre})


@never_cache
@require_safe
@gestionnaire_requis
def document_pdf(request, public_id):
    document = _document_pour(request, public_id)
    if document is None:
        return introuvable(request, f"documents : document {public_id} introuvable ou d'une autre Caf")
    reponse = HttpResponse(rendu.pdf(document), content_type="application/pdf")
    reponse["Content-Disposition"] = f'inline; filename="{nom_de_fichier(document)}"'
    return reponse


def nom_de_fichier(document) -> str:
    return f"{document.nature}-{timezone.localtime(document.emis_le):%Y-%m-%d}.pdf"


@never_cache
@require_safe
@gestionnaire_requis
def lot(request, lot):
    documents = list(documents_visibles(request.user).filter(lot=lot).order_by("emis_le", "id"))
    if not documents:
        return introuvable(request, f"documents : lot {lot} introuvable ou d'une autre Caf")
    pieces, etat = retirer_pieces(request, lot, request.GET.get("cle", "")) if request.method == "GET" else ({}, "")
    if not etat and any(d.nature in NATURES_AVEC_MOT_DE_PASSE for d in documents):
        etat = "deja_affichees"
    feuilles = [{"document": d, "pieces": pieces.get(str(d.public_id))} for d in documents]
    return render(
        request,
        "documents/lot.html",
        {"feuilles": feuilles, "bandeau": BANDEAUX.get(etat, ""), "etat": etat, "title": "Documents émis"},
    )
