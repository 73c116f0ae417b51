"""Production settings: they refuse a weak SECRET_KEY and pass `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
CLE = "k9Zq2vX8mP4nR7tW1yB6cD3fG5hJ0lA9sE2uI8oQ4wT7rY1xN6bV3zM5cK8jH2gF"


def manage(*args, env):
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=RACINE,
        env={**base, "DJANGO_SETTINGS_MODULE": "cafpro.settings.base", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_la_production_refuse_de_demarrer_sans_secret_key():
    resultat = manage("check", env={"ALLOWED_HOSTS": "cafpro.example"})
    assert resultat.returncode != 0
    assert "SECRET_KEY manquante ou trop faible" in resultat.stderr


def test_la_production_refuse_une_cle_de_developpement():
    resultat = manage("check", env={"SECRET_KEY": "django-insecure-" + "x" * 60})
    assert resultat.returncode != 0
    assert "SECRET_KEY" in resultat.stderr


def test_check_deploy_sans_avertissement():
    resultat = manage(
        "check", "--deploy", "--fail-level", "WARNING", env={"SECRET_KEY": CLE, "ALLOWED_HOSTS": "cafpro.example"}
    )
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "no issues" in resultat.stdout


def test_pas_de_migration_oubliee():
    resultat = manage("makemigrations", "--check", "--dry-run", env={"SECRET_KEY": CLE})
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
