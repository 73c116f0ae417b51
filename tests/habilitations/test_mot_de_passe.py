"""Password life: forced change of a Caf-issued password, periodic change, rules, resets.

Sources: conventions `03-…`/`04-…` art. 2 ("modifié régulièrement"), `01-…` art. 4 (the
Caf may change any password and notifies it), manual "Identification" (6 characters).
"""

import io
import json
import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from habilitations.models import Habilitation
from journal.models import Evenement, Resultat, TypeEvenement
from tests.factories import MOT_DE_PASSE_PARTENAIRE, HabilitationFactory
from tests.outils import texte

NOUVEAU = "Rv8kT4pz"


def se_connecter(client, identifiant, mot_de_passe):
    return client.post("/", {"identifiant": identifiant, "mot_de_passe": mot_de_passe})


def changer(client, actuel, nouveau, confirmation=None):
    return client.post(
        "/mot-de-passe/", {"actuel": actuel, "nouveau": nouveau, "confirmation": confirmation or nouveau}
    )


@pytest.fixture
def provisoire(db):
    return HabilitationFactory(mot_de_passe_change_le=None, mot_de_passe_provisoire_le=timezone.now())


def test_le_mot_de_passe_de_la_caf_doit_etre_change_a_la_premiere_connexion(client, provisoire):
    reponse = se_connecter(client, provisoire.identifiant, MOT_DE_PASSE_PARTENAIRE)
    assert reponse["Location"] == "/mot-de-passe/"
    # No other page until it is changed: the portal sends back to the change page.
    assert client.get("/portail/")["Location"] == "/mot-de-passe/"
    page = texte(client.get("/mot-de-passe/"))
    assert "est provisoire" in page and "6 caractères au moins" in page

    reponse = changer(client, MOT_DE_PASSE_PARTENAIRE, NOUVEAU)
    assert reponse["Location"] == "/portail/"
    assert "Votre mot de passe a été modifié." in texte(client.get("/portail/"))
    provisoire.refresh_from_db()
    assert provisoire.mot_de_passe_provisoire_le is None
    assert provisoire.user.check_password(NOUVEAU)
    evenement = Evenement.objects.get(type=TypeEvenement.MOT_DE_PASSE)
    assert evenement.motif == "remplacement du mot de passe provisoire"
    assert NOUVEAU not in str(Evenement.objects.values())


@pytest.mark.parametrize(
    ("nouveau", "confirmation", "message"),
    [
        ("Ab3", None, "au moins 6 caractères"),
        ("abcdefgh", None, "au moins une lettre et un chiffre"),
        ("aaaa11", None, "trop simple"),
        ("123456a", None, "trop simple"),
        ("Azerty12", "Azerty13", "La confirmation ne correspond pas"),
        (MOT_DE_PASSE_PARTENAIRE, None, "différent de vos 5 mots de passe précédents"),
    ],
)
def test_les_regles_sont_appliquees_avec_un_message_clair(client, provisoire, nouveau, confirmation, message):
    se_connecter(client, provisoire.identifiant, MOT_DE_PASSE_PARTENAIRE)
    reponse = changer(client, MOT_DE_PASSE_PARTENAIRE, nouveau, confirmation)
    assert reponse.status_code == 200
    assert message in texte(reponse)
    provisoire.refresh_from_db()
    assert provisoire.user.check_password(MOT_DE_PASSE_PARTENAIRE)
    assert not Evenement.objects.filter(type=TypeEvenement.MOT_DE_PASSE).exists()


def test_l_identifiant_est_refuse_comme_mot_de_passe(client, provisoire):
    se_connecter(client, provisoire.identifiant, MOT_DE_PASSE_PARTENAIRE)
    reponse = changer(client, MOT_DE_PASSE_PARTENAIRE, provisoire.identifiant.lower())
    assert "ne doit pas reprendre votre identifiant" in texte(reponse)


def test_le_mot_de_passe_actuel_est_exige(client, provisoire):
    se_connecter(client, provisoire.identifiant, MOT_DE_PASSE_PARTENAIRE)
    assert "Le mot de passe actuel est incorrect." in texte(changer(client, "Faux9z", NOUVEAU))


