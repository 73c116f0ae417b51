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
    """The base with `evenements` journal events over thousands of habilitations
    (benchmarks/journal.py), `dossiers` dossiers loaded through the allocataire data feed
    (benchmarks/alimentation.py, manage.py charger_dossiers) and the demo's accounts; returns
    the demo's listing (accounts, passwords, second-factor keys)."""
    url = f"{SERVEUR_PG}/{base}"
    env = {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "cafpro.settings.dev"}
    existe = psql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{base}'") == "1"
    if existe and not garder:
        psql("postgres", f"DROP DATABASE {base}")
        existe = False
    if not existe:
        psql("postgres", f"CREATE DATABASE {base}")
    debut = time.monotonic()
    manage("migrate", "--noinput", "-v0", env=env)
    manage("referentiel", env=env)
    # The journal's builder wants it empty, the feed's fast first load an empty dossier table:
    # both before the demo, which writes some of each.
    if evenements and not int(psql(base, "SELECT count(*) FROM journal_evenement")):
        etape(f"journal : {evenements} événements (benchmarks/journal.py)")
        subprocess.run(
            [
                PYTHON,
                "-c",
                f"import django; django.setup(); from benchmarks.journal import construire; construire({evenements})",
            ],
            cwd=RACINE,
            env={**os.environ, **env},
            check=True,
        )
    if dossiers and not int(psql(base, "SELECT count(*) FROM dossiers_dossier")):
        etape(f"dossiers : {dossiers} par le flux (manage.py charger_dossiers)")
        sys.path.insert(0, str(RACINE / "benchmarks"))
        from alimentation import construire_dossiers

        mesure = construire_dossiers(url, dossiers)
        etape(f"  chargés en {mesure['secondes']:.0f} s ({mesure['dossiers'] / mesure['secondes']:.0f} dossiers/s)")
    etape("démonstration (comptes, officiers, dossiers documentés)")
    demo = json.loads(manage("demo", "--json", env=env, capture=True))
    psql(base, "VACUUM ANALYZE")
    etape(
        f"base prête en {time.monotonic() - debut:.0f} s : {psql(base, 'SELECT count(*) FROM dossiers_dossier')} "
        f"dossiers, {psql(base, 'SELECT count(*) FROM journal_evenement')} événements, "
        f"{psql(base, 'SELECT count(*) FROM habilitations_habilitation')} habilitations"
    )
    return demo


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
    def __init__(self, url_application: str, workers: int, threads: int, priorite: int = 0):
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
                *(["nice", "-n", str(priorite)] if priorite else []),
                str(Path(PYTHON).parent / "gunicorn"),
                "benchmarks.serveur.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
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
                if ligne.startswith("VmHWM:"):  # the peak
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
    """The dossiers of `candidats` (numéro, code postal) this agent may look up, tried over HTTP
    (a bailleur's agent sees only his tenants: at most 300 tries)."""
    _, page = navigateur.appeler("/portail/")
    jeton = navigateur.jeton(page)
    trouves = []
    for numero, code_postal in candidats[:300]:
        statut, _ = navigateur.appeler(
            "/portail/consulter/",
            {"csrfmiddlewaretoken": jeton, "numero_allocataire": numero, "code_postal": code_postal},
        )
        if statut == 302:
            trouves.append(f"{numero}:{code_postal}")
            if len(trouves) >= voulus:
                break
    return trouves


