"""`manage.py demo_flux FICHIER`: a feed file of generated dossiers, for `manage.py charger_dossiers`."""

import os
from datetime import date

from django.core.management import BaseCommand, CommandError, call_command

from conventions.models import Caisse
from demo.flux import ecrire_flux


class Command(BaseCommand):
    help = (
        "Écrit un fichier du flux des dossiers allocataires (docs/alimentation.md) de dossiers générés comme "
        "ceux de la démonstration, répartis sur ses Caf ; gzip si le nom finit par .gz. Le même nombre, la même "
        "graine et le même jour donnent le même fichier."
    )

    def add_arguments(self, parser):
        parser.add_argument("fichier", metavar="FICHIER")
        parser.add_argument(
            "--dossiers", type=int, default=1000, metavar="N", help="Nombre de dossiers (défaut : 1000)."
        )
        parser.add_argument("--graine", default="0", help="Graine des tirages (défaut : 0).")
        parser.add_argument(
            "--jour", type=date.fromisoformat, help="Date d'extraction AAAA-MM-JJ (défaut : aujourd'hui)."
        )
        parser.add_argument(
            "--processus", type=int, default=os.cpu_count() or 1, help="Processus qui génèrent (défaut : un par cœur)."
        )

    def handle(self, *args, fichier, dossiers, graine, jour, processus, **options):
        if not Caisse.objects.exists():
            call_command("loaddata", "caisses", "routage", verbosity=0)
        try:
            ecrire_flux(fichier, dossiers, graine, jour, max(processus, 1))
        except ValueError as erreur:
            raise CommandError(str(erreur)) from None
        self.stdout.write(f"{fichier} : {dossiers} dossiers écrits.")
