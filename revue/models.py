"""The yearly review of accesses (issue 16): once a year per convention, its responsable
habilitations confirms, agent by agent, that each still needs the access.

Sources: the partner « s'engage à limiter le nombre de demandes d'habilitations en fonction des
besoins de consultation » and to signal « tout changement ou fin de mission des utilisateurs
habilités » (03-… art. 2–3, 04-… art. 2–3, 01-… art. 4); the responsable habilitations is the
partner's person for its agents' accesses (04-… forms, « désignation d'un responsable
habilitations »). When the review opens and closes: revue/calendrier.py.

An agent declared « n'a plus besoin de l'accès » is suspended at once, by the same business
function as the admin's « Suspendre » (Habilitation.suspendre): it is safe (no access from
that minute), reversible by the Caf if the answer was a mistake, and the definitive deletion
stays what the conventions make it, a signed « demande de suppression d'accès » (01-… and 04-…
forms) that the gestionnaire records. An agent left unconfirmed after the date limite is
suspended the same way by the daily command (manage.py revue_quotidienne).
"""

import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Q
from django.utils import timezone

from conventions.models import Caisse, Convention
from habilitations.models import EtatHabilitation, Habilitation
from journal.ecriture import enregistrer
from journal.models import Resultat, TypeEvenement

from . import calendrier

# The states a review is about: an access that exists today (a locked account is still one:
# its owner can have it unlocked by a phone call).
ETATS_REVUS = (EtatHabilitation.ACTIVE, EtatHabilitation.VERROUILLEE)


def habilitations_revues(convention: Convention, jour: date):
    en_cours = Habilitation.objects.filter(convention=convention).en_cours(jour)
    return en_cours.filter(etat__in=ETATS_REVUS)


def valider_jour(valeur: str) -> None:
    try:
        calendrier.lire_jour(valeur)
    except ValueError as erreur:
        raise ValidationError(str(erreur)) from erreur


class ReglageRevue(models.Model):
    """A Caf's choice of the day its conventions are reviewed (revue/calendrier.py); a Caf
    without one follows the deployment's default, settings.CAFPRO_REVUE_JOUR."""

    caisse = models.OneToOneField(
        Caisse,
        # The référentiel's Cafs are never deleted.
        on_delete=models.PROTECT,
        related_name="reglage_revue",
        verbose_name="Caf",
    )
    jour = models.CharField(
        "jour de la revue",
        max_length=5,
        blank=True,
        validators=[valider_jour],
        help_text="MM-JJ (ex. 01-15) : ce jour-là chaque année, pour toutes les conventions de la Caf. "
        "Vide : l'anniversaire de la date d'effet de chaque convention, qui étale les revues sur l'année.",
    )
    modifie_le = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "jour de la revue annuelle des accès"
        verbose_name_plural = "jour de la revue annuelle des accès"

    def __str__(self):
        return f"Caf {self.caisse.numero} : {self.jour or 'anniversaire de chaque convention'}"


class EtatCampagne(models.TextChoices):
    OUVERTE = "ouverte", "ouverte"
    CLOSE = "close", "close"


class Decision(models.TextChoices):
    A_CONFIRMER = "a_confirmer", "à confirmer"
    CONFIRMEE = "confirmee", "accès confirmé"
    PLUS_NECESSAIRE = "plus_necessaire", "n'a plus besoin de l'accès (suspendu)"
    NON_CONFIRMEE = "non_confirmee", "non confirmé à la date limite (suspendu)"
    # Suspended, deleted or closed by the Caf meanwhile: the review leaves it as it is.
    HORS_REVUE = "hors_revue", "sorti de la revue (suspendu ou supprimé par ailleurs)"


DECISIONS_SUSPENDUES = (Decision.PLUS_NECESSAIRE, Decision.NON_CONFIRMEE)


def _journaliser(campagne: "Campagne", motif: str, *, habilitation=None, acteur: str = "", request=None, **details):
    enregistrer(
        TypeEvenement.REVUE,
        Resultat.SUCCES,
        request=request,
        motif=motif,
        identifiant=habilitation.identifiant if habilitation is not None else "",
        habilitation_id=habilitation.pk if habilitation is not None else None,
        acteur=acteur,
        caisse=campagne.convention.caisse.numero,
        details={
            "campagne": str(campagne.public_id),
            "convention": campagne.convention.numero,
            "annee": campagne.annee,
            **details,
        },
    )


