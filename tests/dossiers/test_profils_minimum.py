"""The minimum necessary for each profile where the seeds give no field list (docs/profils.md,
"Les choix faits là où les sources se taisent"), through the pages as in test_profils_pages:
T11 without the bank details nor the CDAPH opinion, T14 without anyone's activity, T10 on its
own tenants only, and the créance's code beside its libellé (01-…, "Code nature créances /
libellé").
"""

import html
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from demo.conventions import convention
from demo.dossiers import DOSSIERS_DOCUMENTES, creer_dossier
from demo.foyer import BAILLEUR_T10
from dossiers.consultation import MESSAGE_INTROUVABLE, SESSION_DOSSIER, locataire_du_bailleur
from dossiers.models import Creance, Dossier, Logement, Personne, RoleDansLeFoyer
from journal.models import Evenement, Resultat, TypeEvenement
from tests.dossiers.test_profils_pages import (
    adultes,
    aujourd_hui,
    ce_mois,
    consulter,
    fiches,
    habiliter,
    libelles,
    page,
    sql_de,
    tableaux,
)
from tests.factories import HabilitationFactory, siret_valide
from tests.outils import texte

ACTIVITE_ENFANT = "Collégien Témoin"
ACTIVITE_AUTRE = "Retraitée Témoin"
HORS_TIERS_PAYANT = "allocataire hors tiers payant du bailleur"


@pytest.fixture
def dossier(caf_131):
    """The documented "complet" dossier of Caf 131, with an activity on every dependant."""
    dossier = creer_dossier(caf_131, "1000001", cas="complet")
    Dossier.objects.filter(pk=dossier.pk).update(surendettement=True)
    Personne.objects.filter(dossier=dossier, role=RoleDansLeFoyer.ENFANT).update(activite=ACTIVITE_ENFANT)
    Personne.objects.filter(dossier=dossier, role=RoleDansLeFoyer.AUTRE).update(activite=ACTIVITE_AUTRE)
    dossier.refresh_from_db()
    assert dossier.references_bancaires.startswith("FR")
    assert any(a.avis_cdaph for a in adultes(dossier)), "le dossier complet a un avis CDAPH"
    assert Personne.objects.filter(dossier=dossier, role=RoleDansLeFoyer.AUTRE).exists()
    return dossier


def ouvrir(client, caisse, dossier, profil):
    habilitation = habiliter(client, profil, caisse)
    if profil == "T10":
        locataire(dossier, habilitation)
    consulter(client, dossier, profil)
    return habilitation


def locataire(dossier, habilitation, **logement):
    """The dossier's current dwelling is let by the habilitation's partner, tiers payant to him."""
    courant = Logement.objects.filter(dossier=dossier, date_fin__isnull=True)
    assert courant.count() == 1
    courant.update(bailleur_siret=habilitation.convention.partenaire.siret, tiers_payant=True, **logement)


# --- T11, commissions de surendettement: no bank details, no CDAPH opinion ------------------------


def test_t11_dossier_sans_references_bancaires_ni_avis_cdaph(client, caf_131, dossier):
    ouvrir(client, caf_131, dossier, "T11")
    with CaptureQueriesContext(connection) as requetes:
        contenu = page(client, "dossier")
    lu = html.unescape(contenu)
    vus = libelles(contenu)
    # What the instruction of a debt file needs: the situation, the household, the quotient, the
    # mention of surendettement and the measures.
    for attendu in (
        "Situation du dossier",
        "Suspension du dossier",
        "Situation familiale",
        "Nombre d'enfants à charge au sens des prestations familiales",
        "Nombre de personnes à charge au sens des aides au logement",
        "Quotient familial Cnaf",
        "Surendettement",
    ):
        assert attendu in vus, attendu
    assert dict(fiches(contenu))["Surendettement"] == "surendettement en cours"
    assert [t["titre"] for t in tableaux(contenu)] == ["Mesure d'accompagnement ou tutelle"]
    # Neither the IBAN nor the CDAPH opinion, as labels, values or columns read.
    assert not any(v.startswith(("Références bancaires", "Avis CDAPH")) for v in vus)
    for absent in ("Références bancaires", "Avis CDAPH", "Taux d'incapacité", "FR76"):
        assert absent not in lu, absent
    assert dossier.references_bancaires not in lu
    assert dossier.references_bancaires.replace(" ", "") not in lu
    for adulte in adultes(dossier):
        assert not adulte.avis_cdaph or adulte.avis_cdaph not in lu
    sql = sql_de(requetes)
    assert '"surendettement"' in sql  # the page did read the dossier's own columns
    for colonne in ('"references_bancaires"', '"avis_cdaph"', '"avis_cdaph_debut"', '"avis_cdaph_fin"'):
        assert colonne not in sql, colonne


def test_t13_voit_ce_que_t11_ne_voit_pas(client, caf_131, dossier):
    """The positive control: T13's list (01-…) has the bank details and the CDAPH opinion."""
    ouvrir(client, caf_131, dossier, "T13")
    valeurs = dict(fiches(page(client, "dossier")))
    assert valeurs["Références bancaires"] == dossier.references_bancaires
    assert any(libelle.startswith("Avis CDAPH de ") for libelle in valeurs)


