"""T12's Paiements: the AAH paid around the date of a demand of aide juridictionnelle (02-…, annexe 3 and 4).

"Sur un historique de 24 mois par rapport à la date du jour" (02-…, annexe 4, Profil T12): the
months a demand asks for are set against that history before anything is read. A period
partly before it is shown with its months outside marked and a partial total; a period wholly
before it is refused with a message; neither is ever summed as zero (docs/profils.md, T12).
"""

from dataclasses import dataclass
from datetime import date

from dossiers.models import Paiement
from preparees import preparee
from profils.prestations import PRESTATIONS_AIDE_JURIDICTIONNELLE
from profils.rubriques import Acces

from .calendrier import decaler_mois, fenetre_mois, premier_du_mois
from .champs import valeurs_accordees
from .formats import MOIS, date_fr, emis_ou_traite, euros, mois_fr
from .restitution import Restitution, Tableau


@dataclass(frozen=True)
class DemandeAideJuridictionnelle:
    date_demande: date
    mode: str


MODES_AIDE_JURIDICTIONNELLE = {
    "annee_precedente": "L'année civile qui précède la demande",
    "douze_mois": "Les 12 mois qui précèdent la demande",
    "annee_en_cours": "Les mois de l'année en cours qui précèdent la demande",
}
# The one a greffier most often needs: the décret of 19 December 1991 weighs the resources of the
# last calendar year, those of the current year only when their level has changed (docs/profils.md).
MODE_PAR_DEFAUT = "annee_precedente"


# The three fields of T12's table (02-…, annexe 3), each always shown: the profile grants them all.
_COLONNES = {"periode": ("periode",), "date_paiement": ("date_paiement", "etat"), "montant_total": ("montant",)}


def mois_de_la_demande(demande: DemandeAideJuridictionnelle) -> list[date]:
    """The months of each of the three modes of the manual (02-…, annexe 4, Profil T12)."""
    mois_demande = premier_du_mois(demande.date_demande)
    if demande.mode == "annee_precedente":
        premier = date(mois_demande.year - 1, 1, 1)
        return [decaler_mois(premier, n) for n in range(12)]
    if demande.mode == "douze_mois":
        return [decaler_mois(mois_demande, n) for n in range(-12, 0)]
    premier = date(mois_demande.year, 1, 1)
    return [decaler_mois(premier, n) for n in range(mois_demande.month - 1)]


def _mois(m: date) -> str:
    return f"{MOIS[m.month - 1]} {m.year}"


def _de(m: date) -> str:
    """ "de janvier 2025", "d'avril 2025" (avril, août, octobre)."""
    return f"d'{_mois(m)}" if _mois(m)[0] in "aeiou" else f"de {_mois(m)}"


def _de_a(premier: date, dernier: date) -> str:
    return _mois(premier) if premier == dernier else f"{_de(premier)} à {_mois(dernier)}"


@dataclass(frozen=True)
class PeriodeDemandee:
    """The months a demand asks for, set against the history from dates only, so that the journal
    records the demand before any payment is read (DESIGN §3, "Journal before data")."""

    demande: DemandeAideJuridictionnelle
    mois: tuple[date, ...]
    debut: date  # the first and last months of the history
    fin: date
    profondeur: int

    @property
    def dans_historique(self) -> list[date]:
        return [m for m in self.mois if self.debut <= m <= self.fin]

    @property
    def hors_historique(self) -> list[date]:
        return [m for m in self.mois if not self.debut <= m <= self.fin]

    @property
    def refusee(self) -> bool:
        """Months asked for, none of them within the history: nothing can be restituted."""
        return bool(self.mois) and not self.dans_historique

    @property
    def partielle(self) -> bool:
        return bool(self.dans_historique) and bool(self.hors_historique)

    @property
    def historique(self) -> str:
        return f"l'historique de {self.profondeur} mois par rapport à la date du jour ({_de_a(self.debut, self.fin)})"

    @property
    def avertissement(self) -> str:
        if not (self.refusee or self.partielle):
            return ""
        demandee = f"La période demandée, {_de_a(self.mois[0], self.mois[-1])},"
        if self.refusee:
            return f"{demandee} est hors de {self.historique} : aucun montant ne peut être restitué."
        hors, p = self.hors_historique, self.profondeur
        if len(hors) == 1:
            marques = f"le mois {_de(hors[0])} est hors de l'historique de {p} mois et n'est pas compté"
        else:
            marques = (
                f"les mois {_de(hors[0])} à {_mois(hors[-1])} sont hors de l'historique de {p} mois "
                "et ne sont pas comptés"
            )
        partiel = f"le total est partiel ({len(self.dans_historique)} mois sur {len(self.mois)})"
        return f"{demandee} commence avant {self.historique} : {marques} ; {partiel}."


