"""The responsables habilitations' space (issue 16): who gets in, with what, and who does not."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from habilitations.models import RattachementResponsable, ResponsableHabilitations
from journal.models import Evenement, Resultat, TypeEvenement
from tests.factories import MOT_DE_PASSE_PARTENAIRE, StaffFactory
from tests.outils import texte

from .conftest import MOT_DE_PASSE_RESPONSABLE, appareil_de, code, connecter, creer_responsable

pytestmark = pytest.mark.django_db


def test_accueil_liste_ses_agents_et_pas_ceux_des_autres(
    client_responsable, agent, agent_autre_convention, agent_autre_partenaire
):
    page = texte(client_responsable.get("/espace/"))
    assert "DURAND Alice" in page and agent.identifiant in page
    assert "PETIT" not in page and "LEROY" not in page
    assert "active" in page and "jamais" in page


def test_sans_second_facteur_l_espace_reste_ferme(client, responsable, agent):
    client.post(
        "/espace/connexion/", {"identifiant": responsable.identifiant, "mot_de_passe": MOT_DE_PASSE_RESPONSABLE}
    )
    reponse = client.get("/espace/")
    assert reponse.status_code == 302 and reponse["Location"] == "/espace/second-facteur/"


def test_enrolement_au_premier_passage(client, responsable):
    client.post(
        "/espace/connexion/", {"identifiant": responsable.identifiant, "mot_de_passe": MOT_DE_PASSE_RESPONSABLE}
    )
    page = texte(client.get("/espace/second-facteur/"))
    assert "Enrôlement du second facteur" in page and "data:image/svg+xml;base64," in page
    appareil = TOTPDevice.objects.get(user=responsable.user, confirmed=False)
    reponse = client.post("/espace/second-facteur/", {"jeton": code(appareil)})
    assert reponse["Location"] == "/espace/"
    appareil.refresh_from_db()
    assert appareil.confirmed


def test_un_agent_partenaire_n_entre_pas_dans_l_espace(client, agent):
    client.force_login(agent.user)
    assert client.get("/espace/").status_code == 403
    assert Evenement.objects.filter(type=TypeEvenement.REFUS, identifiant=agent.identifiant).exists()


def test_un_gestionnaire_n_entre_pas_dans_l_espace(client, db):
    client.force_login(StaffFactory())
    assert client.get("/espace/").status_code == 403


def test_le_mot_de_passe_d_un_agent_n_ouvre_pas_l_espace(client, agent):
    client.post("/espace/connexion/", {"identifiant": agent.identifiant, "mot_de_passe": MOT_DE_PASSE_PARTENAIRE})
    assert client.get("/espace/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_trois_echecs_verrouillent(client, responsable):
    for _ in range(3):
        reponse = client.post("/espace/connexion/", {"identifiant": responsable.identifiant, "mot_de_passe": "faux"})
    assert reponse["Location"] == "/espace/connexion/bloquee/"
    # The right password no longer opens.
    reponse = client.post(
        "/espace/connexion/", {"identifiant": responsable.identifiant, "mot_de_passe": MOT_DE_PASSE_RESPONSABLE}
    )
    assert reponse["Location"] == "/espace/connexion/bloquee/"
    assert Evenement.objects.filter(type=TypeEvenement.VERROUILLAGE, identifiant=responsable.identifiant).exists()
    refus = Evenement.objects.filter(identifiant=responsable.identifiant, resultat=Resultat.REFUS).last()
    assert refus.motif == "espace des responsables : identifiant verrouillé"


def test_trois_codes_faux_verrouillent(client, responsable):
    TOTPDevice.objects.create(user=responsable.user, name="t", confirmed=True)
    client.post(
        "/espace/connexion/", {"identifiant": responsable.identifiant, "mot_de_passe": MOT_DE_PASSE_RESPONSABLE}
    )
    client.post("/espace/second-facteur/", {"jeton": "000000"})
    client.post("/espace/second-facteur/", {"jeton": "000001"})
    reponse = client.post("/espace/second-facteur/", {"jeton": "000002"})
    assert reponse["Location"] == "/espace/connexion/bloquee/"
    assert "_auth_user_id" not in client.session


def test_le_responsable_n_ouvre_ni_le_portail_ni_la_gestion(client_responsable):
    assert client_responsable.get("/portail/").status_code == 403
    reponse = client_responsable.get("/gestion/")
    assert reponse.status_code == 302 and "/gestion/login/" in reponse["Location"]
    assert client_responsable.get("/gestion/controle/").status_code in (302, 403)


def test_sans_convention_en_charge_l_espace_est_refuse(client, responsable):
    connecter(client, responsable)
    RattachementResponsable.objects.filter(responsable=responsable).update(fin_le=timezone.localdate())
    assert client.get("/espace/").status_code == 403


def test_au_plus_deux_responsables_par_convention(convention, responsable):
    """Seed 04-…: the partner designates its responsable habilitations; the team's rule: two at most."""
    creer_responsable(convention, nom="SECOND", prenom="Ève")
    tiers = ResponsableHabilitations.objects.create(partenaire=convention.partenaire, nom="TIERS", prenom="Jo")
    troisieme = RattachementResponsable(responsable=tiers, convention=convention)
    with pytest.raises(ValidationError):
        troisieme.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        troisieme.save()


