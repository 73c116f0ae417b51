"""The period a rubrique shows, chosen from dates only, before the journal records it.

DESIGN §3, "Journal before data": `choisir_periode` looks only at the dates of the facts
(the latest month or year known within the depth granted); the rubrique is read afterwards.
"""

from dataclasses import dataclass
from datetime import date

from dossiers.models import Droit, NatureQuotient, Paiement, QuotientFamilial, Ressource
from preparees import Preparee, preparee
from profils.rubriques import Acces, Navigation

from .calendrier import code_mois, decaler_mois, fenetre_mois, lire_mois, premier_du_mois
from .formats import mois_fr


@dataclass
class PeriodeAffichee:
    """The period a rubrique page shows, and the links to its neighbours within the depth granted."""

    code: str = ""  # for the journal and the URL: "2026-10", "2024", ""
    libelle: str = ""
    parametre: str = ""  # "mois" or "annee"
    precedent: str | None = None
    suivant: str | None = None
    avertissement: str = ""


# The dated facts behind each month-by-month rubrique: model, date column, extra filter.
_SOURCES_MENSUELLES = {
    "paiements": (Paiement, "date_paiement", {}),
    "droits": (Droit, "mois", {}),
    "qf-cnaf": (QuotientFamilial, "mois", {"nature": NatureQuotient.CNAF}),
    "qf-caf": (QuotientFamilial, "mois", {"nature": NatureQuotient.CAF}),
    "attestation-paiement": (Paiement, "periode", {}),
}


def filtre_prestations(acces: Acces) -> dict:
    """The prestations a profile is limited to (T10: the housing aids), as a filter."""
    return {"prestation__in": sorted(acces.prestations)} if acces.prestations is not None else {}


def choisir_periode(dossier_id: int, acces: Acces, demande: dict, jour: date) -> PeriodeAffichee:
    """The period to show: the one asked for if the depth allows it, else the latest known."""
    if acces.navigation == Navigation.MOIS:
        return _periode_mensuelle(dossier_id, acces, demande.get("mois"), jour)
    if acces.navigation == Navigation.ANNEE:
        return _periode_annuelle(dossier_id, acces, demande.get("annee"))
    if acces.profondeur_mois:
        return PeriodeAffichee(code=f"{acces.profondeur_mois} derniers mois")
    return PeriodeAffichee()


def _periode_mensuelle(dossier_id: int, acces: Acces, demande: str | None, jour: date) -> PeriodeAffichee:
    debut, fin = fenetre_mois(jour, acces.profondeur_mois)
    colonne = _SOURCES_MENSUELLES[acces.rubrique.code][1]
    avertissement = ""
    mois = lire_mois(demande)
    if demande and mois is None:
        avertissement = "La période demandée n'est pas valide : le dernier mois connu est affiché."
    elif mois is not None and not debut <= mois <= fin:
        avertissement = (
            f"L'historique consultable couvre les {acces.profondeur_mois} derniers mois : "
            "le dernier mois connu est affiché."
        )
        mois = None
    if mois is None:
        valeurs = (dossier_id, debut, decaler_mois(fin, 1))
        if acces.rubrique.code == "attestation-paiement":
            valeurs += (jour,)
        dernier = _dernier_dans_la_fenetre(acces).premiere(*valeurs)
        mois = premier_du_mois(dernier[colonne]) if dernier else fin
    return PeriodeAffichee(
        code=code_mois(mois),
        libelle=mois_fr(mois),
        parametre="mois",
        precedent=code_mois(decaler_mois(mois, -1)) if mois > debut else None,
        suivant=code_mois(decaler_mois(mois, 1)) if mois < fin else None,
        avertissement=avertissement,
    )


def _dernier_dans_la_fenetre(acces: Acces) -> Preparee:
    """The latest dated fact of the rubrique in [debut, apres[ (prepared once per access: every
    page of a monthly rubrique opened without a month asks it)."""
    modele, colonne, filtre = _SOURCES_MENSUELLES[acces.rubrique.code]
    attestation = acces.rubrique.code == "attestation-paiement"

    def construire(dossier_id: int, debut: date, apres: date, jour: date | None = None):
        if attestation:
            # A month is attested once its payment is issued.
            filtre_du_jour = {**filtre, "date_paiement__lte": jour}
        else:
            filtre_du_jour = filtre
        return (
            modele.objects.filter(
                dossier_id=dossier_id,
                **{f"{colonne}__gte": debut, f"{colonne}__lt": apres},
                **filtre_du_jour,
                **(filtre_prestations(acces) if modele in (Paiement, Droit) else {}),
            )
            .order_by(f"-{colonne}")
            .values(colonne)[:1]
        )

    types = (int, date, date, date) if attestation else (int, date, date)
    return preparee(("periode.dernier", acces), construire, *types)


def annees_par_nature(dossier_id: int, acces: Acces) -> dict[bool, list[int]]:
    """ "Les trois dernières années connues" (01-…, rubrique Ressources), counted apart for the
    annual resources (False) and for the quarterly ones (True), which are the more recent."""
    annees = {}
    for accorde, trimestrielles in (("annuelles", False), ("trimestrielles", True)):
        if acces.voit(accorde):
            connues = _annees_connues(trimestrielles, acces.profondeur_annees).lignes(dossier_id)
            annees[trimestrielles] = [r["annee"] for r in connues]
    return annees


def _annees_connues(trimestrielles: bool, profondeur: int | None) -> Preparee:
    """The latest `profondeur` years of the dossier's annual or quarterly resources (prepared once
    per nature and depth: the depth is the query's LIMIT, written into its SQL)."""

    def construire(dossier_id: int):
        connues = (
            Ressource.objects.filter(dossier_id=dossier_id, trimestre__isnull=not trimestrielles)
            .values("annee")
            .distinct()
            .order_by("-annee")
        )
        return connues[:profondeur]

    return preparee(("periode.annees", trimestrielles, profondeur), construire, int)


def _periode_annuelle(dossier_id: int, acces: Acces, demande: str | None) -> PeriodeAffichee:
    annees = sorted({a for liste in annees_par_nature(dossier_id, acces).values() for a in liste}, reverse=True)
    if not annees:
        return PeriodeAffichee(parametre="annee", libelle="Aucune ressource connue")
    avertissement = ""
    try:
        annee = int(demande) if demande else annees[0]
    except ValueError:
        annee = None
    if annee not in annees:
        avertissement = (
            f"Les ressources consultables sont celles des {acces.profondeur_annees} dernières années connues : "
            "la dernière année connue est affichée."
        )
        annee = annees[0]
    index = annees.index(annee)
    return PeriodeAffichee(
        code=str(annee),
        libelle=f"Année {annee}",
        parametre="annee",
        precedent=str(annees[index + 1]) if index + 1 < len(annees) else None,
        suivant=str(annees[index - 1]) if index > 0 else None,
        avertissement=avertissement,
    )
