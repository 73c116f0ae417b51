"""Allocataire records, as the Caf's information system hands them to Cafpro.

One `Dossier` per numéro d'allocataire and Caisse, its people, and one dated history per
kind of fact (droits, paiements, logement, ressources, créances, courrier, quotients
familiaux, minima sociaux, mesures, déclarations). The rubriques that are views of these
facts (attestation de paiement, résidence, Cmu, affiliation maladie) have no table of
their own. Only this app reads these tables (DESIGN §4), through `lecture/`.
"""

from django.core.validators import RegexValidator
from django.db import models

from conventions.models import Caisse
from conventions.validators import valider_siret
from profils.prestations import Prestation

numero_allocataire_valide = RegexValidator(
    r"^[0-9]{7}$", "Le numéro d'allocataire comporte 7 chiffres.", code="numero_allocataire"
)


class Situation(models.TextChoices):
    AFFILIE = "affilie", "Affiliation"
    RADIE = "radie", "Radiation"


class SituationFamiliale(models.TextChoices):
    CELIBATAIRE = "celibataire", "Célibataire"
    MARIE = "marie", "Marié(e)"
    PACSE = "pacse", "Pacsé(e)"
    VIE_MARITALE = "vie_maritale", "Vie maritale"
    SEPARE = "separe", "Séparation de fait"
    DIVORCE = "divorce", "Divorcé(e)"
    VEUF = "veuf", "Veuf(ve)"


class RegimeProtection(models.TextChoices):
    GENERAL = "general", "Régime général"
    PARTICULIER = "particulier", "Régime particulier"


class Dossier(models.Model):
    caisse = models.ForeignKey(Caisse, on_delete=models.PROTECT, related_name="dossiers")
    numero_allocataire = models.CharField("numéro d'allocataire", max_length=7, validators=[numero_allocataire_valide])
    situation = models.CharField("situation du dossier", max_length=10, choices=Situation.choices)
    situation_depuis = models.DateField("situation depuis le")
    motif_radiation = models.CharField("motif de radiation", max_length=100, blank=True)
    suspendu_depuis = models.DateField("suspendu depuis le", null=True, blank=True)
    situation_familiale = models.CharField("situation de famille", max_length=15, choices=SituationFamiliale.choices)
    situation_familiale_depuis = models.DateField("situation de famille depuis le")
    regime = models.CharField(
        "régime de protection sociale", max_length=12, choices=RegimeProtection.choices, default="general"
    )
    surendettement = models.BooleanField("surendettement en cours", default=False)
    references_bancaires = models.CharField("références bancaires", max_length=40, blank=True)
    grossesse_debut = models.DateField("date de début de grossesse", null=True, blank=True)
    grossesse_debut_modifiee = models.DateField("date de début de grossesse modifiée", null=True, blank=True)
    # The allocataire's opposition to the consultation of his dossier by T1, T2 and T3
    # partners (04-…, annexe "Partage des données dans le domaine social").
    opposition_partage = models.BooleanField("opposition au partage des données", default=False)
    adresse_complement = models.CharField("complément d'adresse", max_length=100, blank=True)
    adresse_voie = models.CharField("voie", max_length=100)
    code_postal = models.CharField("code postal", max_length=5)
    commune = models.CharField("commune", max_length=100)
    code_insee = models.CharField("code insee commune", max_length=5)
    # The sha256 of the dossier's line in the last feed file that wrote it (dossiers.alimentation):
    # a line seen again unchanged is skipped, neither parsed nor rewritten.
    empreinte = models.CharField("empreinte de la ligne du flux", max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = "dossier allocataire"
        verbose_name_plural = "dossiers allocataires"
        constraints = [
            # A numéro d'allocataire is the Caf's own: two Cafs may use the same one.
            models.UniqueConstraint(fields=["caisse", "numero_allocataire"], name="dossiers_dossier_numero_par_caisse"),
        ]

    def __str__(self):
        return f"{self.caisse.numero}/{self.numero_allocataire}"

    @property
    def est_radie(self) -> bool:
        return self.situation == Situation.RADIE


class RoleDansLeFoyer(models.TextChoices):
    """A person's place in the dossier's household (the staff's roles are habilitations.models.Role)."""

    RESPONSABLE = "responsable", "responsable du dossier"
    CONJOINT = "conjoint", "conjoint"
    ENFANT = "enfant", "enfant"
    AUTRE = "autre", "autre personne à charge"


class Civilite(models.TextChoices):
    MONSIEUR = "M", "Monsieur"
    MADAME = "MME", "Madame"


class Nationalite(models.TextChoices):
    FRANCAISE = "francaise", "française"
    EEE = "eee", "EEE"
    ETRANGERE = "etrangere", "étrangère"


class Personne(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="personnes")
    role = models.CharField("rôle", max_length=12, choices=RoleDansLeFoyer.choices)
    civilite = models.CharField("civilité", max_length=3, choices=Civilite.choices, blank=True)
    nom = models.CharField("nom", max_length=60)
    prenom = models.CharField("prénom", max_length=60)
    nom_naissance = models.CharField("nom de naissance", max_length=60, blank=True)
    date_naissance = models.DateField("date de naissance")
    nir = models.CharField("NIR", max_length=15, blank=True)
    nationalite = models.CharField("nationalité", max_length=10, choices=Nationalite.choices, blank=True)
    titre_sejour_fin = models.DateField("fin de validité du titre de séjour", null=True, blank=True)
    activite = models.CharField("activité", max_length=60, blank=True)
    activite_depuis = models.DateField("activité depuis le", null=True, blank=True)
    date_deces = models.DateField("date de décès", null=True, blank=True)
    charge_pf = models.BooleanField("à charge au sens des prestations familiales", default=False)
    charge_logement = models.BooleanField("à charge au sens du logement", default=False)
    charge_rsa = models.BooleanField("à charge au sens du RMI ou du RSA", default=False)
    placement_sans_liens = models.BooleanField("placé, sans maintien des liens affectifs", default=False)
    avis_cdaph = models.CharField("avis CDAPH", max_length=100, blank=True)
    avis_cdaph_debut = models.DateField("avis CDAPH valable du", null=True, blank=True)
    avis_cdaph_fin = models.DateField("avis CDAPH valable au", null=True, blank=True)
    ordre = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "personne du dossier"
        ordering = ["dossier", "ordre", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"], condition=models.Q(role="responsable"), name="dossiers_personne_un_responsable"
            ),
            models.UniqueConstraint(
                fields=["dossier"], condition=models.Q(role="conjoint"), name="dossiers_personne_un_conjoint"
            ),
        ]

    def __str__(self):
        return f"{self.prenom} {self.nom}"

    @property
    def appellation(self) -> str:
        """ "Madame LAURENCE XXXXXX", as the manual's header writes it."""
        return f"{self.get_civilite_display()} {self.prenom.upper()} {self.nom.upper()}".strip()


