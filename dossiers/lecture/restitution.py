"""What a reader returns: blocks holding only what the profile may see, ready for the template.

Each kind of block names the template that writes it (`gabarit`), so that the rubrique's page
includes each block's own without testing what it is."""

from dataclasses import dataclass, field
from typing import ClassVar


@dataclass
class Fiche:
    titre: str
    lignes: list[tuple[str, str]]

    gabarit: ClassVar[str] = "dossiers/_fiche.html"


@dataclass
class Tableau:
    titre: str
    colonnes: list[str]
    lignes: list[list[str]]
    total: list[str] | None = None
    vide: str = "Aucune information."

    gabarit: ClassVar[str] = "dossiers/_tableau.html"


@dataclass
class PaiementDetaille:
    """One payment of the Paiements rubrique: its granted fields as (label, value); when the
    profile sees « Nature et montants des prestations », one (label, amount) per prestation and
    the amounts that sum them up (total paid, recovery), each label kept with its amount."""

    titre: str
    lignes: list[tuple[str, str]]
    prestations: list[tuple[str, str]] | None = None  # None: the field is not granted
    montants: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Paiements:
    """The payments of one month, one after the other (templates/dossiers/_paiements.html)."""

    titre: str
    libelle_prestations: str  # the seed's label of the prestations and their amounts
    paiements: list[PaiementDetaille]
    vide: str = "Aucun paiement ce mois-ci."

    gabarit: ClassVar[str] = "dossiers/_paiements.html"


@dataclass
class Restitution:
    blocs: list[Fiche | Tableau | Paiements] = field(default_factory=list)
