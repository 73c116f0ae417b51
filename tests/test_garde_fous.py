"""Safeguards found by review: each closes a way around a rule of the Foundation or the login."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from conventions.models import Caisse
from habilitations.models import EtatHabilitation, User
from journal.models import Evenement, TypeEvenement
from tests.conftest import connecter_au_admin
from tests.factories import ConventionFactory, HabilitationFactory, StaffFactory, caisse
from tests.outils import mot_de_passe_de_la_feuille, page_du_lot, texte
from tests.test_reglages import CLE, manage


def test_le_profil_d_une_convention_habilitee_ne_change_plus(admin_131, caf_131):
    habilitation = HabilitationFactory(convention__caisse=caf_131, convention__profil="T13")
    convention = habilitation.convention
    page = admin_131.get(f"/gestion/conventions/convention/{convention.pk}/change/")
    donnees = {
        "numero": convention.numero,
        "caisse": caf_131.pk,
        "partenaire": convention.partenaire.pk,
        "profil": "T12",
        "portee": "locale",
        "date_effet": "13/03/2024",
        "habilitations-TOTAL_FORMS": "0",
        "habilitations-INITIAL_FORMS": "0",
    }
    assert page.status_code == 200
    reponse = admin_131.post(f"/gestion/conventions/convention/{convention.pk}/change/", donnees)
    assert "Le profil ne peut plus changer (T13)" in texte(reponse)
    convention.refresh_from_db()
    assert convention.profil == "T13"


def test_une_habilitation_ne_change_pas_de_convention(admin_131, caf_131):
    habilitation = HabilitationFactory(convention__caisse=caf_131)
    page = texte(admin_131.get(f"/gestion/habilitations/habilitation/{habilitation.pk}/change/"))
    assert 'name="convention"' not in page


def test_un_verrou_du_compteur_se_voit_et_se_leve(client, admin_131, caf_131):
    habilitation = HabilitationFactory(convention__caisse=caf_131, etat=EtatHabilitation.DEMANDEE)
    for _ in range(3):
        client.post("/", {"identifiant": habilitation.identifiant, "mot_de_passe": "Xy7zW3"})
    # Opening the rights issues a password and clears the failures.
    reponse = admin_131.post(
        "/gestion/habilitations/habilitation/", {"action": "ouvrir_droits", "_selected_action": [habilitation.pk]}
    )
    mot_de_passe = mot_de_passe_de_la_feuille(page_du_lot(admin_131, reponse))
    assert client.post("/", {"identifiant": habilitation.identifiant, "mot_de_passe": mot_de_passe})["Location"] == (
        "/mot-de-passe/"
    )


def test_un_compte_de_caf_sans_caf_est_refuse_avec_un_message(client, db):
    connecter_au_admin(client, StaffFactory(username="cnaf", caisse=None, role="", is_superuser=True))
    reponse = client.post(
        "/gestion/habilitations/user/add/",
        {
            "username": "gestion.sanscaf",
            "caisse": "",
            "role": "gestionnaire",
            "usable_password": "true",
            "password1": "Un-mot-de-passe-solide-2026",
            "password2": "Un-mot-de-passe-solide-2026",
        },
    )
    assert reponse.status_code == 200
    assert "Un agent de Caf est rattaché à une Caf" in texte(reponse)
    assert not User.objects.filter(username="gestion.sanscaf").exists()


def test_l_historique_d_une_autre_caf_est_refuse(admin_131, caf_161):
    assert admin_131.get(f"/gestion/conventions/caisse/{caf_161.pk}/history/").status_code == 403


def test_les_actions_des_gestionnaires_sont_journalisees(admin_131, caf_131):
    admin_131.post(f"/gestion/conventions/caisse/{caf_131.pk}/change/", {"dialogue_ouvert": "on"})
    evenement = Evenement.objects.get(type=TypeEvenement.GESTION)
    assert evenement.motif == "modification de la caisse 131"
    assert evenement.details["champs"] == ["dialogue_ouvert"]


def test_le_referentiel_n_est_pas_ecrase_au_redemarrage(db):
    caf = caisse("131")
    caf.dialogue_ouvert = True
    caf.save()
    sortie = io.StringIO()
    call_command("referentiel", stdout=sortie)
    assert "inchangé" in sortie.getvalue()
    assert Caisse.objects.get(numero="131").dialogue_ouvert


def test_la_demo_refuse_hors_developpement(db, settings):
    settings.CAFPRO_DEMO_AUTORISEE = False
    with pytest.raises(CommandError, match="jamais en production"):
        call_command("demo", stdout=io.StringIO())
    assert not User.objects.filter(username="gestion.131").exists()


def test_la_production_refuse_la_cle_de_developpement():
    resultat = manage("check", env={"SECRET_KEY": "dev-only-cafpro-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH"})
    assert resultat.returncode != 0 and "SECRET_KEY" in resultat.stderr


def test_database_url_vide_donne_sqlite():
    resultat = manage(
        "shell",
        "-c",
        "from django.db import connection; print(connection.vendor)",
        env={"SECRET_KEY": CLE, "DATABASE_URL": ""},
    )
    assert resultat.stdout.strip().splitlines()[-1] == "sqlite", resultat.stderr


def test_une_date_d_effet_absurde_a_un_message(db, caf_131):
    from datetime import date

    from django.core.exceptions import ValidationError

    convention = ConventionFactory.build(caisse=caf_131, date_effet=date(9999, 12, 31))
    convention.partenaire.save()
    convention.partenaire_id = convention.partenaire.pk
    convention.date_denonciation = date(2026, 1, 1)
    with pytest.raises(ValidationError, match="entre 1990 et 2100"):
        convention.clean()
