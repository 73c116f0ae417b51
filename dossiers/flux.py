"""The allocataire data feed's file format (docs/alimentation.md), read from the models.

A feed file is JSON Lines: a header, then one line per dossier holding its fields and every
history under it. The histories are written like CSV inside JSON: each is a list of rows (lists
of values), their column names given once, in the header's "colonnes" or, without it, in the
documented order below. Every column, its type, its enumeration and its length come from the
model's fields, so the format follows the models.

Values are checked a column at a time over a whole batch of dossiers (sets, `max(map(len…))`,
C loops): about 200 history rows per dossier leave no room for a Python call per value. A
column that fails is checked again value by value, line by line, to name the first bad one.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models

from .models import (
    Courrier,
    Creance,
    DeclarationRessources,
    Dossier,
    Droit,
    Logement,
    MesureAccompagnement,
    MinimumSocial,
    Paiement,
    Personne,
    QuotientFamilial,
    Ressource,
    RoleDansLeFoyer,
)

FORMAT = "cafpro-dossiers"
VERSION = 1
# The histories, by their key in a dossier's line (the models' related names), in writing order.
HISTORIQUES: dict[str, type[models.Model]] = {
    "personnes": Personne,
    "droits": Droit,
    "paiements": Paiement,
    "logements": Logement,
    "ressources": Ressource,
    "creances": Creance,
    "courriers": Courrier,
    "quotients": QuotientFamilial,
    "minima": MinimumSocial,
    "mesures": MesureAccompagnement,
    "declarations": DeclarationRessources,
}
# Columns of the Dossier line that are not plain fields: the Caisse by its numéro, the key.
CLES_DOSSIER = ("caisse", "numero_allocataire")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# Dates and amounts recur (months, rates): each distinct value is checked once, up to this many.
_MEMOIRE_MAX = 500_000


class ErreurFlux(Exception):
    """A value the feed refuses; `ligne` is the file's line number, `champ` the field's path."""

    def __init__(self, message: str, ligne: int | None = None, champ: str | None = None):
        super().__init__(message)
        self.message, self.ligne, self.champ = message, ligne, champ

    def __reduce__(self):
        # Raised in a worker process of the loader, it comes back to the main one whole.
        return ErreurFlux, (self.message, self.ligne, self.champ)


@dataclass
class Colonne:
    nom: str
    type: str  # "texte", "date", "decimal", "entier", "booleen"
    null: bool
    requise: bool
    defaut: Any
    max_length: int | None = None
    blank: bool = True
    choix: frozenset | None = None
    validateurs: tuple = ()
    entiers: int = 0  # digits before the decimal point
    decimales: int = 0
    _valides: set = field(default_factory=set, repr=False)
    _motif: re.Pattern | None = field(default=None, repr=False)

    def __post_init__(self):
        if self.type == "decimal":
            self._motif = re.compile(rf"^-?[0-9]{{1,{self.entiers}}}(\.[0-9]{{1,{self.decimales}}})?$")

    # --- value by value: the slow path, which names the fault ------------------------------

    def erreur(self, valeur) -> str | None:
        """The French reason why `valeur` is refused, or None."""
        if valeur is None:
            return None if self.null else "valeur obligatoire (null refusé)"
        if self.type == "booleen":
            return None if type(valeur) is bool else "booléen attendu (true ou false)"
        if self.type == "entier":
            if type(valeur) is not int:
                return "nombre entier attendu"
            return None if 0 <= valeur <= 32767 else "entier entre 0 et 32767 attendu"
        if self.type == "date":
            if type(valeur) is not str or not _DATE.match(valeur):
                return f"date attendue au format AAAA-MM-JJ, reçu {valeur!r}"
            try:
                date.fromisoformat(valeur)
            except ValueError:
                return f"date inexistante {valeur!r}"
            return None
        if self.type == "decimal":
            if type(valeur) is bool or type(valeur) not in (str, int) or not self._motif.match(str(valeur)):
                return (
                    f"montant attendu (au plus {self.entiers} chiffres avant la virgule et "
                    f"{self.decimales} après, point décimal), reçu {valeur!r}"
                )
            return None
        if type(valeur) is not str:
            return f"texte attendu, reçu {valeur!r}"
        if self.choix is not None and valeur not in self.choix:
            attendues = ", ".join(repr(c) for c in sorted(self.choix))
            return f"valeur inconnue {valeur!r} (valeurs admises : {attendues})"
        if self.max_length is not None and len(valeur) > self.max_length:
            return f"{len(valeur)} caractères pour {self.max_length} au plus"
        if valeur:
            for valider in self.validateurs:
                try:
                    valider(valeur)
                except ValidationError as erreur:
                    return " ".join(erreur.messages)
        return None

    # --- a whole column at once -------------------------------------------------------------

    def valide(self, valeurs) -> bool:
        """True when every value of the column is acceptable, checked on its distinct values."""
        distinctes = set(valeurs)
        if self.null:
            distinctes.discard(None)
        elif None in distinctes:
            return False
        if not distinctes:
            return True
        # set(map(type, …)): the types of many distinct values (names, amounts) in one C loop.
        if self.type == "booleen":
            return distinctes <= {True, False} and set(map(type, distinctes)) == {bool}
        if self.type == "texte":
            if set(map(type, distinctes)) != {str}:
                return False
            if self.choix is not None:
                return distinctes <= self.choix
            if self.max_length is not None and max(map(len, distinctes)) > self.max_length:
                return False
            if self.validateurs:
                return all(self.erreur(v) is None for v in distinctes)
            return True
        nouvelles = distinctes - self._valides
        if any(self.erreur(v) is not None for v in nouvelles):
            return False
        if len(self._valides) < _MEMOIRE_MAX:
            self._valides |= nouvelles
        return True

    def texte_copy(self, valeurs) -> list[str]:
        """The values as PostgreSQL's COPY text format reads them."""
        if self.type == "booleen":
            return [("t" if v else "f") for v in valeurs]
        if self.type == "texte":
            if not valeurs:
                return []
            liste = list(valeurs)
            tout = "".join(liste)
            if "\\" in tout or "\t" in tout or "\n" in tout or "\r" in tout:
                liste = [echapper_copy(v) for v in liste]
            return liste
        if self.null:
            return ["\\N" if v is None else str(v) for v in valeurs]
        return list(map(str, valeurs))


