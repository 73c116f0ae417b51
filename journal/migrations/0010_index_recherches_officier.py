"""Indexes of the officer's searches (issue 17): by identifiant in (identifiant, horodatage, id)
order, replacing the column's own index and its pattern index (no search by prefix); the same
for other Cafs' consultations of a Caf's dossiers (partial, the predicate of
journal_evt_autre_caisse_idx); by outcome, and kind and outcome, within a Caisse and among
those consultations. On PostgreSQL
each is created on the partitioned table, hence on every month."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0009_declencheur_search_path"),
    ]

    operations = [
        migrations.AlterField(
            model_name="evenement",
            name="identifiant",
            field=models.CharField(blank=True, max_length=150, verbose_name="identifiant"),
        ),
        migrations.AddIndex(
            model_name="evenement",
            index=models.Index(fields=["identifiant", "horodatage", "id"], name="journal_evt_ident_horo_idx"),
        ),
        migrations.AddIndex(
            model_name="evenement",
            index=models.Index(
                condition=models.Q(("caisse_dossier", models.F("caisse")), _negated=True),
                fields=["caisse_dossier", "identifiant", "horodatage", "id"],
                name="journal_evt_autre_ident_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="evenement",
            index=models.Index(
                fields=["caisse", "resultat", "type", "horodatage", "id"], name="journal_evt_caisse_result_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="evenement",
            index=models.Index(
                condition=models.Q(("caisse_dossier", models.F("caisse")), _negated=True),
                fields=["caisse_dossier", "resultat", "type", "horodatage", "id"],
                name="journal_evt_autre_result_idx",
            ),
        ),
    ]
