"""Querysets whose SQL is compiled once (issue 17).

Django builds and compiles a queryset's SQL anew at every request: in the profile of a
consultation page (docs/performance.md), building and compiling SQL took about a third of the
CPU, for queries whose text never changes from one request to the next, only their values. A
`Preparee` asks Django to compile its queryset once per thread and database, with stand-in
values of the declared types, notes where each value sits among the SQL's parameters, and from
then on only sends that same SQL with the new values and turns the rows into the same model
instances or dicts as the queryset would have.

The SQL is Django's own and the values stay bound parameters, never written into the text.
What the queryset depends on besides its values must be in the key of `preparee()` (a profile's
access, say): with `CAFPRO_PREPAREES_VERIFIEES` on (the test settings), every execution also
compiles the queryset with its real values and fails if the SQL or its parameters differ from
the prepared ones, so that the suite catches a key that forgets something.

Not for a queryset whose SQL depends on the request's time zone (a `__date` or `Trunc` of a
datetime would keep the first request's zone), nor on settings changed while the process runs.
"""

import threading
from collections.abc import Callable, Hashable, Iterator
from datetime import UTC, date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import connections, router
from django.db.models import QuerySet
from django.db.models import query as django_query
from django.db.models.query import ModelIterable, ValuesIterable

# Not in django-stubs, but the function Django's own ModelIterable calls (django/db/models/query.py).
get_related_populators = django_query.get_related_populators  # type: ignore[attr-defined]

Construire = Callable[..., "QuerySet[Any, Any]"]

# Stand-ins that no real value takes, of each type a prepared query accepts. A boolean is not an
# int here (`type(v) is int`): a stand-in must not be equal to a real value of another type.
_TYPES = (int, str, date, datetime)


def _remplacant(genre: type, rang: int, serie: int) -> Any:
    if genre is int:
        # Within every integer column's range, small and positive ones included: Django answers
        # "no row" without SQL for a value out of its column's range.
        return 31_000 + 100 * serie + rang
    if genre is str:
        return f"⟦préparée {serie}.{rang}⟧"
    if genre is datetime:
        return datetime(1001 + 100 * serie + rang, 2, 3, 4, 5, 6, tzinfo=UTC)
    return date(1001 + 100 * serie + rang, 2, 3)


def _adapte(connection: Any, valeur: Any) -> Any:
    """The value as the compiler puts it among the parameters (SQLite: dates as text)."""
    if type(valeur) is date:
        return connection.ops.adapt_datefield_value(valeur)
    if type(valeur) is datetime:
        return connection.ops.adapt_datetimefield_value(valeur)
    return valeur


def _meme_valeur(parametre: Any, adapte: Any) -> bool:
    """`parametre` is the stand-in `adapte` as the compiler wrote it: the same type and value, or,
    for an int, any int subclass of the same value (not a boolean)."""
    if type(adapte) is int:
        return isinstance(parametre, int) and not isinstance(parametre, bool) and int(parametre) == adapte
    return type(parametre) is type(adapte) and bool(parametre == adapte)


