"""The demo's generator as a feed file (format: dossiers.flux, docs/alimentation.md).

The dossiers are planned as `manage.py demo` plans its generated ones (`demo.cas.planifier`:
several people, 24 months of droits and paiements, ressources, quotients, courriers…) and
written one line each, never held together: memory stays flat whatever their number. The same
(nombre, graine, jour) give the same file, byte for byte.

Dossier i goes to the demo Caf CAISSES_DEMO[i % 11], numéro 3000000 + i // 11: unique, valid,
and apart from the numéros of `manage.py demo` (1000001…, 2000000…).
"""

import gzip
import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from multiprocessing import get_context
from pathlib import Path

from django.db import connections
from django.utils import timezone

from conventions.models import Caisse
from dossiers.flux import COLONNES, FORMAT, HISTORIQUES, VERSION, colonnes_documentees

from .cas import planifier
from .dossiers import CAISSES_DEMO, cas_genere
from .foyer import COLONNES as COLONNES_PLANIFIEES

PREMIER_NUMERO_FLUX = 3_000_000
# Lines made and compressed together by a worker: a gzip member each (a valid gzip file is any
# sequence of members).
LIGNES_PAR_MORCEAU = 500


def _json(valeur):
    if isinstance(valeur, date):
        return valeur.isoformat()
    if isinstance(valeur, Decimal):
        return float(valeur)  # the shortest repr of a 2-decimal amount has at most 2 decimals
    raise TypeError(repr(valeur))


_ENCODEUR = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_json)


def en_tete(jour: date) -> str:
    return _ENCODEUR.encode(
        {
            "format": FORMAT,
            "version": VERSION,
            "extraction": jour.isoformat(),
            "caisses": list(CAISSES_DEMO),
            "colonnes": colonnes_documentees(),
        }
    )


def _iso(valeur: date | None) -> str | None:
    return None if valeur is None else valeur.isoformat()


def _nombre(valeur: Decimal | None) -> float | None:
    return None if valeur is None else float(valeur)


# Dates and amounts converted a column at a time (C loops): a hook called for each of the
# ~600 dates and amounts of a dossier would cost more than planning it.
_CONVERSIONS = {
    cle: [
        (i, (_iso if c.null else date.isoformat) if c.type == "date" else (_nombre if c.null else float))
        for i, c in enumerate(colonnes)
        if c.type in ("date", "decimal")
    ]
    for cle, colonnes in COLONNES.items()
}


def _convertir(lignes: list, cle: str) -> list:
    if not lignes:
        return lignes
    colonnes: list = list(zip(*lignes, strict=True))
    for i, conversion in _CONVERSIONS[cle]:
        colonnes[i] = map(conversion, colonnes[i])
    return list(zip(*colonnes, strict=True))


def ligne_du_dossier(caisse: Caisse, numero: str, jour: date, graine) -> str:
    plan = planifier(caisse, numero, cas_genere(caisse, numero), jour, graine=graine, base="simple")
    objet = {"caisse": caisse.numero, **plan.dossier}
    for cle, model in HISTORIQUES.items():
        if model in COLONNES_PLANIFIEES:  # planned as tuples in the model's order, the feed's order
            lignes = plan.lignes[model]
        else:
            source = plan.personnes if cle == "personnes" else plan.lignes[model]
            lignes = [[ligne.get(c.nom, c.defaut) for c in COLONNES[cle]] for ligne in source]
        objet[cle] = _convertir(lignes, cle)
    return _ENCODEUR.encode(objet)


def numero_de_rang(rang: int) -> tuple[str, str]:
    """(Caisse, numéro) of the file's dossier number `rang`."""
    return CAISSES_DEMO[rang % len(CAISSES_DEMO)], str(PREMIER_NUMERO_FLUX + rang // len(CAISSES_DEMO))


def lignes_du_flux(caisses: dict[str, Caisse], debut: int, fin: int, jour: date, graine) -> Iterator[str]:
    for rang in range(debut, fin):
        numero_caisse, numero = numero_de_rang(rang)
        yield ligne_du_dossier(caisses[numero_caisse], numero, jour, graine)


_contexte: dict = {}


def _morceau(debut: int) -> bytes:
    """One worker's part: LIGNES_PAR_MORCEAU lines, compressed if the file is."""
    fin = min(debut + LIGNES_PAR_MORCEAU, _contexte["nombre"])
    texte = "".join(
        ligne + "\n"
        for ligne in lignes_du_flux(_contexte["caisses"], debut, fin, _contexte["jour"], _contexte["graine"])
    )
    donnees = texte.encode()
    return gzip.compress(donnees, compresslevel=1, mtime=0) if _contexte["gzip"] else donnees


def ecrire_flux(chemin: str | Path, nombre: int, graine=0, jour: date | None = None, processus: int = 1) -> int:
    """Write a feed file of `nombre` generated dossiers (gzip if the name ends in .gz); return `nombre`."""
    if nombre < 0 or PREMIER_NUMERO_FLUX + nombre // len(CAISSES_DEMO) >= 10**7:
        raise ValueError("Le nombre de dossiers doit rester entre 0 et 77 000 000 (numéros à 7 chiffres).")
    chemin = Path(chemin)
    jour = jour or timezone.localdate()
    caisses = {c.numero: c for c in Caisse.objects.filter(numero__in=CAISSES_DEMO)}
    _contexte.update(caisses=caisses, nombre=nombre, jour=jour, graine=graine, gzip=chemin.name.endswith(".gz"))
    tete = (en_tete(jour) + "\n").encode()
    debuts = range(0, nombre, LIGNES_PAR_MORCEAU)
    with open(chemin, "wb") as fichier:
        fichier.write(gzip.compress(tete, compresslevel=1, mtime=0) if _contexte["gzip"] else tete)
        if processus > 1:
            connections.close_all()  # the workers are forked: no shared database connection
            with get_context("fork").Pool(processus) as pool:
                for morceau in pool.imap(_morceau, debuts):
                    fichier.write(morceau)
        else:
            for debut in debuts:
                fichier.write(_morceau(debut))
    return nombre
