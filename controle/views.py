"""The Responsables Sécurité's screens (staff area, /gestion/controle/): the journal des accès
(search, export, a habilitation's timeline, a dossier's consultations, the failed logins that
belong to no Caf), the irregularity indicators, the mises sous surveillance, and the letter that
tells an allocataire which organisations consulted his dossier (controle/droit_acces.py).

Every view goes through `responsable_securite_requis` (staff login, second factor, the role and
a Caf; a journaled refusal otherwise), which hands it the officer's Caisse; it shows only that
Caisse and journals its own read: one `controle` event per page, since reading the journal is
itself journaled.
"""

from dataclasses import replace
from datetime import timedelta
from urllib.parse import quote, urlencode
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from documents.rendu import pdf_des_blocs
from dossiers.faits import destinataire_du_dossier
from habilitations.models import Habilitation
from journal.ecriture import neutraliser

from . import droit_acces
from . import indicateurs as ind
from .export import reponse_csv
from .forms import DroitAccesForm, LeveeForm, MiseSousSurveillanceForm, PeriodeForm, RechercheForm, TentativesForm
from .models import MiseSousSurveillance
from .perms import contexte_admin, journaliser_lecture, lecture_du_journal, refuser, responsable_securite_requis
from .recherche import (
    Criteres,
    Page,
    cle_page,
    habilitations_de,
    libelle,
    lire_cle,
    paginer,
    rechercher,
    tentatives_sans_caisse,
    titulaire,
)
from .surveillance import (
    est_surveille,
    evenements_surveilles,
    habilitations_surveillees,
    lever,
    mettre_sous_surveillance,
)

TAILLE_PAGE = 50
TAILLE_CHRONOLOGIE = 200
TAILLE_DOSSIER = 100
LIMITE_LISTE_SURVEILLANCES = 200


def lignes_du_journal(caisse, evenements):
    """A page's events with their habilitation, holder, and whether a surveillance flags them."""
    habilitations = habilitations_de(e.habilitation_id for e in evenements)
    surveillances = {}
    if evenements:
        # [debut, fin): the newest event's own instant is inside.
        fin = evenements[0].horodatage + timedelta(microseconds=1)
        surveillances = habilitations_surveillees(caisse, evenements[-1].horodatage, fin)
    # What the rows show, written here once per page rather than by the template for each of its
    # 50 rows × 14 cells (issue 17: the table was three quarters of the search page's CPU).
    chronologies = {
        h.pk: reverse("controle:chronologie", args=[h.public_id]) for h in habilitations.values() if h is not None
    }
    url_dossier = reverse("controle:dossier")
    resultat = []
    for e in evenements:
        habilitation = habilitations.get(e.habilitation_id)
        convention = habilitation.convention if habilitation is not None else None
        resultat.append(
            {
                "evenement": e,
                "horodatage": timezone.localtime(e.horodatage).strftime("%d/%m/%Y %H:%M:%S"),
                "libelle": libelle(e) + (f" ({e.acteur})" if e.acteur else ""),
                "resultat": e.get_resultat_display(),
                "habilitation": habilitation,
                "chronologie": chronologies.get(habilitation.pk) if habilitation is not None else None,
                "partenaire": convention.partenaire.raison_sociale if convention is not None else "",
                "convention": f"{convention.numero} ({convention.profil})" if convention is not None else "",
                # The dossier's history, for a dossier of the officer's own Caf.
                "url_dossier": (
                    f"{url_dossier}?numero={quote(e.numero_allocataire)}"
                    if e.numero_allocataire and e.caisse_dossier == caisse.numero
                    else None
                ),
                "titulaire": titulaire(e, habilitation),
                "surveillee": est_surveille(surveillances, e),
            }
        )
    return resultat


def _rendre(request, gabarit: str, contexte: dict, **options):
    """An officer's page inside the staff area (its header, sidebar and links)."""
    return render(request, gabarit, contexte_admin(request, contexte), **options)


def _apres(request) -> str:
    """The keyset of the page asked for (?apres=), as typed: `lire_cle` reads it."""
    return request.GET.get("apres", "")


