"""The « Rubrique de dialogue » of the portal (manual Cafpro V5, 02-…, annexe 4): the form the
banner's "Dialogue" pictogram opens, under the manual's menu, and (issue 16) « Mes messages »,
where the agent reads the Caf's answers to the messages he wrote."""

from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from dossiers.consultation import ConsultationForm, caisse_du_bandeau
from habilitations.evenements import enregistrer_pour_compte
from habilitations.perms import partenaire_requis
from journal.models import Resultat, TypeEvenement

from .forms import MessageForm
from .models import Message


def _cadre(request, caisse) -> dict:
    """The portal's frame: the banner's Caf, and the manual's menu with its consultation form
    (the screen of « Rubrique de dialogue » keeps « N° d'allocataire / Consulter »)."""
    return {
        "caisse_bandeau": caisse,
        "formulaire_consultation": ConsultationForm(convention=request.user.habilitation.convention),
        "saisie_numero": False,
    }


def _introuvable(request, motif: str):
    # The same page whether the thing does not exist or is not the agent's: nothing is told
    # about other agents' messages, and the attempt is journaled.
    enregistrer_pour_compte(TypeEvenement.REFUS, Resultat.REFUS, request.user, request=request, motif=motif)
    return render(request, "404.html", status=404)


@require_http_methods(["GET", "POST"])
@partenaire_requis
def dialogue(request):
    """Offered only if the agent's Caf opened the rubrique ("Cette rubrique n'est offerte que si
    la Caf en a fait le choix", manual); the agent's names are filled in beforehand. The Caf is
    the one whose signature heads the page (for multi-Caf accesses, the open dossier's)."""
    habilitation = request.user.habilitation
    caisse = caisse_du_bandeau(request.session, habilitation.convention)
    if caisse is None or not caisse.dialogue_ouvert:
        # Not offered here: the page does not exist for this agent, and the attempt is journaled.
        return _introuvable(request, "dialogue non ouvert par la Caf")
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
            return render(request, "dialogue/envoye.html", {**_cadre(request, caisse), "message": message})
    else:
        formulaire = MessageForm(
            initial={
                "organisme": habilitation.convention.partenaire.raison_sociale,
                "nom_prenom": f"{habilitation.nom} {habilitation.prenom}",
                "courriel": habilitation.email,
            }
        )
    return render(request, "dialogue/formulaire.html", {**_cadre(request, caisse), "formulaire": formulaire})


# Reading stays open to the author wherever he is and whether or not the Caf still offers the
# rubrique: these are his own messages and the answers addressed to him.
@require_GET
@partenaire_requis
def mes_messages(request):
    """The agent's own messages, newest first, each with where its answers stand."""
    messages = (
        Message.objects.de(request.user)
        .select_related("caisse")
        .annotate(
            nombre_de_reponses=Count("reponses"),
            reponses_non_lues=Count("reponses", filter=Q(reponses__lue_le__isnull=True)),
        )
    )
    caisse = caisse_du_bandeau(request.session, request.user.habilitation.convention)
    return render(request, "dialogue/mes_messages.html", {**_cadre(request, caisse), "messages_dialogue": messages})


@require_GET
@partenaire_requis
def lire_message(request, public_id):
    """One message and the Caf's answers; opening it marks them read, which clears the banner's
    indicator. Only its author reads it: the Caf answers the person who signed the message
    (another agent of the same partner has his own nominative habilitation, not this one)."""
    message = Message.objects.select_related("caisse").filter(public_id=public_id).first()
    if message is None:
        return _introuvable(request, "dialogue : message introuvable")
    if message.auteur_id != request.user.pk:
        return _introuvable(request, f"dialogue : message n° {message.pk} d'un autre agent")
    reponses = list(message.reponses.all())
    nouvelles = {r.pk for r in reponses if r.lue_le is None}
    if nouvelles:
        message.reponses.filter(pk__in=nouvelles).update(lue_le=timezone.now())
    caisse = caisse_du_bandeau(request.session, request.user.habilitation.convention)
    return render(
        request,
        "dialogue/message.html",
        {**_cadre(request, caisse), "message": message, "reponses": reponses, "nouvelles": nouvelles},
    )