def test_t11_famille_garde_l_activite(client, caf_131, dossier):
    ouvrir(client, caf_131, dossier, "T11")
    contenu = page(client, "famille")
    assert "Activité" in libelles(contenu)
    enfants, autres = tableaux(contenu)
    assert "Activité" in enfants["colonnes"] and autres["colonnes"][-1] == "Activité"
    assert {ligne[enfants["colonnes"].index("Activité")] for ligne in enfants["lignes"]} == {ACTIVITE_ENFANT}
    assert {ligne[-1] for ligne in autres["lignes"]} == {ACTIVITE_AUTRE}
    lu = html.unescape(contenu)
    assert "NIR" not in lu and all(a.nir not in lu for a in adultes(dossier))


# --- T14, pensions de réversion et d'orphelins: nobody's activity -------------------------------


def test_t14_famille_sans_activite_de_personne(client, caf_131, dossier):
    ouvrir(client, caf_131, dossier, "T14")
    with CaptureQueriesContext(connection) as requetes:
        contenu = page(client, "famille")
    lu = html.unescape(contenu)
    assert libelles(contenu).count("Date de naissance") == len(adultes(dossier))
    assert "Activité" not in libelles(contenu)
    enfants, *autres = tableaux(contenu)
    assert enfants["colonnes"] == ["Nom", "Prénom", "Date de naissance", "Type de charge", "Placement"]
    assert autres == []  # "Autres personnes à charge" is not T14's
    noms_enfants = {p.prenom for p in Personne.objects.filter(dossier=dossier, role=RoleDansLeFoyer.ENFANT)}
    assert {ligne[1] for ligne in enfants["lignes"]} == noms_enfants
    for personne in Personne.objects.filter(dossier=dossier):
        assert not personne.activite or personne.activite not in lu, personne.activite
    for absent in ("Activité", ACTIVITE_ENFANT, ACTIVITE_AUTRE, "Sans activité"):
        assert absent not in lu, absent
    sql = sql_de(requetes)
    assert "dossiers_personne" in sql and '"date_naissance"' in sql
    assert '"activite"' not in sql and '"activite_depuis"' not in sql


def test_t14_dossier_situation_et_enfants_seulement(client, caf_131, dossier):
    ouvrir(client, caf_131, dossier, "T14")
    contenu = page(client, "dossier")
    assert libelles(contenu) == [
        "Situation du dossier",
        "Situation familiale",
        "Nombre d'enfants à charge au sens des prestations familiales",
    ]
    lu = html.unescape(contenu)
    assert dossier.references_bancaires not in lu and "Avis CDAPH" not in lu


# --- T10, bailleurs sociaux bénéficiaires de tiers payants: their own tenants only -------------


def test_t10_ouvre_le_dossier_de_son_locataire(client, caf_131, dossier):
    habilitation = ouvrir(client, caf_131, dossier, "T10")
    assert client.session[SESSION_DOSSIER] == dossier.pk
    valeurs = dict(fiches(page(client, "logement")))
    courant = Logement.objects.get(dossier=dossier, date_fin__isnull=True)
    assert valeurs["Bailleur"] == courant.bailleur
    assert valeurs["Tiers payant"] == "versée au bailleur"
    evenement = Evenement.objects.filter(habilitation_id=habilitation.pk).latest("id")
    assert (evenement.type, evenement.resultat, evenement.rubrique) == ("consultation", "succes", "logement")


@pytest.mark.parametrize(
    "logement",
    [
        {"bailleur_siret": siret_valide(9001)},  # another landlord's tenant
        {"tiers_payant": False},  # his tenant, but the aid is paid to the allocataire
        {"bailleur_siret": ""},  # a landlord the Caf knows by name only
    ],
    ids=["autre-bailleur", "sans-tiers-payant", "sans-siret"],
)
def test_t10_refuse_le_dossier_d_un_autre_locataire_comme_un_dossier_inconnu(client, caf_131, dossier, logement):
    habilitation = habiliter(client, "T10", caf_131)
    locataire(dossier, habilitation)
    Logement.objects.filter(dossier=dossier, date_fin__isnull=True).update(**logement)
    inconnu = client.post("/portail/consulter/", {"numero_allocataire": "7777777"})
    refuse = client.post("/portail/consulter/", {"numero_allocataire": dossier.numero_allocataire})
    assert refuse.status_code == inconnu.status_code == 200
    assert MESSAGE_INTROUVABLE in texte(refuse)
    assert SESSION_DOSSIER not in client.session
    lu = html.unescape(texte(refuse))
    assert all(a.nom not in lu for a in adultes(dossier)) and "€" not in lu
    # The same page as an unknown numéro, but for what was typed and the csrf token.
    normal = [
        texte(r).replace(numero, "«saisie»").split('name="csrfmiddlewaretoken"')[0]
        for r, numero in ((refuse, dossier.numero_allocataire), (inconnu, "7777777"))
    ]
    assert normal[0] == normal[1]
    # Only the journal tells the two apart, for the Responsables Sécurité.
    refus = list(
        Evenement.objects.filter(habilitation_id=habilitation.pk)
        .order_by("id")
        .values_list("type", "resultat", "motif", "numero_allocataire", "caisse_dossier")
    )
    assert refus == [
        (TypeEvenement.REFUS, Resultat.REFUS, "dossier inconnu", "7777777", ""),
        (TypeEvenement.REFUS, Resultat.REFUS, HORS_TIERS_PAYANT, dossier.numero_allocataire, "131"),
    ]


