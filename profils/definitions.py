"""The Cafpro access profiles T1…T16.

Source: `05-profils-T1-T16-matrice-rubriques-plaquette-caf85` (descriptions, verbatim).
T7 and T15 do not exist there, so they cannot be given to a convention.
This module is pure rules: it imports no other app of the project.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Profil:
    code: str
    intitule: str  # short label for lists, ours
    description: str  # the seed's wording

    @property
    def libelle(self) -> str:
        return f"{self.code} — {self.intitule}"


_PROFILS = (
    Profil(
        "T1",
        "Travailleurs sociaux",
        "Agents administratifs et travailleurs sociaux de la Caf - Assistants du service social "
        "et conseillers en économie sociale et familiale de l'État et des départements et "
        "assistants de service social participant au service social départemental dans le cadre "
        "de conventions de travail social - Assistants de service social des services "
        "hospitaliers, des collectivités territoriales, des Caisses régionales d'assurance "
        "maladie, de la Mutualité sociale agricole - Assistants de service social qui assurent "
        "la fonction de référent unique auprès des bénéficiaires du Rsa.",
    ),
    Profil(
        "T2",
        "Prestataires d'action sociale (participation des familles)",
        "Prestataires bénéficiaires de crédits d'action sociale des Caf pour le calcul de la "
        "participation financière des familles bénéficiaires de prestations de service.",
    ),
    Profil(
        "T3",
        "Prestataires d'action sociale (aides aux vacances)",
        "Prestataires bénéficiaires de crédits d'action sociale des Caf pour le calcul de la "
        "participation financière des familles bénéficiaires de prestations de service, pour la "
        'prestation "aides aux vacances".',
    ),
    Profil("T4", "Instructeurs Rsa/Rmi", "Agents des organismes instructeurs du Rsa/Rmi."),
    Profil(
        "T5",
        "Suivi Rsa/Rmi (Conseil général)",
        "Agents chargés du suivi des dossiers Rsa/Rmi habilités par le président du Conseil général.",
    ),
    Profil(
        "T6",
        "Caisses primaires d'assurance maladie",
        "Agents des Cpm pour les ouvertures de droit et les maintiens de droit à l'assurance "
        "maladie, maternité au titre de prestations (Api, Aah, Ape à taux plein, Clca, Ajpp) ; le "
        "droit automatique à la Cmu et Cmu complémentaire au titre du Rmi ou du Rsa socle ; le "
        "calcul des ressources des demandeurs de Cmu et la justification de la résidence en "
        "France des demandeurs de Cmu s'ils perçoivent une ou plusieurs prestations familiales.",
    ),
    Profil(
        "T8",
        "Régimes particuliers d'assurance maladie",
        "Agents des régimes particuliers d'assurance maladie : Régime social des indépendants "
        "(Rsi) - Caisses de mutualité sociale agricole (Msa) - Etablissement national des "
        "invalides de la marine (Enim), Caisse nationale militaire de sécurité sociale (Cnmss) - "
        "Caisse de retraite et de prévoyance des clercs et employés de notaire (Crpcen), pour "
        "l'ouverture de droit à la Cmu et à la Cmu des bénéficiaires du Rmi/Rsa socle, pour le "
        "calcul des ressources des demandeurs de Cmu.",
    ),
    Profil(
        "T9",
        "Tuteurs et curateurs",
        "Tuteurs et curateurs pour le suivi des dossiers allocataires qui leur sont confiés par "
        "jugement.. au titre d'une mesure d'accompagnement social personnalisé (Masp) ou d'une "
        "Masp judiciaire : la personne désignée par le conseil général ou par l'opérateur ayant "
        "reçu délégation du Président du conseil général (Ccas, Cias, association, organisme à "
        "but non lucratif, organisme débiteur de prestations sociales) - le mandataire "
        "judiciaire à la protection des majeurs désigné par le juge des tutelles - délégué aux "
        "prestations familiales pour la mesure judiciaire d'aide à la gestion.",
    ),
    Profil("T10", "Bailleurs sociaux", "Bailleurs sociaux bénéficiaires de tiers payants."),
    Profil(
        "T11",
        "Commissions de surendettement",
        "Agents des commissions de surendettement chargés d'instruire les dossiers.",
    ),
    Profil(
        "T12",
        "Bureaux d'aide juridictionnelle",
        "Greffiers des bureaux d'aide juridictionnelle et agents remplissant la fonction de "
        "greffier pour l'instruction des demandes.",
    ),
    Profil(
        "T13",
        "Fonds de solidarité pour le logement",
        "Agents administratifs des services sociaux des départements et des Ccas, des organismes "
        "gestionnaires des Fsl (Gip, associations agréées par le Conseil général), des "
        "associations habilitées par le Conseil général, des communes et des établissements "
        "publics de coopération intercommunale chargés de la préparation à l'instruction des "
        "dossiers Fsl et de la gestion des fonds.",
    ),
    Profil(
        "T14",
        "Pensions de réversion et d'orphelins",
        "Agents habilités de la Caisse des dépôts et consignations et de l'Etablissement national "
        "des invalides de la Marine en charge de la gestion des pensions de reversion et des "
        "pensions d'orphelins.",
    ),
    Profil(
        "T16",
        "Droit au logement opposable",
        "Agents de l'instruction des recours devant la commission de médiation départementale, "
        "dans le cadre du droit au logement opposable.",
    ),
)

PROFILS: dict[str, Profil] = {profil.code: profil for profil in _PROFILS}

# T12 is reserved to greffiers (circulaire du 21 novembre 2006, I.2).
PROFIL_GREFFIERS = "T12"


def profil_choices() -> list[tuple[str, str]]:
    return [(profil.code, profil.libelle) for profil in _PROFILS]


def get_profil(code: str) -> Profil:
    return PROFILS[code]


# For T1, T2 and T3 the allocataire must not have opposed the consultation of his dossier
# (04-…, annexe "Partage des données dans le domaine social": "Cette annexe est spécifique
# aux T1, T2 et T3").
PROFILS_SECRET_PARTAGE = frozenset({"T1", "T2", "T3"})

# T10, "Bailleurs sociaux bénéficiaires de tiers payants" (05-…): a landlord reads the dossiers
# of his own tenants only, those whose aide au logement is paid to him (docs/profils.md).
PROFIL_BAILLEURS = "T10"
