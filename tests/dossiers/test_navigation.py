"""Moving through a dossier's history: months (Paiements, Droits), years (Ressources) and the
T12 demand periods (manual Cafpro V5, annexe 4 of 02-…: "Mois précédent" / "Mois suivant",
"Année précédente" / "Année suivante"; Profil T12: the date of the demand and three periods).

The views read today's date through `dossiers.views.timezone.localdate()`; the tests fix it
to 20 October 2026, so the 24-month window runs from November 2024 to October 2026.
"""

import re
import types
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from dossiers import views
from dossiers.lecture.formats import euros
from dossiers.models import Dossier, Droit, Paiement, Personne, Ressource
from journal.models import Evenement, TypeEvenement
from tests.factories import HabilitationFactory, caisse
from tests.outils import texte

JOUR = date(2026, 10, 20)
PAIEMENTS = "/portail/dossier/paiements/"
DROITS = "/portail/dossier/droits/"
RESSOURCES = "/portail/dossier/ressources/"
PRECEDENT, SUIVANT = "Mois précédent", "Mois suivant"
HORS_FENETRE = "L'historique consultable couvre les 24 derniers mois : le dernier mois connu est affiché."
INVALIDE = "La période demandée n'est pas valide : le dernier mois connu est affiché."
HORS_ANNEES = (
    "Les ressources consultables sont celles des 3 dernières années connues : la dernière année connue est affichée."
)


@pytest.fixture(autouse=True)
def jour_fixe(monkeypatch):
    """Today is 20 October 2026 for the consultation screens (and only for them)."""
    monkeypatch.setattr(views, "timezone", types.SimpleNamespace(localdate=lambda: JOUR, localtime=timezone.localtime))


def creer_dossier(numero="1234567", caisse_numero="131"):
    dossier = Dossier.objects.create(
        caisse=caisse(caisse_numero),
        numero_allocataire=numero,
        situation="affilie",
        situation_depuis=date(2015, 1, 1),
        situation_familiale="marie",
        situation_familiale_depuis=date(2012, 6, 2),
        adresse_voie="12, rue de la République",
        code_postal="13001",
        commune="Marseille",
        code_insee="13201",
    )
    Personne.objects.create(
        dossier=dossier,
        role="responsable",
        civilite="MME",
        nom="Navarro",
        prenom="Lucie",
        date_naissance=date(1980, 1, 1),
    )
    return dossier


def paye(dossier, jour, montant, prestation="AF", periode=None):
    Paiement.objects.create(
        dossier=dossier,
        date_paiement=jour,
        etat="traite",
        type="mensuel",
        prestation=prestation,
        periode=periode or jour.replace(day=1),
        montant=Decimal(montant),
    )


def ouvrir(client, profil="T1", dossier=None, **habilitation):
    """An agent of Caf 131 with `profil`, logged in, with `dossier` open through "Consulter"."""
    agent = HabilitationFactory(convention__caisse=caisse("131"), convention__profil=profil, **habilitation)
    client.force_login(agent.user)
    dossier = dossier or creer_dossier()
    reponse = client.post("/portail/consulter/", {"numero_allocataire": dossier.numero_allocataire})
    assert reponse.status_code == 302, texte(reponse)
    return agent, dossier


def periodes_journalisees(agent):
    return list(
        Evenement.objects.filter(type=TypeEvenement.CONSULTATION, habilitation_id=agent.pk)
        .order_by("id")
        .values_list("periode", flat=True)
    )


def premiere_colonne(page: str) -> list[str]:
    """The first cell of each row of the table's body (not its total)."""
    corps = re.search(r"<tbody>(.*?)</tbody>", page, re.S)
    return re.findall(r"<tr><td>(.*?)</td>", corps.group(1)) if corps else []


def periode(page: str) -> str | None:
    trouve = re.search(r'<p class="periode">Période : <strong>(.*?)</strong></p>', page)
    return trouve.group(1) if trouve else None


# --- Paiements, month by month -------------------------------------------------------------


@pytest.fixture
def paiements(client, db):
    """Payments in the window's first month, in the summer of 2026, none since August, and one
    a month too old to be shown."""
    dossier = creer_dossier()
    paye(dossier, date(2024, 10, 5), "999.01")  # October 2024: outside the 24 months
    paye(dossier, date(2024, 11, 5), "111.11")  # November 2024: the window's first month
    paye(dossier, date(2026, 7, 5), "707.07")
    paye(dossier, date(2026, 8, 5), "808.08")
    agent, _ = ouvrir(client, dossier=dossier)
    return agent


