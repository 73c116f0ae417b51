"""Loading a feed file of allocataire dossiers (format: dossiers.flux, docs/alimentation.md).

One file, one transaction: the first refused value raises `ErreurFlux` (line, field) and the
database is left as it was. The file is read line by line and written by batches of dossiers,
so memory stays flat whatever its size. A line whose sha256 equals the dossier's `empreinte` is
skipped without being parsed; a changed dossier keeps its key, its row is updated and its
histories are replaced; a new one is added. Dossiers absent from the file are left alone: an
extract may cover part of a Caf.

PostgreSQL: histories are written with COPY; into empty tables (a first load) their indexes and
constraints are dropped and rebuilt at the end, several times faster than maintaining them row
by row, and checked all the same before the commit. Batches are parsed, checked and turned into
COPY text by worker processes while the main one sends the previous batches: Python's work and
the server's overlap on two cores. SQLite: executemany, in the main process.
"""

import gc
import gzip
import hashlib
import json
import os
import re
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain, repeat
from multiprocessing import get_context
from multiprocessing.pool import Pool
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

LOT = 1000
# Worker processes that prepare the batches (0: the main process does): one per core, the
# server's backend takes its share of them while it reads the COPYs.
PROCESSUS = min(2, os.cpu_count() or 1)
# Batches prepared ahead of the one being written, per worker: what bounds memory.
AVANCE = 2
# A smaller file is prepared in the main process: starting workers would cost more.
TAILLE_PARALLELE = 8 * 2**20
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


def charger(
    chemin: str | Path, lot: int = LOT, progression: IO[str] | None = None, processus: int | None = None
) -> Bilan:
    """Load one feed file in one transaction; raise ErreurFlux at the first refused value.

    `processus`: workers preparing the batches on PostgreSQL (default: PROCESSUS for a file of
    TAILLE_PARALLELE or more, none for a smaller one)."""
    chemin = Path(chemin)
    debut = time.monotonic()
    taille = chemin.stat().st_size
    if processus is None:
        processus = PROCESSUS if taille >= TAILLE_PARALLELE else 0
    lignes, brut = ouvrir(chemin)
    # A batch is a few hundred thousand lists, all alive until written: the cyclic collector
    # would walk them again and again (it tripled the time); the rows hold no cycle.
    collecteur = gc.isenabled()
    gc.disable()
    try:
        with transaction.atomic():
            bilan = Chargement(lignes, brut, taille, lot, progression, processus).executer()
    finally:
        if collecteur:
            gc.enable()
        lignes.close()
        brut.close()
    bilan.secondes = time.monotonic() - debut
    return bilan


