"""The letter that tells an allocataire which organisations consulted his dossier (issue 16): his
right of access (RGPD, article 15: the data concerning him and "les destinataires … auxquels
les données à caractère personnel ont été … communiquées"), answered by his Caf's Responsable
Sécurité for one numéro d'allocataire and a period.

What the letter lists, decided here (the issue left it open):
- a partner agent's consultation of a rubrique (`consultation`, réussite): data of the dossier
  was shown to that organisation;
- a partner agent's lookup that found the dossier (`recherche`, réussite): the redirect to the
  dossier told the organisation that it exists, even when no rubrique followed;
- a refusal for the allocataire's opposition au partage des données: nothing of the dossier was
  shown, but the agent was told of the opposition, a fact about the allocataire; listed as such.

What it leaves out:
- the other refusals (a numéro outside the convention's scope, a landlord's non-tenant, an
  unknown numéro): the agent was answered as for a numéro that matches no dossier, nothing of
  the allocataire was disclosed;
- the Caf's own staff and Responsables Sécurité: they are the Caf itself, the controller, not
  recipients; their reads of the journal (`controle`) and the letters of this kind
  (`droit_acces`) carry the numéro in their details or under their own type, never as a
  consultation of the dossier.

The agents are never named: the letter gives the organisation (the partner, its convention and
the Caf that signed it), which answers for the agents it designated; an agent's name or
identifiant is another person's personal data (RGPD, article 15, 4.), and the letter reads
neither (the habilitation gives only its convention).

Scope: the dossiers of the officer's Caf, `caisse_dossier`, whichever Caf's convention the
agent acted under: a multi-Caf or national convention signed with another Caf is listed too.

Reading: one query on the journal, `numero_allocataire = … AND horodatage` within the period
(journal_evt_numero_horo_idx, (numero_allocataire, horodatage, id)), `caisse_dossier` and the
types filtered on that numéro's few rows (a numéro belongs to one dossier per Caf at most);
then one query on the habilitations for their conventions and partners.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from conventions.courriers import (
    date_longue,
    entete_caf,
    formule_politesse,
    lieu_date,
    titre_court,
)
from conventions.models import Caisse
from dossiers.faits import Destinataire
from habilitations.models import Habilitation
from journal.ecriture import enregistrer
from journal.models import Evenement, Resultat, TypeEvenement
from profils.rubriques import RUBRIQUES

# The refusal the letter lists (dossiers.consultation.verifier writes this motif).
MOTIF_OPPOSITION = "opposition de l'allocataire au partage des données"

# One consultation is one opening of the dossier by one agent: a lookup that found it, then the
# rubriques read. Without a lookup (the period starts in the middle of one, or an event written
# before lookups were journaled), a pause longer than the portal's idle timeout starts another:
# the agent's session had ended.
PAUSE = timedelta(seconds=settings.CAFPRO_IDLE_TIMEOUT)

# The longest period a letter covers: one year, a leap year's too. The journal is kept no longer
# (CNIL délibération 2021-122: six months to one year; CAFPRO_JOURNAL_RETENTION_JOURS, 365 by
# default), so a longer period would promise what the letter cannot hold; it also bounds the read.
PERIODE_MAXIMALE = 366  # days

TITRE = "Relevé des consultations de votre dossier"


@dataclass
class Consultation:
    """One opening of the dossier by an agent of an organisation (the agent is not kept)."""

    debut: datetime
    rubriques: list[str] = field(default_factory=list)  # codes, in the order first read
    refus_opposition: bool = False

    def __post_init__(self):
        self.fin = self.debut  # the instant of its last event

    def texte(self) -> str:
        """« le 12 mars 2026 à 9 h 05 : Paiements, Droits » (heure de Paris)."""
        instant = timezone.localtime(self.debut)
        quand = f"le {date_longue(instant.date())} à {instant.hour} h {instant:%M}"
        if self.refus_opposition:
            return (
                f"{quand} : consultation refusée en application de votre opposition au partage des données "
                "(aucune rubrique de votre dossier n'a été affichée)"
            )
        if not self.rubriques:
            return f"{quand} : recherche de votre dossier par son numéro, sans consultation de rubrique"
        return f"{quand} : {', '.join(libelle_rubrique(code) for code in self.rubriques)}"


@dataclass
class Organisme:
    """A partner and the convention its agents acted under."""

    partenaire: str
    convention: str
    consultations: list[Consultation] = field(default_factory=list)


@dataclass
class Releve:
    caisse: Caisse
    numero: str
    du: date
    au: date
    destinataire: Destinataire
    organismes: list[Organisme]
    edite_le: date
    # The oldest day the journal still holds, when the period starts before it.
    conserve_depuis: date | None = None


def libelle_rubrique(code: str) -> str:
    rubrique = RUBRIQUES.get(code)
    return rubrique.libelle if rubrique else code


def bornes(du: date, au: date) -> tuple[datetime, datetime]:
    """The period's whole days, local time: [du 00:00, au + 1 day 00:00)."""
    debut = timezone.make_aware(datetime.combine(du, time.min))
    return debut, timezone.make_aware(datetime.combine(au + timedelta(days=1), time.min))