def test_le_mois_affiche_par_defaut_est_le_dernier_mois_connu(client, paiements):
    page = texte(client.get(PAIEMENTS))
    assert periode(page) == "Août 2026"
    assert euros(Decimal("808.08")) in page
    assert euros(Decimal("707.07")) not in page
    # Neither September nor October 2026 (the current month) has a payment: August is shown,
    # and from there both neighbours can be reached.
    assert '<a href="?mois=2026-07">» Mois précédent</a>' in page
    assert '<a href="?mois=2026-09">» Mois suivant</a>' in page
    assert periodes_journalisees(paiements) == ["2026-08"]


def test_le_mois_courant_n_a_pas_de_mois_suivant(client, paiements):
    page = texte(client.get(PAIEMENTS, {"mois": "2026-10"}))
    assert periode(page) == "Octobre 2026"
    assert "Aucun paiement ce mois-ci." in page
    assert PRECEDENT in page and SUIVANT not in page
    assert periodes_journalisees(paiements) == ["2026-10"]


def test_le_premier_mois_des_24_n_a_pas_de_mois_precedent(client, paiements):
    page = texte(client.get(PAIEMENTS, {"mois": "2024-11"}))
    assert periode(page) == "Novembre 2024"
    assert euros(Decimal("111.11")) in page
    assert SUIVANT in page and PRECEDENT not in page
    assert '<a href="?mois=2024-12">» Mois suivant</a>' in page
    # One month later, the previous one is reachable again.
    assert '<a href="?mois=2024-11">» Mois précédent</a>' in texte(client.get(PAIEMENTS, {"mois": "2024-12"}))


@pytest.mark.parametrize("mois", ["2024-10", "2026-11", "2019-01"])
def test_un_mois_hors_des_24_derniers_montre_le_dernier_mois_connu(client, paiements, mois):
    page = texte(client.get(PAIEMENTS, {"mois": mois}))
    assert HORS_FENETRE in page
    assert periode(page) == "Août 2026"
    assert euros(Decimal("808.08")) in page
    assert euros(Decimal("999.01")) not in page
    # The journal records the month actually shown, not the one asked for.
    assert periodes_journalisees(paiements) == ["2026-08"]


@pytest.mark.parametrize("mois", ["abc", "2026-13", "2026-00", "2026-08-01", "<script>"])
def test_un_mois_mal_forme_est_signale_en_francais(client, paiements, mois):
    page = texte(client.get(PAIEMENTS, {"mois": mois}))
    assert INVALIDE in page
    assert periode(page) == "Août 2026"
    assert "<script>" not in client.get(PAIEMENTS, {"mois": mois}).content.decode()
    assert set(periodes_journalisees(paiements)) == {"2026-08"}


def test_sans_aucun_paiement_le_mois_courant_est_affiche(client, db):
    agent, _ = ouvrir(client)
    page = texte(client.get(PAIEMENTS))
    assert periode(page) == "Octobre 2026" and "Aucun paiement ce mois-ci." in page
    assert PRECEDENT in page and SUIVANT not in page
    assert periodes_journalisees(agent) == ["2026-10"]


def test_chaque_mois_consulte_est_journalise(client, paiements):
    for mois in ("2026-07", "2026-06", "2025-01"):
        assert client.get(PAIEMENTS, {"mois": mois}).status_code == 200
    assert periodes_journalisees(paiements) == ["2026-07", "2026-06", "2025-01"]
    evenement = Evenement.objects.filter(habilitation_id=paiements.pk).latest("id")
    assert (evenement.rubrique, evenement.numero_allocataire) == ("paiements", "1234567")


# --- Droits, month by month ----------------------------------------------------------------


@pytest.fixture
def droits(client, db):
    dossier = creer_dossier()
    for mois, montant in ((date(2024, 9, 1), "91.00"), (date(2025, 3, 1), "53.00"), (date(2025, 4, 1), "54.00")):
        Droit.objects.create(dossier=dossier, mois=mois, prestation="AF", montant=Decimal(montant))
    agent, _ = ouvrir(client, dossier=dossier)
    return agent


