"""The French way of writing the values of a dossier: months, dates, amounts, prestations."""

from datetime import date
from decimal import Decimal

from profils.prestations import Prestation

ESPACE = "\u00a0"  # non-breaking

MOIS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def mois_fr(mois: date) -> str:
    """ "Décembre 2005", as the manual's Paiements screen writes a period."""
    return f"{MOIS[mois.month - 1].capitalize()} {mois.year}"


def date_fr(jour: date | None) -> str:
    return jour.strftime("%d/%m/%Y") if jour else ""


def euros(montant: Decimal | int | None) -> str:
    """ "1 234,56 €" with non-breaking spaces, so that an amount never wraps."""
    valeur = Decimal(montant or 0).quantize(Decimal("0.01"))
    signe = "-" if valeur < 0 else ""
    entiers, decimales = f"{abs(valeur):.2f}".split(".")
    groupes = []
    while entiers:
        groupes.insert(0, entiers[-3:])
        entiers = entiers[:-3]
    return f"{signe}{ESPACE.join(groupes)},{decimales}{ESPACE}€"


def oui_non(valeur: bool) -> str:
    return "oui" if valeur else "non"


def libelle_prestation(code: str) -> str:
    return Prestation(code).label if code in Prestation.values else code


def emis_ou_traite(etat: str, jour: date) -> str:
    """A payment's date as the manual writes it: "Émis le …" once issued, else "Traité le …"."""
    return ("Émis le " if etat == "emis" else "Traité le ") + date_fr(jour)
