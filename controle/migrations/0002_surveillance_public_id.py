"""A public identifier for each mise sous surveillance, for the officer's URLs.

Added nullable, filled row by row (each its own UUID), then made unique and required: a
default on AddField would give every existing row the same value. Not atomic: on PostgreSQL the
rows' updates must be committed before the table is altered ("pending trigger events")."""

import uuid

from django.db import migrations, models


def remplir(apps, schema_editor):
    MiseSousSurveillance = apps.get_model("controle", "MiseSousSurveillance")
    for surveillance in MiseSousSurveillance.objects.filter(public_id__isnull=True).only("pk"):
        surveillance.public_id = uuid.uuid4()
        surveillance.save(update_fields=["public_id"])


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("controle", "0001_surveillance")]

    operations = [
        migrations.AddField(
            model_name="misesoussurveillance",
            name="public_id",
            field=models.UUIDField(editable=False, null=True, verbose_name="identifiant public"),
        ),
        migrations.RunPython(remplir, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="misesoussurveillance",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name="identifiant public"),
        ),
    ]
