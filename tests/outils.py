import html
import io
import json
import re
from contextlib import contextmanager

from django.core.management import call_command
from django.db import transaction


def texte(reponse) -> str:
    """The page as a person reads it: decoded, with HTML entities (&#x27; …) resolved."""
    return html.unescape(reponse.content.decode())


def mot_de_passe_de_la_feuille(page: str) -> str:
    """The password on the separate sheet (habilitations.courriers.feuille_mot_de_passe), as the
    lot's page shows it once after an action."""
    trouve = re.search(r"Mot de passe</th><td>([^<]+)<", page)
    assert trouve, "aucune feuille de mot de passe sur la page"
    return trouve.group(1)


def page_du_lot(client, reponse) -> str:
    """An action answers with a redirect to the lot of documents it issued: follow it once."""
    assert reponse.status_code == 302, reponse.status_code
    return texte(client.get(reponse["Location"]))


def derniere_requete_il_y_a(client, secondes: float) -> None:
    """The session's last request `secondes` ago, as the server will read it: the time noted at
    login (in the session) and the signed activity cookie (cafpro/activite.py), both aged."""
    import time

    from django.conf import settings

    from cafpro.activite import jeton

    instant = time.time() - secondes
    session = client.session
    session["cafpro_derniere_activite"] = instant
    session.save()
    client.cookies[settings.CAFPRO_ACTIVITE_COOKIE_NAME] = jeton(session.session_key, instant)


def demo_json(dossiers: int = 0) -> dict:
    """One run of `manage.py demo --json`: the listing it prints. `dossiers`: how many generated
    dossiers per Caf (their bulk generation has tests of its own)."""
    sortie = io.StringIO()
    call_command("demo", "--json", "--dossiers", str(dossiers), stdout=sortie)
    return json.loads(sortie.getvalue())


@contextmanager
def monde_de_demo(django_db_blocker, dossiers: int = 0):
    """The world of one demo run, for a module-scoped fixture: shared by the module's tests and
    rolled back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo_json(dossiers)
        transaction.set_rollback(True)
