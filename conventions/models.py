"""The Caf référentiel, partners and their conventions.

Sources: `02-…` annexes 1 and 2 (the Cafs), `01-…` art. 5–6 and `03-…` art. 4–5 (duration,
tacit renewal, dénonciation, résiliation), the conventions' headers (partner fields).
"""

import uuid
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from profils.definitions import profil_choices

from .dates import ajouter_annees, ajouter_mois
from .validators import valider_code_postal, valider_siret

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
    siret = models.CharField(
        "numéro SIRET",
        max_length=14,
        validators=[valider_siret],
        help_text="14 chiffres ; les espaces sont acceptés (ex. 215 401 845 000 15).",
    )
    adresse = models.TextField("adresse du siège")
    code_postal = models.CharField("code postal", max_length=5, validators=[valider_code_postal])
    ville = models.CharField("ville", max_length=100)
    telephone = models.CharField("téléphone", max_length=20, blank=True)
    email = models.EmailField("adresse électronique", blank=True)
    representant_nom = models.CharField("représentant", max_length=150, help_text="Ex. : Michel BREUILLE")
    representant_qualite = models.CharField("qualité du représentant", max_length=100, help_text="Ex. : Maire")
    # "Désignation d'un responsable habilitations" (04-… forms).
    responsable_nom = models.CharField("nom du responsable habilitations", max_length=100)
    responsable_prenom = models.CharField("prénom du responsable habilitations", max_length=100)
    responsable_telephone = models.CharField("téléphone professionnel", max_length=20, blank=True)
    responsable_telecopie = models.CharField("fax professionnel", max_length=20, blank=True)
    responsable_email = models.EmailField("adresse électronique professionnelle", blank=True)
    responsable_adresse = models.TextField("adresse (si différente)", blank=True)
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


class Portee(models.TextChoices):
    LOCALE = "locale", "locale (la Caf signataire)"
    MULTI_CAF = "multi_caf", "multi-Caf (liste de Caf)"
    NATIONALE = "nationale", "nationale (toutes les Caf)"


class EtatConvention(models.TextChoices):
    EN_ATTENTE = "en_attente", "en attente"
    EN_VIGUEUR = "en_vigueur", "en vigueur"
    EN_FIN = "en_fin", "dénoncée ou résiliée, prend fin"
    TERMINEE = "terminee", "terminée"


class PartieDenoncante(models.TextChoices):
    CAF = "caf", "la Caf"
    PARTENAIRE = "partenaire", "le partenaire"


class ConventionQuerySet(models.QuerySet):
    def etat(self, etat: str, jour: date | None = None):
        jour = jour or aujourd_hui()
        commencee = Q(date_effet__lte=jour)
        finie = Q(date_fin__isnull=False, date_fin__lte=jour)
        filtres = {
            EtatConvention.EN_ATTENTE: ~commencee,
            EtatConvention.EN_VIGUEUR: commencee & Q(date_fin__isnull=True),
            EtatConvention.EN_FIN: commencee & Q(date_fin__gt=jour),
            EtatConvention.TERMINEE: commencee & finie,
        }
        return self.filter(filtres[etat])

    def actives(self, jour: date | None = None):
        """Conventions under which agents may work today (in force, possibly ending)."""
        jour = jour or aujourd_hui()
        return self.filter(Q(date_effet__lte=jour) & (Q(date_fin__isnull=True) | Q(date_fin__gt=jour)))


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

    def etat(self, jour: date | None = None) -> EtatConvention:
        jour = jour or aujourd_hui()
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

    # --- Validation -----------------------------------------------------------------------

    def clean(self):
        erreurs = {}
        if self.partenaire_id and self.caisse_id and self.partenaire.caisse_id != self.caisse_id:
            erreurs["partenaire"] = (
                f"Ce partenaire est suivi par la {self.partenaire.caisse.nom} : "
                "la convention doit être signée avec cette Caf."
            )
        if self.pk and self.profil:
            ancien = Convention.objects.filter(pk=self.pk).values_list("profil", flat=True).first()
            if ancien and ancien != self.profil and self.habilitations.exists():
                # Each habilitation was granted for this profile (T12: greffiers only).
                erreurs["profil"] = (
                    f"Le profil ne peut plus changer ({ancien}) : des habilitations ont été accordées "
                    "pour ce profil. Signez une nouvelle convention pour un autre profil."
                )
        if self.date_effet and not (date(1990, 1, 1) <= self.date_effet <= date(2100, 12, 31)):
            erreurs["date_effet"] = "La date d'effet doit être comprise entre 1990 et 2100."
        elif self.date_effet:
            jour = aujourd_hui()
            if self.date_denonciation:
                if self.date_denonciation > jour:
                    erreurs["date_denonciation"] = "La date de notification de la dénonciation ne peut pas être future."
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
                elif self.date_resiliation < self.date_effet:
                    erreurs["date_resiliation"] = "La résiliation ne peut pas précéder la date d'effet."
                elif not self.motif_resiliation.strip():
                    erreurs["motif_resiliation"] = "Indiquez le manquement qui justifie la résiliation."
        if erreurs:
            raise ValidationError(erreurs)
