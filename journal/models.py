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
    # A numéro typed and found: the redirect to the dossier tells that it exists, so the
    # lookup itself is journaled, not only the pages read after it (issue 12).
    RECHERCHE = "recherche", "recherche d'un dossier"
    CONSULTATION = "consultation", "consultation"
    REFUS = "refus", "refus d'accès"
    MOT_DE_PASSE = "mot_de_passe", "changement de mot de passe"
    DIALOGUE = "dialogue", "message à la Caf (Dialogue)"
    GESTION = "gestion", "action d'un gestionnaire"
    CONTROLE = "controle", "lecture du journal"
    SURVEILLANCE = "surveillance", "mise sous surveillance"
    PURGE = "purge", "purge du journal"
    # Issue 16: the partner's responsable habilitations (his requests, the Caf's answers), the
    # yearly review of accesses, and the letter telling an allocataire who consulted his dossier.
    DEMANDE = "demande", "demande d'un responsable habilitations"
    REVUE = "revue", "revue annuelle des accès"
    DROIT_ACCES = "droit_acces", "relevé des consultations pour l'allocataire"


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
    identifiant = models.CharField("identifiant", max_length=150, blank=True)
    habilitation_id = models.BigIntegerField("habilitation", null=True, blank=True)
    # The Caf staff member who acted (staff actions).
    acteur = models.CharField("acteur", max_length=150, blank=True)
    caisse = models.CharField("caisse", max_length=4, blank=True)
    adresse_ip = models.GenericIPAddressField("adresse du client", null=True, blank=True)
    numero_allocataire = models.CharField("numéro d'allocataire", max_length=20, blank=True)
    rubrique = models.CharField("rubrique", max_length=50, blank=True)
    periode = models.CharField("période", max_length=50, blank=True)
    details = models.JSONField("détails", default=dict, blank=True)
    # The Caf of the dossier consulted, which differs from `caisse` for multi-Caf and national
    # accesses: its Responsables Sécurité see the consultations of their dossiers too.
    caisse_dossier = models.CharField("caisse du dossier", max_length=4, blank=True)
    # Tamper evidence (journal/chaine.py): the event's place in its chain (one per Caisse) and
    # its keyed hash, which covers the previous event's.
    rang = models.BigIntegerField("rang dans la chaîne", null=True, blank=True)
    # Which of its Caisse's chains (strands) the event is on (journal/chaine.py).
    brin = models.SmallIntegerField("brin de la chaîne", default=0, db_default=0)
    empreinte = models.CharField("empreinte", max_length=64, blank=True)

    class Meta:
        verbose_name = "événement du journal"
        verbose_name_plural = "événements du journal"
        ordering = ["-horodatage", "-id"]
        # Every screen of the Responsables Sécurité reads newest first with a keyset on
        # (horodatage, id), within one Caisse or one of these keys.
        indexes = [
            # habilitations.connexion.frein_adresse: recent failures from one address.
            models.Index(fields=["adresse_ip", "horodatage"], name="journal_evt_adresse_horo_idx"),
            models.Index(fields=["caisse", "horodatage", "id"], name="journal_evt_caisse_horo_idx"),
            models.Index(fields=["caisse", "type", "horodatage", "id"], name="journal_evt_caisse_type_idx"),
            models.Index(fields=["caisse_dossier", "horodatage", "id"], name="journal_evt_caisdos_horo_idx"),
            # controle.recherche: consultations of a Caf's dossiers by agents of other Cafs.
            models.Index(
                fields=["caisse_dossier", "horodatage", "id"],
                condition=~models.Q(caisse_dossier=models.F("caisse")),
                name="journal_evt_autre_caisse_idx",
            ),
            models.Index(fields=["habilitation_id", "horodatage", "id"], name="journal_evt_habil_horo_idx"),
            # controle.recherche by identifiant, newest first; an identifiant's events are its
            # Caf's (or no Caf's), so the Caisse needs no column of its own here.
            models.Index(fields=["identifiant", "horodatage", "id"], name="journal_evt_ident_horo_idx"),
            # controle.recherche by identifiant, other Cafs' consultations of the Caf's dossiers:
            # the partial index's predicate, so that a busy agent's history is not walked for them.
            models.Index(
                fields=["caisse_dossier", "identifiant", "horodatage", "id"],
                condition=~models.Q(caisse_dossier=models.F("caisse")),
                name="journal_evt_autre_ident_idx",
            ),
            # controle.recherche by kind and outcome: rare values (échec, refus) and empty
            # combinations (a logout that failed) read a short range, not the whole Caisse.
            models.Index(
                fields=["caisse", "resultat", "type", "horodatage", "id"], name="journal_evt_caisse_result_idx"
            ),
            # The same for other Cafs' consultations of the Caf's dossiers (partial, as above).
            models.Index(
                fields=["caisse_dossier", "resultat", "type", "horodatage", "id"],
                condition=~models.Q(caisse_dossier=models.F("caisse")),
                name="journal_evt_autre_result_idx",
            ),
            # controle.recherche by outcome alone (échec, refus), newest first: an exact walk
            # that stops at the page, whatever PostgreSQL estimates of how many match (the index
            # above fits only by sorting a whole month, and lost to walking the Caisse's events
            # on a bad estimate). Partial: a réussite alone is nearly every event of the Caisse.
            models.Index(
                fields=["caisse", "resultat", "horodatage", "id"],
                condition=~models.Q(resultat="succes"),
                name="journal_evt_caisse_echecs_idx",
            ),
            # controle.recherche by client address within a Caisse: an exact walk, not every
            # event of an address that other Cafs' agents share, filtered one by one.
            models.Index(fields=["caisse", "adresse_ip", "horodatage", "id"], name="journal_evt_caisse_adresse_idx"),
            # controle.recherche by outcome alone, by kind alone and by client address, among
            # other Cafs' consultations of the Caf's dossiers: exact walks in (horodatage, id)
            # order, not those consultations or the address's events filtered one by one.
            # Partial, without the events of no dossier (caisse_dossier "" differs from caisse):
            # the search's `caisse_dossier = '131'` implies both halves of the predicate.
            models.Index(
                fields=["caisse_dossier", "resultat", "horodatage", "id"],
                condition=~models.Q(caisse_dossier="") & ~models.Q(caisse_dossier=models.F("caisse")),
                name="journal_evt_autre_rsl_horo_idx",
            ),
            models.Index(
                fields=["caisse_dossier", "type", "horodatage", "id"],
                condition=~models.Q(caisse_dossier="") & ~models.Q(caisse_dossier=models.F("caisse")),
                name="journal_evt_autre_type_idx",
            ),
            models.Index(
                fields=["caisse_dossier", "adresse_ip", "horodatage", "id"],
                condition=~models.Q(caisse_dossier="") & ~models.Q(caisse_dossier=models.F("caisse")),
                name="journal_evt_autre_adresse_idx",
            ),
            models.Index(fields=["numero_allocataire", "horodatage", "id"], name="journal_evt_numero_horo_idx"),
            # journal_verify walks each chain (a strand of a Caisse) in order.
            models.Index(fields=["caisse", "brin", "rang"], name="journal_evt_brin_rang_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.horodatage:%d/%m/%Y %H:%M:%S} {self.get_type_display()} {self.identifiant}"


class TeteChaine(models.Model):
    """The last link of one chain, locked while an event is appended to it."""

    # A Caisse's numéro ("" for none) and its strand: "131", "131~1" … (journal/chaine.py).
    chaine = models.CharField("chaîne", max_length=8, primary_key=True)
    rang = models.BigIntegerField("rang", default=0)
    empreinte = models.CharField("empreinte", max_length=64, blank=True)

    class Meta:
        verbose_name = "tête de chaîne du journal"

    def __str__(self) -> str:
        return f"{self.chaine or '(sans caisse)'} #{self.rang}"


class SceauPurge(models.Model):
    """A signed checkpoint of a purged segment of a chain: verification starts after it."""

    chaine = models.CharField("chaîne", max_length=8)
    rang = models.BigIntegerField("dernier rang purgé")
    empreinte = models.CharField("empreinte du dernier événement purgé", max_length=64)
    nombre = models.BigIntegerField("événements purgés")
    avant = models.DateTimeField("événements antérieurs à")
    scelle_le = models.DateTimeField("scellé le", default=timezone.now)
    signature = models.CharField("signature", max_length=64)

    class Meta:
        verbose_name = "sceau de purge du journal"
        verbose_name_plural = "sceaux de purge du journal"
        ordering = ["chaine", "-rang"]

    def __str__(self) -> str:
        return f"{self.chaine or '(sans caisse)'} jusqu'au rang {self.rang}"
