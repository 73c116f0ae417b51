"""Caf staff lockout (issue "Authentication"): after repeated failed admin logins the
username is blocked, released by a colleague of the same Caf or after a delay."""

from datetime import timedelta

import pytest
from django.utils import timezone

from habilitations import verrou_personnel
from habilitations.models import CompteurEchecs
from journal.models import Evenement, TypeEvenement
from tests.conftest import connecter_au_admin
from tests.factories import MOT_DE_PASSE_STAFF, StaffFactory
from tests.outils import texte

BLOCAGE = "Connexion bloquée après plusieurs échecs"


def essayer(client, username, password):
    return client.post("/gestion/login/", {"username": username, "password": password, "next": "/gestion/"})


@pytest.fixture
def agent(db, settings):
    settings.CAFPRO_STAFF_MAX_ECHECS = 3
    return StaffFactory(username="gestion.bloque")


def bloquer(client, username):
    for _ in range(3):
        essayer(client, username, "mauvais-mot-de-passe")


def test_apres_les_echecs_meme_le_bon_mot_de_passe_est_refuse(client, agent):
    bloquer(client, agent.username)
    reponse = essayer(client, agent.username, MOT_DE_PASSE_STAFF)
    assert BLOCAGE in texte(reponse)
    assert "_auth_user_id" not in client.session
    assert Evenement.objects.filter(type=TypeEvenement.VERROUILLAGE, identifiant=agent.username).count() == 1
    assert Evenement.objects.filter(motif="administration : compte bloqué").exists()


def test_un_nom_inconnu_se_bloque_pareil(client, agent):
    bloquer(client, "personne.inconnue")
    assert BLOCAGE in texte(essayer(client, "personne.inconnue", "x"))


def test_un_succes_remet_a_zero(client, agent):
    for _ in range(2):
        essayer(client, agent.username, "mauvais-mot-de-passe")
    assert essayer(client, agent.username, MOT_DE_PASSE_STAFF).status_code == 302
    assert not verrou_personnel.est_bloque(agent.username)


def test_le_blocage_se_leve_apres_le_delai(client, agent, settings):
    bloquer(client, agent.username)
    CompteurEchecs.objects.filter(cle=verrou_personnel.cle_personnel(agent.username)).update(
        dernier_echec=timezone.now() - timedelta(seconds=settings.CAFPRO_STAFF_LOCK_SECONDS + 1)
    )
    assert essayer(client, agent.username, MOT_DE_PASSE_STAFF).status_code == 302


def test_un_collegue_de_la_meme_caf_debloque(client, agent, caf_131):
    bloquer(client, agent.username)
    collegue = connecter_au_admin(client, StaffFactory(username="securite.collegue", caisse=caf_131, role="securite"))
    liste = texte(collegue.get("/gestion/habilitations/user/"))
    assert agent.username in liste and "bloquée" in liste
    collegue.post("/gestion/habilitations/user/", {"action": "debloquer_connexion", "_selected_action": [agent.pk]})
    assert not verrou_personnel.est_bloque(agent.username)
    assert Evenement.objects.filter(motif=f"déblocage de la connexion de {agent.username}").exists()


def test_un_agent_d_une_autre_caf_ne_peut_pas_debloquer(client, agent, caf_161):
    bloquer(client, agent.username)
    autre = connecter_au_admin(client, StaffFactory(username="gestion.autre", caisse=caf_161))
    assert agent.username not in texte(autre.get("/gestion/habilitations/user/"))
    autre.post("/gestion/habilitations/user/", {"action": "debloquer_connexion", "_selected_action": [agent.pk]})
    assert verrou_personnel.est_bloque(agent.username)


@pytest.mark.parametrize(
    ("username", "password", "motif"),
    [
        ("x" * 10_000, "mauvais", "administration : saisie mal formée"),
        ("gestion.bloque\x00", "mauvais", "administration : saisie mal formée"),
        ("", "mauvais", "administration : saisie incomplète"),
        ("gestion.bloque", "", "administration : saisie incomplète"),
    ],
    ids=["10-ko", "nul", "nom-vide", "mot-de-passe-vide"],
)
def test_une_saisie_refusee_par_les_champs_est_comptee_et_journalisee(client, agent, username, password, motif):
    """Issue 12: the admin's fields refusing an entry must not make it a free, silent try."""
    reponse = essayer(client, username, password)
    assert reponse.status_code == 200
    assert "_auth_user_id" not in client.session
    evenement = Evenement.objects.get(type=TypeEvenement.CONNEXION)
    assert evenement.motif == motif and "\x00" not in evenement.identifiant


def test_un_mot_de_passe_vide_compte_pour_le_blocage(client, agent):
    for _ in range(2):
        essayer(client, agent.username, "mauvais-mot-de-passe")
    essayer(client, agent.username, "")
    assert verrou_personnel.est_bloque(agent.username)
    assert Evenement.objects.filter(type=TypeEvenement.VERROUILLAGE, identifiant=agent.username).count() == 1
