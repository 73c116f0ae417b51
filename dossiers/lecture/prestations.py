"""The prestations paid and due: Paiements, Droits, Attestation de paiement, the minima sociaux
(Rmi - Api, Rsa, Cmu), Maladie maternité Affiliation and Créances."""

from collections import defaultdict
from datetime import date
from typing import NamedTuple

from django.db.models import Q

from dossiers.models import (
    Civilite,
    Creance,
    Droit,
    EtatPaiement,
    MinimumSocial,
    NaturePaiement,
    Paiement,
    Situation,
    TypePaiement,
)
from preparees import preparee
from profils.prestations import PRESTATIONS_AFFILIATION_MALADIE, Prestation
from profils.rubriques import Acces

from .calendrier import decaler_mois, fenetre_mois, il_y_a_mois, lire_mois, periodes_continues
from .champs import Colonnes, lignes_accordees, tableau_accorde, valeur, valeurs_accordees, valeurs_du_dossier
from .formats import date_fr, emis_ou_traite, euros, libelle_prestation, mois_fr
from .periode import PeriodeAffichee, filtre_prestations
from .restitution import Fiche, PaiementDetaille, Paiements, Restitution, Tableau

# One payment = the prestations paid together, on the same date, for the same period, to the
# same recipient: the columns that identify a payment are read for every profile that has the
# rubrique, but only the granted fields are put on the page.
_IDENTITE_PAIEMENT = ("date_paiement", "periode", "type", "etat", "destinataire")
_COLONNES_PAIEMENT: Colonnes = {
    "periode": ("periode",),
    "type_paiement": ("type",),
    "etat_paiement": ("etat",),
    "date_paiement": ("date_paiement", "etat"),
    "prestations": ("prestation", "nature", "montant"),
    "montant_total": ("montant",),
    "recuperation": ("montant_recupere",),
    "destinataire": ("destinataire",),
}


class _Paiement(NamedTuple):
    date_paiement: date
    periode: date
    type: str
    etat: str
    destinataire: str
    lignes: list[dict]  # one per prestation


def _detail_des_prestations(paiement: _Paiement) -> list[tuple[str, str]]:
    """One (label, amount) per prestation: a line each, the amount apart so that it lines up."""
    return [
        (
            libelle_prestation(p["prestation"]) + (" (rappel)" if p["nature"] == NaturePaiement.RAPPEL else ""),
            euros(p["montant"]),
        )
        for p in paiement.lignes
    ]


# The fields written beside their label, in the catalogue's order (profils/rubriques.py).
_RENDUS_PAIEMENT = {
    "periode": lambda p: mois_fr(p.periode),
    "type_paiement": lambda p: TypePaiement(p.type).label,
    "etat_paiement": lambda p: EtatPaiement(p.etat).label,
    "date_paiement": lambda p: emis_ou_traite(p.etat, p.date_paiement),
    "destinataire": lambda p: p.destinataire or "Allocataire",
}
# The amounts that sum a payment up: under its prestations' amounts when the profile sees them,
# beside their label with the other fields otherwise (T10).
_MONTANTS_PAIEMENT = {
    "montant_total": lambda p: euros(sum(ligne["montant"] for ligne in p.lignes)),
    "recuperation": lambda p: euros(sum(ligne["montant_recupere"] for ligne in p.lignes)),
}


def _titre_du_paiement(acces: Acces, paiement: _Paiement) -> str:
    """ "Paiement mensuel émis le 05/11/2026", from the granted fields only."""
    titre = "Paiement"
    if acces.voit("type_paiement"):
        titre += f" {TypePaiement(paiement.type).label}"
    if acces.voit("date_paiement"):
        date_ecrite = emis_ou_traite(paiement.etat, paiement.date_paiement)
        titre += f" {date_ecrite[0].lower()}{date_ecrite[1:]}"
    return titre


def _paiement_detaille(acces: Acces, paiement: _Paiement) -> PaiementDetaille:
    if not acces.voit("prestations"):
        rendus = {**_RENDUS_PAIEMENT, **_MONTANTS_PAIEMENT}
        dans_l_ordre = {c.code: rendus[c.code] for c in acces.rubrique.champs if c.code in rendus}
        lignes = lignes_accordees(acces, paiement, dans_l_ordre)
        return PaiementDetaille(_titre_du_paiement(acces, paiement), lignes)
    return PaiementDetaille(
        _titre_du_paiement(acces, paiement),
        lignes_accordees(acces, paiement, _RENDUS_PAIEMENT),
        prestations=_detail_des_prestations(paiement),
        montants=lignes_accordees(acces, paiement, _MONTANTS_PAIEMENT),
    )


