"""The per-address throttle and the partners' trusted networks (issue 12, point 9).

One person spraying identifiants from a partner's shared office NAT would otherwise shut
every agent behind it out for the window. A Caf declares that network, with a higher limit;
when the raised limit lets an attempt through, its event says so (docs/deploiement.md)."""

import pytest
from django.test import Client

from conventions.models import ReseauDeConfiance
from journal.models import Evenement, Resultat, TypeEvenement
from tests.conftest import connecter_au_admin
from tests.factories import MOT_DE_PASSE_PARTENAIRE, HabilitationFactory, PartenaireFactory, caisse
from tests.outils import texte

MESSAGE = "Identifiant ou mot de passe incorrect."
NAT = "198.51.100.23"
AJOUT = "/gestion/conventions/reseaudeconfiance/add/"
LISTE = "/gestion/conventions/reseaudeconfiance/"


def se_connecter(client, identifiant, mot_de_passe, adresse=NAT):
    return client.post("/", {"identifiant": identifiant, "mot_de_passe": mot_de_passe}, REMOTE_ADDR=adresse)


def arroser(client, fois, adresse=NAT):
    for n in range(fois):
        se_connecter(client, f"ABCD{n:04d}", "Xy7zW3", adresse)


@pytest.fixture
def habilitation(db, settings):
    settings.CAFPRO_THROTTLE_MAX_ECHECS = 5
    return HabilitationFactory()


def declarer(pour, reseau=NAT, max_echecs=12):
    """A trusted network of the partner `pour` (a Partenaire, or an agent's Habilitation)."""
    partenaire = getattr(getattr(pour, "convention", None), "partenaire", pour)
    return ReseauDeConfiance.objects.create(
        partenaire=partenaire, reseau=reseau, libelle="Site Belsunce", max_echecs=max_echecs
    )


def test_sans_reseau_declare_le_frein_refuse_aussi_le_bon_mot_de_passe(client, habilitation):
    arroser(client, 5)
    reponse = se_connecter(client, habilitation.identifiant, MOT_DE_PASSE_PARTENAIRE)
    assert MESSAGE in texte(reponse) and "_auth_user_id" not in client.session
    assert Evenement.objects.latest("pk").motif == "trop d'échecs depuis cette adresse"


def test_un_reseau_de_confiance_releve_la_limite_et_le_journal_le_dit(client, habilitation):
    reseau = declarer(habilitation, "198.51.100.16/28", max_echecs=12)
    arroser(client, 5)

    reponse = se_connecter(client, habilitation.identifiant, MOT_DE_PASSE_PARTENAIRE)

    assert reponse["Location"] == "/portail/"
    succes = Evenement.objects.get(type=TypeEvenement.CONNEXION, resultat=Resultat.SUCCES)
    assert succes.details["reseau_de_confiance"] == {
        "reseau": "198.51.100.16/28",
        "site": "Site Belsunce",
        "partenaire": reseau.partenaire.raison_sociale,
        "caisse": "131",
        "limite": 12,
        "echecs_dans_la_fenetre": 5,
    }
    # Below the general limit, nothing to say.
    premiers = Evenement.objects.filter(type=TypeEvenement.CONNEXION).order_by("pk")[:5]
    assert all(e.details == {} for e in premiers)


def test_la_limite_relevee_a_elle_aussi_une_fin(client, habilitation):
    declarer(habilitation, max_echecs=8)
    arroser(client, 8)
    reponse = se_connecter(client, habilitation.identifiant, MOT_DE_PASSE_PARTENAIRE)
    assert MESSAGE in texte(reponse) and "_auth_user_id" not in client.session
    refus = Evenement.objects.latest("pk")
    assert refus.motif == f"trop d'échecs depuis cette adresse (réseau de confiance {NAT}/32)"
    assert refus.details["reseau_de_confiance"]["echecs_dans_la_fenetre"] == 8


def test_une_autre_adresse_ne_profite_pas_du_reseau(client, habilitation):
    declarer(habilitation, max_echecs=50)
    arroser(client, 5, adresse="198.51.100.99")
    reponse = se_connecter(client, habilitation.identifiant, MOT_DE_PASSE_PARTENAIRE, adresse="198.51.100.99")
    assert MESSAGE in texte(reponse)


def test_le_plus_haut_des_reseaux_du_partenaire_s_applique(client, habilitation):
    declarer(habilitation, "198.51.100.0/24", max_echecs=7)
    declarer(habilitation, max_echecs=9)
    arroser(client, 8)
    assert se_connecter(client, habilitation.identifiant, MOT_DE_PASSE_PARTENAIRE)["Location"] == "/portail/"
    succes = Evenement.objects.get(resultat=Resultat.SUCCES)
    assert succes.details["reseau_de_confiance"]["limite"] == 9
    assert {r.max_echecs for r in ReseauDeConfiance.contenant("198.51.100.200")} == {7}
    assert ReseauDeConfiance.contenant("192.0.2.1") == []


