"""Accounts: Caf staff, and the partner agents' nominative habilitations.

Sources: manual Cafpro V5 "Identification" (8-character identifiant, 6-character
password); `02-…` I.2–I.3 and annex 3 (nominative habilitation, T12 for greffiers only,
letter "ouverture des droits"); `04-…` and `01-…` forms (demande d'accès, demande de
suppression effective at a date).
"""

import re
import unicodedata
import uuid
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from conventions.models import Caisse, Convention, DesignationResponsable, EtatConvention, Partenaire
from conventions.validators import valider_telephone
from journal.ecriture import enregistrer
from journal.models import Resultat, TypeEvenement
from profils.definitions import PROFIL_GREFFIERS

from .codes import cle_identifiant, generer_identifiant, generer_mot_de_passe

# Previous passwords a new one may not repeat.
HISTORIQUE_MOTS_DE_PASSE = 5


class TypeCompte(models.TextChoices):
    PARTENAIRE = "partenaire", "agent d'un partenaire"
    AGENT_CAF = "agent_caf", "agent de la Caf"
    # The partner's "responsable habilitations" (04-… forms, « désignation d'un responsable
    # habilitations »): manages his agents' accesses in /espace/, never consults a dossier.
    RESPONSABLE = "responsable", "responsable habilitations d'un partenaire"


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

    def create_partenaire(self, type_compte: str = "partenaire") -> "User":
        """A partner agent's (or responsable habilitations') account, with a fresh identifiant
        and no usable password yet."""
        for _ in range(20):
            identifiant = generer_identifiant()
            if not self.filter(username__iexact=identifiant).exists():
                return self.create_user(identifiant, None, type_compte=type_compte)
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
                condition=Q(type_compte__in=[TypeCompte.PARTENAIRE, TypeCompte.RESPONSABLE])
                | Q(caisse__isnull=False)
                | Q(is_superuser=True),
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
    def est_responsable(self) -> bool:
        """A partner's responsable habilitations (issue 16): his space is /espace/, nothing else."""
        return self.type_compte == TypeCompte.RESPONSABLE

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
    # Effective only: the convention has ended, so the access has too, whatever was stored.
    FERMEE = "fermee", "fermée (convention terminée)"


ETATS_DERIVES = (EtatHabilitation.SUPPRIMEE, EtatHabilitation.FERMEE)
ETATS_ENREGISTRES = [choix for choix in EtatHabilitation.choices if choix[0] not in ETATS_DERIVES]

# What the holder wrote on his "demande d'accès au service Cafpro" (02-… annexe 3, 04-… forms).
CHAMPS_DE_LA_DEMANDE = (
    "nom",
    "prenom",
    "fonction",
    "qualite_greffier",
    "adresse_professionnelle",
    "telephone",
    "telecopie",
    "email",
    "contrat",
)

# Fields that the life-cycle actions read and write (re-read under lock before each one).
CHAMPS_DU_CYCLE = (
    "etat",
    "date_ouverture",
    "date_suppression",
    "suppression_demandee_par",
    "suppression_recue_le",
    "motif_suppression",
    "mot_de_passe_provisoire_le",
    "mot_de_passe_provisoire_utilise_le",
    "mot_de_passe_change_le",
    "mot_de_passe_programme",
    "mot_de_passe_programme_le",
    "anciens_mots_de_passe",
)

# Once rights are opened the habilitation is nominative and cannot be delegated (02-… I.3).
CHAMPS_NOMINATIFS = ("nom", "prenom", "convention_id")