class _Compilee:
    """One queryset's SQL and what turns its rows back into objects, for one thread's connection."""

    sql: str | None
    parametres: list[Any]
    positions: list[int]
    enveloppes: list[type | None]

    def __init__(self, queryset: "QuerySet[Any, Any]", alias: str, remplacants: list[Any]):
        self.alias = alias
        connection = connections[alias]
        compiler = queryset.query.get_compiler(using=alias)
        try:
            self.sql, parametres = compiler.as_sql()
        except EmptyResultSet:
            self.sql, self.parametres, self.positions, self.enveloppes = None, [], [], []  # `.none()`: no SQL
            return
        self.parametres = list(parametres)
        self.positions = []
        self.enveloppes = []
        for remplacant in remplacants:
            adapte = _adapte(connection, remplacant)
            trouvees = [i for i, p in enumerate(self.parametres) if _meme_valeur(p, adapte)]
            if len(trouvees) != 1:
                raise ImproperlyConfigured(
                    f"requête préparée : la valeur {remplacant!r} figure {len(trouvees)} fois parmi "
                    f"les paramètres de {self.sql!r} (une seule attendue)"
                )
            self.positions.append(trouvees[0])
            # PostgreSQL: a small integer column's value comes wrapped (psycopg's Int2): kept so.
            trouvee = self.parametres[trouvees[0]]
            self.enveloppes.append(type(trouvee) if type(trouvee) is not type(adapte) else None)
        fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
        self.compiler = compiler
        self.converters = compiler.get_converters(fields)
        self.largeur = compiler.col_count if compiler.has_extra_select else None
        iterable = queryset._iterable_class
        if issubclass(iterable, ValuesIterable):
            query = queryset.query
            self.noms = (
                list(query.selected)
                if query.selected
                else [
                    *query.extra_select,
                    *query.values_select,
                    *query.annotation_select,
                ]
            )
            self.modele = None
        elif iterable is ModelIterable:
            if compiler.annotation_col_map or vars(queryset)["_known_related_objects"]:
                raise ImproperlyConfigured("requête préparée : annotations et objets connus non pris en charge")
            klass_info = compiler.klass_info
            debut, fin = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
            self.modele = klass_info["model"]
            self.tranche = slice(debut, fin)
            self.init_list = [f[0].target.attname for f in compiler.select[debut:fin]]
            self.peuplement = get_related_populators(klass_info, compiler.select, alias)
        else:
            raise ImproperlyConfigured(f"requête préparée : {iterable.__name__} non pris en charge")

    def lignes(self, valeurs: tuple[Any, ...]) -> Iterator[Any]:
        if self.sql is None:
            return iter(())
        connection = connections[self.alias]
        parametres = list(self.parametres)
        for position, enveloppe, valeur in zip(self.positions, self.enveloppes, valeurs, strict=True):
            adaptee = _adapte(connection, valeur)
            parametres[position] = enveloppe(adaptee) if enveloppe is not None else adaptee
        with connection.cursor() as cursor:
            cursor.execute(self.sql, parametres)
            rangs = cursor.fetchall()
        if self.largeur is not None:
            rangs = [r[: self.largeur] for r in rangs]
        rows = self.compiler.apply_converters(rangs, self.converters) if self.converters else iter(rangs)
        if self.modele is None:
            noms = self.noms
            return ({nom: row[i] for i, nom in enumerate(noms)} for row in rows)
        return self._objets(rows)

    def _objets(self, rows: Iterator[Any]) -> Iterator[Any]:
        modele = self.modele
        assert modele is not None
        for row in rows:
            objet = modele.from_db(self.alias, self.init_list, row[self.tranche])
            for peuplement in self.peuplement:
                peuplement.populate(row, objet)
            yield objet


