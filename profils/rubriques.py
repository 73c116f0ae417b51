"""The profile engine: which rubriques, which fields and how much history each profile sees.

This is the single place that decides. Everything is denied unless granted here:
- the matrix profile × rubrique is `05-profils-T1-T16-matrice-rubriques-plaquette-caf85`,
  copied cell by cell (14 profiles × 20 rubriques);
- the fields of a rubrique are its catalogue below; a profile sees the whole catalogue of a
  rubrique it has, unless `_RESTRICTIONS` narrows it. Where a seed lists the fields of a
  profile, the restriction is that list (T12: `02-…` annexe 3; T13: `01-…` annexe; T2:
  `04-…` annexe "Profil d'accès"); the other choices are written in `docs/profils.md`;
- the depth of history is the rubrique's, unless the profile's entry says otherwise.

Pure rules: no other app of the project is imported.
"""

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from .definitions import PROFILS
from .prestations import PRESTATIONS_AIDE_JURIDICTIONNELLE, PRESTATIONS_LOGEMENT


class Navigation(StrEnum):
    AUCUNE = "aucune"
    MOIS = "mois"  # "Mois précédent" / "Mois suivant"
    ANNEE = "annee"  # "Année précédente" / "Année suivante"
    DEMANDE_AIDE_JURIDICTIONNELLE = "demande_aj"  # T12: date of the demand and three modes


@dataclass(frozen=True)
class Champ:
    code: str
    libelle: str


@dataclass(frozen=True)
class Rubrique:
    code: str  # also the URL slug
    libelle: str  # the tab's label
    libelle_matrice: str  # the row's label in 05-…, verbatim
    champs: tuple[Champ, ...]
    navigation: Navigation = Navigation.AUCUNE
    profondeur_mois: int | None = None  # history shown, counted back from the current month
    profondeur_annees: int | None = None  # "les trois dernières années connues"

    def champ(self, code: str) -> Champ:
        return next(c for c in self.champs if c.code == code)

    @property
    def codes_champs(self) -> frozenset[str]:
        return frozenset(c.code for c in self.champs)


def _champs(*paires: tuple[str, str]) -> tuple[Champ, ...]:
    return tuple(Champ(code, libelle) for code, libelle in paires)


# Rmi - Api and Rsa: 02-… annexe 3, "Rubrique RMI" (the same fields for each minimum).
_CHAMPS_MINIMUM_SOCIAL = _champs(
    ("situation_dossier", "Situation du dossier"),
    ("prestation", "Prestation"),
    ("demandeur", "Demandeur"),
    ("nb_personnes", "Nombre de personnes à charge"),
    ("date_demande", "Date de la demande"),
    ("debut_droit", "Début du droit"),
    ("fin_droit", "Date de fin de droit"),
    ("motif_fin", "Motif"),
)

