"""The responsable habilitations' yearly review in his space (/espace/revue/, issue 16): the open
review of each of his conventions, agent by agent, with « Confirmer » and « N'a plus besoin de
l'accès » (POST). What each answer does: revue/models.py."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from responsables.perms import responsable_requis

from .models import ETATS_REVUS, Campagne, Decision
from .perms import confirmation_pour_responsable


@require_GET
@responsable_requis
def revue(request):
    jour = timezone.localdate()
    campagnes = list(
        Campagne.objects.ouvertes()
        .filter(convention__in=request.conventions)
        .select_related("convention")
        .order_by("date_limite", "convention__numero")
    )
    for campagne in campagnes:
        campagne.ouverte_aux_reponses = campagne.accepte_les_reponses(jour)
        campagne.lignes = list(
            campagne.confirmations.select_related("habilitation__user", "habilitation__convention").order_by(
                "habilitation__nom", "habilitation__prenom"
            )
        )
        for ligne in campagne.lignes:
            ligne.etat_acces = ligne.habilitation.etat_effectif(jour)
            ligne.peut_repondre = (
                campagne.ouverte_aux_reponses
                and ligne.decision == Decision.A_CONFIRMER
                and ligne.etat_acces in ETATS_REVUS
            )
    return render(request, "revue/espace.html", {"campagnes": campagnes})


def _repondre(request, public_id, action: str, message: str):
    confirmation = confirmation_pour_responsable(request, public_id)
    habilitation = confirmation.habilitation
    try:
        getattr(confirmation, action)(request.user, request)
    except ValidationError as erreur:
        messages.error(request, f"{habilitation.prenom} {habilitation.nom} : {' '.join(erreur.messages)}")
    else:
        messages.success(request, message.format(agent=f"{habilitation.prenom} {habilitation.nom}"))
    return redirect("revue:espace")


@require_POST
@responsable_requis
def confirmer(request, public_id):
    return _repondre(request, public_id, "confirmer", "Accès de {agent} confirmé.")


@require_POST
@responsable_requis
def plus_necessaire(request, public_id):
    return _repondre(
        request,
        public_id,
        "declarer_plus_necessaire",
        "Accès de {agent} suspendu. Pour le supprimer définitivement, adressez à la Caf une demande de "
        "suppression d'accès signée.",
    )
