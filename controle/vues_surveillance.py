"""The Responsables Sécurité's pages: irregularity indicators and mises sous surveillance.

Every view is behind `responsable_securite_requis` (refusals journaled) and reads only the
officer's own Caisse; every view writes one TypeEvenement.CONTROLE event, since reading the
journal is itself journaled.
"""

from datetime import datetime, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from . import indicateurs as ind
from .forms_surveillance import LeveeForm, MiseSousSurveillanceForm, PeriodeForm
from .models import MiseSousSurveillance
from .perms import contexte_admin, journaliser_lecture, lecture_du_journal, refuser, responsable_securite_requis
from .surveillance import evenements_surveilles, fin_effective, lever, mettre_sous_surveillance

PAR_PAGE = 50
LIMITE_LISTE_SURVEILLANCES = 200


def _caisse_ou_refus(request):
    caisse = request.user.caisse if request.user.caisse_id else None
    if caisse is None:
        return None, refuser(request, f"journal des accès sans Caf de rattachement : {request.path}")
    return caisse, None


@lecture_du_journal
@responsable_securite_requis
def indicateurs(request):
    caisse, refus = _caisse_ou_refus(request)
    if refus:
        return refus
    form = PeriodeForm(request.GET or None)
    du = au = None
    if form.is_bound and form.is_valid():
        du, au = form.cleaned_data["du"], form.cleaned_data["au"]
        if du and not au and (timezone.localdate() - du).days > 366:
            du = None
    periode = ind.Periode.jours(du, au)
    journaliser_lecture(request, "indicateurs", {"periode": [str(periode.debut), str(periode.fin)]})
    tri = request.GET.get("tri", "")
    lignes, verification = ind.tableau(caisse, periode, tri)
    pulverisation = ind.pulverisation(caisse, periode)
    colonne = tri.lstrip("-") if tri.lstrip("-") in ind.COLONNES_TRI else "echecs"
    tri_actuel = tri if tri.lstrip("-") in ind.COLONNES_TRI else "-echecs"
    parametres = request.GET.copy()
    parametres.pop("tri", None)
    return render(
        request,
        "controle/indicateurs.html",
        contexte_admin(
            request,
            title="Indicateurs d'irrégularités",
            caisse=caisse,
            form=form,
            periode=periode,
            fin_affichee=(periode.fin - timedelta(days=1)).date(),
            lignes=lignes,
            verification=verification,
            pulverisation=pulverisation,
            seuil_pulverisation=ind.SEUIL_PULVERISATION,
            plusieurs_identifiants=ind.PLUSIEURS_IDENTIFIANTS,
            debut_affiche=periode.debut.date(),
            tri=tri_actuel,
            colonne_tri=colonne,
            base_query=parametres.urlencode(),
            nuit_debut=ind.NUIT_DEBUT,
            nuit_fin=ind.NUIT_FIN,
            seuil=ind.SEUIL_DOSSIERS_JOUR,
            facteur=ind.FACTEUR_INHABITUEL,
        ),
    )


@lecture_du_journal
@responsable_securite_requis
def surveillances(request):
    caisse, refus = _caisse_ou_refus(request)
    if refus:
        return refus
    journaliser_lecture(request, "surveillance")
    maintenant = timezone.now()
    toutes = list(
        MiseSousSurveillance.objects.filter(caisse=caisse)
        .select_related("habilitation__user", "convention", "decidee_par", "levee_par")
        .order_by("-debut", "-pk")[:LIMITE_LISTE_SURVEILLANCES]
    )
    en_cours = [s for s in toutes if s.levee_le is None and s.debut <= maintenant < s.fin]
    terminees = [s for s in toutes if s not in en_cours]
    return render(
        request,
        "controle/surveillances.html",
        contexte_admin(request, title="Mises sous surveillance", caisse=caisse, en_cours=en_cours, terminees=terminees),
    )


@responsable_securite_requis
def surveillance_nouvelle(request):
    caisse, refus = _caisse_ou_refus(request)
    if refus:
        return refus
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
                return redirect("controle:surveillance_detail", pk=surveillance.pk)
    else:
        initial = {}
        for cle in ("habilitation", "convention"):
            valeur = request.GET.get(cle, "")
            if valeur.isdigit():
                initial[cle] = int(valeur)
        form = MiseSousSurveillanceForm(initial=initial, caisse=caisse)
    return render(
        request,
        "controle/surveillance_form.html",
        contexte_admin(request, title="Mettre sous surveillance", caisse=caisse, form=form),
    )


def _page_evenements(request, requete):
    """Keyset paging on (horodatage, id), newest first: ?apres=<isoformat>_<id>."""
    curseur = request.GET.get("apres", "")
    if curseur:
        instant, _, pk = curseur.rpartition("_")
        try:
            instant = datetime.fromisoformat(instant)
            pk = int(pk)
        except ValueError:
            instant = None
        if instant is not None and timezone.is_aware(instant):
            requete = requete.filter(Q(horodatage__lt=instant) | Q(horodatage=instant, id__lt=pk))
    evenements = list(requete[: PAR_PAGE + 1])
    suivant = None
    if len(evenements) > PAR_PAGE:
        evenements = evenements[:PAR_PAGE]
        dernier = evenements[-1]
        suivant = f"{dernier.horodatage.isoformat()}_{dernier.pk}"
    return evenements, suivant


@lecture_du_journal
@responsable_securite_requis
def surveillance_detail(request, pk):
    caisse, refus = _caisse_ou_refus(request)
    if refus:
        return refus
    surveillance = (
        MiseSousSurveillance.objects.select_related("habilitation__user", "convention", "decidee_par", "levee_par")
        .filter(pk=pk, caisse=caisse)
        .first()
    )
    if surveillance is None:  # unknown or another Caf's: the same journaled refusal
        return refuser(request, f"surveillance d'une autre Caf ou inconnue : {request.path}")
    journaliser_lecture(request, "surveillance")
    evenements, suivant = _page_evenements(request, evenements_surveilles(caisse, surveillance))
    return render(
        request,
        "controle/surveillance_detail.html",
        contexte_admin(
            request,
            title="Surveillance et événements signalés",
            caisse=caisse,
            surveillance=surveillance,
            fin_effective=fin_effective(surveillance),
            en_cours=surveillance.levee_le is None and timezone.now() < surveillance.fin,
            evenements=evenements,
            suivant=suivant,
            form_levee=LeveeForm(),
        ),
    )


@lecture_du_journal
@responsable_securite_requis
def evenements(request):
    """Every flagged event of the Caisse's surveillances."""
    caisse, refus = _caisse_ou_refus(request)
    if refus:
        return refus
    journaliser_lecture(request, "surveillance")
    evenements_page, suivant = _page_evenements(request, evenements_surveilles(caisse))
    return render(
        request,
        "controle/surveillance_detail.html",
        contexte_admin(
            request,
            title="Événements signalés",
            caisse=caisse,
            surveillance=None,
            evenements=evenements_page,
            suivant=suivant,
        ),
    )


@responsable_securite_requis
@require_POST
def surveillance_lever(request, pk):
    caisse, refus = _caisse_ou_refus(request)
    if refus:
        return refus
    surveillance = MiseSousSurveillance.objects.filter(pk=pk, caisse=caisse).first()
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
    return redirect(reverse("controle:surveillance_detail", kwargs={"pk": surveillance.pk}))