def periode_demandee(demande: DemandeAideJuridictionnelle, profondeur: int, jour: date) -> PeriodeDemandee:
    debut, fin = fenetre_mois(jour, profondeur)
    return PeriodeDemandee(demande, tuple(mois_de_la_demande(demande)), debut, fin, profondeur)


def paiements_aide_juridictionnelle(dossier_id: int, acces: Acces, periode: PeriodeDemandee) -> Restitution:
    """AAH, complément de ressources AAH and MVA paid month by month, with the cumul.

    "Le montant payé s'entend sans déduction des indus, paiement mensuel et rappels retenus en
    fonction de la date de paiement" (02-…, annexe 3): months are months of payment."""
    if periode.refusee:
        # Refused: the page says why (periode.avertissement); not a query, not a zero.
        return Restitution()
    demande = periode.demande
    mois = periode.dans_historique
    par_mois: dict[date, dict] = {m: {"montant": 0, "dates": set(), "periodes": set()} for m in mois}
    if mois:

        def construire(dossier_id: int, debut: date, apres: date):
            paiements = Paiement.objects.filter(
                dossier_id=dossier_id,
                prestation__in=sorted(PRESTATIONS_AIDE_JURIDICTIONNELLE & (acces.prestations or set())),
                date_paiement__gte=debut,
                date_paiement__lt=apres,
            )
            # Months are months of payment: the date of payment places every row.
            return valeurs_accordees(paiements, acces, _COLONNES, "date_paiement")

        # Prepared once per access (preparees/): its columns and prestations are the profile's.
        lignes = preparee(("aide_juridictionnelle", acces), construire, int, date, date).lignes(
            dossier_id, mois[0], decaler_mois(mois[-1], 1)
        )
        for ligne in lignes:
            cellule = par_mois[premier_du_mois(ligne["date_paiement"])]
            cellule["montant"] += ligne["montant"]
            cellule["dates"].add((ligne["date_paiement"], ligne["etat"]))
            cellule["periodes"].add(ligne["periode"])
    hors = f"Hors de l'historique de {periode.profondeur} mois"
    # The months outside the history all precede it (a demand is never after today): they come
    # first, marked, and the cumul starts with the first month within it.
    rangees = [[mois_fr(m), "—", hors, "—", "—"] for m in periode.hors_historique]
    cumul = 0
    for m in mois:
        cellule = par_mois[m]
        cumul += cellule["montant"]
        emissions = ", ".join(emis_ou_traite(etat, d) for d, etat in sorted(cellule["dates"]))
        rangees.append(
            [
                mois_fr(m),
                ", ".join(mois_fr(p) for p in sorted(cellule["periodes"])) or "—",
                emissions or "Aucun paiement",
                euros(cellule["montant"]),
                euros(cumul),
            ]
        )
    if periode.partielle:
        total = [f"Total partiel ({len(mois)} mois sur {len(periode.mois)})", "", "", euros(cumul), ""]
    else:
        total = ["Total", "", "", euros(cumul), ""] if mois else None
    libelle = acces.rubrique.champ
    titre = f"{MODES_AIDE_JURIDICTIONNELLE[demande.mode]} (demande du {date_fr(demande.date_demande)})"
    if periode.mois:
        titre += f" : {_de_a(periode.mois[0], periode.mois[-1])}"
    tableau = Tableau(
        titre,
        [
            "Mois de paiement",
            libelle("periode").libelle,
            "Traitement ou émission du paiement",
            libelle("montant_total").libelle,
            "Cumul",
        ],
        rangees,
        total=total,
        vide="Aucun mois de l'année en cours ne précède la demande.",
    )
    return Restitution([tableau])
