"""The content format of a document: a title and a list of blocks ("blocs").

A block is a dict with a "type" and the keys of that type (see FORMES). `valider` refuses an
unknown type, a missing or unexpected key or a value of the wrong kind, so that nothing
half-formed is stored; it gives back a normalised copy (lists, not tuples) whose JSON is the
one stored and hashed.

    entete      expediteur: [str], destinataire: [str]   the Caf (left), the recipient (right)
    objet       texte: str                               "Objet : …"
    titre       texte: str
    sous_titre  texte: str
    paragraphe  texte: str (may hold "\n"), gras: bool (optional)
    liste       elements: [str]
    champs      lignes: [[libellé, valeur], …]           an empty valeur prints a dotted line
    cases       libelle: str, options: [str], cochee: str | None (optional)
    lieu_date   texte: str                               right-aligned
    signatures  colonnes: [{titre: str, mention: str (optional), nom: str (optional)}]
    mention     texte: str                               small print
    saut_de_page
"""

import hashlib
import json

TEXTE = "texte"
TEXTES = "textes"
LIGNES = "lignes"
BOOLEEN = "booleen"
CHOIX = "choix"
COLONNES = "colonnes"

# type -> ({required key: kind}, {optional key: kind})
FORMES: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "entete": ({"expediteur": TEXTES, "destinataire": TEXTES}, {}),
    "objet": ({"texte": TEXTE}, {}),
    "titre": ({"texte": TEXTE}, {}),
    "sous_titre": ({"texte": TEXTE}, {}),
    "paragraphe": ({"texte": TEXTE}, {"gras": BOOLEEN}),
    "liste": ({"elements": TEXTES}, {}),
    "champs": ({"lignes": LIGNES}, {}),
    "cases": ({"libelle": TEXTE, "options": TEXTES}, {"cochee": CHOIX}),
    "lieu_date": ({"texte": TEXTE}, {}),
    "signatures": ({"colonnes": COLONNES}, {}),
    "mention": ({"texte": TEXTE}, {}),
    "saut_de_page": ({}, {}),
}
TYPES = frozenset(FORMES)


def _texte(valeur, ou: str) -> str:
    if not isinstance(valeur, str):
        raise ValueError(f"{ou} : texte attendu, reçu {type(valeur).__name__}.")
    return valeur.replace("\r\n", "\n").replace("\r", "\n")


def _textes(valeur, ou: str) -> list[str]:
    if not isinstance(valeur, list | tuple):
        raise ValueError(f"{ou} : liste de textes attendue, reçu {type(valeur).__name__}.")
    return [_texte(v, f"{ou}[{i}]") for i, v in enumerate(valeur)]


def _lignes(valeur, ou: str) -> list[list[str]]:
    if not isinstance(valeur, list | tuple):
        raise ValueError(f"{ou} : liste de lignes [libellé, valeur] attendue.")
    lignes = []
    for i, ligne in enumerate(valeur):
        if not isinstance(ligne, list | tuple) or len(ligne) != 2:
            raise ValueError(f"{ou}[{i}] : une ligne est une paire [libellé, valeur].")
        lignes.append([_texte(ligne[0], f"{ou}[{i}][0]"), _texte(ligne[1], f"{ou}[{i}][1]")])
    return lignes


def _colonnes(valeur, ou: str) -> list[dict]:
    if not isinstance(valeur, list | tuple) or not valeur:
        raise ValueError(f"{ou} : au moins une colonne de signature attendue.")
    colonnes = []
    for i, colonne in enumerate(valeur):
        if not isinstance(colonne, dict) or "titre" not in colonne:
            raise ValueError(f"{ou}[{i}] : une colonne est un dict avec au moins « titre ».")
        inconnues = set(colonne) - {"titre", "mention", "nom"}
        if inconnues:
            raise ValueError(f"{ou}[{i}] : clés inconnues {sorted(inconnues)}.")
        colonnes.append({cle: _texte(colonne.get(cle, ""), f"{ou}[{i}].{cle}") for cle in ("titre", "mention", "nom")})
    return colonnes


def _valeur(genre: str, valeur, ou: str):
    if genre == TEXTE:
        return _texte(valeur, ou)
    if genre == TEXTES:
        return _textes(valeur, ou)
    if genre == LIGNES:
        return _lignes(valeur, ou)
    if genre == COLONNES:
        return _colonnes(valeur, ou)
    if genre == BOOLEEN:
        if not isinstance(valeur, bool):
            raise ValueError(f"{ou} : booléen attendu.")
        return valeur
    if genre == CHOIX:
        return None if valeur is None else _texte(valeur, ou)
    raise AssertionError(genre)


def valider_bloc(bloc, ou: str = "bloc") -> dict:
    if not isinstance(bloc, dict):
        raise ValueError(f"{ou} : un bloc est un dict, reçu {type(bloc).__name__}.")
    genre = bloc.get("type")
    if genre not in FORMES:
        raise ValueError(f"{ou} : type de bloc inconnu {genre!r}.")
    requises, facultatives = FORMES[genre]
    manquantes = set(requises) - set(bloc)
    if manquantes:
        raise ValueError(f"{ou} ({genre}) : clés manquantes {sorted(manquantes)}.")
    inconnues = set(bloc) - set(requises) - set(facultatives) - {"type"}
    if inconnues:
        raise ValueError(f"{ou} ({genre}) : clés inconnues {sorted(inconnues)}.")
    propre = {"type": genre}
    for cle, sorte in {**requises, **facultatives}.items():
        if cle in bloc:
            propre[cle] = _valeur(sorte, bloc[cle], f"{ou} ({genre}).{cle}")
    if genre == "cases" and propre.get("cochee") is not None and propre["cochee"] not in propre["options"]:
        raise ValueError(f"{ou} (cases) : la case cochée {propre['cochee']!r} n'est pas une des options.")
    return propre


def valider(blocs) -> list[dict]:
    """A normalised copy of the blocks, or ValueError naming the first fault."""
    if not isinstance(blocs, list | tuple):
        raise ValueError("Les blocs d'un document sont une liste.")
    return [valider_bloc(bloc, f"bloc {i}") for i, bloc in enumerate(blocs)]


def valider_titre(titre) -> str:
    titre = _texte(titre, "titre").strip()
    if not titre:
        raise ValueError("Un document a un titre.")
    if len(titre) > 200:
        raise ValueError("Le titre d'un document tient en 200 caractères.")
    return titre


def json_canonique(titre: str, blocs: list[dict]) -> str:
    return json.dumps({"titre": titre, "blocs": blocs}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def empreinte(titre: str, blocs: list[dict]) -> str:
    """sha256 (hex) of the canonical JSON of the title and the blocks."""
    return hashlib.sha256(json_canonique(titre, blocs).encode("utf-8")).hexdigest()