def _liens(request, page: Page) -> dict:
    """The first and next pages' query strings, the other filters kept."""
    parametres = request.GET.copy()
    parametres.pop("apres", None)
    premiere = parametres.urlencode()
    suivante = None
    if page.suivant is not None:
        parametres["apres"] = cle_page(page.suivant)
        suivante = parametres.urlencode()
    return {"premiere": premiere, "suivante": suivante, "suite": bool(_apres(request))}


# --- The journal ---------------------------------------------------------------------------


@lecture_du_journal
@responsable_securite_requis
def journal(request, caisse):
    form = RechercheForm(request.GET or None, caisse=caisse)
    page = Page()
    if not form.is_bound or form.is_valid():
        page = rechercher(caisse.numero, form.criteres(), lire_cle(_apres(request)), TAILLE_PAGE)
        filtres = form.resume()
    else:
        filtres = {"erreur": True}
    journaliser_lecture(request, "recherche", {"filtres": filtres, "apres": _apres(request)[:60]})
    return _rendre(
        request,
        "controle/recherche.html",
        {
            "title": "Journal des accès",
            "form": form,
            "lignes": lignes_du_journal(caisse, page.evenements),
            "liens": _liens(request, page),
            "caisse": caisse,
        },
    )


@lecture_du_journal
@responsable_securite_requis
def export(request, caisse):
    form = RechercheForm(request.GET or None, caisse=caisse)
    if form.is_bound and not form.is_valid():
        journaliser_lecture(request, "recherche", {"filtres": {"erreur": True}, "export": True})
        return _rendre(
            request,
            "controle/recherche.html",
            {"title": "Journal des accès", "form": form, "lignes": [], "liens": {}, "caisse": caisse},
            status=400,
        )
    # The export covers the journal as it stood when asked, without its own event.
    criteres = replace(form.criteres(), jusqua=timezone.now())
    journaliser_lecture(request, "export", {"filtres": form.resume()})
    return reponse_csv(caisse.numero, criteres)


@lecture_du_journal
@responsable_securite_requis
def chronologie(request, caisse, public_id: UUID):
    habilitation = (
        Habilitation.objects.select_related("user", "convention__partenaire", "convention__caisse")
        .filter(public_id=public_id, convention__caisse=caisse)
        .first()
    )
    if habilitation is None:
        return refuser(request, f"journal des accès : chronologie de l'habilitation {public_id} hors de la Caf")
    form = RechercheForm(request.GET or None, caisse=caisse)
    debut = fin = None
    if form.is_bound and form.is_valid():
        debut, fin = form.cleaned_data.get("debut"), form.cleaned_data.get("fin")
    criteres = Criteres(habilitation_id=habilitation.pk, debut=debut, fin=fin)
    page = rechercher(caisse.numero, criteres, lire_cle(_apres(request)), TAILLE_CHRONOLOGIE)
    journaliser_lecture(
        request,
        "chronologie",
        {
            "habilitation": habilitation.pk,
            "debut": str(debut or ""),
            "fin": str(fin or ""),
            "apres": _apres(request)[:60],
        },
    )
    return _rendre(
        request,
        "controle/chronologie.html",
        {
            "title": f"Chronologie de l'habilitation {habilitation.identifiant}",
            "habilitation": habilitation,
            "form": form,
            "lignes": lignes_du_journal(caisse, page.evenements),
            "liens": _liens(request, page),
            "caisse": caisse,
            "edite_le": timezone.localtime(),
            "edite_par": request.user,
        },
    )


@lecture_du_journal
@responsable_securite_requis
def dossier(request, caisse):
    # As typed, without control characters (a NUL would not even reach PostgreSQL).
    numero = neutraliser(request.GET.get("numero", ""), 20).strip()
    page = Page()
    if numero:
        criteres = Criteres(numero_allocataire=numero, dossiers_seulement=True)
        page = rechercher(caisse.numero, criteres, lire_cle(_apres(request)), TAILLE_DOSSIER)
    journaliser_lecture(request, "dossier", {"numero": numero, "apres": _apres(request)[:60]})
    return _rendre(
        request,
        "controle/dossier.html",
        {
            "title": "Consultations d'un dossier",
            "numero": numero,
            "lignes": lignes_du_journal(caisse, page.evenements),
            "liens": _liens(request, page),
            "caisse": caisse,
        },
    )


