"""The journal des accès as its Responsables Sécurité read it: one Caisse's events, newest first.

A Caisse sees its own events (`caisse`: its agents' and its staff's) and the consultations of
its dossiers by other Cafs' agents (`caisse_dossier`). Each side is read through its own index
— (caisse, horodatage, id) and (caisse_dossier, horodatage, id) — with a keyset on
(horodatage, id) and a LIMIT, then the two short lists are merged here: no OFFSET, no COUNT,
no OR across two indexes, so a page costs the same at the first and the millionth event.

`rechercher(caisse, criteres, apres=None, limite=50) -> Page` is the one entry point (screens,
export, benchmark). `tentatives_sans_caisse(criteres, apres, limite) -> Page` reads the failed
logins that belong to no Caisse (`caisse` ""), which every Caisse's officers see, the same way.
"""

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

from django.db.models import F, Q
from django.db.models.fields.json import KT
from django.utils import timezone

from conventions.models import Caisse
from habilitations.models import Habilitation
from journal.ecriture import neutraliser
from journal.models import Evenement, Resultat, TypeEvenement

# The kinds of event the screens offer, as the issue names them: (type, resultat or None).
GENRES = {
    "connexion_reussie": ("connexion réussie", TypeEvenement.CONNEXION, Resultat.SUCCES),
    "connexion_echouee": ("connexion échouée", TypeEvenement.CONNEXION, Resultat.ECHEC),
    "verrouillage": ("verrouillage", TypeEvenement.VERROUILLAGE, None),
    "deconnexion": ("déconnexion", TypeEvenement.DECONNEXION, None),
    "expiration": ("expiration de session", TypeEvenement.EXPIRATION, None),
    "recherche": ("recherche d'un dossier", TypeEvenement.RECHERCHE, None),
    "consultation": ("consultation", TypeEvenement.CONSULTATION, None),
    "refus": ("refus d'accès", TypeEvenement.REFUS, None),
    "mot_de_passe": ("changement de mot de passe", TypeEvenement.MOT_DE_PASSE, None),
    "dialogue": ("message à la Caf (Dialogue)", TypeEvenement.DIALOGUE, None),
    "gestion": ("action d'un gestionnaire", TypeEvenement.GESTION, None),
    # Issue 16: the responsables habilitations' requests (their decisions are "gestion").
    "demande": ("demande d'un responsable habilitations", TypeEvenement.DEMANDE, None),
    "controle": ("lecture du journal", TypeEvenement.CONTROLE, None),
    "surveillance": ("mise sous surveillance", TypeEvenement.SURVEILLANCE, None),
    # The letters to allocataires produced by the Caf's officers (controle.droit_acces).
    "droit_acces": ("relevé des consultations pour l'allocataire", TypeEvenement.DROIT_ACCES, None),
}
GENRE_CHOICES = [(cle, libelle) for cle, (libelle, _, _) in GENRES.items()]

# Only these types carry a `caisse_dossier` (dossiers.journal; for Dialogue, the Caf written to).
TYPES_DOSSIER = {TypeEvenement.RECHERCHE, TypeEvenement.CONSULTATION, TypeEvenement.REFUS, TypeEvenement.DIALOGUE}

# The columns a screen or the export shows (details, rang and empreinte stay in the table).
COLONNES = (
    "id",
    "horodatage",
    "type",
    "resultat",
    "motif",
    "identifiant",
    "habilitation_id",
    "acteur",
    "caisse",
    "adresse_ip",
    "numero_allocataire",
    "rubrique",
    "periode",
    "caisse_dossier",
)


def numero_de(caisse: Caisse | str) -> str:
    """A Caisse's numéro ("131"), from the Caisse or the numéro itself."""
    return caisse.numero if isinstance(caisse, Caisse) else str(caisse)


def journal_de_la_caisse(caisse: Caisse | str):
    """The journal a Caisse's Responsables Sécurité may read: the events under its numéro (its
    agents' and its staff's) and the consultations of its dossiers (`caisse_dossier`)."""
    numero = numero_de(caisse)
    return Evenement.objects.filter(Q(caisse=numero) | Q(caisse_dossier=numero))


def libelle(evenement: Evenement) -> str:
    """The kind of an event as the screens name it ("connexion réussie", "consultation"…)."""
    if evenement.type == TypeEvenement.CONNEXION:
        return "connexion réussie" if evenement.resultat == Resultat.SUCCES else "connexion échouée"
    return evenement.get_type_display()


