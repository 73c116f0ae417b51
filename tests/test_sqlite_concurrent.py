"""Twenty agents log in and open a dossier at the same moment on the embedded SQLite (issue 15).

`python3 dev.py run` serves the portal with Django's threaded development server on the SQLite
file: eleven agents logging in at once used to get eight "database is locked" errors (500). This
test does what they did, through a real server: `manage.py runserver` (threaded, as `dev.py run`
serves) on a SQLite *file* made for the test, with the settings the newcomer gets
(cafpro/settings/base.py, `base_de_donnees`). Twenty clients each follow the portal's own path —
the login page and its CSRF token, the login, the main page, "Consulter", the dossier's first
rubrique — all released together. No answer may be a 500, every step must succeed, and each
login, search and consultation must be in the journal, whose chains must still verify.

The test builds its own file database whatever the suite's database is, so that it runs in both
passes of .ci/run (SQLite, then PostgreSQL).
"""

import http.client
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings

from tests.factories import MOT_DE_PASSE_PARTENAIRE

AGENTS = 20
NUMERO = "1000001"
ATTENTE_SERVEUR = 60.0
DELAI_REPONSE = 120.0
JETON_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def peupler() -> None:
    """Run inside the server's database (`manage.py shell`): the référentiel, one dossier of Caf
    131, and AGENTS habilitations of one T1 convention of that Caf; prints their identifiants."""
    from django.core.management import call_command

    from demo.dossiers import creer_dossier
    from tests.factories import ConventionFactory, HabilitationFactory, caisse

    call_command("loaddata", "caisses", "routage", verbosity=0)
    creer_dossier(caisse("131"), NUMERO)
    convention = ConventionFactory(caisse=caisse("131"), profil="T1")
    identifiants = [HabilitationFactory(convention=convention).identifiant for _ in range(AGENTS)]
    print(json.dumps(identifiants))


def _environnement(base: Path) -> dict[str, str]:
    env = {cle: valeur for cle, valeur in os.environ.items() if not cle.startswith("DATABASE_")}
    # The development settings, as `dev.py run` serves them, on the test's own SQLite file.
    env.update(DJANGO_SETTINGS_MODULE="cafpro.settings.dev", DATABASE_URL=f"sqlite:///{base}")
    return env


def _manage(env: dict[str, str], *args: str) -> str:
    resultat = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert resultat.returncode == 0, f"manage.py {' '.join(args)} :\n{resultat.stdout}\n{resultat.stderr}"
    return resultat.stdout


def _port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Navigateur:
    """One agent's browser: its cookies, and nothing followed or sent that it did not ask for."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.statuts: list[tuple[str, int]] = []
        self.plus_lente = (0.0, "")

    def requete(self, methode: str, chemin: str, champs: dict[str, str] | None = None) -> tuple[int, str, str]:
        """Status, Location and body of one request."""
        entetes = {"Cookie": "; ".join(f"{nom}={valeur}" for nom, valeur in self.cookies.items())}
        corps = None
        if champs is not None:
            corps = urlencode(champs)
            entetes.update(
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Origin": f"http://127.0.0.1:{self.port}",
                }
            )
        connexion = http.client.HTTPConnection("127.0.0.1", self.port, timeout=DELAI_REPONSE)
        debut = time.monotonic()
        try:
            connexion.request(methode, chemin, body=corps, headers=entetes)
            reponse = connexion.getresponse()
            texte = reponse.read().decode("utf-8", "replace")
            for entete in reponse.headers.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(entete)
                for nom, morceau in cookie.items():
                    self.cookies[nom] = morceau.value
            self.statuts.append((f"{methode} {chemin}", reponse.status))
            self.plus_lente = max(self.plus_lente, (time.monotonic() - debut, f"{methode} {chemin}"))
            return reponse.status, reponse.headers.get("Location", ""), texte
        finally:
            connexion.close()

    def jeton(self, page: str) -> str:
        trouve = JETON_CSRF.search(page)
        assert trouve, "pas de jeton CSRF dans la page"
        return trouve.group(1)


def _parcours(navigateur: Navigateur, identifiant: str, depart: threading.Barrier, erreurs: list[str]) -> None:
    """The agent's path; anything unexpected is noted in `erreurs`."""
    try:
        statut, _, page = navigateur.requete("GET", "/")
        assert statut == 200, f"page de connexion : {statut}"
        jeton = navigateur.jeton(page)
        depart.wait(timeout=DELAI_REPONSE)
        statut, destination, _ = navigateur.requete(
            "POST",
            "/",
            {"csrfmiddlewaretoken": jeton, "identifiant": identifiant, "mot_de_passe": MOT_DE_PASSE_PARTENAIRE},
        )
        assert (statut, urlsplit(destination).path) == (302, "/portail/"), f"connexion : {statut} {destination}"
        statut, _, page = navigateur.requete("GET", "/portail/")
        assert statut == 200, f"page principale : {statut}"
        statut, destination, _ = navigateur.requete(
            "POST", "/portail/consulter/", {"csrfmiddlewaretoken": navigateur.jeton(page), "numero_allocataire": NUMERO}
        )
        assert statut == 302 and "/portail/dossier/" in destination, f"consulter : {statut} {destination}"
        statut, _, page = navigateur.requete("GET", urlsplit(destination).path)
        assert statut == 200, f"rubrique : {statut}"
        assert NUMERO in page, "la rubrique ne montre pas le dossier"
    except BaseException as erreur:  # a thread's failure is reported by the test, in the main thread
        erreurs.append(f"{identifiant} : {erreur!r}")


