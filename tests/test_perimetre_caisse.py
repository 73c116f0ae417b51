"""Deny by default in the admin: a Caf's staff see only their own Caisse's records.

Issue "Foundation": a staff user of Caf 131 cannot read Caf 161's partners, conventions
and habilitations — neither in lists, nor by a typed URL, nor by a forged form.
"""

import pytest

from conventions.models import Convention, Partenaire
from habilitations.models import EtatHabilitation, Habilitation, Role
from tests.conftest import connecter_au_admin
from tests.factories import HabilitationFactory, PartenaireFactory, StaffFactory, caisse
from tests.outils import texte


@pytest.fixture
def monde_161(caf_161):
    habilitation = HabilitationFactory(
        convention__caisse=caf_161,
        convention__numero="16/2026/999",
        convention__partenaire__raison_sociale="CCAS de Cognac",
        nom="CONFIDENTIEL",
    )
    return habilitation


PAGES = {
    "partenaire": lambda h: h.convention.partenaire,
    "convention": lambda h: h.convention,
    "habilitation": lambda h: h,
}
APPS = {"partenaire": "conventions", "convention": "conventions", "habilitation": "habilitations"}


@pytest.mark.parametrize("modele", PAGES)
def test_les_listes_ne_montrent_que_sa_caisse(admin_131, monde_161, caf_131, modele):
    HabilitationFactory(
        convention__caisse=caf_131, nom="VISIBLE", convention__partenaire__raison_sociale="CCAS d'Aubagne"
    )
    page = texte(admin_131.get(f"/gestion/{APPS[modele]}/{modele}/"))
    assert "CCAS de Cognac" not in page and "16/2026/999" not in page and "CONFIDENTIEL" not in page
    assert {"partenaire": "CCAS d'Aubagne", "convention": "CCAS d'Aubagne", "habilitation": "VISIBLE"}[modele] in page


@pytest.mark.parametrize("modele", PAGES)
def test_une_url_tapee_vers_une_autre_caisse_est_refusee(admin_131, monde_161, modele):
    objet = PAGES[modele](monde_161)
    reponse = admin_131.get(f"/gestion/{APPS[modele]}/{modele}/{objet.pk}/change/", follow=True)
    page = texte(reponse)
    assert "CCAS de Cognac" not in page and "CONFIDENTIEL" not in page
    # The admin answers as for a record that does not exist: nothing tells it does.
    assert "n’existe pas" in page or "n'existe pas" in page


def test_la_caisse_d_en_face_voit_les_siens(admin_161, monde_161):
    page = texte(admin_161.get(f"/gestion/habilitations/habilitation/{monde_161.pk}/change/"))
    assert "CONFIDENTIEL" in page


def test_un_formulaire_force_vers_une_autre_caisse_est_refuse(admin_131, monde_161, caf_161):
    reponse = admin_131.post(
        "/gestion/conventions/convention/add/",
        {
            "numero": "FORGEE",
            "caisse": caf_161.pk,
            "partenaire": monde_161.convention.partenaire.pk,
            "profil": "T1",
            "portee": "locale",
            "date_effet": "01/01/2026",
        },
    )
    assert reponse.status_code == 200
    assert "Sélectionnez un choix valide" in texte(reponse)
    assert not Convention.objects.filter(numero="FORGEE").exists()


def test_une_action_forcee_sur_une_autre_caisse_ne_fait_rien(admin_131, monde_161):
    admin_131.post(
        "/gestion/habilitations/habilitation/",
        {"action": "suspendre", "_selected_action": [monde_161.pk]},
    )
    monde_161.refresh_from_db()
    assert monde_161.etat == EtatHabilitation.ACTIVE


def test_une_habilitation_ne_peut_viser_la_convention_d_une_autre_caisse(admin_131, monde_161):
    reponse = admin_131.post(
        "/gestion/habilitations/habilitation/add/",
        {
            "convention": monde_161.convention.pk,
            "nom": "INTRUS",
            "prenom": "Jean",
            "fonction": "Agent",
            "adresse_professionnelle": "ici",
            "telephone": "0100000000",
            "email": "intrus@x.invalid",
            "contrat": "CDI",
            "date_demande": "01/01/2026",
        },
    )
    assert "Sélectionnez un choix valide" in texte(reponse)
    assert not Habilitation.objects.filter(nom="INTRUS").exists()


def test_un_responsable_securite_ne_gere_pas_les_habilitations(client, monde_161, caf_161):
    connecter_au_admin(client, StaffFactory(username="secu.161", caisse=caf_161, role=Role.SECURITE))
    assert client.get("/gestion/habilitations/habilitation/").status_code == 403
    assert client.get("/gestion/conventions/partenaire/").status_code == 403


def test_un_identifiant_partenaire_n_ouvre_jamais_l_administration(client, monde_161):
    client.force_login(monde_161.user)
    reponse = client.get("/gestion/")
    assert reponse.status_code == 302
    assert reponse["Location"].startswith("/gestion/login/")
    assert client.get("/gestion/habilitations/habilitation/").status_code == 302


def test_le_superutilisateur_national_voit_toutes_les_caisses(client, monde_161, caf_131):
    HabilitationFactory(convention__caisse=caf_131, nom="MARSEILLAIS")
    connecter_au_admin(client, StaffFactory(username="cnaf", caisse=None, role="", is_superuser=True))
    page = texte(client.get("/gestion/habilitations/habilitation/"))
    assert "CONFIDENTIEL" in page and "MARSEILLAIS" in page


def test_la_suppression_n_est_offerte_a_personne(admin_131, caf_131):
    partenaire = PartenaireFactory(caisse=caf_131)
    assert admin_131.get(f"/gestion/conventions/partenaire/{partenaire.pk}/delete/").status_code == 403
    assert Partenaire.objects.filter(pk=partenaire.pk).exists()


def test_le_gestionnaire_ouvre_le_dialogue_de_sa_seule_caisse(admin_131, caf_131, caf_161):
    reponse = admin_131.post(f"/gestion/conventions/caisse/{caf_131.pk}/change/", {"dialogue_ouvert": "on"})
    assert reponse.status_code == 302
    caf_131.refresh_from_db()
    assert caf_131.dialogue_ouvert
    admin_131.post(f"/gestion/conventions/caisse/{caf_161.pk}/change/", {"dialogue_ouvert": "on"})
    assert not caisse("161").dialogue_ouvert
