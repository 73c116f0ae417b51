#!/usr/bin/env python3
"""Issue 17's benchmark over HTTP: the portal under gunicorn against the minimal-work baseline.

    .venv/bin/python benchmarks/banc.py                    # the whole run, at full size
    .venv/bin/python benchmarks/banc.py --rapide           # a small base, short rounds (minutes)

Builds a PostgreSQL base of its own (postgres://postgres@127.0.0.1:5432/cafpro_banc, dropped
and made again unless --garder): the demo's agents, officers and staff; dossiers; journal
events. Starts gunicorn (production settings, the serving role cafpro_application, 4 sync
workers unless --workers) on 127.0.0.1 with the portal and, at /banc/minimal/, the baseline
(benchmarks.serveur.wsgi.py). Signs agents of every demo profile in over HTTP (login throughput,
which Argon2 bounds on purpose), then drives both with wrk (benchmarks/serveur/charge.lua),
interleaved round by round, at 8 and 32 connections: agents look a random dossier of their
scope up, then read random rubriques of their profile. Prints requests/s, p50/p95/p99, the
ratio to the baseline, SQL statements per page and the workers' memory.

wrk is Debian's package: installed here when missing (as root), or the run stops and says so.
"""

import argparse
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SERVEUR_PG = "postgres://postgres@127.0.0.1:5432"
LUA = RACINE / "benchmarks" / "serveur" / "charge.lua"
SESSIONS_PAR_AGENT = 4


def etape(texte: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {texte}", flush=True)


def wrk_disponible() -> str:
    if not shutil.which("wrk"):
        if shutil.which("apt-get") and os.geteuid() == 0:
            etape("installation de wrk (paquet Debian « wrk ») …")
            env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
            subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
            subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)
        else:
            sys.exit("Le banc a besoin de wrk : installez le paquet Debian « wrk » (sudo apt-get install wrk).")
    return shutil.which("wrk")


def manage(*args: str, env: dict[str, str], capture=False) -> str:
    resultat = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=RACINE,
        env={**os.environ, **env},
        check=True,
        capture_output=capture,
        text=True,
    )
    return resultat.stdout if capture else ""


def psql(base: str, sql: str) -> str:
    return subprocess.run(
        ["psql", f"{SERVEUR_PG}/{base}", "-tAqc", sql], check=True, capture_output=True, text=True
    ).stdout.strip()


# --- the base -------------------------------------------------------------------------------


def preparer_la_base(base: str, garder: bool, dossiers: int, evenements: int) -> dict:
    """The base with the demo's accounts, `dossiers` generated dossiers and `evenements` journal
    events; the demo's listing (accounts, passwords, second-factor keys)."""
    url = f"{SERVEUR_PG}/{base}"
    env = {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "cafpro.settings.dev"}
    existe = psql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{base}'") == "1"
    if existe and not garder:
        psql("postgres", f"DROP DATABASE {base}")
        existe = False
    if not existe:
        psql("postgres", f"CREATE DATABASE {base}")
    etape(f"base {base} : migrations, référentiel, démonstration")
    manage("migrate", "--noinput", "-v0", env=env)
    manage("referentiel", env=env)
    debut = time.monotonic()
    demo = json.loads(manage("demo", "--json", env=env, capture=True))
    deja = int(psql(base, "SELECT count(*) FROM dossiers_dossier"))
    if dossiers > deja:
        construire_les_dossiers(url, dossiers - deja)
    deja = int(psql(base, "SELECT count(*) FROM journal_evenement"))
    if evenements > deja:
        construire_le_journal(url, evenements - deja)
    etape(
        f"base prête en {time.monotonic() - debut:.0f} s : {psql(base, 'SELECT count(*) FROM dossiers_dossier')} "
        f"dossiers, {psql(base, 'SELECT count(*) FROM journal_evenement')} événements"
    )
    psql(base, "VACUUM ANALYZE")
    return demo


