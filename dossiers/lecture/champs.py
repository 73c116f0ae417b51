"""The one way a reader turns the fields a profile is granted into columns to read and lines to show.

Each reader declares, for the model it reads, which columns each field of its rubrique needs
(`{champ: (colonne, …)}`); `valeurs_accordees` asks the database for the columns of the granted
fields only, plus the few that every reading of the rubrique needs to identify or order its
rows (never shown on their own). A field that is not granted is neither read nor written.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from django.db.models import QuerySet

from dossiers.models import Dossier
from preparees import preparee
from profils.rubriques import Acces

from .restitution import Tableau

T = TypeVar("T")

Colonnes = Mapping[str, Sequence[str]]  # field code → the columns it needs
Rendus = Mapping[str, Callable[[T], str]]  # field code → how a row writes it


def colonnes_accordees(acces: Acces, par_champ: Colonnes, *toujours: str) -> list[str]:
    """`toujours`, then the columns of the granted fields in `par_champ`'s order, each once;
    none at all when no field of `par_champ` is granted."""
    accordees = [colonne for champ, colonnes in par_champ.items() if acces.voit(champ) for colonne in colonnes]
    return list(dict.fromkeys([*toujours, *accordees])) if accordees else []


def valeurs_accordees(lignes: QuerySet, acces: Acces, par_champ: Colonnes, *toujours: str) -> QuerySet:
    """`lignes` as dicts of the columns `colonnes_accordees` chooses; no query and no row when
    no field of `par_champ` is granted (`values()` without columns would read them all)."""
    colonnes = colonnes_accordees(acces, par_champ, *toujours)
    return lignes.values(*colonnes) if colonnes else lignes.none().values()


def valeurs_du_dossier(dossier_id: int, acces: Acces, par_champ: Colonnes) -> dict[str, Any]:
    """The dossier's own columns behind the granted fields of `par_champ` ({} when none is);
    prepared once per set of columns (preparees/), which is all the query depends on."""
    colonnes = tuple(colonnes_accordees(acces, par_champ))
    if not colonnes:
        return {}
    lecture = preparee(
        ("valeurs_du_dossier", colonnes), lambda pk: Dossier.objects.filter(pk=pk).values(*colonnes)[:1], int
    )
    return lecture.premiere(dossier_id) or {}


def lignes_accordees(acces: Acces, valeurs: T, rendus: Rendus[T]) -> list[tuple[str, str]]:
    """(label, value) of each granted field among `rendus`, in `rendus`' order, for a Fiche."""
    libelle = acces.rubrique.champ
    return [(libelle(champ).libelle, rendu(valeurs)) for champ, rendu in rendus.items() if acces.voit(champ)]


def tableau_accorde(acces: Acces, titre: str, lignes: Iterable[T], rendus: Rendus[T], vide: str) -> Tableau:
    """A table of the rubrique's granted fields, in the catalogue's order; `rendus` writes each
    field of a row (a granted field it does not know is an error, not a silent blank)."""
    colonnes = [c for c in acces.rubrique.champs if acces.voit(c.code)]
    rangees = [[rendus[c.code](ligne) for c in colonnes] for ligne in lignes]
    return Tableau(titre, [c.libelle for c in colonnes], rangees, vide=vide)


def valeur(colonne: str) -> Callable[[Mapping[str, Any]], str]:
    """The rendering of a field shown as its column's text."""
    return lambda ligne: ligne[colonne]