def test_session_inactive_ramene_a_la_connexion_de_l_espace(client_responsable):
    from tests.outils import derniere_requete_il_y_a

    derniere_requete_il_y_a(client_responsable, 11 * 60)
    reponse = client_responsable.get("/espace/")
    assert reponse.status_code == 302 and reponse["Location"] == "/espace/connexion/"
    assert "_auth_user_id" not in client_responsable.session


def test_ni_dialogue_ni_documents_ni_connexion_a_l_administration(client_responsable, responsable):
    assert client_responsable.get("/portail/dialogue/").status_code == 403
    assert client_responsable.get("/portail/consulter/").status_code in (403, 405)
    assert client_responsable.get("/gestion/documents/").status_code in (302, 403, 404)
    autre = Client()
    reponse = autre.post(
        "/gestion/login/",
        {"username": responsable.identifiant, "password": MOT_DE_PASSE_RESPONSABLE, "next": "/gestion/"},
    )
    # The admin's own login refuses an account that is not staff.
    assert reponse.status_code == 200 and "_auth_user_id" not in autre.session


def test_un_compte_clos_perd_sa_session(client_responsable, responsable):
    responsable.user.is_active = False
    responsable.user.save(update_fields=["is_active"])
    reponse = client_responsable.get("/espace/")
    assert reponse.status_code == 302 and "_auth_user_id" not in client_responsable.session


def _connexion_avec(client, responsable, mot_de_passe):
    client.post("/espace/connexion/", {"identifiant": responsable.identifiant, "mot_de_passe": mot_de_passe})
    return client.post("/espace/second-facteur/", {"jeton": code(appareil_de(responsable))})


def test_le_mot_de_passe_emis_par_la_caf_se_remplace_d_abord(client, responsable):
    """SECURITY.md: a password the Caf issues is single-use and short-lived."""
    provisoire = responsable.emettre_mot_de_passe()
    _connexion_avec(client, responsable, provisoire)
    reponse = client.get("/espace/")
    assert reponse.status_code == 302 and reponse["Location"] == "/espace/mot-de-passe/"
    assert "provisoire" in texte(client.get("/espace/mot-de-passe/"))
    reponse = client.post(
        "/espace/mot-de-passe/", {"actuel": provisoire, "nouveau": "Claire-2026x", "confirmation": "Claire-2026x"}
    )
    assert reponse["Location"] == "/espace/"
    assert client.get("/espace/").status_code == 200
    responsable.refresh_from_db()
    assert responsable.mot_de_passe_provisoire_le is None and responsable.user.check_password("Claire-2026x")
    assert Evenement.objects.filter(type=TypeEvenement.MOT_DE_PASSE, identifiant=responsable.identifiant).exists()


def test_un_mot_de_passe_emis_expire(client, responsable, settings):
    provisoire = responsable.emettre_mot_de_passe()
    ResponsableHabilitations.objects.filter(pk=responsable.pk).update(
        mot_de_passe_provisoire_le=timezone.now() - timedelta(days=settings.CAFPRO_ISSUED_PASSWORD_VALIDITY_DAYS + 1)
    )
    reponse = client.post("/espace/connexion/", {"identifiant": responsable.identifiant, "mot_de_passe": provisoire})
    assert reponse.status_code == 200 and "_auth_user_id" not in client.session
    assert Evenement.objects.filter(motif="espace des responsables : mot de passe provisoire expiré").exists()


def test_trois_mots_de_passe_actuels_faux_verrouillent(client_responsable, responsable):
    for _ in range(3):
        reponse = client_responsable.post(
            "/espace/mot-de-passe/", {"actuel": "faux", "nouveau": "Claire-2026x", "confirmation": "Claire-2026x"}
        )
    assert reponse["Location"] == "/espace/connexion/bloquee/"
    assert "_auth_user_id" not in client_responsable.session


@pytest.mark.parametrize(
    "chemin", ["/espace/", "/espace/demandes/", "/espace/second-facteur/", "/espace/mot-de-passe/"]
)
def test_sans_session_vers_la_connexion_de_l_espace(client, db, chemin):
    reponse = client.get(chemin)
    assert reponse.status_code == 302 and reponse["Location"].startswith("/espace/connexion/")


@pytest.mark.parametrize("chemin", ["/espace/", "/espace/demandes/"])
def test_requetes_constantes_quel_que_soit_le_nombre_d_agents(client_responsable, responsable, convention, chemin):
    """Query-count guard (STYLE.md): the lists cost the same with 1 agent or 6."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from responsables.models import Demande, TypeDemande
    from tests.factories import HabilitationFactory

    def compter():
        with CaptureQueriesContext(connection) as requetes:
            assert client_responsable.get(chemin).status_code == 200
        return len(requetes)

    def agent_et_demande():
        agent = HabilitationFactory(convention=convention)
        Demande.objects.create(
            type=TypeDemande.SUSPENSION, responsable=responsable, convention=convention, habilitation=agent
        )

    agent_et_demande()
    avant = compter()
    for _ in range(5):
        agent_et_demande()
    assert compter() == avant
