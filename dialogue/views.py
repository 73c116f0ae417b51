from django.http import Http404
from django.shortcuts import render

from dossiers.consultation import caisse_du_bandeau
from habilitations.perms import partenaire_requis

from .forms import MessageForm


@partenaire_requis
def dialogue(request):
    """Offered only if the agent's Caf opened the rubrique ("Cette rubrique n'est offerte que si
    la Caf en a fait le choix", manual); the agent's names are filled in beforehand. The Caf is
    the one whose signature heads the page (for multi-Caf accesses, the open dossier's)."""
    habilitation = request.user.habilitation
    caisse = caisse_du_bandeau(request.session, habilitation.convention)
    if caisse is None or not caisse.dialogue_ouvert:
        raise Http404
    if request.method == "POST":
        formulaire = MessageForm(request.POST)
        if formulaire.is_valid():
            message = formulaire.save(commit=False)
            message.caisse, message.auteur = caisse, request.user
            message.save()
            return render(request, "dialogue/envoye.html", {"caisse_bandeau": caisse})
    else:
        formulaire = MessageForm(
            initial={
                "organisme": habilitation.convention.partenaire.raison_sociale,
                "nom_prenom": f"{habilitation.nom} {habilitation.prenom}",
                "courriel": habilitation.email,
            }
        )
    return render(request, "dialogue/formulaire.html", {"formulaire": formulaire, "caisse_bandeau": caisse})
