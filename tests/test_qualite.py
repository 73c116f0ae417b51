"""The quality gate runs with the tests, so CI enforces it: ruff's lint and format, the import
contracts of DESIGN.md §4, djLint on the templates, mypy on the typed apps."""

import subprocess
import sys
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
OUTILS = Path(sys.executable).parent


def lancer(*commande):
    return subprocess.run(commande, cwd=RACINE, capture_output=True, text=True)


def ruff(*args):
    return lancer(sys.executable, "-m", "ruff", *args)


def test_ruff_check():
    resultat = ruff("check", ".")
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr


def test_ruff_format():
    resultat = ruff("format", "--check", ".")
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr


def test_contrats_d_import():
    """Which app may import which ([tool.importlinter] in pyproject.toml)."""
    resultat = lancer(str(OUTILS / "lint-imports"), "--no-cache", "--no-logo")
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr


def test_djlint():
    """The templates ([tool.djlint] in pyproject.toml)."""
    resultat = lancer(str(OUTILS / "djlint"), "templates", "--lint")
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr


def test_mypy():
    """The typed apps ([tool.mypy] in pyproject.toml: profils/ and journal/ so far, strict)."""
    resultat = lancer(sys.executable, "-m", "mypy")
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
