"""What a reader returns: blocks holding only what the profile may see, ready for the template."""

from dataclasses import dataclass, field


@dataclass
class Fiche:
    titre: str
    lignes: list[tuple[str, str]]


@dataclass
class Tableau:
    titre: str
    colonnes: list[str]
    lignes: list[list[str]]
    total: list[str] | None = None
    vide: str = "Aucune information."


@dataclass
class Restitution:
    blocs: list[Fiche | Tableau] = field(default_factory=list)
