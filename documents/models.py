"""The documents a Caf issues (conventions, forms, letters), kept as issued.

A document is its title and its blocks (documents/blocs.py), stored once and never changed:
the HTML page and the PDF are rendered from these alone, so a document shows the same years
later. Like the journal, it refers to conventions, habilitations and partners by key, never
by foreign key: it outlives them and never blocks their life cycle.
"""

import uuid

from django.db import models
from django.utils import timezone

from . import blocs as formes


class Nature(models.TextChoices):
    CONVENTION = "convention", "convention de service"
    DEMANDE_ACCES = "demande_acces", "demande d'accès au service Cafpro"
    DESIGNATION_RESPONSABLE = "designation_responsable", "désignation d'un responsable habilitations"
    DEMANDE_SUPPRESSION = "demande_suppression", "demande de suppression d'accès"
    LETTRE_OUVERTURE = "lettre_ouverture", "lettre d'ouverture des droits"
    LETTRE_SUPPRESSION = "lettre_suppression", "lettre de suppression d'accès"
    LETTRE_MOT_DE_PASSE = "lettre_mot_de_passe", "lettre de nouveau mot de passe"
    LETTRE_ENVOI = "lettre_envoi", "lettre d'envoi de la convention"


class DocumentEmisError(Exception):
    """An attempt to change or delete an issued document."""


class DocumentEmisQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise DocumentEmisError("Un document émis ne se modifie pas.")

    def delete(self):
        raise DocumentEmisError("Un document émis ne se supprime pas.")

    def de_la_caisse(self, numero: str):
        return self.filter(caisse=numero)


class DocumentEmis(models.Model):
    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True, editable=False)
    nature = models.CharField("nature", max_length=30, choices=Nature.choices)
    titre = models.CharField("titre", max_length=200)
    caisse = models.CharField("caisse", max_length=4)  # the issuing Caf's numéro
    convention_id = models.BigIntegerField("convention", null=True, blank=True, db_index=True)
    habilitation_id = models.BigIntegerField("habilitation", null=True, blank=True, db_index=True)
    partenaire_id = models.BigIntegerField("partenaire", null=True, blank=True, db_index=True)
    # The documents issued by one action (the letters of one opening of rights, say).
    lot = models.UUIDField("lot", default=uuid.uuid4, editable=False)
    emis_le = models.DateTimeField("émis le", default=timezone.now)
    emis_par = models.CharField("émis par", max_length=150)
    blocs = models.JSONField("contenu")
    empreinte = models.CharField("empreinte", max_length=64, editable=False)

    objects = DocumentEmisQuerySet.as_manager()

    class Meta:
        verbose_name = "document émis"
        verbose_name_plural = "documents émis"
        ordering = ["-emis_le", "-id"]
        constraints = [
            # A document always has a title and its Caf: its page and its access rule need them.
            models.CheckConstraint(
                condition=~models.Q(titre="") & ~models.Q(caisse=""),
                name="%(app_label)s_%(class)s_titre_et_caisse",
            ),
            models.CheckConstraint(
                condition=models.Q(nature__in=Nature.values),
                name="%(app_label)s_%(class)s_nature_connue",
            ),
        ]
        indexes = [
            # documents.views.lot: the documents of one lot, in issue order.
            models.Index(fields=["lot", "emis_le", "id"], name="documents_doc_lot_idx"),
            # documents.admin: a gestionnaire's list, newest first, within his Caf.
            models.Index(fields=["caisse", "-emis_le", "-id"], name="documents_doc_caisse_idx"),
        ]

    def __str__(self):
        return self.titre

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise DocumentEmisError("Un document émis ne se modifie pas.")
        self.titre = formes.valider_titre(self.titre)
        self.blocs = formes.valider(self.blocs)
        self.empreinte = formes.empreinte(self.titre, self.blocs)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise DocumentEmisError("Un document émis ne se supprime pas.")

    @property
    def intact(self) -> bool:
        """The stored content still matches the fingerprint taken when it was issued."""
        return formes.empreinte(self.titre, self.blocs) == self.empreinte
