"""Where a consultation page's time goes, against the minimal-work baseline, in process:
issue 17's "profile that shows it".

    .venv/bin/python benchmarks/profil.py [--n 300]

Production settings (cafpro.settings.base, DEBUG off, cached templates), on a scratch test
database of DATABASE_URL (PostgreSQL: createdb it first; SQLite by default). An agent of Caf 131
(T1) reads rubriques of a documented dossier through the Django test client, which runs the
whole middleware stack as gunicorn's worker does; the baseline (benchmarks/serveur/minimal.py)
is called with the same session cookie. For each, per request:

- CPU milliseconds of this Python process (`time.process_time`): what a gunicorn worker spends,
  waits for PostgreSQL left out, so the figure barely moves with the machine's load;
- Python function calls (cProfile), which do not move at all;
- SQL statements.

Then the portal page's CPU time split by layer (cProfile with a CPU clock, cumulated time of
the named functions; the layers nest, so they do not add up to 100 %).
"""

import argparse
import cProfile
import os
import pstats
import secrets
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "cafpro.settings.base"
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("HTTPS", "0")  # the test client speaks plain HTTP; HSTS costs nothing

RUBRIQUES = ("paiements", "dossier", "famille", "ressources")

# (label, file suffix, function name): cumulated CPU time of these functions in the profile.
# Every page's: the request, its session and account; then the ORM and the driver, all layers.
_REQUETE = (
    ("requête entière (gestionnaire WSGI de Django)", "django/core/handlers/base.py", "get_response"),
    ("  session : lecture", "sessions/backends/db.py", "load"),
    ("  compte (middleware d'authentification)", "habilitations/backends.py", "get_user"),
)
_BASE = (
    ("  ORM : construction du SQL (toutes couches)", "django/db/models/sql/compiler.py", "as_sql"),
    ("  ORM : lignes en objets (toutes couches)", "django/db/models/query.py", "__iter__"),
    ("  pilote psycopg : exécution (toutes couches)", "psycopg/cursor.py", "execute"),
)
COUCHES = (
    *_REQUETE,
    ("  vue de la rubrique", "dossiers/views.py", "rubrique"),
    ("    journal : ajout chaîné", "journal/ecriture.py", "enregistrer"),
    ("    rendu du gabarit", "django/shortcuts.py", "render"),
    *_BASE,
)


def par_requete(appel, n: int) -> tuple[float, float]:
    """Median CPU and wall milliseconds of one call, over n calls."""
    cpu, mur = [], []
    for _ in range(n):
        debut_cpu, debut = time.process_time(), time.perf_counter()
        appel()
        cpu.append((time.process_time() - debut_cpu) * 1000)
        mur.append((time.perf_counter() - debut) * 1000)
    return statistics.median(cpu), statistics.median(mur)


def appels_de_fonctions(appel, n: int) -> float:
    profil = cProfile.Profile()
    profil.enable()
    for _ in range(n):
        appel()
    profil.disable()
    return pstats.Stats(profil).total_calls / n


def requetes_sql(connection, appel) -> int:
    compte = []

    def noter(execute, sql, *args):
        compte.append(sql)
        return execute(sql, *args)

    with connection.execute_wrapper(noter):
        appel()
    return len(compte)


def couches(appel, n: int, quelles=COUCHES) -> None:
    profil = cProfile.Profile(time.process_time)
    profil.enable()
    for _ in range(n):
        appel()
    profil.disable()
    stats = pstats.Stats(profil).stats
    total = None
    for libelle, fichier, fonction in quelles:
        cumul = sum(
            valeurs[3]
            for (chemin, _ligne, nom), valeurs in stats.items()
            if nom == fonction and chemin.endswith(fichier)
        )
        # Recursive calls (the compiler's as_sql, nested querysets) are counted once by
        # cProfile's cumulated time: the figure is the time spent inside the outermost call.
        ms = cumul * 1000 / n
        total = total or ms
        print(f"{libelle:<48} {ms:6.2f} ms   {100 * ms / total:5.1f} %")