def echapper_copy(valeur: str) -> str:
    return valeur.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def colonne_du_champ(champ: models.Field) -> Colonne:
    requise = not champ.has_default() and not champ.null and not champ.blank
    defaut = champ.get_default() if not requise else None
    commun = {"nom": champ.attname, "null": champ.null, "requise": requise, "defaut": defaut}
    if isinstance(champ, models.BooleanField):
        return Colonne(type="booleen", **commun)
    if isinstance(champ, models.DateField):
        return Colonne(type="date", **commun)
    if isinstance(champ, models.DecimalField):
        entiers = champ.max_digits - champ.decimal_places
        return Colonne(type="decimal", entiers=entiers, decimales=champ.decimal_places, **commun)
    if isinstance(champ, models.PositiveSmallIntegerField):
        return Colonne(type="entier", **commun)
    if isinstance(champ, models.CharField):
        # "blank" is not enforced beyond the enumerations: the Caf's system may leave a text empty
        # (a créance without plan de remboursement), as the demo does.
        choix = (
            frozenset(str(c) for c, _ in champ.choices) | ({""} if champ.blank else set()) if champ.choices else None
        )
        validateurs = tuple(v for v in champ.validators if not isinstance(v, MaxLengthValidator))
        return Colonne(
            type="texte", max_length=champ.max_length, blank=champ.blank, choix=choix, validateurs=validateurs, **commun
        )
    raise TypeError(f"Champ sans type de flux : {champ!r}")


def colonnes_du_modele(
    model: type[models.Model], exclues=("id", "dossier_id", "caisse_id", "empreinte")
) -> list[Colonne]:
    """Every column of the model the feed carries, in the model's order."""
    return [colonne_du_champ(f) for f in model._meta.concrete_fields if f.attname not in exclues]


COLONNES_DOSSIER: list[Colonne] = colonnes_du_modele(Dossier)
COLONNES: dict[str, list[Colonne]] = {cle: colonnes_du_modele(model) for cle, model in HISTORIQUES.items()}


def colonnes_documentees() -> dict[str, list[str]]:
    """The header's "colonnes" as the writer gives them: every column of each history."""
    return {cle: [c.nom for c in colonnes] for cle, colonnes in COLONNES.items()}


_ROLE = [c.nom for c in COLONNES["personnes"]].index("role")
_NATURE_QF = [c.nom for c in COLONNES["quotients"]].index("nature")
_MOIS_QF = [c.nom for c in COLONNES["quotients"]].index("mois")


def contraintes_du_dossier(historiques: dict[str, list], ligne: int) -> None:
    """The model constraints that span rows of one dossier (rows in the documented column order):
    one responsable (the portal's header names him), one conjoint at most, one quotient familial
    per nature and month."""
    roles = [p[_ROLE] for p in historiques["personnes"]]
    if roles.count(RoleDansLeFoyer.RESPONSABLE) != 1:
        raise ErreurFlux(
            f"le foyer doit avoir exactement un responsable du dossier ({roles.count('responsable')} donné(s))",
            ligne,
            "personnes",
        )
    if roles.count(RoleDansLeFoyer.CONJOINT) > 1:
        raise ErreurFlux("le foyer a plus d'un conjoint", ligne, "personnes")
    quotients = historiques["quotients"]
    if len({(q[_NATURE_QF], q[_MOIS_QF]) for q in quotients}) != len(quotients):
        raise ErreurFlux("deux quotients familiaux de même nature pour le même mois", ligne, "quotients")