def test_la_longueur_minimale_est_un_reglage(client, provisoire, settings):
    settings.CAFPRO_PASSWORD_MIN_LENGTH = 12
    se_connecter(client, provisoire.identifiant, MOT_DE_PASSE_PARTENAIRE)
    assert "au moins 12 caractères" in texte(changer(client, MOT_DE_PASSE_PARTENAIRE, NOUVEAU))


def test_un_mot_de_passe_provisoire_inutilise_expire(client, db, settings):
    habilitation = HabilitationFactory(
        mot_de_passe_change_le=None,
        mot_de_passe_provisoire_le=timezone.now() - timedelta(days=settings.CAFPRO_ISSUED_PASSWORD_VALIDITY_DAYS + 1),
    )
    reponse = se_connecter(client, habilitation.identifiant, MOT_DE_PASSE_PARTENAIRE)
    assert "Identifiant ou mot de passe incorrect." in texte(reponse)
    assert Evenement.objects.get(type=TypeEvenement.CONNEXION).motif == "mot de passe provisoire expiré"


def test_changement_periodique_et_avertissement(client, db, settings):
    habilitation = HabilitationFactory(
        mot_de_passe_change_le=timezone.now() - timedelta(days=settings.CAFPRO_PASSWORD_MAX_AGE_DAYS - 3)
    )
    se_connecter(client, habilitation.identifiant, MOT_DE_PASSE_PARTENAIRE)
    assert "Votre mot de passe doit être changé dans 2 jours" in texte(client.get("/portail/"))

    habilitation.mot_de_passe_change_le = timezone.now() - timedelta(days=settings.CAFPRO_PASSWORD_MAX_AGE_DAYS + 1)
    habilitation.save()
    assert client.get("/portail/")["Location"] == "/mot-de-passe/"


def programmer(admin, habilitations, jour, **filtre):
    """The planned reset action (01-… art. 4), then the lot page showing the password sheets."""
    url = "/gestion/habilitations/habilitation/"
    if filtre:
        url += "?" + "&".join(f"{k}={v}" for k, v in filtre.items())
    reponse = admin.post(
        url,
        {
            "action": "programmer_mots_de_passe",
            "_selected_action": [h.pk for h in habilitations],
            "appliquer": "1",
            "a_compter_du": jour.strftime("%d/%m/%Y"),
            **({"select_across": "1"} if filtre else {}),
        },
    )
    assert reponse.status_code == 302
    return admin.get(reponse["Location"])


def test_la_caf_reinitialise_un_mot_de_passe(admin_131, client, caf_131):
    habilitation = HabilitationFactory(convention__caisse=caf_131)
    mise_en_service = timezone.localdate() + timedelta(days=15)
    reponse = programmer(admin_131, [habilitation], mise_en_service)
    page = texte(reponse)
    assert "nouveau mot de passe" in page.lower()
    nouveau = re.search(r"Mot de passe</th><td>([^<]+)<", page).group(1)
    assert "no-store" in reponse["Cache-Control"]
    assert Evenement.objects.filter(
        type=TypeEvenement.GESTION, motif="réinitialisation programmée du mot de passe"
    ).exists()

    habilitation.refresh_from_db()
    # Notified before it is put into service: the current password stays until that date.
    assert habilitation.user.check_password(MOT_DE_PASSE_PARTENAIRE)
    Habilitation.objects.filter(pk=habilitation.pk).update(mot_de_passe_programme_le=timezone.localdate())
    # On its date the new password opens the portal, and asks for a chosen one.
    assert se_connecter(client, habilitation.identifiant, nouveau)["Location"] == "/mot-de-passe/"


def test_reinitialiser_toute_une_convention(admin_131, caf_131):
    premiere = HabilitationFactory(convention__caisse=caf_131)
    seconde = HabilitationFactory(convention=premiere.convention)
    autre = HabilitationFactory(convention__caisse=caf_131)
    liste = texte(
        admin_131.get("/gestion/habilitations/habilitation/", {"convention__id__exact": premiere.convention.pk})
    )
    assert premiere.identifiant in liste and seconde.identifiant in liste and autre.identifiant not in liste
    page = texte(
        programmer(
            admin_131,
            [premiere, seconde],
            timezone.localdate() + timedelta(days=15),
            convention__id__exact=premiere.convention.pk,
        )
    )
    assert len(re.findall(r"Mot de passe</th><td>", page)) == 2
    autre.refresh_from_db()
    assert autre.mot_de_passe_programme == ""
    assert autre.user.check_password(MOT_DE_PASSE_PARTENAIRE)