def ouvrir_les_sessions(serveur: Serveur, demo: dict, base: str) -> dict:
    """SESSIONS_PAR_AGENT sessions for each demo agent, each pointed at a dossier of its scope;
    the sessions' lines for the wrk script, with each agent's Caf."""
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
    tous = [
        tuple(ligne.split("|"))
        for ligne in psql(
            base,
            "SELECT d.numero_allocataire, d.code_postal, c.numero FROM dossiers_dossier d "
            "JOIN conventions_caisse c ON c.id = d.caisse_id ORDER BY random() LIMIT 20000",
        ).splitlines()
    ]
    etape(
        f"connexion de {len(agents) * SESSIONS_PAR_AGENT} sessions ({len(agents)} agents, profils "
        f"{', '.join(sorted({a['profil'] for a in agents}, key=lambda p: int(p[1:])))})"
    )
    debut = time.monotonic()
    # Agents side by side, but each agent's logins one after the other: the lockout counts an
    # attempt before checking it (so that parallel guesses get three tries, not a hundred), and
    # four logins of one identifiant at the same instant lock it.
    with ThreadPoolExecutor(4) as groupe:
        par_agent = groupe.map(
            lambda a: [
                (a, connecter(serveur.base, a["identifiant"], a["password"])) for _ in range(SESSIONS_PAR_AGENT)
            ],
            agents,
        )
        navigateurs = [session for sessions in par_agent for session in sessions]
    connexions = len(navigateurs) / (time.monotonic() - debut)
    candidats: dict[str, list[str]] = {}
    sessions, ecartes = [], set()
    for agent, navigateur in navigateurs:
        cle = agent["identifiant"]
        if not au_portail(navigateur):  # a password to change first, say
            ecartes.add(f"{cle} ({agent['profil']}, n'arrive pas au portail)")
            continue
        if cle not in candidats:
            siens = [(n, cp) for n, cp, caisse in tous if agent["scope"] != "locale" or caisse == agent["caisse"]]
            candidats[cle] = dossiers_du_perimetre(navigateur, siens, 40)
        dossiers = candidats[cle]
        if not dossiers:
            ecartes.add(f"{cle} ({agent['profil']}, aucun dossier de son périmètre parmi 300 essayés)")
            continue
        # The session points at a dossier, as after a lookup.
        numero, code_postal = dossiers[0].split(":")
        _, page = navigateur.appeler("/portail/")
        navigateur.appeler(
            "/portail/consulter/",
            {"csrfmiddlewaretoken": navigateur.jeton(page), "numero_allocataire": numero, "code_postal": code_postal},
        )
        rubriques = [r.code for r in rubriques_du_profil(agent["profil"])]
        sessions.append(
            {
                "agent": agent,
                "dossier": (numero, code_postal),
                "ligne": "\t".join(
                    [
                        navigateur.en_tete_cookie(),
                        navigateur.cookie("cafpro_csrf"),
                        ",".join(dossiers),
                        ",".join(rubriques),
                    ]
                ),
            }
        )
    random.shuffle(sessions)
    for ecarte in sorted(ecartes):
        etape(f"  agent écarté : {ecarte}")
    return {"connexions_par_s": connexions, "sessions": sessions}


def fichier_de_sessions(sessions: list[dict], nom: str) -> Path:
    fichier = Path(f"/tmp/cafpro-banc-{nom}.tsv")
    fichier.write_text("".join(s["ligne"] + "\n" for s in sessions))
    return fichier


def requetes_par_page(application: str, sessions: list[dict]) -> dict[str, dict[str, int]]:
    """SQL statements of each rubrique page, for one agent of each profile."""
    comptes = {}
    for session in sessions:
        agent = session["agent"]
        if agent["profil"] in comptes:
            continue
        sortie = subprocess.run(
            [PYTHON, "benchmarks/serveur/requetes.py", agent["identifiant"], agent["password"], *session["dossier"]],
            cwd=RACINE,
            check=True,
            capture_output=True,
            text=True,
            env={
                **os.environ,
                "DATABASE_URL": application,
                "SECRET_KEY": secrets.token_urlsafe(48),
                "ALLOWED_HOSTS": "testserver",
                "HTTPS": "0",
                "DEBUG": "0",
            },
        ).stdout
        comptes[agent["profil"]] = json.loads(sortie.splitlines()[-1])["requetes"]
    return comptes


# --- load -----------------------------------------------------------------------------------


