"""`manage.py demo`: deterministic, idempotent, covering every profile and scope.

The demo runs once for the whole module (`monde`); each test runs in a savepoint of its own
inside that run (pytest-django's `db`), rolled back after it, so that no test sees another's
changes and their order does not matter. The tests about re-running run it again."""

import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import models

from conventions.models import Convention, Partenaire
from demo.dossiers import CAISSES_DEMO, dossiers_documentes
from habilitations.models import EtatHabilitation, Habilitation, User
from profils.definitions import PROFILS
from revue.models import Campagne, Confirmation
from tests.outils import demo_json, monde_de_demo

# A couple of generated dossiers per Caf: their bulk generation has tests of its own.
DOSSIERS = 2


@pytest.fixture(scope="module")
def monde(django_db_setup, django_db_blocker):
    """The world of one run, shared by the module's tests and rolled back after them."""
    with monde_de_demo(django_db_blocker, DOSSIERS) as monde:
        yield monde


def instantane() -> list:
    """Every row the demo touches, passwords' hashes included."""
    return [
        list(User.objects.order_by("username").values_list("username", "password", "is_active", "role", "caisse_id")),
        list(Partenaire.objects.order_by("siret").values()),
        list(Convention.objects.order_by("numero").values()),
        list(Habilitation.objects.order_by("user__username").values()),
        list(Campagne.objects.order_by("pk").values()),
        list(Confirmation.objects.order_by("pk").values()),
    ]


def test_deux_executions_ne_changent_rien(monde, db):
    premier = monde
    avant = instantane()
    second = demo_json(DOSSIERS)
    assert premier == second
    assert instantane() == avant


def test_chaque_profil_et_chaque_portee(monde, db):
    profils = {h["profil"] for h in monde["habilitations"]}
    assert profils == set(PROFILS)
    assert {h["scope"] for h in monde["habilitations"]} == {"locale", "multi_caf", "nationale"}
    for cle in ("identifiant", "password", "profil", "caisse", "scope", "convention"):
        assert all(h[cle] for h in monde["habilitations"]), cle
    assert {(d["caisse"], d["numero"]) for d in monde["dossiers"]} == {
        (caisse, numero) for caisse in CAISSES_DEMO for numero, _ in dossiers_documentes(caisse)
    }


def test_les_habilitations_actives_s_ouvrent_avec_le_mot_de_passe_affiche(monde, db):
    for h in monde["habilitations"]:
        user = authenticate(username=h["identifiant"], password=h["password"])
        assert user is not None, h["identifiant"]
        assert len(h["identifiant"]) == 8 and len(h["password"]) == 6
        habilitation = user.habilitation
        assert habilitation.etat_effectif() == EtatHabilitation.ACTIVE
        assert habilitation.convention.est_active()
        assert habilitation.profil == h["profil"]
        assert habilitation.convention.caisse.numero == h["caisse"]


def test_personnel_de_trois_caisses_dont_une_outre_mer(monde, db):
    staff = monde["staff"]
    assert {(s["caisse"], s["role"]) for s in staff} == {
        (caisse, role) for caisse in ("131", "161", "974") for role in ("gestionnaire", "securite")
    }
    for s in staff:
        assert authenticate(username=s["username"], password=s["password"]).est_agent_caf


def test_les_conventions_des_sources_gardent_leurs_references(monde, db):
    essey = Convention.objects.get(numero="2017 / 006 / T2")
    assert essey.partenaire.siret == "21540184500015"
    assert essey.caisse.numero == "541"
    assert Convention.objects.get(numero="2018-001").profil == "T13"
    assert Convention.objects.get(numero="78/2016/XXAS – T2").caisse.numero == "781"


def test_le_resume_affiche_les_identifiants(monde, db):
    sortie = io.StringIO()
    call_command("demo", "--dossiers", "2", stdout=sortie)
    texte = sortie.getvalue()
    assert "http://127.0.0.1:8000/" in texte
    assert all(h["identifiant"] in texte and h["password"] in texte for h in monde["habilitations"])
    assert all(s["username"] in texte for s in monde["staff"])


