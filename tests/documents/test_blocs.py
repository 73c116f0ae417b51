"""The content format: anything half-formed is refused before it is stored."""

import pytest

from documents.blocs import empreinte, valider
from documents.emission import emettre
from documents.models import DocumentEmis
from documents.rendu import texte

from .conftest import BLOCS_COMPLETS


def test_tous_les_types_sont_acceptes_et_normalises():
    blocs = valider([*BLOCS_COMPLETS, {"type": "champs", "lignes": [("Nom", "A")]}])
    assert blocs[:-1] == BLOCS_COMPLETS
    assert blocs[-1]["lignes"] == [["Nom", "A"]]
    # Optional keys of a signature column default to empty text.
    assert valider([{"type": "signatures", "colonnes": [{"titre": "La Caf"}]}])[0]["colonnes"] == [
        {"titre": "La Caf", "mention": "", "nom": ""}
    ]


@pytest.mark.parametrize(
    "blocs, message",
    [
        ("pas une liste", "liste"),
        ([["type", "titre"]], "un bloc est un dict"),
        ([{"texte": "sans type"}], "type de bloc inconnu"),
        ([{"type": "image", "src": "x.png"}], "type de bloc inconnu"),
        ([{"type": "titre"}], "clés manquantes \\['texte'\\]"),
        ([{"type": "entete", "expediteur": ["Caf"]}], "clés manquantes \\['destinataire'\\]"),
        ([{"type": "titre", "texte": "x", "couleur": "rouge"}], "clés inconnues"),
        ([{"type": "titre", "texte": 3}], "texte attendu"),
        ([{"type": "liste", "elements": "a, b"}], "liste de textes"),
        ([{"type": "liste", "elements": ["a", None]}], "texte attendu"),
        ([{"type": "paragraphe", "texte": "x", "gras": "oui"}], "booléen"),
        ([{"type": "champs", "lignes": [["Nom"]]}], "paire"),
        ([{"type": "cases", "libelle": "Contrat", "options": ["CDD"], "cochee": "CDI"}], "pas une des options"),
        ([{"type": "signatures", "colonnes": []}], "au moins une colonne"),
        ([{"type": "signatures", "colonnes": [{"nom": "X"}]}], "titre"),
        ([{"type": "signatures", "colonnes": [{"titre": "X", "mot_de_passe": "Ab3dE5"}]}], "clés inconnues"),
    ],
)
def test_un_contenu_mal_forme_est_refuse(blocs, message):
    with pytest.raises(ValueError, match=message):
        valider(blocs)


def test_rien_n_est_stocke_ni_journalise_si_le_contenu_est_mal_forme(db):
    from journal.models import Evenement

    with pytest.raises(ValueError):
        emettre("lettre_envoi", "Lettre", [{"type": "titre"}], caisse="131", acteur="gestion.test131")
    with pytest.raises(ValueError):
        emettre("inconnue", "Lettre", [], caisse="131", acteur="gestion.test131")
    with pytest.raises(ValueError, match="titre"):
        emettre("lettre_envoi", "  ", [], caisse="131", acteur="gestion.test131")
    assert not DocumentEmis.objects.exists()
    assert not Evenement.objects.exists()


def test_l_empreinte_ne_depend_que_du_titre_et_des_blocs():
    assert empreinte("A", [{"type": "titre", "texte": "é"}]) == empreinte("A", [{"texte": "é", "type": "titre"}])
    assert empreinte("A", []) != empreinte("B", [])
    assert len(empreinte("A", [])) == 64


def test_le_texte_brut():
    resultat = texte(BLOCS_COMPLETS)
    assert "Objet : Ouverture des droits à Cafpro" in resultat
    assert "Contrat : ☐ CDD ☒ CDI" in resultat
    assert "- Réception de la convention" in resultat
    assert "Fonction : …" in resultat
    assert "Hôtel de ville" in resultat
