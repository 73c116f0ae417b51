"""The Responsables Sécurité's control of accesses (manual Cafpro V5, "Contrôle des accès":
the journal "peut permettre de recenser d'éventuelles irrégularités ... déboucher sur la mise
sous surveillance de certains utilisateurs")."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from conventions.models import Caisse, Convention
from habilitations.models import Habilitation


class SurveillanceQuerySet(models.QuerySet):
    def en_cours(self, moment=None):
        moment = moment or timezone.now()
        return self.filter(debut__lte=moment, fin__gt=moment, levee_le__isnull=True)


class MiseSousSurveillance(models.Model):
    """One habilitation, or every habilitation of one convention, watched until `fin`."""

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

    def habilitations_ids(self) -> list[int]:
        if self.habilitation_id:
            return [self.habilitation_id]
        return list(Habilitation.objects.filter(convention_id=self.convention_id).values_list("pk", flat=True))