def test_t10_ancien_locataire_refuse(client, caf_131, dossier):
    habilitation = habiliter(client, "T10", caf_131)
    locataire(dossier, habilitation, date_fin=aujourd_hui() - timedelta(days=1))
    reponse = client.post("/portail/consulter/", {"numero_allocataire": dossier.numero_allocataire})
    assert MESSAGE_INTROUVABLE in texte(reponse)
    evenement = Evenement.objects.filter(habilitation_id=habilitation.pk).latest("id")
    assert evenement.motif == HORS_TIERS_PAYANT


def test_t10_le_locataire_qui_part_n_est_plus_lu(client, caf_131, dossier):
    """Checked again on every page: a tenant who moves to another landlord while the page is open."""
    habilitation = ouvrir(client, caf_131, dossier, "T10")
    assert page(client, "paiements")
    Logement.objects.filter(dossier=dossier, date_fin__isnull=True).update(bailleur_siret=siret_valide(9002))
    reponse = client.get("/portail/dossier/paiements/")
    assert reponse.status_code == 200
    assert MESSAGE_INTROUVABLE in texte(reponse)
    assert all(a.nom not in texte(reponse) for a in adultes(dossier))
    assert SESSION_DOSSIER not in client.session
    evenement = Evenement.objects.filter(habilitation_id=habilitation.pk).latest("id")
    assert (evenement.type, evenement.motif, evenement.rubrique) == ("refus", HORS_TIERS_PAYANT, "paiements")
    assert evenement.numero_allocataire == dossier.numero_allocataire


def test_les_autres_profils_ne_dependent_pas_du_bailleur(client, caf_131, dossier):
    """The rule is T10's: a T13 agent reads a tenant of any landlord."""
    Logement.objects.filter(dossier=dossier).update(bailleur_siret=siret_valide(9003))
    ouvrir(client, caf_131, dossier, "T13")
    assert page(client, "logement")


# --- Créances: the code of the nature beside its libellé (01-…) ---------------------------------


@pytest.mark.parametrize("profil", ["T1", "T9", "T11", "T13"])
def test_creances_code_nature_et_libelle(client, caf_131, dossier, profil):
    Creance.objects.create(
        dossier=dossier,
        code_nature="IAL",
        nature="Indu d'aide au logement Témoin",
        destinataire="Caf des Bouches-du-Rhône",
        montant_initial=Decimal("300"),
        remboursement="Retenue",
        solde=Decimal("120"),
        etat="En cours de recouvrement",
        periode_debut=ce_mois() - timedelta(days=90),
        periode_fin=ce_mois() - timedelta(days=60),
    )
    ouvrir(client, caf_131, dossier, profil)
    (tableau,) = tableaux(page(client, "creances"))
    assert tableau["colonnes"][0] == "Code nature créances / libellé"
    natures = [ligne[0] for ligne in tableau["lignes"]]
    assert "IAL / Indu d'aide au logement Témoin" in natures
    # A créance whose code the Caf did not hand over keeps its libellé alone.
    sans_code = Creance.objects.filter(dossier=dossier, code_nature="").values_list("nature", flat=True)
    assert set(sans_code) <= set(natures)


def test_l_agent_t10_de_la_demo_trouve_ses_locataires(client, caf_131):
    """The demo's T10 partner lets the social dwellings of Caf 131's odd numéros: its agent opens
    the documented 1000001 and is refused 1000004 (another landlord's tenant)."""
    demo = convention(BAILLEUR_T10, {"131": caf_131})
    habilitation = HabilitationFactory(convention=demo)
    client.force_login(habilitation.user)
    documentes = {numero: creer_dossier(caf_131, numero, cas=cas) for numero, cas in DOSSIERS_DOCUMENTES}
    # The README's promise: his tenants are 1000001, 1000003 and 1000005 of Caf 131.
    locataires = {n for n, d in documentes.items() if locataire_du_bailleur(d, demo.partenaire.siret)}
    assert locataires == {"1000001", "1000003", "1000005"}
    complet, creances = documentes["1000001"], documentes["1000004"]
    courant = Logement.objects.get(dossier=complet, date_fin__isnull=True)
    assert (courant.bailleur, courant.bailleur_siret) == (demo.partenaire.raison_sociale, demo.partenaire.siret)
    consulter(client, complet, "T10")
    assert dict(fiches(page(client, "logement")))["Bailleur"] == demo.partenaire.raison_sociale
    refuse = client.post("/portail/consulter/", {"numero_allocataire": creances.numero_allocataire})
    assert MESSAGE_INTROUVABLE in texte(refuse)
    assert Evenement.objects.filter(habilitation_id=habilitation.pk).latest("id").motif == HORS_TIERS_PAYANT
