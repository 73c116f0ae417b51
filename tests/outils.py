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
