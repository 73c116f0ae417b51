"""The profile rules through the pages: every cell of the matrix, then field by field.

Seeds: `05-…` (matrix), `02-…` annexe 3 and manual (T12), `01-…` annexe "Profil T13",
`04-…` annexe "Profil d'accès" (T2). Each test opens a demo dossier of Caf 131 from a local
convention of Caf 131 ("Consulter"), then reads the rubrique pages as the agent would, and
checks both the labels shown and the data values, which must never reach a page (nor, for
the most sensitive ones, a SQL query) when the profile is not granted them.
"""

import html
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from demo.dossiers import creer_dossier
from dossiers.lecture.formats import date_fr, euros, mois_fr
from dossiers.models import (
    Civilite,
    Courrier,
    Creance,
    Dossier,
    Droit,
    EtatPaiement,
    Logement,
    MesureAccompagnement,
    MinimumSocial,
    Paiement,
    Personne,
    QuotientFamilial,
    Ressource,
    RoleDansLeFoyer,
    SensCourrier,
    TypePaiement,
)
from journal.models import Evenement
from profils.definitions import PROFILS
from profils.prestations import Prestation
from profils.rubriques import MATRICE, RUBRIQUES, rubriques_du_profil
from tests.factories import HabilitationFactory
from tests.outils import texte

AAH_CRAAH_MVA = (Prestation.AAH, Prestation.CR_AAH, Prestation.MVA)
# --- Helpers ---------------------------------------------------------------------------------


def aujourd_hui() -> date:
    return timezone.localdate()


def decaler(mois: date, n: int) -> date:
    index = mois.year * 12 + mois.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def ce_mois() -> date:
    return aujourd_hui().replace(day=1)


def code(mois: date) -> str:
    return f"{mois:%Y-%m}"


def habiliter(client, profil: str, caisse):
    habilitation = HabilitationFactory(
        convention__caisse=caisse, convention__profil=profil, greffier=profil == "T12", nom=f"AGENT{profil}"
    )
    client.force_login(habilitation.user)
    return habilitation


def consulter(client, dossier, profil: str):
    reponse = client.post("/portail/consulter/", {"numero_allocataire": dossier.numero_allocataire})
    premiere = rubriques_du_profil(profil)[0].code
    assert reponse.status_code == 302, texte(reponse)
    assert reponse["Location"] == f"/portail/dossier/{premiere}/"


def page(client, rubrique: str, **parametres):
    reponse = client.get(f"/portail/dossier/{rubrique}/", parametres)
    assert reponse.status_code == 200, (rubrique, reponse.status_code)
    # An undefined template variable fails the rendering itself (cafpro/settings/test.py).
    return reponse.content.decode()


def onglets(contenu: str) -> list[str]:
    nav = re.search(r'<nav class="onglets"[^>]*>(.*?)</nav>', contenu, re.S)
    assert nav, "pas de barre d'onglets"
    return re.findall(r'<a href="/portail/dossier/([^/"]+)/"', nav.group(1))


def _propre(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment.replace("<br>", "\n"))).strip()


