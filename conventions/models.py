"""The Caf référentiel, partners and their conventions.

Sources: `02-…` annexes 1 and 2 (the Cafs), `01-…` art. 5–6 and `03-…` art. 4–5 (duration,
tacit renewal, dénonciation, résiliation), the conventions' headers (partner fields).
"""

import ipaddress
import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from journal.ecriture import enregistrer
from journal.models import Resultat, TypeEvenement
from profils.definitions import PROFIL_GREFFIERS, profil_choices

from .dates import ajouter_annees, ajouter_mois
from .validators import valider_code_postal, valider_siret, valider_telephone

CMAF = "CMAF"


def aujourd_hui() -> date:
    return timezone.localdate()


def _fr(jour: date) -> str:
    return date_format(jour, "d/m/Y")


class CaisseQuerySet(models.QuerySet):
    def caf(self):
        """The Cafs proper, without the Caisse Maritime."""
        return self.filter(est_maritime=False)


class CaisseManager(models.Manager.from_queryset(CaisseQuerySet)):
    def get_by_natural_key(self, numero):
        return self.get(numero=numero)


class Caisse(models.Model):
    numero = models.CharField("numéro", max_length=4, unique=True, help_text="Numéro de la Caf (011 … 974), ou CMAF.")
    nom = models.CharField("nom", max_length=100)
    ville = models.CharField("ville", max_length=100)
    departement = models.CharField("département", max_length=3)
    est_maritime = models.BooleanField(
        "Caisse Maritime", default=False, help_text="La CMAF n'est jamais atteinte par un code postal."
    )
    defaut_departement = models.BooleanField(
        "Caf par défaut du département",
        default=False,
        help_text="Caf retenue pour un code postal du département sans routage particulier.",
    )
    adresse = models.TextField("adresse", blank=True)
    telephone = models.CharField("téléphone", max_length=20, blank=True)
    telecopie = models.CharField("télécopie", max_length=20, blank=True)
    contact = models.CharField("chargé de communication", max_length=100, blank=True)
    dialogue_ouvert = models.BooleanField(
        "rubrique Dialogue ouverte",
        default=False,
        help_text="La rubrique optionnelle de dialogue avec les partenaires (manuel Cafpro V5).",
    )

    objects = CaisseManager()

    class Meta:
        verbose_name = "caisse"
        ordering = ["numero"]
        constraints = [
            # Postal routing falls back on this Caf: there can be only one per department.
            models.UniqueConstraint(
                fields=["departement"],
                condition=Q(defaut_departement=True),
                name="conventions_caisse_un_defaut_par_departement",
            ),
            # The CMAF is reached by its check box, never by a code postal (manual, Cinématique).
            models.CheckConstraint(
                condition=~Q(est_maritime=True, defaut_departement=True),
                name="conventions_caisse_cmaf_hors_routage",
            ),
        ]

    def __str__(self):
        return f"{self.numero} — {self.nom}"

    def natural_key(self):
        return (self.numero,)


class RoutageCodePostalManager(models.Manager):
    def get_by_natural_key(self, code_postal):
        return self.get(code_postal=code_postal)


class RoutageCodePostal(models.Model):
    """A code postal served by another Caf than its department's default one."""

    code_postal = models.CharField("code postal", max_length=5, unique=True, validators=[valider_code_postal])
    caisse = models.ForeignKey(
        Caisse,
        # A Caf that still routes codes postaux cannot vanish from the référentiel.
        on_delete=models.PROTECT,
        related_name="routages",
        limit_choices_to={"est_maritime": False},
    )

    objects = RoutageCodePostalManager()

    class Meta:
        verbose_name = "routage de code postal"
        verbose_name_plural = "routages de codes postaux"
        ordering = ["code_postal"]

    def __str__(self):
        return f"{self.code_postal} → {self.caisse}"

    def natural_key(self):
        return (self.code_postal,)

    def clean(self):
        if self.caisse_id and self.caisse.est_maritime:
            raise ValidationError({"caisse": "La Caisse Maritime ne peut pas être atteinte par un code postal."})