@dataclass
class Criteres:
    """A search's filters; every one optional. Dates are whole days, local time, inclusive."""

    debut: date | None = None
    fin: date | None = None
    identifiant: str = ""
    habilitation_id: int | None = None
    # The agent's surname, as the gestionnaire typed it on the habilitation (case ignored).
    nom: str = ""
    partenaire_id: int | None = None
    convention_id: int | None = None
    profil: str = ""
    numero_allocataire: str = ""
    genre: str = ""
    resultat: str = ""
    adresse_ip: str = ""
    # Internal bound (the export stops at the moment it was asked for).
    jusqua: datetime | None = None
    # Only the consultations of this Caisse's dossiers (the "who consulted" screen).
    dossiers_seulement: bool = False

    @classmethod
    def depuis(cls, donnees: dict) -> "Criteres":
        """From a form's cleaned_data (model choices become their keys)."""
        valeurs = {}
        for nom in cls.__dataclass_fields__:
            if nom in donnees and donnees[nom] not in (None, ""):
                valeurs[nom] = donnees[nom]
        for nom in ("partenaire", "convention"):
            if donnees.get(nom) is not None:
                valeurs[f"{nom}_id"] = donnees[nom].pk
        return cls(**valeurs)


@dataclass
class Page:
    evenements: list[Evenement] = field(default_factory=list)
    # The keyset of the next page, (horodatage, id) of this page's last event, or None.
    suivant: tuple[datetime, int] | None = None


def habilitations_filtrees(caisse: str, criteres: Criteres) -> list[int] | None:
    """Name, partner, convention, profile and habilitation filters, as habilitation ids of the Caisse
    (None when none of them is set). One small query on the référentiel, never on the journal."""
    if not (
        criteres.partenaire_id or criteres.convention_id or criteres.profil or criteres.habilitation_id or criteres.nom
    ):
        return None
    habilitations = Habilitation.objects.filter(convention__caisse__numero=caisse)
    if criteres.habilitation_id:
        habilitations = habilitations.filter(pk=criteres.habilitation_id)
    if criteres.nom.strip():
        habilitations = habilitations.filter(nom__iexact=criteres.nom.strip())
    if criteres.partenaire_id:
        habilitations = habilitations.filter(convention__partenaire_id=criteres.partenaire_id)
    if criteres.convention_id:
        habilitations = habilitations.filter(convention_id=criteres.convention_id)
    if criteres.profil:
        habilitations = habilitations.filter(convention__profil=criteres.profil)
    return list(habilitations.values_list("pk", flat=True))


def _debut_du_jour(jour: date) -> datetime:
    return timezone.make_aware(datetime.combine(jour, time.min))


def _filtres(criteres: Criteres, habilitations: list[int] | None) -> dict:
    filtres = {}
    if criteres.debut:
        filtres["horodatage__gte"] = _debut_du_jour(criteres.debut)
    if criteres.fin:
        filtres["horodatage__lt"] = _debut_du_jour(criteres.fin + timedelta(days=1))
    if criteres.jusqua:
        filtres["horodatage__lte"] = criteres.jusqua
    if criteres.identifiant:
        filtres["identifiant"] = criteres.identifiant.strip()
    if habilitations is not None:
        filtres["habilitation_id__in"] = habilitations
    if criteres.numero_allocataire:
        filtres["numero_allocataire"] = criteres.numero_allocataire.strip()
    if criteres.genre:
        _, type_, resultat = GENRES[criteres.genre]
        filtres["type"] = type_
        if resultat:
            filtres["resultat"] = resultat
    if criteres.resultat:
        if "resultat" in filtres and filtres["resultat"] != criteres.resultat:
            filtres["pk__in"] = []  # contradictory: "connexion réussie" that failed
        filtres["resultat"] = criteres.resultat
    if criteres.adresse_ip:
        filtres["adresse_ip"] = criteres.adresse_ip
    return filtres


# A search reads the journal by slices of whole calendar months (UTC, the bounds of the
# journal's partitions on PostgreSQL), newest first, until the page is full: one month, then
# one, two, four, eight… (a filter that matches rarely reads the whole retention in five
# queries). Within a slice the planner weighs, for the filters at hand, walking the slice's
# (…, horodatage, id) index backwards against reading only the matching rows through the
# filter's own index and sorting them; across the whole journal at once, ORDER BY … LIMIT
# made it walk the Caisse's whole index when a filter matched rarely, or nothing.


def _debut_du_mois(instant: datetime) -> datetime:
    instant = instant.astimezone(UTC)
    return datetime(instant.year, instant.month, 1, tzinfo=UTC)


def _mois_precedent(debut: datetime) -> datetime:
    return _debut_du_mois(debut - timedelta(days=1))


