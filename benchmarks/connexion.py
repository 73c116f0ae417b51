"""How long one partner login takes, through the real page (Django test client), on the
database of DATABASE_URL (SQLite by default): a wrong and a right password, and an
unknown identifiant, which must cost the same Argon2 work.

    .venv/bin/python benchmarks/connexion.py [--n 30]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cafpro.settings.test")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=30)
    n = parser.parse_args().n

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import get_runner, setup_test_environment

    setup_test_environment()
    runner = get_runner(settings)(verbosity=0, interactive=False)
    anciennes = runner.setup_databases()
    try:
        call_command("loaddata", "caisses", "routage", verbosity=0)
        from habilitations.models import CompteurEchecs
        from tests.factories import MOT_DE_PASSE_PARTENAIRE, HabilitationFactory

        settings.CAFPRO_THROTTLE_MAX_ECHECS = 10**9
        habilitation = HabilitationFactory()
        cas = {
            "bon mot de passe": (habilitation.identifiant, MOT_DE_PASSE_PARTENAIRE),
            "mauvais mot de passe": (habilitation.identifiant, "Xy7zW3"),
            "identifiant inconnu": ("ZZZZ9999", "Xy7zW3"),
        }
        print(f"Base : {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, {n} connexions par cas")
        for nom, (identifiant, mot) in cas.items():
            durees = []
            for _ in range(n):
                CompteurEchecs.objects.update(echecs=0)
                client = Client()
                debut = time.perf_counter()
                client.post("/", {"identifiant": identifiant, "mot_de_passe": mot})
                durees.append((time.perf_counter() - debut) * 1000)
            durees.sort()
            p90 = durees[int(0.9 * (len(durees) - 1))]
            print(f"  {nom:<22} médiane {statistics.median(durees):6.1f} ms   p90 {p90:6.1f} ms")
    finally:
        runner.teardown_databases(anciennes)


if __name__ == "__main__":
    main()
