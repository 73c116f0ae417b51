"""The demo world's rules of coherence: what a Caf agent would not believe if it were broken.

Each rule is a plain function over the whole database (`Monde`, loaded once) that yields one
French message per violation, naming the Caf and the dossier. `violations` runs them all;
`tests/demo/test_invariants.py` runs each over the full world that `manage.py demo` builds.
"""

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from conventions.routage import caisse_pour_code_postal
from dossiers.models import (
    Civilite,
    Creance,
    Dossier,
    Droit,
    EtatPaiement,
    Logement,
    MinimumSocial,
    Paiement,
    Personne,
    Ressource,
    RoleDansLeFoyer,
    Situation,
    SituationFamiliale,
)
from profils.prestations import Prestation

from .referentiels import ACTIVITES_ACCORDEES

FIN_RMI_API = date(2009, 5, 31)  # the RSA replaced them on 1 June 2009
ECART_MINIMUM_FRATRIE = timedelta(days=300)  # two births of one mother, ten months apart at least
# The prestations an indu is about, by the créance's nature.
PRESTATIONS_DES_INDUS = {
    "Indu d'allocations familiales": {Prestation.AF},
    "Indu d'aide au logement": {Prestation.ALF, Prestation.ALS, Prestation.APL},
    "Indu de revenu de solidarité active": {Prestation.RSA},
    "Indu de prestations familiales": {Prestation.AF, Prestation.CF, Prestation.PAJE, Prestation.ASF},
    "Indu de prime d'activité": {Prestation.PPA},
    "Indu d'allocation aux adultes handicapés": {Prestation.AAH},
}


def premier_du_mois(jour: date) -> date:
    return jour.replace(day=1)


def mois_precedent(mois: date) -> date:
    return (mois - timedelta(days=1)).replace(day=1)


def age(naissance: date, le: date) -> int:
    return le.year - naissance.year - ((le.month, le.day) < (naissance.month, naissance.day))


@dataclass
class Monde:
    """The dossiers and the rows the rules read, grouped by dossier (tuples with named fields)."""

    dossiers: dict = field(default_factory=dict)
    personnes: dict = field(default_factory=lambda: defaultdict(list))
    droits: dict = field(default_factory=lambda: defaultdict(list))
    paiements: dict = field(default_factory=lambda: defaultdict(list))
    logements: dict = field(default_factory=lambda: defaultdict(list))
    ressources: dict = field(default_factory=lambda: defaultdict(list))
    creances: dict = field(default_factory=lambda: defaultdict(list))
    minima: dict = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def charger(cls, dossiers: QuerySet | None = None) -> "Monde":
        tous = dossiers is None
        dossiers = Dossier.objects.all() if tous else dossiers
        monde = cls()
        for d in dossiers.values_list(
            "pk",
            "caisse__numero",
            "caisse__est_maritime",
            "numero_allocataire",
            "situation",
            "situation_depuis",
            "suspendu_depuis",
            "situation_familiale",
            "situation_familiale_depuis",
            "code_postal",
            named=True,
        ):
            monde.dossiers[d.pk] = d
        tables = (
            (monde.personnes, Personne, ("role", "civilite", "prenom", "date_naissance", "nir", "activite"),
             ("activite_depuis", "date_deces", "avis_cdaph_debut", "avis_cdaph_fin")),
            (monde.droits, Droit, ("mois", "prestation", "montant", "suspendu"), ()),
            (monde.paiements, Paiement,
             ("date_paiement", "etat", "prestation", "nature", "periode", "montant", "montant_recupere"), ()),
            (monde.logements, Logement, ("date_debut", "date_fin", "date_ouverture_droit", "aide", "tiers_payant"),
             ("bailleur",)),
            (monde.ressources, Ressource, ("annee", "trimestre", "type_personne", "nature", "montant", "prestation"),
             ()),
            (monde.creances, Creance, ("code_nature", "nature", "montant_initial", "remboursement", "solde", "etat"),
             ("periode_debut", "periode_fin")),
            (monde.minima, MinimumSocial, ("prestation", "demandeur", "date_demande", "date_debut", "date_fin"), ()),
        )  # fmt: skip
        for groupes, model, colonnes, autres in tables:
            lignes = model.objects.all() if tous else model.objects.filter(dossier__in=dossiers)
            for ligne in lignes.values_list("dossier_id", *colonnes, *autres, named=True).iterator(chunk_size=20000):
                groupes[ligne.dossier_id].append(ligne)
        return monde

    def nom(self, dossier_id: int) -> str:
        d = self.dossiers[dossier_id]
        return f"Caf {d.caisse__numero}, dossier {d.numero_allocataire}"