@lecture_du_journal
@responsable_securite_requis
def tentatives_inconnues(request, caisse):
    """Failed logins that belong to no Caf (an unknown identifiant, the per-address throttle, the
    staff login): every Caf's officers see them, since none owns them."""
    form = TentativesForm(request.GET or None)
    page = Page()
    if not form.is_bound or form.is_valid():
        page = tentatives_sans_caisse(form.criteres(), lire_cle(_apres(request)), TAILLE_PAGE)
        filtres = form.resume()
    else:
        filtres = {"erreur": True}
    journaliser_lecture(request, "identifiants inconnus", {"filtres": filtres, "apres": _apres(request)[:60]})
    return _rendre(
        request,
        "controle/tentatives_inconnues.html",
        {
            "title": "Tentatives sur des identifiants inconnus",
            "form": form,
            "lignes": [{"evenement": e, "libelle": libelle(e)} for e in page.evenements],
            "liens": _liens(request, page),
            "caisse": caisse,
        },
    )


# --- Irregularity indicators ---------------------------------------------------------------

# The indicators table's columns, in order: (sort key, heading).
COLONNES_INDICATEURS = (
    ("identifiant", "Identifiant"),
    ("convention", "Convention"),
    ("echecs", "Échecs"),
    ("verrouillages", "Verrouillages"),
    ("nuit", "Nuit"),
    ("week_end", "Week-end"),
    ("dossiers_max", "Dossiers / jour"),
    ("ecart_habitude", "Écart / habitude"),
    ("ecart_partenaire", "Écart / partenaire"),
    ("hors_territoire", "Hors territoire"),
    ("heures_multi_adresses", "Adresses simultanées"),
    ("apres_fin", "Hors droits"),
)


def _entetes(request, tri: str) -> list[dict]:
    """Each column's heading and its sort link: descending first, a second click ascending."""
    parametres = request.GET.copy()
    parametres.pop("tri", None)
    entetes = []
    for colonne, titre in COLONNES_INDICATEURS:
        parametres["tri"] = colonne if tri == f"-{colonne}" else f"-{colonne}"
        entetes.append({"titre": titre, "requete": parametres.urlencode()})
    return entetes


@lecture_du_journal
@responsable_securite_requis
def indicateurs(request, caisse):
    form = PeriodeForm(request.GET or None)
    periode = form.periode()
    journaliser_lecture(request, "indicateurs", {"periode": [str(periode.debut), str(periode.fin)]})
    tri = request.GET.get("tri", "")
    if tri.lstrip("-") not in ind.COLONNES_TRI:
        tri = "-echecs"
    lignes, verification = ind.tableau(caisse, periode, tri)
    return _rendre(
        request,
        "controle/indicateurs.html",
        {
            "title": "Indicateurs d'irrégularités",
            "caisse": caisse,
            "form": form,
            "periode": periode,
            "fin_affichee": (periode.fin - timedelta(days=1)).date(),
            "lignes": lignes,
            "verification": verification,
            "pulverisation": ind.pulverisation(caisse, periode),
            "seuil_pulverisation": ind.SEUIL_PULVERISATION,
            "plusieurs_identifiants": ind.PLUSIEURS_IDENTIFIANTS,
            "debut_affiche": periode.debut.date(),
            "tri": tri,
            "entetes": _entetes(request, tri),
            "nuit_debut": ind.NUIT_DEBUT,
            "nuit_fin": ind.NUIT_FIN,
            "seuil": ind.SEUIL_DOSSIERS_JOUR,
            "facteur": ind.FACTEUR_INHABITUEL,
        },
    )


# --- Mises sous surveillance ---------------------------------------------------------------


