"""The one way events enter the journal.

Fail closed: any error while writing propagates, so that the action being recorded —
run in the same transaction — does not happen (ASVS 16.5.3). No parameter takes a
password or a session key, so none can be stored.
"""

import ipaddress
import re
from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from . import chaine
from .models import Evenement, Resultat, TypeEvenement

# C0/C1 controls, and the Unicode line separators and bidirectional overrides that would make
# an identifiant read differently on the screens or in the export.
_CONTROLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def neutraliser(texte: str, longueur: int) -> str:
    """Strip control characters (CR/LF log injection, ASVS 16.4.1) and bound the length."""
    return _CONTROLE.sub(" ", str(texte or ""))[:longueur]


def adresse_client(request: HttpRequest | None) -> str | None:
    """The client's address: the socket's peer, or the proxy's record of it when a
    configured number of trusted proxies stands in front (never a raw X-Forwarded-For)."""
    if request is None:
        return None
    proxies = getattr(settings, "CAFPRO_TRUSTED_PROXIES", 0)
    if proxies:
        chaine: list[str] = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(chaine) >= proxies:
            return chaine[-proxies]
    return str(request.META.get("REMOTE_ADDR") or "") or None


def enregistrer(
    type: TypeEvenement,
    resultat: Resultat,
    *,
    request: HttpRequest | None = None,
    motif: str = "",
    identifiant: str = "",
    habilitation_id: int | None = None,
    acteur: str = "",
    caisse: str = "",
    numero_allocataire: str = "",
    rubrique: str = "",
    periode: str = "",
    details: dict[str, Any] | None = None,
    caisse_dossier: str = "",
    horodatage: datetime | None = None,
) -> Evenement:
    """Write one event at the end of its chain. `horodatage` is for a past that did not
    happen through the portal (the demo's month of journal): every live action leaves it
    out and takes the clock's time, the model's default."""
    evenement = Evenement(
        type=type,
        resultat=resultat,
        motif=neutraliser(motif, 200),
        identifiant=neutraliser(identifiant, 150),
        habilitation_id=habilitation_id,
        acteur=neutraliser(acteur, 150),
        caisse=neutraliser(caisse, 4),
        adresse_ip=_normaliser_ip(adresse_client(request)),
        numero_allocataire=neutraliser(numero_allocataire, 20),
        rubrique=neutraliser(rubrique, 50),
        periode=neutraliser(periode, 50),
        details=_neutraliser_details(details or {}),
        caisse_dossier=neutraliser(caisse_dossier, 4),
    )
    if horodatage is not None:
        evenement.horodatage = horodatage
    return chaine.ajouter(evenement)


def _neutraliser_details(valeur: Any) -> Any:
    """Details come from filters and forms too: control characters out of every string (a NUL
    is refused by PostgreSQL's JSON, and would break the export's lines)."""
    if isinstance(valeur, str):
        return _CONTROLE.sub(" ", valeur)
    if isinstance(valeur, dict):
        return {_neutraliser_details(str(cle)): _neutraliser_details(v) for cle, v in valeur.items()}
    if isinstance(valeur, list | tuple):
        return [_neutraliser_details(v) for v in valeur]
    return valeur


def _normaliser_ip(adresse: str | None) -> str | None:
    """The form the database gives back, so that the chained hash stays the same."""
    if not adresse:
        return None
    try:
        return ipaddress.ip_address(adresse).compressed
    except ValueError:
        return None
