"""Caf staff's second factor: enrolment by QR code, then a TOTP code; the admin refuses a
session without a verified device; a partner identifiant never opens the admin."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from journal.models import Evenement, Resultat, TypeEvenement
from tests.factories import MOT_DE_PASSE_PARTENAIRE, MOT_DE_PASSE_STAFF, HabilitationFactory, StaffFactory
from tests.outils import texte


def code(appareil, decalage=0):
    return f"{totp(appareil.bin_key, step=appareil.step, t0=appareil.t0, digits=6, drift=decalage):06d}"


def mot_de_passe(client, username, password=MOT_DE_PASSE_STAFF):
    return client.post(
        "/gestion/login/", {"username": username, "password": password, "next": "/gestion/"}, follow=True
    )


@pytest.fixture
def agent(db):
    return StaffFactory(username="gestion.otp")


def test_enrolement_puis_acces(client, agent):
    reponse = mot_de_passe(client, agent.username)
    assert reponse.redirect_chain[-1][0].endswith("/gestion/verification/")
    page = texte(reponse)
    assert "Enrôlement du second facteur" in page
    assert 'src="data:image/svg+xml;base64,' in page
    assert re.search(r"<code>[A-Z2-7]{32}</code>", page)
    # Until the code is given, the admin stays closed.
    assert client.get("/gestion/conventions/partenaire/").status_code == 302

    appareil = TOTPDevice.objects.get(user=agent)
    assert not appareil.confirmed
    reponse = client.post("/gestion/verification/", {"jeton": code(appareil)})
    assert reponse["Location"] == "/gestion/"
    assert client.get("/gestion/conventions/partenaire/").status_code == 200
    appareil.refresh_from_db()
    assert appareil.confirmed
    motifs = set(Evenement.objects.filter(identifiant=agent.username).values_list("motif", flat=True))
    assert {"administration : mot de passe vérifié", "administration : second facteur vérifié"} <= motifs


def test_un_mauvais_code_est_refuse_et_journalise(client, agent):
    TOTPDevice.objects.create(user=agent, name="t", confirmed=True)
    reponse = mot_de_passe(client, agent.username)
    assert "Saisissez le code à 6 chiffres" in texte(reponse)
    assert "data:image/svg" not in texte(reponse)
    reponse = client.post("/gestion/verification/", {"jeton": "000000"})
    assert "Code incorrect ou expiré" in texte(reponse)
    assert client.get("/gestion/").status_code == 302
    echec = Evenement.objects.get(motif="administration : second facteur erroné")
    assert echec.resultat == Resultat.ECHEC


def test_un_code_mal_forme_a_un_message_clair(client, agent):
    TOTPDevice.objects.create(user=agent, name="t", confirmed=True)
    mot_de_passe(client, agent.username)
    assert "Le code comporte 6 chiffres." in texte(client.post("/gestion/verification/", {"jeton": "12ab"}))


def test_le_compteur_de_django_otp_freine_les_essais(client, agent):
    appareil = TOTPDevice.objects.create(user=agent, name="t", confirmed=True)
    mot_de_passe(client, agent.username)
    for _ in range(3):
        client.post("/gestion/verification/", {"jeton": "000000"})
    # Throttled: even the right code is refused for a while.
    assert "Code incorrect" in texte(client.post("/gestion/verification/", {"jeton": code(appareil)}))


def test_mauvais_mot_de_passe_journalise_sans_le_mot_de_passe(client, agent):
    reponse = mot_de_passe(client, agent.username, "mauvais-mot-de-passe-123")
    assert "Veuillez compléter correctement les champs" in texte(reponse)
    evenement = Evenement.objects.get(type=TypeEvenement.CONNEXION)
    assert evenement.identifiant == agent.username and evenement.resultat == Resultat.ECHEC
    assert "mauvais-mot-de-passe-123" not in str(evenement.details) + evenement.motif


def test_un_identifiant_partenaire_n_ouvre_pas_l_administration(client, db):
    habilitation = HabilitationFactory()
    reponse = mot_de_passe(client, habilitation.identifiant, MOT_DE_PASSE_PARTENAIRE)
    assert "Veuillez compléter correctement les champs" in texte(reponse)
    assert not TOTPDevice.objects.exists()
    assert client.get("/gestion/verification/").status_code == 302


def test_la_page_de_verification_sans_session(client, db):
    assert client.get("/gestion/verification/").status_code == 302
