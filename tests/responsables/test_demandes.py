"""The responsable's requests through the pages (issue 16): what he may file, and every refusal.

Seed 04-… (formulaires): « Demande d'accès au service Cafpro » — Nom/Prénom du demandeur,
Adresse professionnelle, Tél./Fax/E-mail professionnels, Fonction, Contrat CDD ou CDI."""

from datetime import timedelta

import pytest
from django.utils import timezone

from habilitations.models import EtatHabilitation
from journal.models import Evenement, Resultat, TypeEvenement
from responsables.models import Demande, EtatDemande, TypeDemande
from tests.outils import texte

pytestmark = pytest.mark.django_db

DEMANDE_ACCES = {
    "nom": "GARNIER",
    "prenom": "Léa",
    "adresse_professionnelle": "Hôtel de Ville\n78100 Saint-Germain-en-Laye",
    "telephone": "01 30 00 00 00",
    "telecopie": "",
    "email": "lea.garnier@ville.invalid",
    "fonction": "Assistante sociale",
    "contrat": "CDI",
}


def test_demande_d_acces_deposee_et_journalisee(client_responsable, responsable, convention):
    page = texte(client_responsable.get("/espace/demandes/acces/"))
    for libelle in ("Nom du demandeur", "Adresse professionnelle", "Tél. professionnel", "Fax professionnel"):
        assert libelle in page
    assert "profil" not in [champ for champ in page.split('name="')[1:] if champ.startswith("profil")]
    reponse = client_responsable.post("/espace/demandes/acces/", {**DEMANDE_ACCES, "convention": convention.pk})
    assert reponse.status_code == 302 and reponse["Location"] == "/espace/demandes/"
    demande = Demande.objects.get()
    assert (demande.type, demande.etat, demande.convention, demande.nom) == (
        TypeDemande.CREATION,
        EtatDemande.EN_ATTENTE,
        convention,
        "GARNIER",
    )
    evenement = Evenement.objects.get(type=TypeEvenement.DEMANDE)
    assert evenement.identifiant == responsable.identifiant and evenement.resultat == Resultat.SUCCES
    assert "en attente" in texte(client_responsable.get("/espace/demandes/"))


def test_demande_incomplete_refusee_avec_erreurs_liees_aux_champs(client_responsable, convention):
    reponse = client_responsable.post("/espace/demandes/acces/", {"convention": convention.pk, "nom": "X"})
    assert reponse.status_code == 400
    page = reponse.content.decode()
    assert 'id="id_prenom_error"' in page and 'aria-describedby="id_prenom_error"' in page.replace(
        'aria-describedby="id_prenom_helptext id_prenom_error"', 'aria-describedby="id_prenom_error"'
    )
    assert not Demande.objects.exists()
    assert Evenement.objects.filter(type=TypeEvenement.DEMANDE, resultat=Resultat.REFUS).exists()


def test_le_profil_poste_n_est_pas_lu(client_responsable, convention, autre_convention):
    """Raising a profile by posting a field, or another convention: neither is taken."""
    reponse = client_responsable.post(
        "/espace/demandes/acces/", {**DEMANDE_ACCES, "convention": autre_convention.pk, "profil": "T13"}
    )
    assert reponse.status_code == 400 and not Demande.objects.exists()
    client_responsable.post("/espace/demandes/acces/", {**DEMANDE_ACCES, "convention": convention.pk, "profil": "T13"})
    demande = Demande.objects.get()
    assert demande.convention == convention and demande.convention.profil == "T2"
    assert not hasattr(demande, "profil")


def test_une_personne_deja_habilitee_est_refusee(client_responsable, convention, agent):
    reponse = client_responsable.post(
        "/espace/demandes/acces/",
        {**DEMANDE_ACCES, "nom": agent.nom, "prenom": agent.prenom, "convention": convention.pk},
    )
    assert reponse.status_code == 400 and "détient déjà une habilitation" in texte(reponse)


