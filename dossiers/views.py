"""The portal's consultation screens (manual Cafpro V5, annexe 4 of 02-…, "Cinématique").

The main page and its menu, "Consulter", then one page per rubrique of the profile. Every
page decides access on the server; every page of a dossier is journaled before its data
is read, and nothing is shown if the journal cannot be written (the exception rolls the
request back and the agent gets the error page).
"""

import functools

from django.db import transaction
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET, require_POST

from habilitations.mots_de_passe import jours_restants
from habilitations.perms import partenaire_requis, peut_utiliser_le_portail
from journal.models import Resultat, TypeEvenement
from profils.rubriques import Navigation, acces, rubriques_du_profil

from . import lecture
from .consultation import SESSION_DOSSIER, ConsultationForm, caisse_du_bandeau, dossier_en_session, rechercher
from .forms import DemandeAideJuridictionnelleForm
from .journal import journaliser

# Set by « Consulter », read once by the dossier's first page: the cursor waits there in the
# N° d'allocataire, as on the main page (issue 15).
SESSION_SAISIE = "saisie_apres_consultation"


def _page_principale(request, formulaire, message="", status=200):
    habilitation = request.user.habilitation
    return render(
        request,
        "dossiers/principal.html",
        {
            "habilitation": habilitation,
            "jours_avant_changement": jours_restants(habilitation),
            "formulaire_consultation": formulaire,
            # The main page is where a numéro is typed: the cursor waits in it (issue 15).
            "saisie_numero": True,
            "message_refus": message,
            "caisse_bandeau": caisse_du_bandeau(request.session, habilitation.convention),
        },
        status=status,
    )


def refus(request, exception=None):
    """The « Accès refusé » page (handler403 too). An agent who may use the portal keeps its frame,
    the menu, its « Consulter » and the idle countdown, so that the next numéro is one step away;
    anyone else gets the page alone."""
    if not peut_utiliser_le_portail(request.user):
        return render(request, "403.html", status=403)
    convention = request.user.habilitation.convention
    return render(
        request,
        "portail/refus.html",
        {
            "formulaire_consultation": ConsultationForm(convention=convention),
            "saisie_numero": False,
            "caisse_bandeau": caisse_du_bandeau(request.session, convention),
        },
        status=403,
    )


@require_GET
@partenaire_requis
def principal(request):
    """The main page; reached again by "Autre recherche", it closes the dossier in view."""
    request.session.pop(SESSION_DOSSIER, None)
    return _page_principale(request, ConsultationForm(convention=request.user.habilitation.convention))


@transaction.non_atomic_requests  # see rubrique()
@require_POST
@partenaire_requis
def consulter(request):
    convention = request.user.habilitation.convention
    formulaire = ConsultationForm(request.POST, convention=convention)
    request.session.pop(SESSION_DOSSIER, None)
    if not formulaire.is_valid():
        journaliser(
            request,
            Resultat.REFUS,
            motif=formulaire.motif_refus(),
            numero=request.POST.get("numero_allocataire", "")[:20],
        )
        return _page_principale(request, formulaire)
    donnees = formulaire.cleaned_data
    recherche = rechercher(
        convention, donnees["numero_allocataire"], donnees.get("code_postal", ""), donnees.get("cmaf", False)
    )
    if recherche.dossier is None:
        journaliser(
            request,
            Resultat.REFUS,
            motif=recherche.motif,
            dossier=recherche.refuse,
            numero=donnees["numero_allocataire"],
        )
        return _page_principale(request, formulaire, recherche.message)
    # Found: the redirect below tells so, whether or not the client follows it.
    journaliser(
        request,
        Resultat.SUCCES,
        type=TypeEvenement.RECHERCHE,
        motif="dossier trouvé",
        dossier=recherche.dossier,
    )
    request.session[SESSION_DOSSIER] = recherche.dossier.pk
    request.session[SESSION_SAISIE] = True
    premiere = rubriques_du_profil(convention.profil)[0]
    return redirect("rubrique", code=premiere.code)


