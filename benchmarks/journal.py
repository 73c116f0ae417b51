#!/usr/bin/env python3
"""Journal des accès at scale: searches and export over millions of events on PostgreSQL.

Loads N events (10 million by default) into a database of its own, partitioned by month over
the last twelve months, then prints the p50 / p99 of the Responsables Sécurité's main
searches (`controle.recherche.rechercher`: by habilitation, by dossier, by period with a
kind, first and next pages) and the memory of the CSV export for growing numbers of rows.

    .venv/bin/python benchmarks/journal.py                      # 10 000 000 events
    .venv/bin/python benchmarks/journal.py --evenements 1000000 --requetes 100

The base (default postgres://postgres@127.0.0.1:5432/cafpro_bench_journal) is created if
missing and reused if it already holds enough events (--recharger to start again).
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))

CAISSES = ["131", "161", "541", "781", "831", "841", "171", "791", "861", "CMAF"]
POIDS = [40, 15, 8, 8, 7, 6, 5, 4, 4, 3]  # the Caf of Marseille is the busiest
HABILITATIONS_PAR_CAISSE = 100


def preparer_base(url: str, recharger: bool) -> None:
    nom = url.rsplit("/", 1)[1]
    serveur = url.rsplit("/", 1)[0]
    if recharger:
        subprocess.run(["psql", f"{serveur}/postgres", "-qc", f"DROP DATABASE IF EXISTS {nom}"], check=True)
    existe = subprocess.run(
        ["psql", f"{serveur}/postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{nom}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not existe:
        subprocess.run(["psql", f"{serveur}/postgres", "-qc", f"CREATE DATABASE {nom}"], check=True)


def django_pret(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cafpro.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("referentiel", verbosity=0)
    from django.conf import settings

    # As in production: no log of every query kept in memory (it would weigh on the export).
    settings.DEBUG = False


def siret(n: int) -> str:
    """A SIRET that passes the Luhn check (conventions.validators)."""
    base = f"4{n:012d}"
    for cle in range(10):
        chiffres = [int(c) for c in base + str(cle)]
        total = sum(sum(divmod(c * 2, 10)) if i % 2 else c for i, c in enumerate(reversed(chiffres)))
        if total % 10 == 0:
            return base + str(cle)
    raise ValueError(n)


def habilitations_de_bench() -> dict[str, list[int]]:
    """A hundred habilitations per Caf, under one convention each (created once)."""
    from conventions.models import Caisse, Convention, DesignationResponsable, Partenaire
    from habilitations.models import EtatHabilitation, Habilitation, TypeCompte, User

    par_caisse: dict[str, list[int]] = {}
    for numero in CAISSES:
        caisse = Caisse.objects.get(numero=numero)
        partenaire, _ = Partenaire.objects.get_or_create(
            caisse=caisse,
            raison_sociale=f"Partenaire de mesure {numero}",
            defaults={
                "siret": siret(CAISSES.index(numero)),
                "adresse": "1 rue de la Mesure",
                "code_postal": "13001",
                "ville": "Marseille",
                "representant_nom": "Mesure",
                "representant_qualite": "Directeur",
            },
        )
        if not partenaire.designations.exists():
            DesignationResponsable.objects.create(partenaire=partenaire, nom="Mesure", prenom="Camille")
        convention, _ = Convention.objects.get_or_create(
            caisse=caisse,
            numero=f"BENCH-{numero}",
            defaults={
                "partenaire": partenaire,
                "profil": "T13",
                "date_effet": date(2025, 1, 1),
                "signataire_caf": "Le directeur",
                "date_signature_caf": date(2025, 1, 1),
                "signataire_partenaire": "Le président",
                "date_signature_partenaire": date(2025, 1, 1),
            },
        )
        existantes = list(Habilitation.objects.filter(convention=convention).values_list("pk", flat=True))
        manquantes = HABILITATIONS_PAR_CAISSE - len(existantes)
        if manquantes > 0:
            users = User.objects.bulk_create(
                [
                    User(username=f"B{numero[:3]}{len(existantes) + i:04d}", type_compte=TypeCompte.PARTENAIRE)
                    for i in range(manquantes)
                ]
            )
            Habilitation.objects.bulk_create(
                [
                    Habilitation(
                        user=u,
                        convention=convention,
                        nom=f"MESURE{u.pk}",
                        prenom="Camille",
                        fonction="Instructeur",
                        adresse_professionnelle="1 rue de la Mesure",
                        telephone="0400000000",
                        email="mesure@exemple.invalid",
                        contrat="CDI",
                        etat=EtatHabilitation.ACTIVE,
                    )
                    for u in users
                ]
            )
            existantes = list(Habilitation.objects.filter(convention=convention).values_list("pk", flat=True))
        par_caisse[numero] = existantes
    return par_caisse


def charger(nombre: int, par_caisse: dict[str, list[int]]) -> None:
    """Insert `nombre` events spread over the last 365 days, by batches of a million,
    generated by PostgreSQL itself (generate_series), into monthly partitions."""
    from django.db import connection

    from journal import partitions

    aujourd_hui = date.today()
    with connection.cursor() as curseur:
        curseur.execute("SET statement_timeout = 0")  # loading, not serving
        mois = (aujourd_hui - timedelta(days=370)).replace(day=1)
        while mois <= aujourd_hui.replace(day=1):
            partitions.creer(curseur, mois)
            mois = partitions._mois_suivant(mois)
        curseur.execute("SELECT count(*) FROM journal_evenement")
        deja = curseur.fetchone()[0]
        # Each event's Caf by weight; its habilitation among that Caf's; a dossier among 200 000,
        # of the agent's Caf for 97 % of the consultations, of another Caf for the rest.
        tranches, cumul = [], 0
        for numero, poids in zip(CAISSES, POIDS, strict=True):
            tranches.append((cumul, cumul + poids, numero, par_caisse[numero]))
            cumul += poids
        cas_caisse = " ".join(f"WHEN r.c < {haut} THEN '{numero}'" for _, haut, numero, _ in tranches)
        cas_habilitation = " ".join(
            f"WHEN r.c < {haut} THEN (ARRAY{ids})[1 + mod(r.h, {len(ids)})]" for _, haut, _, ids in tranches
        )
        lot = 1_000_000
        while deja < nombre:
            taille = min(lot, nombre - deja)
            debut = time.perf_counter()
            curseur.execute(
                f"""
                INSERT INTO journal_evenement (horodatage, type, resultat, motif, identifiant, habilitation_id,
                    acteur, caisse, adresse_ip, numero_allocataire, rubrique, periode, details, caisse_dossier,
                    rang, empreinte)
                SELECT now() - (r.t * interval '365 days'),
                       CASE WHEN r.k < 70 THEN 'consultation' WHEN r.k < 85 THEN 'connexion'
                            WHEN r.k < 93 THEN 'deconnexion' WHEN r.k < 96 THEN 'expiration'
                            WHEN r.k < 98 THEN 'refus' ELSE 'mot_de_passe' END,
                       CASE WHEN r.k BETWEEN 70 AND 72 THEN 'echec' WHEN r.k BETWEEN 96 AND 97 THEN 'refus'
                            ELSE 'succes' END,
                       '', 'ID' || mod(r.h, 100000), CASE {cas_habilitation} END, '',
                       CASE {cas_caisse} END,
                       ('10.' || mod(r.h, 250) || '.' || mod(r.n, 250) || '.' || (r.k + 1))::inet,
                       CASE WHEN r.k < 70 THEN lpad((1000000 + mod(r.n, 200000))::text, 7, '0') ELSE '' END,
                       CASE WHEN r.k < 70 THEN 'paiements' ELSE '' END, '', '{{}}'::jsonb,
                       CASE WHEN r.k >= 70 THEN ''
                            WHEN mod(r.n, 100) < 3 THEN (ARRAY{CAISSES})[1 + mod(r.h, {len(CAISSES)})]
                            ELSE CASE {cas_caisse} END END, NULL, ''
                FROM (SELECT random() AS t, floor(random() * 100)::int AS k, floor(random() * 1000000)::int AS h,
                             floor(random() * 10000000)::int AS n, floor(random() * {cumul})::int AS c
                      FROM generate_series(1, %s)) AS r
                """,
                [taille],
            )
            deja += taille
            print(f"  {deja:>12,} événements ({time.perf_counter() - debut:.1f} s pour ce lot)", flush=True)
        curseur.execute("ANALYZE journal_evenement")


def charger_dossiers() -> None:
    """The 200 000 dossiers of the Caf 131 that the events consult (numéros 1000000 to 1199999),
    four in five in the Bouches-du-Rhône: the "hors territoire" indicator joins them."""
    from django.db import connection

    from conventions.models import Caisse
    from dossiers.models import Dossier

    caisse = Caisse.objects.get(numero="131")
    if Dossier.objects.filter(caisse=caisse, numero_allocataire__gte="1000000").count() >= 200_000:
        return
    with connection.cursor() as curseur:
        curseur.execute("SET statement_timeout = 0")
        curseur.execute(
            """
            INSERT INTO dossiers_dossier (caisse_id, numero_allocataire, situation, situation_depuis,
                motif_radiation, situation_familiale, situation_familiale_depuis, regime, surendettement,
                references_bancaires, opposition_partage, adresse_complement, adresse_voie, code_postal,
                commune, code_insee)
            SELECT %s, lpad(n::text, 7, '0'), 'affilie', DATE '2020-01-01', '', 'marie', DATE '2015-01-01',
                   'general', false, '', false, '', '1 rue de la Mesure',
                   CASE WHEN mod(n, 5) = 0 THEN '8' || lpad(mod(n, 10000)::text, 4, '0') ELSE '13001' END,
                   'Commune', '13201'
            FROM generate_series(1000000, 1199999) AS n
            ON CONFLICT DO NOTHING
            """,
            [caisse.pk],
        )


def mesurer(nom: str, fonction, n: int) -> tuple[float, float]:
    durees = []
    for _ in range(n):
        debut = time.perf_counter()
        fonction()
        durees.append((time.perf_counter() - debut) * 1000)
    durees.sort()
    p50 = statistics.median(durees)
    p99 = durees[min(len(durees) - 1, int(len(durees) * 0.99))]
    print(f"  {nom:<58} p50 {p50:7.1f} ms   p99 {p99:7.1f} ms   max {durees[-1]:7.1f} ms")
    return p50, p99


def mesures(n: int, par_caisse: dict[str, list[int]]) -> None:
    from controle.export import lignes_csv
    from controle.recherche import Criteres, rechercher

    aleatoire = random.Random(2026)
    aujourd_hui = date.today()
    habilitations = par_caisse["131"]
    print(f"\nRecherches dans la Caf 131 ({n} requêtes chacune, pages de 50) :")
    mesurer("journal de la Caf, première page", lambda: rechercher("131"), n)

    def page_suivante():
        premiere = rechercher("131", Criteres(debut=aujourd_hui - timedelta(days=aleatoire.randint(10, 300))))
        rechercher("131", apres=premiere.suivant)

    mesurer("journal de la Caf, page suivante (deux pages)", page_suivante, n)
    mesurer(
        "par habilitation",
        lambda: rechercher("131", Criteres(habilitation_id=aleatoire.choice(habilitations))),
        n,
    )
    mesurer(
        "par numéro d'allocataire",
        lambda: rechercher("131", Criteres(numero_allocataire=f"{1000000 + aleatoire.randrange(200000):07d}")),
        n,
    )

    def periode_et_genre():
        debut = aujourd_hui - timedelta(days=aleatoire.randint(7, 360))
        genre = aleatoire.choice(["consultation", "connexion_echouee", "refus", "expiration"])
        rechercher("131", Criteres(debut=debut, fin=debut + timedelta(days=7), genre=genre))

    mesurer("par période (7 jours) et genre d'événement", periode_et_genre, n)
    mesurer(
        "qui a consulté ce dossier (consultations des dossiers de la Caf)",
        lambda: rechercher(
            "131",
            Criteres(numero_allocataire=f"{1000000 + aleatoire.randrange(200000):07d}", dossiers_seulement=True),
        ),
        n,
    )

    from controle.indicateurs import tableau

    print("\nIndicateurs d'irrégularités de la Caf 131 (30 derniers jours, 5 calculs) :")
    mesurer("page des indicateurs (tous les indicateurs)", lambda: tableau("131"), 5)

    print("\nExport CSV (flux ligne à ligne) — mémoire Python maximale pendant l'export :")
    for jours in (1, 7, 30, 90):
        criteres = Criteres(debut=aujourd_hui - timedelta(days=jours - 1), fin=aujourd_hui)
        tracemalloc.start()
        debut = time.perf_counter()
        lignes = octets = 0
        for morceau in lignes_csv("131", criteres):
            lignes += 1
            octets += len(morceau.encode())
        duree = time.perf_counter() - debut
        _, pic = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"  {jours:>2} jour(s) : {lignes - 1:>9,} lignes, {octets / 1e6:8.1f} Mo en {duree:6.1f} s, "
            f"pic de mémoire {pic / 1e6:6.2f} Mo"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="postgres://postgres@127.0.0.1:5432/cafpro_bench_journal")
    parser.add_argument("--evenements", type=int, default=10_000_000)
    parser.add_argument("--requetes", type=int, default=200)
    parser.add_argument("--recharger", action="store_true", help="Repartir d'une base vide.")
    options = parser.parse_args()
    preparer_base(options.url, options.recharger)
    django_pret(options.url)
    par_caisse = habilitations_de_bench()
    print(f"Chargement de {options.evenements:,} événements …", flush=True)
    debut = time.perf_counter()
    charger(options.evenements, par_caisse)
    charger_dossiers()
    print(f"Base prête en {time.perf_counter() - debut:.0f} s.")
    mesures(options.requetes, par_caisse)


if __name__ == "__main__":
    main()