def construire_les_dossiers(url: str, nombre: int) -> None:
    """`nombre` more dossiers, through the allocataire data feed when it is there."""
    etape(f"{nombre} dossiers générés")
    env = {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "cafpro.settings.dev"}
    par_caisse = max(1, nombre // 8)
    manage("demo", "--dossiers", str(par_caisse), env=env, capture=True)


def construire_le_journal(url: str, nombre: int) -> None:
    etape(f"{nombre} événements du journal (non construits : à venir)")


def role_de_service(url: str) -> str:
    mot_de_passe = secrets.token_urlsafe(18)
    application = url.replace("postgres@", f"cafpro_application:{mot_de_passe}@", 1)
    manage(
        "roles_base",
        env={
            "DATABASE_URL": url,
            "DATABASE_APPLICATION_URL": application,
            "DJANGO_SETTINGS_MODULE": "cafpro.settings.dev",
        },
    )
    return application


# --- the server -----------------------------------------------------------------------------


def port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Serveur:
    def __init__(self, url_application: str, workers: int):
        self.port = port_libre()
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cafpro.settings.base",
            "DATABASE_URL": url_application,
            "SECRET_KEY": secrets.token_urlsafe(48),
            "ALLOWED_HOSTS": "127.0.0.1",
            "HTTPS": "0",
            "DEBUG": "0",
        }
        # The production settings serve static files through whitenoise's manifest.
        subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=RACINE, env=self.env, check=True)
        self.processus = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "benchmarks.serveur.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--timeout",
                "30",
                "--log-level",
                "warning",
            ],
            cwd=RACINE,
            env=self.env,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(self.base + "/", timeout=2)
                return
            except OSError:  # not listening yet, or still booting its workers
                time.sleep(0.1)
        raise SystemExit("gunicorn ne répond pas")

    def memoire_des_workers(self) -> list[float]:
        """Resident memory (MB) of each worker: the master's children."""
        enfants = Path(f"/proc/{self.processus.pid}/task/{self.processus.pid}/children").read_text().split()
        tailles = []
        for pid in enfants:
            for ligne in Path(f"/proc/{pid}/status").read_text().splitlines():
                if ligne.startswith("VmRSS:"):
                    tailles.append(int(ligne.split()[1]) / 1024)
        return tailles

    def arreter(self) -> None:
        self.processus.send_signal(signal.SIGTERM)
        self.processus.wait(timeout=30)


# --- sessions over HTTP ---------------------------------------------------------------------


class Navigateur:
    """An agent's browser: a cookie jar, no redirect followed (a 302 is an answer)."""

    class _SansRedirection(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base: str):
        self.base = base
        self.cookies = CookieJar()
        self.ouvreur = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), self._SansRedirection
        )

    def appeler(self, chemin: str, donnees: dict | None = None) -> tuple[int, str]:
        corps = urllib.parse.urlencode(donnees).encode() if donnees is not None else None
        try:
            with self.ouvreur.open(self.base + chemin, corps, timeout=30) as reponse:
                return reponse.status, reponse.read().decode()
        except urllib.error.HTTPError as erreur:
            return erreur.code, erreur.read().decode()

    def cookie(self, nom: str) -> str:
        return next(c.value for c in self.cookies if c.name == nom)

    def en_tete_cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.cookies)

    def jeton(self, page: str) -> str:
        trouve = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if trouve is None:
            raise SystemExit(f"page sans formulaire : {page[:2000]}")
        return trouve.group(1)


def connecter(base: str, identifiant: str, mot_de_passe: str) -> Navigateur:
    navigateur = Navigateur(base)
    _, page = navigateur.appeler("/")
    statut, _ = navigateur.appeler(
        "/", {"csrfmiddlewaretoken": navigateur.jeton(page), "identifiant": identifiant, "mot_de_passe": mot_de_passe}
    )
    if statut != 302:
        raise SystemExit(f"connexion refusée pour {identifiant} ({statut})")
    return navigateur


