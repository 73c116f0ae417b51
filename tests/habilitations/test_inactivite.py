"""The idle timeout of the manual ("Session utilisateur"), on the server side."""

import time

from cafpro.activite import instant_du_jeton, jeton
from journal.models import Evenement, TypeEvenement
from tests.factories import MOT_DE_PASSE_PARTENAIRE, HabilitationFactory
from tests.outils import derniere_requete_il_y_a, texte


def test_apres_le_delai_la_session_est_fermee_sur_le_serveur(client, db, settings):
    habilitation = HabilitationFactory()
    client.post("/", {"identifiant": habilitation.identifiant, "mot_de_passe": MOT_DE_PASSE_PARTENAIRE})
    assert client.get("/portail/").status_code == 200

    derniere_requete_il_y_a(client, settings.CAFPRO_IDLE_TIMEOUT + 1)
    reponse = client.get("/portail/", follow=True)
    page = texte(reponse)
    assert "Le serveur n'a reçu aucune information depuis 10 minutes" in page
    assert "écran de signature" in page
    assert "_auth_user_id" not in client.session
    evenement = Evenement.objects.get(type=TypeEvenement.EXPIRATION)
    assert evenement.identifiant == habilitation.identifiant


def test_une_requete_avant_le_delai_prolonge_la_session(client, db, settings):
    habilitation = HabilitationFactory()
    client.post("/", {"identifiant": habilitation.identifiant, "mot_de_passe": MOT_DE_PASSE_PARTENAIRE})
    derniere_requete_il_y_a(client, settings.CAFPRO_IDLE_TIMEOUT - 30)
    assert client.get("/portail/").status_code == 200
    # The request is the new last activity: signed in the cookie, the session row untouched.
    cle = client.session.session_key
    assert instant_du_jeton(client.cookies[settings.CAFPRO_ACTIVITE_COOKIE_NAME].value, cle) > time.time() - 5
    assert client.session["cafpro_derniere_activite"] < time.time() - settings.CAFPRO_IDLE_TIMEOUT + 31


def test_un_signet_sans_session_donne_la_page_du_manuel(client, db):
    reponse = client.get("/portail/", follow=True)
    assert "par un signet sans passer par l'écran de signature" in texte(reponse)


def test_le_personnel_aussi_est_deconnecte_apres_le_delai(admin_131, settings):
    assert admin_131.get("/gestion/").status_code == 200
    derniere_requete_il_y_a(admin_131, settings.CAFPRO_IDLE_TIMEOUT + 1)
    reponse = admin_131.get("/gestion/habilitations/habilitation/")
    assert reponse.status_code == 302 and reponse["Location"] == "/gestion/login/"
    assert "_auth_user_id" not in admin_131.session
    assert Evenement.objects.filter(type=TypeEvenement.EXPIRATION, identifiant="gestion.test131").exists()


# --- Absolute lifetime (issue 12, ASVS 7.3.2): counted from the login, not from the last request


def test_une_session_active_se_ferme_a_sa_duree_maximale(client, db, settings):
    habilitation = HabilitationFactory()
    client.post("/", {"identifiant": habilitation.identifiant, "mot_de_passe": MOT_DE_PASSE_PARTENAIRE})
    # Active all day: a request a minute ago, but the login was a working day and a second ago.
    derniere_requete_il_y_a(client, 60)
    session = client.session
    session["cafpro_ouverture"] = time.time() - settings.SESSION_COOKIE_AGE - 1
    session.save()

    reponse = client.get("/portail/", follow=True)

    page = texte(reponse)
    assert "durée maximale de 10 heures" in page
    assert "_auth_user_id" not in client.session
    evenement = Evenement.objects.get(type=TypeEvenement.EXPIRATION)
    assert evenement.identifiant == habilitation.identifiant
    assert evenement.motif == "durée maximale de session atteinte (10 h)"
    # Ended on the server: the old cookie opens nothing.
    assert client.get("/portail/").status_code == 302


def test_les_requetes_ne_repoussent_pas_la_duree_maximale(client, db, settings):
    habilitation = HabilitationFactory()
    client.post("/", {"identifiant": habilitation.identifiant, "mot_de_passe": MOT_DE_PASSE_PARTENAIRE})
    ouverture = client.session["cafpro_ouverture"]
    for _ in range(3):
        assert client.get("/portail/").status_code == 200
    assert client.session["cafpro_ouverture"] == ouverture