class CategoriePartenaire(models.TextChoices):
    """The kind of organisation: it decides which profiles it may sign for (T12: BAJ only)."""

    COMMUNE = "commune", "commune ou mairie"
    CCAS = "ccas", "CCAS ou CIAS"
    DEPARTEMENT = "departement", "conseil départemental"
    INTERCOMMUNALITE = "intercommunalite", "métropole ou intercommunalité"
    BAILLEUR = "bailleur", "bailleur social"
    BAJ = "baj", "bureau d'aide juridictionnelle"
    SURENDETTEMENT = "surendettement", "commission de surendettement"
    ASSURANCE_MALADIE = "assurance_maladie", "organisme d'assurance maladie"
    TUTELLE = "tutelle", "tuteur, curateur ou mandataire judiciaire"
    ASSOCIATION = "association", "association ou prestataire d'action sociale"
    AUTRE = "autre", "autre organisme"


class Partenaire(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey(
        Caisse,
        # Partners are the Caf's own référentiel: removing a Caf must not orphan them.
        on_delete=models.PROTECT,
        related_name="partenaires",
        verbose_name="Caf gestionnaire",
    )
    raison_sociale = models.CharField("raison sociale", max_length=200)
    categorie = models.CharField(
        "catégorie",
        max_length=20,
        choices=CategoriePartenaire.choices,
        default=CategoriePartenaire.AUTRE,
        help_text="Le profil T12 est réservé aux bureaux d'aide juridictionnelle (circulaire du 21 novembre 2006).",
    )
    siret = models.CharField(
        "numéro SIRET",
        max_length=14,
        validators=[valider_siret],
        help_text="14 chiffres ; les espaces sont acceptés (ex. 215 401 845 000 15).",
    )
    adresse = models.TextField("adresse du siège")
    code_postal = models.CharField("code postal", max_length=5, validators=[valider_code_postal])
    ville = models.CharField("ville", max_length=100)
    telephone = models.CharField("téléphone", max_length=20, blank=True, validators=[valider_telephone])
    email = models.EmailField("adresse électronique", blank=True)
    representant_nom = models.CharField("représentant", max_length=150, help_text="Ex. : Michel BREUILLE")
    representant_qualite = models.CharField("qualité du représentant", max_length=100, help_text="Ex. : Maire")
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    modifie_le = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "partenaire"
        ordering = ["raison_sociale"]
        constraints = [
            # One record per establishment and Caf: a second one would split its conventions.
            models.UniqueConstraint(fields=["caisse", "siret"], name="conventions_partenaire_siret_unique_par_caisse"),
        ]

    def __str__(self):
        return self.raison_sociale

    def clean(self):
        if self.pk is not None and self.conventions.exists():
            categorie = Partenaire.objects.filter(pk=self.pk).values_list("categorie", flat=True).first()
            if categorie != self.categorie:
                raise ValidationError(
                    {"categorie": "La catégorie d'un partenaire qui a signé une convention ne change plus."}
                )

    @property
    def responsable(self) -> "DesignationResponsable | None":
        """The responsable habilitations in office: the latest désignation received."""
        return self.designations.order_by("-recue_le", "-pk").first()


class DesignationResponsable(models.Model):
    """A "désignation d'un responsable habilitations" received from the partner (04-… forms).

    "Le changement de responsable habilitations doit faire l'objet d'une nouvelle
    désignation": each one is kept, never overwritten, so the Caf can tell who was in
    charge of the partner's accesses at any date.
    """

    partenaire = models.ForeignKey(
        Partenaire,
        # The history of who answered for the partner's accesses outlives nothing it documents.
        on_delete=models.PROTECT,
        related_name="designations",
    )
    nom = models.CharField("nom du responsable habilitations", max_length=100)
    prenom = models.CharField("prénom du responsable habilitations", max_length=100)
    telephone = models.CharField("tél. professionnel", max_length=20, blank=True, validators=[valider_telephone])
    telecopie = models.CharField("fax professionnel", max_length=20, blank=True, validators=[valider_telephone])
    email = models.EmailField("adresse électronique professionnelle", blank=True)
    adresse = models.TextField("adresse (si différente)", blank=True)
    date_designation = models.DateField("désignation signée le", null=True, blank=True)
    recue_le = models.DateField("désignation reçue le", default=aujourd_hui)
    enregistree_par = models.CharField("enregistrée par", max_length=150, blank=True, editable=False)
    cree_le = models.DateTimeField("enregistrée le", auto_now_add=True)

    class Meta:
        verbose_name = "désignation d'un responsable habilitations"
        verbose_name_plural = "désignations des responsables habilitations"
        ordering = ["partenaire", "-recue_le", "-pk"]

    def __str__(self):
        return f"{self.prenom} {self.nom}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Une désignation reçue ne se modifie pas : enregistrez une nouvelle désignation.")
        super().save(*args, **kwargs)

    def clean(self):
        erreurs = {}
        jour = aujourd_hui()
        if self.recue_le and self.recue_le > jour:
            erreurs["recue_le"] = "La date de réception ne peut pas être future."
        if self.date_designation:
            if self.date_designation > jour:
                erreurs["date_designation"] = "La date de signature ne peut pas être future."
            elif self.recue_le and self.date_designation > self.recue_le:
                erreurs["date_designation"] = "La désignation ne peut pas avoir été reçue avant d'être signée."
        if erreurs:
            raise ValidationError(erreurs)


