"""The cases of the demo dossiers, each planned by small named builders.

`FoyerComplet` is the documented dossier (and its variants radié, opposition, créances,
suspendu); `FoyerSimple` the smaller household of the generated dossiers. Each builder draws
from the dossier's own generator in a fixed order: `construire` calls them in that order, so
that the same inputs keep giving the same dossier.
"""

from datetime import date, timedelta
from decimal import Decimal

from conventions.models import Caisse
from dossiers.models import (
    AideLogement,
    Civilite,
    Creance,
    Droit,
    MesureAccompagnement,
    MinimumSocial,
    Nationalite,
    Paiement,
    RoleDansLeFoyer,
    Situation,
    SituationFamiliale,
    TypeOccupation,
)
from profils.prestations import PRESTATIONS_LOGEMENT, Prestation

from .calendrier import avant, date_versement, en_montant, indice_du_mois, premier_du_mois
from .foyer import APL, EXCEPTIONNEL, ZERO, Foyer, Plan, accorder
from .referentiels import BAILLEURS_PRIVES, MONTANTS, NOMS, PAYS, PRENOMS_AINEES

MOIS_HISTORIQUE = 24
# No new right to the complément de ressources of the AAH since 1 December 2019.
FIN_DU_COMPLEMENT_DE_RESSOURCES = date(2019, 12, 1)


