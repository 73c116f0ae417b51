import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from journal.chaine import ancrages, chaines, evenements_hors_chaine, verifier_ancrage, verifier_chaine


class Command(BaseCommand):
    help = (
        "Vérifie le chaînage du journal des accès et signale la première rupture de chaque chaîne ; "
        "avec --ancrage, compare aussi à l'état signé noté dans ce fichier et y ajoute l'état du jour."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--caisse", help="Ne vérifier que les chaînes de cette Caf (numéro, ou « » pour aucune).")
        parser.add_argument(
            "--ancrage",
            metavar="FICHIER",
            help="Fichier d'ancrages hors de la base (une ligne JSON signée par chaîne et par exécution).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        a_verifier = chaines(options["caisse"])
        ruptures = []
        for chaine in a_verifier:
            verifies, rupture = verifier_chaine(chaine)
            nom = chaine or "(sans caisse)"
            if rupture is None:
                self.stdout.write(f"Chaîne {nom} : {verifies} événements, intacte.")
            else:
                ruptures.append(rupture)
                self.stdout.write(f"Chaîne {nom} : {verifies} événements vérifiés avant la rupture.")
        if options["caisse"] is None and (intrus := evenements_hors_chaine()) is not None:
            ruptures.append(intrus)
        fichier = Path(options["ancrage"]) if options["ancrage"] else None
        if fichier is not None and fichier.exists():
            derniers = {}
            for ligne in fichier.read_text(encoding="utf-8").splitlines():
                if ligne.strip():
                    ancre = json.loads(ligne)
                    derniers[ancre["chaine"]] = ancre
            ruptures += [r for r in map(verifier_ancrage, derniers.values()) if r is not None]
        for rupture in ruptures:
            self.stderr.write(f"RUPTURE — {rupture}")
        if ruptures:
            raise CommandError(f"Journal altéré : {len(ruptures)} rupture(s).")
        if fichier is not None:
            with fichier.open("a", encoding="utf-8") as sortie:
                for ancre in ancrages():
                    sortie.write(json.dumps(ancre, ensure_ascii=False) + "\n")
        self.stdout.write(self.style.SUCCESS("Journal des accès intègre."))
