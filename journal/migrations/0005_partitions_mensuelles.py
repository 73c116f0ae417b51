"""On PostgreSQL, the journal becomes a table partitioned by month (issue "Journal des accès").

The table is rebuilt as `PARTITION BY RANGE (horodatage)` with the primary key (id, horodatage)
that partitioning requires, its rows copied, its indexes recreated from their own definitions
and the append-only triggers set again; months are created from the oldest event to three
months ahead, plus a DEFAULT partition. Django's model is unchanged: `id` stays unique (an
identity sequence). SQLite keeps one table.
"""

from datetime import date

from django.db import migrations

AVANT = """
ALTER TABLE journal_evenement RENAME TO journal_evenement_ancien;
CREATE TABLE journal_evenement (LIKE journal_evenement_ancien INCLUDING DEFAULTS INCLUDING IDENTITY)
    PARTITION BY RANGE (horodatage);
CREATE TABLE journal_evenement_defaut PARTITION OF journal_evenement DEFAULT;
"""


def partitionner(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from journal import partitions

    with schema_editor.connection.cursor() as curseur:
        curseur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'journal_evenement' "
            "AND indexname <> 'journal_evenement_pkey'"
        )
        index = curseur.fetchall()
        curseur.execute("SELECT min(horodatage) FROM journal_evenement")
        plus_ancien = curseur.fetchone()[0]
        curseur.execute(AVANT)
        aujourd_hui = date.today()
        debut = plus_ancien.date().replace(day=1) if plus_ancien else aujourd_hui.replace(day=1)
        # Create the months before moving the rows, so that none lands in the default partition.
        curseur.execute("SET LOCAL cafpro.maintenance_journal = 'on'")
        mois = debut
        fin = aujourd_hui.replace(day=1)
        for _ in range(3):
            fin = partitions._mois_suivant(fin)
        while mois <= fin:
            partitions.creer(curseur, mois)
            mois = partitions._mois_suivant(mois)
        curseur.execute("INSERT INTO journal_evenement OVERRIDING SYSTEM VALUE SELECT * FROM journal_evenement_ancien")
        curseur.execute(
            "SELECT setval(pg_get_serial_sequence('journal_evenement', 'id'), "
            "coalesce((SELECT max(id) FROM journal_evenement), 0) + 1, false)"
        )
        curseur.execute("DROP TABLE journal_evenement_ancien")
        # Partitioning requires the partition key in the primary key.
        curseur.execute(
            "ALTER TABLE journal_evenement ADD CONSTRAINT journal_evenement_pkey PRIMARY KEY (id, horodatage)"
        )
        for _nom, definition in index:
            curseur.execute(definition.replace(" ON public.journal_evenement_ancien ", " ON public.journal_evenement "))
        # The append-only triggers of migration 0002, on the new table.
        curseur.execute(
            "CREATE TRIGGER journal_evenement_ajout_seul BEFORE UPDATE OR DELETE ON journal_evenement "
            "FOR EACH ROW EXECUTE FUNCTION journal_refuser_modification()"
        )
        curseur.execute(
            "CREATE TRIGGER journal_evenement_sans_truncate BEFORE TRUNCATE ON journal_evenement "
            "FOR EACH STATEMENT EXECUTE FUNCTION journal_refuser_modification()"
        )
        curseur.execute(
            "CREATE TRIGGER journal_evenement_defaut_sans_truncate BEFORE TRUNCATE ON journal_evenement_defaut "
            "FOR EACH STATEMENT EXECUTE FUNCTION journal_refuser_modification()"
        )


class Migration(migrations.Migration):
    # Not reversible: a partitioned journal is not turned back into one table by a migration.
    dependencies = [("journal", "0004_chaine_et_index")]

    operations = [migrations.RunPython(partitionner, migrations.RunPython.noop)]
