"""`manage.py charger_dossiers FICHIER…`: load feed files of allocataire dossiers (docs/alimentation.md)."""

from django.core.management import BaseCommand, CommandError

from dossiers.alimentation import LOT, PROCESSUS, TAILLE_PARALLELE, charger, message
from dossiers.flux import ErreurFlux


class Command(BaseCommand):
    help = (
        "Charge un ou plusieurs fichiers du flux des dossiers allocataires (JSON Lines, éventuellement "
        "compressés en gzip), chacun en une seule transaction : tout ou rien. Voir docs/alimentation.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("fichiers", nargs="+", metavar="FICHIER")
        parser.add_argument(
            "--lot",
            type=int,
            default=LOT,
            metavar="N",
            help=f"Dossiers écrits ensemble (défaut : {LOT}) ; la mémoire en dépend, pas de la taille du fichier.",
        )
        parser.add_argument(
            "--processus",
            type=int,
            metavar="N",
            help=(
                f"Processus qui lisent et contrôlent les lots pendant que le principal écrit (PostgreSQL ; défaut : "
                f"{PROCESSUS}, aucun pour un fichier de moins de {TAILLE_PARALLELE // 2**20} Mo ; "
                "0 : le principal seul)."
            ),
        )
        parser.add_argument("--sans-progression", action="store_true", help="N'affiche pas la barre de progression.")

    def handle(self, *args, fichiers, lot, processus, sans_progression, **options):
        if lot < 1:
            raise CommandError("--lot attend un nombre positif.")
        if processus is not None and processus < 0:
            raise CommandError("--processus attend un nombre positif ou nul.")
        for fichier in fichiers:
            try:
                bilan = charger(fichier, lot, None if sans_progression else self.stderr._out, processus)
            except FileNotFoundError:
                raise CommandError(f"{fichier} : fichier introuvable. Rien n'a été chargé.") from None
            except ErreurFlux as erreur:
                raise CommandError(message(erreur, fichier)) from None
            debit = bilan.dossiers / bilan.secondes if bilan.secondes else 0
            self.stdout.write(
                f"{fichier} : {bilan.dossiers} dossiers lus en {bilan.secondes:.1f} s ({debit:.0f}/s) — "
                f"{bilan.nouveaux} nouveaux, {bilan.modifies} modifiés, {bilan.inchanges} inchangés ; "
                f"{bilan.lignes_ecrites} lignes écrites."
            )
