"""The responsable habilitations' review in his space, /espace/revue/ (issue 16): the open review
of each of his conventions, agent by agent; « Confirmer » and « N'a plus besoin de l'accès » by
POST, on his own conventions' agents only (04-… forms, « désignation d'un responsable
habilitations »; 03-… art. 3, « fin de mission des utilisateurs habilités »)."""

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from habilitations.models import EtatHabilitation
from journal.models import Evenement, TypeEvenement
from revue.models import Campagne, Decision
from tests.factories import ConventionFactory, HabilitationFactory
from tests.outils import texte
from tests.responsables.conftest import connecter, creer_responsable

from .conftest import evenements_revue

pytestmark = pytest.mark.django_db

PAGE = "/espace/revue/"


def ouvrir(convention):
    return Campagne.ouvrir(convention, timezone.localdate().year, timezone.localdate())


@pytest.fixture
def convention(db):
    return ConventionFactory(numero="78/2016/XXAS – T2", profil="T2")


@pytest.fixture
def responsable(convention):
    return creer_responsable(convention)


@pytest.fixture
def agents(convention):
    return [
        HabilitationFactory(convention=convention, nom="DURAND", prenom="Alice"),
        HabilitationFactory(convention=convention, nom="MOREAU", prenom="Jules"),
    ]


@pytest.fixture
def campagne(agents):
    return ouvrir(agents[0].convention)


@pytest.fixture
def autre_convention(convention):
    """Same partner, another convention, another responsable."""
    autre = ConventionFactory(partenaire=convention.partenaire, numero="2024-T13")
    creer_responsable(autre, nom="BERNARD", prenom="Luc")
    HabilitationFactory(convention=autre, nom="PETIT", prenom="Marc")
    return autre


@pytest.fixture
def autre_partenaire(db):
    autre = ConventionFactory(numero="2024-AILLEURS")
    HabilitationFactory(convention=autre, nom="LEROY", prenom="Nina")
    return autre


@pytest.fixture
def espace(client, responsable):
    return connecter(client, responsable)


def ligne(campagne, nom):
    return campagne.confirmations.get(habilitation__nom=nom)


def test_la_page_liste_ses_agents_avec_les_deux_boutons(espace, campagne, autre_convention, autre_partenaire):
    ouvrir(autre_convention)
    ouvrir(autre_partenaire)
    reponse = espace.get(PAGE)
    assert reponse.status_code == 200
    page = texte(reponse)
    assert "Convention 78/2016/XXAS – T2 — revue" in page
    assert f"À confirmer au plus tard le {campagne.date_limite:%d/%m/%Y}" in page
    for nom in ("DURAND", "MOREAU"):
        confirmation = ligne(campagne, nom)
        assert f'action="/espace/revue/{confirmation.public_id}/confirmer/"' in page
        assert f'action="/espace/revue/{confirmation.public_id}/plus-necessaire/"' in page
    assert "PETIT" not in page and "LEROY" not in page and "2024-T13" not in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_l_accueil_de_l_espace_mene_a_la_revue(espace, campagne):
    assert f'href="{PAGE}"' in texte(espace.get("/espace/"))


def test_confirmer_un_agent(espace, responsable, campagne):
    confirmation = ligne(campagne, "DURAND")
    reponse = espace.post(f"{PAGE}{confirmation.public_id}/confirmer/")
    assert reponse.status_code == 302 and reponse["Location"] == PAGE
    confirmation.refresh_from_db()
    assert confirmation.decision == Decision.CONFIRMEE
    assert confirmation.decidee_par == responsable.user
    evenement = evenements_revue(habilitation_id=confirmation.habilitation_id).get()
    assert evenement.motif == "revue annuelle : accès confirmé"
    assert evenement.acteur == responsable.identifiant
    assert evenement.adresse_ip == "127.0.0.1"
    page = texte(espace.get(PAGE))
    assert "Accès de Alice DURAND confirmé." in page
    assert f"{confirmation.public_id}/confirmer/" not in page


def test_n_a_plus_besoin_de_l_acces_suspend_aussitot(espace, responsable, campagne):
    confirmation = ligne(campagne, "MOREAU")
    espace.post(f"{PAGE}{confirmation.public_id}/plus-necessaire/")
    habilitation = confirmation.habilitation
    habilitation.refresh_from_db()
    assert habilitation.etat == EtatHabilitation.SUSPENDUE
    confirmation.refresh_from_db()
    assert confirmation.decision == Decision.PLUS_NECESSAIRE
    assert evenements_revue(habilitation_id=habilitation.pk).get().motif == (
        "revue annuelle : n'a plus besoin de l'accès, suspendu"
    )
    # The admin's own suspension, in the responsable's name.
    suspension = Evenement.objects.get(type=TypeEvenement.GESTION, habilitation_id=habilitation.pk)
    assert (suspension.motif, suspension.acteur) == ("suspension", responsable.identifiant)
    assert "Accès de Jules MOREAU suspendu." in texte(espace.get(PAGE))


def test_une_seconde_reponse_est_refusee(espace, campagne):
    confirmation = ligne(campagne, "DURAND")
    espace.post(f"{PAGE}{confirmation.public_id}/confirmer/")
    espace.post(f"{PAGE}{confirmation.public_id}/plus-necessaire/")
    confirmation.refresh_from_db()
    assert confirmation.decision == Decision.CONFIRMEE
    assert confirmation.habilitation.etat == EtatHabilitation.ACTIVE
    assert evenements_revue(habilitation_id=confirmation.habilitation_id).count() == 1


