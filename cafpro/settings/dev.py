"""Development settings: the production settings with a local, debug-friendly environment.

Every default below can still be overridden by the environment (DATABASE_URL in CI, say).
"""

import os

os.environ.setdefault("DEBUG", "1")
# A key good enough for a laptop; production refuses to start without a real one.
os.environ.setdefault("SECRET_KEY", "dev-only-cafpro-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

from .base import *  # noqa: E402,F403

# The deterministic demo world (`manage.py demo`): a development tool, never installed in production.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]  # noqa: F405

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
# Serve static files straight from the source folders, without collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
