"""Irregularity indicators for one Caisse's Responsables Sécurité (manual Cafpro V5, "Contrôle
des accès": the journal "peut permettre de recenser d'éventuelles irrégularités").

Every function reads the journal of one Caisse — the events of the habilitations under its
conventions (`caisse`) and the consultations of its dossiers (`caisse_dossier`) — over a
period, by default the last 30 days, and aggregates in the database: what comes back to
Python is one row per habilitation (or per habilitation and day / hour), never one per event.

Conventions, written out on the page too (templates/controle/indicateurs.html):

- local time is Europe/Paris;
- night is 21:00 to 06:59 local time; the week-end is Saturday and Sunday;
- a consultation is a successful `consultation` event;
- a day's dossiers are the distinct (Caf of the dossier, numéro d'allocataire) pairs;
- a dossier's département is that of its code postal (conventions.routage: two digits, 2A/2B
  for Corsica, three for 97x);
- "several addresses at once" means two or more client addresses within one local hour.

One indicator is not per habilitation: `pulverisation` (identifiant spraying) groups the failed
logins of every Caf, and those that belong to none, by client address.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Case, Count, IntegerField, Max, Min, Q, Value, When
from django.db.models.functions import Concat, ExtractHour, ExtractIsoWeekDay, TruncDate, TruncHour
from django.utils import timezone

from conventions.routage import departement_du_code_postal
from dossiers.faits import code_postal_du_dossier
from habilitations.models import Habilitation
from journal.models import Evenement, Resultat, TypeEvenement

from .recherche import journal_de_la_caisse, numero_de

PARIS = ZoneInfo("Europe/Paris")
PERIODE_PAR_DEFAUT = 30  # days
NUIT_DEBUT = 21  # 21:00 local time …
NUIT_FIN = 7  # … to 06:59
WEEK_END = (6, 7)  # ISO weekdays: Saturday, Sunday
# A day is unusual when its distinct dossiers reach this many and at least FACTEUR times both
# the habilitation's own daily habit and the mean day of its partner's agents.
SEUIL_DOSSIERS_JOUR = 10
FACTEUR_INHABITUEL = 2
# The zero-check lists at most this many events (it counts them all).
LIMITE_LISTE = 200
# Identifiant spraying: an address is listed from PLUSIEURS distinct identifiants that failed
# from it over the period, and flagged from SEUIL_PULVERISATION; at most LIMITE_ADRESSES rows.
PLUSIEURS_IDENTIFIANTS = 2
SEUIL_PULVERISATION = 5
LIMITE_ADRESSES = 100

# Columns the officer may sort the table by (?tri=<column> or ?tri=-<column>).
COLONNES_TRI = (
    "identifiant",
    "convention",
    "echecs",
    "verrouillages",
    "nuit",
    "week_end",
    "dossiers_max",
    "ecart_habitude",
    "ecart_partenaire",
    "hors_territoire",
    "heures_multi_adresses",
    "apres_fin",
)


@dataclass
class PeriodeObservee:
    """The span of journal an indicator reads: [debut, fin), whole local days."""

    debut: datetime
    fin: datetime

    @classmethod
    def jours(cls, du: date | None = None, au: date | None = None) -> "PeriodeObservee":
        """From local midnight of `du` to local midnight after `au` (default: the last 30 days)."""
        au = au or timezone.localdate()
        du = du or au - timedelta(days=PERIODE_PAR_DEFAUT - 1)
        return cls(
            datetime.combine(du, time.min, tzinfo=PARIS),
            datetime.combine(au + timedelta(days=1), time.min, tzinfo=PARIS),
        )


def evenements_de_la_caisse(caisse, periode: PeriodeObservee | None = None):
    """The journal a Caisse's Responsables Sécurité may read, over `periode`."""
    periode = periode or PeriodeObservee.jours()
    return journal_de_la_caisse(caisse).filter(horodatage__gte=periode.debut, horodatage__lt=periode.fin)


def _consultations(caisse, periode):
    return evenements_de_la_caisse(caisse, periode).filter(
        type=TypeEvenement.CONSULTATION, resultat=Resultat.SUCCES, habilitation_id__isnull=False
    )


# --- One function per indicator: {habilitation_id: {column: value}} -------------------------


