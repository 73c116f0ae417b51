"""The append-only triggers let the maintenance setting through only for a maintenance role.

Any session may set `cafpro.maintenance_journal`: alone, it would let the application's own
credentials rewrite the journal. Once a role `cafpro_maintenance` exists (docs/deploiement.md),
only its members (the purge's login) are let through; before that (development, tests), the
setting alone, as in migration 0002.
"""

from django.db import migrations

FONCTION = """
CREATE OR REPLACE FUNCTION journal_refuser_modification() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('cafpro.maintenance_journal', true) = 'on'
       AND (NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cafpro_maintenance')
            OR pg_has_role(current_user, 'cafpro_maintenance', 'MEMBER')) THEN
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
    dependencies = [("journal", "0006_index_autres_caisses")]

    operations = [migrations.RunPython(remplacer, migrations.RunPython.noop)]
