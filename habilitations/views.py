"""The portal's door: login, logout, and the manual's information and error pages."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from journal.ecriture import neutraliser
from journal.models import Resultat, TypeEvenement

from .connexion import MESSAGE_ECHEC, Issue, connecter, controler_mot_de_passe_actuel
from .evenements import enregistrer_pour_compte
from .forms import ChangementMotDePasseForm, ConnexionForm
from .mots_de_passe import changer, doit_changer, regles
from .perms import partenaire_requis


@login_not_required
@never_cache
@transaction.non_atomic_requests  # the failure count commits before the password check
def connexion(request):
    form = ConnexionForm()
    erreur = ""
    if request.method == "POST":
        # Every attempt goes to the login code as typed, even one no form would accept (an
        # empty field, a NUL, 10 kB): it is counted and journaled like any other (issue 12).
        resultat = connecter(request, request.POST.get("identifiant", ""), request.POST.get("mot_de_passe", ""))
        if resultat.issue == Issue.REUSSIE:
            return redirect("mot_de_passe" if doit_changer(resultat.user.habilitation) else "portail")
        if resultat.issue == Issue.VERROUILLEE:
            return redirect("connexion_erreur")
        erreur = MESSAGE_ECHEC
        saisi = neutraliser(request.POST.get("identifiant", ""), 150).strip()
        form = ConnexionForm(initial={"identifiant": saisi})
    return render(request, "portail/connexion.html", {"form": form, "erreur": erreur}, status=200)


@require_POST
def deconnexion(request):
    user = request.user
    if user.is_authenticated:
        enregistrer_pour_compte(TypeEvenement.DECONNEXION, Resultat.SUCCES, user, request=request)
    logout(request)
    reponse = redirect("connexion")
    # The browser forgets what it showed of the dossier (ASVS 14.3.1).
    reponse["Clear-Site-Data"] = '"cache", "storage"'
    return reponse


@login_not_required
def a_qui_s_adresse_cafpro(request):
    return render(request, "portail/a_qui_s_adresse_cafpro.html")


@login_not_required
def securite(request):
    return render(request, "portail/securite.html")


@login_not_required
@never_cache
def connexion_erreur(request):
    return render(request, "portail/connexion_erreur.html", status=403)


def duree_en_toutes_lettres(secondes: int) -> str:
    """« 20 secondes », « 1 minute », « 10 minutes », « 1 minute 30 secondes »: the idle limit as
    the expired-session page says it (manual Cafpro V5, « Session utilisateur »: « depuis 10
    minutes »), right for a limit that is not a whole number of minutes too."""
    heures, reste = divmod(max(0, int(secondes)), 3600)
    minutes, secondes = divmod(reste, 60)
    parties = [
        f"{nombre} {unite}{'s' if nombre > 1 else ''}"
        for nombre, unite in ((heures, "heure"), (minutes, "minute"), (secondes, "seconde"))
        if nombre
    ]
    return " ".join(parties) or "0 seconde"


@login_not_required
@never_cache
def session_expiree(request):
    return render(
        request,
        "portail/session_expiree.html",
        {
            "delai": duree_en_toutes_lettres(settings.CAFPRO_IDLE_TIMEOUT),
            "duree_maximale": duree_en_toutes_lettres(settings.SESSION_COOKIE_AGE),
            "duree_atteinte": request.GET.get("motif") == "duree",
        },
    )


@require_POST
@partenaire_requis(changement_exige=False)
def prolonger_session(request):
    """« Prolonger la session », offered by the countdown a minute before the idle limit (RGAA 13.1).

    The manual's 10 minutes count from the server's last request (« si le serveur n'a reçu aucune
    information »): this request is one, so InactiviteMiddleware records it like any other, after
    checking that the session has not already expired (an expired one is ended there, never
    revived). The answer is the delay to count down from, and nothing about the agent. Not
    journaled: it reads no dossier, and the journal keeps the session's login, consultations and end.
    """
    return JsonResponse({"delai": settings.CAFPRO_IDLE_TIMEOUT})


@transaction.non_atomic_requests  # a wrong current password is counted at once, as at login
@partenaire_requis(changement_exige=False)
def mot_de_passe(request):
    habilitation = request.user.habilitation
    if request.method != "POST":
        form = ChangementMotDePasseForm(habilitation)
    else:
        issue = controler_mot_de_passe_actuel(request, habilitation, request.POST.get("actuel", ""))
        if issue == Issue.VERROUILLEE:
            logout(request)
            return redirect("connexion_erreur")
        form = ChangementMotDePasseForm(habilitation, request.POST, actuel_juste=issue == Issue.REUSSIE)
    if request.method == "POST" and form.is_valid():
        changer(habilitation, form.cleaned_data["nouveau"], request)
        update_session_auth_hash(request, request.user)
        request.session.cycle_key()
        messages.success(request, "Votre mot de passe a été modifié.")
        return redirect("portail")
    return render(
        request,
        "portail/mot_de_passe.html",
        {"form": form, "regles": regles(), "obligatoire": doit_changer(habilitation), "habilitation": habilitation},
    )