def test_la_demo_contient_un_mot_de_passe_provisoire(client, db):
    sortie = io.StringIO()
    call_command("demo", "--json", "--dossiers", "0", stdout=sortie)
    provisoires = [h for h in json.loads(sortie.getvalue())["habilitations"] if h["mot_de_passe_provisoire"]]
    assert len(provisoires) == 1
    reponse = se_connecter(client, provisoires[0]["identifiant"], provisoires[0]["password"])
    assert reponse["Location"] == "/mot-de-passe/"
    # (The demo's month of journal holds no event of this new agent.)
    connexion = Evenement.objects.get(type=TypeEvenement.CONNEXION, identifiant=provisoires[0]["identifiant"])
    assert connexion.resultat == Resultat.SUCCES


# --- A password issued by the Caf opens one session (issue 12) ------------------------------


def test_un_mot_de_passe_provisoire_ne_sert_qu_une_fois(client, provisoire):
    assert se_connecter(client, provisoire.identifiant, MOT_DE_PASSE_PARTENAIRE)["Location"] == "/mot-de-passe/"
    # The agent leaves without choosing a password…
    client.post("/deconnexion/")

    # …and the Caf's password opens nothing more, with the one message for every failure.
    reponse = se_connecter(client, provisoire.identifiant, MOT_DE_PASSE_PARTENAIRE)
    assert "Identifiant ou mot de passe incorrect." in texte(reponse)
    assert "_auth_user_id" not in client.session
    derniere = Evenement.objects.filter(type=TypeEvenement.CONNEXION).latest("pk")
    assert (derniere.resultat, derniere.motif) == (Resultat.ECHEC, "mot de passe provisoire déjà utilisé")


def test_la_session_ouverte_par_le_mot_de_passe_provisoire_peut_le_remplacer(client, provisoire):
    se_connecter(client, provisoire.identifiant, MOT_DE_PASSE_PARTENAIRE)
    assert changer(client, MOT_DE_PASSE_PARTENAIRE, NOUVEAU)["Location"] == "/portail/"
    client.post("/deconnexion/")
    # The chosen password is not single use.
    for _ in range(2):
        assert se_connecter(client, provisoire.identifiant, NOUVEAU)["Location"] == "/portail/"
        client.post("/deconnexion/")


def test_un_mot_de_passe_provisoire_utilise_se_voit_dans_la_gestion(admin_131, caf_131):
    habilitation = HabilitationFactory(
        convention__caisse=caf_131, mot_de_passe_change_le=None, mot_de_passe_provisoire_le=timezone.now()
    )
    agent = Client()
    se_connecter(agent, habilitation.identifiant, MOT_DE_PASSE_PARTENAIRE)
    agent.post("/deconnexion/")

    page = texte(admin_131.get(f"/gestion/habilitations/habilitation/{habilitation.pk}/change/"))
    assert "pas encore remplacé par l'agent ; une fois sa session fermée, il n'ouvre plus rien" in page
    liste = texte(admin_131.get("/gestion/habilitations/habilitation/?a_suivre=provisoires_expires"))
    assert habilitation.identifiant in liste


def test_un_nouveau_mot_de_passe_de_la_caf_rouvre_une_session(client, provisoire):
    se_connecter(client, provisoire.identifiant, MOT_DE_PASSE_PARTENAIRE)
    client.post("/deconnexion/")
    provisoire.refresh_from_db()
    nouveau = provisoire.emettre_mot_de_passe()
    assert se_connecter(client, provisoire.identifiant, nouveau)["Location"] == "/mot-de-passe/"


# --- The current password on the change page counts like a login (issue 12) ---------------


