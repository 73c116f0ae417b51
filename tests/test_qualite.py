"""The quality gate runs with the tests, so CI enforces it: ruff's lint and format."""

import subprocess
import sys
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent


def ruff(*args):
    return subprocess.run([sys.executable, "-m", "ruff", *args], cwd=RACINE, capture_output=True, text=True)


def test_ruff_check():
    resultat = ruff("check", ".")
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr


def test_ruff_format():
    resultat = ruff("format", "--check", ".")
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
