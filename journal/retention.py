"""Retention of the journal: the only path that deletes events.

CNIL délibération 2021-122: access logs are kept six months to one year
(`CAFPRO_JOURNAL_RETENTION_JOURS`, 365 by default). A purge removes, chain by chain, the
longest prefix of events older than the limit, and leaves a signed seal (`SceauPurge`) of the
last link removed, from which `journal_verify` starts again. On PostgreSQL the table is
partitioned by month: whole months are dropped, the rest is deleted row by row, under the
maintenance setting that the append-only triggers let through.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Max, Min, Q
from django.utils import timezone

from . import partitions
from .chaine import Rupture, de_la_chaine, signature_sceau, verifier_chaine
from .ecriture import enregistrer
from .models import Evenement, Resultat, SceauPurge, TeteChaine, TypeEvenement


@dataclass
class BilanPurge:
    avant: datetime
    par_chaine: dict[str, int] = field(default_factory=dict)
    non_chaines: int = 0
    partitions_supprimees: list[str] = field(default_factory=list)
    partitions_creees: list[str] = field(default_factory=list)
    # Chains not purged because their segment does not verify: tampering is never sealed over.
    ruptures: list[Rupture] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.par_chaine.values()) + self.non_chaines


def _dernier_rang_purgeable(chaine: str, avant: datetime, tete: int) -> int:
    """The end of the prefix: every event up to it is older than `avant`."""
    premier_garde = Evenement.objects.filter(de_la_chaine(chaine), rang__isnull=False, horodatage__gte=avant).aggregate(
        rang=Min("rang")
    )["rang"]
    return tete if premier_garde is None else premier_garde - 1


def prevoir(avant: datetime) -> BilanPurge:
    """What a purge would remove, without removing anything."""
    bilan = BilanPurge(avant)
    for tete in TeteChaine.objects.all():
        dernier = _dernier_rang_purgeable(tete.chaine, avant, tete.rang)
        sceau = SceauPurge.objects.filter(chaine=tete.chaine).order_by("-rang").first()
        debut = sceau.rang if sceau else 0
        if dernier > debut:
            bilan.par_chaine[tete.chaine] = Evenement.objects.filter(
                de_la_chaine(tete.chaine), rang__gt=debut, rang__lte=dernier
            ).count()
    bilan.non_chaines = Evenement.objects.filter(rang__isnull=True, horodatage__lt=avant).count()
    return bilan


def _mode_maintenance(curseur: CursorWrapper) -> None:
    if connection.vendor == "postgresql":
        curseur.execute("SET LOCAL cafpro.maintenance_journal = 'on'")


def purger(avant: datetime, acteur: str = "journal_purge") -> BilanPurge:
    """Remove the events older than `avant` that can go without breaking a chain."""
    bilan = BilanPurge(avant)
    with transaction.atomic(), connection.cursor() as curseur:
        _mode_maintenance(curseur)
        for tete in TeteChaine.objects.select_for_update().order_by("chaine"):
            sceau = SceauPurge.objects.filter(chaine=tete.chaine).order_by("-rang").first()
            debut = sceau.rang if sceau else 0
            dernier = _dernier_rang_purgeable(tete.chaine, avant, tete.rang)
            if dernier <= debut:
                continue
            _, rupture = verifier_chaine(tete.chaine, jusqu_a=dernier)
            if rupture is not None:
                bilan.ruptures.append(rupture)
                continue
            # Verified just above, under the head's lock: the event of that rank is there, once.
            empreinte_fin = Evenement.objects.values_list("empreinte", flat=True).get(
                de_la_chaine(tete.chaine), rang=dernier
            )
            nombre = dernier - debut  # the segment verified: every rank is there once
            SceauPurge.objects.create(
                chaine=tete.chaine,
                rang=dernier,
                empreinte=empreinte_fin,
                nombre=nombre,
                avant=avant,
                signature=signature_sceau(tete.chaine, dernier, empreinte_fin, nombre, avant),
            )
            bilan.par_chaine[tete.chaine] = nombre
        # Whole months first (PostgreSQL), then what is left of each sealed prefix.
        scelles = {s["chaine"]: s["rang"] for s in SceauPurge.objects.values("chaine").annotate(rang=Max("rang"))}

        def hors_chaine_gardee(debut: datetime, fin: datetime) -> bool:
            # A month goes only if every chained event in it lies within a sealed prefix.
            garde = Q()
            for chaine in TeteChaine.objects.values_list("chaine", flat=True):
                garde |= de_la_chaine(chaine) & Q(rang__gt=scelles.get(chaine, 0))
            return not Evenement.objects.filter(garde, horodatage__gte=debut, horodatage__lt=fin).exists()

        bilan.partitions_supprimees = partitions.supprimer_avant(curseur, avant, hors_chaine_gardee)
        for chaine in bilan.par_chaine:
            dernier = SceauPurge.objects.filter(chaine=chaine).order_by("-rang").values_list("rang", flat=True)[0]
            Evenement.objects.filter(de_la_chaine(chaine), rang__lte=dernier).delete()
        bilan.non_chaines = Evenement.objects.filter(rang__isnull=True, horodatage__lt=avant).delete()[0]
        bilan.partitions_creees = partitions.preparer(timezone.localdate())
        # The purge journals its own run in the same transaction: no purge without its trace.
        enregistrer(
            TypeEvenement.PURGE,
            Resultat.SUCCES if not bilan.ruptures else Resultat.ECHEC,
            acteur=acteur,
            motif=f"{bilan.total} événements antérieurs au {timezone.localtime(avant):%d/%m/%Y %H:%M} purgés",
            details={
                "avant": avant.isoformat(),
                "par_chaine": bilan.par_chaine,
                "non_chaines": bilan.non_chaines,
                "partitions_supprimees": bilan.partitions_supprimees,
                "partitions_creees": bilan.partitions_creees,
                "ruptures": [str(r) for r in bilan.ruptures],
            },
        )
    return bilan
