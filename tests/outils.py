import html


def texte(reponse) -> str:
    """The page as a person reads it: decoded, with HTML entities (&#x27; …) resolved."""
    return html.unescape(reponse.content.decode())