def echecs_et_verrouillages(caisse, periode: PeriodeObservee | None = None) -> dict[int, dict]:
    """Failed logins and lockouts per habilitation."""
    lignes = (
        evenements_de_la_caisse(caisse, periode)
        .filter(habilitation_id__isnull=False)
        .filter(Q(type=TypeEvenement.CONNEXION, resultat=Resultat.ECHEC) | Q(type=TypeEvenement.VERROUILLAGE))
        .values("habilitation_id")
        .annotate(
            echecs=Count("id", filter=Q(type=TypeEvenement.CONNEXION)),
            verrouillages=Count("id", filter=Q(type=TypeEvenement.VERROUILLAGE)),
        )
    )
    return {ligne.pop("habilitation_id"): ligne for ligne in lignes}


def hors_heures(caisse, periode: PeriodeObservee | None = None) -> dict[int, dict]:
    """Consultations at night (21:00–06:59) and on week-ends, local time, per habilitation."""
    lignes = (
        _consultations(caisse, periode)
        .annotate(
            heure=ExtractHour("horodatage", tzinfo=PARIS),
            jour_semaine=ExtractIsoWeekDay("horodatage", tzinfo=PARIS),
        )
        .values("habilitation_id")
        .annotate(
            nuit=Count("id", filter=Q(heure__gte=NUIT_DEBUT) | Q(heure__lt=NUIT_FIN)),
            week_end=Count("id", filter=Q(jour_semaine__in=WEEK_END)),
        )
        .filter(Q(nuit__gt=0) | Q(week_end__gt=0))
    )
    return {ligne.pop("habilitation_id"): ligne for ligne in lignes}


def dossiers_par_jour(caisse, periode: PeriodeObservee | None = None) -> dict[int, dict]:
    """Each habilitation's busiest day (distinct dossiers), against its own habit (mean of its
    other active days) and against the mean day of its partner's agents."""
    jours = (
        _consultations(caisse, periode)
        .annotate(jour=TruncDate("horodatage", tzinfo=PARIS))
        .values("habilitation_id", "jour")
        .annotate(n=Count(Concat("caisse_dossier", Value(":"), "numero_allocataire"), distinct=True))
        .order_by()
    )
    par_habilitation: dict[int, list[tuple[date, int]]] = {}
    for ligne in jours:  # one row per habilitation and active day: bounded by the period
        par_habilitation.setdefault(ligne["habilitation_id"], []).append((ligne["jour"], ligne["n"]))
    partenaire_de = dict(
        Habilitation.objects.filter(pk__in=par_habilitation).values_list("pk", "convention__partenaire_id")
    )
    cumul_partenaire: dict[int, list[int]] = {}
    for pk, serie in par_habilitation.items():
        cumul = cumul_partenaire.setdefault(partenaire_de.get(pk), [0, 0])
        cumul[0] += sum(n for _, n in serie)
        cumul[1] += len(serie)
    resultat = {}
    for pk, serie in par_habilitation.items():
        jour_max, maximum = max(serie, key=lambda jn: (jn[1], jn[0]))
        autres = [n for j, n in serie if j != jour_max]
        habitude = sum(autres) / len(autres) if autres else 0.0
        # The partner's mean day, this habilitation's busiest day left out.
        total, nombre = cumul_partenaire[partenaire_de.get(pk)]
        nombre -= 1
        moyenne_partenaire = (total - maximum) / nombre if nombre else 0.0
        ecart_habitude = round(maximum / habitude, 1) if habitude else None
        ecart_partenaire = round(maximum / moyenne_partenaire, 1) if moyenne_partenaire else None
        resultat[pk] = {
            "dossiers_max": maximum,
            "jour_max": jour_max,
            "habitude": round(habitude, 1),
            "moyenne_partenaire": round(moyenne_partenaire, 1),
            "ecart_habitude": ecart_habitude,
            "ecart_partenaire": ecart_partenaire,
            "inhabituel": maximum >= SEUIL_DOSSIERS_JOUR
            and (ecart_habitude is None or ecart_habitude >= FACTEUR_INHABITUEL)
            and (ecart_partenaire is None or ecart_partenaire >= FACTEUR_INHABITUEL),
        }
    return resultat