def lire_paiements(dossier_id: int, acces: Acces, periode: PeriodeAffichee, jour: date) -> Restitution:
    """The month's payments, one after the other: a month of five prestations reads one line per
    prestation, its amount beside it (issue 15; the fields of 01-…, « Rubrique Paiements »)."""
    mois = lire_mois(periode.code)

    def construire(dossier_id: int, debut: date, apres: date):
        lignes = Paiement.objects.filter(
            dossier_id=dossier_id, date_paiement__gte=debut, date_paiement__lt=apres, **filtre_prestations(acces)
        ).order_by("date_paiement", "periode", "id")
        return valeurs_accordees(lignes, acces, _COLONNES_PAIEMENT, *_IDENTITE_PAIEMENT)

    # Prepared once per access (preparees/): its columns and prestations are the profile's.
    lues = preparee(("paiements", acces), construire, int, date, date).lignes(dossier_id, mois, decaler_mois(mois, 1))
    groupes: dict[tuple, list[dict]] = defaultdict(list)
    for ligne in lues:
        groupes[tuple(ligne[c] for c in _IDENTITE_PAIEMENT)].append(ligne)
    paiements = [_Paiement(*cle, lignes=prestations) for cle, prestations in groupes.items()]
    return Restitution(
        [
            Paiements(
                f"Paiements traités ou émis en {periode.libelle.lower()}",
                acces.rubrique.champ("prestations").libelle,
                [_paiement_detaille(acces, p) for p in paiements],
            )
        ]
    )


_COLONNES_DROIT: Colonnes = {
    "prestation": ("prestation",),
    "montant": ("montant",),
    "suspension": ("suspendu",),
    "inferieur_seuil": ("inferieur_seuil",),
}
_RENDUS_DROIT = {
    "prestation": lambda d: libelle_prestation(d["prestation"]),
    "montant": lambda d: euros(d["montant"]),
    "suspension": lambda d: "prestation suspendue" if d["suspendu"] else "",
    "inferieur_seuil": lambda d: "inférieur à la limite de paiement" if d["inferieur_seuil"] else "",
}


def lire_droits(dossier_id: int, acces: Acces, periode: PeriodeAffichee, jour: date) -> Restitution:
    mois = lire_mois(periode.code)

    def construire(dossier_id: int, mois: date):
        droits = Droit.objects.filter(dossier_id=dossier_id, mois=mois, **filtre_prestations(acces)).order_by(
            "prestation"
        )
        return valeurs_accordees(droits, acces, _COLONNES_DROIT)

    # No month (never a right): no row, as `mois=None` would have read none.
    droits = preparee(("droits", acces), construire, int, date).lignes(dossier_id, mois) if mois else []
    return Restitution(
        [
            tableau_accorde(
                acces,
                f"Droits du mois d'effet {periode.libelle.lower()}",
                droits,
                _RENDUS_DROIT,
                vide="Aucun droit pour ce mois.",
            )
        ]
    )


_COLONNES_ATTESTATION: Colonnes = {"prestations": ("prestation", "montant"), "montant_total": ("montant",)}


def lire_attestation(dossier_id: int, acces: Acces, periode: PeriodeAffichee, jour: date) -> Restitution:
    """The prestations paid for one month, as the Caf's attestation de paiement lists them: only
    the payments issued by `jour`, not those processed and still to be issued."""
    mois = lire_mois(periode.code)

    def construire(dossier_id: int, mois: date, jour: date):
        paiements = Paiement.objects.filter(dossier_id=dossier_id, periode=mois, date_paiement__lte=jour)
        return valeurs_accordees(paiements, acces, _COLONNES_ATTESTATION)

    # No month (never a payment's period): no row, as `periode=None` would have read none.
    lues = preparee(("attestation", acces), construire, int, date, date).lignes(dossier_id, mois, jour) if mois else []
    montants: dict[str, int] = defaultdict(int)
    total = 0
    for p in lues:
        total += p["montant"]
        if acces.voit("prestations"):
            montants[p["prestation"]] += p["montant"]
    tableau = Tableau(
        f"Prestations versées au titre du mois de {periode.libelle.lower()}",
        ["Prestation", "Montant"],
        [[libelle_prestation(p), euros(m)] for p, m in sorted(montants.items())],
        total=["Montant total", euros(total)] if acces.voit("montant_total") else None,
        vide="Aucune prestation versée au titre de ce mois.",
    )
    return Restitution([tableau])