class Chargement:
    def __init__(
        self, lignes: IO[bytes], brut: IO[bytes], taille: int, lot: int, progression: IO[str] | None, processus: int
    ):
        self.lignes, self.brut, self.lot = lignes, brut, lot
        self.progression = Progression(progression, taille)
        self.postgresql = connection.vendor == "postgresql"
        self.processus = processus if self.postgresql else 0
        self.ouvriers: Pool | None = None  # the workers, from the first batch to parse
        # Batches sent to the workers and not yet written: (their result, keys of the changed
        # dossiers, number of new ones), in the file's order.
        self.en_cours: deque = deque()
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
        try:
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
                    self.en_ordre(analyser, entree, self.indices)
                lot.append(entree)
                if len(lot) >= self.lot:
                    self.ecrire_lot(lot)
                    lot = []
            if lot:
                self.ecrire_lot(lot)
            while self.en_cours:
                self.ecrire_prepare(*self.en_cours.popleft())
        finally:
            if self.ouvriers is not None:
                self.ouvriers.terminate()  # done, or stopped by a refusal: nothing left to wait for
                self.ouvriers.join()
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

    # --- one batch -----------------------------------------------------------------------

    def en_ordre(self, fonction, *arguments):
        """Run a check of the main process; its refusal waits for those of the batches before it."""
        try:
            return fonction(*arguments)
        except ErreurFlux:
            while self.en_cours:  # an earlier line's fault, found by a worker, comes first
                self.ecrire_prepare(*self.en_cours.popleft())
            raise

    def ecrire_lot(self, lot: list[Entree]) -> None:
        nouveaux, modifies = self.en_ordre(self.trier, lot)
        self.bilan.nouveaux += len(nouveaux)
        self.bilan.modifies += len(modifies)
        a_ecrire = nouveaux + modifies
        if not a_ecrire:
            self.progression.avancer(self.brut.tell(), self.bilan.dossiers)
            return
        if not self.postgresql:
            analyser_lot(a_ecrire, self.indices)
            self.ecrire_dossiers(nouveaux, modifies)
            self.ecrire_historiques(a_ecrire, modifies)
            self.progression.avancer(self.brut.tell(), self.bilan.dossiers)
            return
        if nouveaux:
            with connection.cursor() as curseur:
                curseur.execute(
                    f"SELECT nextval(pg_get_serial_sequence('{_TABLE_DOSSIER}', 'id')) FROM generate_series(1, %s)",
                    [len(nouveaux)],
                )
                for entree, (pk,) in zip(nouveaux, curseur.fetchall(), strict=True):
                    entree.pk = pk
        cles = [e.pk for e in modifies]
        arguments = (a_ecrire, len(nouveaux), self.indices, self.bilan.initial)
        if not self.processus:
            self.ecrire_prepare(preparer_copy(*arguments), cles)
            return
        if self.ouvriers is None:
            # Started at the first batch to parse (none when every line is unchanged), forked
            # after the transaction began: they never touch its connection, and leave by
            # os._exit (or are killed) without closing it.
            self.ouvriers = get_context("fork").Pool(self.processus)
        self.en_cours.append((self.ouvriers.apply_async(preparer_copy, arguments), cles))
        while len(self.en_cours) > AVANCE * self.processus:
            self.ecrire_prepare(*self.en_cours.popleft())

    def trier(self, lot: list[Entree]) -> tuple[list[Entree], list[Entree]]:
        """Check the batch's keys; (new dossiers, changed ones), the unchanged left out."""
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
            if trouve:
                entree.pk = trouve[0]
                modifies.append(entree)
            else:
                nouveaux.append(entree)
        return nouveaux, modifies

    def ecrire_prepare(self, prepare, modifies: list[int]) -> None:
        """Write a batch made ready by `preparer_copy` (or its pending result) on PostgreSQL."""
        if not isinstance(prepare, Prepare):
            prepare = prepare.get()  # a worker's ErreurFlux is raised here, in the file's order
        noms = ["id", "caisse_id", "empreinte", *(c.nom for c in COLONNES_DOSSIER)]
        with connection.cursor() as curseur:
            if prepare.nouveaux:
                self.copier(curseur, _TABLE_DOSSIER, noms, prepare.nouveaux)
            if modifies:
                curseur.execute("TRUNCATE alimentation_dossier")
                self.copier(curseur, "alimentation_dossier", noms, prepare.modifies)
                affectations = ", ".join(f"{n} = s.{n}" for n in noms[1:])
                curseur.execute(
                    f"UPDATE {_TABLE_DOSSIER} d SET {affectations} FROM alimentation_dossier s WHERE d.id = s.id"
                )
                for model in HISTORIQUES.values():
                    curseur.execute(f"DELETE FROM {model._meta.db_table} WHERE dossier_id = ANY(%s)", [modifies])
            for table, colonnes, texte, options in prepare.historiques:
                self.copier(curseur, table, colonnes, texte, options)
        self.bilan.lignes_ecrites += prepare.lignes
        self.progression.avancer(self.brut.tell(), self.bilan.dossiers)

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

    # --- SQLite ----------------------------------------------------------------------------

    def ecrire_dossiers(self, nouveaux: list[Entree], modifies: list[Entree]) -> None:
        noms = ["caisse_id", "empreinte", *(c.nom for c in COLONNES_DOSSIER)]
        liste = ", ".join(noms)
        with connection.cursor() as curseur:
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

    def ecrire_historiques(self, entrees: list[Entree], modifies: list[Entree]) -> None:
        with connection.cursor() as curseur:
            if modifies:
                cles = [e.pk for e in modifies]
                for model in HISTORIQUES.values():
                    for debut in range(0, len(cles), 500):
                        morceau = cles[debut : debut + 500]
                        marques = ", ".join(["%s"] * len(morceau))
                        curseur.execute(f"DELETE FROM {model._meta.db_table} WHERE dossier_id IN ({marques})", morceau)
            for cle, model in HISTORIQUES.items():
                lignes = list(chain.from_iterable(e.historiques[cle] for e in entrees))
                if not lignes:
                    continue
                valeurs = verifier(entrees, COLONNES[cle], lignes, cle)
                dossiers = chain.from_iterable(repeat(e.pk, len(e.historiques[cle])) for e in entrees)
                noms = ["dossier_id", *(c.nom for c in COLONNES[cle])]
                marques = ", ".join(["%s"] * len(noms))
                curseur.executemany(
                    f"INSERT INTO {model._meta.db_table} ({', '.join(noms)}) VALUES ({marques})",
                    list(zip(dossiers, *valeurs, strict=True)),
                )
                self.bilan.lignes_ecrites += len(lignes)

    @staticmethod
    def copier(curseur, table: str, noms: list[str], texte: bytes, options: str = "") -> None:
        with curseur.cursor.copy(f"COPY {table} ({', '.join(noms)}) FROM STDIN{options}") as copie:
            copie.write(texte)

    # --- before and after ----------------------------------------------------------------

    def preparer_base(self) -> None:
        if not self.postgresql:
            return
        with connection.cursor() as curseur:
            # A loader may rightly run long, whatever bounds the settings give web requests.
            curseur.execute("SET LOCAL statement_timeout = 0")
            curseur.execute("SET LOCAL lock_timeout = 0")
            curseur.execute("SET LOCAL idle_in_transaction_session_timeout = 0")
            curseur.execute("SET LOCAL maintenance_work_mem = '2GB'")
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
                # Empty already (their rows need a dossier); emptied in this transaction, they take
                # COPY's FREEZE.
                curseur.execute(f"TRUNCATE {', '.join(m._meta.db_table for m in HISTORIQUES.values())}")

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


