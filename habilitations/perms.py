"""Who may use the partner portal, decided on the server for every request."""

import functools

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from conventions.models import EtatConvention
from journal.models import Resultat, TypeEvenement

from .evenements import enregistrer_pour_compte
from .models import EtatHabilitation
from .mots_de_passe import doit_changer


def peut_utiliser_le_portail(user) -> bool:
    """An authenticated partner agent whose habilitation and convention are in force now.

    Checked on every request, so that a suspension or the end of a convention closes
    the door at once, not at the next login. Caf staff accounts never qualify.
    """
    if not user.is_authenticated or not user.est_partenaire:
        return False
    habilitation = getattr(user, "habilitation", None)
    if habilitation is None or habilitation.etat_effectif() != EtatHabilitation.ACTIVE:
        return False
    return habilitation.convention.etat() in (EtatConvention.EN_VIGUEUR, EtatConvention.EN_FIN)


def partenaire_requis(vue=None, *, changement_exige: bool = True):
    """Deny unless the portal is open to this user; until a password issued by the Caf or
    an expired one has been replaced, only the change page is reachable."""

    def decorateur(vue):
        @functools.wraps(vue)
        def enveloppe(request, *args, **kwargs):
            if not peut_utiliser_le_portail(request.user):
                if request.user.is_authenticated:
                    enregistrer_pour_compte(
                        TypeEvenement.REFUS,
                        Resultat.REFUS,
                        request.user,
                        request=request,
                        motif=f"portail : {request.path}",
                    )
                    # Answered, not raised: the request's transaction commits the journal event.
                    return render(request, "403.html", status=403)
                raise PermissionDenied("Accès réservé aux personnes habilitées.")
            if changement_exige and doit_changer(request.user.habilitation):
                return redirect("mot_de_passe")
            return vue(request, *args, **kwargs)

        return enveloppe

    return decorateur(vue) if vue is not None else decorateur