def lancer_wrk(executable: str, serveur: Serveur, script: Path, connexions: int, duree: int, env: dict):
    fils = 2 if connexions >= 2 else 1
    return subprocess.Popen(
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
            str(script),
            serveur.base,
        ],
        env={**os.environ, "FILS": str(fils), **env},
        stdout=subprocess.PIPE,
        text=True,
    )


def resultat_wrk(processus) -> dict:
    sortie, _ = processus.communicate()
    mesure = json.loads(sortie.strip().splitlines()[-1])
    mesure["par_s"] = mesure["requetes"] / (mesure["duree_us"] / 1e6)
    return mesure


def wrk(executable: str, serveur: Serveur, sessions: Path, mode: str, connexions: int, duree: int) -> dict:
    return resultat_wrk(
        lancer_wrk(executable, serveur, LUA, connexions, duree, {"SESSIONS": str(sessions), "MODE": mode})
    )


def ligne(titre: str, mesure: dict) -> str:
    return (
        f"{titre} : {mesure['par_s']:7.1f} req/s, p50 {mesure['p50_us'] / 1000:6.1f} ms, "
        f"p95 {mesure['p95_us'] / 1000:6.1f} ms, p99 {mesure['p99_us'] / 1000:6.1f} ms, "
        f"erreurs {mesure['erreurs_http']}+{mesure['erreurs_reseau']}"
    )


# --- staff ----------------------------------------------------------------------------------


def connecter_le_personnel(base: str, compte: dict) -> Navigateur:
    """Password, then the second factor computed from the demo's TOTP key."""
    from django_otp.oath import totp

    navigateur = Navigateur(base)
    _, page = navigateur.appeler("/gestion/login/")
    identifiants = {"username": compte["username"], "password": compte["password"], "next": "/gestion/"}
    statut, _ = navigateur.appeler("/gestion/login/", {"csrfmiddlewaretoken": navigateur.jeton(page), **identifiants})
    _, page = navigateur.appeler("/gestion/verification/")
    code = f"{totp(bytes.fromhex(compte['totp_key'])):06d}"
    statut, _ = navigateur.appeler(
        "/gestion/verification/", {"csrfmiddlewaretoken": navigateur.jeton(page), "jeton": code}
    )
    if statut != 302:
        raise SystemExit(f"connexion du personnel refusée pour {compte['username']} ({statut})")
    return navigateur


def chronometrer(navigateur: Navigateur, adresse: str, fois: int) -> tuple[float, float]:
    """(p50, slowest) in ms of `fois` reads of `adresse`, one after the other."""
    durees = []
    for _ in range(fois):
        debut = time.perf_counter()
        statut, _ = navigateur.appeler(adresse)
        durees.append((time.perf_counter() - debut) * 1000)
        if statut != 200:
            raise SystemExit(f"{adresse} : {statut}")
    return statistics.median(durees), max(durees)


def recherches_de_l_officier(base: str, caisse: str) -> list[tuple[str, str]]:
    sortie = subprocess.run(
        [
            PYTHON,
            "-c",
            "import django, json; django.setup(); from benchmarks.journal import requetes_officier; "
            f"print(json.dumps(requetes_officier({caisse!r})))",
        ],
        cwd=RACINE,
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": f"{SERVEUR_PG}/{base}", "DJANGO_SETTINGS_MODULE": "cafpro.settings.dev"},
    ).stdout
    return [tuple(r) for r in json.loads(sortie.splitlines()[-1])]


