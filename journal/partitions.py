"""Monthly partitions of the journal on PostgreSQL (declarative partitioning, migration 0005).

Each month is a partition `journal_evenement_pAAAA_MM` (bounds in UTC); a DEFAULT partition
takes any event outside them, so that writing never fails for want of a month. The purge
drops whole months; `journal_partitions` (and the purge) create the coming months ahead.
SQLite keeps one table: every function here does nothing there.
"""

import re
from collections.abc import Callable
from datetime import UTC, date, datetime

from django.db import connection
from django.db.backends.utils import CursorWrapper

TABLE = "journal_evenement"
_NOM = re.compile(rf"{TABLE}_p(\d{{4}})_(\d{{2}})")


def actif() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as curseur:
        curseur.execute("SELECT 1 FROM pg_partitioned_table WHERE partrelid = %s::regclass", [TABLE])
        return curseur.fetchone() is not None


def _mois_suivant(mois: date) -> date:
    return date(mois.year + mois.month // 12, mois.month % 12 + 1, 1)


def nom(mois: date) -> str:
    return f"{TABLE}_p{mois.year:04d}_{mois.month:02d}"


def bornes(mois: date) -> tuple[datetime, datetime]:
    suivant = _mois_suivant(mois)
    return datetime(mois.year, mois.month, 1, tzinfo=UTC), datetime(suivant.year, suivant.month, 1, tzinfo=UTC)


def existantes(curseur: CursorWrapper) -> dict[date, str]:
    curseur.execute(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = %s::regclass",
        [TABLE],
    )
    mois: dict[date, str] = {}
    for (relname,) in curseur.fetchall():
        trouve = _NOM.fullmatch(relname)
        if trouve:
            mois[date(int(trouve[1]), int(trouve[2]), 1)] = relname
    return mois


def creer(curseur: CursorWrapper, mois: date) -> bool:
    """Create one month's partition, unless the default partition already holds events of that
    month (PostgreSQL would refuse it): they stay there, and are still read and purged."""
    debut, fin = bornes(mois)
    curseur.execute(f"SELECT 1 FROM {TABLE}_defaut WHERE horodatage >= %s AND horodatage < %s LIMIT 1", [debut, fin])
    if curseur.fetchone() is not None:
        return False
    table = nom(mois)
    curseur.execute(
        f"CREATE TABLE IF NOT EXISTS {table} PARTITION OF {TABLE} FOR VALUES FROM (%s) TO (%s)", [debut, fin]
    )
    # Statement triggers are not inherited: TRUNCATE of one partition is refused too.
    curseur.execute(f"DROP TRIGGER IF EXISTS {table}_sans_truncate ON {table}")
    curseur.execute(
        f"CREATE TRIGGER {table}_sans_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION journal_refuser_modification()"
    )
    return True


def preparer(aujourd_hui: date, mois_d_avance: int = 3, depuis: date | None = None) -> list[str]:
    """Make sure the months from `depuis` (default: this one) to `mois_d_avance` ahead exist."""
    if not actif():
        return []
    crees = []
    with connection.cursor() as curseur:
        presentes = existantes(curseur)
        mois = (depuis or aujourd_hui).replace(day=1)
        fin = aujourd_hui.replace(day=1)
        for _ in range(mois_d_avance):
            fin = _mois_suivant(fin)
        while mois <= fin:
            if mois not in presentes and creer(curseur, mois):
                crees.append(nom(mois))
            mois = _mois_suivant(mois)
    return crees


def supprimer_avant(
    curseur: CursorWrapper, avant: datetime, peut_supprimer: Callable[[datetime, datetime], bool]
) -> list[str]:
    """Drop the whole months that end before `avant` and that `peut_supprimer` allows."""
    if not actif():
        return []
    supprimees = []
    for mois, table in sorted(existantes(curseur).items()):
        debut, fin = bornes(mois)
        if fin <= avant and peut_supprimer(debut, fin):
            curseur.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {table}")
            curseur.execute(f"DROP TABLE {table}")
            supprimees.append(table)
    return supprimees