Regle = Callable[[Monde, date], Iterator[str]]


def ressources_nulles_seules(monde: Monde, jour: date) -> Iterator[str]:
    """« Ressources nulles » est la seule ressource d'une personne pour sa période, et vaut 0,00 €."""
    for dossier_id, lignes in monde.ressources.items():
        natures = defaultdict(list)
        for r in lignes:
            natures[(r.annee, r.trimestre, r.prestation, r.type_personne)].append(r)
        for (annee, trimestre, _, personne), rs in natures.items():
            nulles = [r for r in rs if r.nature == "Ressources nulles"]
            if nulles and (len(rs) > 1 or nulles[0].montant):
                periode = f"{trimestre}e trimestre {annee}" if trimestre else str(annee)
                yield f"{monde.nom(dossier_id)} : « Ressources nulles » de {personne} en {periode} avec d'autres."


def droits_apres_l_affiliation(monde: Monde, jour: date) -> Iterator[str]:
    """Aucun droit (mois de droit, minimum social, aide au logement) avant l'affiliation du dossier."""
    for dossier_id, d in monde.dossiers.items():
        if d.situation != Situation.AFFILIE:
            continue
        debut = premier_du_mois(d.situation_depuis)
        dates = [x.mois for x in monde.droits[dossier_id]]
        dates += [m.date_debut for m in monde.minima[dossier_id]]
        dates += [lg.date_ouverture_droit for lg in monde.logements[dossier_id] if lg.date_ouverture_droit]
        if dates and min(dates) < debut:
            premier = min(dates)
            yield f"{monde.nom(dossier_id)} : un droit du {premier:%d/%m/%Y}, affilié le {d.situation_depuis:%d/%m/%Y}."


def minima_sociaux_dates(monde: Monde, jour: date) -> Iterator[str]:
    """RMI et API finis au 31 mai 2009, RSA depuis le 1er juin 2009 ; demande, début et fin dans l'ordre ;
    le demandeur est un adulte du foyer, majeur à la demande."""
    for dossier_id, minima in monde.minima.items():
        adultes = {
            p.civilite: p
            for p in monde.personnes[dossier_id]
            if p.role in (RoleDansLeFoyer.RESPONSABLE, RoleDansLeFoyer.CONJOINT)
        }
        for m in minima:
            nom = f"{monde.nom(dossier_id)} : {m.prestation} du {m.date_debut:%d/%m/%Y}"
            if not m.date_demande <= m.date_debut or (m.date_fin and m.date_fin < m.date_debut):
                yield f"{nom} : demande, début et fin dans le désordre."
            if m.prestation in (Prestation.RMI, Prestation.API) and not (m.date_fin and m.date_fin <= FIN_RMI_API):
                yield f"{nom} : un droit au RMI ou à l'API après le 31 mai 2009."
            if m.prestation == Prestation.RSA and m.date_debut <= FIN_RMI_API:
                yield f"{nom} : un droit au RSA avant le 1er juin 2009."
            demandeur = adultes.get(m.demandeur)
            if demandeur is None or age(demandeur.date_naissance, m.date_demande) < 18:
                yield f"{nom} : le demandeur n'est pas un adulte du foyer majeur à la demande."