# --- preparing a batch: in a worker process, or the main one ----------------------------------


@dataclass
class Prepare:
    """A batch checked and turned into COPY text."""

    nouveaux: bytes  # the new dossiers' rows
    modifies: bytes  # the changed ones'
    historiques: list[tuple[str, list[str], bytes, str]]  # (table, columns, text, COPY options)
    lignes: int  # rows written, dossiers included


def analyser(entree: Entree, indices: dict[str, tuple[int, list | None]]) -> None:
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
        largeur, ordre = indices[cle]
        if lignes and (set(map(type, lignes)) != {list} or set(map(len, lignes)) != {largeur}):
            rang = next(i for i, r in enumerate(lignes) if type(r) is not list or len(r) != largeur)
            raise ErreurFlux(
                f"liste de {largeur} valeurs attendue (une par colonne de l'en-tête)", ligne, f"{cle}[{rang}]"
            )
        if ordre is not None:
            lignes = [[r[i] if i is not None else d for i, d in ordre] for r in lignes]
        entree.historiques[cle] = lignes
    contraintes_du_dossier(entree.historiques, ligne)


def analyser_lot(entrees: list[Entree], indices: dict) -> None:
    """Parse the batch's lines not parsed yet, and check the Dossier columns."""
    for entree in entrees:
        if not entree.valeurs:
            analyser(entree, indices)
    verifier(entrees, COLONNES_DOSSIER, [e.valeurs for e in entrees], None)


def verifier(entrees: list[Entree], colonnes: list[Colonne], lignes: list, cle: str | None) -> list:
    """Check a table's columns over the batch; at the first bad column, name its first bad value."""
    if not lignes:
        return []
    valeurs = list(zip(*lignes, strict=True))
    for colonne, donnees in zip(colonnes, valeurs, strict=True):
        if not colonne.valide(donnees):
            localiser(entrees, cle, colonne)
    return valeurs


