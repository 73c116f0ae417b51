"""Journal events about one account, with the keys the journal needs taken from it."""

from journal.ecriture import enregistrer
from journal.models import Evenement, Resultat, TypeEvenement


def enregistrer_pour_compte(
    type: TypeEvenement,
    resultat: Resultat,
    user,
    *,
    request=None,
    motif: str = "",
    acteur: str = "",
    caisse_dossier: str = "",
) -> Evenement:
    """A partner agent's events carry his habilitation and its Caf; a staff member's, his Caf."""
    habilitation = getattr(user, "habilitation", None) if user.est_partenaire else None
    if habilitation is not None:
        caisse = habilitation.convention.caisse.numero
    else:
        caisse = user.caisse.numero if user.caisse_id else ""
    return enregistrer(
        type,
        resultat,
        request=request,
        motif=motif,
        identifiant=user.username,
        habilitation_id=habilitation.pk if habilitation is not None else None,
        acteur=acteur,
        caisse=caisse,
        caisse_dossier=caisse_dossier,
    )