def hors_territoire(caisse, periode: PeriodeObservee | None = None) -> dict[int, dict]:
    """Distinct dossiers consulted whose code postal lies outside the partner's département.

    The journal refers to a dossier by (Caf of the dossier, numéro), not by a foreign key: each
    consultation learns its dossier's code postal from dossiers.faits, in the database, and
    what comes back is one row per habilitation and code postal; the départements (of the
    dossiers and of the partners' seats) are then compared here, by the one rule of
    conventions.routage."""
    par_code_postal = (
        _consultations(caisse, periode)
        .exclude(numero_allocataire="")
        .annotate(code_postal=code_postal_du_dossier())
        .values("habilitation_id", "code_postal")
        .annotate(dossiers=Count(Concat("caisse_dossier", Value(":"), "numero_allocataire"), distinct=True))
        .order_by()
    )
    par_habilitation: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for ligne in par_code_postal:
        if ligne["code_postal"] is None:  # no such dossier (a numéro mistyped, say)
            continue
        departement = departement_du_code_postal(ligne["code_postal"])
        par_habilitation[ligne["habilitation_id"]][departement] += ligne["dossiers"]
    sieges = dict(
        Habilitation.objects.filter(pk__in=par_habilitation).values_list("pk", "convention__partenaire__code_postal")
    )
    resultat: dict[int, dict] = {}
    for pk, departements in par_habilitation.items():
        siege = departement_du_code_postal(sieges.get(pk) or "")
        ailleurs = {departement: n for departement, n in departements.items() if departement != siege}
        if ailleurs:
            resultat[pk] = {"hors_territoire": sum(ailleurs.values()), "departements": len(ailleurs)}
    return resultat


def adresses_multiples(caisse, periode: PeriodeObservee | None = None) -> dict[int, dict]:
    """Hours in which one habilitation's events came from two or more client addresses."""
    heures = (
        evenements_de_la_caisse(caisse, periode)
        .filter(habilitation_id__isnull=False, adresse_ip__isnull=False)
        # UTC hours: the autumn change would merge two local 02:00 hours into one.
        .annotate(heure=TruncHour("horodatage", tzinfo=UTC))
        .values("habilitation_id", "heure")
        .annotate(adresses=Count("adresse_ip", distinct=True))
        .filter(adresses__gte=2)
        .order_by()
    )
    resultat: dict[int, dict] = {}
    for ligne in heures:  # only the hours with several addresses
        cible = resultat.setdefault(ligne["habilitation_id"], {"heures_multi_adresses": 0, "adresses_max": 0})
        cible["heures_multi_adresses"] += 1
        cible["adresses_max"] = max(cible["adresses_max"], ligne["adresses"])
    return resultat


@dataclass
class Verification:
    """Consultations after the convention's end or the habilitation's deletion: must be zero."""

    nombre: int
    evenements: list = field(default_factory=list)
    par_habilitation: dict = field(default_factory=dict)


def consultations_hors_droits(caisse, periode: PeriodeObservee | None = None) -> Verification:
    """Consultations on or after the convention's date_fin (the convention is terminée from that
    day) or the habilitation's date_suppression (deleted from that day), local date.

    The habilitations with such a date are few: the journal is only read for them, from that
    date on (one indexed range per date), not joined row by row."""
    periode = periode or PeriodeObservee.jours()
    fin_periode = periode.fin.astimezone(PARIS).date()
    depuis: dict[date, list[int]] = defaultdict(list)
    bornees = Habilitation.objects.filter(
        Q(convention__date_fin__lte=fin_periode) | Q(date_suppression__lte=fin_periode)
    ).values_list("pk", "convention__date_fin", "date_suppression")
    for pk, fin_convention, suppression in bornees:
        limite = min(d for d in (fin_convention, suppression) if d is not None)
        depuis[limite].append(pk)
    if not depuis:
        return Verification(0)
    apres_la_fin = Q()
    for limite, habilitations in depuis.items():
        debut_du_jour = datetime.combine(limite, time.min, tzinfo=PARIS)
        apres_la_fin |= Q(habilitation_id__in=habilitations, horodatage__gte=debut_du_jour)
    requete = _consultations(caisse, periode).filter(apres_la_fin)
    nombre = requete.count()
    if not nombre:
        return Verification(0)
    par_habilitation = {
        ligne["habilitation_id"]: ligne["n"]
        for ligne in requete.values("habilitation_id").annotate(n=Count("id")).order_by()
    }
    evenements = list(requete.order_by("-horodatage", "-id")[:LIMITE_LISTE])
    return Verification(nombre, evenements, par_habilitation)


# --- Identifiant spraying: one row per client address -------------------------------------


@dataclass
class Pulverisation:
    adresses: list[dict] = field(default_factory=list)
    # More addresses than LIMITE_ADRESSES qualified: only the first ones are listed.
    tronquee: bool = False


