"""`manage.py demo`: the deterministic demo world (`demo.monde`), the same on every run, and
its listing of logins, passwords and dossiers (`--json` for scripts), with the addresses where
the portal is served (`--portail`, given by `dev.py run`)."""

import json

from django.conf import settings
from django.core.management import BaseCommand, CommandError, call_command
from django.db import transaction
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conventions.models import Caisse
from demo.comptes import STAFF, staff_username
from demo.dossiers import CAISSES_DEMO, DOSSIERS_DOCUMENTES, DOSSIERS_PROPRES, LIBELLES_CAS
from demo.monde import DOSSIERS_GENERES, construire
from demo.responsables import identifiant_responsable_demo

# runserver's own default, where `manage.py runserver` alone serves.
PORTAIL = "http://127.0.0.1:8000/"


def url_du_portail(valeur: str) -> str:
    if not valeur.startswith(("http://", "https://")):
        raise CommandError(f"--portail attend une adresse http:// ou https:// (reçu « {valeur} »).")
    return valeur if valeur.endswith("/") else valeur + "/"


class Command(BaseCommand):
    help = "Crée (ou complète) le jeu de démonstration déterministe ; --json l'affiche pour les scripts."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Affiche ce qui existe sous forme d'un objet JSON.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Crée le jeu de démonstration même hors mode DEBUG (jamais en production).",
        )
        parser.add_argument(
            "--dossiers",
            type=int,
            default=DOSSIERS_GENERES,
            metavar="N",
            help=f"Dossiers allocataires générés par Caf de démonstration, en plus des dossiers documentés "
            f"(défaut : {DOSSIERS_GENERES}). Une nouvelle exécution ne crée que ceux qui manquent.",
        )
        parser.add_argument(
            "--portail",
            action="append",
            metavar="URL",
            help=f"Adresse où le portail est servi, à afficher avec les identifiants (défaut : {PORTAIL}) ; "
            "répétée, les suivantes sont données comme celles où les autres postes l'atteignent.",
        )
        parser.add_argument(
            "--code-totp",
            metavar="COMPTE",
            help="Affiche le code à 6 chiffres du moment pour un compte du personnel ou le responsable habilitations "
            "de démonstration.",
        )

    def handle(self, *args, **options):
        if not settings.CAFPRO_DEMO_AUTORISEE and not options["force"]:
            # Its passwords are in the source code: never on a production database.
            raise CommandError(
                "Le jeu de démonstration n'est créé qu'en développement (DEBUG ou CAFPRO_DEMO=1), jamais en production."
            )
        if options["code_totp"]:
            self.afficher_code(options["code_totp"])
            return
        if not Caisse.objects.exists():
            call_command("loaddata", "caisses", "routage", verbosity=0)
        if options["dossiers"] < 0:
            raise CommandError("--dossiers attend un nombre positif ou nul.")
        portails = [url_du_portail(url) for url in options["portail"] or [PORTAIL]]
        with transaction.atomic():
            monde = construire(options["dossiers"])
        if options["json"]:
            self.stdout.write(json.dumps(monde, ensure_ascii=False, indent=2))
        else:
            self.afficher(monde, options["dossiers"], portails)

    def afficher_code(self, username: str) -> None:
        # Only for the demo's own accounts, whose keys are public anyway.
        comptes = {staff_username(numero, role) for numero, role in STAFF} | {identifiant_responsable_demo()}
        if username not in comptes:
            raise CommandError(f"{username} n'est pas un compte du personnel de démonstration.")
        appareil = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
        if appareil is None:
            raise CommandError("Lancez d'abord « manage.py demo ».")
        self.stdout.write(f"{totp(appareil.bin_key):06d}")

    def afficher(
        self, monde: dict, dossiers_generes: int = DOSSIERS_GENERES, portails: list[str] | None = None
    ) -> None:
        portail, *ailleurs = portails or [PORTAIL]
        autres = f" (depuis un autre poste : {', '.join(ailleurs)})" if ailleurs else ""
        self.stdout.write(self.style.SUCCESS("Jeu de démonstration prêt."))
        self.stdout.write(f"\nPortail partenaires — {portail}{autres}")
        self.stdout.write(f"  {'identifiant':<12}{'mot de passe':<14}{'profil':<8}{'Caf':<6}{'portée':<11}convention")
        for h in monde["habilitations"]:
            colonnes = f"{h['identifiant']:<12}{h['password']:<14}{h['profil']:<8}{h['caisse']:<6}{h['scope']:<11}"
            provisoire = "  (mot de passe provisoire : changement demandé)" if h["mot_de_passe_provisoire"] else ""
            self.stdout.write(f"  {colonnes}{h['convention']}{provisoire}")
        administration = ", ".join(f"{url}gestion/" for url in ailleurs)
        autres = f" (depuis un autre poste : {administration})" if ailleurs else ""
        self.stdout.write(f"\nAdministration des Caf — {portail}gestion/{autres}")
        for s in monde["staff"]:
            self.stdout.write(f"  {s['username']:<16}{s['password']:<32}Caf {s['caisse']}  {s['role']}")
            self.stdout.write(f"    second facteur (clé TOTP à saisir dans une application) : {s['totp_base32']}")
        dialogue = monde["dialogue"]
        self.stdout.write(
            f"\nRubrique Dialogue — ouverte par la {dialogue['nom']} ({dialogue['caisse']}) ; "
            f"l'agent {dialogue['agent']} y a une réponse de la Caf qui l'attend."
        )
        responsable = monde["responsable"]
        r = responsable
        self.stdout.write(
            f"\nEspace responsable habilitations — {portail}espace/ : {r['identifiant']} / {r['password']}, "
            f"{r['nom']}, responsable de la convention {r['convention']} (Caf {r['caisse']}) ; "
            f"ses demandes se valident dans l'administration (gestion.{r['caisse']})."
        )
        self.stdout.write(f"    second facteur (clé TOTP à saisir dans une application) : {responsable['totp_base32']}")
        revue = monde["revue"]
        self.stdout.write(
            f"\nRevue annuelle des accès — ouverte le {revue['ouverte_le']} pour la convention {revue['convention']} "
            f"(Caf {revue['caisse']}, {revue['agents']} agents à confirmer au plus tard le {revue['date_limite']}) : "
            "sur l'accueil de son gestionnaire."
        )
        self.stdout.write(
            f"\nDossiers allocataires — les mêmes numéros dans chaque Caf ({', '.join(CAISSES_DEMO)}) ; "
            f"recréés à chaque exécution :"
        )
        for numero, cas in DOSSIERS_DOCUMENTES:
            self.stdout.write(f"  {numero}  {LIBELLES_CAS[cas]}")
        self.stdout.write("  et, dans une seule Caf (le code postal à saisir pour un accès multi-Caf ou national) :")
        propres = {(d["caisse"], d["numero"]): d["code_postal"] for d in monde["dossiers"]}
        for caisse, dossiers in DOSSIERS_PROPRES.items():
            for numero, cas in dossiers:
                code_postal = propres[(caisse, numero)]
                self.stdout.write(f"  {numero}  Caf {caisse}, code postal {code_postal} — {LIBELLES_CAS[cas]}")
        pluriel = "s" if dossiers_generes > 1 else ""
        self.stdout.write(
            f"  et {dossiers_generes} dossier{pluriel} généré{pluriel} par Caf, numérotés à partir de 2000000."
        )