def test_le_resume_donne_l_adresse_ou_le_portail_est_servi(monde, db):
    """`dev.py run ADRESSE` passes the URLs it serves (issue 15): the listing shows them, not :8000."""
    sortie = io.StringIO()
    call_command(
        "demo",
        "--dossiers",
        "2",
        "--portail",
        "http://127.0.0.1:8765",
        "--portail=http://192.0.2.10:8765/",
        stdout=sortie,
    )
    texte = sortie.getvalue()
    assert "Portail partenaires — http://127.0.0.1:8765/ (depuis un autre poste : http://192.0.2.10:8765/)" in texte
    assert (
        "Administration des Caf — http://127.0.0.1:8765/gestion/ (depuis un autre poste : http://192.0.2.10:8765/gestion/)"
        in texte
    )
    assert ":8000" not in texte


def test_le_personnel_de_demo_a_son_second_facteur(monde, client, db):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    agent = monde["staff"][0]
    appareil = TOTPDevice.objects.get(user__username=agent["username"])
    assert appareil.key == agent["totp_key"] and appareil.confirmed
    client.post("/gestion/login/", {"username": agent["username"], "password": agent["password"], "next": "/gestion/"})
    jeton = f"{totp(bytes.fromhex(agent['totp_key'])):06d}"
    assert client.post("/gestion/verification/", {"jeton": jeton})["Location"] == "/gestion/"
    assert client.get("/gestion/habilitations/habilitation/").status_code == 200


def test_code_totp_de_demonstration(monde, db):
    from django.core.management.base import CommandError
    from django_otp.plugins.otp_totp.models import TOTPDevice

    sortie = io.StringIO()
    call_command("demo", "--code-totp", "gestion.131", stdout=sortie)
    appareil = TOTPDevice.objects.get(user__username="gestion.131")
    assert appareil.verify_token(sortie.getvalue().strip())
    with pytest.raises(CommandError):
        call_command("demo", "--code-totp", "gestion.test131")


def test_relancer_la_demo_remet_les_acces_listes_en_etat(monde, client, db):
    from datetime import timedelta

    from django.utils import timezone

    agent, provisoire = monde["habilitations"][0], monde["habilitations"][-1]
    habilitation = Habilitation.objects.get(user__username=agent["identifiant"])
    habilitation.etat = EtatHabilitation.VERROUILLEE
    habilitation.mot_de_passe_change_le = timezone.now() - timedelta(days=400)
    habilitation.save()
    habilitation.user.set_password("Autre9x")
    habilitation.user.save()
    ancienne = Habilitation.objects.get(user__username=provisoire["identifiant"])
    ancienne.mot_de_passe_provisoire_le = timezone.now() - timedelta(days=30)
    ancienne.save()

    assert demo_json(DOSSIERS) == monde
    reponse = client.post("/", {"identifiant": agent["identifiant"], "mot_de_passe": agent["password"]})
    assert reponse["Location"] == "/portail/"
    client.post("/deconnexion/")
    reponse = client.post("/", {"identifiant": provisoire["identifiant"], "mot_de_passe": provisoire["password"]})
    assert reponse["Location"] == "/mot-de-passe/"


def test_la_demo_ecrit_un_mois_de_journal_une_seule_fois(monde, db):
    from journal.chaine import chaines, verifier_chaine
    from journal.models import Evenement, TypeEvenement

    ecrits = Evenement.objects.filter(details__demo=True)
    nombre = ecrits.count()
    assert nombre > 500
    assert ecrits.filter(caisse="131", type=TypeEvenement.CONSULTATION).exists()
    assert ecrits.filter(type=TypeEvenement.VERROUILLAGE).exists()
    # A multi-Caf agent's consultation of another Caf's dossier, for the indicators.
    assert ecrits.filter(type=TypeEvenement.CONSULTATION).exclude(caisse_dossier=models.F("caisse")).exists()
    assert all(verifier_chaine(chaine)[1] is None for chaine in chaines())
    demo_json(DOSSIERS)
    assert Evenement.objects.filter(details__demo=True).count() == nombre