def complements_de_l_aah(monde: Monde, jour: date) -> Iterator[str]:
    """Le complément de ressources et la majoration pour la vie autonome s'excluent, et ne vont
    qu'avec l'AAH du même mois ; l'AAH n'est due que pendant un avis CDAPH d'un adulte du foyer."""
    for dossier_id, droits in monde.droits.items():
        par_mois = defaultdict(set)
        for x in droits:
            par_mois[x.mois].add(x.prestation)
        avis = [(p.avis_cdaph_debut, p.avis_cdaph_fin) for p in monde.personnes[dossier_id] if p.avis_cdaph_debut]
        for mois, prestations in sorted(par_mois.items()):
            if {Prestation.CR_AAH, Prestation.MVA} <= prestations:
                yield f"{monde.nom(dossier_id)} : complément de ressources et MVA en {mois:%m/%Y}."
            if prestations & {Prestation.CR_AAH, Prestation.MVA} and Prestation.AAH not in prestations:
                yield f"{monde.nom(dossier_id)} : un complément de l'AAH sans AAH en {mois:%m/%Y}."
            if Prestation.AAH in prestations and not any(debut <= mois <= fin for debut, fin in avis):
                yield f"{monde.nom(dossier_id)} : AAH en {mois:%m/%Y} sans avis CDAPH en cours."


def enfants_d_une_fratrie(monde: Monde, jour: date) -> Iterator[str]:
    """Deux enfants d'un foyer naissent à dix mois d'écart au moins, et n'ont pas le même prénom ;
    personne dans un foyer ne porte le prénom d'un autre."""
    for dossier_id, personnes in monde.personnes.items():
        naissances = sorted(p.date_naissance for p in personnes if p.role == RoleDansLeFoyer.ENFANT)
        for aine, cadet in zip(naissances, naissances[1:], strict=False):
            if cadet - aine < ECART_MINIMUM_FRATRIE:
                yield f"{monde.nom(dossier_id)} : deux enfants nés le {aine:%d/%m/%Y} et le {cadet:%d/%m/%Y}."
        prenoms = [p.prenom for p in personnes]
        if len(set(prenoms)) < len(prenoms):
            yield f"{monde.nom(dossier_id)} : deux personnes ont le même prénom ({', '.join(sorted(prenoms))})."


def parents_majeurs_a_la_naissance(monde: Monde, jour: date) -> Iterator[str]:
    """Le responsable et le conjoint avaient 18 ans à la naissance de chaque enfant du foyer."""
    for dossier_id, personnes in monde.personnes.items():
        adultes = [p for p in personnes if p.role in (RoleDansLeFoyer.RESPONSABLE, RoleDansLeFoyer.CONJOINT)]
        for enfant in (p for p in personnes if p.role == RoleDansLeFoyer.ENFANT):
            for adulte in adultes:
                if age(adulte.date_naissance, enfant.date_naissance) < 18:
                    qui = f"{adulte.prenom} avait moins de 18 ans à la naissance de {enfant.prenom}"
                    yield f"{monde.nom(dossier_id)} : {qui}."


def sexe(personne) -> str:
    """ "F" or "M": the civilité of an adult, the NIR's first digit of a child."""
    if personne.civilite:
        return "F" if personne.civilite == Civilite.MADAME else "M"
    return "F" if personne.nir[:1] == "2" else "M"


def activite_accordee(monde: Monde, jour: date) -> Iterator[str]:
    """L'activité s'accorde avec le sexe de la personne (« Scolarisée » pour une fille, « Demandeuse
    d'emploi » pour une femme) ; le NIR commence par le sexe et l'année et le mois de naissance."""
    for dossier_id, personnes in monde.personnes.items():
        for p in personnes:
            s = sexe(p)
            feminins = {f for _, f in ACTIVITES_ACCORDEES}
            masculins = {m for m, _ in ACTIVITES_ACCORDEES}
            if (s == "F" and p.activite in masculins) or (s == "M" and p.activite in feminins):
                yield f"{monde.nom(dossier_id)} : {p.prenom} « {p.activite} »."
            attendu = f"{'2' if s == 'F' else '1'}{p.date_naissance:%y%m}"
            if not p.nir.startswith(attendu):
                yield f"{monde.nom(dossier_id)} : le NIR de {p.prenom} ne commence pas par {attendu}."


