#!/usr/bin/env python3
"""Cafpro's two commands, for a fresh clone with nothing but Python 3.11:

    python3 dev.py run [ADRESSE]   install, migrate, load the référentiel and the demo, serve
                                   the portal on http://127.0.0.1:8000/, or on ADRESSE: a port
                                   (8765), IP:PORT (127.0.0.1:8765, 0.0.0.0:8000 for the whole
                                   network, [::1]:8000) or NAME:PORT, as runserver takes it
    python3 dev.py test            run the whole test suite (extra pytest arguments may follow)

Both create `.venv/` and install the pinned requirements, checking their hashes, the first
time (and again whenever requirements/*.txt change). Set DATABASE_URL to use PostgreSQL
instead of the embedded SQLite file: `run` then migrates and loads the data with that URL's
role (the tables' owner), creates the roles with `manage.py roles_base` and serves with the
role `cafpro_application` (SELECT and INSERT only on the journal) on the same server and
base, with a fresh password each run (docs/deploiement.md).
"""

import hashlib
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import venv
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
DEV_REQUIREMENTS = ROOT / "requirements" / "dev.txt"
REQUIREMENTS = [ROOT / "requirements" / "base.txt", DEV_REQUIREMENTS]
STAMP = VENV / ".cafpro-requirements.sha256"


def fail(message: str) -> None:
    print(f"dev.py : {message}", file=sys.stderr)
    sys.exit(1)


def requirements_digest() -> str:
    digest = hashlib.sha256()
    for path in REQUIREMENTS:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_environment() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 — the message is for whoever runs an older python3
        fail(f"Python 3.11 ou plus est nécessaire (ici {sys.version.split()[0]}).")
    if not PYTHON.exists():
        print("Création de l'environnement virtuel .venv/ …", flush=True)
        try:
            venv.EnvBuilder(with_pip=True).create(VENV)
        except Exception as exc:  # ensurepip missing on some distributions
            fail(f"impossible de créer .venv/ ({exc}). Sous Debian/Ubuntu : apt-get install python3-venv")
    digest = requirements_digest()
    if not STAMP.exists() or STAMP.read_text() != digest:
        print("Installation des dépendances (requirements/dev.txt) …", flush=True)
        subprocess.run(
            # Every package pinned with its hashes (requirements/*.txt are compiled from *.in with uv).
            [PYTHON, "-m", "pip", "install", "--quiet", "--require-hashes", "-r", str(DEV_REQUIREMENTS)],
            check=True,
        )
        STAMP.write_text(digest)


def manage(*args: str, env: dict[str, str] | None = None) -> None:
    subprocess.run([PYTHON, "manage.py", *args], check=True, cwd=ROOT, env={**os.environ, **(env or {})})


# The role the portal is served with on PostgreSQL (cafpro/roles.py).
APPLICATION_ROLE = "cafpro_application"


def is_postgresql(url: str) -> bool:
    return url.split("://", 1)[0] in {"postgres", "postgresql", "pgsql"}


