import pytest

from documents.emission import emettre
from documents.models import Nature

# Every block type, with the accents and signs of French letters.
BLOCS_COMPLETS = [
    {
        "type": "entete",
        "expediteur": ["Caf des Bouches-du-Rhône", "215, chemin de Gibbes", "13014 Marseille"],
        "destinataire": ["Mairie de Salon-de-Provence", "Hôtel de ville", "13300 Salon-de-Provence"],
    },
    {"type": "objet", "texte": "Ouverture des droits à Cafpro"},
    {"type": "titre", "texte": "Demande d'accès au service Cafpro"},
    {"type": "sous_titre", "texte": "Identité de l'utilisateur"},
    {"type": "paragraphe", "texte": "Première ligne élève, çà et là.\nSeconde ligne : cœur « guillemets »."},
    {"type": "paragraphe", "texte": "Texte en gras <b>non interprété</b> & co", "gras": True},
    {"type": "liste", "elements": ["Réception de la convention", "Mise à jour des accès"]},
    {"type": "champs", "lignes": [["Nom", "MARTIN"], ["Prénom", "Hélène"], ["Fonction", ""]]},
    {"type": "cases", "libelle": "Contrat", "options": ["CDD", "CDI"], "cochee": "CDI"},
    {"type": "lieu_date", "texte": "Marseille, le 3 mai 2026"},
    {"type": "saut_de_page"},
    {
        "type": "signatures",
        "colonnes": [
            {"titre": "L'utilisateur", "mention": "(Précédée de la mention « lu et approuvé »)", "nom": "H. Martin"},
            {"titre": "L'employeur", "mention": "(Précédée de la mention « lu et approuvé »)", "nom": ""},
        ],
    },
    {"type": "mention", "texte": "Les informations délivrées par Cafpro sont strictement confidentielles."},
]


@pytest.fixture
def document_131(db):
    return emettre(
        Nature.DEMANDE_ACCES,
        "Demande d'accès — Hélène MARTIN",
        BLOCS_COMPLETS,
        caisse="131",
        acteur="gestion.test131",
        habilitation_id=42,
    )
