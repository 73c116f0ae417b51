"""The responsables habilitations' space (/espace/, issue 16): his own login with a second factor,
his agents, and (next) his requests to the Caf. Never a dossier: nothing here imports dossiers."""

import base64

from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from habilitations.forms import ConnexionForm
from habilitations.second_facteur import JetonForm, qr_code_svg
from journal.ecriture import neutraliser
from journal.models import Resultat, TypeEvenement

from . import connexion as porte
from .perms import habilitations_du_responsable, responsable_de, responsable_requis

MESSAGE_ECHEC = "Identifiant ou mot de passe incorrect."


@login_not_required
@never_cache
@transaction.non_atomic_requests  # the failure count commits before the password check
def connexion(request):
    form = ConnexionForm()
    erreur = ""
    if request.method == "POST":
        issue, user = porte.verifier_mot_de_passe(
            request, request.POST.get("identifiant", ""), request.POST.get("mot_de_passe", "")
        )
        if issue == "ok":
            login(request, user, backend="habilitations.backends.CompteBackend")
            return redirect("responsables:second_facteur")
        if issue == "verrouille":
            return redirect("responsables:bloque")
        erreur = MESSAGE_ECHEC
        form = ConnexionForm(initial={"identifiant": neutraliser(request.POST.get("identifiant", ""), 150).strip()})
    return render(request, "responsables/connexion.html", {"form": form, "erreur": erreur})


@login_not_required
@never_cache
def bloque(request):
    return render(request, "responsables/bloque.html", status=403)


@never_cache
@transaction.non_atomic_requests  # a wrong code is counted at once, like a wrong password
def second_facteur(request):
    """The code of his authenticator application; at the first login, its enrolment (QR code)."""
    user = request.user
    if responsable_de(user) is None:
        return redirect("responsables:connexion")
    if user.is_verified():
        return redirect("responsables:accueil")
    appareil = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolement = appareil is None
    if enrolement:
        appareil = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
            user=user, name="Cafpro", confirmed=False
        )
    form = JetonForm(request.POST or None)
    if request.method == "POST":
        rang = porte.compter(user.username)
        if rang is None:
            porte.journaliser(
                request, TypeEvenement.CONNEXION, Resultat.REFUS, "identifiant verrouillé", user.username, user
            )
            logout(request)
            return redirect("responsables:bloque")
        if form.is_valid() and appareil.verify_token(form.cleaned_data["jeton"].strip()):
            if enrolement:
                appareil.confirmed = True
                appareil.save(update_fields=["confirmed"])
            porte.effacer(user.username)
            porte.journaliser(
                request, TypeEvenement.CONNEXION, Resultat.SUCCES, "second facteur vérifié", user.username, user
            )
            otp_login(request, appareil)
            request.session.cycle_key()
            return redirect("responsables:accueil")
        porte.journaliser(
            request, TypeEvenement.CONNEXION, Resultat.ECHEC, "second facteur erroné", user.username, user
        )
        if rang >= porte.MAX_ECHECS:
            porte.verrouiller(request, user.username, user)
            logout(request)
            return redirect("responsables:bloque")
        if form.is_valid():
            form.add_error("jeton", "Code incorrect ou expiré. Vérifiez l'heure de votre téléphone et réessayez.")
    contexte = {"form": form, "enrolement": enrolement, "qr_code": "", "cle": ""}
    if enrolement:
        contexte["qr_code"] = qr_code_svg(appareil.config_url)
        contexte["cle"] = base64.b32encode(appareil.bin_key).decode()
    return render(request, "responsables/second_facteur.html", contexte)


@require_POST
def deconnexion(request):
    if request.user.is_authenticated:
        porte.journaliser(request, TypeEvenement.DECONNEXION, Resultat.SUCCES, "", request.user.username, request.user)
    logout(request)
    reponse = redirect("responsables:connexion")
    reponse["Clear-Site-Data"] = '"cache", "storage"'
    return reponse


@require_GET
@responsable_requis
def accueil(request):
    """His agents, convention by convention, with their state and last connection."""
    habilitations = list(habilitations_du_responsable(request.user).order_by("convention__numero", "nom", "prenom"))
    return render(
        request,
        "responsables/accueil.html",
        {"responsable": request.responsable, "conventions": list(request.conventions), "habilitations": habilitations},
    )