def _plus_ancien() -> datetime | None:
    """The oldest event's instant: the first index entry of the oldest non-empty month."""
    return Evenement.objects.order_by("horodatage").values_list("horodatage", flat=True).first()


def _plus_recents(
    requete,
    apres: tuple[datetime, int] | None,
    limite: int,
    plafond: datetime | None = None,
    plancher: datetime | None = None,
    plus_ancien: Callable[[], datetime | None] = _plus_ancien,
    par_cle: bool = False,
) -> list[Evenement]:
    """The `limite + 1` newest events of `requete` before the keyset `apres` (one more than a
    page tells whether a next page exists), read month by month from the newest.

    `plafond` and `plancher` are the search's own bounds on `horodatage`, if any: the months
    outside them are not read. `horodatage <= t` bounds the index range; the OR only sorts out
    the events of that very instant, so the database walks its index backwards from `apres`.
    `plus_ancien` gives the journal's oldest instant (asked once, if the first month falls short).

    `par_cle`: the search names an identifiant, a dossier or an address, whose few events an
    index keeps in (key, horodatage…) order: one query reads them across every month at once."""
    if apres is not None:
        instant, pk = apres
        requete = requete.filter(Q(horodatage__lte=instant), Q(horodatage__lt=instant) | Q(id__lt=pk))
        plafond = instant if plafond is None else min(plafond, instant)
    requete = requete.order_by("-horodatage", "-id")
    voulus = limite + 1
    if par_cle:
        return list(requete[:voulus])
    # The first slice is open upwards (events dated ahead land in the coming months).
    debut = _debut_du_mois(plafond or timezone.now())
    tranche = requete.filter(horodatage__gte=debut)
    evenements = list(tranche[:voulus])
    ancien = None
    largeur = 1  # months
    while len(evenements) < voulus:
        if ancien is None:
            ancien = plus_ancien()
            if plancher is not None and ancien is not None:
                ancien = max(ancien, plancher)
        if ancien is None or ancien >= debut:
            break
        fin = debut
        for _ in range(largeur):
            debut = _mois_precedent(debut)
        largeur *= 2
        tranche = requete.filter(horodatage__lt=fin, horodatage__gte=debut)
        evenements += tranche[: voulus - len(evenements)]
    return evenements


def _page(evenements: list[Evenement], limite: int) -> Page:
    """The first `limite` events, and the keyset of the next page if there are more."""
    suivant = None
    if len(evenements) > limite:
        evenements = evenements[:limite]
        suivant = (evenements[-1].horodatage, evenements[-1].id)
    return Page(evenements, suivant)


def paginer(requete, apres: tuple[datetime, int] | None, limite: int) -> Page:
    """One page of `requete`, newest first, by keyset on (horodatage, id): no OFFSET, no COUNT,
    a page costs the same at the first and the millionth event. `apres` is the previous page's
    `suivant` (`lire_cle` reads it from the URL, `cle_page` writes it)."""
    return _page(_plus_recents(requete, apres, limite), limite)


def _cote(qs, apres, limite, bornes: tuple[datetime | None, datetime | None], plus_ancien, par_cle) -> list[Evenement]:
    # The holder's name as a management event recorded it (see `titulaire`), not the whole details.
    qs = qs.only(*COLONNES).annotate(titulaire_enregistre=KT("details__titulaire"))
    return _plus_recents(qs, apres, limite, *bornes, plus_ancien=plus_ancien, par_cle=par_cle)


def _bornes(filtres: dict) -> tuple[datetime | None, datetime | None]:
    """The search's period as (plafond, plancher): the months it may read."""
    plafonds = [filtres[cle] for cle in ("horodatage__lt", "horodatage__lte") if cle in filtres]
    return (min(plafonds) if plafonds else None), filtres.get("horodatage__gte")