def test_trois_mots_de_passe_actuels_errones_verrouillent(client, provisoire):
    se_connecter(client, provisoire.identifiant, MOT_DE_PASSE_PARTENAIRE)
    for _ in range(2):
        assert "Le mot de passe actuel est incorrect." in texte(changer(client, "Faux9z", NOUVEAU))
    reponse = changer(client, "Faux9z", NOUVEAU)

    assert reponse["Location"] == "/connexion/erreur/"
    assert "_auth_user_id" not in client.session
    provisoire.refresh_from_db()
    assert provisoire.etat == "verrouillee"
    assert provisoire.user.check_password(MOT_DE_PASSE_PARTENAIRE)
    echecs = Evenement.objects.filter(type=TypeEvenement.MOT_DE_PASSE, resultat=Resultat.ECHEC)
    assert [e.motif for e in echecs] == ["mot de passe actuel erroné"] * 3
    assert Evenement.objects.filter(type=TypeEvenement.VERROUILLAGE, identifiant=provisoire.identifiant).count() == 1
    # Locked like after three failed logins: even the right password opens nothing.
    assert se_connecter(client, provisoire.identifiant, MOT_DE_PASSE_PARTENAIRE)["Location"] == "/connexion/erreur/"


def test_les_echecs_de_connexion_et_du_changement_s_additionnent(client, db):
    """Three consecutive failures on one identifiant lock it, whether typed at the login or as
    the current password on the change page."""
    habilitation = HabilitationFactory()
    se_connecter(client, habilitation.identifiant, MOT_DE_PASSE_PARTENAIRE)
    client.post("/deconnexion/")
    # A failed login from another browser, then two wrong current passwords here.
    se_connecter(Client(), habilitation.identifiant, "Faux9z")
    se_connecter(client, habilitation.identifiant, MOT_DE_PASSE_PARTENAIRE)  # a success resets…
    se_connecter(Client(), habilitation.identifiant, "Faux9z")  # …so count again: 1
    changer(client, "Faux9z", NOUVEAU)  # 2
    assert changer(client, "Faux9z", NOUVEAU)["Location"] == "/connexion/erreur/"  # 3
    habilitation.refresh_from_db()
    assert habilitation.etat == "verrouillee"


def test_un_mot_de_passe_actuel_juste_remet_le_compte_a_zero(client, provisoire):
    se_connecter(client, provisoire.identifiant, MOT_DE_PASSE_PARTENAIRE)
    changer(client, "Faux9z", NOUVEAU)
    changer(client, "Faux9z", NOUVEAU)
    # One right current password clears the count, as a successful login does.
    assert "Le mot de passe actuel est incorrect." not in texte(changer(client, MOT_DE_PASSE_PARTENAIRE, "court"))
    changer(client, "Faux9z", NOUVEAU)
    changer(client, "Faux9z", NOUVEAU)
    provisoire.refresh_from_db()
    assert provisoire.etat == "active"
    assert changer(client, MOT_DE_PASSE_PARTENAIRE, NOUVEAU)["Location"] == "/portail/"


def test_deux_connexions_simultanees_avec_le_provisoire_n_en_ouvrent_qu_une(provisoire):
    """Review of issue 12: login B runs whole while login A is checking the password; the
    password is claimed by one conditional update, so A, which finds it spent, is refused."""
    from habilitations.models import User

    premier, second = Client(), Client()
    issues, en_cours = [], []
    verifier = User.check_password

    def pendant_la_verification(user, mot):
        juste = verifier(user, mot)
        if not en_cours:
            en_cours.append(True)
            issues.append(se_connecter(second, provisoire.identifiant, MOT_DE_PASSE_PARTENAIRE))
        return juste

    with mock.patch.object(User, "check_password", pendant_la_verification):
        issues.append(se_connecter(premier, provisoire.identifiant, MOT_DE_PASSE_PARTENAIRE))

    ouvertes = [r for r in issues if r.status_code == 302 and r["Location"] == "/mot-de-passe/"]
    assert len(ouvertes) == 1
    assert "_auth_user_id" in second.session and "_auth_user_id" not in premier.session
    motifs = list(Evenement.objects.filter(type=TypeEvenement.CONNEXION).order_by("pk").values_list("motif", flat=True))
    assert motifs == ["", "mot de passe provisoire déjà utilisé"]