def _surveillance_de_la_caisse(caisse, public_id: UUID):
    return (
        MiseSousSurveillance.objects.select_related("habilitation__user", "convention", "decidee_par", "levee_par")
        .filter(public_id=public_id, caisse=caisse)
        .first()
    )


@lecture_du_journal
@responsable_securite_requis
def surveillances(request, caisse):
    journaliser_lecture(request, "surveillance")
    toutes = list(
        MiseSousSurveillance.objects.filter(caisse=caisse)
        .select_related("habilitation__user", "convention", "decidee_par", "levee_par")
        .order_by("-debut", "-pk")[:LIMITE_LISTE_SURVEILLANCES]
    )
    maintenant = timezone.now()
    return _rendre(
        request,
        "controle/surveillances.html",
        {
            "title": "Mises sous surveillance",
            "caisse": caisse,
            "en_cours": [s for s in toutes if s.en_cours(maintenant)],
            "terminees": [s for s in toutes if not s.en_cours(maintenant)],
        },
    )


def _uuid(valeur: str) -> UUID | None:
    try:
        return UUID(valeur)
    except ValueError:
        return None


@responsable_securite_requis
def surveillance_nouvelle(request, caisse):
    journaliser_lecture(request, "surveillance")
    if request.method == "POST":
        form = MiseSousSurveillanceForm(request.POST, caisse=caisse)
        if form.is_valid():
            try:
                surveillance = mettre_sous_surveillance(
                    caisse=caisse,
                    acteur=request.user,
                    motif=form.cleaned_data["motif"],
                    fin=form.fin_instant(),
                    habilitation=form.cleaned_data["habilitation"],
                    convention=form.cleaned_data["convention"],
                    suspendre=form.cleaned_data["suspendre"],
                    request=request,
                )
            except ValidationError as erreur:
                form.add_error(None, erreur.messages)
            else:
                messages.success(request, "Mise sous surveillance enregistrée.")
                return redirect("controle:surveillance_detail", public_id=surveillance.public_id)
    else:
        # A subject chosen beforehand (the indicators' "Mettre sous surveillance" link).
        initial = {cle: _uuid(request.GET.get(cle, "")) for cle in ("habilitation", "convention")}
        form = MiseSousSurveillanceForm(initial=initial, caisse=caisse)
    return _rendre(
        request,
        "controle/surveillance_form.html",
        {"title": "Mettre sous surveillance", "caisse": caisse, "form": form},
    )


@lecture_du_journal
@responsable_securite_requis
def surveillance_detail(request, caisse, public_id: UUID):
    surveillance = _surveillance_de_la_caisse(caisse, public_id)
    if surveillance is None:  # unknown or another Caf's: the same journaled refusal
        return refuser(request, f"surveillance d'une autre Caf ou inconnue : {request.path}")
    journaliser_lecture(request, "surveillance")
    page = paginer(evenements_surveilles(caisse, surveillance), lire_cle(_apres(request)), TAILLE_PAGE)
    return _rendre(
        request,
        "controle/surveillance_detail.html",
        {
            "title": "Surveillance et événements signalés",
            "caisse": caisse,
            "surveillance": surveillance,
            "en_cours": surveillance.en_cours(),
            "evenements": page.evenements,
            "liens": _liens(request, page),
            "form_levee": LeveeForm(),
        },
    )


@lecture_du_journal
@responsable_securite_requis
def evenements(request, caisse):
    """Every flagged event of the Caisse's surveillances."""
    journaliser_lecture(request, "surveillance")
    page = paginer(evenements_surveilles(caisse), lire_cle(_apres(request)), TAILLE_PAGE)
    return _rendre(
        request,
        "controle/surveillance_detail.html",
        {
            "title": "Événements signalés",
            "caisse": caisse,
            "surveillance": None,
            "evenements": page.evenements,
            "liens": _liens(request, page),
        },
    )


