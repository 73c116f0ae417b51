#!/usr/bin/env python3
"""Django's command-line utility for Cafpro (development settings by default)."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cafpro.settings.dev")
    # The operator's commands (migrate, journal_purge, loaders) may rightly run long: no server-side
    # bound on their statements, locks or transactions unless the environment sets one. The web
    # workers (cafpro/wsgi.py) keep the settings' bounds.
    for variable in (
        "DATABASE_STATEMENT_TIMEOUT_MS",
        "DATABASE_LOCK_TIMEOUT_MS",
        "DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS",
    ):
        os.environ.setdefault(variable, "0")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
