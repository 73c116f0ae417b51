"""The planner of one demo dossier: its people and every history, as plain Python values.

`Foyer` holds the household being planned and the small builders every case uses (an adult, a
child, a dwelling, the rights and their payments, the quotients familiaux, the letters…);
`demo.cas` plans each case with them, and `demo.insertion` writes the plans.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from conventions.models import Caisse
from dossiers.models import (
    Civilite,
    Courrier,
    Creance,
    DeclarationRessources,
    Droit,
    EtatPaiement,
    Logement,
    MesureAccompagnement,
    MinimumSocial,
    Nationalite,
    NatureQuotient,
    Paiement,
    QuotientFamilial,
    Ressource,
    RoleDansLeFoyer,
    SensCourrier,
    Situation,
    TypePaiement,
)
from profils.prestations import PRESTATIONS_LOGEMENT, Prestation

from .calendrier import (
    avant,
    avrils_jusqu_a,
    date_calcul,
    date_versement,
    en_montant,
    indice_du_mois,
    premier_du_mois,
)
from .conventions import CONVENTIONS, siret_demo
from .referentiels import (
    ACTIVITES_ACCORDEES,
    ARS_PAR_AGE,
    AUTRES_LIEUX,
    BAILLEURS_SOCIAUX,
    CODES_CREANCES,
    COMMUNES,
    COMPLEMENTS,
    DEPARTEMENTS,
    NOMS,
    PORTS,
    PRENOMS_FEMMES,
    PRENOMS_FILLES,
    PRENOMS_GARCONS,
    PRENOMS_HOMMES,
    REVALORISATION,
    VOIES,
)

CAS = ("complet", "radie", "opposition", "creances", "suspendu", "simple", "veuvage")
BAILLEUR_T10 = next(c for c in CONVENTIONS if c.profil == "T10")
TRAITE, EMIS = EtatPaiement.TRAITE, EtatPaiement.EMIS
MENSUEL, EXCEPTIONNEL, APL = TypePaiement.MENSUEL, TypePaiement.EXCEPTIONNEL, TypePaiement.APL
ZERO = Decimal("0.00")

# The tuples planned for the big history tables: every column but the key and the dossier, in
# the model's order (checked by `demo.insertion.schema`).
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
    Ressource: ("annee", "trimestre", "type_personne", "nature", "montant", "prestation"),
    DeclarationRessources: ("trimestre_debut", "prestation", "date_reception", "etat"),
}
# Smaller tables, planned as keyword dicts.
TABLES_DICTS = (Logement, Creance, Courrier, MinimumSocial, MesureAccompagnement)


def accorder(activite: str, feminin: bool) -> str:
    """The activity's form for the person's sex ("Placée", "Demandeuse d'emploi")."""
    for masculin, feminine in ACTIVITES_ACCORDEES:
        if activite in (masculin, feminine):
            return feminine if feminin else masculin
    return activite


@dataclass
class Plan:
    dossier: dict
    personnes: list = field(default_factory=list)
    lignes: dict = field(default_factory=lambda: {model: [] for model in (*COLONNES, *TABLES_DICTS)})


@dataclass
class Versement:
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
class Adulte:
    civilite: str
    personne: dict


class Foyer:
    """Plans one dossier: its people and every history, as plain Python values. A subclass
    plans a kind of household in `construire` (`demo.cas`)."""

    def __init__(self, caisse: Caisse, numero: str, cas: str, jour: date, mois_historique: int, graine=None):
        if cas not in CAS:
            raise ValueError(f"Cas inconnu : {cas!r} (attendu : {', '.join(CAS)}).")
        self.rng = random.Random(f"cafpro-dossier:{caisse.numero}:{numero}:{cas}:{graine}")
        self.caisse, self.numero, self.cas, self.jour = caisse, numero, cas, jour
        self.departement = caisse.departement
        self.communes = PORTS if caisse.est_maritime else COMMUNES.get(caisse.departement, PORTS)
        self.fin = indice_du_mois(jour)
        # One month before the window: its payments are dated in the window's first month, which
        # would otherwise read "Aucun paiement" (Cafpro shows 24 months of a longer history).
        self.debut = self.fin - max(mois_historique, 1)
        self.dernier = self.fin  # last month with rights: earlier for a radiated dossier
        self.suspension = None  # first suspended month
        self.versements: list[Versement] = []
        self.totaux = {}  # month → total of the rights, for the quotients familiaux
        self.totaux_logement = {}  # month → total of the aides au logement
        self.revenus = {}  # year → household's taxable resources
        self.adultes: list[Adulte] = []
        self.enfants: list[dict] = []
        self.radiation: date | None = None  # the radiation of a radiated dossier
        self.plan = Plan(dossier={})

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
        return avant(self.jour, jours=self.rng.randint(round(age_min * 365.25), round(age_max * 365.25)))

    def lieu_naissance(self) -> str:
        """Mostly born in the department, sometimes in another one."""
        return self.choix(self.communes)[2] if self.rng.random() < 0.7 else self.choix(AUTRES_LIEUX)

    def montant_du_mois(self, montant: float, indice: int) -> Decimal:
        """This year's amount as it was in that month: one revaluation per April back."""
        return en_montant(montant * REVALORISATION ** (avrils_jusqu_a(self.fin) - avrils_jusqu_a(indice)))

    def prenom(self, prenoms) -> str:
        """A first name nobody in the household bears yet."""
        pris = {p["prenom"] for p in self.plan.personnes}
        return self.choix([p for p in prenoms if p not in pris])

    def montants(self, montant: float) -> list[Decimal]:
        """The amount of each month back from this one: one revaluation per April."""
        avrils = avrils_jusqu_a(self.fin)
        par_revalorisation = [
            en_montant(montant * REVALORISATION**n) for n in range(avrils - avrils_jusqu_a(self.debut) + 1)
        ]
        return [par_revalorisation[avrils - avrils_jusqu_a(i)] for i in range(self.debut, self.fin + 1)]

    # People

    def adulte(self, role, civilite, age_min, age_max, nom=None, etranger=None, **champs) -> Adulte:
        femme = civilite == Civilite.MADAME
        naissance = self.naissance(age_min, age_max)
        if etranger:
            pays, code_pays, noms, prenoms = etranger
            nom = nom or self.choix(noms)
            prenom = self.choix(prenoms)
            lieu = "99" + code_pays
        else:
            nom = nom or self.choix(NOMS)
            prenom = self.prenom(PRENOMS_FEMMES if femme else PRENOMS_HOMMES)
            lieu = self.lieu_naissance()
        personne = {
            "role": role,
            "civilite": civilite,
            "nom": nom,
            "prenom": prenom,
            "date_naissance": naissance,
            "nir": self.nir(2 if femme else 1, naissance, lieu),
            "nationalite": Nationalite.ETRANGERE if etranger else Nationalite.FRANCAISE,
            "ordre": 0 if role == RoleDansLeFoyer.RESPONSABLE else 1,
            **champs,
        }
        if etranger:
            personne["titre_sejour_fin"] = self.jour + timedelta(days=self.rng.randint(60, 700))
        self.plan.personnes.append(personne)
        adulte = Adulte(civilite, personne)
        self.adultes.append(adulte)
        return adulte

    def enfant(self, nom: str, age_min: float, age_max: float, **champs) -> dict:
        fille = self.rng.random() < 0.5
        naissance = self.naissance(age_min, age_max)
        age = (self.jour - naissance).days / 365.25
        if age < 3:
            rang, depuis = 0, naissance
        else:
            rang = 1 if age < 11 else 2 if age < 15 else 3
            depuis = date(self.jour.year if self.jour.month >= 9 else self.jour.year - 1, 9, 1)
        activite = ACTIVITES_ACCORDEES[rang][fille]  # "Scolarisée en primaire" for a girl
        if "activite" in champs:
            champs["activite"] = accorder(champs["activite"], fille)
        a_charge = not champs.get("placement_sans_liens")
        personne = {
            "role": RoleDansLeFoyer.ENFANT,
            "nom": nom,
            "prenom": self.prenom(PRENOMS_FILLES if fille else PRENOMS_GARCONS),
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

    def verser(self, prestation, montant, **options) -> Versement:
        versement = Versement(prestation, montant, **options)
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
                mois = premier_du_mois(i)
                suspendu = suspension is not None and i >= suspension
                droits.append((mois, v.prestation, montant, suspendu, False))
                totaux[i] = totaux.get(i, 0.0) + float(montant)
                if suspendu:
                    continue  # a suspended right is not paid
                versement = date_versement(i)
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
            montant = en_montant(total * REVALORISATION ** (avrils_jusqu_a(self.fin) - avrils_jusqu_a(i)))
            mois = premier_du_mois(i)
            versement = date_versement(i - 1, 19)  # mid-August, with its own payment
            etat = EMIS if versement <= self.jour else TRAITE
            self.plan.lignes[Droit].append((mois, Prestation.ARS, montant, False, False))
            self.plan.lignes[Paiement].append(
                (versement, etat, EXCEPTIONNEL, Prestation.ARS, "mensuel", mois, montant, ZERO, "")
            )

    def rappel(self, prestation, periode: int, verse_le: date, montant: float, type=MENSUEL) -> None:
        """A rappel of a month with a right (not suspended) to the prestation, at most that right."""
        mois = premier_du_mois(periode)
        droit = next((d for d in self.plan.lignes[Droit] if d[0] == mois and d[1] == prestation and not d[3]), None)
        if droit is None or (self.radiation and verse_le > self.radiation):
            return
        etat = EMIS if verse_le <= self.jour else TRAITE
        montant = min(en_montant(montant), droit[2])
        self.plan.lignes[Paiement].append((verse_le, etat, type, prestation, "rappel", mois, montant, ZERO, ""))

    def revenus_de(self, annee: int) -> float:
        """The household's taxable resources of a year (the nearest known one otherwise)."""
        if annee in self.revenus:
            return self.revenus[annee]
        connues = sorted(self.revenus)
        if not connues:
            return 0.0
        return self.revenus[min(connues, key=lambda a: abs(a - annee))]

    def ressources(self, annuelles: dict, trimestrielles: dict, prestation: str = "") -> None:
        """`annuelles`: {année: [(type de personne, nature, montant)]}; same per (année, trimestre),
        declared for `prestation` when a DOM household declares for two (AAH and RSA).
        "Ressources nulles" is left out for a person who has another resource in the period."""
        for periodes in (annuelles, trimestrielles):
            for periode, natures in periodes.items():
                autres = {p for p, nature, _ in natures if nature != "Ressources nulles"}
                periodes[periode] = [n for n in natures if n[1] != "Ressources nulles" or n[0] not in autres]
        lignes = self.plan.lignes[Ressource]
        for annee, natures in annuelles.items():
            self.revenus[annee] = sum(m for _, _, m in natures)
            for type_personne, nature, montant in natures:
                lignes.append((annee, None, type_personne, nature, en_montant(montant), ""))
        for (annee, trimestre), natures in trimestrielles.items():
            for type_personne, nature, montant in natures:
                lignes.append((annee, trimestre, type_personne, nature, en_montant(montant), prestation))

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
                memoire[cle] = (Decimal(round(qf)), Decimal(round(qf_caf)), en_montant(ressources))
            qf, qf_caf, psu = memoire[cle]
            mois = premier_du_mois(i)
            calcul = date_calcul(i, jour_calcul, self.jour)
            lignes.append((NatureQuotient.CNAF, mois, qf, calcul, parts, psu))
            lignes.append((NatureQuotient.CAF, mois, qf_caf, calcul, parts_caf, None))

    def declarations(self, prestation: str, nombre: int = 8) -> None:
        lignes = self.plan.lignes[DeclarationRessources]
        for rang, (annee, trimestre) in enumerate(self.derniers_trimestres(nombre)):
            debut = date(annee, 3 * trimestre - 2, 1)
            if self.cas == "radie" and debut >= self.plan.dossier["situation_depuis"]:
                continue
            fin_trimestre = premier_du_mois(indice_du_mois(debut) + 3)
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
        etendue = (self.jour - premier_du_mois(self.fin - 1)).days
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
                "date_ouverture_droit": premier_du_mois(indice_du_mois(debut) + 1) if aide else None,
                "loyer": en_montant(loyer),
                "date_reference_loyer": date(self.jour.year if fin is None else fin.year, 1, 1) if loyer else None,
                "date_debut_bail": debut if type_occupation.startswith("locataire") else None,
                "bailleur": bailleur,
                "bailleur_siret": siret_demo(BAILLEUR_T10.cle) if bailleur == BAILLEUR_T10.partenaire else "",
                "aide": aide,
                **champs,
            }
        )

    def bailleur_social(self) -> str:
        bailleur = self.choix(BAILLEURS_SOCIAUX.get(self.departement, BAILLEURS_SOCIAUX["17"]))
        # The demo's T10 partner lets the social dwellings of its Caf's odd numéros (1000001,
        # 1000003, 1000005…), whose dossiers its agent can open; 1000004 shows him the refusal.
        if self.caisse.numero == BAILLEUR_T10.caisse and int(self.numero) % 2:
            return BAILLEUR_T10.partenaire
        return bailleur

    def ages_d_enfants(self, nombre: int, age_min: float, age_max: float, ecart: float = 1.25) -> list[float]:
        """The ages of `nombre` siblings between the bounds, `ecart` years apart at least (the
        bounds are narrowed when they cannot hold them)."""
        haut = max(age_min, age_max - ecart * (nombre - 1))
        tirages = sorted(self.rng.uniform(age_min, haut) for _ in range(nombre))
        return [a + ecart * rang for rang, a in enumerate(tirages)]

    def affiliation(self) -> None:
        """An affiliated dossier is affiliated since its first right at the latest."""
        dossier = self.plan.dossier
        if dossier["situation"] != Situation.AFFILIE:
            return
        debuts = [droit[0] for droit in self.plan.lignes[Droit]]
        debuts += [m["date_debut"] for m in self.plan.lignes[MinimumSocial]]
        debuts += [lg["date_ouverture_droit"] for lg in self.plan.lignes[Logement] if lg["date_ouverture_droit"]]
        if debuts and min(debuts) < dossier["situation_depuis"]:
            dossier["situation_depuis"] = min(debuts)

    def planifier(self) -> Plan:
        plan = self.construire()
        self.affiliation()
        for creance in plan.lignes[Creance]:
            creance["code_nature"] = CODES_CREANCES[creance["nature"]]
        return plan

    def construire(self) -> Plan:
        raise NotImplementedError
