"""Writing the plans of many demo dossiers with one batch per model: the histories are about
200 rows per dossier. `creer_dossier` uses `bulk_create`; the generator and `manage.py demo`
write the same values with one executemany (SQLite) or COPY (PostgreSQL) per model, about four
times faster, since bulk_create spends most of its time preparing each value in Python.
"""

import functools

from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from conventions.models import Caisse
from dossiers.models import Dossier, Personne

from .foyer import COLONNES, TABLES_DICTS, Plan


def _colonnes(model) -> tuple[str, ...]:
    """Every column but the key, `dossier_id` first: the planned tuples follow this order."""
    noms = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
    noms.remove("dossier_id")
    return ("dossier_id", *noms)


@functools.cache
def schema() -> list[tuple]:
    """(model, columns, planned row → full row) for each table under Dossier."""
    schema = []
    for model in (Personne, *COLONNES, *TABLES_DICTS):
        colonnes = _colonnes(model)
        if model in COLONNES:
            # The hot tables are planned as full tuples, in the model's order: nothing to fill in.
            if COLONNES[model] != colonnes[1:]:
                raise ImproperlyConfigured(f"COLONNES[{model.__name__}] ne suit plus le modèle : {colonnes[1:]}.")
            schema.append((model, colonnes, None))
        else:
            defauts = {f.attname: f.get_default() for f in model._meta.concrete_fields}
            schema.append((model, colonnes, tuple((c, defauts[c]) for c in colonnes[1:])))
    return schema


def ecrire_bulk_create(model, colonnes, lignes) -> None:
    model.objects.bulk_create(model(**dict(zip(colonnes, ligne, strict=True))) for ligne in lignes)


def ecrire_directement(model, colonnes, lignes) -> None:
    """The same rows as `bulk_create`, without its per-value Python work. The driver adapts
    the values as Django does (Django registers SQLite's adapters for dates and Decimals);
    a test compares both writers."""
    if not lignes:
        return
    operations = connection.ops
    champs = {f.attname: f.column for f in model._meta.concrete_fields}
    table = operations.quote_name(model._meta.db_table)
    liste = ", ".join(operations.quote_name(champs[c]) for c in colonnes)
    with connection.cursor() as curseur:
        if connection.vendor == "postgresql":
            with curseur.cursor.copy(f"COPY {table} ({liste}) FROM STDIN") as copie:
                for ligne in lignes:
                    copie.write_row(ligne)
        else:
            marques = ", ".join(["%s"] * len(colonnes))
            curseur.executemany(f"INSERT INTO {table} ({liste}) VALUES ({marques})", lignes)


def inserer(caisse: Caisse, plans: list[Plan], ecrire=ecrire_bulk_create) -> list[Dossier]:
    """Insert the dossiers (bulk_create, which returns their keys on SQLite and PostgreSQL),
    then every table under them, one `ecrire` per model."""
    dossiers = Dossier.objects.bulk_create([Dossier(caisse=caisse, **plan.dossier) for plan in plans])
    if any(d.pk is None for d in dossiers):  # a backend that does not return the new keys
        cles = dict(
            Dossier.objects.filter(
                caisse=caisse, numero_allocataire__in=[d.numero_allocataire for d in dossiers]
            ).values_list("numero_allocataire", "pk")
        )
        for d in dossiers:
            d.pk = cles[d.numero_allocataire]
    paires = list(zip(dossiers, plans, strict=True))
    for model, colonnes, defauts in schema():
        if defauts is None:
            lignes = [(d.pk, *ligne) for d, plan in paires for ligne in plan.lignes[model]]
        else:
            source = (lambda plan: plan.personnes) if model is Personne else (lambda plan, m=model: plan.lignes[m])
            lignes = []
            for d, plan in paires:
                for ligne in source(plan):
                    if not ligne.keys() <= set(colonnes):  # a misspelt field would be dropped silently
                        raise TypeError(f"{model.__name__} : champs inconnus {set(ligne) - set(colonnes)}")
                    lignes.append((d.pk, *(ligne.get(c, defaut) for c, defaut in defauts)))
        ecrire(model, colonnes, lignes)
    return dossiers