@functools.lru_cache(maxsize=512)
def onglets_html(profil: str, courant: str, prefixe: str) -> SafeString:
    """The profile's tabs, the current one marked: they depend on nothing else of the request, so
    they are rendered once per profile, tab and URL prefix (`reverse` reads the prefix), not at
    every page (issue 17: the loop and its URLs were a tenth of the page's template)."""
    onglets = [(r.libelle, reverse("rubrique", args=[r.code]), r.code == courant) for r in rubriques_du_profil(profil)]
    return SafeString(render_to_string("dossiers/_onglets.html", {"onglets": onglets}))


# The journal event commits on its own before the dossier is read: the lock on the head of the
# Caf's journal chain is not held while the page is read and rendered (journal/chaine.py).
@transaction.non_atomic_requests
@require_GET
@partenaire_requis
def rubrique(request, code):
    habilitation = request.user.habilitation
    convention = habilitation.convention
    autorise = acces(convention.profil, code)
    if autorise is None:
        # A typed URL of a rubrique outside the profile (or of none): refused and journaled.
        journaliser(request, Resultat.REFUS, motif=f"rubrique non autorisée : {code[:40]}", rubrique=code[:50])
        return refus(request)
    recherche = dossier_en_session(request.session, convention)
    if recherche.dossier is None:
        request.session.pop(SESSION_DOSSIER, None)
        journaliser(request, Resultat.REFUS, motif=recherche.motif, dossier=recherche.refuse, rubrique=code)
        if not recherche.message:
            # No dossier open: Back after « Autre recherche », or an old bookmark. Nothing to refuse
            # to the agent: the main page, whose instruction says what to type (once, not as an error).
            return redirect("portail")
        formulaire = ConsultationForm(convention=convention)
        return _page_principale(request, formulaire, recherche.message)
    saisie_numero = request.session.pop(SESSION_SAISIE, False) is True
    dossier = recherche.dossier
    jour = timezone.localdate()

    demande_aj = periode_aj = None
    if autorise.navigation == Navigation.DEMANDE_AIDE_JURIDICTIONNELLE:
        demande_aj = DemandeAideJuridictionnelleForm(request.GET or None, jour=jour)
        periode = lecture.PeriodeAffichee()
        if demande_aj.is_valid():
            demande = demande_aj.demande()
            # The months asked for, set against the 24 months of history from dates only.
            periode_aj = lecture.periode_demandee(demande, autorise.profondeur_mois, jour)
            periode.code = f"demande du {demande.date_demande:%d/%m/%Y} : {demande.mode}"
            periode.avertissement = periode_aj.avertissement
        else:
            periode.code = "saisie de la date de demande"
    else:
        periode = lecture.choisir_periode(dossier.pk, autorise, request.GET, jour)

    # Journal before data: the event is written before anything of the dossier is read.
    journaliser(request, Resultat.SUCCES, dossier=dossier, rubrique=code, periode=periode.code)

    if demande_aj is not None:
        restitution = (
            lecture.paiements_aide_juridictionnelle(dossier.pk, autorise, periode_aj)
            if periode_aj is not None
            else lecture.Restitution()
        )
    else:
        restitution = lecture.lire(dossier.pk, autorise, periode, jour)
    return render(
        request,
        "dossiers/rubrique.html",
        {
            "habilitation": habilitation,
            "dossier": dossier,
            "acces": autorise,
            "onglets": onglets_html(convention.profil, autorise.rubrique.code, get_script_prefix()),
            "entete": lecture.entete(dossier.pk),
            "periode": periode,
            "restitution": restitution,
            "demande_aj": demande_aj,
            "caisse_bandeau": dossier.caisse,
            "edite_le": timezone.localtime(),
            "formulaire_consultation": ConsultationForm(convention=convention),
            # Right after « Consulter » the cursor waits in the N° d'allocataire for the next one;
            # not when the agent moves between tabs or periods (the focus stays at the page's top).
            "saisie_numero": saisie_numero,
        },
    )
