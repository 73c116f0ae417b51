"""Opening a dossier: the menu's "Consulter", the convention's scope, the opposition, every
page of the dossier checked and journaled again (manual Cafpro V5, annexe 4 of 02-…,
"Cinématique"; 04-…, annexe "Partage des données"; DESIGN §3, "Journal before data").

Each refusal is checked twice: the French message the agent reads, and the event the
Responsables Sécurité will read (type, résultat, motif, numéro, habilitation, Caf).
"""

import re
import types
from datetime import date, timedelta
from unittest import mock

import pytest
from django.contrib.staticfiles import finders
from django.db import DatabaseError
from django.test import Client
from django.utils import timezone

from demo.dossiers import creer_dossier
from dossiers import lecture, views
from dossiers.consultation import MESSAGE_INTROUVABLE, MESSAGE_OPPOSITION, SESSION_DOSSIER
from dossiers.models import Dossier, Personne, RoleDansLeFoyer
from habilitations.models import EtatHabilitation
from journal.models import Evenement, Resultat, TypeEvenement
from profils.rubriques import rubriques_du_profil
from tests.factories import HabilitationFactory, caisse
from tests.outils import texte

CONSULTER = "/portail/consulter/"
PORTAIL = "/portail/"
MESSAGE_SAISIR = "Pour consulter un dossier, veuillez saisir le n° allocataire."
MESSAGE_NUMERO = "Le numéro d'allocataire comporte 7 chiffres."
HORS_PERIMETRE = "dossier hors du périmètre de la convention"
INCONNU = "dossier inconnu"
OPPOSITION = "opposition de l'allocataire au partage des données"
GENERIQUE = '<p class="bandeau__marque">Allocations familiales</p>'
LIEN_DIALOGUE = '<a href="/portail/dialogue/">Dialogue</a>'


# --- Helpers -------------------------------------------------------------------------------


def agent(client, profil="T1", caisse_numero="131", **convention):
    """A logged-in agent of a convention signed with `caisse_numero`."""
    habilitation = HabilitationFactory(
        convention__caisse=caisse(caisse_numero),
        convention__profil=profil,
        **{f"convention__{cle}": valeur for cle, valeur in convention.items()},
    )
    client.force_login(habilitation.user)
    return habilitation


def multi_caf(client, profil="T8"):
    """A multi-Caf convention of the Caf des Bouches-du-Rhône that also covers the Var and Vaucluse."""
    return agent(client, profil, multi_caf=True, caisses_multi=["831", "841"])


def nationale(client, profil="T14"):
    return agent(client, profil, nationale=True)


def dossier(caisse_numero, numero, cas="complet"):
    """A demo dossier whose responsable bears a name found nowhere else: TEMOIN<Caf><numéro>."""
    cree = creer_dossier(caisse(caisse_numero), numero, cas=cas)
    Personne.objects.filter(dossier=cree, role=RoleDansLeFoyer.RESPONSABLE).update(nom=temoin(caisse_numero, numero))
    return cree


def temoin(caisse_numero, numero) -> str:
    return f"TEMOIN{caisse_numero}{numero}".upper()


def consulter(client, numero, **champs):
    return client.post(CONSULTER, {"numero_allocataire": numero, **champs})


def premiere_rubrique(habilitation) -> str:
    return f"/portail/dossier/{rubriques_du_profil(habilitation.profil)[0].code}/"


def zone_erreur(reponse) -> str:
    trouve = re.search(r'<div id="erreurs-consultation" class="erreur" role="alert">(.*?)</div>', texte(reponse), re.S)
    return trouve.group(1) if trouve else ""


def evenements(habilitation, type_=None):
    qs = Evenement.objects.filter(habilitation_id=habilitation.pk)
    return qs.filter(type=type_) if type_ else qs


def verifier_refus(habilitation, motif, numero="", rubrique=""):
    """The last event is this refusal, as the Responsables Sécurité will read it, and no page of
    a dossier was journaled. `numero=None`: not checked."""
    evenement = evenements(habilitation).latest("id")
    assert evenement.type == TypeEvenement.REFUS
    assert evenement.resultat == Resultat.REFUS
    assert evenement.motif == motif
    if numero is not None:
        assert evenement.numero_allocataire == numero
    assert evenement.rubrique == rubrique
    assert evenement.habilitation_id == habilitation.pk
    assert evenement.identifiant == habilitation.identifiant
    assert evenement.caisse == habilitation.convention.caisse.numero
    assert not evenements(habilitation, TypeEvenement.CONSULTATION).exists()