# The officer's journal search (issue 17: "a page of results" of each filter): the same layers,
# plus the admin's own; 120 events of the agent, so that each search fills a page of 50.
COUCHES_OFFICIER = (
    *_REQUETE,
    ("  second facteur (django-otp)", "django_otp/middleware.py", "_verify_user_sync"),
    ("  vue de la recherche", "controle/views.py", "journal"),
    ("    formulaire (validation)", "django/forms/forms.py", "full_clean"),
    ("    rendu du gabarit", "django/shortcuts.py", "render"),
    *_BASE,
)


def officier(agent, n: int) -> None:
    from django.db import connection
    from django.test import Client

    from habilitations.models import Role
    from tests.conftest import connecter_au_admin
    from tests.factories import EvenementFactory, StaffFactory, caisse

    EvenementFactory.create_batch(120, habilitation=agent, consultation=True)
    responsable = StaffFactory(username="securite.131", caisse=caisse("131"), role=Role.SECURITE)
    client = connecter_au_admin(Client(), responsable)
    recherches = {
        "identifiant": {"identifiant": agent.identifiant},
        "numéro": {"numero_allocataire": "1000001"},
        "identifiant + résultat": {"identifiant": agent.identifiant, "resultat": "succes"},
        "aucun filtre": {},
    }
    print(f"\nRecherches du Responsable Sécurité (/gestion/controle/journal/, {n // 3} requêtes chacune)")
    for nom, filtres in recherches.items():

        def lire(filtres=filtres):
            reponse = client.get("/gestion/controle/journal/", filtres)
            assert reponse.status_code == 200, reponse.status_code

        for _ in range(5):
            lire()
        cpu, mur = par_requete(lire, n // 3)
        appels = appels_de_fonctions(lire, 30)
        print(f"{nom:<24} {cpu:8.2f} ms {mur:6.2f} ms {appels:10,.0f} appels {requetes_sql(connection, lire):3d} SQL")
    print("\nRecherche par identifiant, temps CPU par couche :")
    couches(lambda: client.get("/gestion/controle/journal/", recherches["identifiant"]), n // 3, COUCHES_OFFICIER)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300)
    options = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import get_runner

    runner = get_runner(settings)(verbosity=0, interactive=False)
    call_command("collectstatic", interactive=False, verbosity=0)  # as deployed: hashed names
    anciennes = runner.setup_databases()
    try:
        call_command("loaddata", "caisses", "routage", verbosity=0)
        from benchmarks.serveur.minimal import minimal
        from demo.dossiers import creer_dossier
        from tests.factories import HabilitationFactory, caisse

        agent = HabilitationFactory(convention__caisse=caisse("131"), convention__profil="T1")
        creer_dossier(caisse("131"), "1000001")
        client = Client()
        client.force_login(agent.user)
        assert client.post("/portail/consulter/", {"numero_allocataire": "1000001"}).status_code == 302
        environ = {
            "HTTP_COOKIE": f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        }

        def reference():
            corps = minimal(environ, lambda statut, entetes: None)
            assert b"1000001" in corps[0]

        def page(rubrique):
            def lire():
                reponse = client.get(f"/portail/dossier/{rubrique}/")
                assert reponse.status_code == 200, reponse.status_code

            return lire

        cibles = [("vue minimale", reference)] + [(r, page(r)) for r in RUBRIQUES]
        print(f"{connection.vendor}, réglages de production, {options.n} requêtes chacune (médianes)")
        print(f"{'':<14} {'CPU Python':>11} {'durée':>9} {'appels de fonctions':>20} {'SQL':>5}")
        for nom, appel in cibles:
            for _ in range(20):  # warm: templates compiled, chain head created
                appel()
            cpu, mur = par_requete(appel, options.n)
            appels = appels_de_fonctions(appel, min(options.n, 100))
            print(f"{nom:<14} {cpu:8.2f} ms {mur:6.2f} ms {appels:20,.0f} {requetes_sql(connection, appel):5d}")
        print("\nPaiements, temps CPU par couche :")
        couches(page("paiements"), options.n)
        officier(agent, options.n)
    finally:
        runner.teardown_databases(anciennes)


if __name__ == "__main__":
    main()