def requete(caisse: str, numero: str, du: date, au: date):
    """The events the letter lists, oldest first (see the module's docstring), as a queryset."""
    debut, fin = bornes(du, au)
    listes = Q(type__in=[TypeEvenement.CONSULTATION, TypeEvenement.RECHERCHE], resultat=Resultat.SUCCES) | Q(
        type=TypeEvenement.REFUS, resultat=Resultat.REFUS, motif=MOTIF_OPPOSITION
    )
    return (
        Evenement.objects.filter(
            listes,
            numero_allocataire=numero,
            horodatage__gte=debut,
            horodatage__lt=fin,
            caisse_dossier=caisse,
            # A partner agent's: the Caf's staff never act under a habilitation.
            habilitation_id__isnull=False,
        )
        .order_by("horodatage", "id")
        .only("horodatage", "type", "resultat", "motif", "habilitation_id", "rubrique")
    )


def evenements(caisse: str, numero: str, du: date, au: date) -> list[Evenement]:
    return list(requete(caisse, numero, du, au))


def _organismes_des(habilitations: set[int]) -> dict[int, tuple[str, str]]:
    """Each habilitation's organisation as (partner, convention), never its holder."""
    resultat = {}
    for habilitation in (
        Habilitation.objects.filter(pk__in=habilitations)
        .select_related("convention__partenaire", "convention__caisse")
        .only(
            "convention__numero",
            "convention__partenaire__raison_sociale",
            "convention__caisse__nom",
            "convention__caisse__numero",
        )
    ):
        convention = habilitation.convention
        resultat[habilitation.pk] = (
            convention.partenaire.raison_sociale,
            f"Convention n° {convention.numero} signée avec la {convention.caisse.nom}",
        )
    return resultat


def regrouper(liste: list[Evenement]) -> list[Organisme]:
    """The events as consultations (one per opening of the dossier by one agent), grouped by
    organisation; organisations in the order of their first consultation, each one's
    consultations in time order."""
    organismes_des_habilitations = _organismes_des({e.habilitation_id for e in liste if e.habilitation_id})
    organismes: dict[tuple[str, str], Organisme] = {}
    en_cours: dict[int, Consultation] = {}  # per habilitation
    for e in liste:
        cle = organismes_des_habilitations.get(e.habilitation_id) or (
            "Organisme partenaire dont l'accès a été supprimé",
            "Convention non retrouvée",
        )
        organisme = organismes.setdefault(cle, Organisme(*cle))
        courante = en_cours.get(e.habilitation_id)
        if e.type == TypeEvenement.REFUS:
            organisme.consultations.append(Consultation(e.horodatage, refus_opposition=True))
            en_cours.pop(e.habilitation_id, None)
            continue
        if courante is None or e.type == TypeEvenement.RECHERCHE or e.horodatage - courante.fin > PAUSE:
            courante = Consultation(e.horodatage)
            organisme.consultations.append(courante)
            en_cours[e.habilitation_id] = courante
        courante.fin = e.horodatage
        if e.type == TypeEvenement.CONSULTATION and e.rubrique and e.rubrique not in courante.rubriques:
            courante.rubriques.append(e.rubrique)
    return list(organismes.values())


def releve(caisse: Caisse, numero: str, du: date, au: date, destinataire: Destinataire) -> Releve:
    """The letter's content for a dossier of `caisse`. Reads the journal: to be called only once
    its production is journaled."""
    aujourd_hui = timezone.localdate()
    horizon = aujourd_hui - timedelta(days=settings.CAFPRO_JOURNAL_RETENTION_JOURS)
    return Releve(
        caisse=caisse,
        numero=numero,
        du=du,
        au=au,
        destinataire=destinataire,
        organismes=regrouper(evenements(caisse.numero, numero, du, au)),
        edite_le=aujourd_hui,
        conserve_depuis=horizon if du < horizon else None,
    )


# --- The letter, in the blocks of documents.blocs --------------------------------------------


def salutation(destinataire: Destinataire) -> str:
    return f"{destinataire.civilite}," if destinataire.civilite else "Madame, Monsieur,"


def adresse(destinataire: Destinataire, numero: str) -> list[str]:
    nom = " ".join(x for x in (destinataire.civilite, destinataire.prenom, destinataire.nom.upper()) if x)
    return [nom or f"Allocataire n° {numero}", *destinataire.adresse]


def titre(releve: Releve) -> str:
    return titre_court(f"{TITRE} n° {releve.numero}")


def periode(releve: Releve) -> str:
    return f"du {date_longue(releve.du)} au {date_longue(releve.au)}"


