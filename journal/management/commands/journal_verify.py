from django.core.management.base import BaseCommand, CommandError

from journal.chaine import chaines, verifier_chaine


class Command(BaseCommand):
    help = "Vérifie le chaînage du journal des accès et signale la première rupture de chaque chaîne."

    def add_arguments(self, parser):
        parser.add_argument("--caisse", help="Ne vérifier que la chaîne de cette Caf (numéro, ou « » pour aucune).")

    def handle(self, *args, **options):
        a_verifier = [options["caisse"]] if options["caisse"] is not None else chaines()
        ruptures = []
        for chaine in a_verifier:
            verifies, rupture = verifier_chaine(chaine)
            nom = chaine or "(sans caisse)"
            if rupture is None:
                self.stdout.write(f"Chaîne {nom} : {verifies} événements, intacte.")
            else:
                ruptures.append(rupture)
                self.stdout.write(f"Chaîne {nom} : {verifies} événements vérifiés avant la rupture.")
                self.stderr.write(f"RUPTURE — {rupture}")
        if ruptures:
            raise CommandError(f"Journal altéré : {len(ruptures)} chaîne(s) rompue(s).")
        self.stdout.write(self.style.SUCCESS("Journal des accès intègre."))
