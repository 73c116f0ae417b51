"""The journal des accès screens of the Responsables Sécurité (staff area, /gestion/controle/).

Every view goes through `responsable_securite_requis` (staff login, second factor, the role;
a journaled refusal otherwise), shows only the officer's Caisse, and journals its own read:
one `controle` event per page, search, timeline, dossier history or export.
"""

from dataclasses import replace
from datetime import timedelta

from django.shortcuts import render
from django.utils import timezone

from habilitations.models import Habilitation

from .export import reponse_csv
from .forms import RechercheForm, TentativesForm
from .perms import contexte_admin, journaliser_lecture, lecture_du_journal, refuser, responsable_securite_requis
from .recherche import (
    Criteres,
    Page,
    cle_page,
    habilitations_de,
    libelle,
    lire_cle,
    rechercher,
    tentatives_sans_caisse,
    titulaire,
)

TAILLE_PAGE = 50
TAILLE_CHRONOLOGIE = 200
TAILLE_DOSSIER = 100


def _surveillances(caisse, evenements):
    """{habilitation_id: [(debut, fin), …]} over the page's span, if the module exists."""
    try:
        from controle.surveillance import habilitations_surveillees
    except ImportError:
        return {}
    if not evenements:
        return {}
    # [debut, fin): the newest event's own instant is inside.
    fin = evenements[0].horodatage + timedelta(microseconds=1)
    return habilitations_surveillees(caisse, evenements[-1].horodatage, fin) or {}


def lignes(caisse, evenements):
    habilitations = habilitations_de(e.habilitation_id for e in evenements)
    surveillances = _surveillances(caisse, evenements)
    resultat = []
    for e in evenements:
        periodes = surveillances.get(e.habilitation_id, ())
        habilitation = habilitations.get(e.habilitation_id)
        resultat.append(
            {
                "evenement": e,
                "libelle": libelle(e),
                "habilitation": habilitation,
                "titulaire": titulaire(e, habilitation),
                "surveillee": any(debut <= e.horodatage < fin for debut, fin in periodes),
            }
        )
    return resultat


def _rendre(request, gabarit: str, contexte: dict, **options):
    """An officer's page inside the staff area (its header, sidebar and links)."""
    return render(request, gabarit, contexte_admin(request, contexte), **options)


def _liens(request, page: Page) -> dict:
    parametres = request.GET.copy()
    parametres.pop("apres", None)
    premiere = parametres.urlencode()
    suivante = None
    if page.suivant is not None:
        parametres["apres"] = cle_page(page.suivant)
        suivante = parametres.urlencode()
    return {"premiere": premiere, "suivante": suivante, "suite": bool(request.GET.get("apres"))}


def _sans_caisse(request):
    if not request.user.caisse_id:
        return refuser(request, "journal des accès : compte sans Caf")
    return None


@lecture_du_journal
@responsable_securite_requis
def journal(request):
    if (refus := _sans_caisse(request)) is not None:
        return refus
    caisse = request.user.caisse
    form = RechercheForm(request.GET or None, caisse=caisse)
    page = Page()
    if not form.is_bound:
        page = rechercher(caisse.numero, Criteres(), lire_cle(request.GET.get("apres", "")), TAILLE_PAGE)
        filtres = {}
    elif form.is_valid():
        page = rechercher(caisse.numero, form.criteres(), lire_cle(request.GET.get("apres", "")), TAILLE_PAGE)
        filtres = form.resume()
    else:
        filtres = {"erreur": True}
    journaliser_lecture(request, "recherche", {"filtres": filtres, "apres": request.GET.get("apres", "")[:60]})
    return _rendre(
        request,
        "controle/recherche.html",
        {
            "title": "Journal des accès",
            "form": form,
            "lignes": lignes(caisse, page.evenements),
            "liens": _liens(request, page),
            "caisse": caisse,
        },
    )