def deces_et_veuvage(monde: Monde, jour: date) -> Iterator[str]:
    """Un dossier « veuf » a un adulte décédé, mort le jour où la situation de famille commence ;
    seul un tel dossier a un décès ; les enfants naissent au plus 300 jours après le décès ;
    une pension de réversion n'est reçue que par un veuf ou une veuve."""
    for dossier_id, d in monde.dossiers.items():
        personnes = monde.personnes[dossier_id]
        decedes = [p for p in personnes if p.date_deces]
        veuf = d.situation_familiale == SituationFamiliale.VEUF
        if veuf != bool(decedes) or len(decedes) > 1:
            yield f"{monde.nom(dossier_id)} : {len(decedes)} décès pour une situation « {d.situation_familiale} »."
            continue
        reversion = any("réversion" in r.nature for r in monde.ressources[dossier_id])
        if reversion and not veuf:
            yield f"{monde.nom(dossier_id)} : une pension de réversion sans veuvage."
        if not decedes:
            continue
        deces = decedes[0].date_deces
        if decedes[0].role != RoleDansLeFoyer.CONJOINT or deces != d.situation_familiale_depuis or deces > jour:
            yield f"{monde.nom(dossier_id)} : le décès du {deces:%d/%m/%Y} ne fonde pas le veuvage."
        if decedes[0].activite_depuis and decedes[0].activite_depuis > deces:
            yield f"{monde.nom(dossier_id)} : une activité après le décès."
        if any(p.date_naissance > deces + timedelta(days=300) for p in personnes if p.role == RoleDansLeFoyer.ENFANT):
            yield f"{monde.nom(dossier_id)} : un enfant né plus de 300 jours après le décès."


def paiements_des_droits(monde: Monde, jour: date) -> Iterator[str]:
    """Un paiement mensuel paie un droit non suspendu du même mois, de même montant, le mois suivant ;
    il est émis une fois sa date venue, traité avant ; un rappel porte sur un mois de droit et ne
    dépasse pas le droit de ce mois (le taux de ce mois-là, pas celui d'une année suivante)."""
    for dossier_id, paiements in monde.paiements.items():
        droits = {(x.prestation, x.mois): x for x in monde.droits[dossier_id]}
        for p in paiements:
            nom = f"{monde.nom(dossier_id)} : {p.prestation} de {p.periode:%m/%Y} payé le {p.date_paiement:%d/%m/%Y}"
            if (p.etat == EtatPaiement.EMIS) != (p.date_paiement <= jour):
                yield f"{nom} : état « {p.etat} »."
            if p.date_paiement <= p.periode:
                yield f"{nom} : payé avant le mois qu'il paie."
            droit = droits.get((p.prestation, p.periode))
            if droit is None or droit.suspendu:
                yield f"{nom} : sans droit ce mois-là."
            elif p.nature == "mensuel" and p.montant != droit.montant:
                yield f"{nom} : {p.montant} € pour un droit de {droit.montant} €."
            elif p.nature == "rappel" and p.montant > droit.montant:
                yield f"{nom} : un rappel de {p.montant} € pour un droit de {droit.montant} €."


def historique_avant_la_fenetre(monde: Monde, jour: date) -> Iterator[str]:
    """L'historique commence avant la fenêtre de 24 mois : un dossier affilié avant elle a des droits
    le mois qui la précède, payés au premier mois de la fenêtre (jamais « Aucun paiement »)."""
    courant = premier_du_mois(jour)
    premier = date(courant.year - 2 + (courant.month == 12), courant.month % 12 + 1, 1)
    veille = mois_precedent(premier)
    for dossier_id, d in monde.dossiers.items():
        if d.situation != Situation.AFFILIE or d.situation_depuis >= veille:
            continue
        if not any(x.mois == veille and not x.suspendu for x in monde.droits[dossier_id]):
            yield f"{monde.nom(dossier_id)} : affilié le {d.situation_depuis:%d/%m/%Y}, sans droit en {veille:%m/%Y}."
        elif not any(premier_du_mois(p.date_paiement) == premier for p in monde.paiements[dossier_id]):
            yield f"{monde.nom(dossier_id)} : aucun paiement en {premier:%m/%Y}, premier mois de la fenêtre."