class CampagneQuerySet(models.QuerySet):
    def ouvertes(self):
        return self.filter(etat=EtatCampagne.OUVERTE)

    def de_la_caisse(self, caisse_id):
        return self.filter(convention__caisse_id=caisse_id)

    def echues(self, jour: date):
        """Open past their date limite: to be closed by the daily command."""
        return self.ouvertes().filter(date_limite__lt=jour)

    def avec_avancement(self):
        """Counts of the gestionnaire's home page and of the admin's list, in one query."""
        return self.annotate(
            nb_agents=Count("confirmations"),
            nb_confirmes=Count("confirmations", filter=Q(confirmations__decision=Decision.CONFIRMEE)),
            nb_a_confirmer=Count("confirmations", filter=Q(confirmations__decision=Decision.A_CONFIRMER)),
            nb_suspendus=Count("confirmations", filter=Q(confirmations__decision__in=DECISIONS_SUSPENDUES)),
        )


class Campagne(models.Model):
    """One convention's review of one year: the agents with an access on the day it opened."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    convention = models.ForeignKey(
        Convention,
        # The review is evidence of what the partner confirmed; the convention is never deleted.
        on_delete=models.PROTECT,
        related_name="campagnes_revue",
    )
    annee = models.PositiveSmallIntegerField("année")
    date_ouverture = models.DateField("ouverte le")
    date_limite = models.DateField(
        "date limite", help_text="Dernier jour pour confirmer ; les agents non confirmés sont suspendus le lendemain."
    )
    etat = models.CharField("état", max_length=8, choices=EtatCampagne.choices, default=EtatCampagne.OUVERTE)
    cloturee_le = models.DateTimeField("close le", null=True, blank=True)
    cree_le = models.DateTimeField("créée le", auto_now_add=True)

    objects = CampagneQuerySet.as_manager()

    class Meta:
        verbose_name = "campagne de revue des accès"
        verbose_name_plural = "campagnes de revue des accès"
        ordering = ["-date_ouverture", "convention__numero"]
        constraints = [
            # Once a year per convention: the daily command's idempotence rests on it (a second
            # run, or two runs at once, cannot open the same review twice).
            models.UniqueConstraint(fields=["convention", "annee"], name="revue_campagne_une_par_convention_et_par_an"),
            models.CheckConstraint(
                condition=Q(date_limite__gt=models.F("date_ouverture")), name="revue_campagne_limite_apres_ouverture"
            ),
        ]

    def __str__(self):
        return f"Revue {self.annee} — convention {self.convention.numero}"

    def accepte_les_reponses(self, jour: date | None = None) -> bool:
        """Open, and the date limite not passed (a Europe/Paris day): after midnight the answer
        is the daily command's, even before it has run."""
        jour = jour or timezone.localdate()
        return self.etat == EtatCampagne.OUVERTE and jour <= self.date_limite

    @classmethod
    @transaction.atomic
    def ouvrir(
        cls, convention: Convention, annee: int, jour: date, acteur: str = "revue_quotidienne"
    ) -> "Campagne | None":
        """Open the review of `annee` on `jour` with the agents who have an access today; None if
        it already exists (the unique constraint decides under concurrency) or has no agent."""
        habilitations = list(habilitations_revues(convention, jour).select_related("user"))
        if not habilitations or cls.objects.filter(convention=convention, annee=annee).exists():
            return None
        try:
            with transaction.atomic():
                campagne = cls.objects.create(
                    convention=convention,
                    annee=annee,
                    date_ouverture=jour,
                    date_limite=calendrier.date_limite(jour),
                )
        except IntegrityError:
            # Two runs at once: the other one opened it a moment ago (the named constraint).
            return None
        Confirmation.objects.bulk_create([Confirmation(campagne=campagne, habilitation=h) for h in habilitations])
        _journaliser(
            campagne,
            "ouverture de la revue annuelle des accès",
            acteur=acteur,
            agents=len(habilitations),
            date_limite=campagne.date_limite.isoformat(),
        )
        return campagne

    @transaction.atomic
    def cloturer(self, jour: date) -> list[Habilitation] | None:
        """After the date limite: suspend the agents still unconfirmed, close the review and
        return them; None if it was already closed (a second run finds nothing to do). One
        transaction: a failure on any agent leaves the review open and every agent as it was."""
        campagne = Campagne.objects.select_for_update().get(pk=self.pk)
        if campagne.etat != EtatCampagne.OUVERTE or jour <= campagne.date_limite:
            return None
        suspendues, hors_revue = [], 0
        # Rows locked: an answer given at the last second either commits first (and the row,
        # read again, is no longer to confirm) or waits and then finds the review closed.
        for confirmation in campagne.confirmations.select_for_update().filter(decision=Decision.A_CONFIRMER):
            # Locked and read again: a gestionnaire suspending the same agent right now waits.
            habilitation = (
                Habilitation.objects.select_for_update()
                .select_related("user", "convention__caisse")
                .get(pk=confirmation.habilitation_id)
            )
            if habilitation.etat_effectif(jour) in ETATS_REVUS:
                # The admin's « Suspendre » (journaled as a gestionnaire's action, with no actor).
                habilitation.suspendre(None)
                confirmation.decision = Decision.NON_CONFIRMEE
                suspendues.append(habilitation)
                _journaliser(
                    campagne,
                    "revue annuelle : accès non confirmé à la date limite, suspendu",
                    habilitation=habilitation,
                    acteur="revue_quotidienne",
                    date_limite=campagne.date_limite.isoformat(),
                )
            else:
                # Already suspended or deleted by the Caf: untouched, and not counted as suspended
                # by the review.
                confirmation.decision = Decision.HORS_REVUE
                hors_revue += 1
            confirmation.decidee_le = timezone.now()
            confirmation.save(update_fields=["decision", "decidee_le"])
        campagne.etat = EtatCampagne.CLOSE
        campagne.cloturee_le = timezone.now()
        campagne.save(update_fields=["etat", "cloturee_le"])
        _journaliser(
            campagne,
            "clôture de la revue annuelle des accès",
            acteur="revue_quotidienne",
            suspendus=len(suspendues),
            hors_revue=hors_revue,
        )
        self.refresh_from_db()
        return suspendues


