"""The login page of the manual: one message for every failure, three strikes, journal.

Sources: manual Cafpro V5 "Accès à CAFPRO", "Identification", "Sécurisation des accès",
"Contrôle des accès"; SECURITY.md (no enumeration, equal work, session rotation).
"""

from datetime import timedelta
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from habilitations import connexion as module_connexion
from habilitations.models import EtatHabilitation
from journal.models import Evenement, Resultat, TypeEvenement
from tests.factories import MOT_DE_PASSE_PARTENAIRE, HabilitationFactory, StaffFactory
from tests.outils import texte

MESSAGE = "Identifiant ou mot de passe incorrect."


def se_connecter(client, identifiant, mot_de_passe, **extra):
    return client.post("/", {"identifiant": identifiant, "mot_de_passe": mot_de_passe}, **extra)


@pytest.fixture
def habilitation(db):
    return HabilitationFactory()


def test_la_page_du_manuel(client, db):
    page = texte(client.get("/"))
    for libelle in ("Identifiant", "Mot de passe", "Valider", "A qui s'adresse Cafpro ?", "sécurisé"):
        assert libelle in page
    assert "Son accès est réservé aux personnes habilitées" in page
    assert "8 caractères" in texte(client.get("/securite/"))
    assert "assistants de service social" in texte(client.get("/a-qui-s-adresse-cafpro/"))


def test_connexion_reussie_journalisee_et_session_neuve(client, habilitation):
    client.get("/")
    avant = client.cookies["cafpro_session"].value if "cafpro_session" in client.cookies else None
    reponse = se_connecter(client, habilitation.identifiant.lower(), MOT_DE_PASSE_PARTENAIRE)
    assert reponse.status_code == 302 and reponse["Location"] == "/portail/"
    assert client.cookies["cafpro_session"].value != avant
    page = texte(client.get("/portail/"))
    assert habilitation.identifiant in page and "Fermer la session" in page
    evenement = Evenement.objects.get(type=TypeEvenement.CONNEXION)
    assert (evenement.resultat, evenement.identifiant, evenement.habilitation_id) == (
        Resultat.SUCCES,
        habilitation.identifiant,
        habilitation.pk,
    )
    assert evenement.caisse == habilitation.convention.caisse.numero
    assert evenement.adresse_ip == "127.0.0.1"
    assert MOT_DE_PASSE_PARTENAIRE not in str(Evenement.objects.values())


@pytest.mark.parametrize(
    "cas",
    ["inconnu", "mot_de_passe", "mal_forme", "suspendue", "supprimee", "convention_terminee", "demandee"],
)
def test_un_seul_message_pour_chaque_echec_et_motif_au_journal(client, habilitation, cas):
    identifiant, mot_de_passe = habilitation.identifiant, MOT_DE_PASSE_PARTENAIRE
    motif_attendu = {
        "inconnu": "identifiant inconnu",
        "mot_de_passe": "mot de passe erroné",
        "mal_forme": "saisie mal formée",
        "suspendue": "habilitation suspendue",
        "supprimee": "habilitation supprimée",
        "convention_terminee": "habilitation fermée (convention terminée)",
        "demandee": "habilitation demandée",
    }[cas]
    if cas == "inconnu":
        identifiant = "ZZZZ9999"
    elif cas == "mot_de_passe":
        mot_de_passe = "Xy7zW3"
    elif cas == "mal_forme":
        mot_de_passe = "abc"
    elif cas == "suspendue":
        habilitation.etat = EtatHabilitation.SUSPENDUE
    elif cas == "supprimee":
        habilitation.date_suppression = timezone.localdate()
    elif cas == "demandee":
        habilitation.etat = EtatHabilitation.DEMANDEE
    elif cas == "convention_terminee":
        convention = habilitation.convention
        convention.date_resiliation = timezone.localdate() - timedelta(days=1)
        convention.motif_resiliation = "manquement"
        convention.save()
    habilitation.save()

    reponse = se_connecter(client, identifiant, mot_de_passe)
    page = texte(reponse)
    assert reponse.status_code == 200
    assert MESSAGE in page
    # The reason is in the journal, never on the screen.
    assert motif_attendu not in page
    assert "_auth_user_id" not in client.session
    evenement = Evenement.objects.get(type=TypeEvenement.CONNEXION)
    assert (evenement.resultat, evenement.motif) == (Resultat.ECHEC, motif_attendu)


