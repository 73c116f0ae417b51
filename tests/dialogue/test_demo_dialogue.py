"""The demo opens the Dialogue for one Caf, deterministically (issue 16: "the demo opens it for
at least one Caf, so a newcomer sees it"): the Caf of the Charente, whose screen the manual shows
(02-…, annexe 4, « Rubrique de dialogue »), with an answer waiting for one of its agents."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from pytest_django.asserts import assertContains

from conventions.models import Caisse
from demo.dialogue import AUTEUR, QUESTION, REPONSE
from dialogue.models import Message, Reponse
from tests.conftest import connecter_au_admin
from tests.outils import demo_json, monde_de_demo, texte

LIEN_SIMPLE = '<a href="/portail/dialogue/">Dialogue</a>'
EN_ATTENTE = (
    '<a href="/portail/dialogue/messages/">Dialogue <strong>(1 réponse'
    '<span class="invisible"> non lue</span>)</strong></a>'
)


@pytest.fixture(scope="module")
def monde(django_db_setup, django_db_blocker):
    with monde_de_demo(django_db_blocker) as monde:
        yield monde


def connecter(monde, cle_ou_identifiant: str) -> Client:
    client = Client()
    h = next(h for h in monde["habilitations"] if h["identifiant"] == cle_ou_identifiant)
    reponse = client.post("/", {"identifiant": h["identifiant"], "mot_de_passe": h["password"]})
    assert reponse["Location"] == "/portail/", reponse["Location"]
    return client


def test_la_demo_ouvre_le_dialogue_de_la_charente(monde, db):
    assert monde["dialogue"]["caisse"] == "161"
    assert list(Caisse.objects.filter(dialogue_ouvert=True).values_list("numero", flat=True)) == ["161"]
    # The Caf's other agents see the manual's pictogram; the author, the answer waiting for him.
    autre = next(
        h for h in monde["habilitations"] if h["caisse"] == "161" and h["identifiant"] != monde["dialogue"]["agent"]
    )
    assertContains(connecter(monde, autre["identifiant"]).get("/portail/"), LIEN_SIMPLE, html=True)
    auteur = connecter(monde, monde["dialogue"]["agent"])
    assertContains(auteur.get("/portail/"), EN_ATTENTE, html=True)
    message = Message.objects.get()
    assert (message.caisse.numero, message.texte, message.traite) == ("161", QUESTION, True)
    page = auteur.get(f"/portail/dialogue/messages/{message.public_id}/")
    assert REPONSE in texte(page)
    assertContains(page, LIEN_SIMPLE, html=True)
    # An agent of a Caf that did not open it: no pictogram.
    ailleurs = next(h for h in monde["habilitations"] if h["caisse"] == "131" and h["scope"] == "locale")
    assert "/portail/dialogue/" not in connecter(monde, ailleurs["identifiant"]).get("/portail/").content.decode()


def test_le_gestionnaire_de_la_demo_voit_le_message_et_sa_reponse(monde, db):
    from habilitations.models import User

    admin = connecter_au_admin(Client(), User.objects.get(username="gestion.161"))
    message = Message.objects.get()
    page = admin.get(f"/gestion/dialogue/message/{message.pk}/change/")
    assert QUESTION in texte(page) and REPONSE in texte(page)


def test_relancer_la_demo_ne_change_rien_et_rouvre_le_dialogue(monde, db):
    Caisse.objects.filter(numero="161").update(dialogue_ouvert=False)
    assert demo_json() == monde
    assert Caisse.objects.get(numero="161").dialogue_ouvert
    assert Message.objects.count() == Reponse.objects.count() == 1


def test_l_auteur_est_l_agent_du_ccas_d_angouleme(monde, db):
    from demo.comptes import identifiant_demo

    assert monde["dialogue"]["agent"] == identifiant_demo(AUTEUR)
    sortie = io.StringIO()
    call_command("demo", "--dossiers", "0", stdout=sortie)
    assert f"Rubrique Dialogue — ouverte par la Caf de la Charente (161) ; l'agent {identifiant_demo(AUTEUR)}" in (
        sortie.getvalue()
    )
