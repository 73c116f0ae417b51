"""The Responsables Sécurité's control of accesses (manual Cafpro V5, "Contrôle des accès":
the journal "peut permettre de recenser d'éventuelles irrégularités ... déboucher sur la mise
sous surveillance de certains utilisateurs")."""

import uuid
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from conventions.models import Caisse, Convention
from habilitations.models import Habilitation


class SurveillanceQuerySet(models.QuerySet):
    def chevauchant(self, debut: datetime | None = None, fin: datetime | None = None):
        """The surveillances whose watch — from `debut` to `fin`, or to `levee_le` if lifted
        earlier — overlaps [debut, fin) (either bound may be open)."""
        requete = self
        if fin is not None:
            requete = requete.filter(debut__lt=fin)
        if debut is not None:
            requete = requete.filter(fin__gt=debut).filter(Q(levee_le__isnull=True) | Q(levee_le__gt=debut))
        return requete


class MiseSousSurveillance(models.Model):
    """One habilitation, or every habilitation of one convention, watched until `fin`."""

    # The officer's URLs name a surveillance by this, never by its enumerable key.
    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey(Caisse, on_delete=models.PROTECT, related_name="surveillances")
    # PROTECT: the record of a surveillance outlives neither its subject nor its author.
    habilitation = models.ForeignKey(
        Habilitation, on_delete=models.PROTECT, null=True, blank=True, related_name="surveillances"
    )
    convention = models.ForeignKey(
        Convention, on_delete=models.PROTECT, null=True, blank=True, related_name="surveillances"
    )
    motif = models.TextField("motif", max_length=1000)
    debut = models.DateTimeField("début", default=timezone.now)
    fin = models.DateTimeField("fin")
    suspendre = models.BooleanField("suspendre aussitôt les accès", default=False)
    decidee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="surveillances_decidees"
    )
    levee_le = models.DateTimeField("levée le", null=True, blank=True)
    levee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="surveillances_levees",
    )
    motif_levee = models.TextField("motif de la levée", max_length=1000, blank=True)

    objects = SurveillanceQuerySet.as_manager()

    class Meta:
        verbose_name = "mise sous surveillance"
        verbose_name_plural = "mises sous surveillance"
        ordering = ["-debut"]
        constraints = [
            # Exactly one subject: a habilitation or a convention.
            models.CheckConstraint(
                condition=Q(habilitation__isnull=False, convention__isnull=True)
                | Q(habilitation__isnull=True, convention__isnull=False),
                name="controle_surveillance_un_sujet",
            ),
            models.CheckConstraint(condition=Q(fin__gt=models.F("debut")), name="controle_surveillance_fin_apres"),
        ]

    def __str__(self):
        sujet = self.habilitation or self.convention
        return f"{sujet} jusqu'au {timezone.localtime(self.fin):%d/%m/%Y}"

    def clean(self):
        if bool(self.habilitation_id) == bool(self.convention_id):
            raise ValidationError("Choisissez une habilitation ou une convention, pas les deux.")
        if self.fin and self.debut and self.fin <= self.debut:
            raise ValidationError({"fin": "La fin de la surveillance doit suivre son début."})

    @property
    def fin_effective(self) -> datetime:
        """The end of the watch: `fin`, or the lifting if it came earlier."""
        if self.levee_le is not None and self.levee_le < self.fin:
            return self.levee_le
        return self.fin

    def en_cours(self, moment: datetime | None = None) -> bool:
        """Watching at `moment` (now by default): begun, neither ended nor lifted."""
        moment = moment or timezone.now()
        return self.debut <= moment < self.fin_effective
