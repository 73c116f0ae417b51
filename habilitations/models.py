"""Accounts: Caf staff, and the partner agents' nominative habilitations.

Sources: manual Cafpro V5 "Identification" (8-character identifiant, 6-character
password); `02-…` I.2–I.3 and annex 3 (nominative habilitation, T12 for greffiers only,
letter "ouverture des droits"); `04-…` and `01-…` forms (demande d'accès, demande de
suppression effective at a date).
"""

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from conventions.models import Caisse, Convention
from journal.ecriture import enregistrer
from journal.models import Resultat, TypeEvenement
from profils.definitions import PROFIL_GREFFIERS

from .codes import cle_identifiant, generer_identifiant, generer_mot_de_passe

# Previous passwords a new one may not repeat.
HISTORIQUE_MOTS_DE_PASSE = 5


class TypeCompte(models.TextChoices):
    PARTENAIRE = "partenaire", "agent d'un partenaire"
    AGENT_CAF = "agent_caf", "agent de la Caf"


class Role(models.TextChoices):
    GESTIONNAIRE = "gestionnaire", "gestionnaire Cafpro"
    SECURITE = "securite", "responsable sécurité"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, username, password=None, **extra_fields):
        if not username:
            raise ValueError("Un identifiant est obligatoire.")
        user = self.model(username=username, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username, password=None, **extra_fields):
        extra_fields.update(is_staff=True, is_superuser=True, type_compte=TypeCompte.AGENT_CAF)
        return self.create_user(username, password, **extra_fields)

    def create_partenaire(self) -> "User":
        """A partner agent's account, with a fresh identifiant and no usable password yet."""
        for _ in range(20):
            identifiant = generer_identifiant()
            if not self.filter(username__iexact=identifiant).exists():
                return self.create_user(identifiant, None, type_compte=TypeCompte.PARTENAIRE)
        raise RuntimeError("Impossible de générer un identifiant libre.")


