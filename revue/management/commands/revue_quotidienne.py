from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from revue import quotidien


class Command(BaseCommand):
    help = (
        "Revue annuelle des accès, à lancer chaque jour (cron) : ouvre les revues dues aujourd'hui et, "
        "passé la date limite, suspend les agents non confirmés. Sans --wet-run, affiche seulement ce "
        "qui serait fait. Relancée le même jour, elle ne change rien."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--wet-run", action="store_true", help="Ouvrir et clore réellement.")

    def handle(self, *args: Any, **options: Any) -> None:
        # The day in Europe/Paris (settings.TIME_ZONE): a run at 00:30 in Paris is already the
        # next day, though UTC still says the day before.
        jour = timezone.localdate()
        simulation = not options["wet_run"]
        bilan = quotidien.executer(jour, simulation=simulation)
        prefixe = "Simulation — " if simulation else ""
        self.stdout.write(f"{prefixe}revue des accès du {jour:%d/%m/%Y}")
        for campagne in bilan.ouvertes:
            self.stdout.write(f"  revue ouverte : {campagne}")
        for campagne, agents in bilan.closes:
            self.stdout.write(f"  revue close : {campagne} — {len(agents)} agent(s) non confirmé(s) suspendu(s)")
            for habilitation in agents:
                self.stdout.write(f"    {habilitation}")
        if not bilan.ouvertes and not bilan.closes:
            self.stdout.write("  rien à faire.")
        if simulation:
            self.stdout.write("Relancez avec --wet-run pour appliquer.")
        if bilan.erreurs:
            for erreur in bilan.erreurs:
                self.stderr.write(f"ÉCHEC — {erreur}")
            raise CommandError(f"{len(bilan.erreurs)} revue(s) en échec : rien n'en a été modifié.")
