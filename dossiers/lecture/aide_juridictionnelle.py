"""T12's Paiements: the AAH paid around the date of a demand of aide juridictionnelle (02-…, annexe 3 and 4)."""

from dataclasses import dataclass
from datetime import date

from dossiers.models import Paiement
from profils.prestations import PRESTATIONS_AIDE_JURIDICTIONNELLE
from profils.rubriques import Acces

from .calendrier import decaler_mois, fenetre_mois, premier_du_mois
from .champs import valeurs_accordees
from .formats import date_fr, emis_ou_traite, euros, mois_fr
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


def paiements_aide_juridictionnelle(
    dossier_id: int, acces: Acces, demande: DemandeAideJuridictionnelle, jour: date
) -> Restitution:
    """AAH, complément de ressources AAH and MVA paid month by month, with the cumul.

    "Le montant payé s'entend sans déduction des indus, paiement mensuel et rappels retenus en
    fonction de la date de paiement" (02-…, annexe 3): months are months of payment."""
    debut, fin = fenetre_mois(jour, acces.profondeur_mois)
    mois = [m for m in mois_de_la_demande(demande) if debut <= m <= fin]
    par_mois: dict[date, dict] = {m: {"montant": 0, "dates": set(), "periodes": set()} for m in mois}
    if mois:
        paiements = Paiement.objects.filter(
            dossier_id=dossier_id,
            prestation__in=sorted(PRESTATIONS_AIDE_JURIDICTIONNELLE & (acces.prestations or set())),
            date_paiement__gte=mois[0],
            date_paiement__lt=decaler_mois(mois[-1], 1),
        )
        # Months are months of payment: the date of payment places every row.
        lignes = valeurs_accordees(paiements, acces, _COLONNES, "date_paiement")
        for ligne in lignes:
            cellule = par_mois[premier_du_mois(ligne["date_paiement"])]
            cellule["montant"] += ligne["montant"]
            cellule["dates"].add((ligne["date_paiement"], ligne["etat"]))
            cellule["periodes"].add(ligne["periode"])
    rangees, cumul = [], 0
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
    libelle = acces.rubrique.champ
    if not mois_de_la_demande(demande):
        vide = "Aucun mois de l'année en cours ne précède la demande."
    else:
        vide = "Aucun mois de cette période n'est dans l'historique de 24 mois."
    tableau = Tableau(
        f"{MODES_AIDE_JURIDICTIONNELLE[demande.mode]} (demande du {date_fr(demande.date_demande)})",
        [
            "Mois de paiement",
            libelle("periode").libelle,
            "Traitement ou émission du paiement",
            libelle("montant_total").libelle,
            "Cumul",
        ],
        rangees,
        total=["Total", "", "", euros(cumul), ""] if rangees else None,
        vide=vide,
    )
    return Restitution([tableau])
