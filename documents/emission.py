"""Issuing a document, and handing over once the confidential pages that go with it.

`emettre` is the one way a document is stored: validated, fingerprinted and journaled in one
transaction. Passwords never go into a stored document: a letter says where the password is,
and the sheet that carries it is given to `confier_une_fois`, which keeps it in the
server-side session for the next display of the lot only (never stored, journaled or logged).
"""

import json
import uuid
from urllib.parse import urlencode

from cryptography.fernet import Fernet, InvalidToken
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from journal.ecriture import enregistrer
from journal.models import Resultat, TypeEvenement

from . import blocs as formes
from .models import DocumentEmis, Nature

CLE_PIECES = "documents.pieces"
CLE_LOTS_AFFICHES = "documents.lots_affiches"
# One-time pieces not shown within this delay are dropped unseen.
DELAI_PIECES = 5 * 60
LOTS_AFFICHES_RETENUS = 20


def emettre(
    nature: str,
    titre: str,
    blocs: list[dict],
    *,
    caisse: str,
    acteur: str,
    request=None,
    lot: uuid.UUID | None = None,
    convention_id: int | None = None,
    habilitation_id: int | None = None,
    partenaire_id: int | None = None,
) -> DocumentEmis:
    """Store one document and journal its issue. ValueError if the content is malformed."""
    nature = Nature(nature)
    titre = formes.valider_titre(titre)
    blocs = formes.valider(blocs)
    if not caisse:
        raise ValueError("Un document est émis par une Caf : son numéro est requis.")
    if not acteur:
        raise ValueError("Un document est émis par quelqu'un : son identifiant est requis.")
    with transaction.atomic():
        document = DocumentEmis(
            nature=nature,
            titre=titre,
            blocs=blocs,
            caisse=caisse,
            emis_par=acteur,
            convention_id=convention_id,
            habilitation_id=habilitation_id,
            partenaire_id=partenaire_id,
        )
        if lot is not None:
            document.lot = lot
        document.save()
        enregistrer(
            TypeEvenement.GESTION,
            Resultat.SUCCES,
            request=request,
            motif=f"émission : {nature.label}",
            acteur=acteur,
            caisse=caisse,
            habilitation_id=habilitation_id,
            details={
                "document": str(document.public_id),
                "nature": nature.value,
                "lot": str(document.lot),
                "empreinte": document.empreinte,
            },
        )
    return document


def confier_une_fois(request, lot, pieces: dict[str, list[dict]]) -> str:
    """Keep confidential pages (a password sheet, say) for the lot's next display only, and
    return the key that opens them, to put in the lot page's address (`url_du_lot`).

    `pieces` maps a document's public_id (str) to the blocks shown after that document. The
    session (stored in the database) holds them encrypted; the key exists only in the address
    the gestionnaire is sent to: neither the database nor that address alone gives a password,
    and the ciphertext is deleted at the first display (or after DELAI_PIECES).
    """
    propres = {str(public_id): formes.valider(blocs) for public_id, blocs in pieces.items()}
    cle = Fernet.generate_key()
    chiffre = Fernet(cle).encrypt(json.dumps(propres).encode()).decode()
    depot = dict(request.session.get(CLE_PIECES, {}))
    _oublier_perimees(depot)
    depot[str(lot)] = {"depose_le": timezone.now().timestamp(), "chiffre": chiffre}
    request.session[CLE_PIECES] = depot
    return cle.decode()


def url_du_lot(lot, cle: str | None = None) -> str:
    url = reverse("documents:lot", args=[lot])
    return f"{url}?{urlencode({'cle': cle})}" if cle else url


def retirer_pieces(request, lot, cle: str = "") -> tuple[dict[str, list[dict]], str]:
    """The lot's one-time pieces, removed from the session as they are taken.

    Gives (pieces, état): état is "affichees" when pieces are given now, "deja_affichees" when
    they were given earlier in this session, "perimees" when they waited too long (or the key
    does not open them), else "".
    """
    depot = dict(request.session.get(CLE_PIECES, {}))
    entree = depot.pop(str(lot), None)
    perimees = _oublier_perimees(depot)
    if entree is not None or perimees:
        request.session[CLE_PIECES] = depot
        # Written now, so that a second tab loading the lot finds nothing left to show.
        request.session.save()
    if entree is not None:
        if _age(entree) > DELAI_PIECES:
            return {}, "perimees"
        try:
            pieces = json.loads(Fernet(cle.encode()).decrypt(entree["chiffre"].encode(), ttl=DELAI_PIECES))
        except (InvalidToken, ValueError, KeyError, TypeError):
            return {}, "perimees"
        affiches = [x for x in request.session.get(CLE_LOTS_AFFICHES, []) if x != str(lot)]
        request.session[CLE_LOTS_AFFICHES] = [*affiches, str(lot)][-LOTS_AFFICHES_RETENUS:]
        return pieces, "affichees"
    if str(lot) in request.session.get(CLE_LOTS_AFFICHES, []):
        return {}, "deja_affichees"
    return {}, ""


def _age(entree: dict) -> float:
    return timezone.now().timestamp() - entree.get("depose_le", 0)


def _oublier_perimees(depot: dict) -> bool:
    perimes = [lot for lot, entree in depot.items() if _age(entree) > DELAI_PIECES]
    for lot in perimes:
        del depot[lot]
    return bool(perimes)