def test_relancer_la_demo_journalise_chaque_compte_remis_en_etat(monde, client, db):
    """Each account a run puts back gets one GESTION event naming what was reset; the others
    none, and a run that finds everything as listed journals nothing (issue 15)."""
    from habilitations import verrou_personnel
    from journal.chaine import chaines, verifier_chaine
    from journal.models import Evenement, TypeEvenement

    verrouille, modifie, suspendu, intact = (h["identifiant"] for h in monde["habilitations"][:4])
    gestionnaire = next(s for s in monde["staff"] if s["username"] == "gestion.161")
    # Three wrong passwords at the portal's door lock the first agent.
    for _ in range(3):
        client.post("/", {"identifiant": verrouille, "mot_de_passe": "Faux9x"})
    assert Habilitation.objects.get(user__username=verrouille).etat == EtatHabilitation.VERROUILLEE
    # The second one chose another password; the gestionnaire too, and then got himself blocked.
    user = User.objects.get(username=modifie)
    user.set_password("Autre9x")
    user.save()
    # A gestionnaire suspended the third (his own action is journaled with him as acteur).
    Habilitation.objects.get(user__username=suspendu).suspendre(User.objects.get(username="gestion.131"))
    staff = User.objects.get(username=gestionnaire["username"])
    staff.set_password("Un-autre-mot-de-passe-2026")
    staff.save()
    while verrou_personnel.compter_tentative(staff.username) is not None:
        pass
    assert verrou_personnel.est_bloque(staff.username)

    par_la_demo = Evenement.objects.filter(type=TypeEvenement.GESTION, acteur="demo")
    assert not par_la_demo.exists()
    assert demo_json(DOSSIERS) == monde

    for identifiant in (verrouille, modifie, suspendu, intact):
        mot_de_passe = next(h["password"] for h in monde["habilitations"] if h["identifiant"] == identifiant)
        reponse = client.post("/", {"identifiant": identifiant, "mot_de_passe": mot_de_passe})
        assert reponse["Location"] == "/portail/", identifiant
        client.post("/deconnexion/")
    assert authenticate(username=staff.username, password=gestionnaire["password"]) is not None
    assert not verrou_personnel.est_bloque(staff.username)

    motifs = dict(par_la_demo.values_list("identifiant", "motif"))
    assert par_la_demo.count() == len(motifs) == 4
    prefixe = "remise en état du compte de démonstration (manage.py demo) : "
    assert motifs == {
        verrouille: prefixe + "échecs de connexion effacés, déverrouillage",
        modifie: prefixe + "mot de passe",
        suspendu: prefixe + "réactivation",
        staff.username: prefixe + "mot de passe, connexion débloquée",
    }
    evenement = par_la_demo.get(identifiant=verrouille)
    habilitation = Habilitation.objects.get(user__username=verrouille)
    assert (evenement.habilitation_id, evenement.caisse) == (habilitation.pk, habilitation.convention.caisse.numero)
    assert par_la_demo.get(identifiant=staff.username).caisse == "161"

    # Everything is as listed now: running again writes nothing at all to the journal.
    nombre = Evenement.objects.count()
    demo_json(DOSSIERS)
    assert Evenement.objects.count() == nombre
    assert all(verifier_chaine(chaine)[1] is None for chaine in chaines())


def test_une_revue_annuelle_des_acces_est_ouverte(monde, db):
    """Issue 16: a newcomer finds a review open on the Caf 131 gestionnaire's home page."""
    revue = monde["revue"]
    assert (revue["caisse"], revue["etat"], revue["agents"]) == ("131", "ouverte", 2)
    campagne = Campagne.objects.get(convention__caisse__numero="131", convention__numero=revue["convention"])
    assert campagne.accepte_les_reponses()
    assert set(campagne.confirmations.values_list("decision", flat=True)) == {"a_confirmer"}
