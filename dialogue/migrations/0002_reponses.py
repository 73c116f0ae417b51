"""Issue 16: a message's opaque identifier for the portal's URLs, and the Caf's answers."""

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def identifiants_publics(apps, schema_editor):
    # One uuid per existing message: a default in AddField would give them all the same one.
    Message = apps.get_model("dialogue", "Message")
    for message in Message.objects.filter(public_id__isnull=True).only("pk"):
        message.public_id = uuid.uuid4()
        message.save(update_fields=["public_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("dialogue", "0001_message"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="message",
            name="public_id",
            field=models.UUIDField(editable=False, null=True, verbose_name="identifiant public"),
        ),
        migrations.RunPython(identifiants_publics, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="message",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name="identifiant public"),
        ),
        migrations.CreateModel(
            name="Reponse",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("texte", models.TextField(max_length=4000, verbose_name="réponse")),
                (
                    "envoyee_le",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="envoyée le"),
                ),
                ("lue_le", models.DateTimeField(blank=True, null=True, verbose_name="lue par l'agent le")),
                (
                    "auteur",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="reponses_dialogue",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="répondu par",
                    ),
                ),
                (
                    "message",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="reponses",
                        to="dialogue.message",
                    ),
                ),
            ],
            options={
                "verbose_name": "réponse de la Caf",
                "verbose_name_plural": "réponses de la Caf",
                "ordering": ["envoyee_le", "pk"],
                "indexes": [
                    models.Index(
                        condition=models.Q(("lue_le__isnull", True)),
                        fields=["message"],
                        name="dialogue_reponse_non_lue",
                    )
                ],
            },
        ),
    ]