def au_portail(navigateur: Navigateur) -> bool:
    """Whether the agent reaches the portal (not, say, a password change the demo asks of him)."""
    statut, _ = navigateur.appeler("/portail/")
    return statut == 200


def dossiers_du_perimetre(navigateur: Navigateur, candidats: list[tuple[str, str]], voulus: int) -> list[str]:
    """The dossiers of `candidats` (numéro, code postal) this agent may look up, tried over HTTP."""
    _, page = navigateur.appeler("/portail/")
    jeton = navigateur.jeton(page)
    trouves = []
    for numero, code_postal in candidats:
        statut, _ = navigateur.appeler(
            "/portail/consulter/",
            {"csrfmiddlewaretoken": jeton, "numero_allocataire": numero, "code_postal": code_postal},
        )
        if statut == 302:
            trouves.append(f"{numero}:{code_postal}")
            if len(trouves) >= voulus:
                break
    return trouves


def ouvrir_les_sessions(serveur: Serveur, demo: dict, base: str, fichier: Path) -> dict:
    """SESSIONS_PAR_AGENT sessions for each demo agent, each pointed at a dossier of its scope."""
    from profils.rubriques import rubriques_du_profil  # plain data, no Django setup needed

    # The demo's locked and provisional accounts show those cases: not for the load.
    actives = set(
        psql(
            base,
            "SELECT u.username FROM habilitations_habilitation h JOIN habilitations_user u "
            "ON u.id = h.user_id WHERE h.etat = 'active'",
        ).split()
    )
    agents = [h for h in demo["habilitations"] if h["identifiant"] in actives and not h["mot_de_passe_provisoire"]]
    lignes = psql(
        base, "SELECT numero_allocataire, code_postal, caisse_id FROM dossiers_dossier ORDER BY random() LIMIT 4000"
    )
    candidats: dict[str, list[tuple[str, str]]] = {}
    tous = []
    for ligne in lignes.splitlines():
        numero, code_postal, caisse = ligne.split("|")
        tous.append((numero, code_postal))
    etape(
        f"connexion de {len(agents) * SESSIONS_PAR_AGENT} sessions ({len(agents)} agents, profils "
        f"{', '.join(sorted({a['profil'] for a in agents}, key=lambda p: int(p[1:])))})"
    )
    debut = time.monotonic()
    with ThreadPoolExecutor(4) as groupe:
        navigateurs = list(
            groupe.map(
                lambda a: (a, connecter(serveur.base, a["identifiant"], a["password"])),
                [a for a in agents for _ in range(SESSIONS_PAR_AGENT)],
            )
        )
    duree = time.monotonic() - debut
    connexions = len(navigateurs) / duree
    lignes_sessions = []
    for agent, navigateur in navigateurs:
        cle = agent["identifiant"]
        if not au_portail(navigateur):
            continue
        if cle not in candidats:
            candidats[cle] = dossiers_du_perimetre(navigateur, random.sample(tous, len(tous)), 40)
        dossiers = candidats[cle] or []
        if not dossiers:
            raise SystemExit(f"aucun dossier consultable pour l'agent {cle} ({agent['profil']})")
        # The session points at a dossier, as after a lookup.
        numero, code_postal = dossiers[0].split(":")
        _, page = navigateur.appeler("/portail/")
        navigateur.appeler(
            "/portail/consulter/",
            {"csrfmiddlewaretoken": navigateur.jeton(page), "numero_allocataire": numero, "code_postal": code_postal},
        )
        rubriques = [r.code for r in rubriques_du_profil(agent["profil"])]
        lignes_sessions.append(
            "\t".join(
                [navigateur.en_tete_cookie(), navigateur.cookie("cafpro_csrf"), ",".join(dossiers), ",".join(rubriques)]
            )
        )
    random.shuffle(lignes_sessions)
    fichier.write_text("\n".join(lignes_sessions) + "\n")
    return {"connexions_par_s": connexions, "sessions": len(lignes_sessions)}


# --- load -----------------------------------------------------------------------------------


