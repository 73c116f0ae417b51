import html
import re


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