def test_un_identifiant_inconnu_coute_le_meme_travail_de_hachage(client, habilitation):
    with mock.patch.object(module_connexion, "check_password", wraps=module_connexion.check_password) as factice:
        se_connecter(client, "ZZZZ9999", "Xy7zW3")
    assert factice.call_count == 1


def test_trois_echecs_verrouillent_et_orientent_vers_la_page_d_erreur(client, habilitation):
    for _ in range(2):
        assert MESSAGE in texte(se_connecter(client, habilitation.identifiant, "Xy7zW3"))
    reponse = se_connecter(client, habilitation.identifiant, "Xy7zW3")
    assert reponse["Location"] == "/connexion/erreur/"
    assert "trois tentatives" in texte(client.get("/connexion/erreur/"))
    habilitation.refresh_from_db()
    assert habilitation.etat == EtatHabilitation.VERROUILLEE
    assert Evenement.objects.filter(type=TypeEvenement.VERROUILLAGE, identifiant=habilitation.identifiant).count() == 1

    # Even the right password no longer opens it.
    reponse = se_connecter(client, habilitation.identifiant, MOT_DE_PASSE_PARTENAIRE)
    assert reponse["Location"] == "/connexion/erreur/"
    assert "_auth_user_id" not in client.session


def test_un_succes_remet_le_compte_a_zero(client, habilitation):
    for _ in range(2):
        se_connecter(client, habilitation.identifiant, "Xy7zW3")
    se_connecter(client, habilitation.identifiant, MOT_DE_PASSE_PARTENAIRE)
    client.post("/deconnexion/")
    for _ in range(2):
        se_connecter(client, habilitation.identifiant, "Xy7zW3")
    habilitation.refresh_from_db()
    assert habilitation.etat == EtatHabilitation.ACTIVE


def test_un_identifiant_inconnu_se_verrouille_aussi(client, db):
    for _ in range(3):
        reponse = se_connecter(client, "ZZZZ9999", "Xy7zW3")
    assert reponse["Location"] == "/connexion/erreur/"


def test_le_deverrouillage_par_un_gestionnaire_rouvre_l_acces(client, habilitation):
    for _ in range(3):
        se_connecter(client, habilitation.identifiant, "Xy7zW3")
    habilitation.refresh_from_db()
    habilitation.reactiver(StaffFactory())
    reponse = se_connecter(client, habilitation.identifiant, MOT_DE_PASSE_PARTENAIRE)
    assert reponse["Location"] == "/portail/"


def test_une_adresse_qui_arrose_est_freinee(client, habilitation, settings):
    settings.CAFPRO_THROTTLE_MAX_ECHECS = 5
    for n in range(5):
        se_connecter(client, f"ABCD{n:04d}", "Xy7zW3")
    reponse = se_connecter(client, habilitation.identifiant, MOT_DE_PASSE_PARTENAIRE)
    assert MESSAGE in texte(reponse)
    assert Evenement.objects.filter(motif="trop d'échecs depuis cette adresse").count() == 1
    # Another address is not concerned.
    reponse = se_connecter(client, habilitation.identifiant, MOT_DE_PASSE_PARTENAIRE, REMOTE_ADDR="10.0.0.8")
    assert reponse["Location"] == "/portail/"