def test_droits_dernier_mois_connu_puis_navigation(client, droits):
    page = texte(client.get(DROITS))
    assert periode(page) == "Avril 2025" and euros(Decimal("54.00")) in page
    assert '<a href="?mois=2025-03">» Mois précédent</a>' in page
    assert '<a href="?mois=2025-05">» Mois suivant</a>' in page

    page = texte(client.get(DROITS, {"mois": "2025-03"}))
    assert periode(page) == "Mars 2025" and euros(Decimal("53.00")) in page
    assert euros(Decimal("54.00")) not in page

    page = texte(client.get(DROITS, {"mois": "2024-09"}))  # 25 months back: refused
    assert HORS_FENETRE in page and periode(page) == "Avril 2025"
    assert euros(Decimal("91.00")) not in page

    page = texte(client.get(DROITS, {"mois": "2026-10"}))
    assert "Aucun droit pour ce mois." in page and SUIVANT not in page
    assert periodes_journalisees(droits) == ["2025-04", "2025-03", "2025-04", "2026-10"]


# --- Ressources, year by year --------------------------------------------------------------


@pytest.fixture
def ressources(client, db):
    dossier = creer_dossier()
    for annee in (2021, 2022, 2023, 2024):
        Ressource.objects.create(
            dossier=dossier, annee=annee, type_personne="Madame", nature="Salaires", montant=Decimal(f"{annee}0.00")
        )
    agent, _ = ouvrir(client, dossier=dossier)
    return agent


def montant_annee(annee: int) -> str:
    return euros(Decimal(f"{annee}0.00"))


def test_ressources_la_derniere_annee_connue_par_defaut(client, ressources):
    page = texte(client.get(RESSOURCES))
    assert periode(page) == "Année 2024"
    assert montant_annee(2024) in page and montant_annee(2023) not in page
    assert '<a href="?annee=2023">» Année précédente</a>' in page
    assert "Année suivante" not in page
    assert periodes_journalisees(ressources) == ["2024"]


def test_ressources_trois_annees_connues_seulement(client, ressources):
    page = texte(client.get(RESSOURCES, {"annee": "2023"}))
    assert periode(page) == "Année 2023" and montant_annee(2023) in page
    assert '<a href="?annee=2022">» Année précédente</a>' in page
    assert '<a href="?annee=2024">» Année suivante</a>' in page

    page = texte(client.get(RESSOURCES, {"annee": "2022"}))
    assert periode(page) == "Année 2022"
    assert "Année précédente" not in page  # 2021 is a fourth year
    assert '<a href="?annee=2023">» Année suivante</a>' in page
    assert periodes_journalisees(ressources) == ["2023", "2022"]


@pytest.mark.parametrize("annee", ["2021", "2025", "deux-mille", "20 24"])
def test_ressources_annee_hors_des_trois_dernieres(client, ressources, annee):
    page = texte(client.get(RESSOURCES, {"annee": annee}))
    assert HORS_ANNEES in page
    assert periode(page) == "Année 2024"
    assert montant_annee(2021) not in page
    assert periodes_journalisees(ressources) == ["2024"]


def test_ressources_aucune_annee_connue(client, db):
    agent, _ = ouvrir(client)
    page = texte(client.get(RESSOURCES, {"annee": "2024"}))
    assert "Aucune ressource connue" in page and "aucune ressource connue" in page
    assert "Année précédente" not in page and "Année suivante" not in page


# --- T12: the date of the demand and the three periods -------------------------------------


@pytest.fixture
def greffier(client, db):
    """An AAH allocataire; one RSA payment, which a greffier must not see."""
    dossier = creer_dossier()
    for jour, montant in (
        (date(2025, 1, 5), "850.00"),
        (date(2025, 2, 5), "855.00"),
        (date(2025, 12, 5), "860.00"),
        (date(2026, 2, 5), "870.00"),
        (date(2026, 3, 5), "880.00"),
    ):
        paye(dossier, jour, montant, prestation="AAH")
    paye(dossier, date(2025, 6, 5), "512.34", prestation="RSA")
    agent, _ = ouvrir(client, profil="T12", dossier=dossier, greffier=True)
    return agent


def test_t12_demande_la_date_avant_toute_donnee(client, greffier):
    page = texte(client.get(PAIEMENTS))
    assert "Veuillez saisir la date de demande d'aide juridictionnelle (format JJMMAAAA)" in page
    for mode in (
        "L'année civile qui précède la demande",
        "Les 12 mois qui précèdent la demande",
        "Les mois de l'année en cours qui précèdent la demande",
    ):
        assert mode in page
    assert "<table" not in page and euros(Decimal("850.00")) not in page
    assert PRECEDENT not in page and SUIVANT not in page
    assert periodes_journalisees(greffier) == ["saisie de la date de demande"]