def test_le_reseau_d_un_partenaire_ne_releve_rien_pour_les_autres(client, habilitation):
    """Review of issue 12: a network one Caf trusts must not relax the throttle for another
    Caf's agents, another partner's, or unknown identifiants."""
    declarer(habilitation, max_echecs=50)
    autre_caf = HabilitationFactory(convention__caisse=caisse("161"))
    autre_partenaire = HabilitationFactory()
    arroser(client, 5)
    for agent in (autre_caf, autre_partenaire):
        reponse = se_connecter(client, agent.identifiant, MOT_DE_PASSE_PARTENAIRE)
        assert MESSAGE in texte(reponse) and "_auth_user_id" not in client.session
    # Unknown identifiants stay at the general limit too: spraying goes no further.
    se_connecter(client, "WXYZ2345", "Xy7zW3")
    refus = list(Evenement.objects.order_by("-pk").values_list("motif", "details")[:3])
    assert refus == [("trop d'échecs depuis cette adresse", {})] * 3
    # The partner's own agent still gets in.
    assert se_connecter(client, habilitation.identifiant, MOT_DE_PASSE_PARTENAIRE)["Location"] == "/portail/"


def test_une_adresse_ipv4_vue_en_ipv6_est_reconnue(client, habilitation):
    declarer(habilitation, max_echecs=12)
    mappee = f"::ffff:{NAT}"
    arroser(client, 5, adresse=mappee)
    assert se_connecter(client, habilitation.identifiant, MOT_DE_PASSE_PARTENAIRE, adresse=mappee)["Location"] == (
        "/portail/"
    )


# --- Declared by the Caf's gestionnaires, in the admin ----------------------------------------


def donnees(partenaire, **champs):
    return {"partenaire": partenaire.pk, "reseau": NAT, "libelle": "Site Belsunce", "max_echecs": 150, **champs}


def test_un_gestionnaire_declare_un_reseau_de_ses_partenaires(admin_131, caf_131):
    partenaire = PartenaireFactory(caisse=caf_131, raison_sociale="CCAS de Marseille")
    page = texte(admin_131.get(AJOUT))
    assert "Limite générale : 30 échecs en 15 minutes" in page

    reponse = admin_131.post(AJOUT, donnees(partenaire))

    assert reponse.status_code == 302, texte(reponse)
    reseau = ReseauDeConfiance.objects.get()
    assert (reseau.reseau, reseau.max_echecs, reseau.partenaire) == (f"{NAT}/32", 150, partenaire)
    trace = Evenement.objects.get(type=TypeEvenement.GESTION)
    assert trace.motif.startswith("création : réseau de confiance") and trace.caisse == "131"
    assert trace.acteur == "gestion.test131"

    # Withdrawn, journaled too.
    reponse = admin_131.post(f"{LISTE}{reseau.pk}/delete/", {"post": "yes"})
    assert reponse.status_code == 302
    assert not ReseauDeConfiance.objects.exists()
    retrait = Evenement.objects.filter(type=TypeEvenement.GESTION).latest("pk")
    assert retrait.motif.startswith("retrait : réseau de confiance") and retrait.details["reseau"] == f"{NAT}/32"


@pytest.mark.parametrize(
    ("champs", "message"),
    [
        ({"reseau": "198.51.0.0/16"}, "Plage trop large (198.51.0.0/16)"),
        ({"reseau": "2001:db8::/32"}, "au plus /48 en IPv6"),
        ({"reseau": "::ffff:0.0.0.0/96"}, "Une adresse IPv4 s'indique sous sa forme IPv4"),
        ({"reseau": f"::ffff:{NAT}"}, "Une adresse IPv4 s'indique sous sa forme IPv4"),
        ({"reseau": "pas une adresse"}, "Indiquez une adresse IP"),
        ({"max_echecs": 20}, "Entre 31 (au-delà de la limite générale de 30) et 300 échecs par fenêtre."),
        ({"max_echecs": 5000}, "Entre 31 (au-delà de la limite générale de 30) et 300 échecs par fenêtre."),
    ],
)
def test_un_reseau_trop_large_ou_une_limite_hors_bornes_est_refuse(admin_131, caf_131, champs, message):
    partenaire = PartenaireFactory(caisse=caf_131)
    reponse = admin_131.post(AJOUT, donnees(partenaire, **champs))
    assert reponse.status_code == 200
    assert message in texte(reponse)
    assert not ReseauDeConfiance.objects.exists()
    assert not Evenement.objects.filter(type=TypeEvenement.GESTION).exists()


def test_un_gestionnaire_ne_declare_ni_ne_voit_les_reseaux_d_une_autre_caf(admin_131, caf_131, gestionnaire_161):
    partenaire_161 = PartenaireFactory(caisse=caisse("161"))
    # A forged POST naming another Caf's partner is refused.
    reponse = admin_131.post(AJOUT, donnees(partenaire_161))
    assert reponse.status_code == 200 and not ReseauDeConfiance.objects.exists()

    reseau_161 = declarer(partenaire_161, max_echecs=100)
    assert NAT not in texte(admin_131.get(LISTE))
    assert admin_131.get(f"{LISTE}{reseau_161.pk}/change/").status_code in (302, 403, 404)
    assert admin_131.post(f"{LISTE}{reseau_161.pk}/delete/", {"post": "yes"}).status_code in (302, 403, 404)
    assert ReseauDeConfiance.objects.filter(pk=reseau_161.pk).exists()

    autre = connecter_au_admin(Client(), gestionnaire_161)
    assert NAT in texte(autre.get(LISTE))
