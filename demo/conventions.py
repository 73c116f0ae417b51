"""The demo's partners and conventions: sixteen conventions of five Cafs (one overseas, La
Réunion) covering every profile of the matrix and the three access scopes. The three partners
named in the seeds keep their real references (conventions 2018-001, 2017 / 006 / T2 and
78/2016/XXAS – T2); the other names are invented. `convention` makes one, with its partner
and its responsable habilitations, looked up by natural key first: a second run changes nothing."""

import dataclasses
from dataclasses import dataclass, field
from datetime import date

from conventions.models import CategoriePartenaire, Convention, DesignationResponsable, Partenaire, Portee
from conventions.validators import luhn_valide
from habilitations.models import QualiteGreffier

from .aleatoire import aleatoire


@dataclass(frozen=True)
class DemoConvention:
    cle: str
    caisse: str
    numero: str
    profil: str
    partenaire: str
    adresse: str
    code_postal: str
    ville: str
    representant: tuple[str, str]
    date_effet: date
    agent: tuple[str, str, str]  # prénom, nom, fonction
    portee: str = Portee.LOCALE
    caisses_multi: tuple[str, ...] = ()
    siret: str = ""
    signataire_caf: str = ""
    qualite_greffier: str = ""
    extra: dict = field(default_factory=dict)


CONVENTIONS = (
    DemoConvention(
        "t13-metropole-amp",
        "131",
        "2018-001",
        "T13",
        "Métropole Aix-Marseille-Provence",
        "58, boulevard Charles Livon",
        "13007",
        "Marseille",
        ("Jean-Claude GAUDIN", "Président"),
        date(2018, 3, 13),
        ("Sophie", "MARTINEZ", "Instructrice FSL"),
        signataire_caf="Jean-Pierre SOUREILLAT, Directeur Général",
    ),
    DemoConvention(
        "t2-essey",
        "541",
        "2017 / 006 / T2",
        "T2",
        "Mairie d'Essey-lès-Nancy",
        "Place de la République",
        "54270",
        "Essey-lès-Nancy",
        ("Michel BREUILLE", "Maire"),
        date(2017, 2, 13),
        ("Claire", "THIRIET", "Responsable du service enfance"),
        siret="21540184500015",
        signataire_caf="Juliette NOEL, Directrice",
    ),
    DemoConvention(
        "t2-saint-germain",
        "781",
        "78/2016/XXAS – T2",
        "T2",
        "Ville de Saint-Germain-en-Laye",
        "Hôtel de Ville, 16 rue de Pontoise",
        "78100",
        "Saint-Germain-en-Laye",
        ("Emmanuel LAMY", "Maire"),
        date(2016, 4, 1),
        ("Julien", "LEFEBVRE", "Agent du service famille"),
        signataire_caf="Elodie CLAIR, Directeur général",
    ),
    DemoConvention(
        "t1-cd13",
        "131",
        "2019-007",
        "T1",
        "Département des Bouches-du-Rhône — Direction de l'action sociale",
        "52, avenue de Saint-Just",
        "13004",
        "Marseille",
        ("Martine VASSAL", "Présidente"),
        date(2019, 5, 2),
        ("Nadia", "BENSAID", "Assistante de service social"),
    ),
    DemoConvention(
        "t6-cpam13",
        "131",
        "2019-012",
        "T6",
        "Caisse primaire d'assurance maladie des Bouches-du-Rhône",
        "8, rue Jules Moulet",
        "13006",
        "Marseille",
        ("Pierre ROUSSEL", "Directeur"),
        date(2019, 9, 1),
        ("Thierry", "GARCIA", "Technicien ouverture des droits"),
    ),
    DemoConvention(
        "t8-msa",
        "131",
        "2021-002",
        "T8",
        "MSA Provence-Azur",
        "152, avenue de Hambourg",
        "13008",
        "Marseille",
        ("Anne BERTRAND", "Directrice générale"),
        date(2021, 1, 15),
        ("Laurent", "CHABERT", "Gestionnaire CMU"),
        portee=Portee.MULTI_CAF,
        caisses_multi=("831", "841"),
    ),
    DemoConvention(
        "t10-bailleur",
        "131",
        "2020-003",
        "T10",
        "Logis Méditerranée Habitat",
        "25, rue Edouard Delanglade",
        "13006",
        "Marseille",
        ("Bernard OLIVIER", "Directeur général"),
        date(2020, 2, 1),
        ("Karima", "HADDAD", "Chargée de gestion locative"),
    ),
    DemoConvention(
        "t11-surendettement",
        "131",
        "2020-009",
        "T11",
        "Commission de surendettement des Bouches-du-Rhône",
        "1, place Estrangin-Pastré",
        "13006",
        "Marseille",
        ("Hélène ROCHE", "Secrétaire de la commission"),
        date(2020, 6, 1),
        ("Marc", "DURAND", "Instructeur des dossiers"),
    ),
    DemoConvention(
        "t12-baj-marseille",
        "131",
        "2021-014",
        "T12",
        "Tribunal judiciaire de Marseille — Bureau d'aide juridictionnelle",
        "6, rue Joseph Autran",
        "13006",
        "Marseille",
        ("Olivier LEURENT", "Président"),
        date(2021, 9, 1),
        ("Isabelle", "FABRE", "Greffière"),
        qualite_greffier=QualiteGreffier.GREFFIER,
    ),
    DemoConvention(
        "t14-cdc",
        "131",
        "2022-001",
        "T14",
        "Caisse des dépôts et consignations — Direction des retraites",
        "5, rue du Vergne",
        "33000",
        "Bordeaux",
        ("Michel YAHIEL", "Directeur des retraites"),
        date(2022, 1, 3),
        ("Patrick", "LAGARDE", "Gestionnaire pensions de réversion"),
        portee=Portee.NATIONALE,
    ),
    DemoConvention(
        "t3-vacances",
        "161",
        "16/2020/002",
        "T3",
        "Association Vacances et Familles de la Charente",
        "12, rue de Montmoreau",
        "16000",
        "Angoulême",
        ("Jeanne PETIT", "Présidente"),
        date(2020, 3, 1),
        ("Hugo", "BERNARD", "Coordinateur aides aux vacances"),
    ),
    DemoConvention(
        "t4-ccas-angouleme",
        "161",
        "16/2019/004",
        "T4",
        "Centre communal d'action sociale d'Angoulême",
        "1, place de l'Hôtel de Ville",
        "16000",
        "Angoulême",
        ("Xavier BONNEFONT", "Président"),
        date(2019, 4, 1),
        ("Émilie", "ROUSSEAU", "Instructrice RSA"),
    ),
    DemoConvention(
        "t5-cd16",
        "161",
        "16/2018/011",
        "T5",
        "Département de la Charente — Direction de l'insertion",
        "31, boulevard Émile Roux",
        "16000",
        "Angoulême",
        ("Jérôme SOURISSEAU", "Président"),
        date(2018, 11, 1),
        ("Paul", "MOREAU", "Référent RSA"),
    ),
    DemoConvention(
        "t9-udaf16",
        "161",
        "16/2019/007",
        "T9",
        "UDAF de la Charente — Service des majeurs protégés",
        "8, rue Léonard Jarraud",
        "16000",
        "Angoulême",
        ("Dominique FAURE", "Président"),
        date(2019, 7, 1),
        ("Aurélie", "GIRAUD", "Mandataire judiciaire"),
        portee=Portee.MULTI_CAF,
        caisses_multi=("171", "791", "861"),
    ),
    DemoConvention(
        "t16-dalo16",
        "161",
        "16/2021/001",
        "T16",
        "Commission de médiation DALO de la Charente",
        "7-9, rue de la Préfecture",
        "16000",
        "Angoulême",
        ("Magali DEBATTE", "Préfète"),
        date(2021, 2, 1),
        ("Sylvain", "MERCIER", "Instructeur des recours DALO"),
    ),
    DemoConvention(
        "t4-ccas-saint-denis",
        "974",
        "974/2022/003",
        "T4",
        "Centre communal d'action sociale de Saint-Denis",
        "2, rue de Paris",
        "97400",
        "Saint-Denis",
        ("Gilberte LAURET", "Présidente"),
        date(2022, 3, 1),
        ("Josiane", "GRONDIN", "Instructrice des aides facultatives"),
    ),
)

