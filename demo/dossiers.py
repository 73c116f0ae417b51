"""Demo allocataire dossiers: realistic, deterministic, inserted in bulk.

Every value comes from a `random.Random` seeded with (Caisse, numéro, cas), never from the
global generator, and every date is counted from `jour`: the same inputs give the same
dossier, and a dossier made today has its histories up to this month. The only fixed
dates are the RMI's and the API's, which ended for good on 31 May 2009 with the RSA.

A dossier is first planned in plain Python (`_Construction`), then `_inserer` writes the
plans of many dossiers with one batch per model: the histories are about 200 rows per
dossier. `creer_dossier` uses `bulk_create`; the generator and `manage.py demo` write the
same values with one executemany (SQLite) or COPY (PostgreSQL) per model, about four times
faster, since bulk_create spends most of its time preparing each value in Python.
"""

import functools
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone

from conventions.models import Caisse
from dossiers.models import (
    AideLogement,
    Civilite,
    Courrier,
    Creance,
    DeclarationRessources,
    Dossier,
    Droit,
    EtatPaiement,
    Logement,
    MesureAccompagnement,
    MinimumSocial,
    Nationalite,
    NatureQuotient,
    Paiement,
    Personne,
    QuotientFamilial,
    Ressource,
    Role,
    SensCourrier,
    Situation,
    SituationFamiliale,
    TypeOccupation,
    TypePaiement,
)
from profils.prestations import PRESTATIONS_LOGEMENT, Prestation

CAISSES_DEMO = ("131", "161", "541", "781", "831", "841", "171", "791", "861", "CMAF")
DOSSIERS_DOCUMENTES = (
    ("1000001", "complet"),
    ("1000002", "radie"),
    ("1000003", "opposition"),
    ("1000004", "creances"),
    ("1000005", "suspendu"),
)
CAS = ("complet", "radie", "opposition", "creances", "suspendu", "simple")
LIBELLES_CAS = {
    "complet": "complet : couple, deux enfants, toutes les rubriques renseignées",
    "radie": "radié : départ à l'étranger il y a sept mois",
    "opposition": "opposition au partage des données (T1, T2, T3)",
    "creances": "trois créances et surendettement en cours",
    "suspendu": "dossier suspendu depuis deux mois",
    "simple": "foyer ordinaire, moins de prestations",
}
PREMIER_NUMERO_GENERE = 2_000_000
MOIS_HISTORIQUE = 24
# Dossiers planned and written together by `generer_dossiers`: large enough for big INSERTs,
# small enough to keep memory flat (about 200 rows per dossier).
DOSSIERS_PAR_LOT = 1000

# --- Référentiels -------------------------------------------------------------------------

# (commune, codes postaux, code insee): real communes of the demo Cafs' departments.
COMMUNES = {
    "13": (
        ("Marseille", ("13001", "13003", "13004", "13005", "13010", "13013", "13014", "13015"), "13055"),
        ("Aix-en-Provence", ("13100", "13090"), "13001"),
        ("Aubagne", ("13400",), "13005"),
        ("Martigues", ("13500",), "13056"),
        ("Vitrolles", ("13127",), "13117"),
        ("Arles", ("13200",), "13004"),
    ),
    "16": (
        ("Angoulême", ("16000",), "16015"),
        ("Cognac", ("16100",), "16102"),
        ("Soyaux", ("16800",), "16374"),
        ("La Couronne", ("16400",), "16113"),
        ("Ruffec", ("16700",), "16292"),
    ),
    "54": (
        ("Nancy", ("54000", "54100"), "54395"),
        ("Essey-lès-Nancy", ("54270",), "54184"),
        ("Vandœuvre-lès-Nancy", ("54500",), "54547"),
        ("Lunéville", ("54300",), "54329"),
        ("Toul", ("54200",), "54528"),
    ),
    "78": (
        ("Saint-Germain-en-Laye", ("78100",), "78551"),
        ("Versailles", ("78000",), "78646"),
        ("Mantes-la-Jolie", ("78200",), "78361"),
        ("Poissy", ("78300",), "78498"),
        ("Sartrouville", ("78500",), "78586"),
        ("Trappes", ("78190",), "78621"),
    ),
    "83": (
        ("Toulon", ("83000", "83100", "83200"), "83137"),
        ("La Seyne-sur-Mer", ("83500",), "83126"),
        ("Hyères", ("83400",), "83069"),
        ("Fréjus", ("83600",), "83061"),
        ("Draguignan", ("83300",), "83050"),
    ),
    "84": (
        ("Avignon", ("84000",), "84007"),
        ("Carpentras", ("84200",), "84031"),
        ("Orange", ("84100",), "84087"),
        ("Cavaillon", ("84300",), "84035"),
        ("Pertuis", ("84120",), "84089"),
    ),
    "17": (
        ("La Rochelle", ("17000",), "17300"),
        ("Rochefort", ("17300",), "17299"),
        ("Saintes", ("17100",), "17415"),
        ("Royan", ("17200",), "17306"),
    ),
    "79": (
        ("Niort", ("79000",), "79191"),
        ("Bressuire", ("79300",), "79049"),
        ("Parthenay", ("79200",), "79202"),
        ("Thouars", ("79100",), "79329"),
    ),
    "86": (
        ("Poitiers", ("86000",), "86194"),
        ("Châtellerault", ("86100",), "86066"),
        ("Buxerolles", ("86180",), "86041"),
        ("Loudun", ("86200",), "86137"),
    ),
}
AUTRES_LIEUX = tuple(communes[0][2] for communes in COMMUNES.values())
# The Caisse Maritime's allocataires are seafarers: port towns, La Rochelle first.
PORTS = (
    ("La Rochelle", ("17000",), "17300"),
    ("Rochefort", ("17300",), "17299"),
    ("Royan", ("17200",), "17306"),
)
DEPARTEMENTS = {
    "13": "des Bouches-du-Rhône",
    "16": "de la Charente",
    "17": "de la Charente-Maritime",
    "54": "de Meurthe-et-Moselle",
    "78": "des Yvelines",
    "79": "des Deux-Sèvres",
    "83": "du Var",
    "84": "de Vaucluse",
    "86": "de la Vienne",
}
BAILLEURS_SOCIAUX = {
    "13": ("Habitat Marseille Provence", "13 Habitat", "Logirem", "Erilia"),
    "16": ("Logélia Charente", "Office public de l'habitat de l'Angoumois", "Noalis"),
    "17": ("Office public de l'habitat de l'agglomération rochelaise", "Habitat 17"),
    "54": ("Meurthe-et-Moselle Habitat", "OMh du Grand Nancy", "Batigère"),
    "78": ("Les Résidences Yvelines Essonne", "Versailles Habitat"),
    "79": ("Deux-Sèvres Habitat", "Immobilière Atlantic Aménagement"),
    "83": ("Var Habitat", "Toulon Habitat Méditerranée"),
    "84": ("Grand Avignon Résidences", "Mistral Habitat", "Grand Delta Habitat"),
    "86": ("Habitat de la Vienne", "Ekidom"),
}
BAILLEURS_PRIVES = (
    "SCI Les Tilleuls",
    "Agence immobilière du Centre",
    "Cabinet Giraud Gestion",
    "SCI du Port",
    "Agence de la Gare",
)
VOIES = (
    "rue de la République",
    "avenue Jean Jaurès",
    "boulevard Victor Hugo",
    "rue Pasteur",
    "rue Jules Ferry",
    "avenue de la Libération",
    "rue du Général de Gaulle",
    "rue Gambetta",
    "rue Voltaire",
    "allée des Tilleuls",
    "impasse des Lilas",
    "chemin des Vignes",
    "rue des Écoles",
    "avenue Jean Moulin",
    "rue Émile Zola",
    "rue Anatole France",
    "place de la Mairie",
    "rue du Stade",
)
COMPLEMENTS = ("", "", "", "Bâtiment B", "Résidence Les Oliviers, bât. C", "Appartement 12", "Escalier 2, 3e étage")