def fiches(contenu: str) -> list[tuple[str, str]]:
    """Every (label, value) of the page's fiches."""
    return [(_propre(dt), _propre(dd)) for dt, dd in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", contenu, re.S)]


def libelles(contenu: str) -> list[str]:
    return [libelle for libelle, _ in fiches(contenu)]


def tableaux(contenu: str) -> list[dict]:
    """Every table section: its title, header, rows and total (cells as read)."""
    resultat = []
    for section in re.findall(r'<section class="tableau">(.*?)</section>', contenu, re.S):
        corps = re.search(r"<tbody>(.*?)</tbody>", section, re.S)
        pied = re.search(r"<tfoot>(.*?)</tfoot>", section, re.S)
        lignes = re.findall(r"<tr>(.*?)</tr>", corps.group(1), re.S) if corps else []
        resultat.append(
            {
                "titre": _propre(re.search(r"<h2>(.*?)</h2>", section, re.S).group(1)),
                "colonnes": [_propre(c) for c in re.findall(r'<th scope="col">(.*?)</th>', section, re.S)],
                "lignes": [[_propre(c) for c in re.findall(r"<td>(.*?)</td>", ligne, re.S)] for ligne in lignes],
                "total": [_propre(c) for c in re.findall(r"<td>(.*?)</td>", pied.group(1), re.S)] if pied else None,
            }
        )
    return resultat


def paiements(contenu: str) -> list[dict]:
    """Every payment of the Paiements rubrique: its title, its (label, value) fields, its
    prestations and the amounts under them, each as (label, amount) (templates/dossiers/_paiements.html)."""
    resultat = []
    for article in re.findall(r'<article class="paiement">(.*?)</article>', contenu, re.S):
        tableau = re.search(r"<table[^>]*>(.*?)</table>", article, re.S)
        corps = re.search(r"<tbody>(.*?)</tbody>", tableau.group(1), re.S) if tableau else None
        pied = re.search(r"<tfoot>(.*?)</tfoot>", tableau.group(1), re.S) if tableau else None
        ligne = r'<tr><th scope="row">(.*?)</th><td class="montant">(.*?)</td></tr>'
        resultat.append(
            {
                "titre": _propre(re.search(r"<h3>(.*?)</h3>", article, re.S).group(1)),
                "champs": [
                    (_propre(dt), _propre(dd)) for dt, dd in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", article)
                ],
                "libelle_prestations": _propre(re.search(r"<caption>(.*?)</caption>", tableau.group(1)).group(1))
                if tableau
                else None,
                "prestations": [(_propre(a), _propre(b)) for a, b in re.findall(ligne, corps.group(1))]
                if corps
                else None,
                "montants": [(_propre(a), _propre(b)) for a, b in re.findall(ligne, pied.group(1))] if pied else [],
            }
        )
    return resultat


def periode_affichee(contenu: str) -> str:
    trouve = re.search(r'<p class="periode">Période : <strong>(.*?)</strong></p>', contenu)
    return _propre(trouve.group(1)) if trouve else ""


def avertissement(contenu: str) -> str:
    trouve = re.search(r'<p class="avertissement" role="status">(.*?)</p>', contenu, re.S)
    return _propre(trouve.group(1)) if trouve else ""


def dernier_evenement(habilitation) -> Evenement:
    return Evenement.objects.filter(habilitation_id=habilitation.pk).order_by("-id").first()


def adultes(dossier) -> list[Personne]:
    return list(
        Personne.objects.filter(dossier=dossier, role__in=[RoleDansLeFoyer.RESPONSABLE, RoleDansLeFoyer.CONJOINT])
    )


def sql_de(contexte) -> str:
    return "\n".join(q["sql"] for q in contexte.captured_queries)


@pytest.fixture
def dossier(caf_131):
    """The documented "complet" dossier of Caf 131, with a few facts it may lack made certain."""
    dossier = creer_dossier(caf_131, "1000001", cas="complet")
    Dossier.objects.filter(pk=dossier.pk).update(surendettement=True)
    dossier.refresh_from_db()
    assert dossier.references_bancaires.startswith("FR") and dossier.grossesse_debut
    assert not dossier.opposition_partage
    return dossier


# --- 1. The 280 cells of the matrix, through the pages ------------------------------------------


@pytest.mark.parametrize("profil", list(PROFILS))
def test_chaque_cellule_de_la_matrice_par_les_pages(client, caf_131, dossier, profil):
    habilitation = habiliter(client, profil, caf_131)
    if profil == "T10":  # a landlord reads his own tenants only (test_profils_minimum.py)
        Logement.objects.filter(dossier=dossier, date_fin__isnull=True).update(
            bailleur_siret=habilitation.convention.partenaire.siret
        )
    consulter(client, dossier, profil)
    attendus = [r.code for r in rubriques_du_profil(profil)]
    assert attendus == [c for c in RUBRIQUES if c in MATRICE[profil]]
    for rubrique in RUBRIQUES:
        avant = Evenement.objects.count()
        reponse = client.get(f"/portail/dossier/{rubrique}/")
        assert Evenement.objects.count() == avant + 1, f"{profil}/{rubrique}: un seul événement par page"
        evenement = dernier_evenement(habilitation)
        contenu = reponse.content.decode()
        if rubrique in MATRICE[profil]:
            assert reponse.status_code == 200, f"{profil}/{rubrique} devrait être accordée"
            assert onglets(contenu) == attendus, f"{profil}/{rubrique}: onglets"
            assert f'href="/portail/dossier/{rubrique}/" aria-current="page"' in contenu
            assert (evenement.type, evenement.resultat, evenement.rubrique) == ("consultation", "succes", rubrique)
            assert evenement.numero_allocataire == dossier.numero_allocataire
            assert evenement.caisse_dossier == "131"
        else:
            assert reponse.status_code == 403, f"{profil}/{rubrique} devrait être refusée"
            assert "Accès refusé" in texte(reponse)
            assert dossier.numero_allocataire not in contenu
            assert all(a.nom not in contenu for a in adultes(dossier))
            assert '<nav class="onglets"' not in contenu
            assert (evenement.type, evenement.resultat, evenement.rubrique) == ("refus", "refus", rubrique)
            assert evenement.motif.startswith("rubrique non autorisée")
            assert evenement.motif == f"rubrique non autorisée : {rubrique}"


@pytest.mark.parametrize("profil", ["T1", "T12"])
def test_une_rubrique_inconnue_est_refusee_et_journalisee(client, caf_131, dossier, profil):
    habilitation = habiliter(client, profil, caf_131)
    consulter(client, dossier, profil)
    for inconnue in ("dialogue-admin", "T7", "nir"):
        reponse = client.get(f"/portail/dossier/{inconnue}/")
        assert reponse.status_code == 403
        evenement = dernier_evenement(habilitation)
        assert (evenement.type, evenement.motif) == ("refus", f"rubrique non autorisée : {inconnue}")


# --- 2. T12, greffiers des bureaux d'aide juridictionnelle (02-… annexe 3) -----------------------


@pytest.fixture
def greffier(client, caf_131, dossier):
    habiliter(client, "T12", caf_131)
    consulter(client, dossier, "T12")
    return client


def mois_du_mode(demande: date, mode: str) -> list[date]:
    """The months of payment of each mode, computed here from the manual's wording."""
    mois = demande.replace(day=1)
    if mode == "annee_precedente":
        return [date(mois.year - 1, m, 1) for m in range(1, 13)]
    if mode == "douze_mois":
        return [decaler(mois, -n) for n in range(12, 0, -1)]
    assert mode == "annee_en_cours"
    return [date(mois.year, m, 1) for m in range(1, mois.month)]


def paye_en(dossier, mois: date) -> Decimal:
    return Paiement.objects.filter(
        dossier=dossier,
        prestation__in=AAH_CRAAH_MVA,
        date_paiement__gte=mois,
        date_paiement__lt=decaler(mois, 1),
    ).aggregate(s=Sum("montant"))["s"] or Decimal("0")


def test_t12_paiements_sans_demande_montre_la_saisie(greffier):
    contenu = page(greffier, "paiements")
    lu = html.unescape(contenu)
    assert "<h1>Paiements Aah, Complément de ressources Aah, Majoration pour la vie autonome</h1>" in lu
    assert "Veuillez saisir la date de demande d'aide juridictionnelle (format JJMMAAAA)" in lu
    for libelle in (
        "L'année civile qui précède la demande",
        "Les 12 mois qui précèdent la demande",
        "Les mois de l'année en cours qui précèdent la demande",
    ):
        assert libelle in lu
    assert tableaux(contenu) == []


@pytest.mark.parametrize(
    ("saisie", "erreur"),
    [
        ({"date_demande": "31022026", "mode": "douze_mois"}, "La date de demande doit être une date valide"),
        ({"date_demande": "01012999", "mode": "douze_mois"}, "ne peut pas être postérieure à aujourd'hui"),
        ({"date_demande": "01012026", "mode": "tout"}, "Veuillez choisir l'une des trois périodes proposées."),
        ({"date_demande": "01012026"}, "Veuillez choisir la période à consulter."),
    ],
)
def test_t12_demande_mal_saisie(greffier, saisie, erreur):
    contenu = page(greffier, "paiements", **saisie)
    assert erreur in html.unescape(contenu)
    assert tableaux(contenu) == []


@pytest.mark.parametrize("mode", ["annee_precedente", "douze_mois", "annee_en_cours"])
def test_t12_paiements_mois_par_mois_avec_cumul(greffier, dossier, mode):
    jour = aujourd_hui()
    # An AAH paid to a third party with an indu recovered: counted, but neither shown.
    mois_tiers = decaler(ce_mois(), -2)
    Paiement.objects.create(
        dossier=dossier,
        date_paiement=mois_tiers.replace(day=20),
        etat=EtatPaiement.EMIS,
        type=TypePaiement.EXCEPTIONNEL,
        prestation=Prestation.AAH,
        nature="rappel",
        periode=decaler(mois_tiers, -1),
        montant=Decimal("321.09"),
        montant_recupere=Decimal("87.65"),
        destinataire="Mandataire Judiciaire Témoin",
    )
    contenu = page(greffier, "paiements", date_demande=f"{jour:%d%m%Y}", mode=mode)
    lu = html.unescape(contenu)
    mois = mois_du_mode(jour, mode)
    (tableau,) = tableaux(contenu)
    assert tableau["colonnes"] == [
        "Mois de paiement",
        "Période concernée",
        "Traitement ou émission du paiement",
        "Montant total payé",
        "Cumul",
    ]
    assert [ligne[0] for ligne in tableau["lignes"]] == [mois_fr(m) for m in mois]
    cumul = Decimal("0")
    for ligne, m in zip(tableau["lignes"], mois, strict=True):
        montant = paye_en(dossier, m)
        cumul += montant
        assert ligne[3] == euros(montant), m
        assert ligne[4] == euros(cumul), m
    if mois:
        assert cumul > 0, "le dossier complet perçoit l'AAH, son complément et la MVA"
        assert tableau["total"] == ["Total", "", "", euros(cumul), ""]
    # Nothing of the other fields of the Paiements catalogue, nor of the other prestations.
    for absent in (
        "Type de paiement",
        "État du paiement",
        "Nature et montants des prestations",
        "Montant de la récupération",
        "Destinataire",
        "Mandataire Judiciaire Témoin",
        "87,65",
        "Allocations familiales",
        "Aide personnalisée au logement",
        "Revenu de solidarité active",
    ):
        assert absent not in lu, absent
    assert dossier.references_bancaires not in lu
    for a in adultes(dossier):
        assert a.nir not in lu


def test_t12_paiements_limites_a_24_mois(greffier, dossier):
    """A demand of 20 months ago, previous calendar year: only its months within the 24 months are
    summed, the others marked, and the total is partial (tests/dossiers/test_t12_historique.py)."""
    demande = decaler(ce_mois(), -20).replace(day=15)
    ancien = decaler(ce_mois(), -30)
    Paiement.objects.create(
        dossier=dossier,
        date_paiement=ancien.replace(day=5),
        etat=EtatPaiement.EMIS,
        type=TypePaiement.MENSUEL,
        prestation=Prestation.AAH,
        periode=decaler(ancien, -1),
        montant=Decimal("1234.56"),
    )
    contenu = page(greffier, "paiements", date_demande=f"{demande:%d%m%Y}", mode="annee_precedente")
    debut = decaler(ce_mois(), -23)
    mois = [m for m in mois_du_mode(demande, "annee_precedente") if m >= debut]
    assert len(mois) < 12
    (tableau,) = tableaux(contenu)
    tous = mois_du_mode(demande, "annee_precedente")
    assert [ligne[0] for ligne in tableau["lignes"]] == [mois_fr(m) for m in tous]
    for ligne in tableau["lignes"][: 12 - len(mois)]:
        assert ligne[2] == "Hors de l'historique de 24 mois"
    total = sum((paye_en(dossier, m) for m in mois), Decimal("0"))
    assert tableau["total"][0] == f"Total partiel ({len(mois)} mois sur 12)"
    assert tableau["total"][3] == euros(total)
    assert "le total est partiel" in avertissement(contenu)
    assert "1 234,56" not in html.unescape(contenu).replace("\u00a0", " ")
    assert f"demande du {demande:%d/%m/%Y}" in tableau["titre"]


def test_t12_paiements_demande_hors_des_24_mois(greffier, dossier):
    demande = decaler(ce_mois(), -30).replace(day=10)
    contenu = page(greffier, "paiements", date_demande=f"{demande:%d%m%Y}", mode="douze_mois")
    assert tableaux(contenu) == []
    refus = avertissement(contenu)
    assert "est hors de l'historique de 24 mois par rapport à la date du jour (" in refus
    assert refus.endswith(f" à {mois_fr(ce_mois()).lower()}) : aucun montant ne peut être restitué.")
    assert Paiement.objects.filter(dossier=dossier, prestation__in=AAH_CRAAH_MVA).exists()


def test_t12_paiements_journal_de_la_demande(client, caf_131, dossier):
    habilitation = habiliter(client, "T12", caf_131)
    consulter(client, dossier, "T12")
    jour = aujourd_hui()
    page(client, "paiements", date_demande=f"{jour:%d%m%Y}", mode="douze_mois")
    evenement = dernier_evenement(habilitation)
    assert evenement.rubrique == "paiements"
    assert evenement.periode == f"demande du {jour:%d/%m/%Y} : douze_mois"


def test_t12_dossier_exactement_les_champs_de_l_annexe_3(greffier, dossier):
    contenu = page(greffier, "dossier")
    lu = html.unescape(contenu)
    attendus = [
        "Situation du dossier",
        "Suspension du dossier",
        "Nombre d'enfants à charge au sens des prestations familiales",
        "Nombre de personnes à charge au sens des aides au logement",
    ]
    for adulte in sorted(adultes(dossier), key=lambda a: a.role != RoleDansLeFoyer.RESPONSABLE):
        qui = "du responsable dossier" if adulte.role == RoleDansLeFoyer.RESPONSABLE else "du conjoint"
        attendus.append(f"Nationalité {qui}")
        if adulte.titre_sejour_fin:
            civilite = Civilite(adulte.civilite).label
            attendus.append(f"Date de fin de validité du titre de séjour de {civilite}")
    assert libelles(contenu) == attendus
    assert any(a.titre_sejour_fin for a in adultes(dossier)), "le dossier complet a un titre de séjour"
    valeurs = dict(fiches(contenu))
    assert valeurs["Nombre d'enfants à charge au sens des prestations familiales"] == str(
        Personne.objects.filter(
            dossier=dossier, role__in=[RoleDansLeFoyer.ENFANT, RoleDansLeFoyer.AUTRE], charge_pf=True
        ).count()
    )
    assert valeurs["Nombre de personnes à charge au sens des aides au logement"] == str(
        Personne.objects.filter(
            dossier=dossier, role__in=[RoleDansLeFoyer.ENFANT, RoleDansLeFoyer.AUTRE], charge_logement=True
        ).count()
    )
    assert valeurs["Suspension du dossier"] == "non suspendu"
    assert "étrangère" in valeurs.values()
    assert tableaux(contenu) == []
    for absent in (
        "Surendettement",
        "surendettement en cours",
        "Références bancaires",
        "Quotient familial",
        "Avis CDAPH",
        "Taux d'incapacité",
        "Mesure d'accompagnement ou tutelle",
        "MASP",
        "Situation familiale",
    ):
        assert absent not in lu, absent
    assert dossier.references_bancaires not in lu
    assert dossier.references_bancaires.replace(" ", "") not in lu


def test_t12_dossier_radie_avec_son_motif(client, caf_131):
    radie = creer_dossier(caf_131, "1000002", cas="radie")
    habiliter(client, "T12", caf_131)
    consulter(client, radie, "T12")
    valeurs = dict(fiches(page(client, "dossier")))
    assert valeurs["Situation du dossier"] == (
        f"Radiation depuis le {date_fr(radie.situation_depuis)} — motif : {radie.motif_radiation}"
    )


def test_t12_dossier_suspendu(client, caf_131):
    suspendu = creer_dossier(caf_131, "1000005", cas="suspendu")
    habiliter(client, "T12", caf_131)
    consulter(client, suspendu, "T12")
    valeurs = dict(fiches(page(client, "dossier")))
    assert valeurs["Suspension du dossier"] == f"depuis le {date_fr(suspendu.suspendu_depuis)}"


@pytest.fixture
def deces_et_grossesse(dossier):
    jour = aujourd_hui()
    deces = jour - timedelta(days=41 if (jour - timedelta(days=41)).day != 1 else 42)
    grossesse = jour - timedelta(days=77 if (jour - timedelta(days=77)).day != 1 else 78)
    Personne.objects.filter(dossier=dossier, role=RoleDansLeFoyer.CONJOINT).update(date_deces=deces)
    Dossier.objects.filter(pk=dossier.pk).update(grossesse_debut=grossesse)
    return date_fr(deces), date_fr(grossesse)


def test_t12_famille_sans_nir_ni_deces_ni_grossesse(greffier, dossier, deces_et_grossesse):
    deces, grossesse = deces_et_grossesse
    contenu = page(greffier, "famille")
    lu = html.unescape(contenu)
    vus = set(libelles(contenu))
    assert {"Situation de famille", "Date de naissance", "Activité", "Nom de naissance"} <= vus
    assert not vus & {"NIR", "Date de décès", "Date de début de grossesse"}
    for absent in ("NIR", "Date de décès", "grossesse", deces, grossesse):
        assert absent not in lu, absent
    for personne in Personne.objects.filter(dossier=dossier):
        assert personne.nir and personne.nir not in lu
    # The children with their type of charge and activity, the other dependants (annexe 3).
    enfants, autres = tableaux(contenu)
    assert enfants["colonnes"] == ["Nom", "Prénom", "Date de naissance", "Type de charge", "Activité", "Placement"]
    noms_enfants = {
        (p.prenom, date_fr(p.date_naissance)) for p in Personne.objects.filter(dossier=dossier, role="enfant")
    }
    assert {(ligne[1], ligne[2]) for ligne in enfants["lignes"]} == noms_enfants
    assert autres["colonnes"] == ["Nom", "Prénom", "Date de naissance", "Activité"]


def test_t13_famille_voit_ce_que_t12_ne_voit_pas(client, caf_131, dossier, deces_et_grossesse):
    """The positive control of the previous test: the same facts, for T13 (01-…, Famille)."""
    deces, grossesse = deces_et_grossesse
    habiliter(client, "T13", caf_131)
    consulter(client, dossier, "T13")
    contenu = page(client, "famille")
    valeurs = fiches(contenu)
    assert ("Date de décès", deces) in valeurs
    assert ("Date de début de grossesse", grossesse) in valeurs
    for adulte in adultes(dossier):
        assert ("NIR", adulte.nir) in valeurs


def test_t12_ressources_annuelles_seulement(greffier, dossier):
    annuelles = sorted(
        set(Ressource.objects.filter(dossier=dossier, trimestre__isnull=True).values_list("annee", flat=True)),
        reverse=True,
    )
    trimestrielles = Ressource.objects.filter(dossier=dossier, trimestre__isnull=False)
    assert len(annuelles) >= 4 and trimestrielles.exists()
    montants_trimestriels = {euros(r.montant) for r in trimestrielles if r.montant > 0}
    for annee in annuelles[:3]:
        contenu = page(greffier, "ressources", annee=annee)
        lu = html.unescape(contenu)
        assert avertissement(contenu) == ""
        assert periode_affichee(contenu) == f"Année {annee}"
        assert "trimestr" not in lu
        blocs = tableaux(contenu)
        assert blocs and all(b["titre"].endswith(f"pour l'année {annee}") for b in blocs)
        assert all(b["colonnes"] == ["Nature des ressources", "Montant"] for b in blocs)
        attendu = sorted(
            euros(m)
            for m in Ressource.objects.filter(dossier=dossier, annee=annee, trimestre__isnull=True).values_list(
                "montant", flat=True
            )
        )
        assert sorted(ligne[1] for b in blocs for ligne in b["lignes"]) == attendu
        assert not montants_trimestriels & {ligne[1] for b in blocs for ligne in b["lignes"]}
    # The links go through the three years only.
    assert 'href="?annee=' + str(annuelles[1]) + '">» Année précédente' in page(greffier, "ressources")
    contenu = page(greffier, "ressources", annee=annuelles[2])
    assert "Année précédente" not in contenu and 'href="?annee=' + str(annuelles[1]) + '">» Année suivante' in contenu
    # A year known only by quarters, and the fourth annual year, are not reachable.
    for annee in {r.annee for r in trimestrielles} - set(annuelles[:3]) | {annuelles[3]}:
        contenu = page(greffier, "ressources", annee=annee)
        assert avertissement(contenu) == (
            "Les ressources consultables sont celles des 3 dernières années connues : "
            "la dernière année connue est affichée."
        )
        assert periode_affichee(contenu) == f"Année {annuelles[0]}"
        assert f"pour l'année {annee}" not in contenu


def test_t12_adresse_avec_code_insee(greffier, dossier):
    contenu = page(greffier, "adresse")
    valeurs = dict(fiches(contenu))
    assert list(valeurs) == ["Adresse du dossier", "Code insee commune"]
    assert valeurs["Code insee commune"] == dossier.code_insee
    assert dossier.adresse_voie in valeurs["Adresse du dossier"]
    assert f"{dossier.code_postal} {dossier.commune.upper()}" in valeurs["Adresse du dossier"]


def test_t12_rsa_autorise_droits_et_logement_non(greffier):
    assert page(greffier, "rsa")
    assert greffier.get("/portail/dossier/droits/").status_code == 403
    assert greffier.get("/portail/dossier/logement/").status_code == 403


# --- 3. T13, commissions FSL (01-… annexe "Profil T13") -------------------------------------------


@pytest.fixture
def fsl(client, caf_131, dossier):
    habiliter(client, "T13", caf_131)
    consulter(client, dossier, "T13")
    return client


def test_t13_paiements_tous_les_champs(fsl, dossier):
    Paiement.objects.create(
        dossier=dossier,
        date_paiement=aujourd_hui(),
        etat=EtatPaiement.EMIS,
        type=TypePaiement.EXCEPTIONNEL,
        prestation=Prestation.ARS,
        periode=ce_mois(),
        montant=Decimal("111.11"),
        montant_recupere=Decimal("22.22"),
        destinataire="Association Tiers Témoin",
    )
    contenu = page(fsl, "paiements", mois=code(ce_mois()))
    assert periode_affichee(contenu) == mois_fr(ce_mois())
    assert tableaux(contenu) == []
    lus = paiements(contenu)
    # One payment per date, period, type, state and recipient; the seed's labels (01-…, « Rubrique
    # Paiements »), the prestations one a line with their amounts, then the total and the recovery.
    paiement = next(p for p in lus if ("Destinataire", "Association Tiers Témoin") in p["champs"])
    assert paiement == {
        "titre": f"Paiement exceptionnel émis le {date_fr(aujourd_hui())}",
        "champs": [
            ("Période concernée", mois_fr(ce_mois())),
            ("Type de paiement", "exceptionnel"),
            ("État du paiement", "émis"),
            ("Date de traitement ou d'émission du paiement", f"Émis le {date_fr(aujourd_hui())}"),
            ("Destinataire", "Association Tiers Témoin"),
        ],
        "libelle_prestations": "Nature et montants des prestations",
        "prestations": [("Allocation de rentrée scolaire", euros(Decimal("111.11")))],
        "montants": [
            ("Montant total payé", euros(Decimal("111.11"))),
            ("Montant de la récupération", euros(Decimal("22.22"))),
        ],
    }
    # Every payment of the month is there, whatever its prestation (no restriction for T13).
    payes = Paiement.objects.filter(
        dossier=dossier, date_paiement__gte=ce_mois(), date_paiement__lt=decaler(ce_mois(), 1)
    )
    montants = [dict(p["montants"])["Montant total payé"] for p in lus]
    total_lu = sum(Decimal(m.replace("\u00a0", "").replace("€", "").replace(",", ".")) for m in montants)
    assert total_lu == payes.aggregate(s=Sum("montant"))["s"]
    assert sum(len(p["prestations"]) for p in lus) == payes.count()


def test_t13_dossier_liste_du_01_sans_nationalite(fsl, dossier):
    jour = aujourd_hui()
    MesureAccompagnement.objects.create(
        dossier=dossier,
        nature="Mesure récente",
        date_debut=jour - timedelta(days=400),
        date_fin=decaler(ce_mois(), -4).replace(day=15),
        tuteur="Tuteur Récent Témoin",
    )
    MesureAccompagnement.objects.create(
        dossier=dossier,
        nature="Mesure ancienne",
        date_debut=jour - timedelta(days=900),
        date_fin=decaler(ce_mois(), -8).replace(day=15),
        tuteur="Tuteur Ancien Témoin",
    )
    contenu = page(fsl, "dossier")
    lu = html.unescape(contenu)
    vus = libelles(contenu)
    for attendu in (
        "Situation du dossier",
        "Suspension du dossier",
        "Situation familiale",
        "Nombre d'enfants à charge au sens des prestations familiales",
        "Nombre de personnes à charge au sens des aides au logement",
        "Quotient familial Cnaf",
        "Surendettement",
        "Références bancaires",
    ):
        assert attendu in vus, attendu
    assert any(v.startswith("Date de fin de validité du titre de séjour de ") for v in vus)
    assert any(v.startswith("Avis CDAPH de ") for v in vus)
    assert not any("Nationalité" in v for v in vus)
    assert "Nationalité" not in lu and "étrangère" not in lu
    valeurs = dict(fiches(contenu))
    assert valeurs["Références bancaires"] == dossier.references_bancaires
    assert valeurs["Surendettement"] == "surendettement en cours"
    # Mesures d'accompagnement: those of the last 6 months only.
    (mesures,) = tableaux(contenu)
    assert mesures["titre"] == "Mesure d'accompagnement ou tutelle"
    tuteurs = {ligne[3] for ligne in mesures["lignes"]}
    assert "Tuteur Récent Témoin" in tuteurs
    assert "Tuteur Ancien Témoin" not in lu
    attendues = MesureAccompagnement.objects.filter(dossier=dossier).exclude(date_fin__lt=decaler(ce_mois(), -6))
    assert tuteurs == {m.tuteur for m in attendues}
    assert MesureAccompagnement.objects.filter(dossier=dossier, date_fin__lt=decaler(ce_mois(), -6)).count() >= 2


def test_t13_droits_sur_24_mois(fsl, dossier):
    trop_vieux = decaler(ce_mois(), -24)  # the 25th month back
    premier = decaler(ce_mois(), -23)
    Droit.objects.create(dossier=dossier, mois=trop_vieux, prestation=Prestation.AF, montant=Decimal("987.65"))
    dernier = Droit.objects.filter(dossier=dossier, mois__lte=ce_mois()).order_by("-mois").first().mois
    contenu = page(fsl, "droits", mois=code(trop_vieux))
    assert avertissement(contenu) == (
        "L'historique consultable couvre les 24 derniers mois : le dernier mois connu est affiché."
    )
    assert periode_affichee(contenu) == mois_fr(dernier)
    assert "987,65" not in contenu
    # The first month of the window is reachable, and nothing before it is offered.
    contenu = page(fsl, "droits", mois=code(premier))
    assert avertissement(contenu) == ""
    assert periode_affichee(contenu) == mois_fr(premier)
    assert "Mois précédent" not in contenu
    assert f'href="?mois={code(decaler(premier, 1))}"' in contenu
    (tableau,) = tableaux(contenu)
    assert tableau["colonnes"] == [
        "Nature de la prestation",
        "Montant du droit",
        "Suspension",
        "Montant inférieur à la limite de paiement",
    ]
    assert len(tableau["lignes"]) == Droit.objects.filter(dossier=dossier, mois=premier).count() > 0
    # A month that is not a month.
    contenu = page(fsl, "droits", mois="2026-13")
    assert avertissement(contenu) == "La période demandée n'est pas valide : le dernier mois connu est affiché."


def test_t13_ressources_des_trois_dernieres_annees_connues(fsl, dossier):
    annees = sorted(set(Ressource.objects.filter(dossier=dossier).values_list("annee", flat=True)), reverse=True)
    annuelles = sorted(
        set(Ressource.objects.filter(dossier=dossier, trimestre__isnull=True).values_list("annee", flat=True)),
        reverse=True,
    )
    ancienne = annees[-1] - 1
    Ressource.objects.create(
        dossier=dossier, annee=ancienne, type_personne="Madame", nature="Rente Ancienne Témoin", montant=Decimal("4321")
    )
    for annee in annees[:3]:
        contenu = page(fsl, "ressources", annee=annee)
        assert avertissement(contenu) == "" and periode_affichee(contenu) == f"Année {annee}"
    # Quarterly resources too, for T13 (01-…, "Période ressources (trimestrielle ou annuelle)").
    trimestre = Ressource.objects.filter(dossier=dossier, trimestre__isnull=False).order_by("-annee").first()
    contenu = page(fsl, "ressources", annee=trimestre.annee)
    assert "Ressources trimestrielles de" in html.unescape(contenu)
    # Older than the three last known years, whichever way they are counted: not reachable.
    for annee in (*annuelles[3:], ancienne):
        contenu = page(fsl, "ressources", annee=annee)
        assert avertissement(contenu) == (
            "Les ressources consultables sont celles des 3 dernières années connues : "
            "la dernière année connue est affichée."
        )
        assert periode_affichee(contenu) == f"Année {annees[0]}"
        assert "Rente Ancienne Témoin" not in html.unescape(contenu)
        assert f"pour l'année {annee}" not in contenu


def test_t13_courrier_des_deux_derniers_mois(fsl, dossier):
    jour = aujourd_hui()
    for jours, type_courrier in ((20, "Justificatif Récent Témoin"), (75, "Justificatif Ancien Témoin")):
        Courrier.objects.create(
            dossier=dossier,
            sens=SensCourrier.RECU,
            type_courrier=type_courrier,
            date=jour - timedelta(days=jours),
            etat="Traité",
        )
    contenu = page(fsl, "courrier")
    lu = html.unescape(contenu)
    (tableau,) = tableaux(contenu)
    assert tableau["colonnes"] == [
        "Sens",
        "Type de courrier",
        "Date de réception ou d'envoi",
        "État du traitement",
        "Date du traitement",
    ]
    types = [ligne[1] for ligne in tableau["lignes"]]
    assert "Justificatif Récent Témoin" in types
    assert "Justificatif Ancien Témoin" not in lu
    # The demo's letters of 130 and 290 days ago are not shown either.
    assert "Déclaration de situation" not in lu and "Demande de pièces justificatives" not in lu
    limite = jour - timedelta(days=62)
    assert all(date(*reversed([int(x) for x in ligne[2].split("/")])) >= limite for ligne in tableau["lignes"])


# --- 4. T2, prestataires d'action sociale (04-… annexe "Profil d'accès") -------------------------


@pytest.fixture
def prestataire(client, caf_131, dossier):
    habiliter(client, "T2", caf_131)
    consulter(client, dossier, "T2")
    return client


def test_t2_qf_cnaf(prestataire, dossier):
    contenu = page(prestataire, "qf-cnaf")
    qf = QuotientFamilial.objects.filter(dossier=dossier, nature="cnaf", mois__lte=ce_mois()).order_by("-mois").first()
    assert periode_affichee(contenu) == mois_fr(qf.mois)
    valeurs = dict(fiches(contenu))
    assert list(valeurs) == [
        "Montant du quotient familial national",
        "Date de calcul",
        "Nombre de parts",
        "Ressources annuelles à prendre en compte pour la prestation de service unique",
        "Régime de protection sociale",
        "Nombre d'enfants à charge au sens des prestations familiales",
    ]
    assert valeurs["Montant du quotient familial national"] == euros(qf.montant)
    assert valeurs["Date de calcul"] == date_fr(qf.date_calcul)
    assert Decimal(valeurs["Nombre de parts"].replace(",", ".")) == qf.nb_parts
    assert valeurs["Ressources annuelles à prendre en compte pour la prestation de service unique"] == euros(
        qf.ressources_psu
    )
    assert valeurs["Régime de protection sociale"] == "Régime général"
    assert valeurs["Nombre d'enfants à charge au sens des prestations familiales"] == str(
        Personne.objects.filter(dossier=dossier, role=RoleDansLeFoyer.ENFANT, charge_pf=True).count()
    )
    # 24 months of history: the first one is reachable, the 25th is not.
    contenu = page(prestataire, "qf-cnaf", mois=code(decaler(ce_mois(), -23)))
    assert avertissement(contenu) == "" and periode_affichee(contenu) == mois_fr(decaler(ce_mois(), -23))
    contenu = page(prestataire, "qf-cnaf", mois=code(decaler(ce_mois(), -24)))
    assert avertissement(contenu) == (
        "L'historique consultable couvre les 24 derniers mois : le dernier mois connu est affiché."
    )
    assert periode_affichee(contenu) == mois_fr(qf.mois)


def test_t2_enfants_noms_et_dates_de_naissance_seulement(prestataire, dossier):
    contenu = page(prestataire, "enfants")
    lu = html.unescape(contenu)
    enfants, autres = tableaux(contenu)
    assert enfants["colonnes"] == autres["colonnes"] == ["Nom", "Prénom", "Date de naissance"]
    attendus = {
        role: sorted(
            [p.nom.upper(), p.prenom, date_fr(p.date_naissance)]
            for p in Personne.objects.filter(dossier=dossier, role=role)
        )
        for role in (RoleDansLeFoyer.ENFANT, RoleDansLeFoyer.AUTRE)
    }
    assert sorted(enfants["lignes"]) == attendus[RoleDansLeFoyer.ENFANT] and attendus[RoleDansLeFoyer.ENFANT]
    assert sorted(autres["lignes"]) == attendus[RoleDansLeFoyer.AUTRE] and attendus[RoleDansLeFoyer.AUTRE]
    for absent in ("Type de charge", "Activité", "Placement", "prestations familiales", "NIR"):
        assert absent not in lu, absent
    for personne in Personne.objects.filter(dossier=dossier):
        assert personne.nir not in lu
        if personne.role in (RoleDansLeFoyer.ENFANT, RoleDansLeFoyer.AUTRE) and personne.activite:
            assert personne.activite not in lu
    assert fiches(contenu) == []  # no adult's fiche, no situation familiale


def test_t2_adresse(prestataire, dossier):
    valeurs = dict(fiches(page(prestataire, "adresse")))
    assert valeurs["Code insee commune"] == dossier.code_insee
    assert f"{dossier.code_postal} {dossier.commune.upper()}" in valeurs["Adresse du dossier"]


# --- 5. Never queried ----------------------------------------------------------------------------


def test_t12_famille_ne_lit_ni_nir_ni_deces_ni_grossesse(greffier, dossier):
    with CaptureQueriesContext(connection) as requetes:
        page(greffier, "famille")
    sql = sql_de(requetes)
    assert "dossiers_personne" in sql and '"date_naissance"' in sql  # the page did read the people
    for colonne in ('"nir"', '"date_deces"', '"grossesse_debut"', '"grossesse_debut_modifiee"'):
        assert colonne not in sql, colonne


def test_t12_dossier_ne_lit_ni_banque_ni_surendettement(greffier, dossier):
    with CaptureQueriesContext(connection) as requetes:
        page(greffier, "dossier")
    sql = sql_de(requetes)
    assert '"suspendu_depuis"' in sql and '"nationalite"' in sql
    for colonne in (
        '"references_bancaires"',
        '"surendettement"',
        '"avis_cdaph"',
        '"nir"',
        "dossiers_mesureaccompagnement",
        "dossiers_quotientfamilial",
    ):
        assert colonne not in sql, colonne


def test_t12_paiements_ne_lit_ni_recuperation_ni_destinataire(greffier, dossier):
    with CaptureQueriesContext(connection) as requetes:
        page(greffier, "paiements", date_demande=f"{aujourd_hui():%d%m%Y}", mode="douze_mois")
    sql = sql_de(requetes)
    assert "dossiers_paiement" in sql
    assert '"montant_recupere"' not in sql and '"destinataire"' not in sql


def test_t2_enfants_ne_lit_ni_nir_ni_activite(prestataire, dossier):
    with CaptureQueriesContext(connection) as requetes:
        page(prestataire, "enfants")
    sql = sql_de(requetes)
    assert "dossiers_personne" in sql
    for colonne in ('"nir"', '"activite"', '"placement_sans_liens"', '"references_bancaires"'):
        assert colonne not in sql, colonne
    # The type of charge selects the dependants (WHERE) but is never read back (SELECT … FROM).
    colonnes_lues = " ".join(r["sql"].split(" FROM ")[0] for r in requetes.captured_queries)
    assert '"charge_pf"' not in colonnes_lues and '"charge_logement"' not in colonnes_lues


# --- 6. A fixed number of queries, whatever the length of the histories --------------------------


def nombre_de_requetes(client, dossier, profil, rubrique, **parametres) -> int:
    consulter(client, dossier, profil)
    page(client, rubrique, **parametres)  # warm-up: the session's first read
    with CaptureQueriesContext(connection) as requetes:
        page(client, rubrique, **parametres)
    return len(requetes.captured_queries)


@pytest.fixture
def court_et_long(caf_131):
    """The same kind of dossier with 24 and 60 months of history, the long one with more rows
    still in every period a T1 or T12 page reads (this month, the last 22 months, the people)."""
    court = creer_dossier(caf_131, "1000011", cas="complet", mois_historique=24)
    long = creer_dossier(caf_131, "1000012", cas="complet", mois_historique=60)
    jour = aujourd_hui()
    for n in range(4):
        Personne.objects.create(
            dossier=long,
            role=RoleDansLeFoyer.ENFANT if n % 2 else RoleDansLeFoyer.AUTRE,
            nom="TEMOIN",
            prenom=f"Personne{n}",
            date_naissance=date(2015, 1, n + 1),
            nir=f"11501130010{n:02d}",
        )
        Paiement.objects.create(
            dossier=long,
            date_paiement=jour,
            etat=EtatPaiement.EMIS,
            type=TypePaiement.EXCEPTIONNEL,
            prestation=Prestation.AAH,
            periode=ce_mois(),
            montant=Decimal("10.00") + n,
            destinataire=f"Tiers {n}",
        )
        Droit.objects.create(dossier=long, mois=ce_mois(), prestation=Prestation.ASF, montant=Decimal("5") + n)
        Logement.objects.create(
            dossier=long,
            adresse=f"{n}, rue Témoin",
            type_occupation="locataire",
            date_debut=jour - timedelta(days=700),
            date_fin=jour - timedelta(days=30 + n),
        )
        Creance.objects.create(
            dossier=long,
            nature=f"Indu {n}",
            destinataire="Caf",
            montant_initial=Decimal("100"),
            remboursement="Retenue",
            solde=Decimal("50"),
            etat="En cours",
            periode_debut=decaler(ce_mois(), -3),
            periode_fin=decaler(ce_mois(), -2),
        )
        MinimumSocial.objects.create(
            dossier=long,
            prestation=Prestation.RSA if n % 2 else Prestation.RMI,
            demandeur=Civilite.MADAME,
            nb_personnes=n,
            date_demande=date(2008, 1, n + 1),
            date_debut=date(2008, 2, 1),
            date_fin=date(2008, 12, 31),
        )
        MesureAccompagnement.objects.create(
            dossier=long, nature=f"Mesure {n}", date_debut=jour - timedelta(days=90), tuteur=f"Tuteur {n}"
        )
        Courrier.objects.create(
            dossier=long, sens=SensCourrier.RECU, type_courrier=f"Pièce {n}", date=jour - timedelta(days=n), etat="Reçu"
        )
        Ressource.objects.create(
            dossier=long, annee=jour.year - 2, type_personne=f"Personne{n}", nature="Salaire", montant=Decimal("100")
        )
    for n in range(1, 23):  # T12: more AAH rows in each month of the three modes
        mois = decaler(ce_mois(), -n)
        for k in range(2):
            Paiement.objects.create(
                dossier=long,
                date_paiement=mois.replace(day=20 + k),
                etat=EtatPaiement.EMIS,
                type=TypePaiement.EXCEPTIONNEL,
                prestation=Prestation.MVA,
                periode=decaler(mois, -1),
                montant=Decimal("7.00"),
                nature="rappel",
            )
    assert Paiement.objects.filter(dossier=long).count() > Paiement.objects.filter(dossier=court).count() + 100
    assert Personne.objects.filter(dossier=long).count() > Personne.objects.filter(dossier=court).count()
    return court, long


@pytest.mark.parametrize("rubrique", [r.code for r in rubriques_du_profil("T1")])
def test_t1_meme_nombre_de_requetes(client, caf_131, court_et_long, rubrique):
    court, long = court_et_long
    habiliter(client, "T1", caf_131)
    parametres = {"mois": code(ce_mois())} if rubrique in ("paiements", "droits", "attestation-paiement") else {}
    if rubrique == "ressources":
        parametres = {"annee": aujourd_hui().year - 2}
    assert nombre_de_requetes(client, court, "T1", rubrique, **parametres) == nombre_de_requetes(
        client, long, "T1", rubrique, **parametres
    )


@pytest.mark.parametrize("mode", ["annee_precedente", "douze_mois", "annee_en_cours"])
def test_t12_paiements_meme_nombre_de_requetes(client, caf_131, court_et_long, mode):
    court, long = court_et_long
    habiliter(client, "T12", caf_131)
    demande = {"date_demande": f"{aujourd_hui():%d%m%Y}", "mode": mode}
    assert nombre_de_requetes(client, court, "T12", "paiements", **demande) == nombre_de_requetes(
        client, long, "T12", "paiements", **demande
    )