class Portee(models.TextChoices):
    LOCALE = "locale", "locale (la Caf signataire)"
    MULTI_CAF = "multi_caf", "multi-Caf (liste de Caf)"
    NATIONALE = "nationale", "nationale (toutes les Caf)"


class EtatConvention(models.TextChoices):
    # No access before both parties have signed (03-… art. 5: effect "à compter de la signature").
    NON_SIGNEE = "non_signee", "non signée"
    EN_ATTENTE = "en_attente", "signée, prend effet plus tard"
    EN_VIGUEUR = "en_vigueur", "en vigueur"
    EN_FIN = "en_fin", "dénoncée ou résiliée, prend fin"
    TERMINEE = "terminee", "terminée"


class PartieDenoncante(models.TextChoices):
    CAF = "caf", "la Caf"
    PARTENAIRE = "partenaire", "le partenaire"


SIGNEE = Q(date_signature_caf__isnull=False, date_signature_partenaire__isnull=False)

CHAMPS_SIGNATURE = (
    "signataire_caf",
    "date_signature_caf",
    "signataire_partenaire",
    "date_signature_partenaire",
    "date_effet",
)
CHAMPS_DENONCIATION = ("date_denonciation", "denonciation_par")
# Everything a terminated convention keeps as it was.
CHAMPS_CONVENUS = (
    "numero",
    "partenaire_id",
    "profil",
    "portee",
    *CHAMPS_SIGNATURE,
    *CHAMPS_DENONCIATION,
    "date_resiliation",
    "motif_resiliation",
)


class ConventionQuerySet(models.QuerySet):
    def etat(self, etat: str, jour: date | None = None):
        """The same states as Convention.etat(), as a filter (admin lists, dashboards)."""
        jour = jour or aujourd_hui()
        commencee = SIGNEE & Q(date_effet__lte=jour)
        finie = Q(date_fin__isnull=False, date_fin__lte=jour)
        filtres = {
            EtatConvention.NON_SIGNEE: ~SIGNEE & ~finie,
            EtatConvention.EN_ATTENTE: SIGNEE & Q(date_effet__gt=jour) & ~finie,
            EtatConvention.EN_VIGUEUR: commencee & Q(date_fin__isnull=True),
            EtatConvention.EN_FIN: commencee & Q(date_fin__gt=jour),
            EtatConvention.TERMINEE: finie,
        }
        return self.filter(filtres[etat])

    def actives(self, jour: date | None = None):
        """Conventions under which agents may work today: signed, in force, possibly ending."""
        jour = jour or aujourd_hui()
        return self.filter(SIGNEE & Q(date_effet__lte=jour) & (Q(date_fin__isnull=True) | Q(date_fin__gt=jour)))

    def terminees(self, jour: date | None = None):
        return self.etat(EtatConvention.TERMINEE, jour)

    def dans_la_fenetre_de_denonciation(self, jour: date | None = None):
        """In force, not yet ending, whose last day to notify a dénonciation (two months before
        the next anniversary it can still reach, 01-… art. 6, 03-… art. 5) falls within two months."""
        jour = jour or aujourd_hui()
        limite = ajouter_mois(jour, 2)
        en_vigueur = self.etat(EtatConvention.EN_VIGUEUR, jour).only("pk", "date_effet")
        return self.filter(pk__in=[c.pk for c in en_vigueur if c.limite_de_denonciation(jour) <= limite])


