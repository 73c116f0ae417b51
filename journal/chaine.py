"""Tamper evidence: each event carries a keyed hash chained to the previous one of its chain.

A Caisse's events (its `caisse`, "" for events of no Caf) form CAFPRO_JOURNAL_BRINS chains, its
strands: "131", "131~1" … "131~7". Appending locks the head of one strand, the first free one,
so that a Caf's agents append side by side instead of queueing on one lock (issue 17: with a
single chain, 32 writers of one Caf appended 210 events/s against 650/s spread over eight Cafs,
benchmarks/chaine.py). Each strand is a whole chain: its ranks follow each other, each link covers
the previous one, and an event moved from one strand to another breaks both.

The hash is an HMAC whose key is not in the database (SECURITY.md: a chain proves something only
if its head is anchored outside the table): a person who can write to the table but does not
hold the key cannot forge a valid link.
`journal_verify` walks each chain; `journal_purge` removes a prefix of it and leaves a
signed seal from which verification starts again.
"""

import hashlib
import hmac
import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils.crypto import salted_hmac

from preparees import preparee
from preparees.ecriture import inserer, mettre_a_jour

from .models import Evenement, SceauPurge, TeteChaine

# The columns a link covers, in this order; `details` is hashed as canonical JSON.
CHAMPS = (
    "rang",
    "horodatage",
    "type",
    "resultat",
    "motif",
    "identifiant",
    "habilitation_id",
    "acteur",
    "caisse",
    "caisse_dossier",
    "adresse_ip",
    "numero_allocataire",
    "rubrique",
    "periode",
    "details",
)


def cle() -> bytes:
    """The chain's key: CAFPRO_JOURNAL_CLE if set, else derived from SECRET_KEY."""
    propre = getattr(settings, "CAFPRO_JOURNAL_CLE", "")
    if propre:
        return propre.encode()
    return salted_hmac("cafpro.journal.chaine", "cle", algorithm="sha256").digest()


