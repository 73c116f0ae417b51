"""The benchmark's gunicorn application: the portal as served in production (cafpro.wsgi,
production settings, the serving role's guard) and, at /banc/minimal/, the baseline of issue 17.

The baseline is a bare view doing the least a consultation must do, with no middleware: read
the session from the database, fetch the session's dossier row by its key, insert one journal
row (without the chain) in a transaction. Both run in the same worker processes, so the ratio
between them compares the portal with what this machine, gunicorn and PostgreSQL allow.
"""

from cafpro.wsgi import application as portail  # sets up Django with the production settings

# isort: split
from benchmarks.serveur.minimal import CHEMIN_MINIMAL, minimal  # its models need Django set up


def application(environ, start_response):
    if environ.get("PATH_INFO") == CHEMIN_MINIMAL:
        return minimal(environ, start_response)
    return portail(environ, start_response)