class Convention(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    numero = models.CharField(
        "numéro de convention",
        max_length=60,
        help_text="Tel que la Caf l'écrit : 2018-001, 2017 / 006 / T2, 78/2016/XXAS – T2…",
    )
    caisse = models.ForeignKey(
        Caisse,
        # A convention is evidence of what was agreed: never deleted along with a Caf.
        on_delete=models.PROTECT,
        related_name="conventions",
        verbose_name="Caf signataire",
    )
    partenaire = models.ForeignKey(
        Partenaire,
        # Same: the convention outlives any clean-up of the partner list.
        on_delete=models.PROTECT,
        related_name="conventions",
    )
    profil = models.CharField("profil", max_length=3, choices=profil_choices)
    portee = models.CharField("portée de l'accès", max_length=10, choices=Portee.choices, default=Portee.LOCALE)
    caisses_multi = models.ManyToManyField(
        Caisse,
        blank=True,
        related_name="conventions_multi_caf",
        verbose_name="Caf couvertes (accès multi-Caf)",
        help_text="Pour un accès multi-Caf seulement : les Caf dont les dossiers sont consultables, "
        "en plus de la Caf signataire.",
    )
    signataire_caf = models.CharField("signataire pour la Caf", max_length=150, blank=True)
    date_signature_caf = models.DateField("signée par la Caf le", null=True, blank=True)
    signataire_partenaire = models.CharField("signataire pour le partenaire", max_length=150, blank=True)
    date_signature_partenaire = models.DateField("signée par le partenaire le", null=True, blank=True)
    date_effet = models.DateField(
        "date d'effet", help_text="La convention vaut un an à compter de cette date, renouvelée tacitement."
    )
    date_denonciation = models.DateField(
        "dénonciation notifiée le",
        null=True,
        blank=True,
        help_text="Au plus tard deux mois avant l'échéance annuelle ; la convention prend fin à cette échéance.",
    )
    denonciation_par = models.CharField("dénoncée par", max_length=10, choices=PartieDenoncante.choices, blank=True)
    date_resiliation = models.DateField(
        "résiliée pour manquement le",
        null=True,
        blank=True,
        help_text="Résiliation immédiate par la Caf en cas de non-respect des obligations.",
    )
    motif_resiliation = models.TextField("motif de la résiliation", blank=True)
    # A résiliation is final; one made in error is cancelled by its own journaled action
    # (annuler_resiliation), which keeps the trace here.
    resiliation_annulee_le = models.DateTimeField(
        "dernière résiliation annulée le", null=True, blank=True, editable=False
    )
    motif_annulation_resiliation = models.TextField(
        "motif de l'annulation de la résiliation", blank=True, editable=False
    )
    # Derived from the dates above in save(), never typed: the day the convention stops.
    date_fin = models.DateField("fin de la convention", null=True, blank=True, editable=False)
    cree_le = models.DateTimeField("créée le", auto_now_add=True)
    modifie_le = models.DateTimeField("modifiée le", auto_now=True)

    objects = ConventionQuerySet.as_manager()

    class Meta:
        verbose_name = "convention"
        ordering = ["caisse__numero", "numero"]
        constraints = [
            models.UniqueConstraint(
                fields=["caisse", "numero"], name="conventions_convention_numero_unique_par_caisse"
            ),
        ]

    def __str__(self):
        return f"{self.numero} ({self.profil})"

    def save(self, *args, **kwargs):
        # The rules hold for every write, not only for the admin's forms.
        erreurs = self.regles_non_respectees()
        if erreurs:
            raise ValidationError(erreurs)
        self.date_fin = self.calculer_date_fin()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "date_fin"}
        super().save(*args, **kwargs)

    # --- Duration: one year, renewed tacitly by one-year periods (01-… art. 6) -------------

    def echeance_suivante(self, jour: date) -> date:
        """The first anniversary of the effective date strictly after `jour`."""
        # Start one year short of the gap, which is always on or before `jour`.
        annees = max(1, jour.year - self.date_effet.year - 1)
        while ajouter_annees(self.date_effet, annees) <= jour:
            annees += 1
        return ajouter_annees(self.date_effet, annees)

    def limite_de_denonciation(self, jour: date) -> date:
        """The last day, from `jour` on, to notify a dénonciation that ends the convention at an
        anniversary: two months before the next anniversary, or the one after if that is past."""
        echeance = self.echeance_suivante(jour)
        if ajouter_mois(echeance, -2) < jour:
            echeance = self.echeance_suivante(echeance)
        return ajouter_mois(echeance, -2)

    def fin_par_denonciation(self, notifiee_le: date) -> date:
        """The anniversary at which a dénonciation notified on `notifiee_le` ends the convention.

        Either party may terminate with two months' notice before the annual anniversary
        (01-… art. 6, 03-… art. 5); a later notice is refused, not rolled over silently.
        """
        echeance = self.echeance_suivante(notifiee_le)
        limite = ajouter_mois(echeance, -2)
        if notifiee_le > limite:
            suivante = self.echeance_suivante(echeance)
            raise ValidationError(
                {
                    "date_denonciation": (
                        f"Dénonciation trop tardive : notifiée le {_fr(notifiee_le)}, elle devait l'être "
                        f"au plus tard le {_fr(limite)}, deux mois avant l'échéance annuelle du "
                        f"{_fr(echeance)}. Une dénonciation notifiée au plus tard le "
                        f"{_fr(ajouter_mois(suivante, -2))} mettra fin à la convention le {_fr(suivante)}."
                    )
                }
            )
        return echeance

    def calculer_date_fin(self) -> date | None:
        fins = []
        if self.date_denonciation:
            fins.append(self.fin_par_denonciation(self.date_denonciation))
        if self.date_resiliation:
            fins.append(self.date_resiliation)
        return min(fins) if fins else None

    @property
    def est_signee(self) -> bool:
        return bool(self.date_signature_caf and self.date_signature_partenaire)

    @property
    def derniere_signature(self) -> date | None:
        dates = [d for d in (self.date_signature_caf, self.date_signature_partenaire) if d]
        return max(dates) if dates else None

    def etat(self, jour: date | None = None) -> EtatConvention:
        jour = jour or aujourd_hui()
        if self.date_fin is not None and self.date_fin <= jour:
            return EtatConvention.TERMINEE
        if not self.est_signee:
            return EtatConvention.NON_SIGNEE
        if jour < self.date_effet:
            return EtatConvention.EN_ATTENTE
        if self.date_fin is None:
            return EtatConvention.EN_VIGUEUR
        if jour < self.date_fin:
            return EtatConvention.EN_FIN
        return EtatConvention.TERMINEE

    def est_active(self, jour: date | None = None) -> bool:
        return self.etat(jour) in (EtatConvention.EN_VIGUEUR, EtatConvention.EN_FIN)

    # --- Scope of access (02-… II.2; manual, Cinématique) ---------------------------------

    def couvre(self, caisse_id: int) -> bool:
        """Whether this convention opens the dossiers of that Caf: asked on every page, so the
        local and national scopes answer without a query."""
        if self.portee == Portee.NATIONALE:
            return True
        if caisse_id == self.caisse_id:
            return True
        return self.portee == Portee.MULTI_CAF and self.caisses_multi.filter(pk=caisse_id).exists()

    def caisses_accessibles(self):
        if self.portee == Portee.NATIONALE:
            return Caisse.objects.all()
        if self.portee == Portee.MULTI_CAF:
            return Caisse.objects.filter(Q(pk=self.caisse_id) | Q(conventions_multi_caf=self)).distinct()
        return Caisse.objects.filter(pk=self.caisse_id)

    @staticmethod
    def verifier_caisses_multi(portee: str, caisses) -> None:
        """The list of Cafs belongs to multi-Caf conventions, and they need one."""
        if portee == Portee.MULTI_CAF and not caisses:
            raise ValidationError({"caisses_multi": "Une convention multi-Caf doit indiquer les Caf couvertes."})
        if portee != Portee.MULTI_CAF and caisses:
            raise ValidationError(
                {"caisses_multi": "La liste des Caf couvertes ne concerne que les conventions multi-Caf."}
            )

    # --- Validation ---------------------------------------------------------------------------

    def _en_base(self) -> "Convention | None":
        if self.pk is None:
            return None
        return Convention.objects.filter(pk=self.pk).first()

    def _verifier_signatures(self, erreurs: dict, jour: date) -> None:
        """A convention takes effect at its signature (03-… art. 5): both parties sign, with a
        name and a date each, on or before the date d'effet, and never in the future."""
        for champ_date, champ_nom, partie in (
            ("date_signature_caf", "signataire_caf", "la Caf"),
            ("date_signature_partenaire", "signataire_partenaire", "le partenaire"),
        ):
            signee_le, signataire = getattr(self, champ_date), getattr(self, champ_nom).strip()
            if signee_le and not signataire:
                erreurs[champ_nom] = f"Indiquez le nom et la qualité du signataire pour {partie}."
            elif signataire and not signee_le:
                erreurs[champ_date] = f"Indiquez la date à laquelle {partie} a signé."
            elif signee_le and signee_le > jour:
                erreurs[champ_date] = f"La signature par {partie} ne peut pas être datée dans le futur."
            elif signee_le and signee_le < date(1990, 1, 1):
                erreurs[champ_date] = "La date de signature doit être postérieure à 1990."
        derniere = self.derniere_signature
        if self.date_effet and derniere and derniere > self.date_effet and "date_effet" not in erreurs:
            erreurs["date_effet"] = (
                f"La convention prend effet à sa signature (article 5) : la date d'effet "
                f"({_fr(self.date_effet)}) ne peut pas précéder la dernière signature ({_fr(derniere)})."
            )

    def _verifier_fin(self, erreurs: dict, jour: date, en_base: "Convention | None") -> None:
        if self.date_denonciation:
            if self.date_denonciation > jour:
                erreurs["date_denonciation"] = "La date de notification de la dénonciation ne peut pas être future."
            elif not self.est_signee:
                erreurs["date_denonciation"] = "Une convention non signée ne peut pas être dénoncée."
            elif self.date_denonciation < self.derniere_signature:
                erreurs["date_denonciation"] = (
                    f"La dénonciation ne peut pas précéder la signature de la convention "
                    f"({_fr(self.derniere_signature)})."
                )
            elif not self.denonciation_par:
                erreurs["denonciation_par"] = "Indiquez quelle partie a dénoncé la convention."
            else:
                try:
                    self.fin_par_denonciation(self.date_denonciation)
                except ValidationError as exc:
                    erreurs.update(exc.message_dict)
        elif self.denonciation_par:
            erreurs["date_denonciation"] = "Indiquez la date à laquelle la dénonciation a été notifiée."
        if self.date_resiliation:
            if self.date_resiliation > jour:
                erreurs["date_resiliation"] = (
                    "La résiliation pour manquement est immédiate : sa date ne peut pas être future."
                )
            elif not self.est_signee:
                erreurs["date_resiliation"] = "Une convention non signée ne peut pas être résiliée."
            elif self.date_resiliation < self.date_effet:
                erreurs["date_resiliation"] = "La résiliation ne peut pas précéder la date d'effet."
            elif not self.motif_resiliation.strip():
                erreurs["motif_resiliation"] = "Indiquez le manquement qui justifie la résiliation."
        if (
            en_base is not None
            and en_base.date_resiliation
            and (
                self.date_resiliation != en_base.date_resiliation or self.motif_resiliation != en_base.motif_resiliation
            )
        ):
            erreurs["date_resiliation"] = (
                f"La résiliation du {_fr(en_base.date_resiliation)} est définitive : elle ne peut être ni "
                "modifiée ni effacée. Si elle a été enregistrée par erreur, utilisez l'action "
                "« Annuler une résiliation faite par erreur », qui demande un motif et est journalisée."
            )
        if en_base is not None and en_base.est_signee and not self.est_signee and en_base.habilitations.exists():
            erreurs["date_signature_partenaire"] = (
                "Les signatures d'une convention sous laquelle des habilitations ont été demandées "
                "ne peuvent plus être effacées."
            )
        if (
            en_base is not None
            and en_base.date_denonciation
            and self._valeurs(CHAMPS_DENONCIATION) != (en_base._valeurs(CHAMPS_DENONCIATION))
        ):
            erreurs["date_denonciation"] = (
                f"La dénonciation notifiée le {_fr(en_base.date_denonciation)} est définitive : elle a été "
                "notifiée à l'autre partie et ne peut être ni modifiée ni effacée."
            )

    def _valeurs(self, champs) -> tuple:
        return tuple(getattr(self, champ) for champ in champs)

    def _verifier_figee(self, erreurs: dict, en_base: "Convention | None") -> None:
        """What was agreed cannot move under the accesses it opened, nor once it is over."""
        if en_base is None:
            return
        if en_base.etat() == EtatConvention.TERMINEE and not erreurs:
            modifies = [c for c in CHAMPS_CONVENUS if getattr(self, c) != getattr(en_base, c)]
            if modifies:
                erreurs[modifies[0].removesuffix("_id")] = (
                    f"La convention {en_base.numero} est terminée depuis le {_fr(en_base.date_fin)} : elle ne "
                    "se modifie plus (une résiliation enregistrée par erreur s'annule par l'action prévue)."
                )
                return
        if (
            self._valeurs(CHAMPS_SIGNATURE) != en_base._valeurs(CHAMPS_SIGNATURE)
            and en_base.habilitations.filter(date_ouverture__isnull=False).exists()
        ):
            erreurs["date_effet"] = (
                "Des droits ont été ouverts sous cette convention : ses signatures et sa date d'effet ne changent plus."
            )

    def regles_non_respectees(self) -> dict:
        """Every rule of the sources a convention breaks, by field (empty when it is sound)."""
        erreurs: dict = {}
        en_base = self._en_base()
        if self.partenaire_id and self.caisse_id and self.partenaire.caisse_id != self.caisse_id:
            erreurs["partenaire"] = (
                f"Ce partenaire est suivi par la {self.partenaire.caisse.nom} : "
                "la convention doit être signée avec cette Caf."
            )
        if self.partenaire_id and self.profil:
            baj = self.partenaire.categorie == CategoriePartenaire.BAJ
            if self.profil == PROFIL_GREFFIERS and not baj:
                erreurs["profil"] = (
                    "Le profil T12 est réservé aux bureaux d'aide juridictionnelle (circulaire du "
                    "21 novembre 2006, I.2) : ce partenaire n'en est pas un (voir sa catégorie)."
                )
            elif baj and self.profil != PROFIL_GREFFIERS:
                erreurs["profil"] = "Un bureau d'aide juridictionnelle signe une convention au profil T12."
        if en_base is not None and self.profil and en_base.profil != self.profil and en_base.habilitations.exists():
            # Each habilitation was granted for this profile (T12: greffiers only).
            erreurs["profil"] = (
                f"Le profil ne peut plus changer ({en_base.profil}) : des habilitations ont été accordées "
                "pour ce profil. Signez une nouvelle convention pour un autre profil."
            )
        if en_base is not None and en_base.partenaire_id != self.partenaire_id and en_base.habilitations.exists():
            erreurs["partenaire"] = "Le partenaire d'une convention qui a des habilitations ne peut plus changer."
        if self.date_effet and not (date(1990, 1, 1) <= self.date_effet <= date(2100, 12, 31)):
            erreurs["date_effet"] = "La date d'effet doit être comprise entre 1990 et 2100."
        elif self.date_effet:
            jour = aujourd_hui()
            self._verifier_signatures(erreurs, jour)
            self._verifier_fin(erreurs, jour, en_base)
            self._verifier_figee(erreurs, en_base)
        return erreurs

    def clean(self):
        erreurs = self.regles_non_respectees()
        if erreurs:
            raise ValidationError(erreurs)

    # --- Résiliation, and its cancellation when made in error (03-… art. 4) -------------------

    @transaction.atomic
    def annuler_resiliation(self, motif: str, acteur, request=None) -> None:
        """Cancel a résiliation recorded in error: its own action, with a motif, journaled."""
        if not self.date_resiliation:
            raise ValidationError(f"La convention {self.numero} n'est pas résiliée : rien à annuler.")
        if not motif.strip():
            raise ValidationError("Indiquez pourquoi la résiliation est annulée.")
        ancienne, ancien_motif = self.date_resiliation, self.motif_resiliation
        trace = (
            f"Résiliation du {_fr(ancienne)} (« {ancien_motif} ») annulée : {motif.strip()}\n"
            f"{self.motif_annulation_resiliation}"
        ).strip()
        Convention.objects.filter(pk=self.pk).update(
            date_resiliation=None,
            motif_resiliation="",
            resiliation_annulee_le=timezone.now(),
            motif_annulation_resiliation=trace,
        )
        self.refresh_from_db()
        self.save(update_fields=["date_fin"])
        enregistrer(
            TypeEvenement.GESTION,
            Resultat.SUCCES,
            request=request,
            motif=f"annulation de la résiliation de la convention {self.numero}",
            acteur=acteur.username,
            caisse=self.caisse.numero,
            details={
                "convention": self.numero,
                "objet": f"conventions.convention:{self.pk}",
                "resiliation_annulee": ancienne.isoformat(),
                "motif_de_la_resiliation": ancien_motif[:200],
                "motif": motif.strip()[:200],
            },
        )


