"""Debian's Chromium as the browser tests (tests/navigateur/) and the screenshots
(scripts/captures.py) start it: one path and one set of flags.

Standard library only at import: `scripts/captures.py` imports it as a sibling module, the
tests as `scripts.chromium` (the repository's root is on pytest's path).
"""

import os

CHROMIUM = os.environ.get("CAFPRO_CHROMIUM", "/usr/bin/chromium")
# Headless as root, and nothing that reaches for the network behind the page's back: this
# machine's closed network refuses those connections, many at a time.
DRAPEAUX = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def lancer(playwright):
    """A Chromium browser started by Playwright with the path and flags above."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=DRAPEAUX)
