from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from journal import partitions


class Command(BaseCommand):
    help = "Crée à l'avance les partitions mensuelles du journal (PostgreSQL ; sans effet sur SQLite)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--mois", type=int, default=3, help="Nombre de mois à préparer (3 par défaut).")

    def handle(self, *args: Any, **options: Any) -> None:
        if not partitions.actif():
            self.stdout.write("Journal non partitionné (SQLite) : rien à faire.")
            return
        crees = partitions.preparer(timezone.localdate(), options["mois"])
        self.stdout.write(f"{len(crees)} partition(s) créée(s)." + ("".join(f"\n  {t}" for t in crees)))