@responsable_securite_requis
@require_POST
def surveillance_lever(request, caisse, public_id: UUID):
    surveillance = _surveillance_de_la_caisse(caisse, public_id)
    if surveillance is None:
        return refuser(request, f"surveillance d'une autre Caf ou inconnue : {request.path}")
    journaliser_lecture(request, "surveillance")
    form = LeveeForm(request.POST)
    if form.is_valid():
        try:
            lever(surveillance, request.user, form.cleaned_data["motif_levee"], request=request)
        except ValidationError as erreur:
            messages.error(request, " ".join(erreur.messages))
        else:
            messages.success(request, "Surveillance levée.")
    return redirect("controle:surveillance_detail", public_id=surveillance.public_id)


# --- The allocataire's right of access (issue 16) --------------------------------------------


def _lettre(request, caisse, form, forme: str):
    """The letter's content for a valid form, or None when the officer's Caf has no such dossier
    (a refusal, journaled): the production is journaled before the journal is read for it."""
    numero, du, au = form.cleaned_data["numero"], form.cleaned_data["du"], form.cleaned_data["au"]
    # Looked up first, since whether the Caf manages the dossier decides between the letter and a
    # refusal; nothing of it is sent before the production's event is written.
    destinataire = destinataire_du_dossier(caisse.numero, numero)
    if destinataire is None:
        droit_acces.journaliser_refus(request, caisse, numero)
        form.add_error(
            "numero",
            f"La Caf {caisse.numero} ne gère aucun dossier n° {numero} : la lettre est écrite par la Caf "
            "qui gère le dossier de l'allocataire.",
        )
        return None
    droit_acces.journaliser(request, caisse, numero, du, au, forme)  # fails closed
    return droit_acces.releve(caisse, numero, du, au, destinataire)


def _page_droit_acces(request, caisse, form, releve=None, status=200):
    contexte = {"title": "Droit d'accès d'un allocataire", "caisse": caisse, "form": form, "releve": releve}
    if releve is not None:
        contexte["blocs"] = droit_acces.blocs(releve)
        contexte["requete_pdf"] = urlencode(
            {"numero": releve.numero, "du": releve.du.isoformat(), "au": releve.au.isoformat()}
        )
    return _rendre(request, "controle/droit_acces.html", contexte, status=status)


@lecture_du_journal
@require_safe
@responsable_securite_requis
def droit_acces_lettre(request, caisse):
    """The form (numéro, period), then the letter's preview, from the link to its PDF."""
    if "du" not in request.GET and "au" not in request.GET:
        # The empty form, the numéro filled in when the link of a dossier's consultations gives it.
        jour = timezone.localdate()
        initial = {
            "numero": neutraliser(request.GET.get("numero", ""), 20).strip(),
            "du": jour - timedelta(days=droit_acces.PERIODE_MAXIMALE - 1),
            "au": jour,
        }
        return _page_droit_acces(request, caisse, DroitAccesForm(initial=initial))
    form = DroitAccesForm(request.GET)
    if not form.is_valid():
        return _page_droit_acces(request, caisse, form, status=400)
    releve = _lettre(request, caisse, form, "aperçu")
    if releve is None:
        return _page_droit_acces(request, caisse, form, status=403)
    return _page_droit_acces(request, caisse, form, releve)


@lecture_du_journal
@require_safe
@responsable_securite_requis
def droit_acces_pdf(request, caisse):
    """The letter as a PDF, to print and send; the same checks and journaling as its preview."""
    form = DroitAccesForm(request.GET)
    if not form.is_valid():
        return _page_droit_acces(request, caisse, form, status=400)
    releve = _lettre(request, caisse, form, "PDF")
    if releve is None:
        return _page_droit_acces(request, caisse, form, status=403)
    contenu = pdf_des_blocs(
        droit_acces.blocs(releve),
        titre=droit_acces.titre(releve),
        pied=droit_acces.pied(releve),
        sujet=droit_acces.TITRE,
        auteur=releve.caisse.nom,
    )
    reponse = HttpResponse(contenu, content_type="application/pdf")
    nom = f"releve-consultations-{releve.numero}-{releve.edite_le:%Y-%m-%d}.pdf"
    reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
    return reponse
