"""An INSERT and an UPDATE whose SQL is written once per model and database (issue 17).

`Model.save()` builds and compiles its statement anew each time: for the journal, which writes one
event and moves its strand's head at every page, that was two thirds of the journal's CPU
(docs/performance.md). These do what `save(force_insert=True)` and `save(update_fields=…)` do for
a plain model — each field's `pre_save` and `get_db_prep_save`, the primary key read back, the
instance marked as saved — but not the save signals: only for models that no receiver listens to.
"""

from __future__ import annotations

import threading
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connections, router
from django.db.models import Field, Model, signals

_local = threading.local()


def _sans_receveur(modele: type[Model]) -> None:
    """These writes send no save signal: refused for a model that a receiver listens to."""
    if signals.pre_save.has_listeners(modele) or signals.post_save.has_listeners(modele):
        raise ImproperlyConfigured(f"écriture préparée : {modele.__name__} a des receveurs de save()")


def _instructions() -> dict[tuple[Any, ...], Any]:
    instructions: dict[tuple[Any, ...], Any] = _local.__dict__.setdefault("instructions", {})
    return instructions


def _insertion(modele: type[Model], alias: str) -> tuple[str, list[Field[Any, Any]], bool]:
    cle = ("insertion", modele, alias)
    trouvee: tuple[str, list[Field[Any, Any]], bool] | None = _instructions().get(cle)
    if trouvee is None:
        _sans_receveur(modele)
        connection = connections[alias]
        qn = connection.ops.quote_name
        meta = modele._meta
        champs = [f for f in meta.concrete_fields if not f.primary_key]
        sql = (
            f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in champs)}) "
            f"VALUES ({', '.join(['%s'] * len(champs))})"
        )
        cle_primaire = meta.pk
        assert cle_primaire is not None
        retour = bool(connection.features.can_return_columns_from_insert)
        if retour:
            fragment, _ = connection.ops.return_insert_columns([cle_primaire])
            sql += f" {fragment}"
        trouvee = (sql, champs, retour)
        _instructions()[cle] = trouvee
    return trouvee


def inserer(objet: Model) -> None:
    """`objet.save(force_insert=True)` for a model with an automatic primary key."""
    modele = type(objet)
    alias = router.db_for_write(modele, instance=objet)
    sql, champs, retour = _insertion(modele, alias)
    connection = connections[alias]
    valeurs = [f.get_db_prep_save(f.pre_save(objet, True), connection) for f in champs]
    meta = modele._meta
    assert meta.pk is not None
    with connection.cursor() as curseur:
        curseur.execute(sql, valeurs)
        if retour:
            (cle,) = curseur.fetchone()
        else:
            cle = connection.ops.last_insert_id(curseur, meta.db_table, meta.pk.column)
    objet.pk = meta.pk.to_python(cle)
    objet._state.adding = False
    objet._state.db = alias


def mettre_a_jour(objet: Model, colonnes: tuple[str, ...]) -> None:
    """`objet.save(update_fields=colonnes)`: fails as it does if no row has that primary key."""
    modele = type(objet)
    alias = router.db_for_write(modele, instance=objet)
    connection = connections[alias]
    meta = modele._meta
    cle = ("mise à jour", modele, alias, colonnes)
    instruction: tuple[str, list[Field[Any, Any]]] | None = _instructions().get(cle)
    if instruction is None:
        _sans_receveur(modele)
        qn = connection.ops.quote_name
        champs = []
        for colonne in colonnes:
            champ = meta.get_field(colonne)
            assert isinstance(champ, Field) and champ.concrete, colonne
            champs.append(champ)
        assert meta.pk is not None
        affectations = ", ".join(f"{qn(f.column)} = %s" for f in champs)
        sql = f"UPDATE {qn(meta.db_table)} SET {affectations} WHERE {qn(meta.pk.column)} = %s"
        instruction = (sql, champs)
        _instructions()[cle] = instruction
    assert meta.pk is not None
    sql, champs = instruction
    valeurs = [f.get_db_prep_save(f.pre_save(objet, False), connection) for f in champs]
    valeurs.append(meta.pk.get_db_prep_value(objet.pk, connection))
    with connection.cursor() as curseur:
        curseur.execute(sql, valeurs)
        if curseur.rowcount != 1:
            raise DatabaseError("Save with update_fields did not affect any rows.")
