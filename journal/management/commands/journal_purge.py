from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_date

from journal import retention


class Command(BaseCommand):
    help = (
        "Purge les événements du journal plus anciens que la durée de conservation "
        "(CAFPRO_JOURNAL_RETENTION_JOURS) ; sans --wet-run, affiche seulement ce qui serait purgé."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--avant", help="Date limite AAAA-MM-JJ (par défaut : aujourd'hui moins la conservation).")
        parser.add_argument("--wet-run", action="store_true", help="Purger réellement.")

    def handle(self, *args: Any, **options: Any) -> None:
        maintenant = timezone.now()
        if options["avant"]:
            jour = parse_date(options["avant"])
            if jour is None:
                raise CommandError("--avant attend une date au format AAAA-MM-JJ.")
            avant = timezone.make_aware(datetime(jour.year, jour.month, jour.day))
        else:
            avant = maintenant - timedelta(days=settings.CAFPRO_JOURNAL_RETENTION_JOURS)
        minimum = maintenant - timedelta(days=settings.CAFPRO_JOURNAL_RETENTION_MIN_JOURS)
        if avant > minimum:
            raise CommandError(
                f"Le journal est conservé au moins {settings.CAFPRO_JOURNAL_RETENTION_MIN_JOURS} jours : "
                f"date limite postérieure au {timezone.localtime(minimum):%d/%m/%Y} refusée."
            )
        limite = f"{timezone.localtime(avant):%d/%m/%Y %H:%M}"
        if not options["wet_run"]:
            bilan = retention.prevoir(avant)
            self.stdout.write(f"Simulation : {bilan.total} événements antérieurs au {limite} seraient purgés.")
            for chaine, nombre in sorted(bilan.par_chaine.items()):
                self.stdout.write(f"  chaîne {chaine or '(sans caisse)'} : {nombre}")
            self.stdout.write("Relancez avec --wet-run pour purger.")
            return
        bilan = retention.purger(avant, acteur="journal_purge")
        self.stdout.write(self.style.SUCCESS(f"{bilan.total} événements antérieurs au {limite} purgés."))
        for table in bilan.partitions_supprimees:
            self.stdout.write(f"  partition supprimée : {table}")
        if bilan.ruptures:
            for rupture in bilan.ruptures:
                self.stderr.write(f"RUPTURE — {rupture}")
            raise CommandError("Chaîne(s) rompue(s) : leur segment n'a pas été purgé ni scellé. Lancez journal_verify.")
