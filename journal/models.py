"""The journal des accès: every connection, refusal, consultation and staff action.

Manual Cafpro V5, "Contrôle des accès"; `03-…` art. 3. Events refer to other records by
key (string columns, no foreign keys), so the journal never cascades away with them and
never blocks their life cycle. Events are only ever added, through `journal.enregistrer`.
"""

from django.db import models
from django.utils import timezone


class TypeEvenement(models.TextChoices):
    CONNEXION = "connexion", "connexion"
    DECONNEXION = "deconnexion", "déconnexion"
    EXPIRATION = "expiration", "expiration de session"
    VERROUILLAGE = "verrouillage", "verrouillage"
    CONSULTATION = "consultation", "consultation"
    REFUS = "refus", "refus d'accès"
    MOT_DE_PASSE = "mot_de_passe", "changement de mot de passe"
    GESTION = "gestion", "action d'un gestionnaire"


class Resultat(models.TextChoices):
    SUCCES = "succes", "réussite"
    ECHEC = "echec", "échec"
    REFUS = "refus", "refus"


class Evenement(models.Model):
    horodatage = models.DateTimeField("horodatage", default=timezone.now, db_index=True)
    type = models.CharField("type", max_length=20, choices=TypeEvenement.choices)
    resultat = models.CharField("résultat", max_length=10, choices=Resultat.choices)
    motif = models.CharField("motif", max_length=200, blank=True)
    # The habilitation concerned, or the identifiant as typed for a failed login.
    identifiant = models.CharField("identifiant", max_length=150, blank=True, db_index=True)
    habilitation_id = models.BigIntegerField("habilitation", null=True, blank=True)
    # The Caf staff member who acted (staff actions).
    acteur = models.CharField("acteur", max_length=150, blank=True)
    caisse = models.CharField("caisse", max_length=4, blank=True)
    adresse_ip = models.GenericIPAddressField("adresse du client", null=True, blank=True)
    numero_allocataire = models.CharField("numéro d'allocataire", max_length=20, blank=True)
    rubrique = models.CharField("rubrique", max_length=50, blank=True)
    periode = models.CharField("période", max_length=50, blank=True)
    details = models.JSONField("détails", default=dict, blank=True)

    class Meta:
        verbose_name = "événement du journal"
        verbose_name_plural = "événements du journal"
        ordering = ["-horodatage", "-id"]
        indexes = [
            # habilitations.connexion.adresse_trop_active: recent failures from one address.
            models.Index(fields=["adresse_ip", "horodatage"], name="journal_evt_adresse_horo_idx"),
        ]

    def __str__(self):
        return f"{self.horodatage:%d/%m/%Y %H:%M:%S} {self.get_type_display()} {self.identifiant}"