NOMS = (
    "MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS", "MOREAU", "LAURENT",
    "SIMON", "MICHEL", "LEFEBVRE", "LEROY", "ROUX", "DAVID", "BERTRAND", "MOREL", "FOURNIER", "GIRARD",
    "BONNET", "DUPONT", "LAMBERT", "FONTAINE", "ROUSSEAU", "VINCENT", "MULLER", "FAURE", "ANDRE", "MERCIER",
    "BLANC", "GUERIN", "BOYER", "GARNIER", "CHEVALIER", "LEGRAND", "GAUTHIER", "GARCIA", "PERRIN", "ROBIN",
    "CLEMENT", "MORIN", "NICOLAS", "HENRY", "ROUSSEL", "MATHIEU", "MASSON", "MARCHAND", "DUVAL", "DENIS",
    "DUMONT", "LEMAIRE", "NOEL", "MEYER", "DUFOUR", "MEUNIER", "BRUN", "BLANCHARD", "GIRAUD", "JOLY",
    "RIVIERE", "LUCAS", "BRUNET", "GAILLARD", "BARBIER", "ARNAUD", "MARTINEZ", "GERARD", "ROCHE", "RENARD",
    "SCHMITT", "ROY", "LEROUX", "COLIN", "VIDAL", "CARON", "PICARD", "ROGER", "FABRE", "AUBERT",
    "LEMOINE", "RENAUD", "DUMAS", "LACROIX", "OLIVIER", "BOURGEOIS", "BENOIT", "REY", "LECLERC", "ROLLAND",
    "GUILLAUME", "LECOMTE", "LOPEZ", "DUPUY", "HUBERT", "BERGER", "CARPENTIER", "SANCHEZ", "DUPUIS", "MOULIN",
    "DESCHAMPS", "HUET", "VASSEUR", "PEREZ", "BOUCHER", "FLEURY", "KLEIN", "JACQUET", "ADAM", "POIRIER",
    "MARTY", "AUBRY", "GUYOT", "CARRE", "RENAULT", "CHARPENTIER", "MENARD", "MAILLARD", "BARON", "BAILLY",
    "SCHNEIDER", "FERNANDEZ", "LE GALL", "COLLET", "LEGER", "BOUVIER", "PREVOST", "PERROT", "LE ROUX", "BRETON",
    "BESSON", "LANGLOIS", "REMY", "LE GOFF", "PELLETIER", "PERRIER", "LEBLANC", "LEBRUN", "MARCHAL", "WEBER",
    "HAMON", "BOULANGER", "MONNIER", "MICHAUD", "RODRIGUEZ", "GILLET", "TESSIER", "CHAUVIN", "DA SILVA", "FERREIRA",
    "DOS SANTOS", "BENALI", "HADDAD", "BOUZID", "MANSOURI", "CHERIF", "DIALLO", "TRAORE", "NGUYEN", "YILMAZ",
)  # fmt: skip
PRENOMS_FEMMES = (
    "Marie", "Nathalie", "Isabelle", "Sylvie", "Sandrine", "Valérie", "Christine", "Stéphanie", "Céline",
    "Émilie", "Julie", "Aurélie", "Laetitia", "Sophie", "Audrey", "Caroline", "Virginie", "Élodie", "Karine",
    "Amandine", "Mélanie", "Camille", "Laura", "Sarah", "Manon", "Nadia", "Samira", "Fatima", "Yasmina",
    "Laurence", "Delphine", "Hélène", "Jessica", "Marion", "Pauline", "Anaïs", "Claire", "Myriam", "Sonia",
)  # fmt: skip
PRENOMS_HOMMES = (
    "Jean", "Pierre", "Michel", "Philippe", "Nicolas", "Christophe", "Stéphane", "Sébastien", "Julien", "David",
    "Frédéric", "Laurent", "Olivier", "Thomas", "Mickaël", "Jérôme", "Cédric", "Anthony", "Kevin", "Maxime",
    "Romain", "Alexandre", "Mohamed", "Karim", "Rachid", "Mehdi", "Bruno", "Patrick", "Franck", "Vincent",
    "Thierry", "Fabrice", "Arnaud", "Guillaume", "Yannick", "Grégory", "Samir", "Ludovic", "Damien",
)  # fmt: skip
PRENOMS_AINEES = ("Monique", "Jacqueline", "Françoise", "Danielle", "Josiane", "Colette", "Yvette", "Huguette")
PRENOMS_FILLES = (
    "Emma", "Jade", "Louise", "Alice", "Chloé", "Lina", "Léa", "Rose", "Anna", "Inès",
    "Manon", "Camille", "Zoé", "Lola", "Sarah", "Mila", "Ambre", "Nina", "Juliette", "Lucie",
)  # fmt: skip
PRENOMS_GARCONS = (
    "Gabriel", "Léo", "Raphaël", "Louis", "Lucas", "Adam", "Arthur", "Hugo", "Jules", "Nathan",
    "Ethan", "Noah", "Tom", "Sacha", "Maël", "Théo", "Paul", "Nolan", "Rayan", "Mathis",
)  # fmt: skip
# (pays, code pays insee of the NIR, noms, prénoms d'hommes) for adults born abroad.
PAYS = (
    ("Maroc", "350", ("EL AMRANI", "BENJELLOUN", "TAZI"), ("Youssef", "Mohamed", "Hicham")),
    ("Algérie", "352", ("BELKACEM", "BOUDIAF", "SAIDI"), ("Karim", "Sofiane", "Nordine")),
    ("Tunisie", "351", ("BEN SALAH", "TRABELSI", "JEBALI"), ("Sami", "Walid", "Anis")),
    ("Sénégal", "341", ("NDIAYE", "DIOP", "FALL"), ("Moussa", "Ibrahima", "Cheikh")),
    ("Turquie", "208", ("YILDIZ", "KAYA", "DEMIR"), ("Mehmet", "Emre", "Murat")),
)

# Monthly amounts of the current year, before the April revaluations counted backwards.
MONTANTS = {
    Prestation.AF: {2: 148.52, 3: 338.81, 4: 529.10},
    Prestation.CF: 189.35,
    Prestation.PAJE: 184.81,
    Prestation.ASF: 195.85,
    Prestation.AAH: 1016.05,
    Prestation.CR_AAH: 179.31,
    Prestation.MVA: 104.77,
}
ARS_PAR_AGE = ((6, 10, 416.40), (11, 14, 439.38), (15, 18, 454.60))
REVALORISATION = 0.985  # one April back: about -1.5 %

TRAITE, EMIS = EtatPaiement.TRAITE, EtatPaiement.EMIS
MENSUEL, EXCEPTIONNEL, APL = TypePaiement.MENSUEL, TypePaiement.EXCEPTIONNEL, TypePaiement.APL
ZERO = Decimal("0.00")

# The tuples planned for the big history tables: every column but the key and the dossier, in
# the model's order (checked by `_schema`).
COLONNES = {
    Droit: ("mois", "prestation", "montant", "suspendu", "inferieur_seuil"),
    Paiement: (
        "date_paiement",
        "etat",
        "type",
        "prestation",
        "nature",
        "periode",
        "montant",
        "montant_recupere",
        "destinataire",
    ),
    QuotientFamilial: ("nature", "mois", "montant", "date_calcul", "nb_parts", "ressources_psu"),
    Ressource: ("annee", "trimestre", "type_personne", "nature", "montant"),
    DeclarationRessources: ("trimestre_debut", "prestation", "date_reception", "etat"),
}
# Smaller tables, planned as keyword dicts.
TABLES_DICTS = (Logement, Creance, Courrier, MinimumSocial, MesureAccompagnement)


# --- Months ---------------------------------------------------------------------------------


def _indice(jour: date) -> int:
    """Months since year 0: month arithmetic on plain integers."""
    return jour.year * 12 + jour.month - 1


