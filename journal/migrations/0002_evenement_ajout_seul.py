"""Append-only journal on PostgreSQL: UPDATE, DELETE and TRUNCATE are refused by triggers.

The only exception is a maintenance session that sets `cafpro.maintenance_journal` to
'on' (the retention purge, run under its own role; tests tearing down their tables).
SQLite has no such triggers: the application has no code path that edits an event.
"""

from django.db import migrations

FONCTION = """
CREATE OR REPLACE FUNCTION journal_refuser_modification() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('cafpro.maintenance_journal', true) = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'journal des accès en ajout seul : % refusé', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER journal_evenement_ajout_seul
    BEFORE UPDATE OR DELETE ON journal_evenement
    FOR EACH ROW EXECUTE FUNCTION journal_refuser_modification();
CREATE TRIGGER journal_evenement_sans_truncate
    BEFORE TRUNCATE ON journal_evenement
    FOR EACH STATEMENT EXECUTE FUNCTION journal_refuser_modification();
"""

SUPPRESSION = """
DROP TRIGGER IF EXISTS journal_evenement_sans_truncate ON journal_evenement;
DROP TRIGGER IF EXISTS journal_evenement_ajout_seul ON journal_evenement;
DROP FUNCTION IF EXISTS journal_refuser_modification();
"""


def creer(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FONCTION, params=None)


def supprimer(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SUPPRESSION, params=None)


class Migration(migrations.Migration):
    dependencies = [("journal", "0001_initial")]

    operations = [migrations.RunPython(creer, supprimer)]
