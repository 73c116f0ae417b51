"""The consultation events: what the Responsables Sécurité will read (journal des accès)."""

from journal.ecriture import enregistrer
from journal.models import Resultat, TypeEvenement


def journaliser(
    request,
    resultat: Resultat,
    *,
    motif: str = "",
    dossier=None,
    numero: str = "",
    rubrique: str = "",
    periode: str = "",
    type: TypeEvenement | None = None,
):
    """One event per lookup, per page of a dossier shown (before its data is read) and per
    refusal.

    `caisse` is the Caf of the agent's convention, as for his other events; the Caf of the
    dossier, which differs for multi-Caf and national accesses, is `caisse_dossier`."""
    habilitation = request.user.habilitation
    return enregistrer(
        type or (TypeEvenement.CONSULTATION if resultat == Resultat.SUCCES else TypeEvenement.REFUS),
        resultat,
        request=request,
        motif=motif,
        identifiant=request.user.username,
        habilitation_id=habilitation.pk,
        caisse=habilitation.convention.caisse.numero,
        numero_allocataire=dossier.numero_allocataire if dossier is not None else numero,
        rubrique=rubrique,
        periode=periode,
        caisse_dossier=dossier.caisse.numero if dossier is not None else "",
    )
