"""Tamper evidence: each event carries a keyed hash chained to the previous one of its chain.

One chain per Caisse (the event's `caisse`, "" for events of no Caf) keeps the lock that
appending takes short and local. The hash is an HMAC whose key is not in the database
(SECURITY.md: a chain proves something only if its head is anchored outside the table): a
person who can write to the table but does not hold the key cannot forge a valid link.
`journal_verify` walks each chain; `journal_purge` removes a prefix of it and leaves a
signed seal from which verification starts again.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.db import transaction
from django.utils.crypto import salted_hmac

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


def _valeur(champ: str, valeur) -> str:
    if valeur is None:
        return ""
    if isinstance(valeur, datetime):
        return valeur.astimezone(UTC).isoformat(timespec="microseconds")
    if champ == "details":
        return json.dumps(valeur, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return str(valeur)


def empreinte(precedente: str, valeurs: dict) -> str:
    contenu = "\x1f".join(_valeur(champ, valeurs[champ]) for champ in CHAMPS)
    return hmac.new(cle(), f"{precedente}\x1e{contenu}".encode(), hashlib.sha256).hexdigest()


def ajouter(evenement: Evenement) -> Evenement:
    """Insert `evenement` at the end of its chain, under a lock on the chain's head."""
    with transaction.atomic():
        TeteChaine.objects.bulk_create([TeteChaine(chaine=evenement.caisse)], ignore_conflicts=True)
        tete = TeteChaine.objects.select_for_update().get(chaine=evenement.caisse)
        evenement.rang = tete.rang + 1
        evenement.empreinte = empreinte(tete.empreinte, {c: getattr(evenement, c) for c in CHAMPS})
        evenement.save(force_insert=True)
        tete.rang, tete.empreinte = evenement.rang, evenement.empreinte
        tete.save(update_fields=["rang", "empreinte"])
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

    def __str__(self):
        chaine = self.chaine or "(sans caisse)"
        ou = f"rang {self.rang}" if self.rang is not None else "fin de chaîne"
        ident = f", événement n° {self.evenement_id}" if self.evenement_id else ""
        return f"chaîne {chaine}, {ou}{ident} : {self.raison}"


def verifier_chaine(chaine: str) -> tuple[int, Rupture | None]:
    """Walk one chain in order; return the number of events checked and the first break."""
    sceau = SceauPurge.objects.filter(chaine=chaine).order_by("-rang").first()
    if sceau is not None and not sceau_valide(sceau):
        return 0, Rupture(chaine, sceau.rang, None, "sceau de purge dont la signature est invalide")
    rang_attendu = sceau.rang + 1 if sceau else 1
    precedente = sceau.empreinte if sceau else ""
    verifies = 0
    liens = (
        Evenement.objects.filter(caisse=chaine, rang__gte=rang_attendu)
        .order_by("rang", "id")
        .values("id", "empreinte", *CHAMPS)
        .iterator(chunk_size=5000)
    )
    for lien in liens:
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
    tete = TeteChaine.objects.filter(chaine=chaine).first()
    dernier = rang_attendu - 1
    if tete is not None and (tete.rang != dernier or (dernier and tete.empreinte != precedente)):
        return verifies, Rupture(chaine, None, None, f"la tête de chaîne annonce le rang {tete.rang}, trouvé {dernier}")
    return verifies, None


def chaines() -> list[str]:
    return sorted(
        set(TeteChaine.objects.values_list("chaine", flat=True))
        | set(Evenement.objects.filter(rang__isnull=False).values_list("caisse", flat=True).distinct())
    )