class Preparee:
    """A queryset built by `construire(*valeurs)`, whose values are of the types `types`."""

    def __init__(self, construire: Construire, *types: type):
        if any(t not in _TYPES for t in types):
            raise ImproperlyConfigured(f"requête préparée : types acceptés {_TYPES}, pas {types}")
        self.construire = construire
        self.types = types
        self._local = threading.local()
        self._base: Callable[[], str] | None = None

    def _alias(self) -> str:
        """The database the queryset would read, as `QuerySet.db` chooses it (the replica's
        router, cafpro/routeurs.py, decides at each execution)."""
        if self._base is None:
            queryset = self.construire(*[_remplacant(t, i, 0) for i, t in enumerate(self.types)])
            modele, nommee = queryset.model, vars(queryset)["_db"]
            if nommee:
                self._base = lambda: nommee
            elif vars(queryset)["_for_write"]:
                self._base = lambda: router.db_for_write(modele)
            else:
                self._base = lambda: router.db_for_read(modele)
        return self._base()

    def _compilee(self, alias: str) -> _Compilee:
        par_base = self._local.__dict__.setdefault("par_base", {})
        compilee: _Compilee | None = par_base.get(alias)
        if compilee is None:
            premiers = [_remplacant(t, i, 0) for i, t in enumerate(self.types)]
            compilee = _Compilee(self.construire(*premiers), alias, premiers)
            # A second compilation with other stand-ins: the SQL must not depend on the values.
            seconds = [_remplacant(t, i, 1) for i, t in enumerate(self.types)]
            autre = _Compilee(self.construire(*seconds), alias, seconds)
            if autre.sql != compilee.sql or [p for i, p in enumerate(autre.parametres) if i not in autre.positions] != [
                p for i, p in enumerate(compilee.parametres) if i not in compilee.positions
            ]:
                raise ImproperlyConfigured(f"requête préparée : le SQL dépend des valeurs ({compilee.sql!r})")
            par_base[alias] = compilee
        return compilee

    def lignes(self, *valeurs: Any, construite_par: Construire | None = None) -> list[Any]:
        """The rows, as model instances or dicts, the queryset built with `valeurs` would give.
        `construite_par`: the caller's own builder, which the verification compiles (`preparee`)."""
        for valeur, genre in zip(valeurs, self.types, strict=True):
            if type(valeur) is not genre:
                raise TypeError(f"requête préparée : {valeur!r} n'est pas de type {genre.__name__}")
            if isinstance(valeur, datetime) and valeur.tzinfo is None and settings.USE_TZ:
                raise TypeError(f"requête préparée : {valeur!r} sans fuseau horaire")
        compilee = self._compilee(self._alias())
        if getattr(settings, "CAFPRO_PREPAREES_VERIFIEES", False):
            _verifier(compilee, (construite_par or self.construire)(*valeurs), valeurs)
        return list(compilee.lignes(valeurs))

    def premiere(self, *valeurs: Any, construite_par: Construire | None = None) -> Any:
        """The first row, or None (build the queryset with its slice, `[:1]`: every row is read)."""
        return next(iter(self.lignes(*valeurs, construite_par=construite_par)), None)


class _Appel:
    """A registered `Preparee` run for one caller: under verification, the SQL is compared with
    what the caller's own `construire` compiles, not with the first caller's."""

    __slots__ = ("construire", "preparee")

    def __init__(self, preparee: Preparee, construire: Construire):
        self.preparee, self.construire = preparee, construire

    def lignes(self, *valeurs: Any) -> list[Any]:
        return self.preparee.lignes(*valeurs, construite_par=self.construire)

    def premiere(self, *valeurs: Any) -> Any:
        return self.preparee.premiere(*valeurs, construite_par=self.construire)


def _verifier(compilee: _Compilee, queryset: "QuerySet[Any, Any]", valeurs: tuple[Any, ...]) -> None:
    try:
        sql, parametres = queryset.query.get_compiler(using=compilee.alias).as_sql()
    except EmptyResultSet:
        sql, parametres = None, ()
    if compilee.sql is None:
        attendus: list[Any] = []
    else:
        connection = connections[compilee.alias]
        attendus = list(compilee.parametres)
        for position, valeur in zip(compilee.positions, valeurs, strict=True):
            attendus[position] = _adapte(connection, valeur)
    if sql != compilee.sql or list(parametres) != attendus:
        raise AssertionError(
            f"requête préparée périmée : sa clé n'a pas tout ce dont dépend le queryset\n"
            f"préparée : {compilee.sql!r} {attendus!r}\nattendue : {sql!r} {list(parametres)!r}"
        )


_REGISTRE: dict[Hashable, Preparee] = {}
_VERROU = threading.Lock()


def preparee(cle: Hashable, construire: Construire, *types: type) -> Preparee | _Appel:
    """The `Preparee` of `cle`, made from `construire` the first time. `cle` names the query and
    everything `construire` reads besides its arguments (a profile's access, a model); under
    verification (the test settings) each call is checked against its own `construire`."""
    trouvee = _REGISTRE.get(cle)
    if trouvee is None:
        with _VERROU:
            trouvee = _REGISTRE.setdefault(cle, Preparee(construire, *types))
    if getattr(settings, "CAFPRO_PREPAREES_VERIFIEES", False):
        return _Appel(trouvee, construire)
    return trouvee