@pytest.fixture
def serveur(tmp_path):
    """A threaded `manage.py runserver` on a fresh SQLite file: its port, the agents' identifiants,
    the file, the server's environment and its log."""
    base = tmp_path / "cafpro.sqlite3"
    env = _environnement(base)
    _manage(env, "migrate", "--noinput", "--verbosity", "0")
    sortie = _manage(env, "shell", "-c", "from tests.test_sqlite_concurrent import peupler; peupler()")
    identifiants = json.loads(sortie.strip().splitlines()[-1])
    port = _port_libre()
    journal_serveur = tmp_path / "runserver.log"
    with journal_serveur.open("w") as sortie_serveur:
        processus = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=sortie_serveur,
            stderr=subprocess.STDOUT,
        )
    try:
        limite = time.monotonic() + ATTENTE_SERVEUR
        while True:
            assert processus.poll() is None, journal_serveur.read_text()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < limite, "le serveur ne répond pas :\n" + journal_serveur.read_text()
                time.sleep(0.2)
        yield port, identifiants, base, env, journal_serveur
    finally:
        processus.terminate()
        processus.wait(timeout=30)


def test_vingt_agents_se_connectent_et_consultent_en_meme_temps(serveur):
    port, identifiants, base, env, journal_serveur = serveur
    assert len(identifiants) == AGENTS
    depart = threading.Barrier(AGENTS)
    erreurs: list[str] = []
    navigateurs = [Navigateur(port) for _ in identifiants]
    fils = [
        threading.Thread(target=_parcours, args=(navigateur, identifiant, depart, erreurs))
        for navigateur, identifiant in zip(navigateurs, identifiants, strict=True)
    ]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join(timeout=DELAI_REPONSE * 2)

    statuts = Counter(statut for navigateur in navigateurs for _, statut in navigateur.statuts)
    duree, requete = max(navigateur.plus_lente for navigateur in navigateurs)
    bilan = f"réponses : {dict(statuts)}, la plus lente {requete} en {duree:.1f} s ; erreurs : {erreurs}"
    print(bilan)
    assert statuts[500] == 0, bilan + "\n" + journal_serveur.read_text()[-4000:]
    assert erreurs == [], bilan + "\n" + journal_serveur.read_text()[-4000:]
    assert sum(statuts.values()) == AGENTS * 5, bilan

    # The journal holds each agent's login, search and consultation, once each.
    with sqlite3.connect(base) as lien:
        # The settings put the file in WAL mode, which it keeps (readers never wait for a writer).
        assert lien.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        lignes = lien.execute("SELECT identifiant, type, resultat FROM journal_evenement").fetchall()
    evenements = Counter(ligne for ligne in lignes if ligne[0] in identifiants)
    attendus = Counter(
        {
            (identifiant, type_, "succes"): 1
            for identifiant in identifiants
            for type_ in ("connexion", "recherche", "consultation")
        }
    )
    assert evenements == attendus
    # Appended side by side, each chain of the Caf still links up (journal/chaine.py).
    assert "Journal des accès intègre." in _manage(env, "journal_verify")
