"""Loading a feed file of allocataire dossiers (format: dossiers.flux, docs/alimentation.md).

One file, one transaction: the first refused value raises `ErreurFlux` (line, field) and the
database is left as it was. The file is read line by line and written by batches of dossiers,
so memory stays flat whatever its size. A line whose sha256 equals the dossier's `empreinte` is
skipped without being parsed; a changed dossier keeps its key, its row is updated and its
histories are replaced; a new one is added. Dossiers absent from the file are left alone: an
extract may cover part of a Caf.

PostgreSQL: histories are written with COPY; into empty tables (a first load) their indexes and
constraints are dropped and rebuilt at the end, several times faster than maintaining them row
by row, and checked all the same before the commit. SQLite: executemany.
"""

import gc
import gzip
import hashlib
import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.db import connection, transaction

from conventions.models import Caisse

from .flux import (
    CLES_DOSSIER,
    COLONNES,
    COLONNES_DOSSIER,
    FORMAT,
    HISTORIQUES,
    VERSION,
    Colonne,
    ErreurFlux,
    contraintes_du_dossier,
)
from .models import Dossier

LOT = 2000
# A line usually starts with its keys: the dossier is found without parsing the line.
_CLE = re.compile(rb'^\{\s*"caisse"\s*:\s*"([0-9A-Z]{1,4})"\s*,\s*"numero_allocataire"\s*:\s*"([0-9]{7})"')
_NUMERO = re.compile(r"^[0-9]{7}$")
_CHAMPS_LIGNE = frozenset(CLES_DOSSIER) | {c.nom for c in COLONNES_DOSSIER} | set(HISTORIQUES)
_TABLE_DOSSIER = Dossier._meta.db_table


@dataclass
class Bilan:
    nouveaux: int = 0
    modifies: int = 0
    inchanges: int = 0
    lignes_ecrites: int = 0  # rows of dossiers and histories written
    secondes: float = 0.0
    initial: bool = False

    @property
    def dossiers(self) -> int:
        return self.nouveaux + self.modifies + self.inchanges


@dataclass
class Entree:
    ligne: int
    brut: bytes
    empreinte: str
    caisse: str = ""
    numero: str = ""
    caisse_id: int = 0
    pk: int | None = None
    valeurs: list = field(default_factory=list)  # the Dossier columns, COLONNES_DOSSIER's order
    historiques: dict = field(default_factory=dict)


class Progression:
    """A plain progress bar on stderr, by bytes of the file read."""

    def __init__(self, flux: IO[str] | None, total: int):
        self.flux, self.total, self.debut, self.dernier = flux, max(total, 1), time.monotonic(), 0.0
        self.interactif = bool(flux and flux.isatty())
        self.palier = 0

    def avancer(self, position: int, dossiers: int, fin: bool = False) -> None:
        if self.flux is None:
            return
        maintenant = time.monotonic()
        part = min(position / self.total, 1.0)
        if self.interactif:
            if not fin and maintenant - self.dernier < 0.5:
                return
        elif int(part * 10) <= self.palier and not (fin and part < 1):
            return  # a log file gets a line every 10 %, and the last one once
        self.dernier, self.palier = maintenant, int(part * 10)
        ecoule = maintenant - self.debut
        debit = dossiers / ecoule if ecoule else 0.0
        reste = f"{ecoule / part - ecoule:5.0f} s" if 0 < part < 1 else "  -   "
        barre = "#" * int(part * 30)
        texte = f"[{barre:<30}] {part:6.1%}  {dossiers:>10} dossiers  {debit:8.0f}/s  reste {reste}"
        self.flux.write(("\r" + texte) if self.interactif else texte + "\n")
        if fin and self.interactif:
            self.flux.write("\n")
        self.flux.flush()


def ouvrir(chemin: Path) -> tuple[IO[bytes], IO[bytes]]:
    """(the lines, the raw file whose position measures progress); gzip is recognised by its magic number."""
    brut = open(chemin, "rb")  # noqa: SIM115 — closed by the caller
    if brut.peek(2)[:2] == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=brut, mode="rb"), brut
    return brut, brut


