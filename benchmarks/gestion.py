"""How long the gestionnaire's pages take, through the real pages (Django test client), on the
database of DATABASE_URL (SQLite by default): the home page's "À faire aujourd'hui" and the
habilitations list for a Caf of N habilitations, and one convention's PDF (with its annexes).

    .venv/bin/python benchmarks/gestion.py [--habilitations 2000] [--n 20]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cafpro.settings.test")


def mesurer(libelle: str, n: int, appel) -> None:
    durees = []
    for _ in range(n):
        debut = time.perf_counter()
        appel()
        durees.append((time.perf_counter() - debut) * 1000)
    durees.sort()
    p95 = durees[max(0, int(len(durees) * 0.95) - 1)]
    print(f"{libelle:<55} médiane {statistics.median(durees):7.1f} ms   p95 {p95:7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--habilitations", type=int, default=2000)
    parser.add_argument("--n", type=int, default=20)
    options = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, get_runner, setup_test_environment

    setup_test_environment()
    runner = get_runner(settings)(verbosity=0, interactive=False)
    anciennes = runner.setup_databases()
    try:
        call_command("loaddata", "caisses", "routage", verbosity=0)
        from conventions.models import Convention
        from documents.models import DocumentEmis
        from habilitations.models import Habilitation
        from tests.conftest import connecter_au_admin
        from tests.factories import ConventionFactory, HabilitationFactory, StaffFactory, caisse

        caf = caisse("131")
        conventions = [ConventionFactory(caisse=caf, profil=p) for p in ("T2", "T13", "T10", "T1")]
        modele = HabilitationFactory(convention=conventions[0])
        champs = {f.attname: getattr(modele, f.attname) for f in Habilitation._meta.concrete_fields}
        from habilitations.models import User

        users = User.objects.bulk_create(
            [User(username=f"B{i:07d}", type_compte="partenaire") for i in range(options.habilitations)]
        )
        Habilitation.objects.bulk_create(
            [
                Habilitation(
                    **{
                        **{k: v for k, v in champs.items() if k not in ("id", "public_id", "user_id", "convention_id")},
                        "user_id": u.pk,
                        "convention_id": conventions[i % len(conventions)].pk,
                        "nom": f"AGENT{i}",
                    }
                )
                for i, u in enumerate(users)
            ]
        )
        client = connecter_au_admin(Client(), StaffFactory(username="gestion.mesure", caisse=caf))
        print(
            f"{connection.vendor}, {Habilitation.objects.count()} habilitations, "
            f"{Convention.objects.count()} conventions dans la Caf 131"
        )
        with CaptureQueriesContext(connection) as requetes:
            assert client.get("/gestion/").status_code == 200
        print(f"accueil : {len(requetes)} requêtes SQL")
        mesurer("accueil du gestionnaire (À faire aujourd'hui)", options.n, lambda: client.get("/gestion/"))
        mesurer(
            "liste des habilitations (100 par page)",
            options.n,
            lambda: client.get("/gestion/habilitations/habilitation/"),
        )
        client.post(
            "/gestion/conventions/convention/",
            {"action": "editer_convention", "_selected_action": [conventions[1].pk]},
        )
        document = DocumentEmis.objects.get(nature="convention")
        url = f"/gestion/documents/{document.public_id}/pdf/"
        taille = len(client.get(url).content)
        mesurer(f"PDF de la convention T13 et ses annexes ({taille // 1024} Kio)", options.n, lambda: client.get(url))
    finally:
        runner.teardown_databases(anciennes)


if __name__ == "__main__":
    main()