@pytest.mark.parametrize(
    ("chemin", "donnees", "type_"),
    [
        ("suspension", {}, TypeDemande.SUSPENSION),
        ("suppression", {"a_compter_du": "+30"}, TypeDemande.SUPPRESSION),
        ("reinitialisation", {"motif_reinitialisation": "perte_ou_vol"}, TypeDemande.REINITIALISATION),
        ("reinitialisation", {"motif_reinitialisation": "planifiee"}, TypeDemande.REINITIALISATION),
    ],
)
def test_demandes_sur_un_agent(client_responsable, agent, chemin, donnees, type_):
    if "a_compter_du" in donnees:
        donnees = {"a_compter_du": (timezone.localdate() + timedelta(days=30)).strftime("%d/%m/%Y")}
    url = f"/espace/agents/{agent.public_id}/{chemin}/"
    assert client_responsable.get(url).status_code == 200
    reponse = client_responsable.post(url, donnees)
    assert reponse.status_code == 302, texte(reponse)
    demande = Demande.objects.get()
    assert (demande.type, demande.habilitation, demande.etat) == (type_, agent, EtatDemande.EN_ATTENTE)
    evenement = Evenement.objects.get(type=TypeEvenement.DEMANDE, resultat=Resultat.SUCCES)
    assert evenement.habilitation_id == agent.pk
    # The same request again waits already: refused.
    reponse = client_responsable.post(url, donnees)
    assert reponse.status_code == 400 and "attend déjà" in texte(reponse)
    assert Demande.objects.count() == 1


@pytest.mark.parametrize("chemin", ["suspension", "suppression", "reinitialisation"])
def test_agent_d_un_autre_partenaire_ou_d_une_autre_convention(
    client_responsable, agent_autre_partenaire, agent_autre_convention, chemin
):
    for agent in (agent_autre_partenaire, agent_autre_convention):
        url = f"/espace/agents/{agent.public_id}/{chemin}/"
        assert client_responsable.get(url).status_code == 404
        assert client_responsable.post(url, {"motif_reinitialisation": "perte_ou_vol"}).status_code == 404
    assert not Demande.objects.exists()
    assert Evenement.objects.filter(type=TypeEvenement.DEMANDE, resultat=Resultat.REFUS).count() == 4


def test_identifiant_forge(client_responsable):
    assert client_responsable.post("/espace/agents/00000000-0000-0000-0000-000000000000/suspension/").status_code == 404
    assert client_responsable.get("/espace/agents/123/suspension/").status_code == 404


def test_suppression_retroactive_refusee(client_responsable, agent):
    hier = (timezone.localdate() - timedelta(days=1)).strftime("%d/%m/%Y")
    reponse = client_responsable.post(f"/espace/agents/{agent.public_id}/suppression/", {"a_compter_du": hier})
    assert reponse.status_code == 400 and "rétroactive" in texte(reponse)


def test_suspendre_un_agent_deja_suspendu_est_refuse(client_responsable, agent):
    agent.etat = EtatHabilitation.SUSPENDUE
    agent.save()
    reponse = client_responsable.post(f"/espace/agents/{agent.public_id}/suspension/", {})
    assert reponse.status_code == 400 and "ne peut pas être suspendu" in texte(reponse)


def test_get_sur_la_deconnexion_refuse(client_responsable):
    assert client_responsable.get("/espace/deconnexion/").status_code == 405


def test_pages_en_get_seulement(client_responsable):
    assert client_responsable.post("/espace/").status_code == 405
    assert client_responsable.post("/espace/demandes/").status_code == 405


def test_il_ne_voit_que_ses_demandes(client, responsable, autre_convention, agent_autre_convention):
    from .conftest import connecter

    autre = autre_convention.responsables_habilitations.get()
    Demande.objects.create(
        type=TypeDemande.SUSPENSION, responsable=autre, convention=autre_convention, habilitation=agent_autre_convention
    )
    page = texte(connecter(client, responsable).get("/espace/demandes/"))
    assert "PETIT" not in page and "aucune demande" in page


def test_sans_second_facteur_aucune_demande_ne_passe(client, responsable, convention, agent):
    from .conftest import MOT_DE_PASSE_RESPONSABLE

    client.post(
        "/espace/connexion/", {"identifiant": responsable.identifiant, "mot_de_passe": MOT_DE_PASSE_RESPONSABLE}
    )
    reponse = client.post("/espace/demandes/acces/", {**DEMANDE_ACCES, "convention": convention.pk})
    assert reponse.status_code == 302 and reponse["Location"] == "/espace/second-facteur/"
    reponse = client.post(f"/espace/agents/{agent.public_id}/suspension/", {})
    assert reponse["Location"] == "/espace/second-facteur/"
    assert not Demande.objects.exists()


def test_sans_session_aucune_demande_ne_passe(client, convention, agent):
    reponse = client.post(f"/espace/agents/{agent.public_id}/suspension/", {})
    assert reponse.status_code == 302 and reponse["Location"].startswith("/espace/connexion/?next=")
    assert not Demande.objects.exists()
