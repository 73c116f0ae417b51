"""Who reads the journal des accès: only the Responsables Sécurité, for their own Caf; every
refusal journaled; every read journaled."""

import pytest

from journal.models import Evenement, Resultat, TypeEvenement
from tests.conftest import connecter_au_admin
from tests.factories import HabilitationFactory
from tests.outils import texte

PAGES = [
    "/gestion/controle/journal/",
    "/gestion/controle/journal/export.csv",
    "/gestion/controle/journal/dossier/?numero=1234567",
]


def refus_de(username):
    return Evenement.objects.filter(type=TypeEvenement.REFUS, resultat=Resultat.REFUS, identifiant=username)


@pytest.mark.parametrize("url", PAGES)
def test_anonyme_renvoye_a_la_connexion_du_personnel(client, db, url):
    reponse = client.get(url)
    assert reponse.status_code == 302
    assert reponse["Location"].startswith("/gestion/login/")


@pytest.mark.parametrize("url", PAGES)
def test_un_gestionnaire_est_refuse_et_journalise(admin_131, gestionnaire_131, url):
    reponse = admin_131.get(url)
    assert reponse.status_code == 403
    assert "réservé aux Responsables Sécurité" in texte(reponse)
    assert refus_de(gestionnaire_131.username).filter(motif__startswith="journal des accès").count() == 1
    assert not Evenement.objects.filter(type=TypeEvenement.CONTROLE).exists()


@pytest.mark.parametrize("url", PAGES)
def test_un_agent_partenaire_connecte_au_portail_est_refuse(client, db, url):
    habilitation = HabilitationFactory()
    client.force_login(habilitation.user)
    reponse = client.get(url)
    assert reponse.status_code == 403
    refus = refus_de(habilitation.identifiant).get()
    assert refus.habilitation_id == habilitation.pk and refus.caisse == "131"


def test_un_officier_sans_second_facteur_est_renvoye_a_la_connexion(client, officier_131):
    client.force_login(officier_131)
    reponse = client.get("/gestion/controle/journal/")
    assert reponse.status_code == 302
    assert not Evenement.objects.filter(type=TypeEvenement.CONTROLE).exists()


def test_l_officier_d_une_autre_caf_ne_voit_pas_la_chronologie(client, officier_161):
    habilitation = HabilitationFactory()  # Caf 131
    connecter_au_admin(client, officier_161)
    reponse = client.get(f"/gestion/controle/journal/habilitations/{habilitation.public_id}/")
    assert reponse.status_code == 403
    assert habilitation.nom not in texte(reponse)
    assert refus_de(officier_161.username).get().caisse == "161"
    assert not Evenement.objects.filter(type=TypeEvenement.CONTROLE).exists()


def test_une_habilitation_inexistante_est_un_refus_journalise(client, officier_131):
    connecter_au_admin(client, officier_131)
    assert (
        client.get("/gestion/controle/journal/habilitations/00000000-0000-4000-8000-000000000000/").status_code == 403
    )
    assert refus_de(officier_131.username).exists()


def test_chaque_lecture_est_journalisee(client, officier_131):
    habilitation = HabilitationFactory()
    connecter_au_admin(client, officier_131)
    assert client.get("/gestion/controle/journal/", {"numero_allocataire": "7654321"}).status_code == 200
    assert client.get("/gestion/controle/journal/dossier/", {"numero": "7654321"}).status_code == 200
    assert client.get(f"/gestion/controle/journal/habilitations/{habilitation.public_id}/").status_code == 200
    reponse = client.get("/gestion/controle/journal/export.csv", {"genre": "consultation"})
    b"".join(reponse.streaming_content)
    lectures = Evenement.objects.filter(type=TypeEvenement.CONTROLE).order_by("id")
    assert [e.motif for e in lectures] == ["recherche", "dossier", "chronologie", "export"]
    for e in lectures:
        assert e.resultat == Resultat.SUCCES
        assert e.identifiant == officier_131.username and e.caisse == "131"
    assert lectures[0].details["filtres"] == {"numero_allocataire": "7654321"}
    assert lectures[1].details["numero"] == "7654321"
    assert lectures[2].details["habilitation"] == habilitation.pk
    assert lectures[3].details["filtres"] == {"genre": "consultation"}


def test_l_accueil_de_l_administration_mene_au_journal(client, officier_131, admin_131):
    # admin_131 logged the gestionnaire in on `client`: the officer on a fresh one.
    from django.test import Client

    officier = connecter_au_admin(Client(), officier_131)
    accueil = texte(officier.get("/gestion/"))
    for lien in ("/gestion/controle/journal/", "/gestion/controle/indicateurs/", "/gestion/controle/surveillances/"):
        assert f'href="{lien}"' in accueil
    assert "Journal des accès" in accueil
    assert "Journal des accès" not in texte(admin_131.get("/gestion/"))
    assert "/gestion/controle/" not in texte(admin_131.get("/gestion/"))


@pytest.mark.parametrize(
    "adresse",
    ["journal/", "journal/dossier/?numero=1000001", "indicateurs/", "surveillances/", "surveillances/nouvelle/"],
)
def test_chaque_ecran_est_dans_l_espace_du_personnel_avec_un_seul_titre(officier_131, adresse):
    from django.test import Client

    page = texte(connecter_au_admin(Client(), officier_131).get(f"/gestion/controle/{adresse}"))
    assert "Cafpro — administration des accès" in page
    assert page.count("<h1") == 1


def test_les_adresses_de_l_officier_ne_portent_aucune_cle_entiere(client, officier):
    """The timeline and the surveillances are named by their public_id, never by an integer key."""
    import re

    from controle.models import MiseSousSurveillance

    habilitation = HabilitationFactory()
    page = texte(client.get("/gestion/controle/journal/", {"identifiant": habilitation.identifiant}))
    HabilitationFactory()  # another one, so that keys are not all 1
    client.post(
        "/gestion/controle/surveillances/nouvelle/",
        {"habilitation": habilitation.public_id, "motif": "Contrôle", "fin": "2999-12-31"},
    )
    surveillance = MiseSousSurveillance.objects.get()
    page = texte(client.get("/gestion/controle/surveillances/")) + page
    assert f"/gestion/controle/surveillances/{surveillance.public_id}/" in page
    assert not re.search(r"/gestion/controle/[\w/-]*/\d+/", page)
    assert client.get(f"/gestion/controle/journal/habilitations/{habilitation.pk}/").status_code == 404
