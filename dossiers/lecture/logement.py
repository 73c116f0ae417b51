"""Where the household lives: Logement, Adresse and Résidence."""

from datetime import date

from dossiers.models import AideLogement, Logement, TypeOccupation
from preparees import preparee
from profils.prestations import Prestation
from profils.rubriques import Acces

from .calendrier import fenetre_mois, il_y_a_mois
from .champs import Colonnes, colonnes_accordees, lignes_accordees, valeurs_accordees, valeurs_du_dossier
from .formats import date_fr, euros, libelle_prestation, oui_non
from .periode import PeriodeAffichee
from .prestations import droits_non_suspendus
from .restitution import Fiche, Restitution, Tableau

_COLONNES_LOGEMENT: Colonnes = {
    "type_occupation": ("type_occupation",),
    "date_occupation": ("date_debut", "date_ouverture_droit"),
    "loyer": ("loyer",),
    "date_reference_loyer": ("date_reference_loyer",),
    "date_bail": ("date_debut_bail",),
    "impaye": ("impaye_depuis",),
    "surpeuplement": ("surpeuplement",),
    "absence_quittance": ("absence_quittance",),
    "bailleur": ("bailleur",),
    "aide": ("aide",),
    "tiers_payant": ("tiers_payant",),
}
_RENDUS_LOGEMENT = {
    "type_occupation": lambda lo: TypeOccupation(lo["type_occupation"]).label,
    "date_occupation": lambda lo: (
        f"{date_fr(lo['date_debut'])} / {date_fr(lo['date_ouverture_droit']) or 'pas de droit ouvert'}"
    ),
    "loyer": lambda lo: euros(lo["loyer"]),
    "date_reference_loyer": lambda lo: date_fr(lo["date_reference_loyer"]),
    "date_bail": lambda lo: date_fr(lo["date_debut_bail"]),
    "impaye": lambda lo: f"impayé depuis le {date_fr(lo['impaye_depuis'])}" if lo["impaye_depuis"] else "non",
    "surpeuplement": lambda lo: oui_non(lo["surpeuplement"]),
    "absence_quittance": lambda lo: oui_non(lo["absence_quittance"]),
    "bailleur": lambda lo: lo["bailleur"] or "—",
    "aide": lambda lo: AideLogement(lo["aide"]).label if lo["aide"] else "aucune",
    "tiers_payant": lambda lo: "versée au bailleur" if lo["tiers_payant"] else "non",
}


def _logement_actuel(dossier_id: int, acces: Acces, par_champ: Colonnes) -> dict | None:
    """The housing occupied (the latest without an end), with the columns of the granted fields of
    `par_champ`; prepared once per set of columns (preparees/), which is all the query depends on."""
    colonnes = tuple(colonnes_accordees(acces, par_champ))
    if not colonnes:
        return None  # as `valeurs_accordees`: no field granted, no query and no row

    def construire(dossier_id: int):
        logements = Logement.objects.filter(dossier_id=dossier_id, date_fin__isnull=True).order_by("-date_debut")
        return logements.values(*colonnes)[:1]

    return preparee(("logement.actuel", colonnes), construire, int).premiere(dossier_id)


def lire_logement(dossier_id: int, acces: Acces, periode: PeriodeAffichee, jour: date) -> Restitution:
    libelle = acces.rubrique.champ
    blocs: list[Fiche | Tableau] = []
    if any(acces.voit(champ) for champ in _COLONNES_LOGEMENT):
        actuel = _logement_actuel(dossier_id, acces, _COLONNES_LOGEMENT)
        if actuel is None:
            blocs.append(Fiche("Logement occupé", [("Logement", "aucun logement connu")]))
        else:
            blocs.append(Fiche("Logement occupé", lignes_accordees(acces, actuel, _RENDUS_LOGEMENT)))
    if acces.voit("adresses_precedentes"):

        def construire(dossier_id: int, depuis: date):
            precedents = Logement.objects.filter(dossier_id=dossier_id, date_fin__gte=depuis).order_by("-date_fin")
            colonnes = {"adresses_precedentes": ("adresse", "date_debut", "date_fin")}
            return valeurs_accordees(precedents, acces, colonnes)

        precedents = preparee(("logement.precedents", acces), construire, int, date).lignes(
            dossier_id, il_y_a_mois(jour, acces.profondeur_mois)
        )
        blocs.append(
            Tableau(
                f"{libelle('adresses_precedentes').libelle} ({acces.profondeur_mois} derniers mois)",
                ["Adresse", "Du", "Au"],
                [[p["adresse"], date_fr(p["date_debut"]), date_fr(p["date_fin"])] for p in precedents],
                vide="Aucun autre logement dans cette période.",
            )
        )
    return Restitution(blocs)


_COLONNES_ADRESSE_POSTALE = ("adresse_complement", "adresse_voie", "code_postal", "commune")


def _adresse_postale(d: dict) -> str:
    """The dossier's postal address, one line each, "16000 ANGOULEME" last (manual, Adresse)."""
    lignes = (d["adresse_complement"], d["adresse_voie"], f"{d['code_postal']} {d['commune'].upper()}")
    return "\n".join(ligne for ligne in lignes if ligne)


_COLONNES_ADRESSE: Colonnes = {"adresse": _COLONNES_ADRESSE_POSTALE, "code_insee": ("code_insee",)}
_RENDUS_ADRESSE = {"adresse": _adresse_postale, "code_insee": lambda d: d["code_insee"]}


def lire_adresse(dossier_id: int, acces: Acces, periode: PeriodeAffichee, jour: date) -> Restitution:
    d = valeurs_du_dossier(dossier_id, acces, _COLONNES_ADRESSE)
    return Restitution([Fiche("Adresse du dossier", lignes_accordees(acces, d, _RENDUS_ADRESSE))])


PRESTATIONS_FAMILIALES = frozenset(Prestation.values) - {
    Prestation.RSA,
    Prestation.RMI,
    Prestation.AAH,
    Prestation.CR_AAH,
    Prestation.MVA,
    Prestation.PPA,
}


def lire_residence(dossier_id: int, acces: Acces, periode: PeriodeAffichee, jour: date) -> Restitution:
    """What justifies the residence in France of a Cmu applicant who receives prestations
    familiales (05-…, T6): the address, since when, and the prestations of the last month."""
    libelle = acces.rubrique.champ
    lignes = []
    if acces.voit("adresse"):
        d = valeurs_du_dossier(dossier_id, acces, {"adresse": _COLONNES_ADRESSE_POSTALE})
        lignes.append((libelle("adresse").libelle, _adresse_postale(d)))
    if acces.voit("depuis"):
        actuel = _logement_actuel(dossier_id, acces, {"depuis": ("date_debut",)})
        lignes.append((libelle("depuis").libelle, date_fr(actuel["date_debut"]) if actuel else "non connu"))
    if acces.voit("prestations_familiales"):

        def construire(dossier_id: int, debut: date, fin: date):
            droits = droits_non_suspendus(dossier_id, PRESTATIONS_FAMILIALES, debut, fin)
            return valeurs_accordees(droits, acces, {"prestations_familiales": ("prestation",)}).distinct()

        prestations = preparee(("residence.prestations", acces), construire, int, date, date).lignes(
            dossier_id, *fenetre_mois(jour, 3)
        )
        noms = sorted(libelle_prestation(p["prestation"]) for p in prestations)
        lignes.append(
            (
                libelle("prestations_familiales").libelle + " (3 derniers mois)",
                ", ".join(noms) if noms else "aucune prestation familiale",
            )
        )
    return Restitution([Fiche("Résidence en France", lignes)])
