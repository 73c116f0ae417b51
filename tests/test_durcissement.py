"""Hardening of the door: security headers, cookies, and the journal failing closed."""

from unittest import mock

import pytest
from django.db import DatabaseError
from django.test import Client

from tests.factories import MOT_DE_PASSE_PARTENAIRE, HabilitationFactory


def test_en_tetes_de_securite(client, db):
    reponse = client.get("/")
    csp = reponse["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert reponse["X-Frame-Options"] == "DENY"
    assert reponse["Referrer-Policy"] == "same-origin"
    assert reponse["X-Content-Type-Options"] == "nosniff"


def test_le_formulaire_n_a_aucun_script_en_ligne(client, habilitation_connectee):
    page = habilitation_connectee.get("/portail/").content.decode()
    assert "<script>" not in page and "onclick" not in page
    assert '<script src="/static/js/inactivite.js">' in page


def test_cookie_de_session_httponly_et_samesite(client, db):
    habilitation = HabilitationFactory()
    reponse = client.post("/", {"identifiant": habilitation.identifiant, "mot_de_passe": MOT_DE_PASSE_PARTENAIRE})
    cookie = reponse.cookies["cafpro_session"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_si_le_journal_ne_peut_etre_ecrit_la_connexion_n_a_pas_lieu(db):
    habilitation = HabilitationFactory()
    client = Client(raise_request_exception=False)
    with mock.patch("habilitations.connexion.enregistrer", side_effect=DatabaseError("journal indisponible")):
        reponse = client.post("/", {"identifiant": habilitation.identifiant, "mot_de_passe": MOT_DE_PASSE_PARTENAIRE})
    assert reponse.status_code == 500
    assert "_auth_user_id" not in client.session
    assert client.get("/portail/").status_code == 302


@pytest.fixture
def habilitation_connectee(client, db):
    habilitation = HabilitationFactory()
    client.post("/", {"identifiant": habilitation.identifiant, "mot_de_passe": MOT_DE_PASSE_PARTENAIRE})
    return client


def test_l_icone_du_site_est_servie_a_tous(client, db):
    """Browsers ask /favicon.ico of every site: a 404 there was a console error on each page."""
    reponse = client.get("/favicon.ico")
    assert reponse.status_code == 301 and reponse["Location"].endswith("img/favicon.svg")
    assert 'rel="icon"' in client.get("/").content.decode()
