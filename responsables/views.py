"""The responsables habilitations' space (/espace/, issue 16): his own login with a second factor,
his agents, and (next) his requests to the Caf. Never a dossier: nothing here imports dossiers."""

import base64
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login

from habilitations.forms import ChangementMotDePasseForm, ConnexionForm
from habilitations.models import EtatHabilitation
from habilitations.mots_de_passe import regles
from habilitations.second_facteur import JetonForm, appareil_totp, qr_code_svg
from journal.ecriture import neutraliser
from journal.models import Resultat, TypeEvenement

from . import connexion as porte
from .demandes import journaliser_depot, journaliser_refus_de_depot
from .forms import DemandeAccesForm, ReinitialisationForm, SuppressionForm, SuspensionForm
from .models import Demande, MotifReinitialisation, TypeDemande
from .perms import habilitations_du_responsable, responsable_de, responsable_requis, vers_la_connexion_de_l_espace

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


@vers_la_connexion_de_l_espace
@never_cache
@transaction.non_atomic_requests  # a wrong code is counted at once, like a wrong password
def second_facteur(request):
    """The code of his authenticator application; at the first login, its enrolment (QR code)."""
    user = request.user
    if responsable_de(user) is None:
        return redirect("responsables:connexion")
    if user.is_verified():
        return redirect("responsables:accueil")
    appareil, enrolement = appareil_totp(user)
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


@vers_la_connexion_de_l_espace
@never_cache
@transaction.non_atomic_requests  # a wrong current password is counted at once, as at login
def mot_de_passe(request):
    """His own password, chosen: required after a password issued by the Caf (SECURITY.md). The
    current one is asked, counted on the same three strikes as the login."""
    responsable = responsable_de(request.user)
    if responsable is None or not request.user.is_verified():
        return redirect("responsables:connexion")
    compte = SimpleNamespace(identifiant=responsable.identifiant, user=request.user, anciens_mots_de_passe=[])
    if request.method != "POST":
        form = ChangementMotDePasseForm(compte)
    else:
        rang = porte.compter(responsable.identifiant)
        juste = rang is not None and request.user.check_password(request.POST.get("actuel", "")[:128])
        if not juste:
            porte.journaliser(
                request,
                TypeEvenement.MOT_DE_PASSE,
                Resultat.ECHEC,
                "mot de passe actuel erroné",
                responsable.identifiant,
                request.user,
            )
            if rang is None or rang >= porte.MAX_ECHECS:
                porte.verrouiller(request, responsable.identifiant, request.user)
                logout(request)
                return redirect("responsables:bloque")
        else:
            porte.effacer(responsable.identifiant)
        form = ChangementMotDePasseForm(compte, request.POST, actuel_juste=juste)
        if form.is_valid():
            with transaction.atomic():
                request.user.set_password(form.cleaned_data["nouveau"])
                request.user.save(update_fields=["password"])
                responsable.mot_de_passe_provisoire_le = None
                responsable.save(update_fields=["mot_de_passe_provisoire_le"])
                porte.journaliser(
                    request,
                    TypeEvenement.MOT_DE_PASSE,
                    Resultat.SUCCES,
                    "mot de passe changé",
                    responsable.identifiant,
                    request.user,
                )
            update_session_auth_hash(request, request.user)
            request.session.cycle_key()
            messages.success(request, "Votre mot de passe a été modifié.")
            return redirect("responsables:accueil")
    return render(
        request,
        "responsables/mot_de_passe.html",
        {"form": form, "regles": regles(), "obligatoire": responsable.mot_de_passe_provisoire_le is not None},
    )


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
    en_attente = set(
        Demande.objects.en_attente().filter(habilitation__in=habilitations).values_list("habilitation_id", flat=True)
    )
    for habilitation in habilitations:
        habilitation.etat_du_jour = habilitation.etat_effectif()
        habilitation.demande_en_attente = habilitation.pk in en_attente
        habilitation.modifiable = habilitation.etat_du_jour not in (EtatHabilitation.SUPPRIMEE, EtatHabilitation.FERMEE)
    return render(
        request,
        "responsables/accueil.html",
        {"responsable": request.responsable, "conventions": list(request.conventions), "habilitations": habilitations},
    )


@require_GET
@responsable_requis
def demandes(request):
    """His requests, with the Caf's decision, its motif, who decided and when."""
    liste = (
        Demande.objects.filter(responsable=request.responsable, convention__in=request.conventions)
        .select_related("convention", "habilitation__user", "decidee_par")
        .order_by("-cree_le")
    )
    return render(request, "responsables/demandes.html", {"demandes": liste})