def cle_personne(texte: str) -> str:
    """Names compared as people mistype them: case, accents and spacing ignored."""
    sans_accents = unicodedata.normalize("NFKD", texte or "").encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", sans_accents.lower()).split())


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

    def fermees(self, jour: date | None = None):
        """Not deleted, but their convention has ended."""
        jour = jour or timezone.localdate()
        return self.exclude(pk__in=self.supprimees(jour).values("pk")).filter(
            convention__date_fin__isnull=False, convention__date_fin__lte=jour
        )

    def etat_effectif(self, etat: str, jour: date | None = None):
        """The habilitations whose effective state (Habilitation.etat_effectif) is `etat`."""
        jour = jour or timezone.localdate()
        if etat == EtatHabilitation.SUPPRIMEE:
            return self.supprimees(jour)
        if etat == EtatHabilitation.FERMEE:
            return self.fermees(jour)
        return (
            self.filter(etat=etat)
            .exclude(date_suppression__isnull=False, date_suppression__lte=jour)
            .exclude(convention__date_fin__isnull=False, convention__date_fin__lte=jour)
        )

    def en_cours(self, jour: date | None = None):
        """Neither deleted nor closed by the end of their convention."""
        jour = jour or timezone.localdate()
        return self.exclude(date_suppression__isnull=False, date_suppression__lte=jour).exclude(
            convention__date_fin__isnull=False, convention__date_fin__lte=jour
        )


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
    telephone = models.CharField("tél. professionnel", max_length=20, validators=[valider_telephone])
    telecopie = models.CharField("fax professionnel", max_length=20, blank=True, validators=[valider_telephone])
    email = models.EmailField("e-mail professionnel")
    contrat = models.CharField("contrat", max_length=3, choices=Contrat.choices)
    # Deletion is not stored as a state: it follows from date_suppression (etat_effectif).
    etat = models.CharField("état", max_length=12, choices=ETATS_ENREGISTRES, default=EtatHabilitation.DEMANDEE)
    date_demande = models.DateField(
        "demande d'accès signée reçue le",
        default=timezone.localdate,
        help_text="Date de réception de la demande d'accès signée par l'utilisateur et l'employeur.",
    )
    date_ouverture = models.DateField("droits ouverts le", null=True, blank=True, editable=False)
    date_suppression = models.DateField(
        "suppression à compter du",
        null=True,
        blank=True,
        editable=False,
        help_text="Date d'effet de la demande de suppression d'accès.",
    )
    # What the paper "demande de suppression d'accès" brings back (01-… and 04-… forms).
    suppression_demandee_par = models.CharField("suppression demandée par", max_length=150, blank=True, editable=False)
    suppression_recue_le = models.DateField("demande de suppression reçue le", null=True, blank=True, editable=False)
    motif_suppression = models.CharField("motif de la suppression", max_length=200, blank=True, editable=False)
    # Lost or stolen codes: the Caf delivers a new habilitation (03-… art. 3), which replaces this one.
    remplace = models.OneToOneField(
        "self",
        # The chain of replacements is evidence of what the Caf did; never cut.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="remplacee_par",
        verbose_name="remplace l'habilitation",
    )
    # A planned reset (01-… art. 4: notified before it is put into service): the new
    # password's hash waits here until its date; the current one works until then.
    mot_de_passe_programme = models.CharField("mot de passe programmé", max_length=256, blank=True, editable=False)
    mot_de_passe_programme_le = models.DateField(
        "nouveau mot de passe en service le", null=True, blank=True, editable=False
    )
    # Password life (habilitations.mots_de_passe): a password issued by the Caf is
    # single-use and short-lived; a chosen one must be changed periodically.
    mot_de_passe_provisoire_le = models.DateTimeField(
        "mot de passe provisoire émis le", null=True, blank=True, editable=False
    )
    # Single use: the first login with it opens a session that must replace it; if the agent
    # leaves without doing so, it opens nothing more (issue 12, ASVS 6.4.1).
    mot_de_passe_provisoire_utilise_le = models.DateTimeField(
        "mot de passe provisoire utilisé le", null=True, blank=True, editable=False
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
        # Nominative once opened (02-… I.3), T12 for greffiers: for every write, not only forms.
        erreurs = {
            champ: message
            for champ, message in self.regles_non_respectees().items()
            if champ in {"nom", "prenom", "convention", "qualite_greffier"}
        }
        if erreurs:
            raise ValidationError(erreurs)
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
        """The stored state, except that a deletion takes effect on its date and the end of
        the convention closes every access under it."""
        jour = jour or timezone.localdate()
        if self.date_suppression and self.date_suppression <= jour:
            return EtatHabilitation.SUPPRIMEE
        if self.convention.date_fin and self.convention.date_fin <= jour:
            return EtatHabilitation.FERMEE
        return EtatHabilitation(self.etat)

    @property
    def titulaire(self) -> str:
        return f"{self.nom} {self.prenom}".strip()

    def meme_personne(self):
        """Other current habilitations of this convention that look like the same person
        (same name, or same e-mail): one person holds one habilitation per convention."""
        if not self.convention_id:
            return Habilitation.objects.none()
        autres = Habilitation.objects.filter(convention_id=self.convention_id).en_cours().exclude(pk=self.pk)
        cle = cle_personne(f"{self.nom} {self.prenom}")
        courriel = (self.email or "").strip().lower()
        return [
            h
            for h in autres.select_related("user")
            if cle_personne(f"{h.nom} {h.prenom}") == cle or (courriel and h.email.strip().lower() == courriel)
        ]

    # --- Validation --------------------------------------------------------------------------

    def regles_non_respectees(self) -> dict:
        erreurs: dict = {}
        convention = self.convention if self.convention_id else None
        if convention and convention.profil == PROFIL_GREFFIERS and not self.qualite_greffier:
            erreurs["qualite_greffier"] = (
                "Le profil T12 est réservé aux greffiers des bureaux d'aide juridictionnelle : "
                "seuls les greffiers en chef, les greffiers et les fonctionnaires faisant "
                "fonction de greffier peuvent être habilités (circulaire du 21 novembre 2006, I.2)."
            )
        if convention and self.qualite_greffier and convention.profil != PROFIL_GREFFIERS:
            erreurs["qualite_greffier"] = "La qualité de greffier ne concerne que les habilitations au profil T12."
        if self._state.adding and convention and convention.etat() == EtatConvention.TERMINEE:
            erreurs["convention"] = (
                f"La convention {convention.numero} est terminée : aucune habilitation ne peut y être demandée."
            )
        if self.date_demande and self.date_demande > timezone.localdate():
            erreurs["date_demande"] = "La date de réception de la demande d'accès ne peut pas être future."
        if self.pk is not None:
            en_base = Habilitation.objects.filter(pk=self.pk).values(*CHAMPS_NOMINATIFS, "date_ouverture").first()
            if en_base and en_base["date_ouverture"]:
                changes = [champ for champ in CHAMPS_NOMINATIFS if en_base[champ] != getattr(self, champ)]
                for champ in changes:
                    erreurs[champ.removesuffix("_id")] = (
                        "L'habilitation est nominative et ne peut être déléguée (circulaire du 21 novembre "
                        "2006, I.3) : une fois les droits ouverts, le nom, le prénom et la convention ne "
                        "changent plus. Pour une autre personne, enregistrez une nouvelle demande d'accès."
                    )
        return erreurs

    def clean(self):
        erreurs = self.regles_non_respectees()
        if erreurs:
            raise ValidationError(erreurs)

    # --- Life cycle, driven by the Caf's gestionnaires -------------------------------------

    def _verrouiller(self) -> None:
        """Lock the row and read its life-cycle fields again: two clicks, or two tabs, on the
        same action cannot both pass the state check (the second one finds the first's work)."""
        if self.pk is None:
            return
        frais = Habilitation.objects.select_for_update().get(pk=self.pk)
        for champ in CHAMPS_DU_CYCLE:
            setattr(self, champ, getattr(frais, champ))

    def _verifier_transition(self, depuis: tuple[str, ...], action: str) -> None:
        self._verrouiller()
        etat = self.etat_effectif()
        if etat == EtatHabilitation.SUPPRIMEE:
            raise ValidationError(
                f"{self.identifiant} : habilitation supprimée, impossible de la {action}. "
                "Une nouvelle demande d'accès donne lieu à une nouvelle habilitation."
            )
        if etat == EtatHabilitation.FERMEE:
            raise ValidationError(
                f"{self.identifiant} : la convention {self.convention.numero} est terminée, impossible de la {action}."
            )
        if self.etat not in depuis:
            raise ValidationError(
                f"{self.identifiant} : impossible de la {action} dans l'état « {self.get_etat_display()} »."
            )

    def _verifier_convention_active(self, action: str) -> None:
        """Rights are opened and passwords issued only under a signed convention in force."""
        convention = self.convention
        if not convention.est_active():
            raise ValidationError(
                f"{self.identifiant} : impossible de {action} : la convention {convention.numero} est "
                f"« {convention.etat().label} ». Les droits ne s'exercent que sous une convention signée "
                "et en vigueur."
            )

    def _journaliser(self, acteur: User | None, motif: str, request=None, **details) -> None:
        enregistrer(
            TypeEvenement.GESTION,
            Resultat.SUCCES,
            request=request,
            motif=motif,
            identifiant=self.identifiant,
            habilitation_id=self.pk,
            acteur=acteur.username if acteur else "",
            caisse=self.convention.caisse.numero,
            details={"titulaire": self.titulaire, **details},
        )

    @transaction.atomic
    def ouvrir_droits(self, acteur: User, request=None) -> str:
        """Open the rights and return the initial password, to notify by letter only."""
        self._verifier_transition((EtatHabilitation.DEMANDEE,), "ouvrir")
        self._verifier_convention_active("ouvrir les droits")
        mot_de_passe = self.emettre_mot_de_passe()
        self.etat = EtatHabilitation.ACTIVE
        self.date_ouverture = timezone.localdate()
        self.save()
        self._journaliser(acteur, "ouverture des droits", request)
        return mot_de_passe

    def emettre_mot_de_passe(self) -> str:
        """A random password issued by the Caf, in service at once: it must be changed at the
        next login and expires if unused (settings CAFPRO_ISSUED_PASSWORD_VALIDITY_DAYS)."""
        mot_de_passe = generer_mot_de_passe(settings.CAFPRO_PASSWORD_MIN_LENGTH)
        self._mettre_en_service(make_password(mot_de_passe), timezone.now())
        return mot_de_passe

    def _mettre_en_service(self, empreinte: str, depuis: datetime, *, remise_a_zero: bool = True) -> None:
        if self.user.has_usable_password():
            self.anciens_mots_de_passe = [self.user.password, *self.anciens_mots_de_passe][:HISTORIQUE_MOTS_DE_PASSE]
        self.user.password = empreinte
        self.user.save(update_fields=["password"])
        if remise_a_zero:
            # A password the Caf hands over starts with a clean slate of failures.
            CompteurEchecs.objects.filter(cle=cle_identifiant(self.identifiant)).update(echecs=0)
        self.mot_de_passe_provisoire_le = depuis
        self.mot_de_passe_provisoire_utilise_le = None
        self.mot_de_passe_programme = ""
        self.mot_de_passe_programme_le = None
        self.save()

    @transaction.atomic
    def programmer_mot_de_passe(self, a_compter_du: date, acteur: User, request=None) -> str:
        """A planned reset (01-… art. 4): the new password is notified before it is put into
        service on `a_compter_du`; the current one keeps working until then."""
        # Locked or suspended: unlock or reactivate first, or the letter would promise an access
        # that does not open on its date.
        self._verifier_transition((EtatHabilitation.ACTIVE,), "doter d'un mot de passe programmé")
        self._verifier_convention_active("émettre un mot de passe")
        jour = timezone.localdate()
        if a_compter_du <= jour:
            raise ValidationError(
                "Le nouveau mot de passe est notifié avant sa mise en service : choisissez une date "
                "postérieure à aujourd'hui (en cas de perte ou de vol, utilisez l'action prévue, qui "
                "révoque les codes immédiatement)."
            )
        if self.convention.date_fin and a_compter_du >= self.convention.date_fin:
            raise ValidationError(
                f"{self.identifiant} : la convention prend fin le {self.convention.date_fin:%d/%m/%Y}, "
                "avant la mise en service du nouveau mot de passe."
            )
        if self.date_suppression and a_compter_du >= self.date_suppression:
            raise ValidationError(
                f"{self.identifiant} : l'accès est supprimé à compter du {self.date_suppression:%d/%m/%Y}, "
                "avant la mise en service du nouveau mot de passe."
            )
        mot_de_passe = generer_mot_de_passe(settings.CAFPRO_PASSWORD_MIN_LENGTH)
        self.mot_de_passe_programme = make_password(mot_de_passe)
        self.mot_de_passe_programme_le = a_compter_du
        self.save(update_fields=["mot_de_passe_programme", "mot_de_passe_programme_le", "modifie_le"])
        self._journaliser(
            acteur, "réinitialisation programmée du mot de passe", request, a_compter_du=a_compter_du.isoformat()
        )
        return mot_de_passe

    def appliquer_mot_de_passe_programme(self, jour: date | None = None, request=None) -> bool:
        """Put a planned password into service once its date has come (checked at login)."""
        jour = jour or timezone.localdate()
        if not self.mot_de_passe_programme or self.mot_de_passe_programme_le > jour:
            return False
        with transaction.atomic():
            # Two logins at once: the second finds the first's work (and the use it made of
            # the password) instead of putting the same password in service again.
            self._verrouiller()
            if not self.mot_de_passe_programme:
                self.user.refresh_from_db(fields=["password"])
                return True
            date_effet = self.mot_de_passe_programme_le
            debut = timezone.make_aware(datetime.combine(date_effet, time.min))
            # At a login: the attempt being counted must not wipe the failures before it.
            self._mettre_en_service(self.mot_de_passe_programme, debut, remise_a_zero=False)
            self._journaliser(
                None, "mise en service du mot de passe programmé", request, a_compter_du=date_effet.isoformat()
            )
        return True

    @transaction.atomic
    def perte_ou_vol(self, acteur: User, request=None) -> tuple["Habilitation", str]:
        """Lost or stolen codes: revoke this habilitation's codes at once and deliver a new
        habilitation to the same person (03-… art. 3, 01-… art. 4). Returns it and its password."""
        # A suspended access is reactivated first: a replacement must not lift a suspension.
        self._verifier_transition((EtatHabilitation.ACTIVE, EtatHabilitation.VERROUILLEE), "remplacer")
        self._verifier_convention_active("délivrer une nouvelle habilitation")
        jour = timezone.localdate()
        # A deletion the employer already asked for applies to the replacement too.
        suppression_prevue = {
            "date_suppression": self.date_suppression,
            "suppression_demandee_par": self.suppression_demandee_par,
            "suppression_recue_le": self.suppression_recue_le,
            "motif_suppression": self.motif_suppression,
        }
        self.user.set_unusable_password()
        self.user.save(update_fields=["password"])
        self.mot_de_passe_programme = ""
        self.mot_de_passe_programme_le = None
        self.date_suppression = jour
        self.motif_suppression = "perte ou vol des codes d'accès"
        self.suppression_recue_le = jour
        self.save()
        nouvelle = Habilitation(
            convention=self.convention,
            remplace=self,
            date_demande=jour,
            **{champ: getattr(self, champ) for champ in CHAMPS_DE_LA_DEMANDE},
            **(suppression_prevue if suppression_prevue["date_suppression"] else {}),
        )
        nouvelle.save()
        self._journaliser(
            acteur, "perte ou vol des codes : codes révoqués", request, remplacee_par=nouvelle.identifiant
        )
        nouvelle._journaliser(
            acteur, "création : nouvelle habilitation après perte ou vol", request, remplace=self.identifiant
        )
        mot_de_passe = nouvelle.ouvrir_droits(acteur, request)
        return nouvelle, mot_de_passe

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
        self._verifier_convention_active("la réactiver")
        ancien = self.etat
        self.etat = EtatHabilitation.ACTIVE
        self.save()
        CompteurEchecs.objects.filter(cle=cle_identifiant(self.identifiant)).update(echecs=0)
        self._journaliser(
            acteur, "déverrouillage" if ancien == EtatHabilitation.VERROUILLEE else "réactivation", request
        )

    @transaction.atomic
    def programmer_suppression(
        self,
        a_compter_du: date,
        acteur: User,
        request=None,
        *,
        demandee_par: str,
        recue_le: date,
    ) -> None:
        """Record a "demande de suppression d'accès" received on `recue_le`, signed by
        `demandee_par` (the employer or the responsable habilitations), effective from
        `a_compter_du`."""
        self._verifier_transition(tuple(EtatHabilitation.values), "supprimer")
        jour = timezone.localdate()
        erreurs = {}
        debut = self.date_ouverture or self.date_demande
        if not demandee_par.strip():
            erreurs["demandee_par"] = "Indiquez qui a signé la demande de suppression (l'employeur)."
        if recue_le > jour:
            erreurs["recue_le"] = "La date de réception de la demande de suppression ne peut pas être future."
        elif recue_le < self.date_demande:
            erreurs["recue_le"] = (
                f"La demande de suppression ne peut pas avoir été reçue avant la demande d'accès "
                f"({self.date_demande:%d/%m/%Y})."
            )
        if a_compter_du < debut:
            quoi = "l'ouverture des droits" if self.date_ouverture else "la demande d'accès"
            erreurs["a_compter_du"] = f"La suppression ne peut pas précéder {quoi} ({debut:%d/%m/%Y})."
        elif recue_le <= jour and a_compter_du < recue_le:
            # The accesses before the request reached the Caf were lawful: no retroactive deletion.
            erreurs["a_compter_du"] = (
                f"La suppression ne peut pas prendre effet avant la réception de la demande ({recue_le:%d/%m/%Y})."
            )
        elif self.date_suppression and a_compter_du > self.date_suppression:
            erreurs["a_compter_du"] = (
                f"Une suppression est déjà enregistrée à compter du {self.date_suppression:%d/%m/%Y} : elle "
                "peut être avancée, pas reportée."
            )
        elif a_compter_du > date(2100, 12, 31):
            erreurs["a_compter_du"] = "La date de suppression doit être antérieure à 2100."
        if erreurs:
            raise ValidationError(erreurs)
        self.date_suppression = a_compter_du
        self.suppression_demandee_par = demandee_par.strip()
        self.suppression_recue_le = recue_le
        self.motif_suppression = "demande de suppression d'accès"
        if a_compter_du <= jour:
            self.mot_de_passe_programme = ""
            self.mot_de_passe_programme_le = None
        self.save()
        self._journaliser(
            acteur,
            "suppression programmée",
            request,
            a_compter_du=a_compter_du.isoformat(),
            demandee_par=demandee_par.strip()[:150],
            recue_le=recue_le.isoformat(),
        )


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


# --- Responsables habilitations (issue 16) ---------------------------------------------------

# 04-… forms, « désignation d'un responsable habilitations »: the partner names who answers for its
# agents' accesses; the team's decision: at most two per convention (a titulaire and a backup).
MAX_RESPONSABLES_PAR_CONVENTION = 2


class ResponsableHabilitationsQuerySet(models.QuerySet):
    def en_fonction(self):
        return self.filter(user__is_active=True)


class ResponsableHabilitations(models.Model):
    """A partner's responsable habilitations, with his own account (TypeCompte.RESPONSABLE).

    Created by the Caf's gestionnaire from the désignation received (04-… forms, « désignation
    d'un responsable habilitations »). « Le changement de responsable habilitations doit faire
    l'objet d'une nouvelle désignation »: a replaced responsable's attachments are ended
    (RattachementResponsable.fin_le) and his account closed, never reassigned to someone else.
    His account manages the accesses of his conventions' agents and never consults a dossier.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        User,
        # The journal and the requests name this account: it is closed, never deleted.
        on_delete=models.PROTECT,
        related_name="responsable_habilitations",
        editable=False,
        verbose_name="compte",
    )
    partenaire = models.ForeignKey(
        Partenaire,
        # The partner's référentiel outlives its responsables' accounts.
        on_delete=models.PROTECT,
        related_name="responsables_habilitations",
    )
    designation = models.ForeignKey(
        DesignationResponsable,
        # The désignation is the evidence the account rests on.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="comptes",
        verbose_name="désignation",
        help_text="La désignation reçue du partenaire qui fonde ce compte.",
    )
    nom = models.CharField("nom", max_length=100)
    prenom = models.CharField("prénom", max_length=100)
    email = models.EmailField("adresse électronique professionnelle", blank=True)
    telephone = models.CharField("tél. professionnel", max_length=20, blank=True, validators=[valider_telephone])
    conventions = models.ManyToManyField(
        Convention,
        through="RattachementResponsable",
        related_name="responsables_habilitations",
        blank=True,
    )
    # A password the Caf issues is single-use and short-lived (SECURITY.md, ASVS 6.4.1): set when
    # issued, cleared when he chooses his own (responsables.views.mot_de_passe).
    mot_de_passe_provisoire_le = models.DateTimeField(
        "mot de passe provisoire émis le", null=True, blank=True, editable=False
    )
    cree_le = models.DateTimeField("créé le", auto_now_add=True)

    objects = ResponsableHabilitationsQuerySet.as_manager()

    class Meta:
        verbose_name = "responsable habilitations"
        verbose_name_plural = "responsables habilitations"
        ordering = ["nom", "prenom"]

    def __str__(self):
        return f"{self.prenom} {self.nom} ({self.identifiant})".strip()

    def save(self, *args, **kwargs):
        if self.user_id is None:
            self.user = User.objects.create_partenaire(TypeCompte.RESPONSABLE)
        super().save(*args, **kwargs)

    @property
    def identifiant(self) -> str:
        return self.user.username if self.user_id else ""

    def clean(self):
        if self.designation_id and self.partenaire_id and self.designation.partenaire_id != self.partenaire_id:
            raise ValidationError({"designation": "La désignation doit émaner du partenaire du responsable."})

    def conventions_en_charge(self, jour: date | None = None):
        """The conventions he answers for today: attached, attachment not ended."""
        return Convention.objects.filter(pk__in=self.rattachements.en_cours(jour).values("convention_id"))

    def emettre_mot_de_passe(self) -> str:
        """A random password issued by the Caf, to hand over like an agent's: provisional, to be
        replaced at the first login, void after CAFPRO_ISSUED_PASSWORD_VALIDITY_DAYS."""
        mot_de_passe = generer_mot_de_passe(settings.CAFPRO_PASSWORD_MIN_LENGTH)
        self.user.set_password(mot_de_passe)
        self.user.save(update_fields=["password"])
        self.mot_de_passe_provisoire_le = timezone.now()
        self.save(update_fields=["mot_de_passe_provisoire_le"])
        CompteurEchecs.objects.filter(cle=cle_identifiant(cle_responsable(self.identifiant))).update(echecs=0)
        return mot_de_passe

    def provisoire_expire(self) -> bool:
        emis = self.mot_de_passe_provisoire_le
        return emis is not None and timezone.now() - emis > timedelta(
            days=settings.CAFPRO_ISSUED_PASSWORD_VALIDITY_DAYS
        )


def cle_responsable(identifiant: str) -> str:
    """The failure counter's key of a responsable's identifiant, apart from the agents' ones."""
    return "responsable:" + identifiant


class RattachementResponsableQuerySet(models.QuerySet):
    def en_cours(self, jour: date | None = None):
        jour = jour or timezone.localdate()
        return self.filter(debut_le__lte=jour).filter(Q(fin_le__isnull=True) | Q(fin_le__gt=jour))


class RattachementResponsable(models.Model):
    """One convention a responsable habilitations answers for, from a date until a new désignation."""

    class Rang(models.IntegerChoices):
        PREMIER = 1, "premier responsable"
        SECOND = 2, "second responsable"

    responsable = models.ForeignKey(
        ResponsableHabilitations,
        # History of who answered for a convention's accesses: never cut.
        on_delete=models.PROTECT,
        related_name="rattachements",
    )
    convention = models.ForeignKey(
        Convention,
        # Same: the convention is never deleted.
        on_delete=models.PROTECT,
        related_name="rattachements_responsables",
    )
    rang = models.PositiveSmallIntegerField("rang", choices=Rang.choices)
    debut_le = models.DateField("en charge à compter du", default=timezone.localdate)
    fin_le = models.DateField(
        "fin de la charge le",
        null=True,
        blank=True,
        help_text="Renseignée quand une nouvelle désignation remplace ce responsable.",
    )

    objects = RattachementResponsableQuerySet.as_manager()

    class Meta:
        verbose_name = "convention confiée à un responsable habilitations"
        verbose_name_plural = "conventions confiées aux responsables habilitations"
        ordering = ["convention", "rang"]
        constraints = [
            # Two seats per convention (MAX_RESPONSABLES_PAR_CONVENTION)...
            models.CheckConstraint(condition=Q(rang__in=[1, 2]), name="habilitations_rattachement_rang_1_ou_2"),
            # ...each held by one responsable at a time: with the check above, at most two
            # responsables in charge of a convention, even under two concurrent admin saves.
            models.UniqueConstraint(
                fields=["convention", "rang"],
                condition=Q(fin_le__isnull=True),
                name="habilitations_rattachement_un_responsable_par_rang",
            ),
            # A responsable holds one seat of a convention, not both.
            models.UniqueConstraint(
                fields=["convention", "responsable"],
                condition=Q(fin_le__isnull=True),
                name="habilitations_rattachement_une_fois_par_convention",
            ),
            models.CheckConstraint(
                condition=Q(fin_le__isnull=True) | Q(fin_le__gte=models.F("debut_le")),
                name="habilitations_rattachement_fin_apres_debut",
            ),
        ]

    def __str__(self):
        return f"{self.convention} — {self.responsable}"

    def save(self, *args, **kwargs):
        if self.rang is None:
            # The free seat; the unique constraint refuses a third responsable all the same.
            pris = set(
                RattachementResponsable.objects.filter(convention_id=self.convention_id, fin_le__isnull=True)
                .exclude(pk=self.pk)
                .values_list("rang", flat=True)
            )
            self.rang = min(set(self.Rang.values) - pris, default=self.Rang.SECOND)
        super().save(*args, **kwargs)

    def clean(self):
        erreurs = {}
        # In the admin's inline the responsable may not be saved yet: the count holds without him.
        if self.convention_id:
            if self.responsable_id and self.convention.partenaire_id != self.responsable.partenaire_id:
                erreurs["convention"] = "Un responsable habilitations ne répond que des conventions de son partenaire."
            if self.fin_le is None:
                autres = RattachementResponsable.objects.filter(
                    convention_id=self.convention_id, fin_le__isnull=True
                ).exclude(pk=self.pk)
                if self.responsable_id and autres.filter(responsable_id=self.responsable_id).exists():
                    erreurs["convention"] = "Ce responsable est déjà en charge de cette convention."
                elif autres.count() >= MAX_RESPONSABLES_PAR_CONVENTION:
                    erreurs["convention"] = (
                        f"La convention {self.convention.numero} a déjà {MAX_RESPONSABLES_PAR_CONVENTION} "
                        "responsables habilitations : mettez fin à la charge de l'un d'eux (nouvelle désignation)."
                    )
                elif self.rang is None:
                    pris = set(autres.values_list("rang", flat=True))
                    self.rang = min(set(self.Rang.values) - pris)
                elif autres.filter(rang=self.rang).exists():
                    erreurs["rang"] = "Ce rang est déjà occupé pour cette convention."
        if self.fin_le and self.debut_le and self.fin_le < self.debut_le:
            erreurs["fin_le"] = "La fin de la charge ne peut pas précéder son début."
        if self.pk is not None:
            # A charge recorded is history: only its end is written later (a new désignation).
            en_base = RattachementResponsable.objects.filter(pk=self.pk).values("convention_id", "debut_le").first()
            if en_base and (en_base["convention_id"], en_base["debut_le"]) != (self.convention_id, self.debut_le):
                erreurs["convention"] = (
                    "Une charge enregistrée ne change pas de convention ni de début : mettez-y fin et ajoutez-en une."
                )
        if erreurs:
            raise ValidationError(erreurs)
