"""How long a rubrique page of a dossier takes, in process (Django test client, so without
gunicorn or the network), and how many SQL statements it costs, on the database of DATABASE_URL
(SQLite by default): an agent of Caf 131 (T1) reading a documented dossier, N times each page.

    .venv/bin/python benchmarks/consultation.py [--n 200] [--profil paiements]

Issue 17's HTTP benchmark is benchmarks/banc.py (gunicorn, wrk, the minimal-work baseline):
this one measures the Python and SQL cost of a page, which that throughput follows, and with
--profil shows where it goes (cProfile).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cafpro.settings.test")

RUBRIQUES = ("paiements", "dossier", "famille", "ressources")


def compter_les_requetes(connection, appel) -> int:
    requetes = []

    def noter(execute, sql, *args):
        requetes.append(sql)
        return execute(sql, *args)

    with connection.execute_wrapper(noter):
        assert appel().status_code == 200
    return len(requetes)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument(
        "--profil",
        metavar="RUBRIQUE",
        help="profile N reads of this rubrique with cProfile and print where the time goes",
    )
    options = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import get_runner, setup_test_environment

    setup_test_environment()
    runner = get_runner(settings)(verbosity=0, interactive=False)
    anciennes = runner.setup_databases()
    try:
        call_command("loaddata", "caisses", "routage", verbosity=0)
        from demo.dossiers import creer_dossier
        from tests.factories import HabilitationFactory, caisse

        agent = HabilitationFactory(convention__caisse=caisse("131"), convention__profil="T1")
        creer_dossier(caisse("131"), "1000001")
        client = Client()
        client.force_login(agent.user)
        client.post("/portail/consulter/", {"numero_allocataire": "1000001"})
        print(f"{connection.vendor}, {options.n} pages chacune")
        if options.profil:
            profiler(client, f"/portail/dossier/{options.profil}/", options.n)
            return
        for rubrique in RUBRIQUES:
            adresse = f"/portail/dossier/{rubrique}/"
            client.get(adresse)
            requetes = compter_les_requetes(connection, lambda a=adresse: client.get(a))
            durees = []
            for _ in range(options.n):
                debut = time.perf_counter()
                client.get(adresse)
                durees.append((time.perf_counter() - debut) * 1000)
            durees.sort()
            p95 = durees[max(0, int(len(durees) * 0.95) - 1)]
            print(
                f"{rubrique:<12} {requetes:3d} requêtes   "
                f"médiane {statistics.median(durees):6.1f} ms   p95 {p95:6.1f} ms"
            )
    finally:
        runner.teardown_databases(anciennes)


def profiler(client, adresse: str, n: int) -> None:
    """cProfile over n reads of one page: the functions that cost the most, by own time and
    by cumulated time."""
    import cProfile
    import pstats

    client.get(adresse)
    profil = cProfile.Profile()
    profil.enable()
    for _ in range(n):
        client.get(adresse)
    profil.disable()
    stats = pstats.Stats(profil).strip_dirs()
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(60)


if __name__ == "__main__":
    main()
