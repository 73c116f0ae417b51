"""What the demo dossiers are made of: real communes of the demo Cafs' départements, their
social landlords, common names and first names, and the prestations' monthly amounts."""

from profils.prestations import Prestation

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
COMMUNES["974"] = (
    ("Saint-Denis", ("97400", "97490"), "97411"),
    ("Saint-Paul", ("97460",), "97415"),
    ("Saint-Pierre", ("97410",), "97416"),
    ("Le Tampon", ("97430",), "97422"),
    ("Le Port", ("97420",), "97407"),
    ("Saint-André", ("97440",), "97409"),
)
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
    "974": "de La Réunion",
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
    "974": ("SHLMR", "SIDR", "SEMADER"),
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
# The Caf's code of each nature of créance, shown beside its generic libellé (01-…, "Code
# nature créances / libellé"): with it the Caf gives the partner the list of its local codes.
CODES_CREANCES = {
    "Indu d'allocations familiales": "IAF",
    "Indu d'aide au logement": "IAL",
    "Indu de prestations familiales": "IPF",
    "Indu de revenu de solidarité active": "IRSA",
    "Indu de prime d'activité": "IPPA",
    "Indu d'allocation aux adultes handicapés": "IAAH",
    "Prêt à l'amélioration de l'habitat": "PAH",
    "Prêt d'équipement ménager": "PEM",
}
# (masculin, féminin): an activity agrees with the person's sex (demo.invariants checks it).
ACTIVITES_ACCORDEES = (
    ("Non scolarisé", "Non scolarisée"),
    ("Scolarisé en primaire", "Scolarisée en primaire"),
    ("Collégien", "Collégienne"),
    ("Lycéen", "Lycéenne"),
    ("Étudiant", "Étudiante"),
    ("Demandeur d'emploi non indemnisé", "Demandeuse d'emploi non indemnisée"),
    ("Demandeur d'emploi indemnisé", "Demandeuse d'emploi indemnisée"),
    ("Travailleur indépendant", "Travailleuse indépendante"),
    ("Retraité", "Retraitée"),
    ("Placé — Aide sociale à l'enfance", "Placée — Aide sociale à l'enfance"),
)
ARS_PAR_AGE = ((6, 10, 416.40), (11, 14, 439.38), (15, 18, 454.60))
REVALORISATION = 0.985  # one April back: about -1.5 %
