"""WSGI entry point for gunicorn (production settings unless told otherwise).

In production on PostgreSQL, the application refuses to serve with a role that could rewrite
the journal des accès: a superuser, the tables' owner, a member of cafpro_maintenance… (see
cafpro/roles.py, docs/deploiement.md).
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cafpro.settings.base")

application = get_wsgi_application()

from cafpro.roles import garde_production  # noqa: E402 — needs the settings loaded above

application = garde_production(application)