# The catalogue, in the order of the matrix. Field labels follow 01-… (T13, the fullest list),
# 02-… annexe 3 (T12) and 04-… (T2).
_RUBRIQUES = (
    Rubrique(
        "paiements",
        "Paiements",
        "Païement",
        _champs(
            ("periode", "Période concernée"),
            ("type_paiement", "Type de paiement"),
            ("etat_paiement", "État du paiement"),
            ("date_paiement", "Date de traitement ou d'émission du paiement"),
            ("prestations", "Nature et montants des prestations"),
            ("montant_total", "Montant total payé"),
            ("recuperation", "Montant de la récupération"),
            ("destinataire", "Destinataire"),
        ),
        Navigation.MOIS,
        profondeur_mois=24,
    ),
    Rubrique(
        "dossier",
        "Dossier",
        "Dossier",
        _champs(
            ("situation_dossier", "Situation du dossier"),
            ("suspension", "Suspension du dossier"),
            ("situation_familiale", "Situation familiale"),
            ("nb_enfants_pf", "Nombre d'enfants à charge au sens des prestations familiales"),
            ("nb_personnes_logement", "Nombre de personnes à charge au sens des aides au logement"),
            ("qf_cnaf", "Quotient familial Cnaf"),
            ("nationalite", "Nationalité"),
            ("titre_sejour", "Date de fin de validité du titre de séjour"),
            ("surendettement", "Surendettement"),
            ("avis_cdaph", "Avis CDAPH"),
            ("references_bancaires", "Références bancaires"),
            ("mesures", "Mesure d'accompagnement ou tutelle"),
        ),
        profondeur_mois=6,  # "dans la limite d'un historique de 6 mois" (mesures, 01-…)
    ),
    Rubrique(
        "famille",
        "Famille",
        "Famille",
        _champs(
            ("situation_familiale", "Situation de famille"),
            ("date_naissance", "Date de naissance"),
            ("activite", "Activité"),  # of the adults and of the dependants (01-…)
            ("nom_naissance", "Nom de naissance"),
            ("nir", "NIR"),
            ("date_deces", "Date de décès"),
            ("grossesse", "Date de début de grossesse"),
            ("enfants", "Enfants à charge"),
            ("autres_personnes", "Autres personnes à charge"),
        ),
    ),
    Rubrique(
        "enfants",
        "Enfants et autres personnes",
        "Enfants",
        _champs(
            ("enfants", "Enfants à charge"),
            ("autres_personnes", "Autres personnes à charge"),
        ),
    ),
    Rubrique(
        "droits",
        "Droits",
        "Droits",
        _champs(
            ("prestation", "Nature de la prestation"),
            ("montant", "Montant du droit"),
            ("suspension", "Suspension"),
            ("inferieur_seuil", "Montant inférieur à la limite de paiement"),
        ),
        Navigation.MOIS,
        profondeur_mois=24,
    ),
    Rubrique(
        "logement",
        "Logement",
        "Logement",
        _champs(
            ("type_occupation", "Type d'occupation du logement"),
            ("date_occupation", "Date de début d'occupation / date d'ouverture de droit"),
            ("loyer", "Montant du loyer ou remboursement de prêt"),
            ("date_reference_loyer", "Date de référence du loyer"),
            ("date_bail", "Date de début de bail"),
            ("impaye", "Impayé"),
            ("surpeuplement", "Surpeuplement"),
            ("absence_quittance", "Absence de quittance de loyer"),
            ("bailleur", "Bailleur"),
            ("aide", "Aide au logement"),
            ("tiers_payant", "Tiers payant"),
            ("adresses_precedentes", "Logements précédemment occupés"),
        ),
        profondeur_mois=24,
    ),
    Rubrique(
        "rmi-api",
        "Rmi - Api",
        "Rmi - Api",
        _CHAMPS_MINIMUM_SOCIAL,
    ),
    Rubrique(
        "rsa",
        "Rsa",
        "Rsa",
        _CHAMPS_MINIMUM_SOCIAL,
    ),
    Rubrique(
        "ressources",
        "Ressources",
        "Ressources",
        _champs(
            ("annuelles", "Ressources annuelles"),
            ("trimestrielles", "Ressources trimestrielles"),
            ("type_personne", "Type de personne"),
            ("nature", "Nature des ressources"),
            ("montant", "Montant"),
        ),
        Navigation.ANNEE,
        profondeur_annees=3,
    ),
    Rubrique(
        "creances",
        "Créances",
        "Créances",
        _champs(
            ("nature", "Code nature créances / libellé"),  # 01-…, verbatim
            ("destinataire", "Destinataire de la créance"),
            ("montant_initial", "Montant de début de recouvrement"),
            ("remboursement", "Remboursement direct, montant retenu ou taux de recouvrement"),
            ("solde", "Montant solde réel"),
            ("etat", "État de la créance — motif"),
            ("periode", "Période concernée"),
        ),
    ),
    Rubrique(
        "qf-cnaf",
        "QF Cnaf",
        "Qf Cnaf",
        _champs(
            ("montant", "Montant du quotient familial national"),
            ("date_calcul", "Date de calcul"),
            ("nb_parts", "Nombre de parts"),
            ("regime", "Régime de protection sociale"),
            ("ressources_psu", "Ressources annuelles à prendre en compte pour la prestation de service unique"),
            ("nb_enfants_pf", "Nombre d'enfants à charge au sens des prestations familiales"),
        ),
        Navigation.MOIS,
        profondeur_mois=24,
    ),
    Rubrique(
        "qf-caf",
        "QF Caf",
        "QF Caf",
        _champs(
            ("montant", "Montant du quotient familial de la Caf"),
            ("date_calcul", "Date de calcul"),
            ("nb_parts", "Nombre de parts"),
            ("nb_enfants_pf", "Nombre d'enfants à charge au sens des prestations familiales"),
        ),
        Navigation.MOIS,
        profondeur_mois=24,
    ),
    Rubrique(
        "maladie-maternite",
        "Maladie maternité Affiliation",
        "Maladie maternité Affiliation",
        _champs(
            ("prestation", "Prestation ouvrant droit"),
            ("periode_droit", "Période de droit"),
        ),
        profondeur_mois=24,
    ),
    Rubrique(
        "cmu",
        "Cmu Rsa socle ou Rmi",
        "Cmu Rsa socle ou Rmi",
        _champs(
            ("prestation", "Prestation"),
            ("debut_droit", "Début du droit"),
            ("fin_droit", "Date de fin de droit"),
        ),
        profondeur_mois=24,
    ),
    Rubrique(
        "cmuc-ressources",
        "Cmuc Ressources",
        "Cmuc Ressources",
        _champs(
            ("trimestrielles", "Ressources trimestrielles"),
            ("annuelles", "Ressources annuelles"),
            ("type_personne", "Type de personne"),
            ("nature", "Nature des ressources"),
            ("montant", "Montant"),
        ),
        Navigation.ANNEE,
        profondeur_annees=3,
    ),
    Rubrique(
        "residence",
        "Résidence",
        "Résidence",
        _champs(
            ("adresse", "Adresse en France"),
            ("depuis", "Occupée depuis le"),
            ("prestations_familiales", "Prestations familiales versées"),
        ),
    ),
    Rubrique(
        "adresse",
        "Adresse",
        "Adresse",
        _champs(
            ("adresse", "Adresse du dossier"),
            ("code_insee", "Code insee commune"),
        ),
    ),
    Rubrique(
        "attestation-paiement",
        "Attestation de paiement",
        "Attestation de paiement",
        _champs(
            ("prestations", "Prestations versées"),
            ("montant_total", "Montant total"),
        ),
        Navigation.MOIS,
        profondeur_mois=24,
    ),
    Rubrique(
        "courrier",
        "Courrier",
        "Courrier",
        _champs(
            ("sens", "Sens"),
            ("type_courrier", "Type de courrier"),
            ("date_reception", "Date de réception ou d'envoi"),
            ("etat", "État du traitement"),
            ("date_traitement", "Date du traitement"),
        ),
        profondeur_mois=2,  # "un historique de deux mois maximum" (01-…)
    ),
    Rubrique(
        "declaration-ressources",
        "Déclaration de ressources",
        "Déclaration de ressources",
        _champs(
            ("trimestre", "Trimestre déclaré"),
            ("prestation", "Prestation"),
            ("date_reception", "Date de réception"),
            ("etat", "État"),
        ),
        profondeur_mois=24,
    ),
)