def indus_et_recouvrements(monde: Monde, jour: date) -> Iterator[str]:
    """Une créance a son code nature, est dans le passé, son solde entre zéro et son montant (zéro si
    et seulement si elle est soldée) ; un indu ne dépasse pas les droits de sa prestation sur sa période ; les
    retenues des paiements émis sont ce que les créances « Retenue sur prestations » ont recouvré."""
    for dossier_id, creances in monde.creances.items():
        nom = monde.nom(dossier_id)
        recouvre = Decimal(0)
        for c in creances:
            if not c.code_nature:
                yield f"{nom} : « {c.nature} » sans code nature."
            if not Decimal(0) <= c.solde <= c.montant_initial or (c.solde == 0) != (c.etat == "Soldée"):
                yield f"{nom} : « {c.nature} » de {c.montant_initial} € au solde de {c.solde} € ({c.etat})."
            if not c.periode_debut <= c.periode_fin <= jour:
                yield f"{nom} : « {c.nature} » pour une période à venir ou à l'envers."
            prestations = PRESTATIONS_DES_INDUS.get(c.nature)
            if prestations is not None:
                droits = sum(
                    (
                        x.montant
                        for x in monde.droits[dossier_id]
                        if x.prestation in prestations and c.periode_debut <= x.mois <= c.periode_fin
                    ),
                    Decimal(0),
                )
                if c.montant_initial > droits:
                    yield f"{nom} : « {c.nature} » de {c.montant_initial} € pour {droits} € de droits sur sa période."
            if c.remboursement.startswith("Retenue sur prestations"):
                recouvre += c.montant_initial - c.solde
        retenu = sum((p.montant_recupere for p in monde.paiements[dossier_id] if p.date_paiement <= jour), Decimal(0))
        if retenu != recouvre:
            yield f"{nom} : {retenu} € retenus sur les paiements pour {recouvre} € recouvrés."
    for dossier_id, paiements in monde.paiements.items():
        if dossier_id not in monde.creances and any(p.montant_recupere for p in paiements):
            yield f"{monde.nom(dossier_id)} : une retenue sans créance."


def logements_successifs(monde: Monde, jour: date) -> Iterator[str]:
    """Les logements se suivent sans se chevaucher ; un seul logement en cours pour un dossier affilié,
    aucun pour un dossier radié ; le tiers payant va à un bailleur, avec une aide au logement."""
    for dossier_id, d in monde.dossiers.items():
        logements = sorted(monde.logements[dossier_id], key=lambda lg: lg.date_debut)
        nom = monde.nom(dossier_id)
        en_cours = [lg for lg in logements if lg.date_fin is None]
        if len(en_cours) != (1 if d.situation == Situation.AFFILIE else 0):
            yield f"{nom} : {len(en_cours)} logement(s) en cours pour un dossier « {d.situation} »."
        for avant, apres in zip(logements, logements[1:], strict=False):
            if avant.date_fin is None or avant.date_fin >= apres.date_debut:
                yield f"{nom} : deux logements se chevauchent au {apres.date_debut:%d/%m/%Y}."
        for lg in logements:
            if lg.date_fin and lg.date_fin < lg.date_debut:
                yield f"{nom} : un logement quitté avant d'y entrer."
            if lg.tiers_payant and not (lg.aide and lg.bailleur):
                yield f"{nom} : un tiers payant sans aide ou sans bailleur."


