"""The Paiements reader's shape (issue 15): a month's payments one after the other, each with its
prestations as (label, amount) pairs, so that the page writes one line per prestation with its
amount beside it, right-aligned, and never splits a label from its amount."""

from datetime import date
from decimal import Decimal

import pytest

from demo.dossiers import creer_dossier
from dossiers.lecture import PaiementDetaille, Paiements, PeriodeAffichee, lire
from dossiers.lecture.formats import euros
from dossiers.models import EtatPaiement, NaturePaiement, Paiement, TypePaiement
from profils.prestations import Prestation
from profils.rubriques import acces

# A month after the demo dossier's history: only the payments made here are in it.
MOIS = date(2030, 1, 1)
PERIODE = PeriodeAffichee(code="2030-01", libelle="Janvier 2030", parametre="mois")


@pytest.fixture
def dossier(caf_131):
    dossier = creer_dossier(caf_131, "1000001", cas="complet")
    mensuel = {
        "dossier": dossier,
        "date_paiement": date(2030, 1, 5),
        "etat": EtatPaiement.EMIS,
        "type": TypePaiement.MENSUEL,
        "periode": date(2029, 12, 1),
    }
    for prestation, nature, montant, recupere in (
        (Prestation.AF, NaturePaiement.MENSUEL, "141.99", "0"),
        (Prestation.CF, NaturePaiement.MENSUEL, "180.00", "0"),
        (Prestation.ALF, NaturePaiement.MENSUEL, "1234.56", "30.00"),
        (Prestation.ASF, NaturePaiement.MENSUEL, "195.85", "0"),
        (Prestation.ARS, NaturePaiement.RAPPEL, "12.00", "0"),
    ):
        Paiement.objects.create(
            **mensuel,
            prestation=prestation,
            nature=nature,
            montant=Decimal(montant),
            montant_recupere=Decimal(recupere),
        )
    Paiement.objects.create(
        dossier=dossier,
        date_paiement=date(2030, 1, 20),
        etat=EtatPaiement.TRAITE,
        type=TypePaiement.APL,
        prestation=Prestation.APL,
        periode=date(2029, 12, 1),
        montant=Decimal("347.61"),
        destinataire="Logis Témoin",
    )
    return dossier


def lire_le_mois(dossier, profil) -> Paiements:
    (bloc,) = lire(dossier.pk, acces(profil, "paiements"), PERIODE, date(2030, 1, 31)).blocs
    assert isinstance(bloc, Paiements)
    return bloc


def test_un_mois_de_cinq_prestations_une_ligne_par_prestation(dossier):
    bloc = lire_le_mois(dossier, "T13")
    assert bloc.titre == "Paiements traités ou émis en janvier 2030"
    assert bloc.libelle_prestations == "Nature et montants des prestations"
    mensuel, apl = bloc.paiements
    assert mensuel == PaiementDetaille(
        titre="Paiement mensuel émis le 05/01/2030",
        lignes=[
            ("Période concernée", "Décembre 2029"),
            ("Type de paiement", "mensuel"),
            ("État du paiement", "émis"),
            ("Date de traitement ou d'émission du paiement", "Émis le 05/01/2030"),
            ("Destinataire", "Allocataire"),
        ],
        prestations=[
            ("Allocations familiales", euros(Decimal("141.99"))),
            ("Complément familial", euros(Decimal("180.00"))),
            ("Allocation de logement familiale", euros(Decimal("1234.56"))),
            ("Allocation de soutien familial", euros(Decimal("195.85"))),
            ("Allocation de rentrée scolaire (rappel)", euros(Decimal("12.00"))),
        ],
        montants=[
            ("Montant total payé", euros(Decimal("1764.40"))),
            ("Montant de la récupération", euros(Decimal("30.00"))),
        ],
    )
    # An amount is one unbreakable string: "1 234,56 €" with non-breaking spaces.
    assert " " not in mensuel.prestations[2][1]
    assert apl.titre == "Paiement APL traité le 20/01/2030"
    assert apl.prestations == [("Aide personnalisée au logement", euros(Decimal("347.61")))]
    assert ("Destinataire", "Logis Témoin") in apl.lignes


def test_t10_sans_le_detail_des_prestations_le_total_parmi_les_champs(dossier):
    """T10 sees neither the prestations' detail nor the recovery: no list, the total paid in its
    place among the fields, in the catalogue's order, and only the housing aids."""
    bloc = lire_le_mois(dossier, "T10")
    assert bloc.titre.startswith("Paiements traités ou émis en")
    mensuel, apl = bloc.paiements
    assert mensuel.prestations is None and mensuel.montants == []
    assert mensuel.lignes == [
        ("Période concernée", "Décembre 2029"),
        ("Type de paiement", "mensuel"),
        ("État du paiement", "émis"),
        ("Date de traitement ou d'émission du paiement", "Émis le 05/01/2030"),
        ("Montant total payé", euros(Decimal("1234.56"))),  # the ALF alone
        ("Destinataire", "Allocataire"),
    ]
    assert apl.lignes[4] == ("Montant total payé", euros(Decimal("347.61")))


def test_un_mois_sans_paiement(caf_131):
    dossier = creer_dossier(caf_131, "1000002", cas="complet")
    bloc = lire_le_mois(dossier, "T1")
    assert bloc.paiements == []
    assert bloc.vide == "Aucun paiement ce mois-ci."