RUBRIQUES: dict[str, Rubrique] = {r.code: r for r in _RUBRIQUES}

# 05-profils-T1-T16-…, "Détails des profils", row by row: the profiles whose column has an X
# in the rubrique's row. MATRICE below is the same table read by column (profile → rubriques).
_PROFILS_PAR_RUBRIQUE: dict[str, str] = {
    "paiements": "T1 T9 T10 T11 T12 T13",
    "dossier": "T1 T9 T10 T11 T12 T13 T14 T16",
    "famille": "T1 T4 T5 T9 T11 T12 T13 T14 T16",
    "enfants": "T2 T3",
    "droits": "T1 T4 T5 T9 T10 T11 T13 T14 T16",
    "logement": "T1 T9 T10 T11 T13 T16",
    "rmi-api": "T1 T4 T5 T9",
    "rsa": "T1 T4 T5 T9 T12",
    "ressources": "T1 T4 T5 T9 T10 T12 T13 T16",
    "creances": "T1 T9 T11 T13",
    "qf-cnaf": "T2",
    "qf-caf": "T3",
    "maladie-maternite": "T8",
    "cmu": "T5 T6",
    "cmuc-ressources": "T6 T8",
    "residence": "T6",
    "adresse": "T1 T2 T3 T4 T5 T6 T8 T9 T10 T11 T12 T13 T14 T16",
    "attestation-paiement": "T1 T9",
    "courrier": "T1 T9 T13",
    "declaration-ressources": "T9",
}
MATRICE: dict[str, frozenset[str]] = {
    profil: frozenset(rubrique for rubrique, profils in _PROFILS_PAR_RUBRIQUE.items() if profil in profils.split())
    for profil in PROFILS
}


