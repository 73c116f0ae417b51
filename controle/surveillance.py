"""Mises sous surveillance (manual Cafpro V5, "Contrôle des accès": the journal "peut ...
déboucher sur la mise sous surveillance de certains utilisateurs").

A Responsable Sécurité puts one habilitation, or every habilitation of one convention, of his
Caisse under surveillance with a reason and an end; its events are flagged while it lasts
(from `debut` to `fin`, or to `levee_le` if lifted earlier). Creation and lifting are journaled
(TypeEvenement.SURVEILLANCE) with the officer as identifiant and acteur.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from conventions.models import Caisse
from habilitations.models import EtatHabilitation, Habilitation
from journal.ecriture import enregistrer
from journal.models import Evenement, Resultat, TypeEvenement

from .models import MiseSousSurveillance
from .recherche import numero_de


def _journaliser(surveillance: MiseSousSurveillance, acteur, motif: str, request=None, **details) -> None:
    enregistrer(
        TypeEvenement.SURVEILLANCE,
        Resultat.SUCCES,
        request=request,
        motif=motif,
        identifiant=acteur.username,
        habilitation_id=surveillance.habilitation_id,
        acteur=acteur.username,
        caisse=surveillance.caisse.numero,
        details={
            "surveillance": surveillance.pk,
            "convention": surveillance.convention_id,
            "fin": surveillance.fin.isoformat(),
            **details,
        },
    )


@transaction.atomic
def mettre_sous_surveillance(
    *,
    caisse: Caisse,
    acteur,
    motif: str,
    fin: datetime,
    habilitation: Habilitation | None = None,
    convention=None,
    suspendre: bool = False,
    request=None,
) -> MiseSousSurveillance:
    """Create the surveillance, journal it and, with `suspendre`, suspend the habilitation or
    every active (or locked) habilitation of the convention at once."""
    if (habilitation is None) == (convention is None):
        raise ValidationError("Choisissez une habilitation ou une convention, pas les deux.")
    sujet_caisse = habilitation.convention.caisse_id if habilitation is not None else convention.caisse_id
    if sujet_caisse != caisse.pk:
        raise ValidationError("Seules les habilitations et conventions de votre Caf peuvent être surveillées.")
    if not (motif or "").strip():
        raise ValidationError({"motif": "Le motif est obligatoire."})
    surveillance = MiseSousSurveillance(
        caisse=caisse,
        habilitation=habilitation,
        convention=convention,
        motif=motif.strip(),
        debut=timezone.now(),
        fin=fin,
        suspendre=suspendre,
        decidee_par=acteur,
    )
    surveillance.full_clean()
    surveillance.save()
    suspendues = []
    if suspendre:
        if habilitation is not None:
            cibles = [habilitation]
        else:
            cibles = convention.habilitations.filter(
                etat__in=(EtatHabilitation.ACTIVE, EtatHabilitation.VERROUILLEE)
            ).select_related("user", "convention__caisse")
        for cible in cibles:
            if cible.etat_effectif() in (EtatHabilitation.ACTIVE, EtatHabilitation.VERROUILLEE):
                cible.suspendre(acteur, request)
                suspendues.append(cible.pk)
    _journaliser(surveillance, acteur, "mise sous surveillance", request, suspendues=suspendues)
    return surveillance


@transaction.atomic
def lever(surveillance: MiseSousSurveillance, acteur, motif: str = "", request=None) -> MiseSousSurveillance:
    """Lift a surveillance in progress. The habilitations it suspended stay suspended: their
    reactivation is the gestionnaires' decision (Habilitation.reactiver)."""
    surveillance = MiseSousSurveillance.objects.select_for_update().get(pk=surveillance.pk)
    if surveillance.levee_le is not None:
        raise ValidationError("Cette surveillance est déjà levée.")
    surveillance.levee_le = timezone.now()
    surveillance.levee_par = acteur
    surveillance.motif_levee = (motif or "").strip()
    surveillance.save(update_fields=["levee_le", "levee_par", "motif_levee"])
    _journaliser(surveillance, acteur, "levée de la surveillance", request)
    return surveillance


def _intervalles(surveillances) -> dict[int, list[tuple[datetime, datetime]]]:
    surveillances = list(surveillances)
    conventions = {s.convention_id for s in surveillances if s.convention_id}
    par_convention: dict[int, list[int]] = {}
    for pk, convention_id in Habilitation.objects.filter(convention_id__in=conventions).values_list(
        "pk", "convention_id"
    ):
        par_convention.setdefault(convention_id, []).append(pk)
    resultat: dict[int, list[tuple[datetime, datetime]]] = {}
    for surveillance in surveillances:
        ids = (
            [surveillance.habilitation_id]
            if surveillance.habilitation_id
            else par_convention.get(surveillance.convention_id, [])
        )
        for pk in ids:
            resultat.setdefault(pk, []).append((surveillance.debut, surveillance.fin_effective))
    return resultat


def habilitations_surveillees(caisse, debut: datetime, fin: datetime) -> dict[int, list[tuple[datetime, datetime]]]:
    """{habilitation pk: [(start, end), …]} of the Caisse's surveillances overlapping [debut, fin).

    An event of habilitation h at instant t is flagged when start <= t < end for one of h's
    intervals (a convention-wide surveillance covers every habilitation of the convention)."""
    return _intervalles(MiseSousSurveillance.objects.filter(caisse__numero=numero_de(caisse)).chevauchant(debut, fin))


def est_surveille(intervalles: dict[int, list[tuple[datetime, datetime]]], evenement) -> bool:
    return any(d <= evenement.horodatage < f for d, f in intervalles.get(evenement.habilitation_id, ()))


def _filtre(surveillances) -> Q:
    """One term per surveillance (a convention's habilitations by subquery), not per habilitation."""
    filtre = Q(pk__in=[])
    for surveillance in surveillances:
        if surveillance.habilitation_id:
            sujet = Q(habilitation_id=surveillance.habilitation_id)
        else:
            sujet = Q(
                habilitation_id__in=Habilitation.objects.filter(convention_id=surveillance.convention_id).values("pk")
            )
        filtre |= sujet & Q(horodatage__gte=surveillance.debut, horodatage__lt=surveillance.fin_effective)
    return filtre


def evenements_surveilles(caisse, surveillance: MiseSousSurveillance | None = None):
    """The flagged events of the Caisse's journal: every surveillance's, or one's; newest first.

    Only the Caisse's own journal (its agents' events and the consultations of its dossiers);
    the surveillance's own SURVEILLANCE events are left out."""
    numero = numero_de(caisse)
    surveillances = (
        [surveillance] if surveillance is not None else MiseSousSurveillance.objects.filter(caisse__numero=numero)
    )
    return (
        Evenement.objects.filter(Q(caisse=numero) | Q(caisse_dossier=numero))
        .exclude(type=TypeEvenement.SURVEILLANCE)
        .filter(_filtre(surveillances))
        .order_by("-horodatage", "-id")
    )
