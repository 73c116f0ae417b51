"""The gestionnaire's side (issue 16): the responsables' accounts from the désignation (04-…
forms), and the validation or refusal of their requests in the admin, through the pages."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from habilitations.models import EtatHabilitation, Habilitation, RattachementResponsable, ResponsableHabilitations
from journal.models import Evenement, TypeEvenement
from responsables.models import Demande, EtatDemande, MotifReinitialisation, TypeDemande
from tests.conftest import connecter_au_admin
from tests.factories import ConventionFactory, StaffFactory, caisse
from tests.outils import mot_de_passe_de_la_feuille, page_du_lot, texte

from .conftest import connecter

pytestmark = pytest.mark.django_db

LISTE = "/gestion/responsables/demande/"
RESPONSABLES = "/gestion/habilitations/responsablehabilitations/"


@pytest.fixture
def gestion(gestionnaire_131):
    return connecter_au_admin(Client(), gestionnaire_131)


def creation(responsable, convention, **champs):
    return Demande.objects.create(
        type=TypeDemande.CREATION,
        responsable=responsable,
        convention=convention,
        nom="GARNIER",
        prenom="Léa",
        fonction="Assistante sociale",
        adresse_professionnelle="Hôtel de Ville",
        telephone="01 30 00 00 00",
        email="lea.garnier@ville.invalid",
        contrat="CDI",
        **champs,
    )


def sur_agent(responsable, agent, type_, **champs):
    return Demande.objects.create(
        type=type_, responsable=responsable, convention=agent.convention, habilitation=agent, **champs
    )


def agir(client, nom, *demandes, **extra):
    return client.post(LISTE, {"action": nom, "_selected_action": [d.pk for d in demandes], **extra})


def test_valider_une_demande_d_acces_cree_l_habilitation_et_ouvre_les_droits(client, gestion, responsable, convention):
    demande = creation(responsable, convention)
    page = texte(agir(gestion, "valider", demande))
    assert "Valider les demandes" in page and "GARNIER" in page
    reponse = agir(gestion, "valider", demande, appliquer="1", confirmer="on")
    lot = page_du_lot(gestion, reponse)
    mot_de_passe = mot_de_passe_de_la_feuille(lot)
    demande.refresh_from_db()
    habilitation = demande.habilitation
    assert demande.etat == EtatDemande.VALIDEE and demande.decidee_par.username == "gestion.test131"
    assert habilitation.etat == EtatHabilitation.ACTIVE and habilitation.profil == convention.profil == "T2"
    assert habilitation.user.check_password(mot_de_passe)
    assert Evenement.objects.filter(type=TypeEvenement.GESTION, motif__startswith="demande validée").exists()
    # The responsable sees it validated, and the agent among his.
    connecter(client, responsable)
    assert "validée" in texte(client.get("/espace/demandes/"))
    assert habilitation.identifiant in texte(client.get("/espace/"))


def test_refus_sans_motif_impossible_puis_avec_motif(client, gestion, responsable, agent):
    demande = sur_agent(responsable, agent, TypeDemande.SUSPENSION)
    reponse = agir(gestion, "refuser", demande, appliquer="1", motif="  ")
    assert reponse.status_code == 200 and "Ce champ est obligatoire" in texte(reponse)
    demande.refresh_from_db()
    assert demande.etat == EtatDemande.EN_ATTENTE
    agir(gestion, "refuser", demande, appliquer="1", motif="Agent déjà parti : demandez sa suppression.")
    demande.refresh_from_db()
    assert demande.etat == EtatDemande.REFUSEE and demande.motif_decision.startswith("Agent déjà parti")
    agent.refresh_from_db()
    assert agent.etat == EtatHabilitation.ACTIVE
    assert Evenement.objects.filter(type=TypeEvenement.GESTION, motif__startswith="demande refusée").exists()
    connecter(client, responsable)
    page = texte(client.get("/espace/demandes/"))
    assert "refusée" in page and "Agent déjà parti" in page


def test_valider_une_suspension(gestion, responsable, agent):
    demande = sur_agent(responsable, agent, TypeDemande.SUSPENSION)
    agir(gestion, "valider", demande, appliquer="1", confirmer="on")
    agent.refresh_from_db()
    assert agent.etat == EtatHabilitation.SUSPENDUE
    assert Demande.objects.get().etat == EtatDemande.VALIDEE


def test_valider_une_suppression_a_une_date(gestion, responsable, agent):
    jour = timezone.localdate() + timedelta(days=20)
    demande = sur_agent(responsable, agent, TypeDemande.SUPPRESSION, a_compter_du=jour)
    agir(gestion, "valider", demande, appliquer="1", confirmer="on")
    agent.refresh_from_db()
    assert agent.date_suppression == jour and "responsable habilitations" in agent.suppression_demandee_par


def test_valider_une_perte_ou_vol(gestion, responsable, agent):
    demande = sur_agent(
        responsable, agent, TypeDemande.REINITIALISATION, motif_reinitialisation=MotifReinitialisation.PERTE_OU_VOL
    )
    lot = page_du_lot(gestion, agir(gestion, "valider", demande, appliquer="1", confirmer="on"))
    agent.refresh_from_db()
    nouvelle = agent.remplacee_par
    assert agent.etat_effectif() == EtatHabilitation.SUPPRIMEE
    assert nouvelle.user.check_password(mot_de_passe_de_la_feuille(lot))


def test_valider_une_reinitialisation_planifiee(gestion, responsable, agent):
    demande = sur_agent(
        responsable, agent, TypeDemande.REINITIALISATION, motif_reinitialisation=MotifReinitialisation.PLANIFIEE
    )
    agir(gestion, "valider", demande, appliquer="1", confirmer="on")
    agent.refresh_from_db()
    assert agent.mot_de_passe_programme_le > timezone.localdate()


def test_une_demande_decidee_ne_se_decide_plus(gestion, responsable, agent):
    demande = sur_agent(responsable, agent, TypeDemande.SUSPENSION)
    agir(gestion, "refuser", demande, appliquer="1", motif="Non.")
    agir(gestion, "valider", demande, appliquer="1", confirmer="on")
    agent.refresh_from_db()
    assert agent.etat == EtatHabilitation.ACTIVE
    assert Demande.objects.get().etat == EtatDemande.REFUSEE


def test_le_gestionnaire_d_une_autre_caf_n_agit_pas(gestionnaire_161, responsable, agent):
    autre = connecter_au_admin(Client(), gestionnaire_161)
    demande = sur_agent(responsable, agent, TypeDemande.SUSPENSION)
    assert "GARNIER" not in texte(autre.get(LISTE))
    assert autre.get(f"{LISTE}{demande.pk}/change/").status_code in (302, 403, 404)
    agir(autre, "valider", demande, appliquer="1", confirmer="on")
    agir(autre, "refuser", demande, appliquer="1", motif="Non.")
    demande.refresh_from_db()
    agent.refresh_from_db()
    assert demande.etat == EtatDemande.EN_ATTENTE and agent.etat == EtatHabilitation.ACTIVE


def test_la_liste_et_le_detail_pour_le_gestionnaire(gestion, responsable, agent):
    demande = sur_agent(responsable, agent, TypeDemande.SUSPENSION)
    assert "suspension de l'accès" in texte(gestion.get(LISTE))
    assert gestion.get(f"{LISTE}{demande.pk}/change/").status_code == 200
    assert gestion.get(f"{LISTE}add/").status_code == 403


def test_creer_un_responsable_depuis_la_designation(gestion, convention):
    designation = convention.partenaire.designations.get()
    reponse = gestion.post(
        f"{RESPONSABLES}add/",
        {
            "partenaire": convention.partenaire.pk,
            "designation": designation.pk,
            "nom": "MARTIN",
            "prenom": "Paul",
            "email": "",
            "telephone": "",
            "rattachements-TOTAL_FORMS": "1",
            "rattachements-INITIAL_FORMS": "0",
            "rattachements-0-convention": convention.pk,
            "rattachements-0-debut_le": timezone.localdate().strftime("%d/%m/%Y"),
            "rattachements-0-fin_le": "",
        },
    )
    assert reponse.status_code == 302, texte(reponse)
    responsable = ResponsableHabilitations.objects.get()
    assert responsable.user.type_compte == "responsable" and not responsable.user.is_staff
    assert list(responsable.conventions_en_charge()) == [convention]
    page = texte(agir_sur(gestion, "emettre_mot_de_passe", responsable, appliquer="1", confirmer="on"))
    responsable.user.refresh_from_db()
    mot_de_passe = page.split("<code>")[1].split("</code>")[0]
    assert responsable.user.check_password(mot_de_passe)


def test_trois_responsables_sur_une_convention_refuses_dans_l_admin(gestion, convention, responsable):
    from .conftest import creer_responsable

    creer_responsable(convention, nom="SECOND", prenom="Ève")
    reponse = gestion.post(
        f"{RESPONSABLES}add/",
        {
            "partenaire": convention.partenaire.pk,
            "designation": "",
            "nom": "TIERS",
            "prenom": "Jo",
            "email": "",
            "telephone": "",
            "rattachements-TOTAL_FORMS": "1",
            "rattachements-INITIAL_FORMS": "0",
            "rattachements-0-convention": convention.pk,
            "rattachements-0-debut_le": timezone.localdate().strftime("%d/%m/%Y"),
            "rattachements-0-fin_le": "",
        },
    )
    assert reponse.status_code == 200 and "déjà 2 responsables habilitations" in texte(reponse)
    assert RattachementResponsable.objects.filter(convention=convention).count() == 2


def test_convention_d_un_autre_partenaire_refusee(gestion, convention):
    autre = ConventionFactory(caisse=caisse("131"))
    reponse = gestion.post(
        f"{RESPONSABLES}add/",
        {
            "partenaire": convention.partenaire.pk,
            "designation": "",
            "nom": "MARTIN",
            "prenom": "Paul",
            "email": "",
            "telephone": "",
            "rattachements-TOTAL_FORMS": "1",
            "rattachements-INITIAL_FORMS": "0",
            "rattachements-0-convention": autre.pk,
            "rattachements-0-debut_le": timezone.localdate().strftime("%d/%m/%Y"),
            "rattachements-0-fin_le": "",
        },
    )
    assert reponse.status_code == 200 and "ne répond que des conventions de son partenaire" in texte(reponse)
    assert not ResponsableHabilitations.objects.exists()


def test_emettre_un_mot_de_passe_debloque(client, gestion, responsable):
    for _ in range(3):
        client.post("/espace/connexion/", {"identifiant": responsable.identifiant, "mot_de_passe": "faux"})
    assert "bloqué" in texte(gestion.get(RESPONSABLES))
    page = texte(agir_sur(gestion, "emettre_mot_de_passe", responsable, appliquer="1", confirmer="on"))
    mot_de_passe = page.split("<code>")[1].split("</code>")[0]
    reponse = client.post("/espace/connexion/", {"identifiant": responsable.identifiant, "mot_de_passe": mot_de_passe})
    assert reponse["Location"] == "/espace/second-facteur/"


def test_clore_un_responsable(client, gestion, responsable):
    agir_sur(gestion, "clore", responsable)
    responsable.user.refresh_from_db()
    assert not responsable.user.is_active
    assert not responsable.conventions_en_charge().exists()


def test_un_gestionnaire_d_une_autre_caf_ne_voit_pas_les_responsables(gestionnaire_161, responsable):
    autre = connecter_au_admin(Client(), gestionnaire_161)
    assert responsable.identifiant not in texte(autre.get(RESPONSABLES))


def test_le_responsable_securite_ne_decide_pas(responsable, agent):
    securite = connecter_au_admin(Client(), StaffFactory(username="securite.131", role="securite"))
    demande = sur_agent(responsable, agent, TypeDemande.SUSPENSION)
    agir(securite, "valider", demande, appliquer="1", confirmer="on")
    demande.refresh_from_db()
    assert demande.etat == EtatDemande.EN_ATTENTE


def agir_sur(client, nom, *responsables, **extra):
    return client.post(RESPONSABLES, {"action": nom, "_selected_action": [r.pk for r in responsables], **extra})


def test_habilitation_creee_existe(gestion, responsable, convention):
    demande = creation(responsable, convention)
    agir(gestion, "valider", demande, appliquer="1", confirmer="on")
    assert Habilitation.objects.filter(nom="GARNIER", convention=convention).exists()


def test_l_accueil_du_gestionnaire_compte_les_demandes_en_attente(gestion, responsable, agent):
    import re

    sur_agent(responsable, agent, TypeDemande.SUSPENSION)
    page = texte(gestion.get("/gestion/"))
    ligne = re.search(r'id="a-faire-demandes_responsables".*?href="([^"]+)".*?class="nombre">(\d+)<', page, re.S)
    assert ligne and ligne.group(2) == "1"
    assert "suspension de l'accès" in texte(gestion.get(ligne.group(1)))


def test_reinitialiser_le_second_facteur(client, gestion, responsable):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    connecter(client, responsable)
    agir_sur(gestion, "reinitialiser_second_facteur", responsable)
    assert not TOTPDevice.objects.filter(user=responsable.user).exists()
    assert Evenement.objects.filter(motif__contains="second facteur du responsable habilitations").exists()
    autre = Client()
    autre.post("/espace/connexion/", {"identifiant": responsable.identifiant, "mot_de_passe": "Rh7kP2"})
    assert "Enrôlement du second facteur" in texte(autre.get("/espace/second-facteur/"))


def test_le_gestionnaire_d_une_autre_caf_ne_reinitialise_rien(gestionnaire_161, responsable):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=responsable.user, name="t", confirmed=True)
    autre = connecter_au_admin(Client(), gestionnaire_161)
    agir_sur(autre, "reinitialiser_second_facteur", responsable)
    agir_sur(autre, "clore", responsable)
    responsable.user.refresh_from_db()
    assert TOTPDevice.objects.filter(user=responsable.user).exists() and responsable.user.is_active