class Confirmation(models.Model):
    """One agent of a review and his responsable's answer."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campagne = models.ForeignKey(
        Campagne,
        # An answer is evidence of the review it belongs to.
        on_delete=models.PROTECT,
        related_name="confirmations",
    )
    habilitation = models.ForeignKey(
        Habilitation,
        # Habilitations are never deleted (they end by a date); the review keeps its agents.
        on_delete=models.PROTECT,
        related_name="confirmations_revue",
    )
    decision = models.CharField("réponse", max_length=16, choices=Decision.choices, default=Decision.A_CONFIRMER)
    decidee_le = models.DateTimeField("répondu le", null=True, blank=True)
    decidee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # The responsable's account is closed, never deleted: who answered stays known.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="confirmations_revue",
        verbose_name="répondu par",
    )

    class Meta:
        verbose_name = "confirmation d'un accès"
        verbose_name_plural = "confirmations des accès"
        ordering = ["habilitation__nom", "habilitation__prenom"]
        constraints = [
            models.UniqueConstraint(fields=["campagne", "habilitation"], name="revue_confirmation_une_par_agent"),
        ]

    def __str__(self):
        return f"{self.habilitation} : {self.get_decision_display()}"

    def _verifier_reponse_possible(self) -> None:
        """Under the row's lock: the review still answerable, this agent not yet answered for,
        and his access still there (the Caf may have suspended or deleted it meanwhile)."""
        fraiche = Confirmation.objects.select_for_update().select_related("campagne").get(pk=self.pk)
        self.decision, self.campagne = fraiche.decision, fraiche.campagne
        if not self.campagne.accepte_les_reponses():
            raise ValidationError("La revue est close : il n'est plus possible d'y répondre.")
        if self.decision != Decision.A_CONFIRMER:
            raise ValidationError(f"Réponse déjà donnée pour cet agent : « {self.get_decision_display()} ».")
        self.habilitation.refresh_from_db()
        if self.habilitation.etat_effectif() not in ETATS_REVUS:
            raise ValidationError("Cet accès a été suspendu ou supprimé par la Caf entre-temps.")

    def _enregistrer(self, decision: str, responsable) -> None:
        self.decision = decision
        self.decidee_le = timezone.now()
        self.decidee_par = responsable
        self.save(update_fields=["decision", "decidee_le", "decidee_par"])

    @transaction.atomic
    def confirmer(self, responsable, request=None) -> None:
        self._verifier_reponse_possible()
        self._enregistrer(Decision.CONFIRMEE, responsable)
        _journaliser(
            self.campagne,
            "revue annuelle : accès confirmé",
            habilitation=self.habilitation,
            acteur=responsable.username,
            request=request,
        )

    @transaction.atomic
    def declarer_plus_necessaire(self, responsable, request=None) -> None:
        """Suspend at once (see the module's docstring), then record the answer."""
        self._verifier_reponse_possible()
        self.habilitation.suspendre(responsable, request)
        self._enregistrer(Decision.PLUS_NECESSAIRE, responsable)
        _journaliser(
            self.campagne,
            "revue annuelle : n'a plus besoin de l'accès, suspendu",
            habilitation=self.habilitation,
            acteur=responsable.username,
            request=request,
        )
