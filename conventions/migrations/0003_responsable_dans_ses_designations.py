# The responsable habilitations now lives in its désignations (0002 copied it there). A
# migration of its own: PostgreSQL cannot alter a table with the copy's deferred checks pending.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("conventions", "0002_cycle_de_vie"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="partenaire",
            name="responsable_adresse",
        ),
        migrations.RemoveField(
            model_name="partenaire",
            name="responsable_email",
        ),
        migrations.RemoveField(
            model_name="partenaire",
            name="responsable_nom",
        ),
        migrations.RemoveField(
            model_name="partenaire",
            name="responsable_prenom",
        ),
        migrations.RemoveField(
            model_name="partenaire",
            name="responsable_telecopie",
        ),
        migrations.RemoveField(
            model_name="partenaire",
            name="responsable_telephone",
        ),
        ]
