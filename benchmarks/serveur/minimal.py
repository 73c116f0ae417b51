"""The baseline of issue 17: the least a consultation must do, with no middleware: read the
session from the database, fetch the session's dossier row by its key, insert one journal row
(without the chain) in a transaction. Served at /banc/minimal/ by benchmarks/serveur/wsgi.py,
called in process by benchmarks/profil.py. Needs Django set up.
"""

from http.cookies import SimpleCookie

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import close_old_connections, transaction

from dossiers.consultation import SESSION_DOSSIER
from dossiers.models import Dossier
from journal.models import Evenement, Resultat, TypeEvenement

CHEMIN_MINIMAL = "/banc/minimal/"


def minimal(environ, start_response):
    close_old_connections()  # what Django's request_started does: CONN_MAX_AGE, health checks
    try:
        cookie = SimpleCookie(environ.get("HTTP_COOKIE", ""))
        morceau = cookie.get(settings.SESSION_COOKIE_NAME)
        session = SessionStore(morceau.value if morceau else None)
        with transaction.atomic():
            dossier = (
                Dossier.objects.filter(pk=session.get(SESSION_DOSSIER))
                .values_list("numero_allocataire", flat=True)
                .first()
            )
            Evenement.objects.create(
                type=TypeEvenement.CONSULTATION,
                resultat=Resultat.SUCCES,
                identifiant=session.get("_auth_user_id", ""),
                numero_allocataire=dossier or "",
                rubrique="banc",
            )
        corps = f"<!doctype html><title>minimal</title><p>{dossier}</p>".encode()
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(corps)))])
        return [corps]
    finally:
        close_old_connections()