def _valeur(champ: str, valeur: object) -> str:
    if valeur is None:
        return ""
    if isinstance(valeur, datetime):
        return valeur.astimezone(UTC).isoformat(timespec="microseconds")
    if champ == "details":
        return json.dumps(valeur, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return str(valeur)


def empreinte(precedente: str, valeurs: dict[str, Any]) -> str:
    contenu = "\x1f".join(_valeur(champ, valeurs[champ]) for champ in CHAMPS)
    return hmac.new(cle(), f"{precedente}\x1e{contenu}".encode(), hashlib.sha256).hexdigest()


SEPARATEUR_BRIN = "~"


def nom_de_chaine(caisse: str, brin: int) -> str:
    return caisse if brin == 0 else f"{caisse}{SEPARATEUR_BRIN}{brin}"


def caisse_et_brin(chaine: str) -> tuple[str, int]:
    caisse, separateur, brin = chaine.partition(SEPARATEUR_BRIN)
    return caisse, int(brin) if separateur else 0


def de_la_chaine(chaine: str) -> Q:
    """The events of one chain."""
    caisse, brin = caisse_et_brin(chaine)
    return Q(caisse=caisse, brin=brin)


def brins_de(caisse: str) -> list[str]:
    return [nom_de_chaine(caisse, brin) for brin in range(max(1, settings.CAFPRO_JOURNAL_BRINS))]


def _tete_libre(noms: list[str]) -> TeteChaine | None:
    # SKIP LOCKED: a strand another append holds is passed over, not waited for. Prepared once per
    # number of strands (preparees/): every consultation runs it.
    tete: TeteChaine | None = preparee(
        ("journal.tete_libre", len(noms)), _premiere_tete_libre, *[str] * len(noms)
    ).premiere(*noms)
    return tete


def _premiere_tete_libre(*noms: str) -> "QuerySet[TeteChaine]":
    return TeteChaine.objects.select_for_update(skip_locked=True).filter(chaine__in=noms).order_by("chaine")[:1]


def _attente_courte() -> None:
    """Every strand busy: an append takes milliseconds, so a longer wait means a transaction stuck
    on the Caf's heads. Give up soon (CAFPRO_JOURNAL_ATTENTE_MS): a request waiting here holds a
    worker that the other Cafs' agents need (issue 17, benchmarks/banc.py)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as curseur:
            curseur.execute(f"SET LOCAL lock_timeout = '{int(settings.CAFPRO_JOURNAL_ATTENTE_MS)}ms'")


def ajouter(evenement: Evenement) -> Evenement:
    """Insert `evenement` at the end of a free strand of its Caisse's chains, under a lock on that
    strand's head."""
    noms = brins_de(evenement.caisse)
    with transaction.atomic():
        tete = _tete_libre(noms)
        if tete is None:
            # The Caf's first event ever (its strands are made, or found made meanwhile), or every
            # strand busy: then wait for one, briefly (_attente_courte).
            TeteChaine.objects.bulk_create([TeteChaine(chaine=nom) for nom in noms], ignore_conflicts=True)
            tete = _tete_libre(noms)
            if tete is None:
                _attente_courte()
                tete = TeteChaine.objects.select_for_update().get(chaine=random.choice(noms))
        evenement.brin = caisse_et_brin(tete.chaine)[1]
        evenement.rang = tete.rang + 1
        evenement.empreinte = empreinte(tete.empreinte, {c: getattr(evenement, c) for c in CHAMPS})
        # Model.save() without building its SQL each time (preparees.ecriture; no receiver listens).
        inserer(evenement)
        tete.rang, tete.empreinte = evenement.rang, evenement.empreinte
        mettre_a_jour(tete, ("rang", "empreinte"))
    return evenement


# --- Seals left by the purge ---------------------------------------------------------------


def signature_sceau(chaine: str, rang: int, empreinte_fin: str, nombre: int, avant: datetime) -> str:
    message = f"{chaine}|{rang}|{empreinte_fin}|{nombre}|{_valeur('avant', avant)}"
    return hmac.new(cle(), message.encode(), hashlib.sha256).hexdigest()


def sceau_valide(sceau: SceauPurge) -> bool:
    attendue = signature_sceau(sceau.chaine, sceau.rang, sceau.empreinte, sceau.nombre, sceau.avant)
    return hmac.compare_digest(attendue, sceau.signature)


# --- Verification --------------------------------------------------------------------------


@dataclass(frozen=True)
class Rupture:
    chaine: str
    rang: int | None
    evenement_id: int | None
    raison: str

    def __str__(self) -> str:
        chaine = self.chaine or "(sans caisse)"
        ou = f"rang {self.rang}" if self.rang is not None else "fin de chaîne"
        ident = f", événement n° {self.evenement_id}" if self.evenement_id else ""
        return f"chaîne {chaine}, {ou}{ident} : {self.raison}"


def verifier_chaine(chaine: str, jusqu_a: int | None = None) -> tuple[int, Rupture | None]:
    """Walk one chain in order (up to rang `jusqu_a` if given); return the number of events
    checked and the first break."""
    sceau = SceauPurge.objects.filter(chaine=chaine).order_by("-rang").first()
    if sceau is not None and not sceau_valide(sceau):
        return 0, Rupture(chaine, sceau.rang, None, "sceau de purge dont la signature est invalide")
    rang_attendu = sceau.rang + 1 if sceau else 1
    precedente = sceau.empreinte if sceau else ""
    # Nothing may sit at or below a seal: the purge removed that segment.
    sous_le_sceau = Evenement.objects.filter(de_la_chaine(chaine), rang__lt=rang_attendu).values("id", "rang").first()
    if sous_le_sceau is not None:
        return 0, Rupture(chaine, sous_le_sceau["rang"], sous_le_sceau["id"], "événement sous le sceau de purge")
    verifies = 0
    liens = Evenement.objects.filter(de_la_chaine(chaine), rang__gte=rang_attendu)
    if jusqu_a is not None:
        liens = liens.filter(rang__lte=jusqu_a)
    for lien in liens.order_by("rang", "id").values("id", "empreinte", *CHAMPS).iterator(chunk_size=5000):
        if lien["rang"] != rang_attendu:
            raison = (
                "rang dupliqué (événement inséré hors de la chaîne)"
                if lien["rang"] < rang_attendu
                else f"rang {rang_attendu} absent (événement supprimé)"
            )
            return verifies, Rupture(chaine, lien["rang"], lien["id"], raison)
        if not hmac.compare_digest(empreinte(precedente, lien), lien["empreinte"]):
            return verifies, Rupture(chaine, lien["rang"], lien["id"], "empreinte invalide (événement modifié)")
        precedente, rang_attendu = lien["empreinte"], rang_attendu + 1
        verifies += 1
    dernier = rang_attendu - 1
    if jusqu_a is not None:
        if dernier != jusqu_a:
            return verifies, Rupture(chaine, jusqu_a, None, f"rang {rang_attendu} absent (événement supprimé)")
        return verifies, None
    tete = TeteChaine.objects.filter(chaine=chaine).first()
    if tete is not None and (tete.rang != dernier or (dernier and tete.empreinte != precedente)):
        return verifies, Rupture(chaine, None, None, f"la tête de chaîne annonce le rang {tete.rang}, trouvé {dernier}")
    return verifies, None


def evenements_hors_chaine() -> Rupture | None:
    """An event without a rang written after chaining began was inserted behind the journal's back."""
    debut = Evenement.objects.filter(rang__isnull=False).order_by("horodatage").values("horodatage").first()
    if debut is None:
        return None
    intrus = (
        Evenement.objects.filter(rang__isnull=True, horodatage__gte=debut["horodatage"]).values("id", "caisse").first()
    )
    if intrus is None:
        return None
    return Rupture(intrus["caisse"], None, intrus["id"], "événement hors chaîne (inséré sans rang)")


# --- Anchors kept outside the database -----------------------------------------------------


def ancrages() -> list[dict[str, Any]]:
    """The signed state of every chain's head, to be kept outside the database (a file, syslog):
    deleting the end of a chain, or a whole chain with its head, is then found."""
    lignes = []
    for tete in TeteChaine.objects.filter(rang__gt=0).order_by("chaine"):  # a strand never used proves nothing
        message = f"{tete.chaine}|{tete.rang}|{tete.empreinte}"
        signature = hmac.new(cle(), message.encode(), hashlib.sha256).hexdigest()
        lignes.append({"chaine": tete.chaine, "rang": tete.rang, "empreinte": tete.empreinte, "signature": signature})
    return lignes


def verifier_ancrage(ancre: dict[str, Any]) -> Rupture | None:
    """The chain still reaches the anchored link, with the same hash (or a seal covers it)."""
    chaine, rang = ancre["chaine"], int(ancre["rang"])
    message = f"{chaine}|{rang}|{ancre['empreinte']}"
    attendue = hmac.new(cle(), message.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(attendue, ancre.get("signature", "")):
        return Rupture(chaine, rang, None, "ancrage dont la signature est invalide")
    if rang == 0:
        return None
    if SceauPurge.objects.filter(chaine=chaine, rang__gte=rang).exists():
        return None
    lien = Evenement.objects.filter(de_la_chaine(chaine), rang=rang).values("id", "empreinte").first()
    if lien is None:
        return Rupture(chaine, rang, None, "événement ancré absent (fin de chaîne ou chaîne supprimée)")
    if lien["empreinte"] != ancre["empreinte"]:
        return Rupture(chaine, rang, lien["id"], "événement ancré remplacé")
    return None


def chaines(caisse: str | None = None) -> list[str]:
    """Every chain known by its head or by its events (those of one Caisse if given)."""
    tetes = TeteChaine.objects.filter(rang__gt=0).values_list("chaine", flat=True)
    chainees = Evenement.objects.filter(rang__isnull=False).values_list("caisse", "brin").distinct()
    if caisse is not None:
        chainees = chainees.filter(caisse=caisse)
    noms = set(tetes) | {nom_de_chaine(c, b) for c, b in chainees}
    return sorted(nom for nom in noms if caisse is None or caisse_et_brin(nom)[0] == caisse)