def blocs(releve: Releve) -> list[dict]:
    """The letter: to the allocataire, from his Caf, dated, stating his right of access and listing
    the consultations by organisation, or saying that there were none."""
    caisse, numero = releve.caisse, releve.numero
    politesse = salutation(releve.destinataire)
    contenu: list[dict] = [
        entete_caf(caisse, adresse(releve.destinataire, numero)),
        lieu_date(caisse, releve.edite_le),
        {
            "type": "objet",
            "texte": f"Consultations de votre dossier d'allocataire n° {numero} (article 15 du RGPD)",
        },
        {"type": "paragraphe", "texte": politesse},
        {
            "type": "paragraphe",
            "texte": (
                "Vous avez demandé à connaître les organismes qui ont consulté votre dossier. "
                "L'article 15 du règlement général sur la protection des données (RGPD) vous donne le droit "
                "d'accéder aux données qui vous concernent et de connaître les destinataires auxquels elles "
                "ont été communiquées."
            ),
        },
        {
            "type": "paragraphe",
            "texte": (
                "Des organismes partenaires des Caf (mairies, centres communaux d'action sociale, conseils "
                "départementaux, bailleurs, juridictions…) consultent les dossiers des allocataires par le "
                "service Cafpro, dans les limites de la convention qu'ils ont signée avec une Caf. "
                "Chaque consultation est enregistrée dans le journal des accès de la Caf."
            ),
        },
    ]
    if releve.organismes:
        contenu.append(
            {
                "type": "paragraphe",
                "texte": (
                    f"Votre dossier a été consulté {periode(releve)} par les organismes suivants. "
                    "Pour chacun, vous trouverez la date et l'heure (heure de Paris) de chaque consultation "
                    "et les rubriques de votre dossier qui lui ont été affichées."
                ),
            }
        )
        for organisme in releve.organismes:
            contenu += [
                {"type": "sous_titre", "texte": organisme.partenaire},
                {"type": "paragraphe", "texte": organisme.convention},
                {"type": "liste", "elements": [c.texte() for c in organisme.consultations]},
            ]
    else:
        contenu.append(
            {
                "type": "paragraphe",
                "gras": True,
                "texte": f"Aucun organisme n'a consulté votre dossier {periode(releve)}.",
            }
        )
    if releve.conserve_depuis is not None:
        contenu.append(
            {
                "type": "paragraphe",
                "texte": (
                    f"Le journal des accès est conservé {settings.CAFPRO_JOURNAL_RETENTION_JOURS} jours "
                    "(délibération de la CNIL n° 2021-122) : les consultations antérieures au "
                    f"{date_longue(releve.conserve_depuis)} ne peuvent figurer dans ce relevé."
                ),
            }
        )
    contenu += [
        {
            "type": "paragraphe",
            "texte": (
                "Ce relevé indique les organismes, qui répondent des agents qu'ils ont désignés ; "
                "il ne nomme pas ces agents."
            ),
        },
        {
            "type": "paragraphe",
            "texte": (
                "Si une consultation vous paraît injustifiée, vous pouvez écrire à votre Caf, à l'adresse "
                "ci-dessus, à l'attention de son délégué à la protection des données. Vous pouvez aussi "
                "adresser une réclamation à la Commission nationale de l'informatique et des libertés "
                "(CNIL, www.cnil.fr)."
            ),
        },
        {"type": "paragraphe", "texte": formule_politesse(politesse)},
        {"type": "paragraphe", "texte": f"Pour la {caisse.nom},\nle Responsable Sécurité"},
    ]
    return contenu


def pied(releve: Releve) -> str:
    """The PDF's footer on every page (documents.rendu prints 130 characters of it)."""
    return f"Cafpro — {titre(releve)} — édité le {releve.edite_le:%d/%m/%Y}"


# --- Journal ---------------------------------------------------------------------------------


def journaliser(request, caisse: Caisse, numero: str, du: date, au: date, forme: str) -> Evenement:
    """The letter's production, journaled before the journal is read for it (journal before data):
    who produced it, for which numéro and period, in which form ("aperçu" or "PDF"). Raises if the
    event cannot be written (journal.ecriture fails closed): then no letter."""
    user = request.user
    return enregistrer(
        TypeEvenement.DROIT_ACCES,
        Resultat.SUCCES,
        request=request,
        motif=f"lettre à l'allocataire ({forme})",
        identifiant=user.username,
        acteur=user.username,
        caisse=caisse.numero,
        numero_allocataire=numero,
        details={"du": du.isoformat(), "au": au.isoformat(), "forme": forme},
    )


def journaliser_refus(request, caisse: Caisse, numero: str) -> Evenement:
    """A numéro that names no dossier of the officer's Caf: refused, and the refusal journaled."""
    user = request.user
    return enregistrer(
        TypeEvenement.REFUS,
        Resultat.REFUS,
        request=request,
        motif=f"lettre à l'allocataire : aucun dossier n° {numero} à la Caf {caisse.numero}",
        identifiant=user.username,
        acteur=user.username,
        caisse=caisse.numero,
        numero_allocataire=numero,
    )