def pulverisation(caisse, periode: PeriodeObservee | None = None) -> Pulverisation:
    """Client addresses from which several distinct identifiants failed to log in over the period:
    any Caf's identifiants, unknown ones, and the throttle's refusals (`caisse` "").

    Per address: distinct identifiants and failed attempts, and how many of them are this
    Caisse's — a failure written under its numéro, or any failure (a throttle refusal is written
    before the identifiant is looked up, with no Caisse) on the identifiant of one of its
    habilitations. Addresses that touched this Caisse come first. One query, grouped in the
    database: one row per address comes back, at most LIMITE_ADRESSES + 1."""
    numero = numero_de(caisse)
    periode = periode or PeriodeObservee.jours()
    identifiants_de_la_caisse = Habilitation.objects.filter(convention__caisse__numero=numero).values("user__username")
    de_la_caisse = Q(caisse=numero) | Q(identifiant__in=identifiants_de_la_caisse)
    lignes = list(
        Evenement.objects.filter(
            type=TypeEvenement.CONNEXION,
            resultat__in=[Resultat.ECHEC, Resultat.REFUS],
            horodatage__gte=periode.debut,
            horodatage__lt=periode.fin,
            adresse_ip__isnull=False,
        )
        .exclude(identifiant="")
        .values("adresse_ip")
        .annotate(
            identifiants=Count("identifiant", distinct=True),
            echecs=Count("id"),
            identifiants_caisse=Count("identifiant", distinct=True, filter=de_la_caisse),
            echecs_caisse=Count("id", filter=de_la_caisse),
            premier=Min("horodatage"),
            dernier=Max("horodatage"),
        )
        .filter(identifiants__gte=PLUSIEURS_IDENTIFIANTS)
        .annotate(
            touche_la_caisse=Case(
                When(identifiants_caisse__gt=0, then=Value(1)), default=Value(0), output_field=IntegerField()
            )
        )
        .order_by("-touche_la_caisse", "-identifiants", "-echecs", "adresse_ip")[: LIMITE_ADRESSES + 1]
    )
    for ligne in lignes:
        ligne["signalee"] = ligne["identifiants"] >= SEUIL_PULVERISATION
    return Pulverisation(lignes[:LIMITE_ADRESSES], len(lignes) > LIMITE_ADRESSES)


# --- The table ---------------------------------------------------------------------------


def tableau(caisse, periode: PeriodeObservee | None = None, tri: str = "") -> tuple[list[dict], Verification]:
    """One row per habilitation with at least one irregularity, sorted by `tri`
    (a COLONNES_TRI name, "-" for descending; default: most failed logins first)."""
    periode = periode or PeriodeObservee.jours()
    sources = {
        "echecs": echecs_et_verrouillages(caisse, periode),
        "hors_heures": hors_heures(caisse, periode),
        "dossiers": {pk: v for pk, v in dossiers_par_jour(caisse, periode).items() if v["inhabituel"]},
        "territoire": hors_territoire(caisse, periode),
        "adresses": adresses_multiples(caisse, periode),
    }
    verification = consultations_hors_droits(caisse, periode)
    ids = set(verification.par_habilitation)
    for valeurs in sources.values():
        ids.update(valeurs)
    habilitations = Habilitation.objects.filter(pk__in=ids).select_related("user", "convention__partenaire")
    lignes = []
    for habilitation in habilitations:
        ligne = {
            "habilitation": habilitation,
            "identifiant": habilitation.identifiant,
            "convention": habilitation.convention.numero,
            "echecs": 0,
            "verrouillages": 0,
            "nuit": 0,
            "week_end": 0,
            "dossiers_max": 0,
            "jour_max": None,
            "habitude": None,
            "moyenne_partenaire": None,
            "ecart_habitude": None,
            "ecart_partenaire": None,
            "hors_territoire": 0,
            "departements": 0,
            "heures_multi_adresses": 0,
            "adresses_max": 0,
            "apres_fin": verification.par_habilitation.get(habilitation.pk, 0),
        }
        for valeurs in sources.values():
            ligne.update(valeurs.get(habilitation.pk, {}))
        lignes.append(ligne)
    return trier(lignes, tri), verification


def trier(lignes: list[dict], tri: str) -> list[dict]:
    colonne = tri.lstrip("-")
    if colonne not in COLONNES_TRI:
        colonne, tri = "echecs", "-echecs"
    decroissant = tri.startswith("-")

    def cle(ligne):
        valeur = ligne[colonne]
        # Missing values (None) sort last in both directions.
        if valeur is None:
            return (1, 0)
        return (0, -valeur if decroissant and not isinstance(valeur, str) else valeur)

    if colonne in ("identifiant", "convention"):
        return sorted(lignes, key=lambda ligne: ligne[colonne], reverse=decroissant)
    return sorted(lignes, key=cle)
