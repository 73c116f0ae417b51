"""Issuing a document: stored once, fingerprinted, journaled in the same transaction."""

import uuid

import pytest

from documents.emission import emettre
from documents.models import DocumentEmis, DocumentEmisError, Nature
from journal.models import Evenement, Resultat, TypeEvenement


def test_emettre_stocke_et_journalise(document_131):
    document = DocumentEmis.objects.get()
    assert document.pk == document_131.pk
    assert document.nature == Nature.DEMANDE_ACCES
    assert document.caisse == "131" and document.emis_par == "gestion.test131"
    assert document.habilitation_id == 42
    assert len(document.empreinte) == 64 and document.intact
    evenement = Evenement.objects.get()
    assert evenement.type == TypeEvenement.GESTION and evenement.resultat == Resultat.SUCCES
    assert evenement.motif == "émission : demande d'accès au service Cafpro"
    assert evenement.caisse == "131" and evenement.acteur == "gestion.test131"
    assert evenement.habilitation_id == 42
    assert evenement.details["document"] == str(document.public_id)
    assert evenement.details["nature"] == "demande_acces"


def test_un_lot_regroupe_les_documents_d_une_action(db):
    lot = uuid.uuid4()
    for nature in ("lettre_ouverture", "demande_acces"):
        emettre(nature, f"Document {nature}", [], caisse="131", acteur="gestion.test131", lot=lot)
    assert DocumentEmis.objects.filter(lot=lot).count() == 2
    seul = emettre("lettre_envoi", "Envoi", [], caisse="131", acteur="gestion.test131")
    assert seul.lot != lot


def test_un_document_emis_ne_se_modifie_ni_ne_se_supprime(document_131):
    document_131.titre = "Autre titre"
    with pytest.raises(DocumentEmisError):
        document_131.save()
    with pytest.raises(DocumentEmisError):
        DocumentEmis.objects.filter(pk=document_131.pk).update(titre="Autre titre")
    with pytest.raises(DocumentEmisError):
        document_131.delete()
    with pytest.raises(DocumentEmisError):
        DocumentEmis.objects.all().delete()
    document_131.refresh_from_db()
    assert document_131.titre == "Demande d'accès — Hélène MARTIN"


def test_l_emission_echoue_avec_son_journal(db, monkeypatch):
    """Fail closed: if the journal cannot be written, the document is not stored."""

    def en_panne(*args, **kwargs):
        raise RuntimeError("journal indisponible")

    monkeypatch.setattr("documents.emission.enregistrer", en_panne)
    with pytest.raises(RuntimeError):
        emettre("lettre_envoi", "Envoi", [], caisse="131", acteur="gestion.test131")
    assert not DocumentEmis.objects.exists()