def wrk(executable: str, serveur: Serveur, sessions: Path, mode: str, connexions: int, duree: int) -> dict:
    fils = 2
    sortie = subprocess.run(
        [
            executable,
            "-t",
            str(fils),
            "-c",
            str(connexions),
            "-d",
            f"{duree}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA),
            serveur.base,
        ],
        env={**os.environ, "SESSIONS": str(sessions), "MODE": mode, "FILS": str(fils)},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    mesure = json.loads(sortie.strip().splitlines()[-1])
    mesure["par_s"] = mesure["requetes"] / (mesure["duree_us"] / 1e6)
    return mesure


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="cafpro_banc")
    parser.add_argument("--garder", action="store_true", help="réutilise la base si elle existe")
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--evenements", type=int, default=10_000_000)
    parser.add_argument("--duree", type=int, default=15, help="secondes par tour et par cible")
    parser.add_argument("--tours", type=int, default=3)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--connexions", default="8,32")
    parser.add_argument("--rapide", action="store_true", help="10 000 dossiers, 100 000 événements, tours de 5 s")
    options = parser.parse_args()
    if options.rapide:
        options.dossiers, options.evenements, options.duree, options.tours = 10_000, 100_000, 5, 2

    sys.path.insert(0, str(RACINE))
    executable = wrk_disponible()
    demo = preparer_la_base(options.base, options.garder, options.dossiers, options.evenements)
    application = role_de_service(f"{SERVEUR_PG}/{options.base}")
    serveur = Serveur(application, options.workers)
    try:
        fichier = Path(f"/tmp/{options.base}-sessions.tsv")
        ouverture = ouvrir_les_sessions(serveur, demo, options.base, fichier)
        etape(
            f"connexions : {ouverture['connexions_par_s']:.1f} par seconde (Argon2), {ouverture['sessions']} sessions"
        )
        resultats: dict[tuple[str, int], list[dict]] = {}
        for connexions in (int(c) for c in options.connexions.split(",")):
            for tour in range(options.tours):
                for mode in ("portail", "minimal"):
                    mesure = wrk(executable, serveur, fichier, mode, connexions, options.duree)
                    resultats.setdefault((mode, connexions), []).append(mesure)
                    etape(
                        f"{mode:8} c={connexions:<3} tour {tour + 1} : {mesure['par_s']:7.1f} req/s, "
                        f"p50 {mesure['p50_us'] / 1000:5.1f} ms, p99 {mesure['p99_us'] / 1000:6.1f} ms, "
                        f"erreurs {mesure['erreurs_http']}+{mesure['erreurs_reseau']}"
                    )
        memoire = serveur.memoire_des_workers()
    finally:
        serveur.arreter()

    print("\n| cible | connexions | req/s (médiane des tours) | p50 | p95 | p99 | erreurs |")
    print("|---|---|---|---|---|---|---|")
    medianes = {}
    for (mode, connexions), mesures in resultats.items():
        par_s = statistics.median(m["par_s"] for m in mesures)
        medianes[(mode, connexions)] = par_s
        p = {k: statistics.median(m[k] for m in mesures) / 1000 for k in ("p50_us", "p95_us", "p99_us")}
        erreurs = sum(m["erreurs_http"] + m["erreurs_reseau"] for m in mesures)
        print(
            f"| {mode} | {connexions} | {par_s:.0f} | {p['p50_us']:.1f} ms | {p['p95_us']:.1f} ms | "
            f"{p['p99_us']:.1f} ms | {erreurs} |"
        )
    for connexions in sorted({c for _, c in medianes}):
        ratio = medianes[("portail", connexions)] / medianes[("minimal", connexions)]
        print(f"\nportail / minimal à {connexions} connexions : {ratio:.0%}")
    print(f"\nmémoire des workers (RSS) : {', '.join(f'{m:.0f}' for m in memoire)} Mo")
    print(f"connexions (Argon2) : {ouverture['connexions_par_s']:.1f} par seconde")


if __name__ == "__main__":
    main()