def localiser(entrees: list[Entree], cle: str | None, colonne: Colonne):
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


def preparer_copy(entrees: list[Entree], nouveaux: int, indices: dict, initial: bool) -> Prepare:
    """Parse and check a batch (its first `nouveaux` entries are new dossiers), as COPY text."""
    analyser_lot(entrees, indices)
    historiques = []
    lignes = len(entrees)
    for cle, model in HISTORIQUES.items():
        rangs = list(chain.from_iterable(e.historiques[cle] for e in entrees))
        if not rangs:
            continue
        valeurs = verifier(entrees, COLONNES[cle], rangs, cle)
        texte, nul = texte_historique(entrees, cle, valeurs, len(rangs))
        noms = ["dossier_id", *(c.nom for c in COLONNES[cle])]
        # Into tables emptied in this transaction (a first load), rows are written already
        # frozen: no later pass of VACUUM, or of their first readers, rewrites them.
        options = f" WITH (NULL '{nul}', FREEZE)" if initial else f" WITH (NULL '{nul}')"
        historiques.append((model._meta.db_table, noms, texte, options))
        lignes += len(rangs)
    return Prepare(texte_dossiers(entrees[:nouveaux]), texte_dossiers(entrees[nouveaux:]), historiques, lignes)


def texte_dossiers(entrees: list[Entree]) -> bytes:
    if not entrees:
        return b""
    colonnes = list(zip(*(e.valeurs for e in entrees), strict=True))
    sorties = [c.texte_copy(v) for c, v in zip(COLONNES_DOSSIER, colonnes, strict=True)]
    cles = [str(e.pk) for e in entrees]
    caisses = [str(e.caisse_id) for e in entrees]
    empreintes = [e.empreinte for e in entrees]
    return ("\n".join(map("\t".join, zip(cles, caisses, empreintes, *sorties, strict=True))) + "\n").encode()


def texte_historique(entrees: list[Entree], cle: str, valeurs: list, nombre: int) -> tuple[bytes, str]:
    """A history's rows over the batch (`valeurs`: its checked columns) as COPY text, and its null marker.

    C loops only (map, zip, join): texts and dates are the file's own strings, amounts its digits,
    and str() makes booleans True/False (which PostgreSQL reads) and a null None, given to COPY as
    its null marker. That holds while no text needs COPY's escapes and none is "None": counted on
    the result, or else every value goes through the escaping path."""
    colonnes = COLONNES[cle]
    sorties = [
        v if c.type in ("texte", "date") and not c.null else list(map(str, v))
        for c, v in zip(colonnes, valeurs, strict=True)
    ]
    dossiers = chain.from_iterable(repeat(str(e.pk), len(e.historiques[cle])) for e in entrees)
    texte = "\n".join(map("\t".join, zip(dossiers, *sorties, strict=True))) + "\n"
    if (
        texte.count("\t") == nombre * len(colonnes)
        and texte.count("\n") == nombre
        and "\\" not in texte
        and "\r" not in texte
        and not any("None" in v for c, v in zip(colonnes, valeurs, strict=True) if c.type == "texte")
    ):
        return texte.encode(), "None"
    sorties = [c.texte_copy(v) for c, v in zip(colonnes, valeurs, strict=True)]
    dossiers = chain.from_iterable(repeat(str(e.pk), len(e.historiques[cle])) for e in entrees)
    return ("\n".join(map("\t".join, zip(dossiers, *sorties, strict=True))) + "\n").encode(), "\\N"


def message(erreur: ErreurFlux, chemin: str | Path) -> str:
    """The French message the operator reads: file, line, field, reason."""
    ou = f"{chemin}, ligne {erreur.ligne}" if erreur.ligne else str(chemin)
    champ = f", champ « {erreur.champ} »" if erreur.champ else ""
    return f"{ou}{champ} : {erreur.message}. Rien n'a été chargé."