def application_url(owner_url: str, password: str, role: str = APPLICATION_ROLE) -> str:
    """The owner's URL with the serving role and its password: same server, port, base, options."""
    parts = urlsplit(owner_url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{role}:{quote(password, safe='')}@{host}"))


def serving_role(owner_url: str) -> str:
    """Create the roles with the owner's connection; the serving role's URL, with a new password."""
    url = application_url(owner_url, secrets.token_urlsafe(24))
    manage("roles_base", env={"DATABASE_APPLICATION_URL": url})
    return url


# runserver's ADDRESS (django/core/management/commands/runserver.py, naiveip_re): PORT, IPv4:PORT,
# [IPv6]:PORT or NAME:PORT.
ADRESSE = re.compile(
    r"^(?:(?P<hote>\d{1,3}(?:\.\d{1,3}){3}|\[[a-fA-F0-9:]+\]|[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*):)?(?P<port>\d+)$"
)
TOUTES_LES_INTERFACES = {"0", "0.0.0.0", "[::]"}


def adresse_du_poste() -> str | None:
    """The address other machines reach this one at: the source address of its default route
    (a UDP socket's connect sends nothing)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sonde:
        try:
            sonde.connect(("192.0.2.1", 9))  # TEST-NET-1 (RFC 5737): only the route is looked up
            adresse = sonde.getsockname()[0]
        except OSError:
            return None
    return None if adresse.startswith("127.") or adresse == "0.0.0.0" else adresse


def adresses_du_portail(adresse: str) -> tuple[str, list[str], list[str]]:
    """runserver's ADDRESS, the URLs where it serves the portal (this machine's first) and the
    host names those URLs send, for ALLOWED_HOSTS. Exits with a message if ADDRESS is not one."""
    trouvee = ADRESSE.match(adresse)
    if trouvee is None:
        fail(
            f"adresse « {adresse} » non comprise : attendu un port (8765), IP:PORT (127.0.0.1:8765, "
            "0.0.0.0:8000 pour tout le réseau, [::1]:8000) ou NOM:PORT."
        )
    hote, port = trouvee["hote"] or "127.0.0.1", trouvee["port"]
    if hote in TOUTES_LES_INTERFACES:
        # Every interface: this machine by its loopback, the others by its network address. The
        # portal also answers to the machine's name, and to 0.0.0.0, the address runserver prints
        # (browsers open it on this machine).
        hotes = ["127.0.0.1", *filter(None, [adresse_du_poste()])]
        noms = [socket.gethostname(), "0.0.0.0"]
    else:
        hotes, noms = [hote], []
    urls = [f"http://{h}:{port}/" for h in hotes]
    return f"{hote}:{port}", urls, list(dict.fromkeys(["127.0.0.1", "localhost", "[::1]", *hotes, *noms]))


def run(args: list[str]) -> None:
    if len(args) > 1:
        fail("une seule adresse est attendue : python3 dev.py run [ADRESSE]")
    adresse, urls, hotes = adresses_du_portail(args[0] if args else "127.0.0.1:8000")
    ensure_environment()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cafpro.settings.dev")
    # The names the portal answers to: those of its URLs (Django refuses any other Host).
    os.environ.setdefault("ALLOWED_HOSTS", ",".join(hotes))
    manage("migrate", "--noinput", "--verbosity", "0")
    manage("referentiel")
    manage("demo", *(f"--portail={url}" for url in urls))
    database_url = os.environ.get("DATABASE_URL", "")
    if is_postgresql(database_url):
        # Migrations and data as the tables' owner; the server as a role that cannot rewrite the journal.
        os.environ["DATABASE_URL"] = serving_role(database_url)
        print(f"PostgreSQL : le portail se connecte en tant que {APPLICATION_ROLE} (SELECT et INSERT sur le journal).")
    autres = f" (depuis un autre poste : {', '.join(urls[1:])})" if urls[1:] else ""
    print(f"\nPortail : {urls[0]}   Administration : {urls[0]}gestion/{autres}   (Ctrl+C pour arrêter)\n")
    os.chdir(ROOT)
    os.execv(PYTHON, [str(PYTHON), "manage.py", "runserver", adresse])


CHROMIUM = os.environ.get("CAFPRO_CHROMIUM", "/usr/bin/chromium")


def ensure_browser() -> None:
    """Browser tests drive Debian's Chromium (no browser download): install it if missing."""
    if Path(CHROMIUM).exists():
        return
    if shutil.which("apt-get") and os.geteuid() == 0:
        print("Installation de Chromium (paquet Debian « chromium ») pour les tests du navigateur …", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=env)
        return
    fail(
        "Chromium est nécessaire aux tests du navigateur : installez le paquet « chromium » "
        "(sudo apt-get install chromium) ou indiquez son chemin dans CAFPRO_CHROMIUM."
    )


def test(args: list[str]) -> None:
    ensure_environment()
    ensure_browser()
    os.environ["CAFPRO_CHROMIUM"] = CHROMIUM
    os.chdir(ROOT)
    os.execv(PYTHON, [str(PYTHON), "-m", "pytest", *args])


COMMANDS = {"run": run, "test": test}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__)
        sys.exit(2)
    COMMANDS[sys.argv[1]](sys.argv[2:])
