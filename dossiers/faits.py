"""Facts about a dossier for the apps that may not read the dossiers' tables (DESIGN §4): each a
named function, so that what they learn of an allocataire is listed here and nowhere else."""

from django.db.models import OuterRef, Subquery

from .models import Dossier


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