def test_x_forwarded_for_n_est_pas_cru_sans_mandataire_de_confiance(client, habilitation):
    se_connecter(client, habilitation.identifiant, "Xy7zW3", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert Evenement.objects.get().adresse_ip == "127.0.0.1"


def test_un_compte_du_personnel_n_entre_pas_par_le_portail(client, db):
    staff = StaffFactory(username="ABCD2345")
    reponse = se_connecter(client, staff.username, "Mot-de-passe-du-personnel-2026")
    assert MESSAGE in texte(reponse)
    client.force_login(staff)
    assert client.get("/portail/").status_code == 403
    refus = Evenement.objects.get(type=TypeEvenement.REFUS)
    assert (refus.identifiant, refus.motif) == (staff.username, "portail : /portail/")


def test_fermer_la_session(client, habilitation):
    se_connecter(client, habilitation.identifiant, MOT_DE_PASSE_PARTENAIRE)
    reponse = client.post("/deconnexion/")
    assert reponse["Location"] == "/"
    assert "cache" in reponse["Clear-Site-Data"]
    assert Evenement.objects.filter(type=TypeEvenement.DECONNEXION, identifiant=habilitation.identifiant).exists()
    # The session is over on the server: the main page answers with the manual's page.
    suite = client.get("/portail/")
    assert suite.status_code == 302 and suite["Location"].startswith("/session-expiree/")


def test_une_suspension_ferme_la_porte_a_la_requete_suivante(client, habilitation):
    se_connecter(client, habilitation.identifiant, MOT_DE_PASSE_PARTENAIRE)
    habilitation.suspendre(StaffFactory())
    assert client.get("/portail/").status_code in (302, 403)


def test_les_pages_personnelles_ne_sont_pas_mises_en_cache(client, habilitation):
    se_connecter(client, habilitation.identifiant, MOT_DE_PASSE_PARTENAIRE)
    assert "no-store" in client.get("/portail/")["Cache-Control"]


def test_csrf_exige_sur_le_formulaire(habilitation):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    reponse = se_connecter(client, habilitation.identifiant, MOT_DE_PASSE_PARTENAIRE)
    assert reponse.status_code == 403


# --- Every attempt counts, whatever was typed (issue 12) ------------------------------------


@pytest.mark.parametrize(
    ("identifiant", "mot_de_passe", "motif"),
    [
        ("A" * 10_000, "Xy7zW3", "saisie mal formée"),
        ("ABCD\x002345", "Xy7zW3", "saisie mal formée"),
        ("", "Xy7zW3", "saisie incomplète"),
        ("ABCD2345", "", "saisie incomplète"),
        ("", "", "saisie incomplète"),
    ],
    ids=["10-ko", "nul", "identifiant-vide", "mot-de-passe-vide", "tout-vide"],
)
def test_une_saisie_que_le_formulaire_refuserait_est_comptee_et_journalisee(
    client, habilitation, settings, identifiant, mot_de_passe, motif
):
    reponse = se_connecter(client, identifiant, mot_de_passe)

    assert reponse.status_code == 200 and MESSAGE in texte(reponse)
    evenement = Evenement.objects.get(type=TypeEvenement.CONNEXION)
    assert (evenement.resultat, evenement.motif) == (Resultat.ECHEC, motif)
    assert len(evenement.identifiant) <= 150 and "\x00" not in evenement.identifiant
    # Counted by the per-address throttle like a wrong password: at its limit, even the right
    # password from this address is refused.
    settings.CAFPRO_THROTTLE_MAX_ECHECS = 1
    reponse = se_connecter(client, habilitation.identifiant, MOT_DE_PASSE_PARTENAIRE)
    assert "_auth_user_id" not in client.session
    assert Evenement.objects.filter(motif="trop d'échecs depuis cette adresse").count() == 1


def test_un_identifiant_vrai_suivi_d_un_nul_compte_pour_cet_identifiant(client, habilitation):
    """A NUL after a real identifiant is three strikes on that identifiant, not a free try."""
    for _ in range(2):
        se_connecter(client, habilitation.identifiant, "Xy7zW3")
    reponse = se_connecter(client, habilitation.identifiant, "Xy7z\x00W3")
    assert reponse["Location"] == "/connexion/erreur/"
    habilitation.refresh_from_db()
    assert habilitation.etat == EtatHabilitation.VERROUILLEE


def test_un_champ_absent_du_formulaire_est_une_tentative(client, habilitation):
    reponse = client.post("/", {})
    assert MESSAGE in texte(reponse)
    assert Evenement.objects.get(type=TypeEvenement.CONNEXION).motif == "saisie incomplète"


@pytest.mark.parametrize(
    ("donnees", "refus"),
    [
        ({"identifiant": "ABCD2345", "mot_de_passe": "x" * 3_000_000}, "RequestDataTooBig"),
        ({f"champ{n}": "x" for n in range(1_500)}, "TooManyFieldsSent"),
    ],
    ids=["3-mo", "1500-champs"],
)
@pytest.mark.parametrize("chemin", ["/", "/gestion/login/"])
def test_une_saisie_que_django_refuse_de_lire_est_journalisee(db, donnees, refus, chemin):
    """Review of issue 12: a body over Django's limits never reaches the login code; it is
    still a failed attempt, journaled with the client's address (so the throttle counts it),
    and it goes through the CSRF check (a real client, CSRF enforced)."""
    client = Client(enforce_csrf_checks=True)
    client.get(chemin)
    jeton = client.cookies["cafpro_csrf"].value
    reponse = client.post(chemin, {**donnees, "csrfmiddlewaretoken": jeton})
    assert reponse.status_code == 400
    evenement = Evenement.objects.get(type=TypeEvenement.CONNEXION)
    assert evenement.resultat == Resultat.ECHEC and evenement.motif.endswith(f"saisie illisible ({refus})")
    assert evenement.adresse_ip == "127.0.0.1"