class FoyerComplet(Foyer):
    """A couple, two children at home and Madame's mother, every rubrique filled in; the case
    makes it radié, opposed to sharing, indebted or suspended."""

    def construire(self) -> Plan:
        self.situation()
        self.personnes()
        self.logements()
        self.revenus_du_foyer()
        self.droits()
        self.minima_sociaux()
        self.mesures()
        self.declarations(Prestation.RSA)
        self.courriers_recents(["Déclaration trimestrielle de ressources", "Attestation de loyer"])
        self.creances()
        return self.plan

    def situation(self) -> None:
        rng, jour, cas = self.rng, self.jour, self.cas
        # Drawn first, for the people: who is the responsable, where Monsieur was born.
        self.madame_responsable = rng.random() < 0.6
        # Monsieur was born abroad in most Cafs, in France in the others.
        self.etranger = self.choix(PAYS) if rng.random() < 0.7 else None
        mariage = avant(jour, 16, rng.randint(0, 300))
        self.radiation = None
        if cas == "radie":
            self.radiation = premier_du_mois(self.fin - 7).replace(day=10)
            self.dernier = self.fin - 8  # the rights end with the month before the departure
        radiation = self.radiation
        self.dossier(
            situation=Situation.RADIE if radiation else Situation.AFFILIE,
            situation_depuis=radiation or avant(jour, 12, rng.randint(0, 200)),
            motif_radiation="Départ à l'étranger" if radiation else "",
            suspendu_depuis=premier_du_mois(self.fin - 2) if cas == "suspendu" else None,
            situation_familiale=SituationFamiliale.MARIE,
            situation_familiale_depuis=mariage,
            surendettement=cas == "creances",
            opposition_partage=cas == "opposition",
            grossesse_debut=None if radiation else jour - timedelta(days=rng.randint(70, 120)),
        )
        if cas == "suspendu":
            self.suspension = self.fin - 2

    def personnes(self) -> None:
        """The responsable works part time; the conjoint has the AAH since the CDAPH's decision.
        Monsieur was born abroad; Madame bears his name and keeps her birth name."""
        madame_responsable = self.madame_responsable
        # Some Cafs' conjoint has had the AAH since before December 2019, with the complément de
        # ressources (closed to new rights since); the others since a later decision, with the MVA.
        self.cdaph = cdaph = premier_du_mois(self.fin - self.choix((38, 38, 62, 100)))
        travail = {"activite": "Activité salariée à temps partiel", "activite_depuis": avant(self.jour, 2, 40)}
        handicap = {
            "avis_cdaph": "Taux d'incapacité au moins égal à 80 %",
            "avis_cdaph_debut": cdaph,
            "avis_cdaph_fin": cdaph.replace(year=cdaph.year + 10) - timedelta(days=1),
            "activite": "Sans activité — bénéficiaire de l'AAH",
            "activite_depuis": cdaph,
        }
        role_monsieur, role_madame = (
            (RoleDansLeFoyer.CONJOINT, RoleDansLeFoyer.RESPONSABLE)
            if madame_responsable
            else (RoleDansLeFoyer.RESPONSABLE, RoleDansLeFoyer.CONJOINT)
        )
        annee = self.jour.year + (self.jour.month - 1) / 12
        monsieur = self.adulte(
            role_monsieur,
            Civilite.MONSIEUR,
            annee - 1981,  # 25 at least at his RMI's demand, in 2006
            annee - 1977,
            etranger=self.etranger,
            **(handicap if madame_responsable else travail),
        )
        nom_naissance = self.choix(NOMS)
        nom = monsieur.personne["nom"]
        madame = self.adulte(
            role_madame,
            Civilite.MADAME,
            annee - 1986,  # 19 to 21 at her API's demand, in 2005
            annee - 1984,
            nom=nom,
            nom_naissance=nom_naissance,
            **(travail if madame_responsable else handicap),
        )
        self.responsable = madame if madame_responsable else monsieur
        self.enfant(nom, 15.5, 16.5)
        self.enfant(nom, 8.5, 9.5)
        if self.cas == "creances":
            # Placed by the Aide sociale à l'enfance without keeping the ties: not à charge.
            self.enfant(nom, 12.5, 13.5, placement_sans_liens=True, activite="Placé — Aide sociale à l'enfance")
        # Madame's mother lives with them: à charge for the aide au logement only.
        mere = self.adulte(RoleDansLeFoyer.AUTRE, Civilite.MADAME, 74, 78, nom=nom_naissance)
        self.adultes.remove(mere)
        mere.personne.update(prenom=self.choix(PRENOMS_AINEES), activite="Retraitée", charge_logement=True, ordre=9)

    def logements(self) -> None:
        """HLM with APL paid to the landlord since the move 14 months ago, ALF before."""
        rng, jour, radiation = self.rng, self.jour, self.radiation
        self.emmenagement = emmenagement = premier_du_mois(self.fin - 14).replace(day=rng.randint(1, 20))
        precedent = avant(jour, 6, rng.randint(0, 200))
        self.bailleur = self.bailleur_social()
        self.logement(
            emmenagement,
            radiation,
            TypeOccupation.LOCATAIRE_HLM,
            AideLogement.APL,
            self.bailleur,
            rng.randint(480, 620) + 0.4,
            dernier=True,
            tiers_payant=True,
            impaye_depuis=None if radiation else premier_du_mois(self.fin - 3),
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
        self.logement(avant(jour, 11, rng.randint(0, 200)), precedent - timedelta(days=1), TypeOccupation.HEBERGE)

    def revenus_du_foyer(self) -> None:
        """N-2 to N-4 and an older year, then the last four quarters. Madame receives a pension
        alimentaire for her eldest child, now grown up and gone."""
        rng = self.rng
        annee = self.jour.year
        salaire = rng.randint(11000, 13500)
        travailleur = "Madame" if self.madame_responsable else "Monsieur"
        invalide = "Monsieur" if self.madame_responsable else "Madame"
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
        if not self.departement.startswith("97"):
            self.ressources(annuelles, trimestrielles)
            return
        # Overseas, the household declares its quarterly resources for the RSA and for the AAH
        # (01-…, rubrique Ressources): the couple's own, without the pension alimentaire.
        aah = {t: [r for r in lignes if r[1] != "Pensions alimentaires reçues"] for t, lignes in trimestrielles.items()}
        self.ressources(annuelles, trimestrielles, Prestation.RSA)
        self.ressources({}, aah, Prestation.AAH)

    def droits(self) -> None:
        """AF, ALF then APL, RSA and, for the conjoint, AAH + CRAAH + MVA; two rappels; the quotients."""
        rng = self.rng
        self.af = af = self.verser(
            Prestation.AF, MONTANTS[Prestation.AF][2], recupere=Decimal("45.00"), recupere_depuis=self.fin - 5
        )
        move = indice_du_mois(self.emmenagement)
        self.verser(Prestation.ALF, rng.randint(260, 320) + 0.27, fin=move)
        self.verser(Prestation.APL, rng.randint(330, 390) + 0.61, debut=move + 1, type=APL, destinataire=self.bailleur)
        self.rsa_debut = premier_du_mois(self.fin - 40)
        self.verser(Prestation.RSA, rng.randint(380, 460) + 0.19, debut=indice_du_mois(self.rsa_debut))
        # The complément de ressources and the MVA exclude each other.
        complement = Prestation.CR_AAH if self.cdaph < FIN_DU_COMPLEMENT_DE_RESSOURCES else Prestation.MVA
        for prestation in (Prestation.AAH, complement):
            self.verser(prestation, MONTANTS[prestation], debut=indice_du_mois(self.cdaph))
        self.droits_et_paiements()
        # The ALF after a rent update, the AF once a child's schooling was proven.
        self.rappel(Prestation.ALF, move - 2, date_versement(move), 38.12)
        rappele = self.fin - 14  # at that month's rate
        verse_le = premier_du_mois(self.fin - 12).replace(day=18)
        self.rappel(Prestation.AF, rappele, verse_le, self.montant_du_mois(af.montant, rappele), EXCEPTIONNEL)
        nb_parts = Decimal("3.00")
        self.quotients(nb_parts, nb_parts + Decimal("0.50"), rng.randint(1, 4))

    def minima_sociaux(self) -> None:
        """The RSA now; the RMI and API before 1 June 2009 (fixed dates)."""
        fin_rsa = self.radiation
        self.plan.lignes[MinimumSocial] += [
            {
                "prestation": Prestation.RSA,
                "socle": True,
                "demandeur": self.responsable.civilite,
                "nb_personnes": len(self.enfants_a_charge()),
                "date_demande": self.rsa_debut - timedelta(days=self.rng.randint(15, 40)),
                "date_debut": self.rsa_debut,
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

    def mesures(self) -> None:
        """A MASP now, a MJAGBF years ago."""
        rng, jour, departement = self.rng, self.jour, self.nom_departement()
        self.plan.lignes[MesureAccompagnement] += [
            {
                "nature": "Mesure d'accompagnement social personnalisé (MASP)",
                "date_debut": avant(self.radiation or jour, jours=rng.randint(60, 150)),
                "date_fin": self.radiation,
                "tuteur": f"Département {departement} — service social",
            },
            {
                "nature": "Mesure judiciaire d'aide à la gestion du budget familial (MJAGBF)",
                "date_debut": avant(jour, 9, rng.randint(0, 100)),
                "date_fin": avant(jour, 7, rng.randint(0, 100)),
                "tuteur": f"UDAF {departement}",
            },
        ]

    def creances(self) -> None:
        """An AF indu being recovered; for the "creances" case, an RSA indu and a repaid loan too.
        The indu is four months of AF at those months' rates; its balance what the AF payments
        issued so far have withheld."""
        indu = sum((self.montant_du_mois(self.af.montant, i) for i in range(self.fin - 12, self.fin - 8)), ZERO)
        retenu = sum((p[7] for p in self.plan.lignes[Paiement] if p[3] == Prestation.AF and p[0] <= self.jour), ZERO)
        lignes = self.plan.lignes[Creance]
        lignes.append(
            {
                "nature": "Indu d'allocations familiales",
                "destinataire": self.caisse.nom,
                "montant_initial": indu,
                "remboursement": "Retenue sur prestations : 45,00 € par mois",
                "solde": indu - retenu,
                "etat": "En cours de recouvrement",
                "motif": "Changement de situation déclaré tardivement",
                "periode_debut": premier_du_mois(self.fin - 12),
                "periode_fin": premier_du_mois(self.fin - 8) - timedelta(days=1),
            }
        )
        if self.cas != "creances":
            return
        lignes += [
            {
                "nature": "Indu de revenu de solidarité active",
                "destinataire": f"Département {self.nom_departement()}",
                "montant_initial": Decimal("1263.40"),
                "remboursement": "Recouvrement suspendu",
                "solde": Decimal("1263.40"),
                "etat": "Suspendue — procédure de surendettement",
                "motif": "Ressources trimestrielles non déclarées",
                "periode_debut": premier_du_mois(self.fin - 20),
                "periode_fin": premier_du_mois(self.fin - 14) - timedelta(days=1),
            },
            {
                "nature": "Prêt à l'amélioration de l'habitat",
                "destinataire": self.caisse.nom,
                "montant_initial": Decimal("800.00"),
                "remboursement": "Remboursement direct : 40,00 € par mois",
                "solde": ZERO,
                "etat": "Soldée",
                "motif": "",
                "periode_debut": premier_du_mois(self.fin - 44),
                "periode_fin": premier_du_mois(self.fin - 24) - timedelta(days=1),
            },
        ]


class FoyerSimple(Foyer):
    """A smaller household: couple or single, 0 to 3 children, the prestations that go with it."""

    def construire(self) -> Plan:
        self.situation()
        self.personnes()
        self.logements()
        self.revenus_du_foyer()
        self.droits()
        self.minima_et_mesures()
        recus = ["Déclaration trimestrielle de ressources"] if self.trimestriel else []
        recus.append(self.choix(("Attestation de loyer", "Justificatif de scolarité", "Avis d'imposition")))
        self.courriers_recents(recus)
        if self.cas == "creances":
            self.creances_simples()
        return self.plan

    def situation(self) -> None:
        """The household's shape, its level of resources ("modestes": RSA, "actifs": prime
        d'activité, "moyens": neither), its situation."""
        rng, jour, cas = self.rng, self.jour, self.cas
        tirage = rng.random()
        self.couple = couple = tirage < 0.5
        self.nb_enfants = nb_enfants = self.choix(
            (0, 1, 2, 2, 3) if couple else (1, 1, 2, 2, 3) if tirage < 0.85 else (0,)
        )
        self.niveau = self.choix(("modestes", "modestes", "actifs", "moyens"))
        radiation = (
            premier_du_mois(self.fin - rng.randint(2, 18)).replace(day=rng.randint(1, 28)) if cas == "radie" else None
        )
        self.radiation = radiation
        if radiation:
            self.dernier = indice_du_mois(radiation) - 1
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
        self.familiale = familiale
        self.dossier(
            situation=Situation.RADIE if radiation else Situation.AFFILIE,
            situation_depuis=radiation or avant(jour, rng.uniform(1, 15)),
            motif_radiation=self.choix(("Départ à l'étranger", "Mutation vers une autre Caf", "Fin de droits"))
            if radiation
            else "",
            situation_familiale=familiale,
            situation_familiale_depuis=avant(jour, rng.uniform(0.5, 12)),
            surendettement=cas == "creances",
            opposition_partage=cas == "opposition",
        )

    def personnes(self) -> None:
        """The responsable (Madame, most often), the conjoint, the children."""
        rng, jour, couple, nb_enfants = self.rng, self.jour, self.couple, self.nb_enfants
        activite = {
            "modestes": ("Demandeur d'emploi non indemnisé", "Sans activité"),
            "actifs": ("Activité salariée à temps partiel", "Contrat à durée déterminée"),
            "moyens": ("Activité salariée", "Travailleur indépendant"),
        }[self.niveau]
        madame_responsable = rng.random() < (0.7 if couple else 0.85)
        civilites = (Civilite.MADAME, Civilite.MONSIEUR) if madame_responsable else (Civilite.MONSIEUR, Civilite.MADAME)
        self.responsable = responsable = self.adulte(
            RoleDansLeFoyer.RESPONSABLE,
            civilites[0],
            22 + 2 * nb_enfants,
            48,
            activite=accorder(self.choix(activite), civilites[0] == Civilite.MADAME),
            activite_depuis=avant(jour, rng.uniform(0.2, 6)),
        )
        nom = responsable.personne["nom"]
        if couple:
            conjoint = self.adulte(
                RoleDansLeFoyer.CONJOINT,
                civilites[1],
                22 + 2 * nb_enfants,
                50,
                nom=nom,
                activite=accorder(self.choix(activite), civilites[1] == Civilite.MADAME),
                activite_depuis=avant(jour, rng.uniform(0.2, 6)),
            )
            femme = conjoint if civilites[1] == Civilite.MADAME else responsable
            if self.familiale == SituationFamiliale.MARIE:
                femme.personne["nom_naissance"] = self.choix(NOMS)
        # Children born when both adults were 18 at least, fifteen months apart at least; a couple
        # formed before its eldest child, and never before both were adults.
        age_du_plus_jeune = min((jour - a.personne["date_naissance"]).days / 365.25 for a in self.adultes)
        for age in self.ages_d_enfants(nb_enfants, 0.3, min(17, age_du_plus_jeune - 18.1)):
            self.enfant(nom, age, age)
        depuis = self.plan.dossier["situation_familiale_depuis"]
        if couple and self.enfants:
            depuis = min(depuis, min(e["date_naissance"] for e in self.enfants))
        plus_jeune = max(a.personne["date_naissance"] for a in self.adultes)
        self.plan.dossier["situation_familiale_depuis"] = max(depuis, plus_jeune + timedelta(days=366 * 18))
        if rng.random() < 0.08:
            self.plan.personnes[0]["nationalite"] = Nationalite.EEE

    def logements(self) -> None:
        """The current dwelling, and the previous one when the move is recent."""
        rng, radiation, nb_enfants = self.rng, self.radiation, self.nb_enfants
        occupation = self.choix(
            (TypeOccupation.LOCATAIRE_HLM, TypeOccupation.LOCATAIRE, TypeOccupation.LOCATAIRE, TypeOccupation.ACCEDANT)
        )
        if self.niveau == "moyens" and rng.random() < 0.5:
            occupation = TypeOccupation.ACCEDANT
        emmenagement = avant(radiation or self.jour, rng.uniform(0.3, 9))
        if occupation == TypeOccupation.LOCATAIRE_HLM:
            aide, bailleur, loyer = AideLogement.APL, self.bailleur_social(), rng.randint(350, 600)
        elif occupation == TypeOccupation.LOCATAIRE:
            aide = AideLogement.ALF if nb_enfants or self.couple else AideLogement.ALS
            bailleur, loyer = self.choix(BAILLEURS_PRIVES), rng.randint(450, 850)
        else:
            # An accédant with good resources has no APL: then his children bring the AF, so that
            # every dossier has some right to show.
            sans_aide = self.niveau == "moyens" and nb_enfants >= 2
            aide, bailleur, loyer = "" if sans_aide else AideLogement.APL, "", rng.randint(600, 1100)
        tiers_payant = aide == AideLogement.APL and occupation == TypeOccupation.LOCATAIRE_HLM
        self.aide, self.bailleur, self.tiers_payant = aide, bailleur, tiers_payant
        self.logement(
            emmenagement,
            radiation,
            occupation,
            aide,
            bailleur,
            loyer,
            dernier=True,
            tiers_payant=tiers_payant,
            impaye_depuis=premier_du_mois(self.fin - rng.randint(2, 6))
            if rng.random() < 0.05 and not radiation
            else None,
        )
        self.emmenagement = indice_du_mois(emmenagement)
        if self.emmenagement >= self.debut:  # the history's first month, too, has its dwelling
            self.logement(
                avant(emmenagement, rng.uniform(1, 6)),
                emmenagement - timedelta(days=1),
                TypeOccupation.LOCATAIRE,
                AideLogement.ALF if nb_enfants else AideLogement.ALS,
                self.choix(BAILLEURS_PRIVES),
                rng.randint(400, 700),
            )

    def revenus_du_foyer(self) -> None:
        """N-2 to N-4; the quarters when a quarterly prestation is paid."""
        rng, niveau_de_revenus = self.rng, self.niveau
        annee = self.jour.year
        personnes = [("Madame" if a.civilite == Civilite.MADAME else "Monsieur", a) for a in self.adultes]
        niveau = {"modestes": (0, 4000), "actifs": (7000, 14000), "moyens": (18000, 32000)}[niveau_de_revenus]
        annuelles = {}
        for a in (annee - 2, annee - 3, annee - 4):
            lignes = []
            for type_personne, _ in personnes:
                montant = rng.randint(*niveau)
                nature = "Ressources nulles" if montant < 1000 else "Salaires et traitements"
                lignes.append((type_personne, nature, montant if montant >= 1000 else 0.0))
            if not self.couple and self.nb_enfants and rng.random() < 0.3:
                lignes.append((personnes[0][0], "Pensions alimentaires reçues", rng.randint(12, 30) * 100.0))
            annuelles[a] = lignes
        self.trimestriel = trimestriel = niveau_de_revenus in ("modestes", "actifs")
        trimestrielles = {}
        for trimestre in self.derniers_trimestres(4) if trimestriel else ():
            if niveau_de_revenus == "modestes":
                trimestrielles[trimestre] = [(tp, "Ressources nulles", 0.0) for tp, _ in personnes]
            else:
                trimestrielles[trimestre] = [
                    (tp, "Salaires et traitements", rng.randint(1800, 3500)) for tp, _ in personnes
                ]
        self.ressources(annuelles, trimestrielles)

    def droits(self) -> None:
        """The family prestations of the children, the aide au logement, RSA or prime
        d'activité, sometimes the AAH; a rappel now and then; the quotients."""
        rng, couple, nb_enfants, niveau = self.rng, self.couple, self.nb_enfants, self.niveau
        a_charge = self.enfants_a_charge()
        if len(a_charge) >= 2:
            self.verser(Prestation.AF, MONTANTS[Prestation.AF][min(len(a_charge), 4)])
        if len(a_charge) >= 3 and niveau != "moyens":
            self.verser(Prestation.CF, MONTANTS[Prestation.CF])
        for e in a_charge:
            naissance = indice_du_mois(e["date_naissance"])
            if naissance + 36 > self.debut:  # the PAJE runs until the month before the 3rd birthday
                self.verser(Prestation.PAJE, MONTANTS[Prestation.PAJE], debut=naissance + 1, fin=naissance + 35)
        if self.cas == "veuvage" and a_charge:
            # For each orphan of one parent, from the month after the death.
            debut = indice_du_mois(self.deces) + 1
            self.verser(Prestation.ASF, MONTANTS[Prestation.ASF] * len(a_charge), debut=debut)
        elif not couple and a_charge and rng.random() < 0.4:
            self.verser(Prestation.ASF, MONTANTS[Prestation.ASF] * len(a_charge))
        if self.aide:
            debut_aide = self.emmenagement + 1
            montant = rng.randint(120, 380) + 0.5
            if self.aide == AideLogement.APL:
                destinataire = self.bailleur if self.tiers_payant else ""
                self.verser(Prestation.APL, montant, debut=debut_aide, type=APL, destinataire=destinataire)
            else:
                self.verser(self.aide, montant, debut=debut_aide)
            if self.emmenagement >= self.debut:
                self.verser(Prestation.ALF if nb_enfants else Prestation.ALS, montant * 0.9, fin=self.emmenagement)
        if niveau == "modestes":
            # Asked for once the responsable was of age.
            majorite = indice_du_mois(self.responsable.personne["date_naissance"]) + 18 * 12 + 3
            self.rsa_debut = max(self.dernier - rng.randint(6, 60), majorite)
            self.verser(Prestation.RSA, rng.randint(350, 900) + 0.12, debut=self.rsa_debut)
        elif niveau == "actifs":
            self.verser(Prestation.PPA, rng.randint(90, 310) + 0.45, debut=self.dernier - rng.randint(6, 40))
        if rng.random() < 0.05:
            cdaph = premier_du_mois(self.fin - rng.randint(12, 58))  # an avis of five years, still valid
            self.responsable.personne.update(
                avis_cdaph="Taux d'incapacité compris entre 50 et 79 %",
                avis_cdaph_debut=cdaph,
                avis_cdaph_fin=cdaph.replace(year=cdaph.year + 5) - timedelta(days=1),
            )
            self.verser(Prestation.AAH, MONTANTS[Prestation.AAH] * 0.6, debut=indice_du_mois(cdaph))
        if self.cas == "suspendu":
            self.suspension = self.fin - 2
            self.plan.dossier["suspendu_depuis"] = premier_du_mois(self.suspension)
        self.droits_et_paiements()
        if self.versements and rng.random() < 0.3:
            v, periode = self.versements[0], self.fin - rng.randint(3, 12)
            montant = float(self.montant_du_mois(v.montant, periode)) * 0.4  # at that month's rate
            self.rappel(v.prestation, periode, date_versement(self.fin - 2), montant)
        parts = Decimal(2 + 0.5 * min(nb_enfants, 2) + max(nb_enfants - 2, 0)) if couple or nb_enfants else Decimal(1)
        self.quotients(parts.quantize(Decimal("0.01")), parts.quantize(Decimal("0.01")), rng.randint(1, 4))

    def minima_et_mesures(self) -> None:
        """The RSA's minimum social and declarations (the prime d'activité's declarations), and
        now and then a MASP."""
        rng, radiation = self.rng, self.radiation
        if self.niveau == "modestes":
            self.plan.lignes[MinimumSocial].append(
                {
                    "prestation": Prestation.RSA,
                    "socle": True,
                    "demandeur": self.responsable.civilite,
                    "nb_personnes": len(self.enfants_a_charge()),
                    "date_demande": premier_du_mois(self.rsa_debut) - timedelta(days=rng.randint(10, 40)),
                    "date_debut": premier_du_mois(self.rsa_debut),
                    "date_fin": radiation,
                    "motif_fin": "Radiation du dossier" if radiation else "",
                }
            )
            self.declarations(Prestation.RSA)
        elif self.niveau == "actifs":
            self.declarations(Prestation.PPA, 4)
        if rng.random() < 0.05:
            self.plan.lignes[MesureAccompagnement].append(
                {
                    "nature": "Mesure d'accompagnement social personnalisé (MASP)",
                    "date_debut": avant(radiation or self.jour, rng.uniform(0.2, 3)),
                    "date_fin": radiation,
                    "tuteur": f"Département {self.nom_departement()} — service social",
                }
            )

    def creances_simples(self) -> None:
        """Three créances of the "creances" case: one being recovered, one suspended, one repaid.
        An indu is of a prestation the household had over its period, at most what it received."""
        for rang, (nature, etat) in enumerate(
            (
                ("Indu d'aide au logement", "En cours de recouvrement"),
                ("Indu de prestations familiales", "Suspendue — procédure de surendettement"),
                ("Prêt d'équipement ménager", "Soldée"),
            )
        ):
            montant = en_montant(self.rng.randint(150, 1500))
            debut = self.fin - 6 - 8 * rang
            if rang < 2:
                nature, montant = self.indu(nature, debut, montant)
            self.plan.lignes[Creance].append(
                {
                    "nature": nature,
                    "destinataire": self.caisse.nom,
                    "montant_initial": montant,
                    # Its withholding starts with the next payment: nothing recovered yet.
                    "remboursement": "Retenue sur prestations : 30,00 € par mois" if rang == 0 else "",
                    "solde": ZERO if etat == "Soldée" else montant,
                    "etat": etat,
                    "motif": "Ressources non déclarées" if rang == 0 else "",
                    "periode_debut": premier_du_mois(debut),
                    "periode_fin": premier_du_mois(debut + 4) - timedelta(days=1),
                }
            )

    def indu(self, nature: str, debut: int, montant: Decimal) -> tuple[str, Decimal]:
        """The indu of `nature` over the four months from `debut`, or of another prestation the
        household had then; never more than the rights of those months."""
        mois = {premier_du_mois(i) for i in range(debut, debut + 4)}
        ordre = sorted(INDUS, key=lambda indu: indu[0] != nature)
        for libelle, prestations in ordre:
            droits = sum((d[2] for d in self.plan.lignes[Droit] if d[1] in prestations and d[0] in mois), ZERO)
            if droits > 0:
                return libelle, min(montant, droits)
        return nature, ZERO


class FoyerVeuvage(FoyerSimple):
    """A widow (or a widower) and the children, orphans of one parent: the deceased conjoint stays
    in the dossier with the date of death, the situation de famille is "veuf" since that day, the
    ASF is paid for each orphan, a pension de réversion and pensions d'orphelins are among the
    resources (T14: Caisse des dépôts, Établissement national des invalides de la Marine)."""

    def situation(self) -> None:
        rng, jour = self.rng, self.jour
        self.couple, self.radiation = False, None
        self.nb_enfants = self.choix((1, 2, 2, 3))
        self.niveau = self.choix(("modestes", "actifs", "actifs"))
        self.veuve = rng.random() < 0.7
        self.deces = avant(jour, rng.uniform(1.2, 6))
        self.familiale = SituationFamiliale.VEUF
        self.dossier(
            situation=Situation.AFFILIE,
            situation_depuis=avant(jour, rng.uniform(8, 15)),
            motif_radiation="",
            situation_familiale=SituationFamiliale.VEUF,
            situation_familiale_depuis=self.deces,
            surendettement=False,
            opposition_partage=False,
        )

    def personnes(self) -> None:
        rng, jour, deces = self.rng, self.jour, self.deces
        survivant, defunt = (Civilite.MADAME, Civilite.MONSIEUR) if self.veuve else (Civilite.MONSIEUR, Civilite.MADAME)
        activite = {
            "modestes": ("Demandeur d'emploi non indemnisé", "Sans activité"),
            "actifs": ("Activité salariée à temps partiel", "Contrat à durée déterminée"),
        }[self.niveau]
        age_min = 30 + 2 * self.nb_enfants
        self.responsable = responsable = self.adulte(
            RoleDansLeFoyer.RESPONSABLE,
            survivant,
            age_min,
            52,
            activite=accorder(self.choix(activite), self.veuve),
            activite_depuis=avant(jour, rng.uniform(0.2, 1)),
        )
        nom = responsable.personne["nom"]
        conjoint = self.adulte(
            RoleDansLeFoyer.CONJOINT,
            defunt,
            age_min,
            55,
            nom=nom,
            activite="Activité salariée",
            activite_depuis=deces - timedelta(days=rng.randint(800, 4000)),
            date_deces=deces,
        )
        self.adultes.remove(conjoint)  # no resources of his own after his death
        self.defunt = conjoint
        if self.veuve:
            responsable.personne["nom_naissance"] = self.choix(NOMS)
        # The orphans were born before the death, when both parents were of age.
        naissances = (responsable.personne["date_naissance"], conjoint.personne["date_naissance"])
        age_du_plus_jeune = min((jour - n).days / 365.25 for n in naissances)
        depuis_le_deces = (jour - deces).days / 365.25
        for age in self.ages_d_enfants(self.nb_enfants, depuis_le_deces + 0.1, min(17, age_du_plus_jeune - 18.1)):
            self.enfant(nom, age, age)

    def revenus_du_foyer(self) -> None:
        """The couple's salaries before the death; since, the survivor's, the pension de réversion
        and the orphans' pensions."""
        rng, annee_deces = self.rng, self.deces.year
        survivant = "Madame" if self.veuve else "Monsieur"
        defunt = "Monsieur" if self.veuve else "Madame"
        salaire = {"modestes": (0, 4000), "actifs": (7000, 14000)}[self.niveau]
        reversion = rng.randint(45, 90) * 100.0
        orphelins = rng.randint(10, 20) * 100.0 * self.nb_enfants
        annuelles = {}
        for annee in (self.jour.year - 2, self.jour.year - 3, self.jour.year - 4):
            montant = rng.randint(*salaire)
            lignes = [
                (survivant, "Salaires et traitements", montant)
                if montant >= 1000
                else (survivant, "Ressources nulles", 0.0)
            ]
            if annee < annee_deces:
                lignes.append((defunt, "Salaires et traitements", rng.randint(16000, 26000)))
            else:
                lignes.append((survivant, "Pensions de réversion", reversion))
                lignes.append((survivant, "Pensions d'orphelins", orphelins))
            annuelles[annee] = lignes
        self.trimestriel = True
        trimestrielles = {}
        for annee, trimestre in self.derniers_trimestres(4):
            montant = 0.0 if self.niveau == "modestes" else rng.randint(1800, 3300)
            trimestrielles[(annee, trimestre)] = [
                (survivant, "Salaires et traitements" if montant else "Ressources nulles", montant),
                (survivant, "Pensions de réversion", reversion / 4),
                (survivant, "Pensions d'orphelins", orphelins / 4),
            ]
        self.ressources(annuelles, trimestrielles)


# The prestations behind each indu's nature, in order of preference (demo.invariants checks them).
INDUS = (
    ("Indu d'aide au logement", PRESTATIONS_LOGEMENT),
    ("Indu de prestations familiales", {Prestation.AF, Prestation.CF, Prestation.PAJE, Prestation.ASF}),
    ("Indu de revenu de solidarité active", {Prestation.RSA}),
    ("Indu de prime d'activité", {Prestation.PPA}),
    ("Indu d'allocation aux adultes handicapés", {Prestation.AAH}),
)


def planifier(
    caisse: Caisse,
    numero: str,
    cas: str,
    jour: date,
    mois_historique: int = MOIS_HISTORIQUE,
    graine=None,
    base: str | None = None,
) -> Plan:
    """The plan of one dossier of `cas`; `base` ("complet" or "simple") is the household it
    starts from, by default the case's own."""
    if cas == "veuvage":
        foyer: type[Foyer] = FoyerVeuvage
    else:
        if base is None:
            base = "simple" if cas == "simple" else "complet"
        foyer = FoyerSimple if base == "simple" else FoyerComplet
    return foyer(caisse, numero, cas, jour, mois_historique, graine).planifier()
