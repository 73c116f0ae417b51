"""Real headless Chromium (Debian's package) driven by Playwright, against a live server.

`python3 dev.py test` installs Chromium when it is missing; these tests never skip: without
a browser they fail with the reason.
"""

import os
from pathlib import Path

import pytest

from scripts.chromium import CHROMIUM, lancer

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# around it are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium introuvable ({CHROMIUM}) : lancez les tests par « python3 dev.py test », qui l'installe."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        navigateur = lancer(playwright)
        yield navigateur
        navigateur.close()


@pytest.fixture
def page(chromium, live_server):
    contexte = chromium.new_context(base_url=live_server.url, locale="fr-FR")
    onglet = contexte.new_page()
    yield onglet
    contexte.close()
