"""Strands of a Caisse's chain (issue 17, journal/chaine.py): each event says which of its
Caisse's chains it is on (0, the chain so far, for every event already written); chain names grow
to "131~7"; journal_verify walks a strand by (caisse, brin, rang). On PostgreSQL the column is
added to the partitioned table with a default, without rewriting any month."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0011_index_recherches_exactes"),
    ]

    operations = [
        migrations.AddField(
            model_name="evenement",
            name="brin",
            field=models.SmallIntegerField(db_default=0, default=0, verbose_name="brin de la chaîne"),
        ),
        migrations.RemoveIndex(model_name="evenement", name="journal_evt_chaine_rang_idx"),
        migrations.AddIndex(
            model_name="evenement",
            index=models.Index(fields=["caisse", "brin", "rang"], name="journal_evt_brin_rang_idx"),
        ),
        migrations.AlterField(
            model_name="tetechaine",
            name="chaine",
            field=models.CharField(max_length=8, primary_key=True, serialize=False, verbose_name="chaîne"),
        ),
        migrations.AlterField(
            model_name="sceaupurge",
            name="chaine",
            field=models.CharField(max_length=8, verbose_name="chaîne"),
        ),
    ]