def test_la_duree_maximale_est_un_reglage(client, db, settings):
    settings.SESSION_COOKIE_AGE = 2 * 3600
    habilitation = HabilitationFactory()
    client.post("/", {"identifiant": habilitation.identifiant, "mot_de_passe": MOT_DE_PASSE_PARTENAIRE})
    session = client.session
    session["cafpro_ouverture"] = time.time() - 2 * 3600 + 60
    session.save()
    assert client.get("/portail/").status_code == 200
    session = client.session
    session["cafpro_ouverture"] = time.time() - 2 * 3600 - 1
    session.save()
    assert "durée maximale de 2 heures" in texte(client.get("/portail/", follow=True))


def test_une_session_sans_heure_d_ouverture_est_fermee(client, db):
    habilitation = HabilitationFactory()
    client.post("/", {"identifiant": habilitation.identifiant, "mot_de_passe": MOT_DE_PASSE_PARTENAIRE})
    session = client.session
    del session["cafpro_ouverture"]
    session.save()
    assert client.get("/portail/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_le_personnel_aussi_a_une_duree_maximale(admin_131, settings):
    assert admin_131.get("/gestion/").status_code == 200
    session = admin_131.session
    session["cafpro_ouverture"] = time.time() - settings.SESSION_COOKIE_AGE - 1
    session.save()
    reponse = admin_131.get("/gestion/habilitations/habilitation/")
    assert reponse.status_code == 302 and reponse["Location"] == "/gestion/login/"
    assert "_auth_user_id" not in admin_131.session
    evenement = Evenement.objects.get(type=TypeEvenement.EXPIRATION, identifiant="gestion.test131")
    assert evenement.motif.startswith("durée maximale de session atteinte")


# --- The last request in a signed cookie (issue 17): the session row is not rewritten for it


def _connecte(client):
    habilitation = HabilitationFactory()
    client.post("/", {"identifiant": habilitation.identifiant, "mot_de_passe": MOT_DE_PASSE_PARTENAIRE})
    return habilitation


def test_une_page_ne_reecrit_pas_la_session(client, db):
    from django.contrib.sessions.models import Session

    _connecte(client)
    cle = client.session.session_key
    avant = Session.objects.get(session_key=cle).session_data
    for _ in range(3):
        assert client.get("/portail/").status_code == 200
    assert Session.objects.get(session_key=cle).session_data == avant


def test_sans_cookie_d_activite_la_session_compte_depuis_la_connexion(client, db, settings):
    _connecte(client)
    session = client.session
    session["cafpro_derniere_activite"] = time.time() - settings.CAFPRO_IDLE_TIMEOUT - 1
    session.save()
    del client.cookies[settings.CAFPRO_ACTIVITE_COOKIE_NAME]
    assert "aucune information depuis 10 minutes" in texte(client.get("/portail/", follow=True))
    assert "_auth_user_id" not in client.session


def test_un_cookie_d_activite_contrefait_ou_d_une_autre_session_ne_prolonge_rien(client, db, settings):
    from django.test import Client

    autre = Client()
    _connecte(autre)
    for contrefacon in ("autre session", "heure changée", "signature abîmée"):
        _connecte(client)
        cle = client.session.session_key
        empreinte, _, signature = jeton(cle, time.time() - 3600).split(":")
        valeur = {
            "autre session": jeton(autre.session.session_key, time.time()),
            "heure changée": f"{empreinte}:{time.time():.3f}:{signature}",
            "signature abîmée": jeton(cle, time.time())[:-2],
        }[contrefacon]
        derniere_requete_il_y_a(client, settings.CAFPRO_IDLE_TIMEOUT + 1)
        client.cookies[settings.CAFPRO_ACTIVITE_COOKIE_NAME] = valeur
        assert client.get("/portail/").status_code == 302, contrefacon
        assert "_auth_user_id" not in client.session, contrefacon


def test_la_deconnexion_efface_le_cookie_d_activite(client, db, settings):
    _connecte(client)
    assert client.cookies[settings.CAFPRO_ACTIVITE_COOKIE_NAME].value
    reponse = client.post("/deconnexion/")
    assert reponse.cookies[settings.CAFPRO_ACTIVITE_COOKIE_NAME].value == ""
