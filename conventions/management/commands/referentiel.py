"""`manage.py referentiel`: load the Caf référentiel (fixtures caisses, routage) if absent.

Run at every start (dev.py run, the container): it never overwrites a référentiel already
in the database, whose settings (Dialogue opened, routing) the Cafs have since changed.
"""

from django.core.management import BaseCommand, call_command

from conventions.models import Caisse


class Command(BaseCommand):
    help = "Charge le référentiel des Caf s'il n'est pas encore en base (sans jamais l'écraser)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--recharger", action="store_true", help="Recharge les fixtures même si le référentiel existe (l'écrase)."
        )

    def handle(self, *args, **options):
        if Caisse.objects.exists() and not options["recharger"]:
            self.stdout.write(f"Référentiel déjà chargé ({Caisse.objects.count()} caisses) : inchangé.")
            return
        call_command("loaddata", "caisses", "routage", verbosity=0)
        self.stdout.write(f"Référentiel chargé : {Caisse.objects.count()} caisses.")
