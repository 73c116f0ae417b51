"""The histories read by (dossier, date) keep their composite index only: the index on the key
alone repeated its first column, at the cost of every write and of the feed's rebuild."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0004_empreinte_du_flux"),
    ]

    operations = [
        migrations.AlterField(
            model_name="courrier",
            name="dossier",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="courriers",
                to="dossiers.dossier",
            ),
        ),
        migrations.AlterField(
            model_name="droit",
            name="dossier",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="droits",
                to="dossiers.dossier",
            ),
        ),
        migrations.AlterField(
            model_name="logement",
            name="dossier",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="logements",
                to="dossiers.dossier",
            ),
        ),
        migrations.AlterField(
            model_name="paiement",
            name="dossier",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="paiements",
                to="dossiers.dossier",
            ),
        ),
        migrations.AlterField(
            model_name="quotientfamilial",
            name="dossier",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="quotients",
                to="dossiers.dossier",
            ),
        ),
        migrations.AlterField(
            model_name="ressource",
            name="dossier",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="ressources",
                to="dossiers.dossier",
            ),
        ),
    ]