@pytest.mark.parametrize("action", ["confirmer", "plus-necessaire"])
def test_l_agent_d_une_autre_convention_ou_d_un_autre_partenaire_est_introuvable(
    espace, campagne, autre_convention, autre_partenaire, action
):
    etrangeres = [
        ouvrir(autre_convention).confirmations.get(),
        ouvrir(autre_partenaire).confirmations.get(),
    ]
    avant = evenements_revue().count()
    for confirmation in etrangeres:
        assert espace.post(f"{PAGE}{confirmation.public_id}/{action}/").status_code == 404
        confirmation.refresh_from_db()
        assert confirmation.decision == Decision.A_CONFIRMER
        assert confirmation.habilitation.etat == EtatHabilitation.ACTIVE
    assert espace.post(f"{PAGE}{uuid.uuid4()}/{action}/").status_code == 404
    assert evenements_revue().count() == avant


def test_une_revue_close_n_accepte_plus_de_reponse(espace, campagne):
    Campagne.objects.filter(pk=campagne.pk).update(etat="close")
    confirmation = ligne(campagne, "DURAND")
    reponse = espace.post(f"{PAGE}{confirmation.public_id}/plus-necessaire/", follow=True)
    assert "La revue est close" in texte(reponse)
    confirmation.refresh_from_db()
    assert confirmation.decision == Decision.A_CONFIRMER
    assert confirmation.habilitation.etat == EtatHabilitation.ACTIVE
    assert "Aucune revue des accès n'est en cours" in texte(espace.get(PAGE))


def test_la_date_limite_passee_les_boutons_disparaissent(espace, campagne):
    # Past midnight after the date limite, before the daily command has run.
    hier = timezone.localdate() - timedelta(days=1)
    Campagne.objects.filter(pk=campagne.pk).update(date_ouverture=hier - timedelta(days=31), date_limite=hier)
    page = texte(espace.get(PAGE))
    assert "Date limite dépassée" in page and "/confirmer/" not in page
    confirmation = ligne(campagne, "DURAND")
    espace.post(f"{PAGE}{confirmation.public_id}/confirmer/")
    confirmation.refresh_from_db()
    assert confirmation.decision == Decision.A_CONFIRMER


def test_un_agent_suspendu_par_la_caf_entre_temps_n_a_plus_de_boutons(espace, campagne):
    confirmation = ligne(campagne, "DURAND")
    confirmation.habilitation.suspendre(None)
    page = texte(espace.get(PAGE))
    assert f"{confirmation.public_id}/confirmer/" not in page
    assert "habilitation suspendue" in page
    espace.post(f"{PAGE}{confirmation.public_id}/confirmer/")
    confirmation.refresh_from_db()
    assert confirmation.decision == Decision.A_CONFIRMER


@pytest.mark.parametrize("action", ["confirmer", "plus-necessaire"])
def test_get_sur_une_action_est_refuse(espace, campagne, action):
    confirmation = ligne(campagne, "DURAND")
    assert espace.get(f"{PAGE}{confirmation.public_id}/{action}/").status_code == 405
    confirmation.refresh_from_db()
    assert confirmation.decision == Decision.A_CONFIRMER


def test_un_agent_partenaire_n_y_entre_pas(client, campagne):
    agent = ligne(campagne, "DURAND").habilitation
    client.force_login(agent.user)
    assert client.get(PAGE).status_code == 403
    confirmation = ligne(campagne, "DURAND")
    assert client.post(f"{PAGE}{confirmation.public_id}/confirmer/").status_code == 403
    confirmation.refresh_from_db()
    assert confirmation.decision == Decision.A_CONFIRMER


def test_sans_connexion_rien(client, campagne):
    confirmation = ligne(campagne, "DURAND")
    assert client.get(PAGE).status_code == 302
    assert client.post(f"{PAGE}{confirmation.public_id}/confirmer/").status_code == 302
    confirmation.refresh_from_db()
    assert confirmation.decision == Decision.A_CONFIRMER


def test_le_nombre_de_requetes_ne_croit_pas_avec_les_agents(espace, convention, agents):
    campagne = ouvrir(convention)
    with CaptureQueriesContext(connection) as deux:
        assert espace.get(PAGE).status_code == 200
    for i in range(4):
        HabilitationFactory(convention=convention, nom=f"NOUVEAU{i}")
    campagne.confirmations.all().delete()
    campagne.delete()
    ouvrir(convention)
    with CaptureQueriesContext(connection) as six:
        page = texte(espace.get(PAGE))
    assert page.count("/confirmer/") == 6
    assert len(six) == len(deux)


def test_le_second_responsable_de_la_convention_repond_aussi(client, convention, campagne):
    second = creer_responsable(convention, nom="GARNIER", prenom="Inès")
    connecter(client, second)
    confirmation = ligne(campagne, "DURAND")
    client.post(f"{PAGE}{confirmation.public_id}/confirmer/")
    confirmation.refresh_from_db()
    assert (confirmation.decision, confirmation.decidee_par) == (Decision.CONFIRMEE, second.user)


def test_un_responsable_remplace_ne_repond_plus(espace, responsable, campagne):
    # « Le changement de responsable habilitations doit faire l'objet d'une nouvelle désignation » (04-…).
    responsable.rattachements.update(fin_le=timezone.localdate())
    confirmation = ligne(campagne, "DURAND")
    assert espace.post(f"{PAGE}{confirmation.public_id}/confirmer/").status_code == 403
    confirmation.refresh_from_db()
    assert confirmation.decision == Decision.A_CONFIRMER