# The widest networks a Caf may trust: a partner's site, never a provider's block.
PREFIXE_MINIMAL_DE_CONFIANCE = {4: 24, 6: 48}
# IPv4-mapped IPv6: declared as IPv6, a /96 of it would be all of IPv4.
IPV4_EN_IPV6 = ipaddress.ip_network("::ffff:0:0/96")


class ReseauDeConfiance(models.Model):
    """A partner's office network (one NAT address, or a small range) whose agents all log in
    from the same address: the per-address throttle (habilitations.connexion) allows it more
    failed logins, so that one person spraying identifiants there does not lock every agent
    behind it out for the window. Declared by the partner's Caf; each time the raised limit
    lets an attempt through, its event says so (issue 12, docs/deploiement.md)."""

    partenaire = models.ForeignKey(
        Partenaire, on_delete=models.PROTECT, related_name="reseaux_de_confiance", verbose_name="partenaire"
    )
    reseau = models.CharField(
        "réseau",
        max_length=50,
        help_text="L'adresse sous laquelle le site du partenaire arrive à Cafpro (ex. 203.0.113.7) ou une petite plage "
        "(ex. 203.0.113.0/28) : au plus /24 en IPv4, /48 en IPv6.",
    )
    libelle = models.CharField("site", max_length=150, help_text="Le site du partenaire derrière ce réseau.")
    max_echecs = models.PositiveIntegerField(
        "échecs de connexion admis",
        help_text="Nombre d'échecs de connexion depuis une même adresse de ce réseau, dans la fenêtre "
        "du frein, au-delà duquel les tentatives des agents de ce partenaire sont refusées (au lieu "
        "de la limite générale ; les autres identifiants restent à la limite générale).",
    )
    cree_le = models.DateTimeField("déclaré le", auto_now_add=True)

    class Meta:
        verbose_name = "réseau de confiance d'un partenaire"
        verbose_name_plural = "réseaux de confiance des partenaires"
        ordering = ["partenaire__raison_sociale", "reseau"]

    def __str__(self):
        return f"{self.reseau} ({self.libelle})"

    def save(self, *args, **kwargs):
        self.clean()
        self.reseau = ipaddress.ip_network(self.reseau.strip(), strict=False).with_prefixlen
        super().save(*args, **kwargs)

    def regles_non_respectees(self) -> dict[str, str]:
        erreurs = {}
        try:
            reseau = ipaddress.ip_network((self.reseau or "").strip(), strict=False)
        except ValueError:
            erreurs["reseau"] = "Indiquez une adresse IP (203.0.113.7) ou une plage CIDR (203.0.113.0/28)."
        else:
            minimum = PREFIXE_MINIMAL_DE_CONFIANCE[reseau.version]
            if reseau.version == 6 and reseau.overlaps(IPV4_EN_IPV6):
                erreurs["reseau"] = (
                    "Une adresse IPv4 s'indique sous sa forme IPv4 (203.0.113.7), pas en IPv6 (::ffff:…)."
                )
            elif reseau.prefixlen < minimum:
                erreurs["reseau"] = (
                    f"Plage trop large ({reseau.with_prefixlen}) : un réseau de confiance est celui d'un "
                    f"site du partenaire, au plus /{minimum} en IPv{reseau.version}."
                )
        general = settings.CAFPRO_THROTTLE_MAX_ECHECS
        plafond = settings.CAFPRO_THROTTLE_RESEAU_PLAFOND
        if self.max_echecs is not None and not general < self.max_echecs <= plafond:
            erreurs["max_echecs"] = (
                f"Entre {general + 1} (au-delà de la limite générale de {general}) et {plafond} échecs par fenêtre."
            )
        return erreurs

    def clean(self):
        erreurs = self.regles_non_respectees()
        if erreurs:
            raise ValidationError(erreurs)

    @classmethod
    def contenant(cls, adresse: str) -> list["ReseauDeConfiance"]:
        """The trusted networks that hold this address (a short table: read whole, matched here,
        the same on SQLite and PostgreSQL). An IPv4 address seen as IPv4-mapped IPv6 (a
        dual-stack listener) is matched as the IPv4 address it is."""
        ip = _adresse_reelle(adresse)
        if ip is None:
            return []
        return [
            reseau
            for reseau in cls.objects.select_related("partenaire__caisse")
            if ip in ipaddress.ip_network(reseau.reseau, strict=False)
        ]


def _adresse_reelle(adresse: str):
    try:
        ip = ipaddress.ip_address(adresse)
    except ValueError:
        return None
    return (ip.ipv4_mapped if ip.version == 6 else None) or ip
