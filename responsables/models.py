"""The responsables habilitations' requests to their Caf (issue 16).

Seed 04-… (convention CAF 78, formulaires): the partner's « demande d'accès au service Cafpro »
(Nom/Prénom du demandeur, Adresse professionnelle, Tél., Fax, E-mail professionnels, Fonction,
Contrat CDD ou CDI), its « demande de suppression d'accès » effective at a date, and article 3:
« En cas de perte ou de vol des identifiants, le partenaire en informe immédiatement la Caf qui
lui délivre une nouvelle habilitation ». The responsable files them online; each waits for the
Caf's gestionnaire, who validates (the existing life-cycle functions of habilitations carry it
out) or refuses it with a motif.
"""

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from conventions.models import Convention
from conventions.validators import valider_telephone
from habilitations.models import Contrat, Habilitation, QualiteGreffier, ResponsableHabilitations, User


class TypeDemande(models.TextChoices):
    CREATION = "creation", "demande d'accès (nouvel agent)"
    SUSPENSION = "suspension", "suspension de l'accès"
    SUPPRESSION = "suppression", "suppression de l'accès à une date"
    REINITIALISATION = "reinitialisation", "réinitialisation du mot de passe"


class MotifReinitialisation(models.TextChoices):
    PERTE_OU_VOL = "perte_ou_vol", "perte ou vol des codes"
    PLANIFIEE = "planifiee", "réinitialisation planifiée"


class EtatDemande(models.TextChoices):
    EN_ATTENTE = "en_attente", "en attente"
    VALIDEE = "validee", "validée"
    REFUSEE = "refusee", "refusée"


class DemandeQuerySet(models.QuerySet):
    def en_attente(self):
        return self.filter(etat=EtatDemande.EN_ATTENTE)

    def de_la_caisse(self, caisse_id):
        return self.filter(convention__caisse_id=caisse_id)


class Demande(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField("demande", max_length=16, choices=TypeDemande.choices)
    responsable = models.ForeignKey(
        ResponsableHabilitations,
        # Who asked is evidence of the request: the account is closed, never deleted.
        on_delete=models.PROTECT,
        related_name="demandes",
        verbose_name="responsable habilitations",
    )
    # For a demande d'accès, the convention asked for (its profile is the convention's, never
    # chosen); otherwise the agent's convention.
    convention = models.ForeignKey(Convention, on_delete=models.PROTECT, related_name="demandes")
    habilitation = models.ForeignKey(
        Habilitation,
        # The agent concerned; for a demande d'accès, the habilitation its validation created.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="demandes",
        verbose_name="habilitation",
    )
    # « Demande d'accès au service Cafpro » (04-… forms): the agent's fields, as on the paper.
    nom = models.CharField("nom", max_length=100, blank=True)
    prenom = models.CharField("prénom", max_length=100, blank=True)
    fonction = models.CharField("fonction", max_length=150, blank=True)
    qualite_greffier = models.CharField(
        "qualité de greffier", max_length=20, choices=QualiteGreffier.choices, blank=True
    )
    adresse_professionnelle = models.TextField("adresse professionnelle", blank=True)
    telephone = models.CharField("tél. professionnel", max_length=20, blank=True, validators=[valider_telephone])
    telecopie = models.CharField("fax professionnel", max_length=20, blank=True, validators=[valider_telephone])
    email = models.EmailField("e-mail professionnel", blank=True)
    contrat = models.CharField("contrat", max_length=3, choices=Contrat.choices, blank=True)
    # A suppression « à compter du » (04-… « demande de suppression d'accès »).
    a_compter_du = models.DateField("à compter du", null=True, blank=True)
    motif_reinitialisation = models.CharField(
        "motif de la réinitialisation", max_length=12, choices=MotifReinitialisation.choices, blank=True
    )
    commentaire = models.TextField("précisions du responsable", blank=True, max_length=1000)
    etat = models.CharField("état", max_length=10, choices=EtatDemande.choices, default=EtatDemande.EN_ATTENTE)
    motif_decision = models.TextField("motif de la décision", blank=True)
    decidee_par = models.ForeignKey(
        User,
        # The gestionnaire who decided: kept with the request, as the journal keeps him.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="demandes_decidees",
        verbose_name="décidée par",
    )
    decidee_le = models.DateTimeField("décidée le", null=True, blank=True)
    cree_le = models.DateTimeField("déposée le", default=timezone.now)

    objects = DemandeQuerySet.as_manager()

    class Meta:
        verbose_name = "demande d'un responsable habilitations"
        verbose_name_plural = "demandes des responsables habilitations"
        ordering = ["-cree_le"]
        constraints = [
            # A refusal always says why (issue 16): the responsable reads it.
            models.CheckConstraint(
                condition=~Q(etat=EtatDemande.REFUSEE) | ~Q(motif_decision=""),
                name="responsables_demande_refus_motive",
            ),
            # A decided request names who decided and when.
            models.CheckConstraint(
                condition=Q(etat=EtatDemande.EN_ATTENTE) | Q(decidee_par__isnull=False, decidee_le__isnull=False),
                name="responsables_demande_decision_tracee",
            ),
            # Only a demande d'accès may come without its agent (his habilitation does not exist yet).
            models.CheckConstraint(
                condition=Q(type=TypeDemande.CREATION) | Q(habilitation__isnull=False),
                name="responsables_demande_agent_designe",
            ),
            # One pending request of a kind per agent: a second click files nothing more
            # (used by responsables.views.demander).
            models.UniqueConstraint(
                fields=["habilitation", "type"],
                condition=Q(etat=EtatDemande.EN_ATTENTE, habilitation__isnull=False),
                name="responsables_demande_une_en_attente_par_agent",
            ),
        ]

    def __str__(self):
        return f"{self.get_type_display()} — {self.agent} ({self.get_etat_display()})"

    @property
    def agent(self) -> str:
        if self.type == TypeDemande.CREATION:
            return f"{self.nom} {self.prenom}".strip()
        return self.habilitation.titulaire if self.habilitation_id else ""

    @property
    def objet(self) -> str:
        """What is asked, in a phrase for the lists."""
        if self.type == TypeDemande.SUPPRESSION and self.a_compter_du:
            return f"{self.get_type_display()} : à compter du {self.a_compter_du:%d/%m/%Y}"
        if self.type == TypeDemande.REINITIALISATION and self.motif_reinitialisation:
            return f"{self.get_type_display()} ({self.get_motif_reinitialisation_display()})"
        return self.get_type_display()

    def clean(self):
        erreurs = {}
        if self.habilitation_id and self.convention_id and self.habilitation.convention_id != self.convention_id:
            erreurs["habilitation"] = "L'agent doit relever de la convention de la demande."
        if self.type == TypeDemande.SUPPRESSION and not self.a_compter_du:
            erreurs["a_compter_du"] = "Indiquez la date à compter de laquelle l'accès est supprimé."
        if self.type == TypeDemande.REINITIALISATION and not self.motif_reinitialisation:
            erreurs["motif_reinitialisation"] = "Indiquez le motif de la réinitialisation."
        if erreurs:
            raise ValidationError(erreurs)