class Droit(models.Model):
    """A month of right to one prestation (rubrique Droits, 01-…)."""

    # No index on the key alone, here and in the other histories read by (dossier, date): their
    # composite index starts with it, and a second one cost every write and a fifth of the
    # feed's index rebuild (docs/alimentation.md).
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="droits", db_index=False)
    mois = models.DateField("mois d'effet du droit")  # always the 1st of the month
    prestation = models.CharField("prestation", max_length=5, choices=Prestation.choices)
    montant = models.DecimalField("montant du droit", max_digits=9, decimal_places=2)
    suspendu = models.BooleanField("prestation suspendue", default=False)
    inferieur_seuil = models.BooleanField("inférieur à la limite de paiement", default=False)

    class Meta:
        verbose_name = "droit"
        # The month-by-month screens and the derived rubriques read a dossier's months.
        indexes = [models.Index(fields=["dossier", "mois"], name="dossiers_droit_mois_idx")]

    def __str__(self):
        return f"{self.get_prestation_display()} {self.mois:%m/%Y}"


class EtatPaiement(models.TextChoices):
    TRAITE = "traite", "traité"
    EMIS = "emis", "émis"


class TypePaiement(models.TextChoices):
    MENSUEL = "mensuel", "mensuel"
    EXCEPTIONNEL = "exceptionnel", "exceptionnel"
    APL = "apl", "APL"


class NaturePaiement(models.TextChoices):
    MENSUEL = "mensuel", "paiement mensuel"
    RAPPEL = "rappel", "rappel"


