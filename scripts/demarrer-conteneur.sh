#!/bin/sh
# The container's start (the Dockerfile's CMD): migrate with the tables' owner, serve with a
# role that cannot rewrite the journal des accès (docs/deploiement.md, « Journal des accès :
# rôles de la base »).
#
#   DATABASE_OWNER_URL  the owner's connection: migrate, referentiel, roles_base (which creates
#                       the serving role, and cafpro_maintenance, and grants)
#   DATABASE_URL        the application's connection, e.g. postgres://cafpro_application:…@db/cafpro:
#                       its user and password are the serving role's (roles_base sets them)
#
# Without DATABASE_OWNER_URL, the base must already be migrated and granted (by a job of its
# own): the script only checks the serving role. Either way it refuses to serve with a role
# that could rewrite the journal. With arguments, runs them instead of gunicorn. What it
# serves or runs never gets the owner's connection: DATABASE_OWNER_URL (and
# DATABASE_APPLICATION_URL, which only roles_base reads) leave the environment before exec.
set -eu
PYTHON=${PYTHON:-python}

case "${DATABASE_URL:-}" in
  postgres://* | postgresql://* | pgsql://*)
    if [ -n "${DATABASE_OWNER_URL:-}" ]; then
      DATABASE_URL="$DATABASE_OWNER_URL" "$PYTHON" manage.py migrate --noinput
      DATABASE_URL="$DATABASE_OWNER_URL" "$PYTHON" manage.py referentiel
      DATABASE_APPLICATION_URL="$DATABASE_URL" DATABASE_URL="$DATABASE_OWNER_URL" "$PYTHON" manage.py roles_base
    else
      echo "DATABASE_OWNER_URL absente : ni migration ni rôles, vérification du rôle de DATABASE_URL seulement." >&2
    fi
    "$PYTHON" manage.py roles_base --verifier
    ;;
  *)
    echo "Sans PostgreSQL, le journal n'est protégé par aucun rôle ni déclencheur : démonstration seulement." >&2
    "$PYTHON" manage.py migrate --noinput
    "$PYTHON" manage.py referentiel
    ;;
esac

# The owner's credentials stay with the steps above: not in gunicorn's environment (a worker's
# /proc/self/environ, an error page's dump, a child process), nor in a command's.
unset DATABASE_OWNER_URL DATABASE_APPLICATION_URL

if [ "$#" -gt 0 ]; then
  exec "$@"
fi
# --timeout 30: above every database wait the settings bound (statement 10 s, lock 2 s).
# Threads: a request waiting on the database (a Caf's journal strands held, a slow search) holds
# one thread, not a whole worker, so the others keep serving (issue 17, docs/performance.md).
# Run the staff area (/gestion/) in a pool of its own behind the load balancer, so that its
# searches and exports never take the partners' workers (docs/deploiement.md).
exec gunicorn cafpro.wsgi:application --bind 0.0.0.0:8000 --workers "${GUNICORN_WORKERS:-3}" \
  --threads "${GUNICORN_THREADS:-4}" --timeout 30 --access-logfile -