def sans_donnees(reponse, *dossiers):
    """Nothing of these dossiers is on the page."""
    page = texte(reponse)
    for d in dossiers:
        assert temoin(d.caisse.numero, d.numero_allocataire) not in page
    assert "N° d'allocataire :" not in page and "responsable du dossier" not in page
    assert "€" not in page


def bandeau(reponse) -> str:
    return re.search(r'<p class="bandeau__marque">(.*?)</p>', texte(reponse)).group(1)


def normaliser(reponse, *variables) -> str:
    """The page without what legitimately differs between two answers: the csrf tokens and
    what the agent typed."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken" value=""', texte(reponse))
    for variable in variables:
        page = page.replace(variable, "«saisie»")
    return page


# --- Badly formed entries ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("numero", "message", "motif"),
    [
        ("100000", MESSAGE_NUMERO, "numéro d'allocataire mal formé"),
        ("10000011", MESSAGE_NUMERO, "numéro d'allocataire mal formé"),
        ("10OOOO1", MESSAGE_NUMERO, "numéro d'allocataire mal formé"),
        ("1000-01", MESSAGE_NUMERO, "numéro d'allocataire mal formé"),
        ("１０００００１", MESSAGE_NUMERO, "numéro d'allocataire mal formé"),  # full-width digits
        ("", MESSAGE_SAISIR, "numéro d'allocataire absent"),
    ],
)
def test_numero_mal_forme(client, db, numero, message, motif):
    habilitation = agent(client)
    existant = dossier("131", "1000001")
    reponse = consulter(client, numero)
    assert reponse.status_code == 200
    assert message in zone_erreur(reponse)
    sans_donnees(reponse, existant)
    assert SESSION_DOSSIER not in client.session
    verifier_refus(habilitation, motif, numero)


def test_un_numero_avec_espaces_est_accepte(client, db):
    agent(client)
    dossier("131", "1000001")
    reponse = consulter(client, "100 0001")
    assert reponse.status_code == 302


def test_le_menu_local_n_a_ni_code_postal_ni_case_cmaf(client, db):
    agent(client)
    page = texte(client.get(PORTAIL))
    assert 'name="numero_allocataire"' in page
    assert 'name="code_postal"' not in page and 'name="cmaf"' not in page
    assert MESSAGE_SAISIR in page


def test_le_menu_multi_caf_demande_le_code_postal_ou_la_case_cmaf(client, db):
    multi_caf(client)
    page = texte(client.get(PORTAIL))
    assert 'name="code_postal"' in page and 'name="cmaf"' in page
    assert "Caisse Maritime d'Allocations Familiales (CMAF)" in page


@pytest.mark.parametrize(
    ("champs", "message", "motif"),
    [
        ({"code_postal": "1300"}, "Le code postal doit comporter 5 chiffres (reçu « 1300 »).", "code postal mal formé"),
        (
            {"code_postal": "13A01"},
            "Le code postal doit comporter 5 chiffres (reçu « 13A01 »).",
            "code postal mal formé",
        ),
        (
            {"code_postal": "83000", "cmaf": "on"},
            "Saisissez un code postal ou cochez la case CMAF, pas les deux : "
            "la Caisse Maritime n'est pas recherchée par code postal.",
            "code postal et case CMAF ensemble",
        ),
        (
            {},
            "Saisissez le code postal de l'allocataire, ou cochez la case CMAF pour un dossier "
            "de la Caisse Maritime d'Allocations Familiales.",
            "ni code postal ni case CMAF",
        ),
        (
            {"code_postal": "130011"},
            "Assurez-vous que cette valeur comporte au plus 5 caractères (actuellement 6).",
            "saisie refusée",
        ),
        (
            {"code_postal": "   "},
            "Saisissez le code postal de l'allocataire, ou cochez la case CMAF",
            "ni code postal ni case CMAF",
        ),
    ],
)
def test_multi_caf_code_postal_et_case_cmaf(client, db, champs, message, motif):
    habilitation = multi_caf(client)
    existant = dossier("831", "1000001")
    reponse = consulter(client, "1000001", **champs)
    assert reponse.status_code == 200
    assert message in zone_erreur(reponse)
    sans_donnees(reponse, existant)
    assert SESSION_DOSSIER not in client.session
    verifier_refus(habilitation, motif, "1000001")


# --- Unknown dossiers and dossiers of other Cafs say the same thing ------------------------


def test_dossier_inconnu(client, db):
    habilitation = agent(client)
    reponse = consulter(client, "7777777")
    assert reponse.status_code == 200
    assert MESSAGE_INTROUVABLE in zone_erreur(reponse)
    assert SESSION_DOSSIER not in client.session
    verifier_refus(habilitation, INCONNU, "7777777")


def test_local_un_dossier_d_une_autre_caf_repond_comme_un_dossier_inconnu(client, db):
    habilitation = agent(client)
    ailleurs = dossier("161", "1000001")  # exists only at the Caf de la Charente

    inconnu = consulter(client, "7777777")
    hors = consulter(client, "1000001")

    assert hors.status_code == inconnu.status_code == 200
    assert zone_erreur(hors) == zone_erreur(inconnu)
    assert " ".join(zone_erreur(hors).split()) == f"<p>{MESSAGE_INTROUVABLE}</p>"
    assert normaliser(hors, "1000001") == normaliser(inconnu, "7777777")
    sans_donnees(hors, ailleurs)
    # A local access searches its own Caf only: the numéro is unknown there (numéros are each
    # Caf's own, so another Caf's dossier under the same numéro is not "his" dossier).
    motifs = list(evenements(habilitation).order_by("id").values_list("type", "motif", "numero_allocataire"))
    assert motifs == [("refus", INCONNU, "7777777"), ("refus", INCONNU, "1000001")]


def test_multi_caf_un_dossier_hors_perimetre_repond_comme_un_dossier_inconnu(client, db):
    """The Caf de Paris is not covered: its dossier gets the unknown dossier's page, byte for
    byte apart from what was typed; only the journal tells the two apart."""
    habilitation = multi_caf(client)
    paris = dossier("751", "1000001")

    inconnu = consulter(client, "7777777", code_postal="13001")
    hors = consulter(client, "1000001", code_postal="75001")

    assert hors.status_code == inconnu.status_code == 200
    assert zone_erreur(hors) == zone_erreur(inconnu)
    assert MESSAGE_INTROUVABLE in zone_erreur(hors)
    assert normaliser(hors, "1000001", "75001") == normaliser(inconnu, "7777777", "13001")
    sans_donnees(hors, paris)
    refus = list(evenements(habilitation).order_by("id").values_list("motif", "numero_allocataire"))
    assert refus == [(INCONNU, "7777777"), (HORS_PERIMETRE, "1000001")]
    assert not evenements(habilitation, TypeEvenement.CONSULTATION).exists()


def test_local_code_postal_et_case_cmaf_forges_sont_ignores(client, db):
    """A forged POST cannot widen a local access: it searches its own Caf only."""
    habilitation = agent(client)
    chez_soi = dossier("131", "1000001")
    dossier("161", "1000001")
    dossier("CMAF", "1000004")

    reponse = consulter(client, "1000001", code_postal="16000")
    assert reponse.status_code == 302
    page = texte(client.get(reponse["Location"]))
    assert temoin("131", "1000001") in page and temoin("161", "1000001") not in page
    assert client.session[SESSION_DOSSIER] == chez_soi.pk

    reponse = consulter(client, "1000004", cmaf="on")
    assert MESSAGE_INTROUVABLE in zone_erreur(reponse)
    assert temoin("CMAF", "1000004") not in texte(reponse)
    dernier = evenements(habilitation).latest("id")
    assert (dernier.type, dernier.motif) == (TypeEvenement.REFUS, INCONNU)


# --- Multi-Caf and national accesses -------------------------------------------------------


@pytest.fixture
def dossiers_1000001(db):
    """The same numéro at several Cafs, as real numéros are: each Caf numbers its own."""
    return {numero: dossier(numero, "1000001") for numero in ("131", "831", "841", "171", "CMAF", "751", "161")}


@pytest.mark.parametrize(
    ("code_postal", "caisse_attendue", "nom_caf"),
    [
        ("83000", "831", "Caf du Var"),
        ("83500", "831", "Caf du Var"),
        ("84000", "841", "Caf de Vaucluse"),
        ("13001", "131", "Caf des Bouches-du-Rhône"),
    ],
)
def test_multi_caf_le_code_postal_choisit_la_caf(client, dossiers_1000001, code_postal, caisse_attendue, nom_caf):
    habilitation = multi_caf(client)
    reponse = consulter(client, "1000001", code_postal=code_postal)
    assert reponse.status_code == 302 and reponse["Location"] == premiere_rubrique(habilitation)
    assert client.session[SESSION_DOSSIER] == dossiers_1000001[caisse_attendue].pk
    page = client.get(reponse["Location"])
    assert temoin(caisse_attendue, "1000001") in texte(page)
    for autre in dossiers_1000001:
        if autre != caisse_attendue:
            assert temoin(autre, "1000001") not in texte(page)
    assert f"N° d'allocataire : <strong>1000001</strong> — {nom_caf}" in texte(page)
    evenement = evenements(habilitation, TypeEvenement.CONSULTATION).get()
    assert evenement.caisse_dossier == caisse_attendue
    assert evenement.caisse == "131"  # the agent's convention's Caf


def test_multi_caf_hors_perimetre_meme_sans_dossier(client, db):
    """A code postal of a Caf outside the convention is journaled as such, whether or not a
    dossier bears that numéro there."""
    habilitation = multi_caf(client)
    reponse = consulter(client, "7777777", code_postal="75001")
    assert MESSAGE_INTROUVABLE in zone_erreur(reponse)
    verifier_refus(habilitation, HORS_PERIMETRE, "7777777")


@pytest.mark.parametrize(
    ("champs", "motif"),
    [
        ({"code_postal": "75001"}, HORS_PERIMETRE),  # Caf de Paris: not covered
        ({"code_postal": "17000"}, HORS_PERIMETRE),  # La Rochelle, never the CMAF: not covered
        ({"cmaf": "on"}, HORS_PERIMETRE),  # the CMAF is not covered
        ({"code_postal": "16000"}, HORS_PERIMETRE),
        ({"code_postal": "00000"}, "aucune Caf pour ce code postal"),
    ],
)
def test_multi_caf_hors_perimetre_introuvable(client, dossiers_1000001, champs, motif):
    habilitation = multi_caf(client)
    reponse = consulter(client, "1000001", **champs)
    assert reponse.status_code == 200
    assert MESSAGE_INTROUVABLE in zone_erreur(reponse)
    sans_donnees(reponse, *dossiers_1000001.values())
    assert SESSION_DOSSIER not in client.session
    verifier_refus(habilitation, motif, "1000001")


@pytest.mark.parametrize(
    ("champs", "caisse_attendue"),
    [
        ({"cmaf": "on"}, "CMAF"),
        ({"code_postal": "16000"}, "161"),
        ({"code_postal": "17000"}, "171"),  # a code postal of Charente-Maritime: La Rochelle, not the CMAF
        ({"code_postal": "75001"}, "751"),
    ],
)
def test_nationale_code_postal_ou_case_cmaf(client, dossiers_1000001, champs, caisse_attendue):
    habilitation = nationale(client)
    reponse = consulter(client, "1000001", **champs)
    assert reponse.status_code == 302
    assert client.session[SESSION_DOSSIER] == dossiers_1000001[caisse_attendue].pk
    page = texte(client.get(reponse["Location"]))
    assert temoin(caisse_attendue, "1000001") in page
    assert bandeau(client.get(reponse["Location"])) == caisse(caisse_attendue).nom
    assert evenements(habilitation, TypeEvenement.CONSULTATION).latest("id").caisse_dossier == caisse_attendue


def test_nationale_un_dossier_de_la_cmaf_n_est_pas_trouve_par_code_postal(client, db):
    habilitation = nationale(client)
    maritime = dossier("CMAF", "1000004")
    reponse = consulter(client, "1000004", code_postal="17000")
    assert MESSAGE_INTROUVABLE in zone_erreur(reponse)
    sans_donnees(reponse, maritime)
    verifier_refus(habilitation, INCONNU, "1000004")


# --- The banner and the Dialogue pictogram -------------------------------------------------


def test_bandeau_multi_caf_generique_puis_signature_de_la_caf_du_dossier(client, dossiers_1000001):
    multi_caf(client)
    assert bandeau(client.get(PORTAIL)) == "Allocations familiales"
    reponse = consulter(client, "1000001", code_postal="83000")
    rubrique = client.get(reponse["Location"])
    assert bandeau(rubrique) == "Caf du Var"
    assert GENERIQUE not in texte(rubrique)
    # "Autre recherche": the dossier is closed, the banner generic again.
    assert bandeau(client.get(PORTAIL)) == "Allocations familiales"
    # A refused search shows the generic banner too.
    assert bandeau(consulter(client, "1000001", code_postal="75001")) == "Allocations familiales"


def test_bandeau_nationale_generique_sur_la_page_principale(client, db):
    nationale(client)
    assert bandeau(client.get(PORTAIL)) == "Allocations familiales"


def test_bandeau_local_toujours_la_caf_de_la_convention(client, db):
    agent(client)
    dossier("131", "1000001")
    assert bandeau(client.get(PORTAIL)) == "Caf des Bouches-du-Rhône"
    assert bandeau(consulter(client, "7777777")) == "Caf des Bouches-du-Rhône"
    reponse = consulter(client, "1000001")
    assert bandeau(client.get(reponse["Location"])) == "Caf des Bouches-du-Rhône"


def test_pictogramme_dialogue_seulement_si_la_caf_l_a_ouvert(client, dossiers_1000001):
    var = caisse("831")
    var.dialogue_ouvert = True
    var.save()
    multi_caf(client)
    assert LIEN_DIALOGUE not in texte(client.get(PORTAIL))  # generic banner: no Caf yet
    # A dossier of the Var: its Caf opened the rubrique.
    client.get(consulter(client, "1000001", code_postal="83000")["Location"])
    assert LIEN_DIALOGUE in texte(client.get("/portail/dossier/adresse/"))
    # A dossier of the Bouches-du-Rhône: that Caf did not.
    consulter(client, "1000001", code_postal="13001")
    assert LIEN_DIALOGUE not in texte(client.get("/portail/dossier/adresse/"))


def test_pictogramme_dialogue_local(client, db):
    agent(client)
    assert LIEN_DIALOGUE not in texte(client.get(PORTAIL))
    bdr = caisse("131")
    bdr.dialogue_ouvert = True
    bdr.save()
    assert LIEN_DIALOGUE in texte(client.get(PORTAIL))


# --- Opposition to the shared secret (T1, T2, T3) ------------------------------------------


@pytest.mark.parametrize("profil", ["T1", "T2", "T3"])
def test_opposition_refusee_aux_t1_t2_t3(client, db, profil):
    habilitation = agent(client, profil)
    oppose = dossier("131", "1000003", cas="opposition")
    reponse = consulter(client, "1000003")
    assert reponse.status_code == 200
    assert MESSAGE_OPPOSITION in zone_erreur(reponse)
    sans_donnees(reponse, oppose)
    assert SESSION_DOSSIER not in client.session
    verifier_refus(habilitation, OPPOSITION, "1000003")
    # Typing the rubrique's URL does not help either.
    client.get(f"/portail/dossier/{rubriques_du_profil(profil)[0].code}/")
    verifier_refus(habilitation, "aucun dossier ouvert", "", rubriques_du_profil(profil)[0].code)


@pytest.mark.parametrize("profil", ["T4", "T13"])
def test_opposition_sans_effet_pour_les_autres_profils(client, db, profil):
    habilitation = agent(client, profil)
    dossier("131", "1000003", cas="opposition")
    reponse = consulter(client, "1000003")
    assert reponse.status_code == 302
    page = texte(client.get(reponse["Location"]))
    assert temoin("131", "1000003") in page
    assert MESSAGE_OPPOSITION not in page
    assert evenements(habilitation, TypeEvenement.CONSULTATION).count() == 1


def test_opposition_enregistree_pendant_la_consultation(client, db):
    """Checked again on every page: the next rubrique is refused."""
    habilitation = agent(client, "T1")
    lu = dossier("131", "1000001")
    client.get(consulter(client, "1000001")["Location"])
    assert temoin("131", "1000001") in texte(client.get("/portail/dossier/dossier/"))

    Dossier.objects.filter(pk=lu.pk).update(opposition_partage=True)
    reponse = client.get("/portail/dossier/famille/")
    assert reponse.status_code == 200
    assert MESSAGE_OPPOSITION in zone_erreur(reponse)
    sans_donnees(reponse, lu)
    dernier = evenements(habilitation).latest("id")
    assert (dernier.type, dernier.resultat, dernier.motif, dernier.rubrique, dernier.caisse) == (
        TypeEvenement.REFUS,
        Resultat.REFUS,
        OPPOSITION,
        "famille",
        "131",
    )
    assert dernier.numero_allocataire == "1000001"
    # The dossier is closed: the next page has none.
    assert SESSION_DOSSIER not in client.session
    assert evenements(habilitation, TypeEvenement.CONSULTATION).count() == 2


# --- A radiated dossier --------------------------------------------------------------------


def test_dossier_radie_consultable_avec_sa_radiation_pour_t13(client, db):
    agent(client, "T13")
    radie = dossier("131", "1000002", cas="radie")
    assert radie.motif_radiation
    client.get(consulter(client, "1000002")["Location"])
    page = texte(client.get("/portail/dossier/dossier/"))
    assert temoin("131", "1000002") in page
    assert f"Radiation depuis le {radie.situation_depuis:%d/%m/%Y} — motif : {radie.motif_radiation}" in page


def test_dossier_radie_sans_rubrique_dossier_pour_t2(client, db):
    agent(client, "T2")
    radie = dossier("131", "1000002", cas="radie")
    reponse = consulter(client, "1000002")
    assert reponse.status_code == 302
    for rubrique in rubriques_du_profil("T2"):
        page = texte(client.get(f"/portail/dossier/{rubrique.code}/"))
        assert temoin("131", "1000002") in page
        assert "Radiation" not in page and "radiation" not in page
        assert radie.motif_radiation not in page
    assert client.get("/portail/dossier/dossier/").status_code == 403


# --- Typed URLs, no dossier, forged sessions -----------------------------------------------


@pytest.mark.parametrize("code", ["paiements", "dossier", "ressources", "inexistant", "PAIEMENTS"])
def test_rubrique_hors_profil_tapee_dans_l_url(client, db, code):
    habilitation = agent(client, "T2")
    lu = dossier("131", "1000001")
    client.get(consulter(client, "1000001")["Location"])
    avant = evenements(habilitation, TypeEvenement.CONSULTATION).count()
    reponse = client.get(f"/portail/dossier/{code}/")
    assert reponse.status_code == 403
    assert "Accès refusé" in texte(reponse)
    sans_donnees(reponse, lu)
    dernier = evenements(habilitation).latest("id")
    assert (dernier.type, dernier.resultat, dernier.motif, dernier.rubrique) == (
        TypeEvenement.REFUS,
        Resultat.REFUS,
        f"rubrique non autorisée : {code}",
        code,
    )
    assert evenements(habilitation, TypeEvenement.CONSULTATION).count() == avant


def test_rubrique_sans_dossier_ouvert(client, db):
    habilitation = agent(client)
    dossier("131", "1000001")
    reponse = client.get("/portail/dossier/famille/")
    # The main page, whose instruction says what to type: not an error (issue 15, Back after
    # « Autre recherche » showed the instruction twice, once as an error). Still journaled.
    assert (reponse.status_code, reponse["Location"]) == (302, PORTAIL)
    principale = client.get(PORTAIL)
    assert zone_erreur(principale) == ""
    assert texte(principale).count(MESSAGE_SAISIR) == 1
    verifier_refus(habilitation, "aucun dossier ouvert", "", "famille")


def test_session_forgee_vers_un_dossier_d_une_autre_caf(client, db):
    habilitation = agent(client)
    charente = dossier("161", "1000001")
    session = client.session
    session[SESSION_DOSSIER] = charente.pk
    session.save()
    reponse = client.get("/portail/dossier/famille/")
    assert reponse.status_code == 200
    assert MESSAGE_INTROUVABLE in zone_erreur(reponse)
    sans_donnees(reponse, charente)
    verifier_refus(habilitation, HORS_PERIMETRE, "1000001", "famille")
    assert evenements(habilitation).latest("id").caisse_dossier == "161"
    assert SESSION_DOSSIER not in client.session


@pytest.mark.parametrize("valeur", ["1", 1.0, [1], None, 10**12])
def test_session_forgee_valeur_etrangere(client, db, valeur):
    habilitation = agent(client)
    d = dossier("131", "1000001")
    session = client.session
    session[SESSION_DOSSIER] = str(d.pk) if valeur == "1" else valeur
    session.save()
    reponse = client.get("/portail/dossier/famille/")
    assert (reponse.status_code, reponse["Location"]) == (302, PORTAIL)
    sans_donnees(reponse, d)
    verifier_refus(habilitation, "aucun dossier ouvert", "", "famille")


def test_convention_terminee_pendant_la_consultation(client, db):
    habilitation = agent(client)
    lu = dossier("131", "1000001")
    client.get(consulter(client, "1000001")["Location"])
    convention = habilitation.convention
    convention.date_resiliation = timezone.localdate() - timedelta(days=1)
    convention.motif_resiliation = "manquement aux obligations de confidentialité"
    convention.save()
    reponse = client.get("/portail/dossier/famille/")
    assert reponse.status_code == 403
    sans_donnees(reponse, lu)
    dernier = evenements(habilitation).latest("id")
    assert (dernier.type, dernier.motif) == (TypeEvenement.REFUS, "portail : /portail/dossier/famille/")
    assert evenements(habilitation, TypeEvenement.CONSULTATION).count() == 1


def test_habilitation_suspendue_pendant_la_consultation(client, db):
    habilitation = agent(client)
    lu = dossier("131", "1000001")
    client.get(consulter(client, "1000001")["Location"])
    habilitation.etat = EtatHabilitation.SUSPENDUE
    habilitation.save()
    reponse = client.get("/portail/dossier/famille/")
    # The account is closed at once: its session no longer authenticates anyone.
    assert reponse.status_code == 302 and reponse["Location"].startswith("/session-expiree/")
    sans_donnees(reponse, lu)
    assert evenements(habilitation, TypeEvenement.CONSULTATION).count() == 1
    # The refused request is journaled, and the session ended on the server.
    dernier = evenements(habilitation).latest("id")
    assert (dernier.type, dernier.motif) == (TypeEvenement.REFUS, "session d'un compte fermé")
    assert "_auth_user_id" not in client.session


# --- Journal before data -------------------------------------------------------------------


@pytest.fixture
def jour_fixe(monkeypatch):
    """Today is 20 October 2026 for the consultation screens."""
    monkeypatch.setattr(
        views, "timezone", types.SimpleNamespace(localdate=lambda: date(2026, 10, 20), localtime=timezone.localtime)
    )
    return date(2026, 10, 20)


def test_chaque_page_de_rubrique_ecrit_un_evenement(client, db, jour_fixe):
    habilitation = agent(client, "T1")
    creer_dossier(caisse("131"), "1000001", jour=jour_fixe)
    client.get(consulter(client, "1000001")["Location"])
    for rubrique in rubriques_du_profil("T1")[1:]:
        assert client.get(f"/portail/dossier/{rubrique.code}/").status_code == 200
    consultations = list(evenements(habilitation, TypeEvenement.CONSULTATION).order_by("id"))
    assert [e.rubrique for e in consultations] == [r.code for r in rubriques_du_profil("T1")]
    for e in consultations:
        assert e.resultat == Resultat.SUCCES
        assert e.habilitation_id == habilitation.pk and e.identifiant == habilitation.identifiant
        assert e.numero_allocataire == "1000001"
        assert e.caisse == "131" and e.caisse_dossier == "131"
    periodes = {e.rubrique: e.periode for e in consultations}
    # The latest month with a payment (the demo pays September's rights on 5 October).
    assert periodes["paiements"] == "2026-10"
    assert periodes["droits"] == "2026-10"
    assert periodes["courrier"] == "2 derniers mois"
    assert periodes["famille"] == ""
    assert not evenements(habilitation, TypeEvenement.REFUS).exists()


# The journal's own call, then each of its two writes (the event, the strand's head: the event
# written then its head refused rolls back together).
@pytest.mark.parametrize(
    "cible", ["dossiers.journal.enregistrer", "journal.chaine.inserer", "journal.chaine.mettre_a_jour"]
)
def test_sans_journal_aucune_donnee(db, cible):
    client = Client(raise_request_exception=False)
    habilitation = agent(client, "T1")
    lu = dossier("131", "1000001")
    assert consulter(client, "1000001").status_code == 302
    with (
        mock.patch(cible, side_effect=DatabaseError("journal indisponible")),
        mock.patch.object(lecture, "lire", wraps=lecture.lire) as lire,
        mock.patch.object(lecture, "entete", wraps=lecture.entete) as entete,
    ):
        reponse = client.get("/portail/dossier/paiements/")
    assert reponse.status_code == 500
    sans_donnees(reponse, lu)
    assert "1000001" not in texte(reponse)
    # Nothing of the dossier was even read.
    assert lire.call_count == 0 and entete.call_count == 0
    assert not evenements(habilitation, TypeEvenement.CONSULTATION).exists()
    # Once the journal is back, the same page is shown and journaled.
    assert temoin("131", "1000001") in texte(client.get("/portail/dossier/paiements/"))
    assert evenements(habilitation, TypeEvenement.CONSULTATION).count() == 1


# --- Several dossiers in one session -------------------------------------------------------


def test_plusieurs_dossiers_l_un_apres_l_autre(client, db):
    habilitation = agent(client, "T1")
    a = dossier("131", "1000001")
    b = dossier("131", "1000004", cas="creances")

    page_a = texte(client.get(consulter(client, "1000001")["Location"]))
    assert temoin("131", "1000001") in page_a

    page_b = texte(client.get(consulter(client, "1000004")["Location"]))
    assert temoin("131", "1000004") in page_b and temoin("131", "1000001") not in page_b
    page_b = texte(client.get("/portail/dossier/famille/"))
    assert temoin("131", "1000004") in page_b and temoin("131", "1000001") not in page_b
    assert "N° d'allocataire : <strong>1000004</strong>" in page_b

    numeros = list(
        evenements(habilitation, TypeEvenement.CONSULTATION).order_by("id").values_list("numero_allocataire", flat=True)
    )
    assert numeros == ["1000001", "1000004", "1000004"]

    # "Autre recherche" closes the dossier.
    assert 'href="/portail/">Autre recherche</a>' in page_b
    principale = client.get(PORTAIL)
    sans_donnees(principale, a, b)
    assert SESSION_DOSSIER not in client.session
    assert client.get("/portail/dossier/famille/")["Location"] == PORTAIL


def test_une_recherche_refusee_ferme_le_dossier_precedent(client, db):
    agent(client, "T1")
    a = dossier("131", "1000001")
    client.get(consulter(client, "1000001")["Location"])
    reponse = consulter(client, "7777777")
    assert MESSAGE_INTROUVABLE in zone_erreur(reponse)
    sans_donnees(reponse, a)
    suivante = client.get("/portail/dossier/famille/")
    assert (suivante.status_code, suivante["Location"]) == (302, PORTAIL)
    sans_donnees(suivante, a)


# --- The printable edition -----------------------------------------------------------------


def test_edition_imprimable_de_chaque_rubrique(client, db):
    habilitation = multi_caf(client)
    dossier("831", "1000001")
    client.get(consulter(client, "1000001", code_postal="83000")["Location"])
    for rubrique in rubriques_du_profil("T8"):
        avant = timezone.localdate()
        reponse = client.get(f"/portail/dossier/{rubrique.code}/")
        apres = timezone.localdate()
        page = texte(reponse)
        edition = re.search(r'<p class="edition">(.*?)</p>', page).group(1)
        assert re.fullmatch(
            r"Édition Cafpro du (\d\d/\d\d/\d{4}) à \d\d:\d\d — identifiant (\S+) — Caf du Var", edition
        ), edition
        assert edition.split()[3] in (f"{avant:%d/%m/%Y}", f"{apres:%d/%m/%Y}")
        assert f"identifiant {habilitation.identifiant} —" in edition
        assert '<button type="button" class="lien" data-action="imprimer">Imprimer</button>' in page
        assert '<link rel="stylesheet" href="/static/css/impression.css" media="print">' in page


def test_la_feuille_d_impression_masque_la_navigation(client, db):
    agent(client)
    assert '<link rel="stylesheet" href="/static/css/impression.css" media="print">' in texte(client.get(PORTAIL))
    chemin = finders.find("css/impression.css")
    assert chemin
    with open(chemin, encoding="utf-8") as fichier:
        feuille = fichier.read()
    regle = re.search(r"([^{}]*)\{\s*display:\s*none", feuille)
    assert regle
    for selecteur in (".bandeau", ".menu", ".onglets", ".pas-a-imprimer"):
        assert selecteur in regle.group(1)


# --- Every lookup leaves a trace, found or not (issue 12) -----------------------------------


def test_une_recherche_aboutie_est_journalisee_meme_sans_suivre_la_redirection(client, db):
    """A script that posts numéros and reads only the redirect learns which exist: each lookup
    is journaled before the answer, with the dossier's Caf."""
    habilitation = agent(client, "T1")
    trouve = dossier("131", "1000001")

    reponse = consulter(client, "1000001")

    assert reponse.status_code == 302  # not followed: no rubrique page read
    evenement = Evenement.objects.get(type=TypeEvenement.RECHERCHE)
    assert (evenement.resultat, evenement.motif, evenement.numero_allocataire) == (
        Resultat.SUCCES,
        "dossier trouvé",
        "1000001",
    )
    assert (evenement.habilitation_id, evenement.caisse, evenement.caisse_dossier) == (habilitation.pk, "131", "131")
    assert trouve.caisse.numero == "131"
    assert not Evenement.objects.filter(type=TypeEvenement.CONSULTATION).exists()


def test_une_recherche_nationale_est_journalisee_avec_la_caf_du_dossier(client, db):
    nationale(client)
    dossier("161", "1000002")
    consulter(client, "1000002", code_postal="16000")
    evenement = Evenement.objects.get(type=TypeEvenement.RECHERCHE)
    assert (evenement.caisse, evenement.caisse_dossier) == ("131", "161")


def test_chaque_recherche_trouvee_ou_non_laisse_une_trace(client, db):
    agent(client, "T1")
    dossier("131", "1000001")
    for numero in ("1000001", "1000009", "1000001", "12"):
        consulter(client, numero)
    traces = list(
        Evenement.objects.filter(type__in=[TypeEvenement.RECHERCHE, TypeEvenement.REFUS])
        .order_by("pk")
        .values_list("type", "numero_allocataire")
    )
    assert traces == [
        (TypeEvenement.RECHERCHE, "1000001"),
        (TypeEvenement.REFUS, "1000009"),
        (TypeEvenement.RECHERCHE, "1000001"),
        (TypeEvenement.REFUS, "12"),
    ]
