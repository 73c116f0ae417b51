#!/usr/bin/env python3
"""Does the journal's chain cap one Caf? Events appended per second by 32 concurrent writers
(threads, each with its own connection) all of one Caf, then spread over 8 Cafs, on PostgreSQL.

    .venv/bin/python benchmarks/chaine.py [--ecrivains 32] [--duree 10] [--url postgres://…/base]

Each append is what a consultation does (journal.ecriture.enregistrer: lock the chain's head,
insert the event, move the head, commit). If the one-Caf figure is well below the 8-Caf one,
the head's lock is what bounds a Caf; if they are close, the database's commits are.
The base (default cafpro_banc_chaine) is created and migrated if missing.
"""

import argparse
import os
import sys
import threading
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))
CAISSES = ["131", "161", "541", "781", "831", "841", "171", "791"]


def mesurer(caisses: list[str], ecrivains: int, duree: float) -> float:
    from django.db import connection

    from journal.ecriture import enregistrer
    from journal.models import Resultat, TypeEvenement

    comptes = [0] * ecrivains
    fin = time.monotonic() + duree
    depart = threading.Barrier(ecrivains + 1)

    def ecrire(i: int) -> None:
        caisse = caisses[i % len(caisses)]
        depart.wait()
        while time.monotonic() < fin:
            enregistrer(
                TypeEvenement.CONSULTATION, Resultat.SUCCES, identifiant=f"BANC{i:04d}", caisse=caisse, rubrique="banc"
            )
            comptes[i] += 1
        connection.close()

    fils = [threading.Thread(target=ecrire, args=(i,)) for i in range(ecrivains)]
    for f in fils:
        f.start()
    depart.wait()
    debut = time.monotonic()
    for f in fils:
        f.join()
    return sum(comptes) / (time.monotonic() - debut)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="postgres://postgres@127.0.0.1:5432/cafpro_banc_chaine")
    parser.add_argument("--ecrivains", type=int, default=32)
    parser.add_argument("--duree", type=float, default=10)
    parser.add_argument("--tours", type=int, default=3)
    options = parser.parse_args()
    from benchmarks.journal import preparer_base

    preparer_base(options.url, recharger=False)
    os.environ.update(DATABASE_URL=options.url, DJANGO_SETTINGS_MODULE="cafpro.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    connection.close()
    print(f"{options.ecrivains} écrivains, {options.duree:g} s par mesure, événements ajoutés par seconde :")
    for tour in range(options.tours):
        une = mesurer(CAISSES[:1], options.ecrivains, options.duree)
        huit = mesurer(CAISSES, options.ecrivains, options.duree)
        print(f"  tour {tour + 1} : une Caf {une:7.0f}/s   huit Caf {huit:7.0f}/s   rapport {une / huit:.0%}")


if __name__ == "__main__":
    main()
