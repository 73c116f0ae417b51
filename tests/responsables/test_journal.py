"""Everything the space and the gestionnaire do is in the journal, and the Responsable Sécurité
finds it in his search by kind (issue 16; 04-… convention art. 3: « Tous les accès au service
et tentatives infructueuses de connexion font l'objet d'un enregistrement et d'un contrôle »)."""

import pytest
from django.test import Client

from journal.models import Evenement, TypeEvenement
from responsables.models import Demande, TypeDemande
from tests.conftest import connecter_au_admin
from tests.outils import texte

pytestmark = pytest.mark.django_db


def test_l_officier_trouve_les_demandes_et_les_decisions(
    client_responsable, responsable, agent, officier_131, gestionnaire_131
):
    client_responsable.post(f"/espace/agents/{agent.public_id}/suspension/", {"commentaire": "Départ en congé long"})
    client_responsable.get("/espace/agents/00000000-0000-0000-0000-000000000000/suspension/")
    gestion = connecter_au_admin(Client(), gestionnaire_131)
    demande = Demande.objects.get(type=TypeDemande.SUSPENSION)
    gestion.post(
        "/gestion/responsables/demande/",
        {"action": "refuser", "_selected_action": [demande.pk], "appliquer": "1", "motif": "Pièce manquante"},
    )
    officier = connecter_au_admin(Client(), officier_131)
    page = texte(officier.get("/gestion/controle/journal/", {"genre": "demande"}))
    assert "demande d'un responsable habilitations" in page
    assert "demande déposée : suspension de l'accès" in page
    assert "demande refusée par l'espace : agent hors de son périmètre" in page
    page = texte(officier.get("/gestion/controle/journal/", {"genre": "gestion"}))
    assert "demande refusée : suspension de l'accès" in page
    page = texte(officier.get("/gestion/controle/journal/", {"identifiant": responsable.identifiant}))
    assert "second facteur vérifié" in page


def test_connexions_journalisees(client_responsable, responsable):
    motifs = list(
        Evenement.objects.filter(type=TypeEvenement.CONNEXION, identifiant=responsable.identifiant).values_list(
            "motif", "caisse"
        )
    )
    assert ("espace des responsables : mot de passe vérifié", "131") in motifs
    assert ("espace des responsables : second facteur vérifié", "131") in motifs
