from django.shortcuts import render

from habilitations.mots_de_passe import jours_restants
from habilitations.perms import partenaire_requis


@partenaire_requis
def portail(request):
    """The portal's main page after login (manual, "Cinématique": banner, menu, main page)."""
    habilitation = request.user.habilitation
    return render(
        request,
        "portail/principal.html",
        {"habilitation": habilitation, "jours_avant_changement": jours_restants(habilitation)},
    )
