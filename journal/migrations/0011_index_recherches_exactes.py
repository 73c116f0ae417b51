"""Indexes of the officer's searches where only an exact walk fits (issue 17): by outcome alone
within a Caisse (partial: échec and refus, not the réussites that are nearly every event) and
by client address within a Caisse; by outcome alone, kind alone and client address among other
Cafs' consultations of a Caf's dossiers (partial: a dossier of another Caf, so without the
events of no dossier). On PostgreSQL each is created on the partitioned table, hence on every
month."""

from django.db import migrations, models

AUTRE_CAISSE = models.Q(
    models.Q(("caisse_dossier", ""), _negated=True), models.Q(("caisse_dossier", models.F("caisse")), _negated=True)
)


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0010_index_recherches_officier"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="evenement",
            index=models.Index(
                condition=models.Q(("resultat", "succes"), _negated=True),
                fields=["caisse", "resultat", "horodatage", "id"],
                name="journal_evt_caisse_echecs_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="evenement",
            index=models.Index(
                fields=["caisse", "adresse_ip", "horodatage", "id"], name="journal_evt_caisse_adresse_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="evenement",
            index=models.Index(
                condition=AUTRE_CAISSE,
                fields=["caisse_dossier", "resultat", "horodatage", "id"],
                name="journal_evt_autre_rsl_horo_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="evenement",
            index=models.Index(
                condition=AUTRE_CAISSE,
                fields=["caisse_dossier", "type", "horodatage", "id"],
                name="journal_evt_autre_type_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="evenement",
            index=models.Index(
                condition=AUTRE_CAISSE,
                fields=["caisse_dossier", "adresse_ip", "horodatage", "id"],
                name="journal_evt_autre_adresse_idx",
            ),
        ),
    ]
