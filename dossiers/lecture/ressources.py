"""What the household lives on: Ressources and Cmuc Ressources, the quotients familiaux (QF Cnaf,
QF Caf) and the Déclarations de ressources."""

from collections import defaultdict
from datetime import date

from django.db.models import Count

from dossiers.models import (
    DeclarationRessources,
    NatureQuotient,
    Personne,
    QuotientFamilial,
    RegimeProtection,
    Ressource,
    RoleDansLeFoyer,
)
from preparees import Preparee, preparee
from profils.rubriques import Acces

from .calendrier import decaler_mois, fenetre_mois, lire_mois
from .champs import Colonnes, lignes_accordees, tableau_accorde, valeur, valeurs_accordees, valeurs_du_dossier
from .formats import date_fr, euros, libelle_prestation, mois_fr
from .periode import PeriodeAffichee, annees_par_nature
from .restitution import Fiche, Restitution, Tableau

_COLONNES_RESSOURCE: Colonnes = {"type_personne": ("type_personne",), "nature": ("nature",), "montant": ("montant",)}
_RENDUS_RESSOURCE = {"nature": valeur("nature"), "montant": lambda r: euros(r["montant"])}  # a table's columns


def lire_ressources(dossier_id: int, acces: Acces, periode: PeriodeAffichee, jour: date) -> Restitution:
    if not periode.code:
        return Restitution([Fiche("Ressources", [("Ressources", "aucune ressource connue")])])
    annee = int(periode.code)
    # Each nature only within its own three last known years.
    natures = [t for t, annees in annees_par_nature(dossier_id, acces).items() if annee in annees]

    def construire(dossier_id: int, annee: int):
        lignes = Ressource.objects.filter(dossier_id=dossier_id, annee=annee)
        if natures == [False]:
            lignes = lignes.filter(trimestre__isnull=True)
        elif natures == [True]:
            lignes = lignes.filter(trimestre__isnull=False)
        lignes = lignes.order_by("trimestre", "prestation", "type_personne", "id")
        return valeurs_accordees(lignes, acces, _COLONNES_RESSOURCE, "trimestre", "prestation")

    # Prepared once per access and natures shown (preparees/); no nature shown, no query and no row.
    cle = ("ressources", acces, tuple(natures))
    lues = preparee(cle, construire, int, int).lignes(dossier_id, annee) if natures else []
    # The quarter (none: the year) places each resource in its table; overseas, the prestation
    # too, for a household declaring quarterly resources for the AAH and for the RSA (01-…).
    groupes: dict[tuple, list] = defaultdict(list)
    for r in lues:
        groupes[(r["trimestre"] or 0, r["prestation"], r.get("type_personne", ""))].append(r)
    colonnes = [acces.rubrique.champ(c).libelle for c in _RENDUS_RESSOURCE if acces.voit(c)]
    blocs: list[Fiche | Tableau] = []
    for (trimestre, prestation, personne), ressources in sorted(groupes.items()):
        qui = f"de {personne}" if acces.voit("type_personne") else ""
        if trimestre:
            rang = "1er" if trimestre == 1 else f"{trimestre}e"
            titre = f"Ressources trimestrielles {prestation} {qui} — {rang} trimestre {annee}"
        else:
            titre = f"Ressources {qui} pour l'année {annee}"
        rangees = [[rendu(r) for c, rendu in _RENDUS_RESSOURCE.items() if acces.voit(c)] for r in ressources]
        blocs.append(Tableau(" ".join(titre.split()), colonnes, rangees))
    if not blocs:
        blocs.append(Fiche("Ressources", [("Ressources", f"aucune ressource connue pour {annee}")]))
    return Restitution(blocs)


_COLONNES_QUOTIENT: Colonnes = {
    "montant": ("montant",),
    "date_calcul": ("date_calcul",),
    "nb_parts": ("nb_parts",),
    "ressources_psu": ("ressources_psu",),
}
_RENDUS_QUOTIENT = {
    "montant": lambda qf: euros(qf["montant"]),
    "date_calcul": lambda qf: date_fr(qf["date_calcul"]),
    "nb_parts": lambda qf: f"{qf['nb_parts']:n}".replace(".", ","),
    "ressources_psu": lambda qf: euros(qf["ressources_psu"]) if qf["ressources_psu"] is not None else "—",
}