NOUVEL_AGENT = dataclasses.replace(
    CONVENTIONS[0], cle="t13-metropole-amp-nouvel-agent", agent=("Lucas", "BLANC", "Instructeur FSL")
)


# The kind of organisation that signs each profile's demo convention (05-… descriptions).
CATEGORIE_PAR_PROFIL = {
    "T1": CategoriePartenaire.DEPARTEMENT,
    "T2": CategoriePartenaire.COMMUNE,
    "T3": CategoriePartenaire.ASSOCIATION,
    "T4": CategoriePartenaire.CCAS,
    "T5": CategoriePartenaire.DEPARTEMENT,
    "T6": CategoriePartenaire.ASSURANCE_MALADIE,
    "T8": CategoriePartenaire.ASSURANCE_MALADIE,
    "T9": CategoriePartenaire.TUTELLE,
    "T10": CategoriePartenaire.BAILLEUR,
    "T11": CategoriePartenaire.SURENDETTEMENT,
    "T12": CategoriePartenaire.BAJ,
    "T13": CategoriePartenaire.INTERCOMMUNALITE,
}


def siret_demo(cle: str) -> str:
    rng = aleatoire("siret", cle)
    corps = "2" + "".join(str(rng.randrange(10)) for _ in range(12))
    return next(corps + str(cle_) for cle_ in range(10) if luhn_valide(corps + str(cle_)))


def convention(demo: DemoConvention, caisses: dict) -> Convention:
    """The convention, its partner and the partner's responsable habilitations, made once."""
    caisse = caisses[demo.caisse]
    siret = demo.siret or siret_demo(demo.cle)
    partenaire, _ = Partenaire.objects.get_or_create(
        caisse=caisse,
        siret=siret,
        defaults={
            "raison_sociale": demo.partenaire,
            "adresse": demo.adresse,
            "code_postal": demo.code_postal,
            "ville": demo.ville,
            "representant_nom": demo.representant[0],
            "representant_qualite": demo.representant[1],
            "categorie": CATEGORIE_PAR_PROFIL.get(demo.profil, CategoriePartenaire.AUTRE),
        },
    )
    if not partenaire.designations.exists():
        DesignationResponsable.objects.create(
            partenaire=partenaire,
            prenom=demo.agent[0],
            nom=demo.agent[1],
            email=f"habilitations.{demo.cle}@partenaire-demo.invalid",
            recue_le=demo.date_effet,
        )
    convention, creee = Convention.objects.get_or_create(
        caisse=caisse,
        numero=demo.numero,
        defaults={
            "partenaire": partenaire,
            "profil": demo.profil,
            "portee": demo.portee,
            "date_effet": demo.date_effet,
            "date_signature_caf": demo.date_effet,
            "date_signature_partenaire": demo.date_effet,
            "signataire_caf": demo.signataire_caf or f"Le directeur de la {caisse.nom}",
            "signataire_partenaire": f"{demo.representant[0]}, {demo.representant[1]}",
        },
    )
    if creee and demo.caisses_multi:
        convention.caisses_multi.set([caisses[numero] for numero in demo.caisses_multi])
    return convention
