"""Filing and deciding the responsables habilitations' requests, journaled (issue 16).

The responsable's requests are journaled as TypeEvenement.DEMANDE under his identifiant, with
the agent's habilitation when there is one; the gestionnaire's decisions as GESTION, with the
request's public id in the details, so the Responsable Sécurité finds both in the journal's
search (controle, « type d'événement »). The life-cycle actions a validation carries out are
journaled by habilitations itself, as when the gestionnaire acts from the habilitation.
"""

from django.utils import timezone

from journal.ecriture import enregistrer
from journal.models import Resultat, TypeEvenement

from .models import Demande, EtatDemande


def _details(demande: Demande, **autres) -> dict:
    return {
        "demande": str(demande.public_id),
        "type_demande": demande.type,
        "convention": demande.convention.numero,
        "agent": demande.agent,
        "responsable": demande.responsable.identifiant,
        **autres,
    }


def journaliser_depot(request, demande: Demande) -> None:
    enregistrer(
        TypeEvenement.DEMANDE,
        Resultat.SUCCES,
        request=request,
        motif=f"demande déposée : {demande.objet}",
        identifiant=demande.responsable.identifiant,
        habilitation_id=demande.habilitation_id,
        acteur=demande.responsable.identifiant,
        caisse=demande.convention.caisse.numero,
        details=_details(demande),
    )


def journaliser_refus_de_depot(request, responsable, motif: str, **details) -> None:
    """A request the space refused to file (another's agent, a state that forbids it...)."""
    enregistrer(
        TypeEvenement.DEMANDE,
        Resultat.REFUS,
        request=request,
        motif=f"demande refusée par l'espace : {motif}",
        identifiant=responsable.identifiant,
        acteur=responsable.identifiant,
        caisse=responsable.partenaire.caisse.numero,
        details=details or None,
    )


def decider(request, demande: Demande, etat: str, motif: str = "", **details) -> None:
    """Record the gestionnaire's decision on the request and journal it (GESTION)."""
    demande.etat = etat
    demande.motif_decision = motif
    demande.decidee_par = request.user
    demande.decidee_le = timezone.now()
    demande.save(update_fields=["etat", "motif_decision", "decidee_par", "decidee_le", "habilitation"])
    valide = etat == EtatDemande.VALIDEE
    enregistrer(
        TypeEvenement.GESTION,
        Resultat.SUCCES,
        request=request,
        motif=f"demande {'validée' if valide else 'refusée'} : {demande.objet}",
        identifiant=demande.responsable.identifiant,
        habilitation_id=demande.habilitation_id,
        acteur=request.user.username,
        caisse=demande.convention.caisse.numero,
        details=_details(demande, **({"motif": motif} if motif else {}), **details),
    )
