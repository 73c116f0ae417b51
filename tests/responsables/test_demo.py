"""The demo's responsable habilitations (issue 16): listed with his password and TOTP key, he
opens /espace/ and sees the T13 convention's agents; a second run changes nothing."""

import io

import pytest
from django.core.management import call_command
from django_otp.oath import totp

from habilitations.models import ResponsableHabilitations
from tests.outils import demo_json, monde_de_demo


@pytest.fixture(scope="module")
def monde(django_db_setup, django_db_blocker):
    with monde_de_demo(django_db_blocker) as monde:
        yield monde


def test_le_responsable_de_demo_ouvre_son_espace(monde, client, db):
    responsable = monde["responsable"]
    assert (responsable["caisse"], responsable["convention"]) == ("131", "2018-001")
    client.post(
        "/espace/connexion/", {"identifiant": responsable["identifiant"], "mot_de_passe": responsable["password"]}
    )
    jeton = f"{totp(bytes.fromhex(responsable['totp_key'])):06d}"
    assert client.post("/espace/second-facteur/", {"jeton": jeton})["Location"] == "/espace/"
    assert "MARTINEZ" in client.get("/espace/").content.decode()


def test_le_listing_et_le_code_du_moment(monde, db):
    sortie = io.StringIO()
    call_command("demo", "--dossiers", "0", stdout=sortie)
    assert "Espace responsable habilitations — " in sortie.getvalue()
    assert monde["responsable"]["totp_base32"] in sortie.getvalue()
    code = io.StringIO()
    call_command("demo", "--code-totp", monde["responsable"]["identifiant"], stdout=code)
    assert len(code.getvalue().strip()) == 6


def test_une_seconde_execution_ne_change_rien(monde, db):
    assert demo_json()["responsable"] == monde["responsable"]
    assert ResponsableHabilitations.objects.count() == 1