_COLONNES_SITUATION: Colonnes = {"situation_dossier": ("situation", "situation_depuis", "motif_radiation")}
_COLONNES_MINIMUM_SOCIAL: Colonnes = {
    "prestation": ("prestation", "socle"),
    "demandeur": ("demandeur",),
    "nb_personnes": ("nb_personnes",),
    "date_demande": ("date_demande",),
    "debut_droit": ("date_debut",),
    "fin_droit": ("date_fin",),
    "motif_fin": ("motif_fin",),
}


def _nom_du_minimum(droit: dict) -> str:
    return libelle_prestation(droit["prestation"]) + (" socle" if droit["socle"] else "")


_RENDUS_MINIMUM_SOCIAL = {
    "prestation": _nom_du_minimum,
    "demandeur": lambda d: Civilite(d["demandeur"]).label,
    "nb_personnes": lambda d: str(d["nb_personnes"]),
    "date_demande": lambda d: date_fr(d["date_demande"]),
    "debut_droit": lambda d: date_fr(d["date_debut"]),
    "fin_droit": lambda d: date_fr(d["date_fin"]) or "Droit en cours",
    "motif_fin": lambda d: d["motif_fin"] or "—",
}


def lecteur_minimum_social(prestations: frozenset[str], titre: str):
    """The reader of Rmi - Api or Rsa: the dossier's situation, then each right (02-… annexe 3)."""

    def lecteur(dossier_id: int, acces: Acces, periode: PeriodeAffichee, jour: date) -> Restitution:
        def construire(dossier_id: int):
            droits = MinimumSocial.objects.filter(dossier_id=dossier_id, prestation__in=sorted(prestations)).order_by(
                "-date_debut"
            )
            return valeurs_accordees(droits, acces, _COLONNES_MINIMUM_SOCIAL, "prestation", "socle")

        blocs: list[Fiche | Tableau] = []
        if acces.voit("situation_dossier"):
            d = valeurs_du_dossier(dossier_id, acces, _COLONNES_SITUATION)
            lignes = [(acces.rubrique.champ("situation_dossier").libelle, f"{Situation(d['situation']).label}")]
            lignes.append(("Depuis le", date_fr(d["situation_depuis"])))
            if d["situation"] == Situation.RADIE:
                lignes.append(("Motif de la radiation", d["motif_radiation"]))
            blocs.append(Fiche(titre, lignes))
        droits = preparee(("minimum_social", prestations, acces), construire, int).lignes(dossier_id)
        for droit in droits:
            blocs.append(Fiche(_nom_du_minimum(droit), lignes_accordees(acces, droit, _RENDUS_MINIMUM_SOCIAL)))
        if not droits:
            blocs.append(Fiche(titre, [("Droit", "aucun droit connu")]))
        return Restitution(blocs)

    return lecteur


_COLONNES_CMU: Colonnes = {"prestation": ("prestation",), "debut_droit": ("date_debut",), "fin_droit": ("date_fin",)}
_RENDUS_CMU = {
    "prestation": lambda d: "Rsa socle" if d["prestation"] == Prestation.RSA else "Rmi",
    "debut_droit": lambda d: date_fr(d["date_debut"]),
    "fin_droit": lambda d: date_fr(d["date_fin"]) or "Droit en cours",
}


def lire_cmu(dossier_id: int, acces: Acces, periode: PeriodeAffichee, jour: date) -> Restitution:
    """The Rsa socle or Rmi rights that give the automatic right to the Cmu (05-…, T5 and T6)."""

    def construire(dossier_id: int, depuis: date):
        droits = (
            MinimumSocial.objects.filter(dossier_id=dossier_id)
            .filter(Q(prestation=Prestation.RSA, socle=True) | Q(prestation=Prestation.RMI))
            .filter(Q(date_fin__isnull=True) | Q(date_fin__gte=depuis))
            .order_by("-date_debut")
        )
        # The end of each right tells whether the automatic right is open today.
        return valeurs_accordees(droits, acces, _COLONNES_CMU, "date_fin")

    droits = preparee(("cmu", acces), construire, int, date).lignes(
        dossier_id, il_y_a_mois(jour, acces.profondeur_mois)
    )
    en_cours = any(d["date_fin"] is None for d in droits)
    return Restitution(
        [
            Fiche(
                "Droit automatique à la Cmu et à la Cmu complémentaire",
                [("Au titre du Rsa socle ou du Rmi", "oui, droit en cours" if en_cours else "non")],
            ),
            tableau_accorde(
                acces,
                f"Droits Rsa socle ou Rmi ({acces.profondeur_mois} derniers mois)",
                droits,
                _RENDUS_CMU,
                vide="Aucun droit au Rsa socle ou au Rmi dans cette période.",
            ),
        ]
    )