def rechercher(
    caisse: str, criteres: Criteres | None = None, apres: tuple[datetime, int] | None = None, limite: int = 50
) -> Page:
    """One page of the events a Caisse's Responsables Sécurité see, newest first.

    `caisse` is the Caisse's numéro ("131"); `apres` the previous page's `suivant`. At most two
    indexed queries on the journal (plus one on the habilitations if partner, convention,
    profile or habilitation is filtered), each `ORDER BY horodatage DESC, id DESC LIMIT n+1`."""
    if not caisse:
        return Page()
    criteres = criteres or Criteres()
    habilitations = habilitations_filtrees(caisse, criteres)
    if habilitations == []:
        return Page()
    filtres = _filtres(criteres, habilitations)
    if filtres.get("pk__in") == []:
        return Page()
    journal = Evenement.objects.filter(**filtres)
    bornes = _bornes(filtres)
    plus_ancien = cache(_plus_ancien)  # one question for both sides
    par_cle = bool(criteres.identifiant or criteres.numero_allocataire or criteres.adresse_ip)

    listes = []
    if not criteres.dossiers_seulement:
        listes.append(_cote(journal.filter(caisse=caisse), apres, limite, bornes, plus_ancien, par_cle))
    # A Caisse's habilitations act under its conventions: their events are all on the first side.
    type_filtre = filtres.get("type")
    cote_dossiers = habilitations is None and (type_filtre is None or type_filtre in TYPES_DOSSIER)
    if criteres.dossiers_seulement:
        siens = journal.filter(caisse_dossier=caisse, type__in=list(TYPES_DOSSIER))
        listes.append(_cote(siens, apres, limite, bornes, plus_ancien, par_cle))
    elif cote_dossiers:
        # Written as the partial index's own predicate, so that PostgreSQL reads that index:
        # the consultations of this Caf's dossiers by other Cafs' agents, a small part of all.
        autres = journal.filter(caisse_dossier=caisse).exclude(caisse_dossier=F("caisse"))
        listes.append(_cote(autres, apres, limite, bornes, plus_ancien, par_cle))

    return _page(list(heapq.merge(*listes, key=lambda e: (e.horodatage, e.id), reverse=True)), limite)


# Failed logins written with no Caisse: an identifiant that matches no partner account (the
# portal's "identifiant inconnu"), the per-address throttle's refusals (written before the
# identifiant is looked up), and the staff login's failures (habilitations.second_facteur).
# No Caf owns them, so every Caf's Responsables Sécurité see them.
TENTATIVES_SANS_CAISSE = Q(type=TypeEvenement.CONNEXION, resultat__in=[Resultat.ECHEC, Resultat.REFUS]) | Q(
    type=TypeEvenement.VERROUILLAGE
)


def tentatives_sans_caisse(
    criteres: Criteres | None = None, apres: tuple[datetime, int] | None = None, limite: int = 50
) -> Page:
    """One page of the failed logins that belong to no Caisse, newest first.

    Only the period and the client address of `criteres` apply. One query on the
    (caisse, horodatage, id) index, `caisse = ''`, keyset and LIMIT as `rechercher`."""
    criteres = criteres or Criteres()
    filtres = _filtres(
        Criteres(debut=criteres.debut, fin=criteres.fin, adresse_ip=criteres.adresse_ip, jusqua=criteres.jusqua),
        None,
    )
    journal = Evenement.objects.filter(TENTATIVES_SANS_CAISSE, caisse="", **filtres)
    return _page(_cote(journal, apres, limite, _bornes(filtres), _plus_ancien, False), limite)


def titulaire(evenement: Evenement, habilitation: Habilitation | None) -> str:
    """The holder of the event's habilitation as the screens and the export name him: the name
    the event recorded (`details["titulaire"]`, "NOM Prénom" when a gestionnaire acted on the
    habilitation), else the habilitation's current name ("" if neither)."""
    enregistre = getattr(evenement, "titulaire_enregistre", None)
    if enregistre is None and "details" not in evenement.get_deferred_fields():
        enregistre = (evenement.details or {}).get("titulaire") if isinstance(evenement.details, dict) else None
    if enregistre and (nom := neutraliser(enregistre, 150).strip()):
        return nom
    return f"{habilitation.nom} {habilitation.prenom}" if habilitation else ""


def lots(caisse: str, criteres: Criteres | None = None, lot: int = 1000):
    """Every event of a search, newest first, as keyset batches of `lot` (the export): memory
    stays that of one batch, whatever the number of events."""
    apres = None
    while True:
        page = rechercher(caisse, criteres, apres=apres, limite=lot)
        if page.evenements:
            yield page.evenements
        if page.suivant is None:
            return
        apres = page.suivant


def cle_page(apres: tuple[datetime, int] | None) -> str:
    """The keyset as a URL parameter."""
    if apres is None:
        return ""
    return f"{apres[0].astimezone(UTC).isoformat()}_{apres[1]}"


def lire_cle(texte: str) -> tuple[datetime, int] | None:
    """The keyset from a URL parameter; anything malformed means the first page."""
    try:
        horodatage, identifiant = (texte or "").rsplit("_", 1)
        moment = datetime.fromisoformat(horodatage.replace(" ", "+"))
        if timezone.is_naive(moment):
            return None
        return moment, int(identifiant)
    except ValueError:
        return None


def habilitations_de(ids) -> dict[int, Habilitation]:
    """The habilitations of a page's events, with partner and convention (one query)."""
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return {h.pk: h for h in Habilitation.objects.filter(pk__in=ids).select_related("user", "convention__partenaire")}
