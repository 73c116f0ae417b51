#!/usr/bin/env python3
"""Journal des accès at scale: the Responsables Sécurité's searches over millions of events.

Builds, in a PostgreSQL database of its own, a référentiel of thousands of habilitations (ten
Cafs, the 131 holding 40 % of the activity; partners with one to three conventions of varied
profiles; agents whose activity follows a heavy-tailed law) and N events (10 million by
default) over thirteen monthly partitions, each event carrying its agent's identifiant,
habilitation and Caf. Then times, in process, the first page and the next page of every
filter of the search form and of combinations (`requetes_officier`), printing p50 / p95 / p99
per search (over --tours draws, 20 by default: p99 is then the slowest draw; 100 for a p99 of
its own), and saves EXPLAIN (ANALYZE, BUFFERS) of the slowest.

    .venv/bin/python benchmarks/journal.py                            # 10 000 000 events
    .venv/bin/python benchmarks/journal.py --evenements 1000000 --tours 100
    .venv/bin/python benchmarks/journal.py --export                   # also the CSV export's memory

The base (default postgres://postgres@127.0.0.1:5432/cafpro_bench_journal) is created if
missing and reused if it already holds the events (--recharger to start again).

For the HTTP benchmark: `construire(n_evenements)` builds the same data into the database
Django is connected to, and `requetes_officier(caisse)` gives (label, query string) pairs for
the search page (/gestion/controle/journal/?…), one per filter and combination.
"""

import argparse
import math
import os
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))

CAISSES = ["131", "161", "541", "781", "831", "841", "171", "791", "861", "CMAF"]
POIDS = [40, 15, 8, 8, 7, 6, 5, 4, 4, 3]  # the Caf of Marseille is the busiest
PARTENAIRES = 400  # over all Cafs, by weight
NOMS = (
    "MARTIN BERNARD THOMAS PETIT ROBERT RICHARD DURAND DUBOIS MOREAU LAURENT SIMON MICHEL LEFEBVRE "
    "LEROY ROUX DAVID BERTRAND MOREL FOURNIER GIRARD BONNET DUPONT LAMBERT FONTAINE ROUSSEAU VINCENT "
    "MULLER LEFEVRE FAURE ANDRE MERCIER BLANC GUERIN BOYER GARNIER CHEVALIER FRANCOIS LEGRAND GAUTHIER "
    "GARCIA PERRIN ROBIN CLEMENT MORIN NICOLAS HENRY ROUSSEL MATHIEU GAUTIER MASSON"
).split()
PRENOMS = "Camille Louise Jules Léa Hugo Chloé Arthur Inès Paul Manon Lucas Emma Nathan Sarah".split()
MOIS = 13  # the current month and the twelve before it
SLOTS = 200_000  # an event draws its agent among these, each agent owning slots by activity
DOSSIERS = 200_000  # numéros 1000000 to 1199999 in every Caf


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


@dataclass
class Agent:
    habilitation_id: int
    identifiant: str
    caisse: str
    partenaire_id: int
    activite: float  # relative weight within his Caf