class TetesTenues:
    """A transaction holding every strand of a Caf's journal chain, as a stuck session would."""

    def __init__(self, base: str, caisse: str):
        import psycopg

        self.connexion = psycopg.connect(f"{SERVEUR_PG}/{base}")
        self.connexion.execute(
            "SELECT chaine FROM journal_tetechaine WHERE chaine = %s OR chaine LIKE %s FOR UPDATE",
            [caisse, caisse + "~%"],
        )

    def liberer(self) -> None:
        self.connexion.rollback()
        self.connexion.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="cafpro_banc")
    parser.add_argument("--garder", action="store_true", help="réutilise la base si elle existe")
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--evenements", type=int, default=10_000_000)
    parser.add_argument("--duree", type=int, default=15, help="secondes par tour et par cible")
    parser.add_argument("--tours", type=int, default=3)
    parser.add_argument("--workers", type=int, default=4, help="workers du portail")
    parser.add_argument("--threads", type=int, default=4, help="fils par worker (gunicorn gthread)")
    parser.add_argument("--workers-personnel", type=int, default=2, help="workers de l'espace /gestion/")
    parser.add_argument("--connexions", default="8,32")
    parser.add_argument("--rapide", action="store_true", help="20 000 dossiers, 200 000 événements, tours de 5 s")
    options = parser.parse_args()
    if options.rapide:
        options.dossiers, options.evenements, options.duree, options.tours = 20_000, 200_000, 5, 2

    sys.path.insert(0, str(RACINE))
    executable = wrk_disponible()
    demo = preparer_la_base(options.base, options.garder, options.dossiers, options.evenements)
    application = role_de_service(f"{SERVEUR_PG}/{options.base}")
    # Two pools, as in production behind the load balancer: the partners' portal, and the staff
    # area (/gestion/), so that an officer's search or an export never takes a partner's worker.
    serveur = Serveur(application, options.workers, options.threads)
    # The staff pool yields the processor to the partners' (nice 10): a burst of searches or an
    # export slows itself before it slows a consultation.
    personnel = Serveur(application, options.workers_personnel, options.threads, priorite=10)
    rapport = []

    def noter(texte: str) -> None:
        etape(texte)
        rapport.append(texte)

    try:
        ouverture = ouvrir_les_sessions(serveur, demo, options.base)
        sessions = ouverture["sessions"]
        tous = fichier_de_sessions(sessions, "tous")
        noter(f"connexions (Argon2) : {ouverture['connexions_par_s']:.1f} par seconde ; {len(sessions)} sessions")

        # 1. The portal against the baseline, interleaved round by round.
        resultats: dict[tuple[str, int], list[dict]] = {}
        for connexions in (int(c) for c in options.connexions.split(",")):
            for tour in range(options.tours):
                for mode in ("portail", "minimal"):
                    mesure = wrk(executable, serveur, tous, mode, connexions, options.duree)
                    resultats.setdefault((mode, connexions), []).append(mesure)
                    etape(ligne(f"{mode:8} c={connexions:<3} tour {tour + 1}", mesure))
        noter("| cible | connexions | req/s (médiane des tours) | p50 | p95 | p99 | erreurs |")
        noter("|---|---|---|---|---|---|---|")
        medianes = {}
        for (mode, connexions), mesures in resultats.items():
            medianes[(mode, connexions)] = statistics.median(m["par_s"] for m in mesures)
            q = {k: statistics.median(m[k] for m in mesures) / 1000 for k in ("p50_us", "p95_us", "p99_us")}
            erreurs = sum(m["erreurs_http"] + m["erreurs_reseau"] for m in mesures)
            noter(
                f"| {mode} | {connexions} | {medianes[(mode, connexions)]:.0f} | {q['p50_us']:.1f} ms | "
                f"{q['p95_us']:.1f} ms | {q['p99_us']:.1f} ms | {erreurs} |"
            )
        for connexions in sorted({c for _, c in medianes}):
            ratio = medianes[("portail", connexions)] / medianes[("minimal", connexions)]
            noter(f"portail / minimal à {connexions} connexions : {ratio:.0%}")
        for profil, comptes in sorted(requetes_par_page(application, sessions).items(), key=lambda x: int(x[0][1:])):
            noter(f"requêtes SQL par page, {profil} : " + ", ".join(f"{r} {n}" for r, n in comptes.items()))

        # 2. The Responsable Sécurité's searches and the gestionnaire's lists, over HTTP.
        officier = connecter_le_personnel(
            personnel.base, next(c for c in demo["staff"] if c["username"] == "securite.131")
        )
        recherches = recherches_de_l_officier(options.base, "131")
        noter(f"recherches du Responsable Sécurité (Caf 131, {len(recherches)} filtres, 20 lectures chacune) :")
        pires = []
        for titre, requete in recherches:
            p50, pire = chronometrer(officier, f"/gestion/controle/journal/?{requete}", 20)
            pires.append(pire)
            noter(f"  {titre} : p50 {p50:.0f} ms, max {pire:.0f} ms")
        noter(f"  la plus lente des {len(recherches) * 20} lectures : {max(pires):.0f} ms")
        gestionnaire = connecter_le_personnel(
            personnel.base, next(c for c in demo["staff"] if c["username"] == "gestion.131")
        )
        for titre, adresse in (
            ("habilitations", "/gestion/habilitations/habilitation/"),
            ("habilitations, recherche", "/gestion/habilitations/habilitation/?q=dupont"),
            ("conventions", "/gestion/conventions/convention/"),
        ):
            p50, pire = chronometrer(gestionnaire, adresse, 10)
            noter(f"liste d'administration, {titre} : p50 {p50:.0f} ms, max {pire:.0f} ms")

        # 3. No screen starves another: the portal alone, then beside the officer's searches.
        fichier_recherches = Path("/tmp/cafpro-banc-recherches.txt")
        fichier_recherches.write_text("".join(r + "\n" for _, r in recherches))
        seul = wrk(executable, serveur, tous, "portail", 8, options.duree)
        portail = lancer_wrk(executable, serveur, LUA, 8, options.duree, {"SESSIONS": str(tous), "MODE": "portail"})
        recherche = lancer_wrk(
            executable,
            personnel,
            LUA,
            4,
            options.duree,
            {"MODE": "officier", "RECHERCHES": str(fichier_recherches), "COOKIE": officier.en_tete_cookie()},
        )
        avec, officier_mesure = resultat_wrk(portail), resultat_wrk(recherche)
        noter(ligne("charge mixte — portail seul, 8 connexions", seul))
        noter(ligne("charge mixte — portail à côté des recherches", avec))
        noter(ligne("charge mixte — recherches de l'officier, 4 connexions", officier_mesure))

        # 4. No Caf stalls the others: every strand of Caf 131's chain held by a stuck transaction.
        autres = [s for s in sessions if s["agent"]["caisse"] != "131"]
        marseille = [s for s in sessions if s["agent"]["caisse"] == "131"]
        if autres and marseille:
            fichier_autres, fichier_131 = fichier_de_sessions(autres, "autres"), fichier_de_sessions(marseille, "131")
            libre = wrk(executable, serveur, fichier_autres, "portail", 8, options.duree)
            tenues = TetesTenues(options.base, "131")
            try:
                bloques = lancer_wrk(
                    executable, serveur, LUA, 8, options.duree, {"SESSIONS": str(fichier_131), "MODE": "portail"}
                )
                servis = lancer_wrk(
                    executable, serveur, LUA, 8, options.duree, {"SESSIONS": str(fichier_autres), "MODE": "portail"}
                )
                bloques_mesure, servis_mesure = resultat_wrk(bloques), resultat_wrk(servis)
            finally:
                tenues.liberer()
            noter(ligne("verrou tenu — autres Caf, sans verrou", libre))
            noter(ligne("verrou tenu — autres Caf, chaîne de la 131 tenue", servis_mesure))
            noter(ligne("verrou tenu — agents de la 131 (refusés après 0,5 s)", bloques_mesure))
        memoire = serveur.memoire_des_workers() + personnel.memoire_des_workers()
    finally:
        serveur.arreter()
        personnel.arreter()
    noter(f"mémoire des workers (pic de RSS) : {', '.join(f'{m:.0f}' for m in memoire)} Mo")
    print("\n".join(["", "Résumé", *rapport]))
    Path("/tmp/cafpro-banc-resume.txt").write_text("\n".join(rapport) + "\n")


if __name__ == "__main__":
    main()
