"""CSV export of a journal search: streamed row by row, keyset batches, constant memory.

UTF-8 with a BOM (Excel detects the encoding), `;` separator (French Excel), French headers;
any cell that a spreadsheet would read as a formula is prefixed with a quote (CSV injection,
SECURITY.md "The journal", ASVS 16.4.1).
"""

import csv

from django.http import StreamingHttpResponse
from django.utils import timezone

from .recherche import Criteres, habilitations_de, libelle, lots, titulaire

BOM = "\ufeff"
ENTETES = [
    "Horodatage",
    "Événement",
    "Résultat",
    "Identifiant",
    "Habilitation",
    "Nom",
    "Partenaire",
    "Convention",
    "Profil",
    "Acteur",
    "Caf",
    "Caf du dossier",
    "Numéro d'allocataire",
    "Rubrique",
    "Période",
    "Adresse du client",
    "Motif",
]
# A leading character that makes Excel, LibreOffice or Sheets evaluate the cell.
FORMULES = ("=", "+", "-", "@", "\t", "\r")
LOT = 1000


def cellule(valeur) -> str:
    texte = "" if valeur is None else str(valeur)
    # Spreadsheets skip leading spaces before reading a formula.
    if texte.startswith(FORMULES) or texte.lstrip().startswith(FORMULES):
        return "'" + texte
    return texte


class _Tampon:
    """csv.writer writes one row into this and we yield what it returns."""

    def write(self, valeur):
        return valeur


def ligne(evenement, habilitation) -> list[str]:
    convention = habilitation.convention if habilitation else None
    return [
        timezone.localtime(evenement.horodatage).strftime("%d/%m/%Y %H:%M:%S"),
        libelle(evenement),
        evenement.get_resultat_display(),
        evenement.identifiant,
        evenement.habilitation_id or "",
        titulaire(evenement, habilitation),
        convention.partenaire.raison_sociale if convention else "",
        convention.numero if convention else "",
        convention.profil if convention else "",
        evenement.acteur,
        evenement.caisse,
        evenement.caisse_dossier,
        evenement.numero_allocataire,
        evenement.rubrique,
        evenement.periode,
        evenement.adresse_ip or "",
        evenement.motif,
    ]


def lignes_csv(caisse: str, criteres: Criteres, lot: int = LOT):
    ecrivain = csv.writer(_Tampon(), delimiter=";", lineterminator="\r\n")
    yield BOM + ecrivain.writerow(ENTETES)
    for evenements in lots(caisse, criteres, lot):
        habilitations = habilitations_de(e.habilitation_id for e in evenements)
        for evenement in evenements:
            yield ecrivain.writerow(
                [cellule(v) for v in ligne(evenement, habilitations.get(evenement.habilitation_id))]
            )


def reponse_csv(caisse: str, criteres: Criteres) -> StreamingHttpResponse:
    reponse = StreamingHttpResponse(lignes_csv(caisse, criteres), content_type="text/csv; charset=utf-8")
    nom = f"journal-{caisse}-{timezone.localtime():%Y%m%d-%H%M}.csv"
    reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
    return reponse