def referentiel_de_bench(graine: int = 2026) -> list[Agent]:
    """Partners (one to three conventions each, of varied profiles) and their habilitations, a
    few to dozens per convention: about 8 000 habilitations. Created once, then read back."""
    from conventions.models import Caisse, Convention, Partenaire
    from habilitations.models import EtatHabilitation, Habilitation, TypeCompte, User
    from profils.definitions import profil_choices

    # Every profile but T12, which only greffiers hold.
    profils = [code for code, _ in profil_choices() if code != "T12"]
    aleatoire = random.Random(graine)
    if not Habilitation.objects.filter(convention__numero__startswith="BENCH-").exists():
        numero_siret = 0
        for numero, poids in zip(CAISSES, POIDS, strict=True):
            caisse = Caisse.objects.get(numero=numero)
            agents = 0
            for p in range(max(2, PARTENAIRES * poids // 100)):
                numero_siret += 1
                partenaire = Partenaire.objects.create(
                    caisse=caisse,
                    raison_sociale=f"Partenaire de mesure {numero}-{p:03d}",
                    siret=siret(numero_siret),
                    adresse="1 rue de la Mesure",
                    code_postal="13001",
                    ville="Marseille",
                    representant_nom="Mesure",
                    representant_qualite="Directeur",
                )
                for c, profil in enumerate(aleatoire.sample(profils, aleatoire.choice([1, 1, 2, 3]))):
                    convention = Convention.objects.create(
                        caisse=caisse,
                        partenaire=partenaire,
                        numero=f"BENCH-{numero}-{p:03d}-{c}",
                        profil=profil,
                        date_effet=date(2025, 1, 1),
                        signataire_caf="Le directeur",
                        date_signature_caf=date(2025, 1, 1),
                        signataire_partenaire="Le président",
                        date_signature_partenaire=date(2025, 1, 1),
                    )
                    nombre = min(80, max(1, int(aleatoire.paretovariate(1.3) * 4)))
                    users = User.objects.bulk_create(
                        [
                            User(username=f"B{numero[:3]}{agents + i:04d}", type_compte=TypeCompte.PARTENAIRE)
                            for i in range(nombre)
                        ]
                    )
                    agents += nombre
                    Habilitation.objects.bulk_create(
                        [
                            Habilitation(
                                user=u,
                                convention=convention,
                                nom=aleatoire.choice(NOMS),
                                prenom=aleatoire.choice(PRENOMS),
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
    agents = []
    for pk, identifiant, caisse, partenaire in (
        Habilitation.objects.filter(convention__numero__startswith="BENCH-")
        .order_by("pk")
        .values_list("pk", "user__username", "convention__caisse__numero", "convention__partenaire_id")
    ):
        # Heavy-tailed activity: most agents read a little, a few read all day.
        agents.append(Agent(pk, identifiant, caisse, partenaire, min(aleatoire.paretovariate(1.1), 500.0)))
    return agents


def _mois(aujourd_hui: date) -> list[date]:
    premier = aujourd_hui.replace(day=1)
    mois = []
    for _ in range(MOIS):
        mois.append(premier)
        premier = (premier - timedelta(days=1)).replace(day=1)
    return mois[::-1]


def construire(n_evenements: int, graine: int = 2026, bavard: bool = True) -> list[Agent]:
    """Build the référentiel and `n_evenements` events into the database Django is connected to
    (PostgreSQL, journal partitioned, no event yet): a month at a time, generated by
    generate_series into a table without index, then attached as the month's partition, so
    that PostgreSQL builds each index once, sorted, instead of updating ten per row."""
    from django.db import connection

    from journal import partitions

    agents = referentiel_de_bench(graine)
    with connection.cursor() as curseur:
        curseur.execute("SET statement_timeout = 0")  # loading, not serving
        curseur.execute("SET synchronous_commit = off")
        curseur.execute("SET maintenance_work_mem = '1GB'")
        curseur.execute("SELECT EXISTS (SELECT 1 FROM journal_evenement)")
        if curseur.fetchone()[0]:
            if bavard:
                print("  journal déjà chargé : conservé (--recharger pour repartir de zéro)")
            return agents
        _tables_des_agents(curseur, agents)
        mois = _mois(date.today())
        maintenant = datetime.now(UTC)
        debut_total = datetime(mois[0].year, mois[0].month, 1, tzinfo=UTC)
        duree_totale = (maintenant - debut_total).total_seconds()
        premier_id = 1
        for m in mois:
            debut, fin = partitions.bornes(m)
            fin_effective = min(fin, maintenant)
            nombre = round(n_evenements * (fin_effective - debut).total_seconds() / duree_totale)
            chrono = time.perf_counter()
            _charger_mois(curseur, m, debut, fin_effective, nombre, premier_id)
            premier_id += nombre
            if bavard:
                print(f"  {partitions.nom(m)} : {nombre:>10,} événements en {time.perf_counter() - chrono:5.1f} s")
        curseur.execute("SELECT setval(pg_get_serial_sequence('journal_evenement', 'id'), %s, false)", [premier_id])
        curseur.execute("DROP TABLE bench_agents, bench_slots")
    return agents


def _tables_des_agents(curseur, agents: list[Agent]) -> None:
    """bench_slots: SLOTS slots, each agent owning a share of his Caf's slots by activity."""
    curseur.execute(
        "DROP TABLE IF EXISTS bench_agents, bench_slots; CREATE TABLE bench_agents (agent int PRIMARY KEY, "
        "habilitation_id bigint, identifiant text, caisse text, reseau int)"
    )
    curseur.execute("CREATE TABLE bench_slots (slot int PRIMARY KEY, agent int)")
    lignes, slots = [], []
    total_poids = sum(POIDS)
    for numero, poids in zip(CAISSES, POIDS, strict=True):
        de_la_caisse = [(i, a) for i, a in enumerate(agents) if a.caisse == numero]
        activite = sum(a.activite for _, a in de_la_caisse)
        part = SLOTS * poids / total_poids
        for i, a in de_la_caisse:
            lignes.append((i, a.habilitation_id, a.identifiant, a.caisse, a.partenaire_id))
            slots.extend([i] * max(1, round(part * a.activite / activite)))
    curseur.executemany("INSERT INTO bench_agents VALUES (%s, %s, %s, %s, %s)", lignes)
    for debut in range(0, len(slots), 10_000):
        morceau = slots[debut : debut + 10_000]
        curseur.execute(
            "INSERT INTO bench_slots SELECT %s + o - 1, a FROM unnest(%s::int[]) WITH ORDINALITY AS t(a, o)",
            [debut, morceau],
        )
    curseur.execute("ANALYZE bench_agents")
    curseur.execute("ANALYZE bench_slots")


def _charger_mois(curseur, mois: date, debut: datetime, fin: datetime, nombre: int, premier_id: int) -> None:
    from journal import partitions

    table = partitions.nom(mois)
    curseur.execute("SELECT count(*) FROM bench_slots")
    slots = curseur.fetchone()[0]
    # The month's (empty) partition, if the migrations created it, makes way for the loaded one.
    if mois in partitions.existantes(curseur):
        curseur.execute(f"ALTER TABLE journal_evenement DETACH PARTITION {table}")
    curseur.execute(f"DROP TABLE IF EXISTS {table}")
    curseur.execute(f"CREATE TABLE {table} (LIKE journal_evenement INCLUDING DEFAULTS)")
    # Events in time order (ids grow with time, as written live). Types: 70 % consultations,
    # 15 % logins (a fifth of them failed), logouts, expirations, refusals, password changes;
    # 0.5 % failed logins of identifiants unknown to every Caf. A dossier among DOSSIERS, of
    # another Caf for 3 % of consultations. Each agent works from his partner's network.
    curseur.execute(
        f"""
        INSERT INTO {table} (id, horodatage, type, resultat, motif, identifiant, habilitation_id, acteur,
            caisse, adresse_ip, numero_allocataire, rubrique, periode, details, caisse_dossier, rang, empreinte)
        SELECT %(premier)s + g.n - 1,
               %(debut)s + (g.n - 1 + g.u) * %(pas)s * interval '1 microsecond',
               CASE WHEN g.inconnu THEN 'connexion'
                    WHEN g.k < 70 THEN 'consultation' WHEN g.k < 85 THEN 'connexion'
                    WHEN g.k < 93 THEN 'deconnexion' WHEN g.k < 96 THEN 'expiration'
                    WHEN g.k < 98 THEN 'refus' ELSE 'mot_de_passe' END,
               CASE WHEN g.inconnu OR g.k BETWEEN 70 AND 72 THEN 'echec' WHEN g.k BETWEEN 96 AND 97 THEN 'refus'
                    ELSE 'succes' END,
               CASE WHEN g.inconnu THEN 'identifiant inconnu' WHEN g.k BETWEEN 70 AND 72 THEN 'mot de passe erroné'
                    ELSE '' END,
               CASE WHEN g.inconnu THEN 'X' || g.d ELSE a.identifiant END,
               CASE WHEN g.inconnu THEN NULL ELSE a.habilitation_id END,
               '',
               CASE WHEN g.inconnu THEN '' ELSE a.caisse END,
               ('10.' || mod(a.reseau / 250, 250) || '.' || mod(a.reseau, 250) || '.' || (1 + mod(g.d, 20)))::inet,
               CASE WHEN g.k < 70 AND NOT g.inconnu THEN (1000000 + g.d)::text ELSE '' END,
               CASE WHEN g.k < 70 AND NOT g.inconnu THEN 'paiements' ELSE '' END,
               '', '{{}}'::jsonb,
               CASE WHEN g.k >= 70 OR g.inconnu THEN ''
                    WHEN mod(g.d, 100) < 3 THEN (ARRAY{CAISSES})[1 + mod(g.d, {len(CAISSES)})]
                    ELSE a.caisse END,
               NULL, ''
        FROM (SELECT n, random() AS u, floor(random() * 100)::int AS k, floor(random() * %(slots)s)::int AS s,
                     floor(random() * {DOSSIERS})::int AS d, random() < 0.005 AS inconnu
              FROM generate_series(1, %(nombre)s) AS n) AS g
        JOIN bench_slots sl ON sl.slot = g.s
        JOIN bench_agents a ON a.agent = sl.agent
        """,
        {
            "premier": premier_id,
            "debut": debut,
            "pas": (fin - debut).total_seconds() * 1e6 / max(nombre, 1),
            "slots": slots,
            "nombre": nombre,
        },
    )
    curseur.execute(f"VACUUM (ANALYZE) {table}")
    debut_mois, fin_mois = partitions.bornes(mois)
    curseur.execute(
        f"ALTER TABLE journal_evenement ATTACH PARTITION {table} FOR VALUES FROM (%s) TO (%s)", [debut_mois, fin_mois]
    )
    # As journal.partitions.creer: statement triggers are not inherited.
    curseur.execute(
        f"CREATE TRIGGER {table}_sans_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION journal_refuser_modification()"
    )


def charger_dossiers() -> None:
    """The DOSSIERS dossiers of the Caf 131 that the events consult (numéros 1000000 to
    1199999), four in five in the Bouches-du-Rhône: the "hors territoire" indicator joins them."""
    from django.db import connection

    from conventions.models import Caisse
    from dossiers.models import Dossier

    caisse = Caisse.objects.get(numero="131")
    if Dossier.objects.filter(caisse=caisse, numero_allocataire__gte="1000000").count() >= DOSSIERS:
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
            FROM generate_series(1000000, %s) AS n
            ON CONFLICT DO NOTHING
            """,
            [caisse.pk, 1000000 + DOSSIERS - 1],
        )


def requetes_officier(caisse: str = "131", graine: int = 0) -> list[tuple[str, str]]:
    """(label, query string of the search page) for every filter of the form and combinations,
    drawn from the database (another `graine`, other agents, partners, dossiers and days)."""
    from conventions.models import Convention, Partenaire
    from habilitations.models import Habilitation
    from journal.models import Evenement

    aleatoire = random.Random(graine)
    habilitations = list(
        Habilitation.objects.filter(convention__caisse__numero=caisse, convention__numero__startswith="BENCH-")
        .order_by("pk")
        .values_list("pk", "user__username", "nom")
    )
    _, identifiant, nom = aleatoire.choice(habilitations)
    # The most active agent of a sample: a heavy identifiant beside a random one.
    echantillon = (
        Evenement.objects.filter(caisse=caisse)
        .order_by("-horodatage", "-id")
        .values_list("identifiant", flat=True)[:200]
    )
    actif = max(set(echantillon), key=list(echantillon).count) if echantillon else identifiant
    partenaires = list(
        Partenaire.objects.filter(caisse__numero=caisse).order_by("pk").values_list("public_id", flat=True)
    )
    conventions = list(
        Convention.objects.filter(caisse__numero=caisse).order_by("pk").values_list("public_id", "profil")
    )
    partenaire = aleatoire.choice(partenaires)
    convention, profil = aleatoire.choice(conventions)
    numero = str(1000000 + aleatoire.randrange(DOSSIERS))
    ip = Evenement.objects.filter(caisse=caisse, identifiant=identifiant).values_list("adresse_ip", flat=True).first()
    ip = ip or "10.0.0.1"
    aujourd_hui = date.today()
    jour = aujourd_hui - timedelta(days=aleatoire.randint(1, 360))
    semaine = {"debut": jour - timedelta(days=6), "fin": jour}
    trimestre = {"debut": jour - timedelta(days=89), "fin": jour}
    # An address of another Caf's partner (drawn last, the other draws as before): none of its
    # events is the Caf's, so the Caf's side finds nothing among them.
    autre = aleatoire.choice([c for c in CAISSES if c != caisse])
    ip_autre = (
        Evenement.objects.filter(caisse=autre, horodatage__lt=datetime(jour.year, jour.month, jour.day, tzinfo=UTC))
        .order_by("-horodatage")
        .values_list("adresse_ip", flat=True)
        .first()
    ) or "10.0.0.2"

    def qs(**filtres) -> str:
        return urlencode({k: str(v) for k, v in filtres.items()})

    return [
        ("tout le journal", ""),
        ("identifiant", qs(identifiant=identifiant)),
        ("identifiant très actif", qs(identifiant=actif)),
        ("identifiant inconnu", qs(identifiant="ZZ999999")),
        ("nom", qs(nom=nom)),
        ("partenaire", qs(partenaire=partenaire)),
        ("convention", qs(convention=convention)),
        ("profil", qs(profil=profil)),
        ("numéro d'allocataire", qs(numero_allocataire=numero)),
        ("adresse du client", qs(adresse_ip=ip)),
        ("adresse d'une autre Caf", qs(adresse_ip=ip_autre)),
        ("période (1 jour)", qs(debut=jour, fin=jour)),
        ("période (7 jours)", qs(**semaine)),
        ("genre : consultation", qs(genre="consultation")),
        ("genre : connexion échouée", qs(genre="connexion_echouee")),
        ("genre : mot de passe", qs(genre="mot_de_passe")),
        ("genre : refus d'accès", qs(genre="refus")),
        ("genre : recherche d'un dossier (rien)", qs(genre="recherche")),
        ("résultat : refus", qs(resultat="refus")),
        ("résultat : échec", qs(resultat="echec")),
        ("résultat : réussite", qs(resultat="succes")),
        ("identifiant + période (7 jours)", qs(identifiant=identifiant, **semaine)),
        ("identifiant + genre consultation", qs(identifiant=identifiant, genre="consultation")),
        ("nom + partenaire", qs(nom=nom, partenaire=partenaire)),
        ("partenaire + genre connexion échouée", qs(partenaire=partenaire, genre="connexion_echouee")),
        (
            "convention + période (90 jours) + consultation",
            qs(convention=convention, genre="consultation", **trimestre),
        ),
        ("profil + résultat refus", qs(profil=profil, resultat="refus")),
        ("profil + période (7 jours)", qs(profil=profil, **semaine)),
        ("numéro + genre consultation", qs(numero_allocataire=numero, genre="consultation")),
        ("numéro + partenaire", qs(numero_allocataire=numero, partenaire=partenaire)),
        ("adresse + résultat échec", qs(adresse_ip=ip, resultat="echec")),
        ("période (90 jours) + genre mot de passe", qs(genre="mot_de_passe", **trimestre)),
        ("genre déconnexion + résultat échec (rien)", qs(genre="deconnexion", resultat="echec")),
        ("genre mot de passe + résultat refus (rien)", qs(genre="mot_de_passe", resultat="refus")),
        ("période hors du journal (rien)", qs(debut=aujourd_hui.replace(year=aujourd_hui.year - 3), fin=jour)),
    ]


def centile(durees: list[float], q: float) -> float:
    ordonnees = sorted(durees)
    return ordonnees[min(len(ordonnees) - 1, math.ceil(len(ordonnees) * q) - 1)]


def mesures_officier(caisse: str, tours: int, repertoire: Path, seuil_ms: float) -> None:
    """Each search of `requetes_officier` with `tours` draws (graines), each run twice (first
    page, then the next page by keyset): p50 / p95 / p99 per search; EXPLAIN of the slow ones."""
    from django.db import OperationalError
    from django.http import QueryDict

    from controle.forms import RechercheForm
    from controle.recherche import Page, rechercher
    from conventions.models import Caisse

    annulees: list[str] = []
    objet_caisse = Caisse.objects.get(numero=caisse)
    par_libelle: dict[str, list[tuple[str, float, float]]] = {}
    for graine in range(tours):
        for libelle, requete in requetes_officier(caisse, graine):
            form = RechercheForm(QueryDict(requete), caisse=objet_caisse)
            if not form.is_valid():
                raise SystemExit(f"{libelle} : formulaire invalide {form.errors.as_json()}")
            criteres = form.criteres()
            debut = time.perf_counter()
            try:
                page = rechercher(caisse, criteres, None, 50)
            except OperationalError:  # the statement timeout of the settings (10 s): counted as is
                annulees.append(libelle)
                page = Page()
            premiere = (time.perf_counter() - debut) * 1000
            debut = time.perf_counter()
            if page.suivant:
                rechercher(caisse, criteres, page.suivant, 50)
            suivante = (time.perf_counter() - debut) * 1000
            par_libelle.setdefault(libelle, []).append((requete, premiere, suivante))
    print(f"\nRecherches du journal de la Caf {caisse} ({tours} tirages de chaque, pages de 50), en ms :")
    print(f"  {'recherche':<50} {'p50':>7} {'p95':>7} {'p99':>7} │ {'suite p50':>9} {'p99':>7}")
    repertoire.mkdir(parents=True, exist_ok=True)
    for libelle, mesures in par_libelle.items():
        premieres = [m[1] for m in mesures]
        suivantes = [m[2] for m in mesures]
        print(
            f"  {libelle:<50} {statistics.median(premieres):7.1f} {centile(premieres, 0.95):7.1f} "
            f"{centile(premieres, 0.99):7.1f} │ {statistics.median(suivantes):9.1f} {centile(suivantes, 0.99):7.1f}"
        )
        requete, pire, _ = max(mesures, key=lambda m: max(m[1], m[2]))
        if max(pire, max(suivantes)) >= seuil_ms and libelle not in annulees:
            expliquer(caisse, objet_caisse, libelle, requete, repertoire)
    if annulees:
        print(f"  annulées par le délai des requêtes : {', '.join(sorted(set(annulees)))}")


def expliquer(caisse, objet_caisse, libelle: str, requete: str, repertoire: Path) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of each journal query of one search, into a file."""
    from django.db import connection
    from django.http import QueryDict
    from django.test.utils import CaptureQueriesContext

    from controle.forms import RechercheForm
    from controle.recherche import rechercher

    form = RechercheForm(QueryDict(requete), caisse=objet_caisse)
    form.is_valid()
    with CaptureQueriesContext(connection) as requetes:
        rechercher(caisse, form.criteres(), None, 50)
    fichier = repertoire / ("".join(c if c.isalnum() else "_" for c in libelle).strip("_")[:60] + ".txt")
    with connection.cursor() as curseur, fichier.open("w") as sortie:
        sortie.write(f"{libelle}\n?{requete}\n")
        for q in requetes.captured_queries:
            if "journal_evenement" not in q["sql"]:
                continue
            curseur.execute(f"EXPLAIN (ANALYZE, BUFFERS) {q['sql']}")
            sortie.write(f"\n{q['sql']}\n-- {q['time']} s\n")
            sortie.write("\n".join(ligne for (ligne,) in curseur.fetchall()) + "\n")
    print(f"      EXPLAIN : {fichier}")


def mesures_export() -> None:
    from controle.export import lignes_csv
    from controle.recherche import Criteres

    aujourd_hui = date.today()
    print("\nExport CSV (flux ligne à ligne) — mémoire Python maximale pendant l'export :")
    for jours in (1, 7, 30):
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
    parser.add_argument("--tours", type=int, default=20, help="Tirages de chaque recherche.")
    parser.add_argument("--caisse", default="131")
    parser.add_argument("--explications", default="/tmp/cafpro_bench_journal_explain")
    parser.add_argument("--seuil", type=float, default=50.0, help="EXPLAIN des recherches plus lentes (ms).")
    parser.add_argument("--export", action="store_true", help="Mesurer aussi l'export CSV.")
    parser.add_argument("--recharger", action="store_true", help="Repartir d'une base vide.")
    options = parser.parse_args()
    preparer_base(options.url, options.recharger)
    django_pret(options.url)
    print(f"Chargement de {options.evenements:,} événements …", flush=True)
    debut = time.perf_counter()
    construire(options.evenements)
    print(f"Base prête en {time.perf_counter() - debut:.0f} s.", flush=True)
    mesures_officier(options.caisse, options.tours, Path(options.explications), options.seuil)
    if options.export:
        charger_dossiers()
        mesures_export()


if __name__ == "__main__":
    main()
