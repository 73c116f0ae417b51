"""The optional "Rubrique de dialogue": partners write to their Caf (manual Cafpro V5, 02-…)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from conventions.models import Caisse


class Message(models.Model):
    caisse = models.ForeignKey(Caisse, on_delete=models.PROTECT, related_name="messages_dialogue")
    # PROTECT: a message stays attributable to the agent who sent it.
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="messages_dialogue")
    organisme = models.CharField("nom de l'organisme", max_length=150)
    nom_prenom = models.CharField("nom et prénom", max_length=150)
    courriel = models.EmailField("adresse électronique")
    texte = models.TextField("message", max_length=4000)
    recu_le = models.DateTimeField("reçu le", default=timezone.now)
    traite = models.BooleanField("traité", default=False)

    class Meta:
        verbose_name = "message de dialogue"
        verbose_name_plural = "messages de dialogue"
        ordering = ["-recu_le"]

    def __str__(self):
        return f"{self.nom_prenom} ({self.organisme}), {timezone.localtime(self.recu_le):%d/%m/%Y %H:%M}"