class User(AbstractBaseUser, PermissionsMixin):
    username = models.CharField("identifiant", max_length=150, unique=True, validators=[UnicodeUsernameValidator()])
    type_compte = models.CharField(
        "type de compte", max_length=12, choices=TypeCompte.choices, default=TypeCompte.AGENT_CAF
    )
    caisse = models.ForeignKey(
        Caisse,
        # A staff account belongs to its Caf; the Caf cannot be removed under it.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agents",
        verbose_name="Caf",
        help_text="La Caf de l'agent (comptes du personnel de Caf).",
    )
    role = models.CharField("rôle", max_length=12, choices=Role.choices, blank=True)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    email = models.EmailField("adresse électronique", blank=True)
    is_staff = models.BooleanField("accès à l'administration", default=False)
    is_active = models.BooleanField("actif", default=True)
    date_joined = models.DateTimeField("créé le", default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = "compte"
        constraints = [
            # A partner identifiant can never open the admin (DESIGN §3).
            models.CheckConstraint(
                condition=Q(type_compte=TypeCompte.AGENT_CAF)
                | Q(is_staff=False, is_superuser=False, caisse__isnull=True, role=""),
                name="habilitations_user_partenaire_hors_administration",
            ),
            # Every staff account but the national superusers belongs to one Caf.
            models.CheckConstraint(
                condition=Q(type_compte=TypeCompte.PARTENAIRE) | Q(caisse__isnull=False) | Q(is_superuser=True),
                name="habilitations_user_agent_caf_rattache_a_une_caisse",
            ),
        ]

    def __str__(self):
        return self.username

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name

    @property
    def est_partenaire(self) -> bool:
        return self.type_compte == TypeCompte.PARTENAIRE

    @property
    def est_agent_caf(self) -> bool:
        return self.type_compte == TypeCompte.AGENT_CAF

    @property
    def est_gestionnaire(self) -> bool:
        return self.est_agent_caf and self.is_active and self.role == Role.GESTIONNAIRE

    @property
    def est_responsable_securite(self) -> bool:
        return self.est_agent_caf and self.is_active and self.role == Role.SECURITE


class EtatHabilitation(models.TextChoices):
    DEMANDEE = "demandee", "demandée"
    ACTIVE = "active", "active"
    SUSPENDUE = "suspendue", "suspendue"
    VERROUILLEE = "verrouillee", "verrouillée"
    SUPPRIMEE = "supprimee", "supprimée"


ETATS_ENREGISTRES = [choix for choix in EtatHabilitation.choices if choix[0] != EtatHabilitation.SUPPRIMEE]


class Contrat(models.TextChoices):
    CDI = "CDI", "CDI"
    CDD = "CDD", "CDD"


class QualiteGreffier(models.TextChoices):
    GREFFIER_EN_CHEF = "greffier_en_chef", "greffier en chef"
    GREFFIER = "greffier", "greffier"
    FAISANT_FONCTION = "faisant_fonction", "fonctionnaire faisant fonction de greffier"


class HabilitationQuerySet(models.QuerySet):
    def de_la_caisse(self, caisse_id):
        return self.filter(convention__caisse_id=caisse_id)

    def supprimees(self, jour: date | None = None):
        jour = jour or timezone.localdate()
        return self.filter(date_suppression__isnull=False, date_suppression__lte=jour)


class Habilitation(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        User,
        # The journal and the letters refer to this account: it is never deleted, only closed.
        on_delete=models.PROTECT,
        related_name="habilitation",
        editable=False,
        verbose_name="compte",
    )
    convention = models.ForeignKey(
        Convention,
        # An habilitation exists only under its convention, which is never deleted either.
        on_delete=models.PROTECT,
        related_name="habilitations",
    )
    # "Demande d'accès au service Cafpro" (02-… annex 3, 04-… forms).
    nom = models.CharField("nom", max_length=100)
    prenom = models.CharField("prénom", max_length=100)
    fonction = models.CharField("fonction", max_length=150)
    qualite_greffier = models.CharField(
        "qualité de greffier",
        max_length=20,
        choices=QualiteGreffier.choices,
        blank=True,
        help_text="Obligatoire pour le profil T12, réservé aux greffiers des bureaux d'aide juridictionnelle.",
    )
    adresse_professionnelle = models.TextField("adresse professionnelle")
    telephone = models.CharField("tél. professionnel", max_length=20)
    telecopie = models.CharField("fax professionnel", max_length=20, blank=True)
    email = models.EmailField("e-mail professionnel")
    contrat = models.CharField("contrat", max_length=3, choices=Contrat.choices)
    # Deletion is not stored as a state: it follows from date_suppression (etat_effectif).
    etat = models.CharField("état", max_length=12, choices=ETATS_ENREGISTRES, default=EtatHabilitation.DEMANDEE)
    date_demande = models.DateField("demande reçue le", default=timezone.localdate)
    date_ouverture = models.DateField("droits ouverts le", null=True, blank=True, editable=False)
    date_suppression = models.DateField(
        "suppression à compter du",
        null=True,
        blank=True,
        editable=False,
        help_text="Date d'effet de la demande de suppression d'accès.",
    )
    # Password life (habilitations.mots_de_passe): a password issued by the Caf is
    # single-use and short-lived; a chosen one must be changed periodically.
    mot_de_passe_provisoire_le = models.DateTimeField(
        "mot de passe provisoire émis le", null=True, blank=True, editable=False
    )
    mot_de_passe_change_le = models.DateTimeField("mot de passe choisi le", null=True, blank=True, editable=False)
    anciens_mots_de_passe = models.JSONField("empreintes des mots de passe précédents", default=list, editable=False)
    cree_le = models.DateTimeField("créée le", auto_now_add=True)
    modifie_le = models.DateTimeField("modifiée le", auto_now=True)

    objects = HabilitationQuerySet.as_manager()

    class Meta:
        verbose_name = "habilitation"
        ordering = ["nom", "prenom"]

    def __str__(self):
        return f"{self.identifiant} — {self.prenom} {self.nom}"

    def save(self, *args, **kwargs):
        if self.user_id is None:
            self.user = User.objects.create_partenaire()
        super().save(*args, **kwargs)
        # Django's own checks (ModelBackend, sessions) see the account closed too.
        actif = self.etat_effectif() == EtatHabilitation.ACTIVE
        if self.user.is_active != actif:
            self.user.is_active = actif
            self.user.save(update_fields=["is_active"])

    @property
    def identifiant(self) -> str:
        return self.user.username if self.user_id else ""

    @property
    def profil(self) -> str:
        return self.convention.profil

    def etat_effectif(self, jour: date | None = None) -> EtatHabilitation:
        """The stored state, except that a deletion takes effect on its date."""
        jour = jour or timezone.localdate()
        if self.date_suppression and self.date_suppression <= jour:
            return EtatHabilitation.SUPPRIMEE
        return EtatHabilitation(self.etat)

    def clean(self):
        if self.convention_id and self.convention.profil == PROFIL_GREFFIERS and not self.qualite_greffier:
            raise ValidationError(
                {
                    "qualite_greffier": (
                        "Le profil T12 est réservé aux greffiers des bureaux d'aide juridictionnelle : "
                        "seuls les greffiers en chef, les greffiers et les fonctionnaires faisant "
                        "fonction de greffier peuvent être habilités (circulaire du 21 novembre 2006, I.2)."
                    )
                }
            )
        if self.convention_id and self.qualite_greffier and self.convention.profil != PROFIL_GREFFIERS:
            raise ValidationError(
                {"qualite_greffier": "La qualité de greffier ne concerne que les habilitations au profil T12."}
            )
        if self._state.adding and self.convention_id and not self.convention.est_active():
            raise ValidationError(
                {"convention": "Cette convention n'est pas en vigueur : aucune habilitation ne peut y être demandée."}
            )

    # --- Life cycle, driven by the Caf's gestionnaires -------------------------------------

    def _verifier_transition(self, depuis: tuple[str, ...], action: str) -> None:
        if self.etat_effectif() == EtatHabilitation.SUPPRIMEE:
            raise ValidationError(
                f"{self.identifiant} : habilitation supprimée, impossible de la {action}. "
                "Une nouvelle demande d'accès donne lieu à une nouvelle habilitation."
            )
        if self.etat not in depuis:
            raise ValidationError(
                f"{self.identifiant} : impossible de la {action} dans l'état « {self.get_etat_display()} »."
            )

    def _journaliser(self, acteur: User, motif: str, request=None, **details) -> None:
        enregistrer(
            TypeEvenement.GESTION,
            Resultat.SUCCES,
            request=request,
            motif=motif,
            identifiant=self.identifiant,
            habilitation_id=self.pk,
            acteur=acteur.username,
            caisse=self.convention.caisse.numero,
            details=details,
        )

    @transaction.atomic
    def ouvrir_droits(self, acteur: User, request=None) -> str:
        """Open the rights and return the initial password, to notify by letter only."""
        self._verifier_transition((EtatHabilitation.DEMANDEE,), "ouvrir")
        mot_de_passe = self.emettre_mot_de_passe()
        self.etat = EtatHabilitation.ACTIVE
        self.date_ouverture = timezone.localdate()
        self.save()
        self._journaliser(acteur, "ouverture des droits", request)
        return mot_de_passe

    def emettre_mot_de_passe(self) -> str:
        """A random password issued by the Caf: it must be changed at the next login and
        expires if unused (settings CAFPRO_ISSUED_PASSWORD_VALIDITY_DAYS)."""
        mot_de_passe = generer_mot_de_passe(settings.CAFPRO_PASSWORD_MIN_LENGTH)
        if self.user.has_usable_password():
            self.anciens_mots_de_passe = [self.user.password, *self.anciens_mots_de_passe][:HISTORIQUE_MOTS_DE_PASSE]
        self.user.set_password(mot_de_passe)
        self.user.save(update_fields=["password"])
        # A fresh password starts with a clean slate of failures.
        CompteurEchecs.objects.filter(cle=cle_identifiant(self.identifiant)).update(echecs=0)
        self.mot_de_passe_provisoire_le = timezone.now()
        self.save()
        return mot_de_passe

    @transaction.atomic
    def reinitialiser_mot_de_passe(self, acteur: User, request=None) -> str:
        """The Caf may change any password at any time (01-… art. 4): a new one to notify."""
        self._verifier_transition(
            (EtatHabilitation.ACTIVE, EtatHabilitation.VERROUILLEE, EtatHabilitation.SUSPENDUE),
            "réinitialiser",
        )
        mot_de_passe = self.emettre_mot_de_passe()
        self._journaliser(acteur, "réinitialisation du mot de passe", request)
        return mot_de_passe

    @transaction.atomic
    def suspendre(self, acteur: User, request=None) -> None:
        self._verifier_transition((EtatHabilitation.ACTIVE, EtatHabilitation.VERROUILLEE), "suspendre")
        self.etat = EtatHabilitation.SUSPENDUE
        self.save()
        self._journaliser(acteur, "suspension", request)

    @transaction.atomic
    def reactiver(self, acteur: User, request=None) -> None:
        """Lift a suspension, or unlock after three failed logins."""
        self._verifier_transition((EtatHabilitation.SUSPENDUE, EtatHabilitation.VERROUILLEE), "réactiver")
        ancien = self.etat
        self.etat = EtatHabilitation.ACTIVE
        self.save()
        CompteurEchecs.objects.filter(cle=cle_identifiant(self.identifiant)).update(echecs=0)
        self._journaliser(
            acteur, "déverrouillage" if ancien == EtatHabilitation.VERROUILLEE else "réactivation", request
        )

    @transaction.atomic
    def programmer_suppression(self, a_compter_du: date, acteur: User, request=None) -> None:
        """Record a "demande de suppression d'accès" effective from `a_compter_du`."""
        self._verifier_transition(tuple(EtatHabilitation.values), "supprimer")
        self.date_suppression = a_compter_du
        self.save()
        self._journaliser(acteur, "suppression programmée", request, a_compter_du=a_compter_du.isoformat())


class CompteurEchecs(models.Model):
    """Consecutive failed logins for one typed identifiant, known or not.

    Keyed by a keyed hash of the identifiant, so that an unknown identifiant costs the
    same work as a real one and the table does not list what people typed. The row is
    locked (SELECT … FOR UPDATE) while an attempt is counted: three strikes hold under
    parallel attempts (SECURITY.md, django-axes #592).
    """

    cle = models.CharField("clé", max_length=64, unique=True)
    echecs = models.PositiveSmallIntegerField("échecs consécutifs", default=0)
    dernier_echec = models.DateTimeField("dernier échec", null=True, blank=True)

    class Meta:
        verbose_name = "compteur d'échecs de connexion"
        verbose_name_plural = "compteurs d'échecs de connexion"

    def __str__(self):
        return f"{self.cle[:12]}… : {self.echecs}"

    @classmethod
    def compter(cls, cle: str, maximum: int, delai: timedelta | None = None) -> int | None:
        """Count one attempt under a row lock and return its rank, or None if already at
        `maximum` (blocked). With `delai`, failures older than that are forgotten.

        Runs in its own transaction, to be committed before the password is checked:
        parallel attempts queue on the lock and no more than `maximum` reach the check.
        """
        with transaction.atomic():
            cls.objects.get_or_create(cle=cle)
            compteur = cls.objects.select_for_update().get(cle=cle)
            maintenant = timezone.now()
            if delai and compteur.dernier_echec and maintenant - compteur.dernier_echec > delai:
                compteur.echecs = 0
            if compteur.echecs >= maximum:
                return None
            compteur.echecs += 1
            compteur.dernier_echec = maintenant
            compteur.save(update_fields=["echecs", "dernier_echec"])
            return compteur.echecs