def charger(chemin: str | Path, lot: int = LOT, progression: IO[str] | None = None) -> Bilan:
    """Load one feed file in one transaction; raise ErreurFlux at the first refused value."""
    chemin = Path(chemin)
    debut = time.monotonic()
    lignes, brut = ouvrir(chemin)
    # A batch is a few hundred thousand lists, all alive until written: the cyclic collector
    # would walk them again and again (it tripled the time); the rows hold no cycle.
    collecteur = gc.isenabled()
    gc.disable()
    try:
        with transaction.atomic():
            bilan = Chargement(lignes, brut, chemin.stat().st_size, lot, progression).executer()
    finally:
        if collecteur:
            gc.enable()
        lignes.close()
        brut.close()
    bilan.secondes = time.monotonic() - debut
    return bilan


class Chargement:
    def __init__(self, lignes: IO[bytes], brut: IO[bytes], taille: int, lot: int, progression: IO[str] | None):
        self.lignes, self.brut, self.lot = lignes, brut, lot
        self.progression = Progression(progression, taille)
        self.postgresql = connection.vendor == "postgresql"
        self.bilan = Bilan()
        # One bit per possible numéro of each Caisse: a dossier given twice in the file is found
        # in 1.25 MB per Caisse, whatever the file's size.
        self.vus: dict[int, bytearray] = {}
        self.caisses: dict[str, int] = {}
        self.indices: dict[str, tuple[int, list | None]] = {}

    # --- the file ------------------------------------------------------------------------

    def executer(self) -> Bilan:
        numeros = enumerate(self.lignes, start=1)
        self.en_tete(numeros)
        self.preparer_base()
        lot: list[Entree] = []
        for numero, ligne in numeros:
            ligne = ligne.strip()
            if not ligne:
                continue
            entree = Entree(numero, ligne, hashlib.sha256(ligne).hexdigest())
            cle = _CLE.match(ligne)
            if cle:
                entree.caisse, entree.numero = cle.group(1).decode(), cle.group(2).decode()
            else:
                self.analyser(entree)
            lot.append(entree)
            if len(lot) >= self.lot:
                self.ecrire_lot(lot)
                lot = []
        if lot:
            self.ecrire_lot(lot)
        self.terminer_base()
        self.progression.avancer(self.brut.tell(), self.bilan.dossiers, fin=True)
        return self.bilan

    def en_tete(self, numeros: Iterator[tuple[int, bytes]]) -> None:
        numero, ligne = 1, b""
        for numero, ligne in numeros:  # noqa: B007 — the header's number is kept
            if ligne.strip():
                break
        else:
            raise ErreurFlux("fichier vide : l'en-tête du flux manque", 1, None)
        try:
            tete = json.loads(ligne)
        except ValueError as erreur:
            raise ErreurFlux(f"en-tête illisible (JSON invalide : {erreur})", numero, None) from None
        if not isinstance(tete, dict) or tete.get("format") != FORMAT:
            raise ErreurFlux(f"la première ligne doit être l'en-tête du format {FORMAT!r}", numero, "format")
        if tete.get("version") != VERSION:
            raise ErreurFlux(
                f"version {tete.get('version')!r} non prise en charge (attendue : {VERSION})", numero, "version"
            )
        extraction = tete.get("extraction")
        if Colonne("extraction", "date", False, True, None).erreur(extraction):
            raise ErreurFlux(
                f"date d'extraction attendue au format AAAA-MM-JJ, reçu {extraction!r}", numero, "extraction"
            )
        caisses = tete.get("caisses")
        if not isinstance(caisses, list) or not caisses or not all(isinstance(c, str) for c in caisses):
            raise ErreurFlux("liste des numéros de caisse attendue", numero, "caisses")
        connues = dict(Caisse.objects.filter(numero__in=caisses).values_list("numero", "pk"))
        inconnues = [c for c in caisses if c not in connues]
        if inconnues:
            raise ErreurFlux(f"caisse(s) absente(s) du référentiel : {', '.join(inconnues)}", numero, "caisses")
        self.caisses = connues
        colonnes = tete.get("colonnes", {})
        if not isinstance(colonnes, dict) or colonnes.keys() - HISTORIQUES.keys():
            raise ErreurFlux(f"historiques attendus parmi : {', '.join(HISTORIQUES)}", numero, "colonnes")
        for cle, attendues in COLONNES.items():
            noms = [c.nom for c in attendues]
            donnees = colonnes.get(cle, noms)
            champ = f"colonnes.{cle}"
            if not isinstance(donnees, list) or len(set(donnees)) != len(donnees):
                raise ErreurFlux("liste de noms de colonnes distincts attendue", numero, champ)
            inconnues = [n for n in donnees if n not in noms]
            if inconnues:
                raise ErreurFlux(f"colonne(s) inconnue(s) : {', '.join(map(str, inconnues))}", numero, champ)
            manquantes = [c.nom for c in attendues if c.requise and c.nom not in donnees]
            if manquantes:
                raise ErreurFlux(f"colonne(s) obligatoire(s) absente(s) : {', '.join(manquantes)}", numero, champ)
            # Rows are rearranged into the documented order only when the file's differs.
            ordre = (
                None
                if donnees == noms
                else [(donnees.index(c.nom) if c.nom in donnees else None, c.defaut) for c in attendues]
            )
            self.indices[cle] = (len(donnees), ordre)

    def analyser(self, entree: Entree) -> None:
        """Parse a dossier's line into its columns and history rows, checking its shape."""
        ligne = entree.ligne
        try:
            objet = json.loads(entree.brut, parse_float=str)
        except ValueError as erreur:
            raise ErreurFlux(
                f"JSON invalide : {getattr(erreur, 'msg', erreur)} (caractère {getattr(erreur, 'colno', '?')})", ligne
            ) from None
        if not isinstance(objet, dict):
            raise ErreurFlux("un objet JSON (un dossier) est attendu", ligne)
        inconnus = objet.keys() - _CHAMPS_LIGNE
        if inconnus:
            raise ErreurFlux("champ inconnu", ligne, sorted(inconnus)[0])
        for cle in CLES_DOSSIER:
            if not isinstance(objet.get(cle), str):
                raise ErreurFlux("texte obligatoire absent", ligne, cle)
        caisse, numero = objet["caisse"], objet["numero_allocataire"]
        if entree.caisse and (caisse, numero) != (entree.caisse, entree.numero):
            raise ErreurFlux("caisse ou numéro donné deux fois", ligne, "numero_allocataire")
        entree.caisse, entree.numero = caisse, numero
        valeurs = []
        for colonne in COLONNES_DOSSIER:
            if colonne.nom in objet:
                valeurs.append(objet[colonne.nom])
            elif colonne.requise:
                raise ErreurFlux("champ obligatoire absent", ligne, colonne.nom)
            else:
                valeurs.append(colonne.defaut)
        entree.valeurs = valeurs
        for cle in HISTORIQUES:
            lignes = objet.get(cle, [])
            if type(lignes) is not list:
                raise ErreurFlux("liste de lignes attendue", ligne, cle)
            largeur, ordre = self.indices[cle]
            if lignes and (set(map(type, lignes)) != {list} or set(map(len, lignes)) != {largeur}):
                rang = next(i for i, r in enumerate(lignes) if type(r) is not list or len(r) != largeur)
                raise ErreurFlux(
                    f"liste de {largeur} valeurs attendue (une par colonne de l'en-tête)", ligne, f"{cle}[{rang}]"
                )
            if ordre is not None:
                lignes = [[r[i] if i is not None else d for i, d in ordre] for r in lignes]
            entree.historiques[cle] = lignes
        contraintes_du_dossier(entree.historiques, ligne)

    # --- one batch -----------------------------------------------------------------------

    def ecrire_lot(self, lot: list[Entree]) -> None:
        for entree in lot:
            entree.caisse_id = self.caisses.get(entree.caisse, 0)
            if not entree.caisse_id:
                raise ErreurFlux(f"caisse {entree.caisse!r} absente de l'en-tête du fichier", entree.ligne, "caisse")
            if not _NUMERO.match(entree.numero):
                raise ErreurFlux("Le numéro d'allocataire comporte 7 chiffres.", entree.ligne, "numero_allocataire")
            vus = self.vus.setdefault(entree.caisse_id, bytearray(10**7 // 8))
            rang = int(entree.numero)
            if vus[rang >> 3] & (1 << (rang & 7)):
                raise ErreurFlux(
                    f"dossier {entree.caisse}/{entree.numero} déjà donné plus haut dans le fichier",
                    entree.ligne,
                    "numero_allocataire",
                )
            vus[rang >> 3] |= 1 << (rang & 7)
        existants = {} if self.bilan.initial else self.existants(lot)
        nouveaux, modifies = [], []
        for entree in lot:
            trouve = existants.get((entree.caisse_id, entree.numero))
            if trouve and trouve[1] == entree.empreinte:
                self.bilan.inchanges += 1
                continue
            if not entree.valeurs:
                self.analyser(entree)
            if trouve:
                entree.pk = trouve[0]
                modifies.append(entree)
            else:
                nouveaux.append(entree)
        a_ecrire = nouveaux + modifies
        if a_ecrire:
            self.verifier(
                a_ecrire, [c.nom for c in COLONNES_DOSSIER], COLONNES_DOSSIER, [e.valeurs for e in a_ecrire], None
            )
            self.ecrire_dossiers(nouveaux, modifies)
            self.ecrire_historiques(a_ecrire, modifies)
        self.bilan.nouveaux += len(nouveaux)
        self.bilan.modifies += len(modifies)
        self.progression.avancer(self.brut.tell(), self.bilan.dossiers)

    def verifier(self, entrees: list[Entree], noms: list[str], colonnes: list[Colonne], lignes: list, cle: str | None):
        """Check a table's columns over the batch; at the first bad column, name its first bad value."""
        if not lignes:
            return []
        valeurs = list(zip(*lignes, strict=True))
        for colonne, donnees in zip(colonnes, valeurs, strict=True):
            if not colonne.valide(donnees):
                self.localiser(entrees, cle, colonne)
        return valeurs

    def localiser(self, entrees: list[Entree], cle: str | None, colonne: Colonne):
        for entree in entrees:
            if cle is None:
                rangs = [(colonne.nom, entree.valeurs[COLONNES_DOSSIER.index(colonne)])]
            else:
                position = COLONNES[cle].index(colonne)
                rangs = [(f"{cle}[{i}].{colonne.nom}", r[position]) for i, r in enumerate(entree.historiques[cle])]
            for champ, valeur in rangs:
                motif = colonne.erreur(valeur)
                if motif:
                    raise ErreurFlux(motif, entree.ligne, champ)
        raise ErreurFlux("valeur refusée", entrees[0].ligne, colonne.nom)  # not reached: both checks agree

    def existants(self, lot: list[Entree]) -> dict[tuple[int, str], tuple[int, str]]:
        """(caisse, numéro) → (key, empreinte) of the batch's dossiers already in the database."""
        with connection.cursor() as curseur:
            if self.postgresql:
                curseur.execute(
                    f"SELECT caisse_id, numero_allocataire, id, empreinte FROM {_TABLE_DOSSIER} "
                    "WHERE (caisse_id, numero_allocataire) IN (SELECT * FROM unnest(%s::bigint[], %s::varchar[]))",
                    [[e.caisse_id for e in lot], [e.numero for e in lot]],
                )
                lignes = curseur.fetchall()
            else:
                lignes = []
                par_caisse: dict[int, list[str]] = {}
                for e in lot:
                    par_caisse.setdefault(e.caisse_id, []).append(e.numero)
                for caisse_id, numeros in par_caisse.items():
                    for debut in range(0, len(numeros), 500):  # SQLite's bound on parameters
                        morceau = numeros[debut : debut + 500]
                        curseur.execute(
                            f"SELECT caisse_id, numero_allocataire, id, empreinte FROM {_TABLE_DOSSIER} "
                            f"WHERE caisse_id = %s AND numero_allocataire IN ({', '.join(['%s'] * len(morceau))})",
                            [caisse_id, *morceau],
                        )
                        lignes.extend(curseur.fetchall())
        return {(c, n): (pk, e) for c, n, pk, e in lignes}

    def ecrire_dossiers(self, nouveaux: list[Entree], modifies: list[Entree]) -> None:
        noms = ["caisse_id", "empreinte", *(c.nom for c in COLONNES_DOSSIER)]
        liste = ", ".join(noms)
        with connection.cursor() as curseur:
            if self.postgresql:
                if nouveaux:
                    curseur.execute(
                        f"SELECT nextval(pg_get_serial_sequence('{_TABLE_DOSSIER}', 'id')) FROM generate_series(1, %s)",
                        [len(nouveaux)],
                    )
                    for entree, (pk,) in zip(nouveaux, curseur.fetchall(), strict=True):
                        entree.pk = pk
                    self.copier(curseur, _TABLE_DOSSIER, ["id", *noms], self.texte_dossiers(nouveaux))
                if modifies:
                    curseur.execute("TRUNCATE alimentation_dossier")
                    self.copier(curseur, "alimentation_dossier", ["id", *noms], self.texte_dossiers(modifies))
                    affectations = ", ".join(f"{n} = s.{n}" for n in noms)
                    curseur.execute(
                        f"UPDATE {_TABLE_DOSSIER} d SET {affectations} FROM alimentation_dossier s WHERE d.id = s.id"
                    )
            else:
                if nouveaux:
                    marques = ", ".join(["%s"] * len(noms))
                    curseur.executemany(
                        f"INSERT INTO {_TABLE_DOSSIER} ({liste}) VALUES ({marques})",
                        [(e.caisse_id, e.empreinte, *e.valeurs) for e in nouveaux],
                    )
                    cles = self.existants(nouveaux)
                    for entree in nouveaux:
                        entree.pk = cles[(entree.caisse_id, entree.numero)][0]
                if modifies:
                    affectations = ", ".join(f"{n} = %s" for n in noms)
                    curseur.executemany(
                        f"UPDATE {_TABLE_DOSSIER} SET {affectations} WHERE id = %s",
                        [(e.caisse_id, e.empreinte, *e.valeurs, e.pk) for e in modifies],
                    )
        self.bilan.lignes_ecrites += len(nouveaux) + len(modifies)

    def texte_dossiers(self, entrees: list[Entree]) -> str:
        colonnes = list(zip(*(e.valeurs for e in entrees), strict=True))
        sorties = [c.texte_copy(v) for c, v in zip(COLONNES_DOSSIER, colonnes, strict=True)]
        cles = [str(e.pk) for e in entrees]
        caisses = [str(e.caisse_id) for e in entrees]
        empreintes = [e.empreinte for e in entrees]
        return "\n".join(map("\t".join, zip(cles, caisses, empreintes, *sorties, strict=True))) + "\n"

    def ecrire_historiques(self, entrees: list[Entree], modifies: list[Entree]) -> None:
        with connection.cursor() as curseur:
            if modifies:
                cles = [e.pk for e in modifies]
                for model in HISTORIQUES.values():
                    table = model._meta.db_table
                    if self.postgresql:
                        curseur.execute(f"DELETE FROM {table} WHERE dossier_id = ANY(%s)", [cles])
                    else:
                        for debut in range(0, len(cles), 500):
                            morceau = cles[debut : debut + 500]
                            curseur.execute(
                                f"DELETE FROM {table} WHERE dossier_id IN ({', '.join(['%s'] * len(morceau))})", morceau
                            )
            for cle, model in HISTORIQUES.items():
                colonnes = COLONNES[cle]
                lignes, dossiers = [], []
                for entree in entrees:
                    rangs = entree.historiques[cle]
                    if rangs:
                        lignes.extend(rangs)
                        dossiers.extend([entree.pk] * len(rangs))
                if not lignes:
                    continue
                valeurs = self.verifier(entrees, [], colonnes, lignes, cle)
                noms = ["dossier_id", *(c.nom for c in colonnes)]
                if self.postgresql:
                    sorties = [c.texte_copy(v) for c, v in zip(colonnes, valeurs, strict=True)]
                    texte = "\n".join(map("\t".join, zip(map(str, dossiers), *sorties, strict=True))) + "\n"
                    self.copier(curseur, model._meta.db_table, noms, texte)
                else:
                    marques = ", ".join(["%s"] * len(noms))
                    curseur.executemany(
                        f"INSERT INTO {model._meta.db_table} ({', '.join(noms)}) VALUES ({marques})",
                        list(zip(dossiers, *valeurs, strict=True)),
                    )
                self.bilan.lignes_ecrites += len(lignes)

    @staticmethod
    def copier(curseur, table: str, noms: list[str], texte: str) -> None:
        with curseur.cursor.copy(f"COPY {table} ({', '.join(noms)}) FROM STDIN") as copie:
            copie.write(texte.encode())

    # --- before and after ----------------------------------------------------------------

    def preparer_base(self) -> None:
        if not self.postgresql:
            return
        with connection.cursor() as curseur:
            # A loader may rightly run long, whatever bounds the settings give web requests.
            curseur.execute("SET LOCAL statement_timeout = 0")
            curseur.execute("SET LOCAL lock_timeout = 0")
            curseur.execute("SET LOCAL idle_in_transaction_session_timeout = 0")
            curseur.execute("SET LOCAL maintenance_work_mem = '512MB'")
            # Checked row by row, not queued to the commit (millions of deferred checks).
            curseur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            # Two loads at once would interleave their batches; readers are not stopped.
            curseur.execute(f"LOCK TABLE {_TABLE_DOSSIER} IN SHARE ROW EXCLUSIVE MODE")
            curseur.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {_TABLE_DOSSIER})")
            self.bilan.initial = curseur.fetchone()[0]
            curseur.execute(
                "CREATE TEMP TABLE IF NOT EXISTS alimentation_dossier "
                f"(LIKE {_TABLE_DOSSIER} INCLUDING DEFAULTS) ON COMMIT DROP"
            )
            if self.bilan.initial:
                self.retirer_index(curseur)

    def retirer_index(self, curseur) -> None:
        """A first load: the histories' indexes and constraints are dropped, to be rebuilt at the end."""
        tables = [m._meta.db_table for m in HISTORIQUES.values()]
        curseur.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
            "WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('p', 'u', 'f') ORDER BY contype = 'f' DESC",
            [tables],
        )
        self.contraintes = curseur.fetchall()
        curseur.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = ANY(%s::regclass[]) "
            "AND indexrelid NOT IN (SELECT conindid FROM pg_constraint WHERE contype IN ('p', 'u'))",
            [tables],
        )
        self.index = curseur.fetchall()
        for table, nom, _, _ in self.contraintes:  # foreign keys first
            curseur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{nom}"')
        for nom, _ in self.index:
            curseur.execute(f"DROP INDEX {nom}")

    def terminer_base(self) -> None:
        if not (self.postgresql and self.bilan.initial):
            return
        with connection.cursor() as curseur:
            # Primary and unique keys, then the indexes, then the foreign keys, each checked over
            # the whole table in one pass; a violation rolls the load back like any refusal.
            cles = [c for c in self.contraintes if c[3] != "f"]
            etrangeres = [c for c in self.contraintes if c[3] == "f"]
            for table, nom, definition, _ in cles:
                curseur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{nom}" {definition}')
            for _, definition in self.index:
                curseur.execute(definition)
            for table, nom, definition, _ in etrangeres:
                curseur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{nom}" {definition}')
            for model in (Dossier, *HISTORIQUES.values()):
                curseur.execute(f"ANALYZE {model._meta.db_table}")


def message(erreur: ErreurFlux, chemin: str | Path) -> str:
    """The French message the operator reads: file, line, field, reason."""
    ou = f"{chemin}, ligne {erreur.ligne}" if erreur.ligne else str(chemin)
    champ = f", champ « {erreur.champ} »" if erreur.champ else ""
    return f"{ou}{champ} : {erreur.message}. Rien n'a été chargé."