def radiation_et_suspension(monde: Monde, jour: date) -> Iterator[str]:
    """Un dossier radié n'a plus de droit à partir du mois de sa radiation ; un dossier suspendu a ses
    droits suspendus à partir de la suspension, et seulement alors ; aucun droit au-delà de ce mois."""
    courant = premier_du_mois(jour)
    for dossier_id, d in monde.dossiers.items():
        nom = monde.nom(dossier_id)
        for x in monde.droits[dossier_id]:
            if x.mois > courant:
                yield f"{nom} : un droit en {x.mois:%m/%Y}, mois à venir."
            if d.situation == Situation.RADIE and x.mois >= premier_du_mois(d.situation_depuis):
                yield f"{nom} : un droit en {x.mois:%m/%Y}, après la radiation."
            if x.suspendu != bool(d.suspendu_depuis and x.mois >= d.suspendu_depuis):
                yield f"{nom} : un droit de {x.mois:%m/%Y} suspendu à tort ou à raison manquante."


def ressources_connues_passees(monde: Monde, jour: date) -> Iterator[str]:
    """Les ressources annuelles sont celles d'années finies, les trimestrielles de trimestres finis."""
    trimestre_courant = (jour.year, (jour.month - 1) // 3 + 1)
    for dossier_id, ressources in monde.ressources.items():
        for r in ressources:
            if (r.trimestre is None and r.annee >= jour.year) or (
                r.trimestre is not None and (r.annee, r.trimestre) >= trimestre_courant
            ):
                periode = f"{r.annee} (trimestre {r.trimestre})" if r.trimestre else str(r.annee)
                yield f"{monde.nom(dossier_id)} : des ressources de {periode}, période pas encore finie."


def ressources_trimestrielles_des_dom(monde: Monde, jour: date) -> Iterator[str]:
    """Des ressources trimestrielles déclarées pour une prestation ne se voient qu'outre-mer, pour
    l'AAH et pour le RSA à la fois, d'un foyer qui a droit aux deux."""
    for dossier_id, ressources in monde.ressources.items():
        d, declarees = monde.dossiers[dossier_id], {r.prestation for r in ressources if r.prestation}
        if not declarees:
            continue
        droits = {x.prestation for x in monde.droits[dossier_id]}
        if (
            not d.code_postal.startswith("97")
            or declarees != {Prestation.AAH, Prestation.RSA}
            or not declarees <= droits
        ):
            quoi = f"des ressources trimestrielles {', '.join(sorted(declarees))}"
            yield f"{monde.nom(dossier_id)} : {quoi} hors des Dom ou sans droit."


def code_postal_de_la_caf(monde: Monde, jour: date) -> Iterator[str]:
    """Le code postal du dossier mène à sa Caf (celui qu'un accès multi-Caf ou national saisit) ;
    la Caisse Maritime, atteinte par sa case à cocher, a ses allocataires dans des ports."""
    caisses: dict[str, str | None] = {}
    for dossier_id, d in monde.dossiers.items():
        if d.code_postal not in caisses:
            caisse = caisse_pour_code_postal(d.code_postal)
            caisses[d.code_postal] = caisse.numero if caisse else None
        if not d.caisse__est_maritime and caisses[d.code_postal] != d.caisse__numero:
            yield f"{monde.nom(dossier_id)} : le code postal {d.code_postal} mène à la Caf {caisses[d.code_postal]}."


REGLES: tuple[Regle, ...] = (
    ressources_nulles_seules,
    droits_apres_l_affiliation,
    minima_sociaux_dates,
    complements_de_l_aah,
    enfants_d_une_fratrie,
    parents_majeurs_a_la_naissance,
    activite_accordee,
    deces_et_veuvage,
    paiements_des_droits,
    historique_avant_la_fenetre,
    indus_et_recouvrements,
    logements_successifs,
    radiation_et_suspension,
    ressources_connues_passees,
    ressources_trimestrielles_des_dom,
    code_postal_de_la_caf,
)


def violations(jour: date | None = None, dossiers: QuerySet | None = None, monde: Monde | None = None) -> list[str]:
    """Every violation of every rule, over the given dossiers (all of them by default)."""
    jour = jour or timezone.localdate()
    monde = monde or Monde.charger(dossiers)
    return [message for regle in REGLES for message in regle(monde, jour)]