class Paiement(models.Model):
    """One prestation in one payment (rubrique Paiements, 01-… and 02-… annexe 3)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="paiements", db_index=False)
    date_paiement = models.DateField("date de traitement ou d'émission")
    etat = models.CharField("état", max_length=10, choices=EtatPaiement.choices)
    type = models.CharField("type", max_length=12, choices=TypePaiement.choices)
    prestation = models.CharField("prestation", max_length=5, choices=Prestation.choices)
    nature = models.CharField("nature", max_length=10, choices=NaturePaiement.choices, default="mensuel")
    periode = models.DateField("période concernée")  # the 1st of the month paid for
    montant = models.DecimalField("montant", max_digits=9, decimal_places=2)
    # Indus recovered on this payment; the amount paid is given before their deduction.
    montant_recupere = models.DecimalField("montant récupéré", max_digits=9, decimal_places=2, default=0)
    destinataire = models.CharField("tiers destinataire", max_length=100, blank=True, help_text="Vide : l'allocataire.")

    class Meta:
        verbose_name = "paiement"
        indexes = [models.Index(fields=["dossier", "date_paiement"], name="dossiers_paiement_date_idx")]

    def __str__(self):
        return f"{self.get_prestation_display()} {self.date_paiement:%d/%m/%Y}"


class TypeOccupation(models.TextChoices):
    LOCATAIRE = "locataire", "Locataire"
    LOCATAIRE_HLM = "locataire_hlm", "Locataire HLM"
    ACCEDANT = "accedant", "Accédant à la propriété"
    FOYER = "foyer", "Résident en foyer"
    HEBERGE = "heberge", "Hébergé à titre gratuit"


class AideLogement(models.TextChoices):
    AUCUNE = "", "aucune"
    ALF = "ALF", "Allocation de logement familiale"
    ALS = "ALS", "Allocation de logement sociale"
    APL = "APL", "Aide personnalisée au logement"


class Logement(models.Model):
    """A dwelling of the household; `date_fin` is empty for the current one."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="logements", db_index=False)
    adresse = models.CharField("adresse", max_length=200)
    type_occupation = models.CharField("type d'occupation", max_length=15, choices=TypeOccupation.choices)
    date_debut = models.DateField("début d'occupation")
    date_fin = models.DateField("fin d'occupation", null=True, blank=True)
    date_ouverture_droit = models.DateField("ouverture de droit", null=True, blank=True)
    loyer = models.DecimalField("loyer ou remboursement de prêt", max_digits=9, decimal_places=2, default=0)
    date_reference_loyer = models.DateField("date de référence du loyer", null=True, blank=True)
    date_debut_bail = models.DateField("début de bail", null=True, blank=True)
    impaye_depuis = models.DateField("impayé depuis le", null=True, blank=True)
    surpeuplement = models.BooleanField("surpeuplement", default=False)
    absence_quittance = models.BooleanField("absence de quittance", default=False)
    bailleur = models.CharField("bailleur", max_length=100, blank=True)
    # The landlord as the Caf knows him: a T10 partner (bailleur social bénéficiaire de tiers
    # payant) reads only the dossiers whose current dwelling is his, with the tiers payant to him
    # (dossiers.consultation), by this SIRET compared with his convention's partner's.
    bailleur_siret = models.CharField("SIRET du bailleur", max_length=14, blank=True, validators=[valider_siret])
    aide = models.CharField("aide au logement", max_length=3, choices=AideLogement.choices, blank=True)
    tiers_payant = models.BooleanField("tiers payant au bailleur", default=False)

    class Meta:
        verbose_name = "logement"
        indexes = [models.Index(fields=["dossier", "date_debut"], name="dossiers_logement_debut_idx")]

    def __str__(self):
        return self.adresse


