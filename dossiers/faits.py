"""Facts about a dossier for the apps that may not read the dossiers' tables (DESIGN §4): each a
named function, so that what they learn of an allocataire is listed here and nowhere else."""

from dataclasses import dataclass

from django.db.models import OuterRef, Subquery

from .models import Dossier, Personne, RoleDansLeFoyer


def code_postal_du_dossier(caisse: str = "caisse_dossier", numero: str = "numero_allocataire") -> Subquery:
    """The code postal of the dossier a row names by its Caf's numéro (field `caisse`) and its
    numéro d'allocataire (field `numero`), as a journal event does: an expression to annotate
    that row's queryset with, read in the database (one lookup on the dossier's unique key per
    row; None if no such dossier). Nothing else of the dossier is exposed."""
    return Subquery(
        Dossier.objects.filter(caisse__numero=OuterRef(caisse), numero_allocataire=OuterRef(numero)).values(
            "code_postal"
        )[:1]
    )


@dataclass(frozen=True)
class Destinataire:
    """Whom a letter about a dossier is written to: its responsable, at the dossier's address."""

    civilite: str  # "Madame", "Monsieur" or "" (not recorded)
    prenom: str
    nom: str
    adresse: tuple[str, ...]  # the address lines, code postal and commune last


def destinataire_du_dossier(caisse: str, numero: str) -> Destinataire | None:
    """The responsable of the dossier of that Caf's numéro (`caisse`, "131") and numéro
    d'allocataire, and the dossier's postal address: what a letter to the allocataire needs
    (controle's letter of the right of access), nothing else of the dossier. None if that Caf has
    no such dossier. Two queries on unique keys."""
    dossier = (
        Dossier.objects.filter(caisse__numero=caisse, numero_allocataire=numero)
        .only("pk", "adresse_complement", "adresse_voie", "code_postal", "commune")
        .first()
    )
    if dossier is None:
        return None
    responsable = (
        Personne.objects.filter(dossier=dossier, role=RoleDansLeFoyer.RESPONSABLE)
        .only("civilite", "prenom", "nom")
        .first()
    )
    adresse = (dossier.adresse_complement, dossier.adresse_voie, f"{dossier.code_postal} {dossier.commune}")
    return Destinataire(
        civilite=responsable.get_civilite_display() if responsable else "",
        prenom=responsable.prenom if responsable else "",
        nom=responsable.nom if responsable else "",
        adresse=tuple(ligne.strip() for ligne in adresse if ligne.strip()),
    )
