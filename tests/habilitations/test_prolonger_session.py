"""« Prolonger la session » (issue 15, RGAA 13.1): the countdown's warning posts to
/session/prolonger/, a request that counts as activity (manual Cafpro V5, annexe 4 of 02-…,
« Session utilisateur »: the 10 minutes run from the server's last request).

Only a signed-in agent's session still alive is prolonged; an expired one is ended, never
revived; the answer carries the delay and nothing about the agent. The expired-session page
says the real limit, in French (« 20 secondes », « 1 minute », « 10 minutes »).
"""

import json
import re
import time
from unittest import mock

import pytest
from django.test import Client

from cafpro.activite import instant_du_jeton
from habilitations.views import duree_en_toutes_lettres
from journal.models import Evenement, Resultat, TypeEvenement
from tests.factories import MOT_DE_PASSE_PARTENAIRE, HabilitationFactory
from tests.outils import derniere_requete_il_y_a, texte

PROLONGER = "/session/prolonger/"


def connecte(client, **champs):
    habilitation = HabilitationFactory(nom="CONFIDENTIEL", prenom="Agathe", **champs)
    reponse = client.post(
        "/",
        {
            "identifiant": habilitation.identifiant,
            "mot_de_passe": MOT_DE_PASSE_PARTENAIRE,
            "csrfmiddlewaretoken": jeton_csrf(client, "/"),
        },
    )
    assert reponse.status_code == 302
    return habilitation


def jeton_csrf(client, page="/portail/") -> str:
    trouve = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', texte(client.get(page)))
    assert trouve, "aucun jeton CSRF sur la page"
    return trouve.group(1)


@pytest.fixture
def navigateur(db):
    """A client that checks CSRF as a browser's requests are checked."""
    return Client(enforce_csrf_checks=True)


def activite(client, settings) -> float | None:
    return instant_du_jeton(client.cookies[settings.CAFPRO_ACTIVITE_COOKIE_NAME].value, client.session.session_key)


def test_prolonger_compte_comme_une_action_et_ne_dit_rien_de_l_agent(navigateur, settings):
    habilitation = connecte(navigateur)
    jeton = jeton_csrf(navigateur)
    derniere_requete_il_y_a(navigateur, settings.CAFPRO_IDLE_TIMEOUT - 10)

    reponse = navigateur.post(PROLONGER, {"csrfmiddlewaretoken": jeton})

    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/json"
    # The delay to count down from, and nothing else: no name, identifiant, dossier.
    assert json.loads(reponse.content) == {"delai": settings.CAFPRO_IDLE_TIMEOUT}
    for donnee in (habilitation.identifiant, "CONFIDENTIEL", "Agathe"):
        assert donnee not in reponse.content.decode()
    assert "no-store" in reponse["Cache-Control"]
    # The server's last request is now.
    assert activite(navigateur, settings) > time.time() - 5
    # Not journaled: nothing was read (the login is, and the end of the session will be).
    assert not Evenement.objects.exclude(type=TypeEvenement.CONNEXION).exists()


def test_prolonger_garde_la_session_au_dela_de_la_limite_d_origine(navigateur, settings):
    connecte(navigateur)
    jeton = jeton_csrf(navigateur)
    derniere_requete_il_y_a(navigateur, settings.CAFPRO_IDLE_TIMEOUT - 10)
    assert navigateur.post(PROLONGER, {"csrfmiddlewaretoken": jeton}).status_code == 200

    # Twenty seconds later: past the limit counted from the request before, within the new one.
    plus_tard = time.time() + 20
    with mock.patch("cafpro.middleware.time.time", return_value=plus_tard):
        reponse = navigateur.get("/portail/")
    assert reponse.status_code == 200
    assert "CONFIDENTIEL" in texte(reponse)
    assert not Evenement.objects.filter(type=TypeEvenement.EXPIRATION).exists()


def test_sans_prolonger_la_meme_attente_ferme_la_session(navigateur, settings):
    """The control of the test above."""
    connecte(navigateur)
    derniere_requete_il_y_a(navigateur, settings.CAFPRO_IDLE_TIMEOUT - 10)
    with mock.patch("cafpro.middleware.time.time", return_value=time.time() + 20):
        reponse = navigateur.get("/portail/")
    assert reponse.status_code == 302
    assert Evenement.objects.filter(type=TypeEvenement.EXPIRATION).exists()


def test_une_session_expiree_n_est_pas_ranimee(navigateur, settings):
    habilitation = connecte(navigateur)
    jeton = jeton_csrf(navigateur)
    derniere_requete_il_y_a(navigateur, settings.CAFPRO_IDLE_TIMEOUT + 1)

    reponse = navigateur.post(PROLONGER, {"csrfmiddlewaretoken": jeton})

    # Ended on the server, as any request after the limit: the manual's page, no delay.
    assert reponse.status_code == 302
    assert reponse["Location"] == "/session-expiree/"
    assert b"delai" not in reponse.content
    assert "_auth_user_id" not in navigateur.session
    fin = Evenement.objects.get(type=TypeEvenement.EXPIRATION)
    assert fin.identifiant == habilitation.identifiant
    # No fresh activity cookie; the next page is refused too.
    cookie = reponse.cookies.get(settings.CAFPRO_ACTIVITE_COOKIE_NAME)
    assert cookie is None or cookie.value == ""
    assert navigateur.get("/portail/").status_code == 302
    assert navigateur.post(PROLONGER, {"csrfmiddlewaretoken": jeton}).status_code in (302, 403)


