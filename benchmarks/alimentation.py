#!/usr/bin/env python3
"""The allocataire data feed at national scale: N dossiers with full histories loaded on PostgreSQL.

Writes a feed file of N generated dossiers (`manage.py demo_flux`; kept and reused: the same N
and day give the same file), creates a scratch database, migrates it, then times
`manage.py charger_dossiers` on that file twice: the first load (an empty database) and the
second, which must change nothing. Prints dossiers/s, rows/s, the time and the loader's peak
memory (its own process).

    .venv/bin/python benchmarks/alimentation.py                   # 1 000 000 dossiers
    .venv/bin/python benchmarks/alimentation.py --dossiers 100000

Another benchmark builds its data with `construire_dossiers(url, nombre)`.
"""

import argparse
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SERVEUR = "postgres://postgres@127.0.0.1:5432"
# A fixed extraction day: the file written once is reused by later runs.
JOUR = "2026-11-01"


def manage(url: str, *arguments: str, capture: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "cafpro.settings.dev"}
    return subprocess.run(
        [PYTHON, str(RACINE / "manage.py"), *arguments], env=env, check=True, text=True, capture_output=capture
    )


def base_neuve(url: str) -> None:
    serveur, nom = url.rsplit("/", 1)
    subprocess.run(["psql", f"{serveur}/postgres", "-qc", f"DROP DATABASE IF EXISTS {nom}"], check=True)
    subprocess.run(["psql", f"{serveur}/postgres", "-qc", f"CREATE DATABASE {nom}"], check=True)
    manage(url, "migrate", "-v0")
    manage(url, "referentiel", "-v0")


def fichier_du_flux(url: str, nombre: int, fichier: Path | None = None) -> tuple[Path, float | None]:
    """The feed file of `nombre` dossiers, written unless already there; (path, seconds to write it)."""
    fichier = fichier or Path(f"/tmp/cafpro-flux-{nombre}-{JOUR}.jsonl.gz")
    if fichier.exists():
        return fichier, None
    debut = time.monotonic()
    provisoire = fichier.with_name(fichier.name + ".partiel.gz")
    manage(url, "demo_flux", str(provisoire), "--dossiers", str(nombre), "--jour", JOUR)
    provisoire.rename(fichier)  # an interrupted run leaves no truncated file to reuse
    return fichier, time.monotonic() - debut


def charger(url: str, fichier: Path) -> dict:
    """One `manage.py charger_dossiers` in its own process: its figures and its peak memory."""
    avant = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    debut = time.monotonic()
    sortie = manage(url, "charger_dossiers", str(fichier), "--sans-progression").stdout
    secondes = time.monotonic() - debut
    pic = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the largest child so far, in kB
    nombres = re.search(r"(\d+) dossiers lus .* (\d+) nouveaux, (\d+) modifiés, (\d+) inchangés ; (\d+) lignes", sortie)
    dossiers, nouveaux, modifies, inchanges, lignes = map(int, nombres.groups())
    return {
        "secondes": secondes,
        "dossiers": dossiers,
        "nouveaux": nouveaux,
        "modifies": modifies,
        "inchanges": inchanges,
        "lignes": lignes,
        "rss_mo": pic / 1024 if pic > avant else None,
    }


def construire_dossiers(url: str, nombre: int, fichier: Path | None = None) -> dict:
    """Build `nombre` dossiers in the (existing, migrated) database `url` through the feed."""
    chemin, _ = fichier_du_flux(url, nombre, fichier)
    return charger(url, chemin)


def afficher(titre: str, mesure: dict) -> None:
    s = mesure["secondes"]
    rss = f"{mesure['rss_mo']:.0f} Mo" if mesure["rss_mo"] else "(≤ chargement précédent)"
    print(
        f"{titre:<22} {s:8.1f} s  {mesure['dossiers'] / s:8.0f} dossiers/s  {mesure['lignes'] / s:10.0f} lignes/s  "
        f"{mesure['nouveaux']} nouveaux, {mesure['modifies']} modifiés, {mesure['inchanges']} inchangés, "
        f"{mesure['lignes']} lignes écrites ; pic mémoire du chargeur {rss}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--base", default=f"{SERVEUR}/cafpro_bench_alimentation")
    parser.add_argument("--fichier", type=Path, help="Fichier du flux (défaut : /tmp/cafpro-flux-N-JOUR.jsonl.gz).")
    options = parser.parse_args()
    base_neuve(options.base)
    fichier, ecriture = fichier_du_flux(options.base, options.dossiers, options.fichier)
    taille = fichier.stat().st_size / 2**20
    ecrit = f"écrit en {ecriture:.0f} s" if ecriture else "réutilisé"
    print(f"Fichier {fichier} : {options.dossiers} dossiers, {taille:.0f} Mo (gzip), {ecrit}")
    afficher("Premier chargement", charger(options.base, fichier))
    afficher("Second (idempotent)", charger(options.base, fichier))


if __name__ == "__main__":
    main()