@pytest.mark.parametrize(
    ("date_demande", "mode", "message"),
    [
        ("31022026", "douze_mois", "La date de demande doit être une date valide au format JJMMAAAA"),
        ("2026-01-01", "douze_mois", "La date de demande doit être une date valide au format JJMMAAAA"),
        ("15O32026", "douze_mois", "La date de demande doit être une date valide au format JJMMAAAA"),
        ("1503026", "douze_mois", "La date de demande doit être une date valide au format JJMMAAAA"),
        ("21102026", "douze_mois", "La date de demande ne peut pas être postérieure à aujourd'hui."),
        ("", "douze_mois", "Veuillez saisir la date de demande d'aide juridictionnelle."),
        ("15032026", "", "Veuillez choisir la période à consulter."),
        ("15032026", "toute_la_vie", "Veuillez choisir l'une des trois périodes proposées."),
    ],
)
def test_t12_saisie_refusee_en_francais_et_aucun_tableau(client, greffier, date_demande, mode, message):
    page = texte(client.get(PAIEMENTS, {"date_demande": date_demande, "mode": mode}))
    erreurs = re.search(r'<div class="erreur" role="alert" id="erreurs-demande">(.*?)</div>', page, re.S)
    assert erreurs and message in erreurs.group(1)
    assert "<table" not in page
    assert "850,00" not in page and "Cumul" not in page
    assert periodes_journalisees(greffier) == ["saisie de la date de demande"]


def test_t12_le_lendemain_de_la_demande_n_est_pas_futur(client, greffier):
    page = texte(client.get(PAIEMENTS, {"date_demande": "20102026", "mode": "annee_en_cours"}))
    assert "postérieure" not in page and "<table" in page


@pytest.mark.parametrize(
    ("mode", "mois_attendus", "total"),
    [
        (
            "annee_precedente",
            [
                "Janvier 2025",
                "Février 2025",
                "Mars 2025",
                "Avril 2025",
                "Mai 2025",
                "Juin 2025",
                "Juillet 2025",
                "Août 2025",
                "Septembre 2025",
                "Octobre 2025",
                "Novembre 2025",
                "Décembre 2025",
            ],
            "2565.00",  # 850 + 855 + 860
        ),
        (
            "douze_mois",
            [
                "Mars 2025",
                "Avril 2025",
                "Mai 2025",
                "Juin 2025",
                "Juillet 2025",
                "Août 2025",
                "Septembre 2025",
                "Octobre 2025",
                "Novembre 2025",
                "Décembre 2025",
                "Janvier 2026",
                "Février 2026",
            ],
            "1730.00",  # 860 + 870
        ),
        ("annee_en_cours", ["Janvier 2026", "Février 2026"], "870.00"),
    ],
)
def test_t12_chaque_mode_donne_ses_mois(client, greffier, mode, mois_attendus, total):
    page = texte(client.get(PAIEMENTS, {"date_demande": "15032026", "mode": mode}))
    assert "(demande du 15/03/2026)" in page
    assert premiere_colonne(page) == mois_attendus
    assert f"<tfoot><tr><td>Total</td><td></td><td></td><td>{euros(Decimal(total))}</td>" in page
    # The month of the demand itself and the RSA payment are never counted.
    assert euros(Decimal("880.00")) not in page
    assert euros(Decimal("512.34")) not in page
    assert periodes_journalisees(greffier) == [f"demande du 15/03/2026 : {mode}"]


def test_t12_le_cumul_progresse_mois_par_mois(client, greffier):
    page = texte(client.get(PAIEMENTS, {"date_demande": "15032026", "mode": "annee_precedente"}))
    lignes = re.findall(r"<tr>((?:<td>.*?</td>)+)</tr>", page)
    cellules = [re.findall(r"<td>(.*?)</td>", ligne) for ligne in lignes]
    par_mois = {c[0]: (c[3], c[4]) for c in cellules if c[0].endswith("2025")}
    assert par_mois["Janvier 2025"] == (euros(Decimal("850")), euros(Decimal("850")))
    assert par_mois["Février 2025"] == (euros(Decimal("855")), euros(Decimal("1705")))
    assert par_mois["Novembre 2025"] == (euros(Decimal("0")), euros(Decimal("1705")))
    assert par_mois["Décembre 2025"] == (euros(Decimal("860")), euros(Decimal("2565")))