@dataclass(frozen=True)
class Acces:
    """What one profile may see of one rubrique."""

    rubrique: Rubrique
    champs: frozenset[str]
    profondeur_mois: int | None
    profondeur_annees: int | None
    navigation: Navigation
    prestations: frozenset[str] | None = None  # None: every prestation
    libelle: str = ""  # the rubrique's title for this profile, when it differs

    def voit(self, champ: str) -> bool:
        return champ in self.champs

    @property
    def titre(self) -> str:
        return self.libelle or self.rubrique.libelle


def _seulement(*codes: str) -> frozenset[str]:
    return frozenset(codes)


# Narrower field lists, depths and prestations, by (profile, rubrique).
_RESTRICTIONS: dict[tuple[str, str], dict[str, Any]] = {
    # T12, greffiers des bureaux d'aide juridictionnelle: 02-… annexe 3 and manuel, "Profil T12".
    ("T12", "paiements"): {
        "champs": _seulement("periode", "date_paiement", "montant_total"),
        "prestations": PRESTATIONS_AIDE_JURIDICTIONNELLE,
        "navigation": Navigation.DEMANDE_AIDE_JURIDICTIONNELLE,
        "libelle": "Paiements Aah, Complément de ressources Aah, Majoration pour la vie autonome",
    },
    ("T12", "dossier"): {
        "champs": _seulement(
            "situation_dossier", "suspension", "nb_enfants_pf", "nb_personnes_logement", "nationalite", "titre_sejour"
        ),
    },
    ("T12", "famille"): {
        "champs": _seulement(
            "situation_familiale", "date_naissance", "activite", "nom_naissance", "enfants", "autres_personnes"
        ),
    },
    ("T12", "ressources"): {"champs": _seulement("annuelles", "type_personne", "nature", "montant")},
    ("T12", "adresse"): {"champs": _seulement("adresse", "code_insee")},
    # T13, commissions FSL: 01-… annexe "Profil T13". Dossier has no nationality there.
    ("T13", "dossier"): {
        "champs": RUBRIQUES["dossier"].codes_champs - {"nationalite"},
    },
    ("T13", "logement"): {
        "champs": _seulement(
            "type_occupation",
            "date_occupation",
            "loyer",
            "date_reference_loyer",
            "date_bail",
            "impaye",
            "surpeuplement",
            "absence_quittance",
            "adresses_precedentes",
        ),
    },
    # T2: 04-… annexe "Profil d'accès": nom, prénom, date de naissance of the children and
    # other dependants; QF Cnaf over 24 months. The shared rubrique "Enfants" is T2's and T3's.
    # T10, bailleurs sociaux bénéficiaires de tiers payants: what a landlord paid by the Caf needs
    # (the rent, the aid and its third-party payment), not the family's bank or health data.
    ("T10", "paiements"): {
        "champs": _seulement(
            "periode", "type_paiement", "etat_paiement", "date_paiement", "montant_total", "destinataire"
        ),
        "prestations": PRESTATIONS_LOGEMENT,
        "libelle": "Paiements des aides au logement",
    },
    ("T10", "dossier"): {
        "champs": _seulement("situation_dossier", "suspension", "nb_personnes_logement"),
    },
    ("T10", "droits"): {"prestations": PRESTATIONS_LOGEMENT},
    ("T10", "logement"): {
        "champs": _seulement(
            "type_occupation",
            "date_occupation",
            "loyer",
            "date_reference_loyer",
            "date_bail",
            "impaye",
            "bailleur",
            "aide",
            "tiers_payant",
        ),
    },
    ("T10", "ressources"): {"champs": _seulement("annuelles", "type_personne", "nature", "montant")},
    # T14, pensions de réversion et d'orphelins: the situation and the children, not the money nor
    # anyone's activity ("activite" is the adults' and the dependants' alike).
    ("T14", "dossier"): {"champs": _seulement("situation_dossier", "situation_familiale", "nb_enfants_pf")},
    ("T14", "famille"): {
        "champs": _seulement("situation_familiale", "date_naissance", "nom_naissance", "nir", "date_deces", "enfants"),
    },
    # T16, droit au logement opposable: the household and its housing.
    ("T16", "dossier"): {
        "champs": _seulement("situation_dossier", "situation_familiale", "nb_enfants_pf", "nb_personnes_logement"),
    },
    ("T16", "famille"): {
        "champs": _seulement("situation_familiale", "date_naissance", "activite", "enfants", "autres_personnes"),
    },
    ("T16", "ressources"): {"champs": _seulement("annuelles", "type_personne", "nature", "montant")},
    # T4 and T5, Rsa/Rmi: the household, not the NIR nor the pregnancy.
    ("T4", "famille"): {"champs": RUBRIQUES["famille"].codes_champs - {"nir", "grossesse"}},
    ("T5", "famille"): {"champs": RUBRIQUES["famille"].codes_champs - {"nir", "grossesse"}},
    # T11, commissions de surendettement: no NIR nor pregnancy either; the Dossier without the bank
    # details (the commission pays nothing and the debtor gives it his statements) nor the CDAPH
    # opinion (a health datum: the AAH it opens is in Paiements and Droits).
    ("T11", "famille"): {"champs": RUBRIQUES["famille"].codes_champs - {"nir", "grossesse"}},
    ("T11", "dossier"): {"champs": RUBRIQUES["dossier"].codes_champs - {"references_bancaires", "avis_cdaph"}},
}


def acces(profil: str, rubrique: str) -> Acces | None:
    """What `profil` may see of `rubrique`, or None: denied (unknown codes included)."""
    if rubrique not in MATRICE.get(profil, ()):
        return None
    definition = RUBRIQUES[rubrique]
    regles = _RESTRICTIONS.get((profil, rubrique), {})
    base = Acces(
        rubrique=definition,
        champs=definition.codes_champs,
        profondeur_mois=definition.profondeur_mois,
        profondeur_annees=definition.profondeur_annees,
        navigation=definition.navigation,
    )
    acces_profil = replace(base, **regles)
    if not acces_profil.champs <= definition.codes_champs:  # a typo must not pass silently
        raise ValueError(f"{profil}/{rubrique}: champs inconnus {acces_profil.champs - definition.codes_champs}")
    return acces_profil


def rubriques_du_profil(profil: str) -> list[Rubrique]:
    """The profile's tabs, in the order of the matrix."""
    return [r for r in _RUBRIQUES if r.code in MATRICE.get(profil, ())]
