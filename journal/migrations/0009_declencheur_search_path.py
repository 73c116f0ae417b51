"""The append-only trigger's function fixes its search_path (security review of issue 12).

Migration 0007 looked up `pg_roles` by the session's search_path, where a session's temporary
schema comes before pg_catalog: `CREATE TEMP VIEW pg_roles AS … WHERE false` made
`cafpro_maintenance` seem absent, and the maintenance setting then let through any role with
UPDATE, DELETE or TRUNCATE on the journal. The function (the only one of the journal's
triggers: the row trigger and every TRUNCATE trigger, parent and partitions, execute it) now
runs with `search_path = pg_catalog, pg_temp` (temporary objects last) and names every catalog
object with its schema. Same behaviour otherwise; `roles_base --verifier` checks the setting.
"""

from django.db import migrations

FONCTION = """
CREATE OR REPLACE FUNCTION journal_refuser_modification() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF pg_catalog.current_setting('cafpro.maintenance_journal', true) = 'on'
       AND (NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'cafpro_maintenance')
            OR pg_catalog.pg_has_role(current_user, 'cafpro_maintenance', 'MEMBER')) THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'journal des accès en ajout seul : % refusé', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""


def remplacer(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FONCTION, params=None)


class Migration(migrations.Migration):
    dependencies = [("journal", "0008_types_recherche_et_dialogue")]

    # Not undone: going back to 0007 keeps the safer function (0007's own reverse is a no-op too).
    operations = [migrations.RunPython(remplacer, migrations.RunPython.noop)]