@functools.lru_cache(maxsize=8192)
def _mois(indice: int) -> date:
    return date(indice // 12, indice % 12 + 1, 1)


def _avrils(indice: int) -> int:
    """How many Aprils from year 0 up to this month: revaluations between two months."""
    return (indice - 3) // 12 + 1


@functools.lru_cache(maxsize=8192)
def _date_versement(indice: int, jour_du_mois: int = 5) -> date:
    """A month's prestations are paid around the 5th of the next one, never on a weekend."""
    versement = _mois(indice + 1).replace(day=jour_du_mois)
    return versement + timedelta(days=(0, 0, 0, 0, 0, 2, 1)[versement.weekday()])


@functools.lru_cache(maxsize=8192)
def _date_calcul(indice: int, jour_du_mois: int, jour: date) -> date:
    """The quotients familiaux are computed early in the month, never after `jour`."""
    return min(_mois(indice).replace(day=jour_du_mois), jour)


def _en_montant(valeur: float) -> Decimal:
    return Decimal(f"{valeur:.2f}")


def _avant(jour: date, annees: float = 0, jours: int = 0) -> date:
    return jour - timedelta(days=round(annees * 365.25) + jours)


# --- Planning one dossier -------------------------------------------------------------------


@dataclass
class _Plan:
    dossier: dict
    personnes: list = field(default_factory=list)
    lignes: dict = field(default_factory=lambda: {model: [] for model in (*COLONNES, *TABLES_DICTS)})


@dataclass
class _Versement:
    """A prestation paid over a range of months (indices), at a constant amount before revaluation."""

    prestation: str
    montant: float
    debut: int = 0
    fin: int = 10**6
    type: str = MENSUEL
    destinataire: str = ""
    recupere: Decimal = ZERO  # indu recovered on each payment from `recupere_depuis`
    recupere_depuis: int = 10**6


@dataclass
class _Adulte:
    civilite: str
    personne: dict


class _Construction:
    """Plans one dossier: its people and every history, as plain Python values."""

    def __init__(self, caisse: Caisse, numero: str, cas: str, jour: date, mois_historique: int, graine, base: str):
        if cas not in CAS:
            raise ValueError(f"Cas inconnu : {cas!r} (attendu : {', '.join(CAS)}).")
        self.rng = random.Random(f"cafpro-dossier:{caisse.numero}:{numero}:{cas}:{graine}")
        self.caisse, self.numero, self.cas, self.jour, self.base = caisse, numero, cas, jour, base
        self.departement = caisse.departement
        self.communes = PORTS if caisse.est_maritime else COMMUNES.get(caisse.departement, PORTS)
        self.fin = _indice(jour)
        self.debut = self.fin - max(mois_historique, 1) + 1
        self.dernier = self.fin  # last month with rights: earlier for a radiated dossier
        self.suspension = None  # first suspended month
        self.versements: list[_Versement] = []
        self.totaux = {}  # month → total of the rights, for the quotients familiaux
        self.totaux_logement = {}  # month → total of the aides au logement
        self.revenus = {}  # year → household's taxable resources
        self.adultes: list[_Adulte] = []
        self.enfants: list[dict] = []
        self.plan = _Plan(dossier={})

    # Small helpers

    def choix(self, valeurs):
        return valeurs[self.rng.randrange(len(valeurs))]

    def adresse(self) -> tuple[str, str, str, str, str]:
        commune, codes_postaux, insee = self.choix(self.communes)
        voie = f"{self.rng.randint(1, 120)}, {self.choix(VOIES)}"
        return voie, self.choix(COMPLEMENTS), self.choix(codes_postaux), commune, insee

    def nom_departement(self) -> str:
        nom = self.caisse.nom
        return DEPARTEMENTS.get(self.departement) or (nom[4:] if nom.startswith("Caf ") else "")

    def nir(self, sexe: int, naissance: date, lieu: str) -> str:
        # 13 digits: sex, year and month of birth, insee code of the birthplace, order number.
        return f"{sexe}{naissance.year % 100:02d}{naissance.month:02d}{lieu}{self.rng.randint(1, 999):03d}"

    def naissance(self, age_min: float, age_max: float) -> date:
        return _avant(self.jour, jours=self.rng.randint(round(age_min * 365.25), round(age_max * 365.25)))

    def lieu_naissance(self) -> str:
        """Mostly born in the department, sometimes in another one."""
        return self.choix(self.communes)[2] if self.rng.random() < 0.7 else self.choix(AUTRES_LIEUX)

    def montants(self, montant: float) -> list[Decimal]:
        """The amount of each month back from this one: one revaluation per April."""
        avrils = _avrils(self.fin)
        par_revalorisation = [_en_montant(montant * REVALORISATION**n) for n in range(avrils - _avrils(self.debut) + 1)]
        return [par_revalorisation[avrils - _avrils(i)] for i in range(self.debut, self.fin + 1)]

    # People

    def adulte(self, role, civilite, age_min, age_max, nom=None, etranger=None, **champs) -> _Adulte:
        femme = civilite == Civilite.MADAME
        naissance = self.naissance(age_min, age_max)
        if etranger:
            pays, code_pays, noms, prenoms = etranger
            nom = nom or self.choix(noms)
            prenom = self.choix(prenoms)
            lieu = "99" + code_pays
        else:
            nom = nom or self.choix(NOMS)
            prenom = self.choix(PRENOMS_FEMMES if femme else PRENOMS_HOMMES)
            lieu = self.lieu_naissance()
        personne = {
            "role": role,
            "civilite": civilite,
            "nom": nom,
            "prenom": prenom,
            "date_naissance": naissance,
            "nir": self.nir(2 if femme else 1, naissance, lieu),
            "nationalite": Nationalite.ETRANGERE if etranger else Nationalite.FRANCAISE,
            "ordre": 0 if role == Role.RESPONSABLE else 1,
            **champs,
        }
        if etranger:
            personne["titre_sejour_fin"] = self.jour + timedelta(days=self.rng.randint(60, 700))
        self.plan.personnes.append(personne)
        adulte = _Adulte(civilite, personne)
        self.adultes.append(adulte)
        return adulte

    def enfant(self, nom: str, age_min: float, age_max: float, **champs) -> dict:
        fille = self.rng.random() < 0.5
        naissance = self.naissance(age_min, age_max)
        age = (self.jour - naissance).days / 365.25
        if age < 3:
            activite, depuis = "Non scolarisé", naissance
        else:
            rentree = date(self.jour.year if self.jour.month >= 9 else self.jour.year - 1, 9, 1)
            activite = "Scolarisé en primaire" if age < 11 else "Collégien" if age < 15 else "Lycéen"
            depuis = rentree
        a_charge = not champs.get("placement_sans_liens")
        personne = {
            "role": Role.ENFANT,
            "nom": nom,
            "prenom": self.choix(PRENOMS_FILLES if fille else PRENOMS_GARCONS),
            "date_naissance": naissance,
            "nir": self.nir(2 if fille else 1, naissance, self.choix(self.communes)[2]),
            "nationalite": Nationalite.FRANCAISE,
            "activite": activite,
            "activite_depuis": depuis,
            "charge_pf": a_charge and age < 20,
            "charge_logement": a_charge,
            "charge_rsa": a_charge and age < 25,
            "ordre": 2 + len(self.enfants),
            **champs,
        }
        self.plan.personnes.append(personne)
        self.enfants.append(personne)
        return personne

    def enfants_a_charge(self) -> list[dict]:
        return [e for e in self.enfants if e["charge_pf"]]

    # Histories

    def verser(self, prestation, montant, **options) -> _Versement:
        versement = _Versement(prestation, montant, **options)
        self.versements.append(versement)
        return versement

    def droits_et_paiements(self) -> None:
        droits, paiements = self.plan.lignes[Droit], self.plan.lignes[Paiement]
        jour, suspension = self.jour, self.suspension
        for v in self.versements:
            montants = self.montants(v.montant)
            totaux = self.totaux_logement if v.prestation in PRESTATIONS_LOGEMENT else self.totaux
            for i in range(max(v.debut, self.debut), min(v.fin, self.dernier) + 1):
                montant = montants[i - self.debut]
                mois = _mois(i)
                suspendu = suspension is not None and i >= suspension
                droits.append((mois, v.prestation, montant, suspendu, False))
                totaux[i] = totaux.get(i, 0.0) + float(montant)
                if suspendu:
                    continue  # a suspended right is not paid
                versement = _date_versement(i)
                recupere = v.recupere if i >= v.recupere_depuis else ZERO
                etat = EMIS if versement <= jour else TRAITE
                paiements.append(
                    (versement, etat, v.type, v.prestation, "mensuel", mois, montant, recupere, v.destinataire)
                )
        self.rentree_scolaire()

    def rentree_scolaire(self) -> None:
        """ARS: once a year in August, for the children aged 6 to 18 at the start of the school year."""
        for i in range(self.debut, self.dernier + 1):
            if i % 12 != 7 or (self.suspension is not None and i >= self.suspension):
                continue
            rentree = date(i // 12, 9, 15)
            total = 0.0
            for e in self.enfants_a_charge():
                age = (rentree - e["date_naissance"]).days // 365
                total += next((m for debut, fin, m in ARS_PAR_AGE if debut <= age <= fin), 0.0)
            if not total or self.revenus_de(i // 12) > 30000:
                continue
            montant = _en_montant(total * REVALORISATION ** (_avrils(self.fin) - _avrils(i)))
            mois = _mois(i)
            versement = _date_versement(i - 1, 19)  # mid-August, with its own payment
            etat = EMIS if versement <= self.jour else TRAITE
            self.plan.lignes[Droit].append((mois, Prestation.ARS, montant, False, False))
            self.plan.lignes[Paiement].append(
                (versement, etat, EXCEPTIONNEL, Prestation.ARS, "mensuel", mois, montant, ZERO, "")
            )

    def rappel(self, prestation, periode: int, verse_le: date, montant: float, type=MENSUEL) -> None:
        if periode < self.debut or periode > self.dernier:
            return
        etat = EMIS if verse_le <= self.jour else TRAITE
        self.plan.lignes[Paiement].append(
            (verse_le, etat, type, prestation, "rappel", _mois(periode), _en_montant(montant), ZERO, "")
        )

    def revenus_de(self, annee: int) -> float:
        """The household's taxable resources of a year (the nearest known one otherwise)."""
        if annee in self.revenus:
            return self.revenus[annee]
        connues = sorted(self.revenus)
        if not connues:
            return 0.0
        return self.revenus[min(connues, key=lambda a: abs(a - annee))]

    def ressources(self, annuelles: dict, trimestrielles: dict) -> None:
        """`annuelles`: {année: [(type de personne, nature, montant)]}; same per (année, trimestre)."""
        lignes = self.plan.lignes[Ressource]
        for annee, natures in annuelles.items():
            self.revenus[annee] = sum(m for _, _, m in natures)
            for type_personne, nature, montant in natures:
                lignes.append((annee, None, type_personne, nature, _en_montant(montant)))
        for (annee, trimestre), natures in trimestrielles.items():
            for type_personne, nature, montant in natures:
                lignes.append((annee, trimestre, type_personne, nature, _en_montant(montant)))

    def derniers_trimestres(self, nombre: int) -> list[tuple[int, int]]:
        """The last `nombre` whole quarters before the current one, most recent first."""
        courant = self.jour.year * 4 + (self.jour.month - 1) // 3
        return [((courant - n) // 4, (courant - n) % 4 + 1) for n in range(1, nombre + 1)]

    def quotients(self, parts: Decimal, parts_caf: Decimal, jour_calcul: int) -> None:
        lignes = self.plan.lignes[QuotientFamilial]
        memoire = {}
        for i in range(self.debut, self.dernier + 1):
            annee = i // 12
            autres, logement = self.totaux.get(i, 0.0), self.totaux_logement.get(i, 0.0)
            cle = (annee, autres, logement)
            if cle not in memoire:
                ressources = self.revenus_de(annee - 2)  # the year N-2, as for every Caf's QF
                qf = (ressources / 12 + autres + logement) / float(parts)
                # The Caf's own QF leaves out the aides au logement and counts its own parts.
                qf_caf = (ressources / 12 + autres) / float(parts_caf)
                memoire[cle] = (Decimal(round(qf)), Decimal(round(qf_caf)), _en_montant(ressources))
            qf, qf_caf, psu = memoire[cle]
            mois = _mois(i)
            calcul = _date_calcul(i, jour_calcul, self.jour)
            lignes.append((NatureQuotient.CNAF, mois, qf, calcul, parts, psu))
            lignes.append((NatureQuotient.CAF, mois, qf_caf, calcul, parts_caf, None))

    def declarations(self, prestation: str, nombre: int = 8) -> None:
        lignes = self.plan.lignes[DeclarationRessources]
        for rang, (annee, trimestre) in enumerate(self.derniers_trimestres(nombre)):
            debut = date(annee, 3 * trimestre - 2, 1)
            if self.cas == "radie" and debut >= self.plan.dossier["situation_depuis"]:
                continue
            fin_trimestre = _mois(_indice(debut) + 3)
            recue = fin_trimestre + timedelta(days=self.rng.randint(2, 18))
            if recue > self.jour:
                lignes.append((debut, prestation, None, "Attendue"))
            elif rang == 0 and (self.jour - recue).days < 10:
                lignes.append((debut, prestation, recue, "Reçue, en cours de traitement"))
            elif rang == 5:
                lignes.append((debut, prestation, recue + timedelta(days=31), "Reçue hors délai, traitée"))
            else:
                lignes.append((debut, prestation, recue, "Traitée"))

    def courrier(self, sens, type_courrier, le: date, etat: str, traite_apres: int | None = None) -> None:
        traite = None if traite_apres is None else min(le + timedelta(days=traite_apres), self.jour)
        self.plan.lignes[Courrier].append(
            {"sens": sens, "type_courrier": type_courrier, "date": le, "etat": etat, "date_traitement": traite}
        )

    def courriers_recents(self, recus: list[str]) -> None:
        """Letters of the last two months (the rubrique's depth), then two older ones."""
        fin = self.jour
        # From the 1st of last month: inside any two-month window.
        etendue = (self.jour - _mois(self.fin - 1)).days
        if self.cas == "radie":
            fin, etendue = self.plan.dossier["situation_depuis"], 40
        for rang, type_courrier in enumerate(recus):
            le = fin - timedelta(days=round(etendue * (0.1 + 0.4 * rang)))
            if rang == 0:
                self.courrier(SensCourrier.RECU, type_courrier, le, "En cours de traitement")
            else:
                self.courrier(SensCourrier.RECU, type_courrier, le, "Traité", self.rng.randint(2, 9))
        self.courrier(SensCourrier.ENVOYE, "Notification de droits", fin - timedelta(days=etendue // 3), "Envoyé", 0)
        anciens = fin - timedelta(days=self.rng.randint(100, 160)), fin - timedelta(days=self.rng.randint(250, 330))
        self.courrier(SensCourrier.RECU, "Déclaration de situation", anciens[0], "Traité", self.rng.randint(5, 20))
        self.courrier(SensCourrier.ENVOYE, "Demande de pièces justificatives", anciens[1], "Envoyé", 0)

    def iban(self) -> str:
        bban = f"{self.rng.randrange(10**23):023d}"
        cle = 98 - int(bban + "152700") % 97  # FR00 moved to the end, letters as numbers
        iban = f"FR{cle:02d}{bban}"
        return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))

    def dossier(self, **champs) -> None:
        voie, complement, code_postal, commune, insee = self.adresse()
        self.plan.dossier.update(
            numero_allocataire=self.numero,
            adresse_voie=voie,
            adresse_complement=complement,
            code_postal=code_postal,
            commune=commune,
            code_insee=insee,
            references_bancaires=self.iban(),
            **champs,
        )

    def logement(
        self, debut: date, fin: date | None, type_occupation, aide="", bailleur="", loyer=0.0, dernier=False, **champs
    ):
        """`dernier`: the dossier's own address (the current dwelling, or the last one of a radiated dossier)."""
        d = self.plan.dossier
        if fin is None or dernier:
            adresse = f"{d['adresse_voie']}, {d['code_postal']} {d['commune']}"
            if d["adresse_complement"]:
                adresse = f"{d['adresse_complement']}, {adresse}"
        else:
            voie, _, code_postal, commune, _ = self.adresse()
            adresse = f"{voie}, {code_postal} {commune}"
        self.plan.lignes[Logement].append(
            {
                "adresse": adresse,
                "type_occupation": type_occupation,
                "date_debut": debut,
                "date_fin": fin,
                "date_ouverture_droit": _mois(_indice(debut) + 1) if aide else None,
                "loyer": _en_montant(loyer),
                "date_reference_loyer": date(self.jour.year if fin is None else fin.year, 1, 1) if loyer else None,
                "date_debut_bail": debut if type_occupation.startswith("locataire") else None,
                "bailleur": bailleur,
                "aide": aide,
                **champs,
            }
        )

    def bailleur_social(self) -> str:
        return self.choix(BAILLEURS_SOCIAUX.get(self.departement, BAILLEURS_SOCIAUX["17"]))

    # The cases

    def construire(self) -> _Plan:
        if self.base == "simple":
            self.simple()
        else:
            self.complet()
        return self.plan

    def complet(self) -> None:
        rng, jour, cas = self.rng, self.jour, self.cas
        madame_responsable = rng.random() < 0.6
        etranger = self.choix(PAYS)
        mariage = _avant(jour, 16, rng.randint(0, 300))
        radiation = None
        if cas == "radie":
            radiation = _mois(self.fin - 7).replace(day=10)
            self.dernier = self.fin - 8  # the rights end with the month before the departure
        self.dossier(
            situation=Situation.RADIE if radiation else Situation.AFFILIE,
            situation_depuis=radiation or _avant(jour, 12, rng.randint(0, 200)),
            motif_radiation="Départ à l'étranger" if radiation else "",
            suspendu_depuis=_mois(self.fin - 2) if cas == "suspendu" else None,
            situation_familiale=SituationFamiliale.MARIE,
            situation_familiale_depuis=mariage,
            surendettement=cas == "creances",
            opposition_partage=cas == "opposition",
            grossesse_debut=None if radiation else jour - timedelta(days=rng.randint(70, 120)),
        )
        if cas == "suspendu":
            self.suspension = self.fin - 2
        # The responsable works part time; the conjoint has the AAH since the CDAPH's decision.
        # Monsieur was born abroad; Madame bears his name and keeps her birth name.
        cdaph = _mois(self.fin - 38)
        travail = {"activite": "Activité salariée à temps partiel", "activite_depuis": _avant(jour, 2, 40)}
        handicap = {
            "avis_cdaph": "Taux d'incapacité au moins égal à 80 %",
            "avis_cdaph_debut": cdaph,
            "avis_cdaph_fin": cdaph.replace(year=cdaph.year + 5) - timedelta(days=1),
            "activite": "Sans activité — bénéficiaire de l'AAH",
            "activite_depuis": cdaph,
        }
        role_monsieur, role_madame = (
            (Role.CONJOINT, Role.RESPONSABLE) if madame_responsable else (Role.RESPONSABLE, Role.CONJOINT)
        )
        monsieur = self.adulte(
            role_monsieur,
            Civilite.MONSIEUR,
            45,
            49,
            etranger=etranger,
            **(handicap if madame_responsable else travail),
        )
        nom_naissance = self.choix(NOMS)
        nom = monsieur.personne["nom"]
        madame = self.adulte(
            role_madame,
            Civilite.MADAME,
            40,
            42,
            nom=nom,
            nom_naissance=nom_naissance,
            **(travail if madame_responsable else handicap),
        )
        responsable = madame if madame_responsable else monsieur
        self.enfant(nom, 15.5, 16.5)
        self.enfant(nom, 8.5, 9.5)
        if cas == "creances":
            # Placed by the Aide sociale à l'enfance without keeping the ties: not à charge.
            self.enfant(nom, 12.5, 13.5, placement_sans_liens=True, activite="Placé — Aide sociale à l'enfance")
        # Madame's mother lives with them: à charge for the aide au logement only.
        mere = self.adulte(Role.AUTRE, Civilite.MADAME, 74, 78, nom=nom_naissance)
        self.adultes.remove(mere)
        mere.personne.update(prenom=self.choix(PRENOMS_AINEES), activite="Retraitée", charge_logement=True, ordre=9)

        # Housing: HLM with APL paid to the landlord since the move 14 months ago, ALF before.
        emmenagement = _mois(self.fin - 14).replace(day=rng.randint(1, 20))
        precedent = _avant(jour, 6, rng.randint(0, 200))
        bailleur = self.bailleur_social()
        self.logement(
            emmenagement,
            radiation,
            TypeOccupation.LOCATAIRE_HLM,
            AideLogement.APL,
            bailleur,
            rng.randint(480, 620) + 0.4,
            dernier=True,
            tiers_payant=True,
            impaye_depuis=None if radiation else _mois(self.fin - 3),
        )
        self.logement(
            precedent,
            emmenagement - timedelta(days=1),
            TypeOccupation.LOCATAIRE,
            AideLogement.ALF,
            self.choix(BAILLEURS_PRIVES),
            rng.randint(550, 700),
            surpeuplement=True,
        )
        self.logement(_avant(jour, 11, rng.randint(0, 200)), precedent - timedelta(days=1), TypeOccupation.HEBERGE)

        # Resources: N-2 to N-4 and an older year, then the last four quarters. Madame receives
        # a pension alimentaire for her eldest child, now grown up and gone.
        annee = jour.year
        salaire = rng.randint(11000, 13500)
        travailleur = "Madame" if madame_responsable else "Monsieur"
        invalide = "Monsieur" if madame_responsable else "Madame"
        avant_aah = {
            annee - 5: ("Salaires et traitements", rng.randint(15000, 18000)),
            annee - 4: ("Indemnités Sécurité Sociale", rng.randint(5000, 7000) + 0.5),
            annee - 3: ("Ressources nulles", 0.0),
            annee - 2: ("Ressources nulles", 0.0),
        }
        annuelles = {
            a: [
                (travailleur, "Salaires et traitements", salaire * (1 - 0.02 * (annee - 2 - a))),
                (invalide, *avant_aah[a]),
                ("Madame", "Pensions alimentaires reçues", 1800.0),
            ]
            for a in (annee - 2, annee - 3, annee - 4, annee - 5)
        }
        trimestrielles = {
            trimestre: [
                (travailleur, "Salaires et traitements", salaire / 4 + rng.randint(-150, 150)),
                (invalide, "Ressources nulles", 0.0),
                ("Madame", "Pensions alimentaires reçues", 450.0),
            ]
            for trimestre in self.derniers_trimestres(4)
        }
        self.ressources(annuelles, trimestrielles)

        # Rights: AF, ALF then APL, RSA and, for the conjoint, AAH + CRAAH + MVA.
        af = self.verser(
            Prestation.AF, MONTANTS[Prestation.AF][2], recupere=Decimal("45.00"), recupere_depuis=self.fin - 5
        )
        move = _indice(emmenagement)
        self.verser(Prestation.ALF, rng.randint(260, 320) + 0.27, fin=move)
        self.verser(Prestation.APL, rng.randint(330, 390) + 0.61, debut=move + 1, type=APL, destinataire=bailleur)
        rsa_debut = _mois(self.fin - 40)
        self.verser(Prestation.RSA, rng.randint(380, 460) + 0.19, debut=_indice(rsa_debut))
        for prestation in (Prestation.AAH, Prestation.CR_AAH, Prestation.MVA):
            self.verser(prestation, MONTANTS[prestation], debut=_indice(cdaph))
        self.droits_et_paiements()
        # Two rappels: the ALF after a rent update, the AF once a child's schooling was proven.
        self.rappel(Prestation.ALF, move - 2, _date_versement(move), 38.12)
        self.rappel(Prestation.AF, self.fin - 14, _mois(self.fin - 12).replace(day=18), af.montant, EXCEPTIONNEL)

        nb_parts = Decimal("3.00")
        self.quotients(nb_parts, nb_parts + Decimal("0.50"), rng.randint(1, 4))

        # Minimum social: the RSA now; the RMI and API before 1 June 2009 (fixed dates).
        fin_rsa = radiation
        self.plan.lignes[MinimumSocial] += [
            {
                "prestation": Prestation.RSA,
                "socle": True,
                "demandeur": responsable.civilite,
                "nb_personnes": len(self.enfants_a_charge()),
                "date_demande": rsa_debut - timedelta(days=rng.randint(15, 40)),
                "date_debut": rsa_debut,
                "date_fin": fin_rsa,
                "motif_fin": "Radiation : départ à l'étranger" if fin_rsa else "",
            },
            {
                "prestation": Prestation.RMI,
                "demandeur": Civilite.MONSIEUR,
                "nb_personnes": 0,
                "date_demande": date(2006, 11, 20),
                "date_debut": date(2007, 1, 1),
                "date_fin": date(2009, 5, 31),
                "motif_fin": "Remplacement par le RSA au 1er juin 2009",
            },
            {
                "prestation": Prestation.API,
                "demandeur": Civilite.MADAME,
                "nb_personnes": 1,
                "date_demande": date(2005, 3, 14),
                "date_debut": date(2005, 4, 1),
                "date_fin": date(2006, 12, 31),
                "motif_fin": "Fin de droit : reprise d'une vie de couple",
            },
        ]
        departement = self.nom_departement()
        self.plan.lignes[MesureAccompagnement] += [
            {
                "nature": "Mesure d'accompagnement social personnalisé (MASP)",
                "date_debut": _avant(radiation or jour, jours=rng.randint(60, 150)),
                "date_fin": radiation,
                "tuteur": f"Département {departement} — service social",
            },
            {
                "nature": "Mesure judiciaire d'aide à la gestion du budget familial (MJAGBF)",
                "date_debut": _avant(jour, 9, rng.randint(0, 100)),
                "date_fin": _avant(jour, 7, rng.randint(0, 100)),
                "tuteur": f"UDAF {departement}",
            },
        ]
        self.declarations(Prestation.RSA)
        self.courriers_recents(["Déclaration trimestrielle de ressources", "Attestation de loyer"])
        self.creances(_en_montant(af.montant), departement)

    def creances(self, mensualite_af: Decimal, departement: str) -> None:
        retenue = Decimal("45.00")
        lignes = self.plan.lignes[Creance]
        lignes.append(
            {
                "nature": "Indu d'allocations familiales",
                "destinataire": self.caisse.nom,
                "montant_initial": 4 * mensualite_af,
                "remboursement": "Retenue sur prestations : 45,00 € par mois",
                "solde": 4 * mensualite_af - 6 * retenue,
                "etat": "En cours de recouvrement",
                "motif": "Changement de situation déclaré tardivement",
                "periode_debut": _mois(self.fin - 12),
                "periode_fin": _mois(self.fin - 8) - timedelta(days=1),
            }
        )
        if self.cas != "creances":
            return
        lignes += [
            {
                "nature": "Indu de revenu de solidarité active",
                "destinataire": f"Département {departement}",
                "montant_initial": Decimal("1263.40"),
                "remboursement": "Recouvrement suspendu",
                "solde": Decimal("1263.40"),
                "etat": "Suspendue — procédure de surendettement",
                "motif": "Ressources trimestrielles non déclarées",
                "periode_debut": _mois(self.fin - 20),
                "periode_fin": _mois(self.fin - 14) - timedelta(days=1),
            },
            {
                "nature": "Prêt à l'amélioration de l'habitat",
                "destinataire": self.caisse.nom,
                "montant_initial": Decimal("800.00"),
                "remboursement": "Remboursement direct : 40,00 € par mois",
                "solde": ZERO,
                "etat": "Soldée",
                "motif": "",
                "periode_debut": _mois(self.fin - 44),
                "periode_fin": _mois(self.fin - 24) - timedelta(days=1),
            },
        ]

    def simple(self) -> None:
        """A smaller household: couple or single, 0 to 3 children, the prestations that go with it."""
        rng, jour, cas = self.rng, self.jour, self.cas
        tirage = rng.random()
        couple = tirage < 0.5
        nb_enfants = self.choix((0, 1, 2, 2, 3) if couple else (1, 1, 2, 2, 3) if tirage < 0.85 else (0,))
        revenus = self.choix(("modestes", "modestes", "actifs", "moyens"))  # RSA, prime d'activité, neither
        radiation = _mois(self.fin - rng.randint(2, 18)).replace(day=rng.randint(1, 28)) if cas == "radie" else None
        if radiation:
            self.dernier = _indice(radiation) - 1
        if couple:
            familiale = self.choix(
                (SituationFamiliale.MARIE, SituationFamiliale.PACSE, SituationFamiliale.VIE_MARITALE)
            )
        else:
            familiale = self.choix(
                (SituationFamiliale.CELIBATAIRE, SituationFamiliale.DIVORCE, SituationFamiliale.SEPARE)
                if nb_enfants
                else (SituationFamiliale.CELIBATAIRE,)
            )
        self.dossier(
            situation=Situation.RADIE if radiation else Situation.AFFILIE,
            situation_depuis=radiation or _avant(jour, rng.uniform(1, 15)),
            motif_radiation=self.choix(("Départ à l'étranger", "Mutation vers une autre Caf", "Fin de droits"))
            if radiation
            else "",
            situation_familiale=familiale,
            situation_familiale_depuis=_avant(jour, rng.uniform(0.5, 12)),
            surendettement=cas == "creances",
            opposition_partage=cas == "opposition",
        )
        activite = {
            "modestes": ("Demandeur d'emploi non indemnisé", "Sans activité"),
            "actifs": ("Activité salariée à temps partiel", "Contrat à durée déterminée"),
            "moyens": ("Activité salariée", "Travailleur indépendant"),
        }[revenus]
        madame_responsable = rng.random() < (0.7 if couple else 0.85)
        civilites = (Civilite.MADAME, Civilite.MONSIEUR) if madame_responsable else (Civilite.MONSIEUR, Civilite.MADAME)
        responsable = self.adulte(
            Role.RESPONSABLE,
            civilites[0],
            22 + 2 * nb_enfants,
            48,
            activite=self.choix(activite),
            activite_depuis=_avant(jour, rng.uniform(0.2, 6)),
        )
        nom = responsable.personne["nom"]
        if couple:
            conjoint = self.adulte(
                Role.CONJOINT,
                civilites[1],
                22 + 2 * nb_enfants,
                50,
                nom=nom,
                activite=self.choix(activite),
                activite_depuis=_avant(jour, rng.uniform(0.2, 6)),
            )
            femme = conjoint if civilites[1] == Civilite.MADAME else responsable
            if familiale == SituationFamiliale.MARIE:
                femme.personne["nom_naissance"] = self.choix(NOMS)
        # Children born when the responsable was 18 at least; a couple formed before its eldest
        # child, and never before both were adults.
        age_responsable = (jour - responsable.personne["date_naissance"]).days / 365.25
        for _ in range(nb_enfants):
            self.enfant(nom, 0.3, min(17, age_responsable - 18))
        depuis = self.plan.dossier["situation_familiale_depuis"]
        if couple and self.enfants:
            depuis = min(depuis, min(e["date_naissance"] for e in self.enfants))
        plus_jeune = max(a.personne["date_naissance"] for a in self.adultes)
        self.plan.dossier["situation_familiale_depuis"] = max(depuis, plus_jeune + timedelta(days=366 * 18))
        if rng.random() < 0.08:
            self.plan.personnes[0]["nationalite"] = Nationalite.EEE

        # Housing: the current one, and the previous one when the move is recent.
        occupation = self.choix(
            (TypeOccupation.LOCATAIRE_HLM, TypeOccupation.LOCATAIRE, TypeOccupation.LOCATAIRE, TypeOccupation.ACCEDANT)
        )
        if revenus == "moyens" and rng.random() < 0.5:
            occupation = TypeOccupation.ACCEDANT
        emmenagement = _avant(radiation or jour, rng.uniform(0.3, 9))
        if occupation == TypeOccupation.LOCATAIRE_HLM:
            aide, bailleur, loyer = AideLogement.APL, self.bailleur_social(), rng.randint(350, 600)
        elif occupation == TypeOccupation.LOCATAIRE:
            aide = AideLogement.ALF if nb_enfants or couple else AideLogement.ALS
            bailleur, loyer = self.choix(BAILLEURS_PRIVES), rng.randint(450, 850)
        else:
            # An accédant with good resources has no APL: then his children bring the AF, so that
            # every dossier has some right to show.
            sans_aide = revenus == "moyens" and nb_enfants >= 2
            aide, bailleur, loyer = "" if sans_aide else AideLogement.APL, "", rng.randint(600, 1100)
        tiers_payant = aide == AideLogement.APL and occupation == TypeOccupation.LOCATAIRE_HLM
        self.logement(
            emmenagement,
            radiation,
            occupation,
            aide,
            bailleur,
            loyer,
            dernier=True,
            tiers_payant=tiers_payant,
            impaye_depuis=_mois(self.fin - rng.randint(2, 6)) if rng.random() < 0.05 and not radiation else None,
        )
        emmenagement_indice = _indice(emmenagement)
        if emmenagement_indice > self.debut:
            self.logement(
                _avant(emmenagement, rng.uniform(1, 6)),
                emmenagement - timedelta(days=1),
                TypeOccupation.LOCATAIRE,
                AideLogement.ALF if nb_enfants else AideLogement.ALS,
                self.choix(BAILLEURS_PRIVES),
                rng.randint(400, 700),
            )

        # Resources: N-2 to N-4; the quarters when a quarterly prestation is paid.
        annee = jour.year
        personnes = [("Madame" if a.civilite == Civilite.MADAME else "Monsieur", a) for a in self.adultes]
        niveau = {"modestes": (0, 4000), "actifs": (7000, 14000), "moyens": (18000, 32000)}[revenus]
        annuelles = {}
        for a in (annee - 2, annee - 3, annee - 4):
            lignes = []
            for type_personne, _ in personnes:
                montant = rng.randint(*niveau)
                nature = "Ressources nulles" if montant < 1000 else "Salaires et traitements"
                lignes.append((type_personne, nature, montant if montant >= 1000 else 0.0))
            if not couple and nb_enfants and rng.random() < 0.3:
                lignes.append((personnes[0][0], "Pensions alimentaires reçues", rng.randint(12, 30) * 100.0))
            annuelles[a] = lignes
        trimestriel = revenus in ("modestes", "actifs")
        trimestrielles = {}
        for trimestre in self.derniers_trimestres(4) if trimestriel else ():
            if revenus == "modestes":
                trimestrielles[trimestre] = [(tp, "Ressources nulles", 0.0) for tp, _ in personnes]
            else:
                trimestrielles[trimestre] = [
                    (tp, "Salaires et traitements", rng.randint(1800, 3500)) for tp, _ in personnes
                ]
        self.ressources(annuelles, trimestrielles)

        # Rights.
        a_charge = self.enfants_a_charge()
        if len(a_charge) >= 2:
            self.verser(Prestation.AF, MONTANTS[Prestation.AF][min(len(a_charge), 4)])
        if len(a_charge) >= 3 and revenus != "moyens":
            self.verser(Prestation.CF, MONTANTS[Prestation.CF])
        for e in a_charge:
            naissance = _indice(e["date_naissance"])
            if naissance + 36 > self.debut:  # the PAJE runs until the month before the 3rd birthday
                self.verser(Prestation.PAJE, MONTANTS[Prestation.PAJE], debut=naissance + 1, fin=naissance + 35)
        if not couple and a_charge and rng.random() < 0.4:
            self.verser(Prestation.ASF, MONTANTS[Prestation.ASF] * len(a_charge))
        if aide:
            debut_aide = emmenagement_indice + 1
            montant = rng.randint(120, 380) + 0.5
            if aide == AideLogement.APL:
                self.verser(
                    Prestation.APL, montant, debut=debut_aide, type=APL, destinataire=bailleur if tiers_payant else ""
                )
            else:
                self.verser(aide, montant, debut=debut_aide)
            if emmenagement_indice > self.debut:
                self.verser(Prestation.ALF if nb_enfants else Prestation.ALS, montant * 0.9, fin=emmenagement_indice)
        if revenus == "modestes":
            rsa_debut = self.dernier - rng.randint(6, 60)
            self.verser(Prestation.RSA, rng.randint(350, 900) + 0.12, debut=rsa_debut)
        elif revenus == "actifs":
            self.verser(Prestation.PPA, rng.randint(90, 310) + 0.45, debut=self.dernier - rng.randint(6, 40))
        if rng.random() < 0.05:
            cdaph = _mois(self.fin - rng.randint(12, 60))
            responsable.personne.update(
                avis_cdaph="Taux d'incapacité compris entre 50 et 79 %",
                avis_cdaph_debut=cdaph,
                avis_cdaph_fin=cdaph.replace(year=cdaph.year + 5) - timedelta(days=1),
            )
            self.verser(Prestation.AAH, MONTANTS[Prestation.AAH] * 0.6, debut=_indice(cdaph))
        if cas == "suspendu":
            self.suspension = self.fin - 2
            self.plan.dossier["suspendu_depuis"] = _mois(self.suspension)
        self.droits_et_paiements()
        if self.versements and rng.random() < 0.3:
            v = self.versements[0]
            self.rappel(v.prestation, self.fin - rng.randint(3, 12), _date_versement(self.fin - 2), v.montant * 0.4)

        parts = Decimal(2 + 0.5 * min(nb_enfants, 2) + max(nb_enfants - 2, 0)) if couple or nb_enfants else Decimal(1)
        self.quotients(parts.quantize(Decimal("0.01")), parts.quantize(Decimal("0.01")), rng.randint(1, 4))

        if revenus == "modestes":
            self.plan.lignes[MinimumSocial].append(
                {
                    "prestation": Prestation.RSA,
                    "socle": True,
                    "demandeur": responsable.civilite,
                    "nb_personnes": len(a_charge),
                    "date_demande": _mois(rsa_debut) - timedelta(days=rng.randint(10, 40)),
                    "date_debut": _mois(rsa_debut),
                    "date_fin": radiation,
                    "motif_fin": "Radiation du dossier" if radiation else "",
                }
            )
            self.declarations(Prestation.RSA)
        elif revenus == "actifs":
            self.declarations(Prestation.PPA, 4)
        if rng.random() < 0.05:
            self.plan.lignes[MesureAccompagnement].append(
                {
                    "nature": "Mesure d'accompagnement social personnalisé (MASP)",
                    "date_debut": _avant(radiation or jour, rng.uniform(0.2, 3)),
                    "date_fin": radiation,
                    "tuteur": f"Département {self.nom_departement()} — service social",
                }
            )
        recus = ["Déclaration trimestrielle de ressources"] if trimestriel else []
        recus.append(self.choix(("Attestation de loyer", "Justificatif de scolarité", "Avis d'imposition")))
        self.courriers_recents(recus)
        if cas == "creances":
            self.creances_simples()

    def creances_simples(self) -> None:
        for rang, (nature, etat) in enumerate(
            (
                ("Indu d'aide au logement", "En cours de recouvrement"),
                ("Indu de prestations familiales", "Suspendue — procédure de surendettement"),
                ("Prêt d'équipement ménager", "Soldée"),
            )
        ):
            montant = _en_montant(self.rng.randint(150, 1500))
            debut = self.fin - 6 - 8 * rang
            self.plan.lignes[Creance].append(
                {
                    "nature": nature,
                    "destinataire": self.caisse.nom,
                    "montant_initial": montant,
                    "remboursement": "Retenue sur prestations : 30,00 € par mois" if rang == 0 else "",
                    "solde": ZERO if etat == "Soldée" else montant,
                    "etat": etat,
                    "motif": "Ressources non déclarées" if rang == 0 else "",
                    "periode_debut": _mois(debut),
                    "periode_fin": _mois(debut + 4) - timedelta(days=1),
                }
            )


# --- Writing plans in bulk ----------------------------------------------------------------


def _colonnes(model) -> tuple[str, ...]:
    """Every column but the key, `dossier_id` first: the planned tuples follow this order."""
    noms = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
    noms.remove("dossier_id")
    return ("dossier_id", *noms)


@functools.cache
def _schema() -> list[tuple]:
    """(model, columns, planned row → full row) for each table under Dossier."""
    schema = []
    for model in (Personne, *COLONNES, *TABLES_DICTS):
        colonnes = _colonnes(model)
        if model in COLONNES:
            # The hot tables are planned as full tuples, in the model's order: nothing to fill in.
            if COLONNES[model] != colonnes[1:]:
                raise ImproperlyConfigured(f"COLONNES[{model.__name__}] ne suit plus le modèle : {colonnes[1:]}.")
            schema.append((model, colonnes, None))
        else:
            defauts = {f.attname: f.get_default() for f in model._meta.concrete_fields}
            schema.append((model, colonnes, tuple((c, defauts[c]) for c in colonnes[1:])))
    return schema


def _ecrire_bulk_create(model, colonnes, lignes) -> None:
    model.objects.bulk_create(model(**dict(zip(colonnes, ligne, strict=True))) for ligne in lignes)


def _ecrire_directement(model, colonnes, lignes) -> None:
    """The same rows as `bulk_create`, without its per-value Python work. The driver adapts
    the values as Django does (Django registers SQLite's adapters for dates and Decimals);
    a test compares both writers."""
    if not lignes:
        return
    operations = connection.ops
    champs = {f.attname: f.column for f in model._meta.concrete_fields}
    table = operations.quote_name(model._meta.db_table)
    liste = ", ".join(operations.quote_name(champs[c]) for c in colonnes)
    with connection.cursor() as curseur:
        if connection.vendor == "postgresql":
            with curseur.cursor.copy(f"COPY {table} ({liste}) FROM STDIN") as copie:
                for ligne in lignes:
                    copie.write_row(ligne)
        else:
            marques = ", ".join(["%s"] * len(colonnes))
            curseur.executemany(f"INSERT INTO {table} ({liste}) VALUES ({marques})", lignes)


def _inserer(caisse: Caisse, plans: list[_Plan], ecrire=_ecrire_bulk_create) -> list[Dossier]:
    """Insert the dossiers (bulk_create, which returns their keys on SQLite and PostgreSQL),
    then every table under them, one `ecrire` per model."""
    dossiers = Dossier.objects.bulk_create([Dossier(caisse=caisse, **plan.dossier) for plan in plans])
    if any(d.pk is None for d in dossiers):  # a backend that does not return the new keys
        cles = dict(
            Dossier.objects.filter(
                caisse=caisse, numero_allocataire__in=[d.numero_allocataire for d in dossiers]
            ).values_list("numero_allocataire", "pk")
        )
        for d in dossiers:
            d.pk = cles[d.numero_allocataire]
    paires = list(zip(dossiers, plans, strict=True))
    for model, colonnes, defauts in _schema():
        if defauts is None:
            lignes = [(d.pk, *ligne) for d, plan in paires for ligne in plan.lignes[model]]
        else:
            source = (lambda plan: plan.personnes) if model is Personne else (lambda plan, m=model: plan.lignes[m])
            lignes = []
            for d, plan in paires:
                for ligne in source(plan):
                    if not ligne.keys() <= set(colonnes):  # a misspelt field would be dropped silently
                        raise TypeError(f"{model.__name__} : champs inconnus {set(ligne) - set(colonnes)}")
                    lignes.append((d.pk, *(ligne.get(c, defaut) for c, defaut in defauts)))
        ecrire(model, colonnes, lignes)
    return dossiers


def _planifier(caisse, numero, cas, jour, mois_historique=MOIS_HISTORIQUE, graine=None, base=None) -> _Plan:
    if base is None:
        base = "simple" if cas == "simple" else "complet"
    return _Construction(caisse, numero, cas, jour, mois_historique, graine, base).construire()


# --- Public API -----------------------------------------------------------------------------


def creer_dossier(
    caisse: Caisse,
    numero_allocataire: str,
    cas: str = "complet",
    jour: date | None = None,
    mois_historique: int = MOIS_HISTORIQUE,
    graine=None,
) -> Dossier:
    """Create one demo dossier of the given case, its people and histories up to `jour`'s month."""
    jour = jour or timezone.localdate()
    plan = _planifier(caisse, numero_allocataire, cas, jour, mois_historique, graine)
    with transaction.atomic():
        return _inserer(caisse, [plan])[0]


def cas_genere(caisse: Caisse, numero: str) -> str:
    """The case of a generated dossier: mostly "simple", about 5 % each of three others."""
    tirage = random.Random(f"cafpro-cas:{caisse.numero}:{numero}").random()
    return "radie" if tirage < 0.05 else "opposition" if tirage < 0.10 else "creances" if tirage < 0.15 else "simple"


def generer_dossiers(caisse: Caisse, nombre: int, jour: date | None = None) -> int:
    """Make sure the dossiers 2000000 … 2000000 + nombre - 1 exist; return how many were created."""
    if nombre < 0 or PREMIER_NUMERO_GENERE + nombre > 10**7:
        raise ValueError("Le nombre de dossiers doit rester entre 0 et 8 000 000 (numéros à 7 chiffres).")
    if nombre == 0:
        return 0
    jour = jour or timezone.localdate()
    numeros = [str(PREMIER_NUMERO_GENERE + i) for i in range(nombre)]
    # A range, not an IN list: thousands of parameters would overflow SQLite's limit.
    existants = set(
        Dossier.objects.filter(
            caisse=caisse, numero_allocataire__gte=numeros[0], numero_allocataire__lte=numeros[-1]
        ).values_list("numero_allocataire", flat=True)
    )
    manquants = [n for n in numeros if n not in existants]
    with transaction.atomic():
        for debut in range(0, len(manquants), DOSSIERS_PAR_LOT):
            plans = [
                _planifier(caisse, numero, cas_genere(caisse, numero), jour, base="simple")
                for numero in manquants[debut : debut + DOSSIERS_PAR_LOT]
            ]
            _inserer(caisse, plans, _ecrire_directement)
    return len(manquants)


def recreer_dossiers_documentes(caisse: Caisse, jour: date | None = None) -> list[Dossier]:
    """Delete and recreate the documented dossiers of a Caisse, so they are back to their documented state."""
    jour = jour or timezone.localdate()
    with transaction.atomic():
        Dossier.objects.filter(caisse=caisse, numero_allocataire__in=[n for n, _ in DOSSIERS_DOCUMENTES]).delete()
        plans = [_planifier(caisse, numero, cas, jour) for numero, cas in DOSSIERS_DOCUMENTES]
        # Written directly, like the generated ones: `manage.py demo` recreates them on each run.
        return _inserer(caisse, plans, _ecrire_directement)
