"""The optional "Rubrique de dialogue": partners write to their Caf (manual Cafpro V5, 02-…,
annexe 4, « Rubrique de dialogue »), and the Caf's gestionnaires answer them (issue 16)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from conventions.models import Caisse


class MessageQuerySet(models.QuerySet):
    def de(self, user):
        """The messages an agent wrote: only their author reads them and their answers (the Caf
        answers the person who signed the message, at the address he gave)."""
        return self.filter(auteur=user)


class Message(models.Model):
    # In the portal's URLs: the sequential pk would tell how many messages the Cafs receive and
    # invite guessing another agent's message.
    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True, editable=False)
    caisse = models.ForeignKey(Caisse, on_delete=models.PROTECT, related_name="messages_dialogue")
    # PROTECT: a message stays attributable to the agent who sent it.
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="messages_dialogue")
    organisme = models.CharField("nom de l'organisme", max_length=150)
    nom_prenom = models.CharField("nom et prénom", max_length=150)
    courriel = models.EmailField("adresse électronique")
    texte = models.TextField("message", max_length=4000)
    recu_le = models.DateTimeField("reçu le", default=timezone.now)
    traite = models.BooleanField("traité", default=False)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = "message de dialogue"
        verbose_name_plural = "messages de dialogue"
        ordering = ["-recu_le"]

    def __str__(self):
        return f"{self.nom_prenom} ({self.organisme}), {timezone.localtime(self.recu_le):%d/%m/%Y %H:%M}"


class ReponseQuerySet(models.QuerySet):
    def non_lues_de(self, user):
        """The answers waiting for an agent: the banner's « Dialogue (n réponses) »."""
        return self.filter(message__auteur=user, lue_le__isnull=True)


class Reponse(models.Model):
    """A Caf gestionnaire's answer to a message, written in the admin and read by the message's
    author in the portal (« Mes messages »). Neither edited nor deleted once sent."""

    # PROTECT: an answer belongs to the correspondence, which is kept whole.
    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="reponses")
    # PROTECT: the answer stays attributable to the Caf staff member who wrote it.
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reponses_dialogue",
        verbose_name="répondu par",
    )
    texte = models.TextField("réponse", max_length=4000)
    envoyee_le = models.DateTimeField("envoyée le", default=timezone.now)
    # Set when the agent opens the message in the portal: until then the banner tells him.
    lue_le = models.DateTimeField("lue par l'agent le", null=True, blank=True)

    objects = ReponseQuerySet.as_manager()

    class Meta:
        verbose_name = "réponse de la Caf"
        verbose_name_plural = "réponses de la Caf"
        ordering = ["envoyee_le", "pk"]
        indexes = [
            # ReponseQuerySet.non_lues_de, counted on every portal page whose banner shows
            # « Dialogue »: only the few answers not read yet are indexed.
            models.Index(fields=["message"], condition=Q(lue_le__isnull=True), name="dialogue_reponse_non_lue"),
        ]

    def __str__(self):
        return f"réponse du {timezone.localtime(self.envoyee_le):%d/%m/%Y %H:%M}"