class Ressource(models.Model):
    """Resources of one person, for a year or a quarter (rubrique Ressources, 01-…)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="ressources", db_index=False)
    annee = models.PositiveSmallIntegerField("année")
    trimestre = models.PositiveSmallIntegerField("trimestre", null=True, blank=True, help_text="Vide : annuelles.")
    type_personne = models.CharField("type de personne", max_length=20)
    nature = models.CharField("nature", max_length=80)
    montant = models.DecimalField("montant", max_digits=10, decimal_places=2)
    # In the DOM, a household paid both the AAH and the RSA declares quarterly resources for each:
    # "ressources trimestrielles Aah ou ressources trimestrielles Rsa/Rmi/Api pour les Dom" (01-…).
    prestation = models.CharField(
        "prestation des ressources trimestrielles",
        max_length=5,
        choices=Prestation.choices,
        blank=True,
        help_text="Vide : ressources annuelles, ou trimestrielles d'une seule prestation.",
    )

    class Meta:
        verbose_name = "ressource"
        indexes = [models.Index(fields=["dossier", "annee"], name="dossiers_ressource_annee_idx")]

    def __str__(self):
        return f"{self.type_personne} {self.annee} {self.nature}"


class Creance(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="creances")
    # "Code nature créances / libellé" (01-…): the code is shown with the generic libellé, so that
    # the Caf can give the partner the list of its local codes.
    code_nature = models.CharField("code nature", max_length=10, blank=True)
    nature = models.CharField("nature", max_length=100)
    destinataire = models.CharField("destinataire", max_length=100)
    montant_initial = models.DecimalField("montant de début de recouvrement", max_digits=9, decimal_places=2)
    remboursement = models.CharField("plan de remboursement", max_length=100)
    solde = models.DecimalField("solde réel", max_digits=9, decimal_places=2)
    etat = models.CharField("état", max_length=60)
    motif = models.CharField("motif", max_length=100, blank=True)
    periode_debut = models.DateField("période du")
    periode_fin = models.DateField("période au")

    class Meta:
        verbose_name = "créance"

    def __str__(self):
        return self.nature


class SensCourrier(models.TextChoices):
    RECU = "recu", "reçu"
    ENVOYE = "envoye", "envoyé"


class Courrier(models.Model):
    """A letter in or out, from the Caf's mail tracking application (SDP, 01-…)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="courriers", db_index=False)
    sens = models.CharField("sens", max_length=6, choices=SensCourrier.choices)
    type_courrier = models.CharField("type", max_length=100)
    date = models.DateField("date de réception ou d'envoi")
    etat = models.CharField("état", max_length=30)
    date_traitement = models.DateField("date du traitement", null=True, blank=True)

    class Meta:
        verbose_name = "courrier"
        indexes = [models.Index(fields=["dossier", "date"], name="dossiers_courrier_date_idx")]

    def __str__(self):
        return f"{self.type_courrier} {self.date:%d/%m/%Y}"


class NatureQuotient(models.TextChoices):
    CNAF = "cnaf", "QF Cnaf"
    CAF = "caf", "QF Caf"


class QuotientFamilial(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="quotients", db_index=False)
    nature = models.CharField("nature", max_length=4, choices=NatureQuotient.choices)
    mois = models.DateField("mois")
    montant = models.DecimalField("montant", max_digits=8, decimal_places=2)
    date_calcul = models.DateField("date de calcul")
    nb_parts = models.DecimalField("nombre de parts", max_digits=4, decimal_places=2)
    ressources_psu = models.DecimalField(
        "ressources annuelles PSU", max_digits=10, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = "quotient familial"
        verbose_name_plural = "quotients familiaux"
        constraints = [
            models.UniqueConstraint(fields=["dossier", "nature", "mois"], name="dossiers_quotient_un_par_mois")
        ]

    def __str__(self):
        return f"{self.get_nature_display()} {self.mois:%m/%Y}"


class MinimumSocial(models.Model):
    """A right to RSA, RMI or API (rubriques Rsa, Rmi - Api and Cmu)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="minima")
    prestation = models.CharField("prestation", max_length=5, choices=Prestation.choices)
    socle = models.BooleanField("RSA socle", default=False)
    demandeur = models.CharField("demandeur", max_length=3, choices=Civilite.choices)
    nb_personnes = models.PositiveSmallIntegerField("personnes à charge")
    date_demande = models.DateField("date de la demande")
    date_debut = models.DateField("début du droit")
    date_fin = models.DateField("fin du droit", null=True, blank=True)
    motif_fin = models.CharField("motif de fin", max_length=100, blank=True)

    class Meta:
        verbose_name = "droit RSA, RMI ou API"
        verbose_name_plural = "droits RSA, RMI ou API"

    def __str__(self):
        return f"{self.get_prestation_display()} du {self.date_debut:%d/%m/%Y}"


class MesureAccompagnement(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="mesures")
    nature = models.CharField("nature de la mesure", max_length=100)
    date_debut = models.DateField("début")
    date_fin = models.DateField("fin", null=True, blank=True)
    tuteur = models.CharField("tuteur, délégué ou mandataire", max_length=100)

    class Meta:
        verbose_name = "mesure d'accompagnement ou tutelle"
        verbose_name_plural = "mesures d'accompagnement ou tutelles"

    def __str__(self):
        return self.nature


class DeclarationRessources(models.Model):
    """A quarterly declaration of resources (RSA, AAH)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="declarations")
    trimestre_debut = models.DateField("trimestre déclaré (premier jour)")
    prestation = models.CharField("prestation", max_length=5, choices=Prestation.choices)
    date_reception = models.DateField("date de réception", null=True, blank=True)
    etat = models.CharField("état", max_length=30)

    class Meta:
        verbose_name = "déclaration trimestrielle de ressources"
        verbose_name_plural = "déclarations trimestrielles de ressources"

    def __str__(self):
        return f"{self.get_prestation_display()} {self.trimestre_debut:%m/%Y}"
