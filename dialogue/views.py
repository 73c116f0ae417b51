from django.shortcuts import render

from dossiers.consultation import caisse_du_bandeau
from habilitations.evenements import enregistrer_pour_compte
from habilitations.perms import partenaire_requis
from journal.models import Resultat, TypeEvenement

from .forms import MessageForm


@partenaire_requis
def dialogue(request):
    """Offered only if the agent's Caf opened the rubrique ("Cette rubrique n'est offerte que si
    la Caf en a fait le choix", manual); the agent's names are filled in beforehand. The Caf is
    the one whose signature heads the page (for multi-Caf accesses, the open dossier's)."""
    habilitation = request.user.habilitation
    caisse = caisse_du_bandeau(request.session, habilitation.convention)
    if caisse is None or not caisse.dialogue_ouvert:
        # Not offered here: the page does not exist for this agent, and the attempt is journaled.
        enregistrer_pour_compte(
            TypeEvenement.REFUS, Resultat.REFUS, request.user, request=request, motif="dialogue non ouvert par la Caf"
        )
        return render(request, "404.html", status=404)
    if request.method == "POST":
        formulaire = MessageForm(request.POST)
        if formulaire.is_valid():
            message = formulaire.save(commit=False)
            message.caisse, message.auteur = caisse, request.user
            message.save()
            # Who wrote to which Caf, and when; the text stays in the message, not the journal.
            enregistrer_pour_compte(
                TypeEvenement.DIALOGUE,
                Resultat.SUCCES,
                request.user,
                request=request,
                motif=f"message n° {message.pk} à la Caf {caisse.numero}",
                # The Caf written to (for a multi-Caf access, the open dossier's): its officers see it.
                caisse_dossier=caisse.numero,
            )
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