# The children counted for the prestations familiales (QF Cnaf, QF Caf): grouped by the dossier
# rather than counted, so that the prepared query reads a dict (one row, none without any child).
_ENFANTS_PF = Preparee(
    lambda dossier_id: (
        Personne.objects.filter(dossier_id=dossier_id, role=RoleDansLeFoyer.ENFANT, charge_pf=True)
        .order_by()
        .values("dossier_id")
        .annotate(nombre=Count("id"))
    ),
    int,
)


def lecteur_quotient(nature: str):
    """The reader of QF Cnaf (04-…, T2) or QF Caf (T3): the month's quotient and what it counts."""

    def lecteur(dossier_id: int, acces: Acces, periode: PeriodeAffichee, jour: date) -> Restitution:
        libelle = acces.rubrique.champ
        mois = lire_mois(periode.code)

        def construire(dossier_id: int, mois: date):
            quotients = QuotientFamilial.objects.filter(dossier_id=dossier_id, nature=nature, mois=mois)
            # As `.first()` read it: by primary key, the query having no order of its own.
            return valeurs_accordees(quotients, acces, _COLONNES_QUOTIENT).order_by("pk")[:1]

        # No month (never a quotient's): none, as `mois=None` would have read none.
        qf = preparee(("quotient", nature, acces), construire, int, date).premiere(dossier_id, mois) if mois else None
        fiche = Fiche(f"{NatureQuotient(nature).label} — {periode.libelle}", [])
        if qf is None:
            fiche.lignes.append(("Quotient familial", "non calculé pour ce mois"))
        else:
            fiche.lignes += lignes_accordees(acces, qf, _RENDUS_QUOTIENT)
        if acces.voit("regime"):
            regime = valeurs_du_dossier(dossier_id, acces, {"regime": ("regime",)})["regime"]
            fiche.lignes.append((libelle("regime").libelle, RegimeProtection(regime).label))
        if acces.voit("nb_enfants_pf"):
            nombre = (_ENFANTS_PF.premiere(dossier_id) or {"nombre": 0})["nombre"]
            fiche.lignes.append((libelle("nb_enfants_pf").libelle, str(nombre)))
        return Restitution([fiche])

    return lecteur


_COLONNES_DECLARATION: Colonnes = {
    "trimestre": ("trimestre_debut",),
    "prestation": ("prestation",),
    "date_reception": ("date_reception",),
    "etat": ("etat",),
}
_RENDUS_DECLARATION = {
    "trimestre": lambda d: (
        f"{mois_fr(d['trimestre_debut']).lower()} à {mois_fr(decaler_mois(d['trimestre_debut'], 2)).lower()}"
    ),
    "prestation": lambda d: libelle_prestation(d["prestation"]),
    "date_reception": lambda d: date_fr(d["date_reception"]) or "non reçue",
    "etat": valeur("etat"),
}


def lire_declarations(dossier_id: int, acces: Acces, periode: PeriodeAffichee, jour: date) -> Restitution:
    debut, _ = fenetre_mois(jour, acces.profondeur_mois)

    def construire(dossier_id: int, debut: date):
        declarations = DeclarationRessources.objects.filter(dossier_id=dossier_id, trimestre_debut__gte=debut).order_by(
            "-trimestre_debut"
        )
        return valeurs_accordees(declarations, acces, _COLONNES_DECLARATION)

    declarations = preparee(("declarations", acces), construire, int, date).lignes(dossier_id, debut)
    return Restitution(
        [
            tableau_accorde(
                acces,
                f"Déclarations trimestrielles de ressources ({acces.profondeur_mois} derniers mois)",
                declarations,
                _RENDUS_DECLARATION,
                vide="Aucune déclaration dans cette période.",
            )
        ]
    )