def test_un_visiteur_sans_session_n_obtient_rien(navigateur):
    jeton = jeton_csrf(navigateur, "/")
    reponse = navigateur.post(PROLONGER, {"csrfmiddlewaretoken": jeton})
    assert reponse.status_code == 302
    assert reponse["Location"].startswith("/session-expiree/")
    assert b"delai" not in reponse.content


def test_get_refuse(client, db):
    connecte(client)
    reponse = client.get(PROLONGER)
    assert reponse.status_code == 405
    assert b"delai" not in reponse.content


def test_sans_jeton_csrf_refuse(navigateur):
    connecte(navigateur)
    reponse = navigateur.post(PROLONGER)
    assert reponse.status_code == 403
    assert b"delai" not in reponse.content
    reponse = navigateur.post(PROLONGER, {"csrfmiddlewaretoken": "x" * 64})
    assert reponse.status_code == 403


def test_un_agent_qui_doit_changer_son_mot_de_passe_peut_prolonger(navigateur):
    """The change page has the countdown too."""
    connecte(navigateur, mot_de_passe_change_le=None)
    jeton = jeton_csrf(navigateur, "/mot-de-passe/")
    assert navigateur.post(PROLONGER, {"csrfmiddlewaretoken": jeton}).status_code == 200


def test_une_habilitation_suspendue_ne_prolonge_rien(client, db, gestionnaire_131):
    habilitation = connecte(client)
    habilitation.suspendre(gestionnaire_131)
    reponse = client.post(PROLONGER)
    assert reponse.status_code != 200
    assert b"delai" not in reponse.content
    assert Evenement.objects.filter(type=TypeEvenement.REFUS, resultat=Resultat.REFUS).exists()


def test_le_personnel_ne_prolonge_pas_une_session_du_portail(admin_131):
    reponse = admin_131.post(PROLONGER)
    assert reponse.status_code == 403
    assert b"delai" not in reponse.content


def test_la_page_porte_l_avertissement_et_son_bouton(client, db, settings):
    settings.CAFPRO_IDLE_TIMEOUT = 600
    connecte(client)
    page = texte(client.get("/portail/"))
    assert 'data-avertissement-inactivite="60"' in page
    # An assertive live region, present and empty until the warning (made role="alert" by the script).
    assert '<p id="alerte-session" aria-live="assertive" aria-atomic="true"></p>' in page
    assert re.search(r'<form method="post" action="/session/prolonger/" id="prolonger-session" hidden>', page)
    assert "Prolonger la session</button>" in page
    # The countdown itself is never announced.
    assert '<span id="compte-a-rebours" aria-live="off">' in page


@pytest.mark.parametrize(("delai", "seuil"), [(600, 60), (120, 60), (90, 45), (6, 3)])
def test_l_avertissement_une_minute_avant_ou_a_mi_parcours(client, db, settings, delai, seuil):
    settings.CAFPRO_IDLE_TIMEOUT = delai
    connecte(client)
    assert f'data-avertissement-inactivite="{seuil}"' in texte(client.get("/portail/"))


# --- The expired-session page says the real limit -------------------------------------------


@pytest.mark.parametrize(
    ("secondes", "texte_attendu"),
    [
        (1, "1 seconde"),
        (20, "20 secondes"),
        (60, "1 minute"),
        (90, "1 minute 30 secondes"),
        (600, "10 minutes"),
        (3600, "1 heure"),
        (5400, "1 heure 30 minutes"),
    ],
)
def test_duree_en_toutes_lettres(secondes, texte_attendu):
    assert duree_en_toutes_lettres(secondes) == texte_attendu


@pytest.mark.parametrize(
    ("delai", "phrase"),
    [
        (20, "depuis 20 secondes, ce qui"),
        (60, "depuis 1 minute, ce qui"),
        (600, "depuis 10 minutes, ce qui"),
    ],
)
def test_la_page_de_session_fermee_dit_la_vraie_duree(client, db, settings, delai, phrase):
    settings.CAFPRO_IDLE_TIMEOUT = delai
    page = texte(client.get("/session-expiree/"))
    assert f"Le serveur n'a reçu aucune information {phrase}" in page
    assert "1 minutes" not in page


@pytest.mark.parametrize(
    ("secondes", "phrase"),
    [
        (3600, "durée maximale de 1 heure depuis"),
        (5400, "durée maximale de 1 heure 30 minutes depuis"),
        (36000, "durée maximale de 10 heures depuis"),
    ],
)
def test_la_duree_maximale_aussi_s_accorde(client, db, settings, secondes, phrase):
    settings.SESSION_COOKIE_AGE = secondes
    assert phrase in texte(client.get("/session-expiree/?motif=duree"))