@lecture_du_journal
@responsable_securite_requis
def export(request):
    if (refus := _sans_caisse(request)) is not None:
        return refus
    caisse = request.user.caisse
    form = RechercheForm(request.GET or None, caisse=caisse)
    if form.is_bound and not form.is_valid():
        journaliser_lecture(request, "recherche", {"filtres": {"erreur": True}, "export": True})
        return _rendre(
            request,
            "controle/recherche.html",
            {"title": "Journal des accès", "form": form, "lignes": [], "liens": {}, "caisse": caisse},
            status=400,
        )
    criteres = form.criteres() if form.is_bound else Criteres()
    # The export covers the journal as it stood when asked, without its own event.
    criteres = replace(criteres, jusqua=timezone.now())
    journaliser_lecture(request, "export", {"filtres": form.resume() if form.is_bound else {}})
    return reponse_csv(caisse.numero, criteres)


def _habilitation_de_la_caisse(request, pk):
    habilitation = (
        Habilitation.objects.select_related("user", "convention__partenaire", "convention__caisse")
        .filter(pk=pk, convention__caisse=request.user.caisse_id)
        .first()
    )
    return habilitation


@lecture_du_journal
@responsable_securite_requis
def chronologie(request, pk):
    if (refus := _sans_caisse(request)) is not None:
        return refus
    caisse = request.user.caisse
    habilitation = _habilitation_de_la_caisse(request, pk)
    if habilitation is None:
        return refuser(request, f"journal des accès : chronologie de l'habilitation {pk} hors de la Caf")
    form = RechercheForm(request.GET or None, caisse=caisse)
    debut = fin = None
    if form.is_bound and form.is_valid():
        debut, fin = form.cleaned_data.get("debut"), form.cleaned_data.get("fin")
    criteres = Criteres(habilitation_id=habilitation.pk, debut=debut, fin=fin)
    page = rechercher(caisse.numero, criteres, lire_cle(request.GET.get("apres", "")), TAILLE_CHRONOLOGIE)
    journaliser_lecture(
        request,
        "chronologie",
        {
            "habilitation": habilitation.pk,
            "debut": str(debut or ""),
            "fin": str(fin or ""),
            "apres": request.GET.get("apres", "")[:60],
        },
    )
    return _rendre(
        request,
        "controle/chronologie.html",
        {
            "title": f"Chronologie de l'habilitation {habilitation.identifiant}",
            "habilitation": habilitation,
            "form": form,
            "lignes": lignes(caisse, page.evenements),
            "liens": _liens(request, page),
            "caisse": caisse,
            "edite_le": timezone.localtime(),
            "edite_par": request.user,
        },
    )


@lecture_du_journal
@responsable_securite_requis
def dossier(request):
    if (refus := _sans_caisse(request)) is not None:
        return refus
    caisse = request.user.caisse
    numero = request.GET.get("numero", "").strip()[:20]
    page = Page()
    if numero:
        criteres = Criteres(numero_allocataire=numero, dossiers_seulement=True)
        page = rechercher(caisse.numero, criteres, lire_cle(request.GET.get("apres", "")), TAILLE_DOSSIER)
    journaliser_lecture(request, "dossier", {"numero": numero, "apres": request.GET.get("apres", "")[:60]})
    return _rendre(
        request,
        "controle/dossier.html",
        {
            "title": "Consultations d'un dossier",
            "numero": numero,
            "lignes": lignes(caisse, page.evenements),
            "liens": _liens(request, page),
            "caisse": caisse,
        },
    )


@lecture_du_journal
@responsable_securite_requis
def tentatives_inconnues(request):
    """Failed logins that belong to no Caf (an unknown identifiant, the per-address throttle, the
    staff login): every Caf's officers see them, since none owns them."""
    if (refus := _sans_caisse(request)) is not None:
        return refus
    form = TentativesForm(request.GET or None)
    page = Page()
    if not form.is_bound or form.is_valid():
        criteres = form.criteres() if form.is_bound else Criteres()
        page = tentatives_sans_caisse(criteres, lire_cle(request.GET.get("apres", "")), TAILLE_PAGE)
        filtres = form.resume() if form.is_bound else {}
    else:
        filtres = {"erreur": True}
    journaliser_lecture(
        request, "identifiants inconnus", {"filtres": filtres, "apres": request.GET.get("apres", "")[:60]}
    )
    return _rendre(
        request,
        "controle/tentatives_inconnues.html",
        {
            "title": "Tentatives sur des identifiants inconnus",
            "form": form,
            "lignes": [{"evenement": e, "libelle": libelle(e)} for e in page.evenements],
            "liens": _liens(request, page),
            "caisse": request.user.caisse,
        },
    )