def droits_non_suspendus(dossier_id: int, prestations: frozenset[str], debut: date, fin: date):
    """The months of right to `prestations` from `debut` to `fin` included, suspended ones left out."""
    return Droit.objects.filter(
        dossier_id=dossier_id, prestation__in=sorted(prestations), mois__gte=debut, mois__lte=fin, suspendu=False
    )


def lire_maladie_maternite(dossier_id: int, acces: Acces, periode: PeriodeAffichee, jour: date) -> Restitution:
    """The months of right to the prestations that open sickness and maternity insurance
    (05-…, T6: Api, Aah, Ape à taux plein, Clca, Ajpp), as continuous periods."""
    debut, fin = fenetre_mois(jour, acces.profondeur_mois)

    def construire(dossier_id: int, debut: date, fin: date):
        droits = droits_non_suspendus(dossier_id, PRESTATIONS_AFFILIATION_MALADIE, debut, fin)
        # A period is the months of one prestation: both are needed to make one.
        colonnes = {"prestation": ("prestation",), "periode_droit": ("mois",)}
        return valeurs_accordees(droits, acces, colonnes, "prestation", "mois")

    mois_par_prestation: dict[str, list[date]] = defaultdict(list)
    for d in preparee(("maladie_maternite", acces), construire, int, date, date).lignes(dossier_id, debut, fin):
        mois_par_prestation[d["prestation"]].append(d["mois"])
    periodes = [
        (prestation, premier, dernier)
        for prestation, mois in sorted(mois_par_prestation.items())
        for premier, dernier in periodes_continues(mois)
    ]
    rendus = {
        "prestation": lambda p: libelle_prestation(p[0]),
        "periode_droit": lambda p: (
            f"depuis {mois_fr(p[1]).lower()} (en cours)"
            if p[2] == fin
            else f"de {mois_fr(p[1]).lower()} à {mois_fr(p[2]).lower()}"
        ),
    }
    return Restitution(
        [
            tableau_accorde(
                acces,
                f"Prestations ouvrant droit à l'assurance maladie, maternité ({acces.profondeur_mois} derniers mois)",
                periodes,
                rendus,
                vide="Aucune prestation ouvrant droit dans cette période.",
            )
        ]
    )


_COLONNES_CREANCE: Colonnes = {
    "nature": ("code_nature", "nature"),
    "destinataire": ("destinataire",),
    "montant_initial": ("montant_initial",),
    "remboursement": ("remboursement",),
    "solde": ("solde",),
    "etat": ("etat", "motif"),
    "periode": ("periode_debut", "periode_fin"),
}
_RENDUS_CREANCE = {
    "nature": lambda c: f"{c['code_nature']} / {c['nature']}" if c["code_nature"] else c["nature"],
    "destinataire": valeur("destinataire"),
    "montant_initial": lambda c: euros(c["montant_initial"]),
    "remboursement": valeur("remboursement"),
    "solde": lambda c: euros(c["solde"]),
    "etat": lambda c: c["etat"] + (f" — {c['motif']}" if c["motif"] else ""),
    "periode": lambda c: f"du {date_fr(c['periode_debut'])} au {date_fr(c['periode_fin'])}",
}


def lire_creances(dossier_id: int, acces: Acces, periode: PeriodeAffichee, jour: date) -> Restitution:

    def construire(dossier_id: int):
        creances = Creance.objects.filter(dossier_id=dossier_id).order_by("-periode_debut")
        return valeurs_accordees(creances, acces, _COLONNES_CREANCE)

    creances = preparee(("creances", acces), construire, int).lignes(dossier_id)
    return Restitution(
        [
            tableau_accorde(
                acces,
                "Créances",
                creances,
                _RENDUS_CREANCE,
                vide="Aucune créance.",
            )
        ]
    )
