"""`manage.py roles_base`: the PostgreSQL roles that keep the journal out of the application's
reach (cafpro/roles.py, docs/deploiement.md).

Run with the tables' owner (DATABASE_URL) after every migrate: creates `cafpro_maintenance`
and the serving role, grants it what the application needs and no more, then checks. The
serving role's name and password come from DATABASE_APPLICATION_URL when it is set (the URL
the server will use: the command then connects with it to check), else `--role` or
`cafpro_application`. `--verifier` changes nothing and checks the connection's own role (or
`--role`): the last step before serving.
"""

import psycopg
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from cafpro import roles


def _parametres(reglages: dict) -> dict:
    parametres = {
        "dbname": reglages.get("NAME"),
        "user": reglages.get("USER"),
        "password": reglages.get("PASSWORD"),
        "host": reglages.get("HOST"),
        "port": reglages.get("PORT"),
    }
    parametres = {cle: str(valeur) for cle, valeur in parametres.items() if valeur}
    parametres.update({cle: valeur for cle, valeur in (reglages.get("OPTIONS") or {}).items() if cle != "options"})
    return {"connect_timeout": 10, **parametres}


class Command(BaseCommand):
    help = (
        "Crée et vérifie les rôles PostgreSQL : le propriétaire des tables migre, le rôle de service "
        "(cafpro_application) n'a que SELECT et INSERT sur le journal des accès. À lancer avec la connexion du "
        "propriétaire après chaque migrate ; --verifier ne change rien et vérifie le rôle de la connexion."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--role",
            help=(
                "Rôle de service (par défaut : l'utilisateur de DATABASE_APPLICATION_URL, sinon cafpro_application) ; "
                "avec --verifier, le rôle à vérifier (par défaut : celui de cette connexion)."
            ),
        )
        parser.add_argument(
            "--verifier",
            action="store_true",
            help="Ne change rien : sort en erreur si le rôle peut réécrire le journal ou s'il lui manque des droits.",
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            self.stdout.write(
                "SQLite : ni rôle ni déclencheur, le journal n'y est protégé que par le code "
                "(démonstration sur un seul poste seulement, voir le README)."
            )
            return
        if options["verifier"]:
            self.verifier(options["role"])
        else:
            self.preparer(options["role"])

    def verifier(self, role: str | None) -> None:
        with connection.cursor() as curseur:
            if role is None:
                curseur.execute("SELECT current_user")
                role = curseur.fetchone()[0]
            trouves = roles.problemes(curseur, role)
        if trouves:
            raise CommandError(roles.message(role, trouves))
        self.stdout.write(
            self.style.SUCCESS(
                f"Rôle {role} conforme : SELECT et INSERT seulement sur le journal, propriétaire de rien, "
                f"hors de {roles.MAINTENANCE}."
            )
        )

    def preparer(self, role: str | None) -> None:
        try:
            url = roles.url_application()
            if url is not None and role is not None and role != url["USER"]:
                raise CommandError(f"--role {role} contredit {roles.VARIABLE_URL_APPLICATION} (rôle {url['USER']}).")
            role = role or (url["USER"] if url else roles.APPLICATION)
            fait = roles.preparer(role, (url or {}).get("PASSWORD") or None)
        except (roles.RoleNonConforme, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        for ligne in fait:
            self.stdout.write(f"  {ligne}")
        if url is not None:
            # Connect exactly as the server will: the password and the server's rules for it work.
            try:
                with psycopg.connect(**_parametres(url), autocommit=True) as connexion, connexion.cursor() as curseur:
                    trouves = roles.problemes(curseur)
            except psycopg.OperationalError as exc:
                raise CommandError(
                    f"Connexion impossible avec {roles.VARIABLE_URL_APPLICATION} (rôle {role}) : {exc}"
                ) from exc
            if trouves:
                raise CommandError(roles.message(role, trouves))
            self.stdout.write(f"  connexion vérifiée en tant que {role}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Rôles prêts : {role} sert l'application (SELECT et INSERT seulement sur le journal), "
                f"{roles.MAINTENANCE} réservé à la purge."
            )
        )