@responsable_requis
def demande_acces(request):
    """« Demande d'accès au service Cafpro » for one of his organisation's agents (04-… forms)."""
    form = DemandeAccesForm(request.POST if request.method == "POST" else None, conventions=request.conventions)
    if request.method == "POST":
        if form.is_valid():
            demande = form.save(commit=False)
            demande.type = TypeDemande.CREATION
            demande.responsable = request.responsable
            demande.save()
            journaliser_depot(request, demande)
            messages.success(request, "Votre demande d'accès a été transmise à la Caf.")
            return redirect("responsables:demandes")
        journaliser_refus_de_depot(
            request, request.responsable, "demande d'accès incomplète ou irrecevable", champs=sorted(form.errors)
        )
    return render(request, "responsables/demande_acces.html", {"form": form}, status=400 if form.errors else 200)


FORMULAIRES = {
    TypeDemande.SUSPENSION: SuspensionForm,
    TypeDemande.SUPPRESSION: SuppressionForm,
    TypeDemande.REINITIALISATION: ReinitialisationForm,
}
TITRES = {
    TypeDemande.SUSPENSION: "Demander la suspension de l'accès",
    TypeDemande.SUPPRESSION: "Demander la suppression de l'accès",
    TypeDemande.REINITIALISATION: "Demander la réinitialisation du mot de passe",
}
ACTIFS = (EtatHabilitation.ACTIVE, EtatHabilitation.VERROUILLEE)


def _irrecevable(habilitation, type_: str, donnees: dict) -> str:
    """Why the agent's state forbids this request ('' if it may be filed)."""
    etat = habilitation.etat_effectif()
    if etat in (EtatHabilitation.SUPPRIMEE, EtatHabilitation.FERMEE):
        return f"L'accès de cet agent est {etat.label} : aucune demande ne peut plus le concerner."
    if type_ == TypeDemande.SUSPENSION and etat not in ACTIFS:
        return f"L'accès de cet agent est {etat.label} : il ne peut pas être suspendu."
    if type_ == TypeDemande.REINITIALISATION:
        permis = ACTIFS if donnees.get("motif_reinitialisation") == MotifReinitialisation.PERTE_OU_VOL else ACTIFS[:1]
        if etat not in permis:
            return f"L'accès de cet agent est {etat.label} : son mot de passe ne peut pas être réinitialisé."
    if Demande.objects.en_attente().filter(habilitation=habilitation, type=type_).exists():
        return "Une demande de ce type attend déjà la décision de la Caf pour cet agent."
    return ""


@responsable_requis
def demander(request, public_id, type_):
    """A suspension, a deletion at a date, or a password reset, for one of his agents."""
    habilitation = habilitations_du_responsable(request.user).filter(public_id=public_id).first()
    if habilitation is None:
        # Another partner's or convention's agent, or a forged id: nothing tells which.
        journaliser_refus_de_depot(
            request, request.responsable, f"agent hors de son périmètre ({type_})", agent=str(public_id)
        )
        return render(request, "responsables/introuvable.html", status=404)
    form = FORMULAIRES[type_](request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        motif = _irrecevable(habilitation, type_, form.cleaned_data)
        if motif:
            form.add_error(None, motif)
        else:
            demande = Demande.objects.create(
                type=type_,
                responsable=request.responsable,
                convention=habilitation.convention,
                habilitation=habilitation,
                a_compter_du=form.cleaned_data.get("a_compter_du"),
                motif_reinitialisation=form.cleaned_data.get("motif_reinitialisation", ""),
                commentaire=form.cleaned_data.get("commentaire", ""),
            )
            journaliser_depot(request, demande)
            messages.success(request, "Votre demande a été transmise à la Caf.")
            return redirect("responsables:demandes")
    if request.method == "POST":
        journaliser_refus_de_depot(
            request,
            request.responsable,
            f"{TypeDemande(type_).label} irrecevable",
            agent=habilitation.identifiant,
            erreurs=[str(e) for erreurs in form.errors.values() for e in erreurs],
        )
    return render(
        request,
        "responsables/demander.html",
        {
            "form": form,
            "habilitation": habilitation,
            "titre": TITRES[type_],
            "etat": habilitation.etat_effectif().label,
        },
        status=400 if form.errors else 200,
    )
