"""Reading a dossier for one profile: the only code that reads allocataire data.

Each rubrique has a reader that is given the profile's `Acces` (profils.rubriques) and
asks the database only for the columns of the fields granted, over the depth granted;
what it returns holds nothing else, so a template cannot show more than the profile may
see. Every reader runs a fixed number of queries, whatever the length of the histories.

A reading happens in two steps, because the journal must record the period before any
data is read (DESIGN §3, "Journal before data"): `choisir_periode` looks only at dates,
then `lire` reads the rubrique.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Max, Q

from profils.prestations import (
    PRESTATIONS_AFFILIATION_MALADIE,
    PRESTATIONS_AIDE_JURIDICTIONNELLE,
    PRESTATIONS_RMI_API,
    Prestation,
)
from profils.rubriques import Acces, Navigation

from .models import (
    AideLogement,
    Civilite,
    Courrier,
    Creance,
    DeclarationRessources,
    Dossier,
    Droit,
    Logement,
    MesureAccompagnement,
    MinimumSocial,
    Nationalite,
    NaturePaiement,
    NatureQuotient,
    Paiement,
    Personne,
    QuotientFamilial,
    RegimeProtection,
    Ressource,
    Role,
    SensCourrier,
    Situation,
    SituationFamiliale,
    TypeOccupation,
)
from .periodes import (
    code_mois,
    date_fr,
    decaler_mois,
    euros,
    fenetre_mois,
    il_y_a_mois,
    lire_mois,
    mois_fr,
    premier_du_mois,
)

# --- What a reader returns -----------------------------------------------------------------


@dataclass
class Fiche:
    titre: str
    lignes: list[tuple[str, str]]


@dataclass
class Tableau:
    titre: str
    colonnes: list[str]
    lignes: list[list[str]]
    total: list[str] | None = None
    vide: str = "Aucune information."


@dataclass
class Periode:
    """The period shown, and the links to its neighbours within the depth granted."""

    code: str = ""  # for the journal and the URL: "2026-10", "2024", ""
    libelle: str = ""
    parametre: str = ""  # "mois" or "annee"
    precedent: str | None = None
    suivant: str | None = None
    avertissement: str = ""


@dataclass
class Restitution:
    blocs: list = field(default_factory=list)


def _tableau_des_champs(acces: Acces, titre: str, lignes: list[dict], vide: str) -> Tableau:
    """A table of the rubrique's granted fields, in the catalogue's order; each row a dict
    holding at least those fields (the others, never granted, are not shown)."""
    colonnes = [c for c in acces.rubrique.champs if acces.voit(c.code)]
    rangees = [[ligne[c.code] for c in colonnes] for ligne in lignes]
    return Tableau(titre, [c.libelle for c in colonnes], rangees, vide=vide)


def _oui_non(valeur: bool) -> str:
    return "oui" if valeur else "non"


def _libelle_prestation(code: str) -> str:
    return Prestation(code).label if code in Prestation.values else code


# --- Periods -------------------------------------------------------------------------------

# The dated facts behind each month-by-month rubrique: model, date column, extra filter.
_SOURCES_MENSUELLES = {
    "paiements": (Paiement, "date_paiement", {}),
    "droits": (Droit, "mois", {}),
    "qf-cnaf": (QuotientFamilial, "mois", {"nature": NatureQuotient.CNAF}),
    "qf-caf": (QuotientFamilial, "mois", {"nature": NatureQuotient.CAF}),
    "attestation-paiement": (Paiement, "periode", {}),
}


def _filtre_prestations(acces: Acces) -> dict:
    return {"prestation__in": sorted(acces.prestations)} if acces.prestations is not None else {}


def choisir_periode(dossier_id: int, acces: Acces, demande: dict, jour: date) -> Periode:
    """The period to show: the one asked for if the depth allows it, else the latest known."""
    if acces.navigation == Navigation.MOIS:
        return _periode_mensuelle(dossier_id, acces, demande.get("mois"), jour)
    if acces.navigation == Navigation.ANNEE:
        return _periode_annuelle(dossier_id, acces, demande.get("annee"))
    if acces.profondeur_mois:
        return Periode(code=f"{acces.profondeur_mois} derniers mois")
    return Periode()


def _periode_mensuelle(dossier_id: int, acces: Acces, demande: str | None, jour: date) -> Periode:
    debut, fin = fenetre_mois(jour, acces.profondeur_mois)
    modele, colonne, filtre = _SOURCES_MENSUELLES[acces.rubrique.code]
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
        dernier = modele.objects.filter(
            dossier_id=dossier_id,
            **{f"{colonne}__gte": debut, f"{colonne}__lt": decaler_mois(fin, 1)},
            **filtre,
            **(_filtre_prestations(acces) if modele in (Paiement, Droit) else {}),
        ).aggregate(dernier=Max(colonne))["dernier"]
        mois = premier_du_mois(dernier) if dernier else fin
    return Periode(
        code=code_mois(mois),
        libelle=mois_fr(mois),
        parametre="mois",
        precedent=code_mois(decaler_mois(mois, -1)) if mois > debut else None,
        suivant=code_mois(decaler_mois(mois, 1)) if mois < fin else None,
        avertissement=avertissement,
    )


def _annees_par_nature(dossier_id: int, acces: Acces) -> dict[bool, list[int]]:
    """ "Les trois dernières années connues" (01-…, rubrique Ressources), counted apart for the
    annual resources (False) and for the quarterly ones (True), which are the more recent."""
    annees = {}
    for accorde, trimestrielles in (("annuelles", False), ("trimestrielles", True)):
        if acces.voit(accorde):
            connues = (
                Ressource.objects.filter(dossier_id=dossier_id, trimestre__isnull=not trimestrielles)
                .values_list("annee", flat=True)
                .distinct()
                .order_by("-annee")
            )
            annees[trimestrielles] = list(connues[: acces.profondeur_annees])
    return annees


def _annees_connues(dossier_id: int, acces: Acces) -> list[int]:
    return sorted({a for liste in _annees_par_nature(dossier_id, acces).values() for a in liste}, reverse=True)


def _periode_annuelle(dossier_id: int, acces: Acces, demande: str | None) -> Periode:
    annees = _annees_connues(dossier_id, acces)
    if not annees:
        return Periode(parametre="annee", libelle="Aucune ressource connue")
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
    return Periode(
        code=str(annee),
        libelle=f"Année {annee}",
        parametre="annee",
        precedent=str(annees[index + 1]) if index + 1 < len(annees) else None,
        suivant=str(annees[index - 1]) if index > 0 else None,
        avertissement=avertissement,
    )


# --- The header of every rubrique ----------------------------------------------------------


def entete(dossier_id: int) -> list[str]:
    """ "Madame LAURENCE XXXXXX - responsable du dossier", then the conjoint (manual, annexe 4).

    The numéro, the names and the indication of the responsable are given to every profile
    (01-…, 02-… annexe 3, 04-…)."""
    adultes = Personne.objects.filter(dossier_id=dossier_id, role__in=[Role.RESPONSABLE, Role.CONJOINT]).only(
        "role", "civilite", "prenom", "nom"
    )
    lignes = []
    for personne in sorted(adultes, key=lambda p: p.role != Role.RESPONSABLE):
        suffixe = " - responsable du dossier" if personne.role == Role.RESPONSABLE else ""
        lignes.append(personne.appellation + suffixe)
    return lignes


# --- The readers ---------------------------------------------------------------------------


def _valeurs_dossier(dossier_id: int, *colonnes: str) -> dict:
    return Dossier.objects.filter(pk=dossier_id).values(*colonnes).get()


def _adultes(dossier_id: int, *colonnes: str):
    return (
        Personne.objects.filter(dossier_id=dossier_id, role__in=[Role.RESPONSABLE, Role.CONJOINT])
        .order_by("-role")  # responsable, then conjoint
        .values("role", "civilite", *colonnes)
    )


def _qui(adulte: dict) -> str:
    return Civilite(adulte["civilite"]).label if adulte["civilite"] else Role(adulte["role"]).label


def _paiements(dossier_id: int, acces: Acces, periode: Periode, jour: date) -> Restitution:
    mois = lire_mois(periode.code)
    colonnes_db = {"date_paiement", "periode", "type", "etat", "destinataire", "prestation", "montant", "nature"}
    if acces.voit("recuperation"):
        colonnes_db.add("montant_recupere")
    lignes = (
        Paiement.objects.filter(
            dossier_id=dossier_id,
            date_paiement__gte=mois,
            date_paiement__lt=decaler_mois(mois, 1),
            **_filtre_prestations(acces),
        )
        .order_by("date_paiement", "periode", "id")
        .values(*colonnes_db)
    )
    # One payment = the prestations paid together, on the same date, for the same period, to the
    # same recipient: the columns that identify a payment are read for every profile that has
    # the rubrique, but only the granted ones are put on the page.
    groupes: dict[tuple, list[dict]] = defaultdict(list)
    for ligne in lignes:
        cle = (ligne["date_paiement"], ligne["periode"], ligne["type"], ligne["etat"], ligne["destinataire"])
        groupes[cle].append(ligne)
    rangees = []
    for (date_paiement, periode_payee, type_, etat, destinataire), prestations in groupes.items():
        valeurs = {
            "periode": mois_fr(periode_payee),
            "type_paiement": dict(Paiement._meta.get_field("type").choices)[type_],
            "etat_paiement": dict(Paiement._meta.get_field("etat").choices)[etat],
            "date_paiement": ("Émis le " if etat == "emis" else "Traité le ") + date_fr(date_paiement),
            "prestations": "\n".join(
                f"{_libelle_prestation(p['prestation'])}"
                + (" (rappel)" if p["nature"] == NaturePaiement.RAPPEL else "")
                + f" : {euros(p['montant'])}"
                for p in prestations
            ),
            "montant_total": euros(sum(p["montant"] for p in prestations)),
            "recuperation": euros(sum(p.get("montant_recupere", 0) for p in prestations)),
            "destinataire": destinataire or "Allocataire",
        }
        rangees.append(valeurs)
    return Restitution(
        [
            _tableau_des_champs(
                acces,
                f"Paiements traités ou émis en {periode.libelle.lower()}",
                rangees,
                vide="Aucun paiement ce mois-ci.",
            )
        ]
    )


@dataclass(frozen=True)
class DemandeAideJuridictionnelle:
    date_demande: date
    mode: str


MODES_AIDE_JURIDICTIONNELLE = {
    "annee_precedente": "L'année civile qui précède la demande",
    "douze_mois": "Les 12 mois qui précèdent la demande",
    "annee_en_cours": "Les mois de l'année en cours qui précèdent la demande",
}


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
        lignes = Paiement.objects.filter(
            dossier_id=dossier_id,
            prestation__in=sorted(PRESTATIONS_AIDE_JURIDICTIONNELLE & (acces.prestations or set())),
            date_paiement__gte=mois[0],
            date_paiement__lt=decaler_mois(mois[-1], 1),
        ).values("date_paiement", "periode", "montant", "etat")
        for ligne in lignes:
            cellule = par_mois[premier_du_mois(ligne["date_paiement"])]
            cellule["montant"] += ligne["montant"]
            cellule["dates"].add((ligne["date_paiement"], ligne["etat"]))
            cellule["periodes"].add(ligne["periode"])
    rangees, cumul = [], 0
    for m in mois:
        cellule = par_mois[m]
        cumul += cellule["montant"]
        emissions = ", ".join(
            ("Émis le " if etat == "emis" else "Traité le ") + date_fr(d) for d, etat in sorted(cellule["dates"])
        )
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


def _dossier(dossier_id: int, acces: Acces, periode: Periode, jour: date) -> Restitution:
    colonnes = {"situation", "situation_depuis", "motif_radiation"} if acces.voit("situation_dossier") else set()
    if acces.voit("suspension"):
        colonnes.add("suspendu_depuis")
    if acces.voit("situation_familiale"):
        colonnes |= {"situation_familiale", "situation_familiale_depuis"}
    if acces.voit("surendettement"):
        colonnes.add("surendettement")
    if acces.voit("references_bancaires"):
        colonnes.add("references_bancaires")
    d = _valeurs_dossier(dossier_id, *colonnes) if colonnes else {}
    fiche = Fiche("Dossier", [])
    libelle = acces.rubrique.champ
    if acces.voit("situation_dossier"):
        situation = f"{Situation(d['situation']).label} depuis le {date_fr(d['situation_depuis'])}"
        if d["situation"] == Situation.RADIE and d["motif_radiation"]:
            situation += f" — motif : {d['motif_radiation']}"
        fiche.lignes.append((libelle("situation_dossier").libelle, situation))
    if acces.voit("suspension"):
        suspension = f"depuis le {date_fr(d['suspendu_depuis'])}" if d["suspendu_depuis"] else "non suspendu"
        fiche.lignes.append((libelle("suspension").libelle, suspension))
    if acces.voit("situation_familiale"):
        fiche.lignes.append(
            (
                libelle("situation_familiale").libelle,
                f"{SituationFamiliale(d['situation_familiale']).label} depuis le "
                f"{date_fr(d['situation_familiale_depuis'])}",
            )
        )
    if acces.voit("nb_enfants_pf") or acces.voit("nb_personnes_logement"):
        comptes = Personne.objects.filter(dossier_id=dossier_id, role__in=[Role.ENFANT, Role.AUTRE]).aggregate(
            pf=Count("id", filter=Q(charge_pf=True)), logement=Count("id", filter=Q(charge_logement=True))
        )
        if acces.voit("nb_enfants_pf"):
            fiche.lignes.append((libelle("nb_enfants_pf").libelle, str(comptes["pf"])))
        if acces.voit("nb_personnes_logement"):
            fiche.lignes.append((libelle("nb_personnes_logement").libelle, str(comptes["logement"])))
    if acces.voit("qf_cnaf"):
        qf = (
            QuotientFamilial.objects.filter(dossier_id=dossier_id, nature=NatureQuotient.CNAF, mois__lte=jour)
            .order_by("-mois")
            .values("montant", "date_calcul")
            .first()
        )
        valeur = f"{euros(qf['montant'])}, calculé le {date_fr(qf['date_calcul'])}" if qf else "non calculé"
        fiche.lignes.append((libelle("qf_cnaf").libelle, valeur))
    colonnes_adultes = []
    if acces.voit("nationalite"):
        colonnes_adultes.append("nationalite")
    if acces.voit("titre_sejour"):
        colonnes_adultes.append("titre_sejour_fin")
    if acces.voit("avis_cdaph"):
        colonnes_adultes += ["avis_cdaph", "avis_cdaph_debut", "avis_cdaph_fin"]
    if colonnes_adultes:
        for adulte in _adultes(dossier_id, *colonnes_adultes):
            qui = "du responsable dossier" if adulte["role"] == Role.RESPONSABLE else "du conjoint"
            if acces.voit("nationalite") and adulte["nationalite"]:
                fiche.lignes.append((f"Nationalité {qui}", Nationalite(adulte["nationalite"]).label))
            if acces.voit("titre_sejour") and adulte["titre_sejour_fin"]:
                fiche.lignes.append(
                    (f"{libelle('titre_sejour').libelle} de {_qui(adulte)}", date_fr(adulte["titre_sejour_fin"]))
                )
            if acces.voit("avis_cdaph") and adulte["avis_cdaph"]:
                fiche.lignes.append(
                    (
                        f"{libelle('avis_cdaph').libelle} de {_qui(adulte)}",
                        f"{adulte['avis_cdaph']}, valable du {date_fr(adulte['avis_cdaph_debut'])} "
                        f"au {date_fr(adulte['avis_cdaph_fin'])}",
                    )
                )
    if acces.voit("surendettement"):
        fiche.lignes.append(
            (libelle("surendettement").libelle, "surendettement en cours" if d["surendettement"] else "non")
        )
    if acces.voit("references_bancaires"):
        fiche.lignes.append((libelle("references_bancaires").libelle, d["references_bancaires"] or "non renseignées"))
    blocs = [fiche]
    if acces.voit("mesures"):
        depuis = il_y_a_mois(jour, acces.profondeur_mois)
        mesures = (
            MesureAccompagnement.objects.filter(dossier_id=dossier_id)
            .filter(Q(date_fin__isnull=True) | Q(date_fin__gte=depuis))
            .order_by("-date_debut")
            .values("nature", "date_debut", "date_fin", "tuteur")
        )
        blocs.append(
            Tableau(
                libelle("mesures").libelle,
                ["Nature de la mesure", "Début", "Fin", "Tuteur, délégué ou mandataire"],
                [
                    [m["nature"], date_fr(m["date_debut"]), date_fr(m["date_fin"]) or "en cours", m["tuteur"]]
                    for m in mesures
                ],
                vide=f"Aucune mesure dans les {acces.profondeur_mois} derniers mois.",
            )
        )
    return Restitution(blocs)


def _personnes_a_charge(dossier_id: int, acces: Acces, complet: bool) -> list:
    """The children and other dependants; `complet` adds the type of charge, the activity and
    the placement (Famille), which the "Enfants" rubrique of T2 and T3 does not show."""
    colonnes = ["role", "nom", "prenom", "date_naissance"]
    if complet:
        colonnes += ["activite", "charge_pf", "charge_logement", "charge_rsa", "placement_sans_liens"]
    roles = [r for r, champ in ((Role.ENFANT, "enfants"), (Role.AUTRE, "autres_personnes")) if acces.voit(champ)]
    if not roles:
        return []
    personnes = Personne.objects.filter(dossier_id=dossier_id, role__in=roles)
    if not complet:
        # T2 and T3: the dependants only (04-…: "à charge au sens des prestations familiales, du
        # logement, du Rmi/Rsa"); Famille also lists a placed child, with the mention of it.
        personnes = personnes.filter(Q(charge_pf=True) | Q(charge_logement=True) | Q(charge_rsa=True))
    personnes = personnes.values(*colonnes)
    enfants, autres = [], []
    for p in personnes:
        ligne = [p["nom"].upper(), p["prenom"], date_fr(p["date_naissance"])]
        if complet and p["role"] == Role.ENFANT:
            charges = [
                libelle
                for cle, libelle in (
                    ("charge_pf", "prestations familiales"),
                    ("charge_rsa", "RMI ou RSA"),
                    ("charge_logement", "logement"),
                )
                if p[cle]
            ]
            placement = "placé — liens affectifs non maintenus" if p["placement_sans_liens"] else ""
            ligne += [", ".join(charges), p["activite"], placement]
        elif complet:
            ligne.append(p["activite"])
        (enfants if p["role"] == Role.ENFANT else autres).append(ligne)
    blocs = []
    if acces.voit("enfants"):
        colonnes_enfants = ["Nom", "Prénom", "Date de naissance"]
        if complet:
            colonnes_enfants += ["Type de charge", "Activité", "Placement"]
        blocs.append(Tableau("Enfants à charge", colonnes_enfants, enfants, vide="Aucun enfant à charge."))
    if acces.voit("autres_personnes"):
        colonnes_autres = ["Nom", "Prénom", "Date de naissance"] + (["Activité"] if complet else [])
        blocs.append(
            Tableau("Autres personnes à charge", colonnes_autres, autres, vide="Aucune autre personne à charge.")
        )
    return blocs


def _famille(dossier_id: int, acces: Acces, periode: Periode, jour: date) -> Restitution:
    libelle = acces.rubrique.champ
    blocs = []
    colonnes = []
    for champ, cols in (
        ("date_naissance", ["date_naissance"]),
        ("activite", ["activite", "activite_depuis"]),
        ("nom_naissance", ["nom_naissance"]),
        ("nir", ["nir"]),
        ("date_deces", ["date_deces"]),
    ):
        if acces.voit(champ):
            colonnes += cols
    colonnes_dossier = []
    if acces.voit("situation_familiale"):
        colonnes_dossier += ["situation_familiale", "situation_familiale_depuis"]
    if acces.voit("grossesse"):
        colonnes_dossier += ["grossesse_debut", "grossesse_debut_modifiee"]
    if colonnes_dossier:
        d = _valeurs_dossier(dossier_id, *colonnes_dossier)
        fiche = Fiche("Situation familiale", [])
        if acces.voit("situation_familiale"):
            fiche.lignes.append(
                (
                    libelle("situation_familiale").libelle,
                    f"{SituationFamiliale(d['situation_familiale']).label} depuis le "
                    f"{date_fr(d['situation_familiale_depuis'])}",
                )
            )
        if acces.voit("grossesse") and d["grossesse_debut"]:
            valeur = date_fr(d["grossesse_debut"])
            if d["grossesse_debut_modifiee"]:
                valeur += f" (modifiée : {date_fr(d['grossesse_debut_modifiee'])})"
            fiche.lignes.append((libelle("grossesse").libelle, valeur))
        blocs.append(fiche)
    if colonnes:
        for adulte in _adultes(dossier_id, "prenom", "nom", *colonnes):
            fiche = Fiche(f"{_qui(adulte)} {adulte['prenom'].upper()} {adulte['nom'].upper()}", [])
            if acces.voit("date_naissance"):
                fiche.lignes.append((libelle("date_naissance").libelle, date_fr(adulte["date_naissance"])))
            if acces.voit("nom_naissance") and adulte["nom_naissance"]:
                fiche.lignes.append((libelle("nom_naissance").libelle, adulte["nom_naissance"].upper()))
            if acces.voit("nir"):
                fiche.lignes.append((libelle("nir").libelle, adulte["nir"]))
            if acces.voit("activite"):
                activite = adulte["activite"] or "Sans activité"
                if adulte["activite_depuis"]:
                    activite += f" depuis le {date_fr(adulte['activite_depuis'])}"
                fiche.lignes.append((libelle("activite").libelle, activite))
            if acces.voit("date_deces") and adulte["date_deces"]:
                fiche.lignes.append((libelle("date_deces").libelle, date_fr(adulte["date_deces"])))
            blocs.append(fiche)
    blocs += _personnes_a_charge(dossier_id, acces, complet=True)
    return Restitution(blocs)


def _enfants(dossier_id: int, acces: Acces, periode: Periode, jour: date) -> Restitution:
    return Restitution(_personnes_a_charge(dossier_id, acces, complet=False))


def _droits(dossier_id: int, acces: Acces, periode: Periode, jour: date) -> Restitution:
    mois = lire_mois(periode.code)
    droits = (
        Droit.objects.filter(dossier_id=dossier_id, mois=mois, **_filtre_prestations(acces))
        .order_by("prestation")
        .values("prestation", "montant", "suspendu", "inferieur_seuil")
    )
    rangees = []
    for d in droits:
        valeurs = {
            "prestation": _libelle_prestation(d["prestation"]),
            "montant": euros(d["montant"]),
            "suspension": "prestation suspendue" if d["suspendu"] else "",
            "inferieur_seuil": "inférieur à la limite de paiement" if d["inferieur_seuil"] else "",
        }
        rangees.append(valeurs)
    return Restitution(
        [
            _tableau_des_champs(
                acces,
                f"Droits du mois d'effet {periode.libelle.lower()}",
                rangees,
                vide="Aucun droit pour ce mois.",
            )
        ]
    )


_COLONNES_LOGEMENT = {
    "type_occupation": ["type_occupation"],
    "date_occupation": ["date_debut", "date_ouverture_droit"],
    "loyer": ["loyer"],
    "date_reference_loyer": ["date_reference_loyer"],
    "date_bail": ["date_debut_bail"],
    "impaye": ["impaye_depuis"],
    "surpeuplement": ["surpeuplement"],
    "absence_quittance": ["absence_quittance"],
    "bailleur": ["bailleur"],
    "aide": ["aide"],
    "tiers_payant": ["tiers_payant"],
}


def _logement(dossier_id: int, acces: Acces, periode: Periode, jour: date) -> Restitution:
    colonnes = [col for champ, cols in _COLONNES_LOGEMENT.items() if acces.voit(champ) for col in cols]
    libelle = acces.rubrique.champ
    blocs = []
    actuel = (
        Logement.objects.filter(dossier_id=dossier_id, date_fin__isnull=True)
        .order_by("-date_debut")
        .values(*colonnes)
        .first()
        if colonnes
        else None
    )
    if colonnes:
        fiche = Fiche("Logement occupé", [])
        if actuel is None:
            fiche.lignes.append(("Logement", "aucun logement connu"))
        else:
            rendus = {
                "type_occupation": lambda: TypeOccupation(actuel["type_occupation"]).label,
                "date_occupation": lambda: (
                    f"{date_fr(actuel['date_debut'])} / "
                    f"{date_fr(actuel['date_ouverture_droit']) or 'pas de droit ouvert'}"
                ),
                "loyer": lambda: euros(actuel["loyer"]),
                "date_reference_loyer": lambda: date_fr(actuel["date_reference_loyer"]),
                "date_bail": lambda: date_fr(actuel["date_debut_bail"]),
                "impaye": lambda: (
                    f"impayé depuis le {date_fr(actuel['impaye_depuis'])}" if actuel["impaye_depuis"] else "non"
                ),
                "surpeuplement": lambda: _oui_non(actuel["surpeuplement"]),
                "absence_quittance": lambda: _oui_non(actuel["absence_quittance"]),
                "bailleur": lambda: actuel["bailleur"] or "—",
                "aide": lambda: AideLogement(actuel["aide"]).label if actuel["aide"] else "aucune",
                "tiers_payant": lambda: "versée au bailleur" if actuel["tiers_payant"] else "non",
            }
            for champ in _COLONNES_LOGEMENT:
                if acces.voit(champ):
                    fiche.lignes.append((libelle(champ).libelle, rendus[champ]()))
        blocs.append(fiche)
    if acces.voit("adresses_precedentes"):
        depuis = il_y_a_mois(jour, acces.profondeur_mois)
        precedents = (
            Logement.objects.filter(dossier_id=dossier_id, date_fin__gte=depuis)
            .order_by("-date_fin")
            .values("adresse", "date_debut", "date_fin")
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


def _minimum_social(prestations: frozenset[str], titre: str):
    def lecteur(dossier_id: int, acces: Acces, periode: Periode, jour: date) -> Restitution:
        libelle = acces.rubrique.champ
        blocs = []
        if acces.voit("situation_dossier"):
            d = _valeurs_dossier(dossier_id, "situation", "situation_depuis", "motif_radiation")
            lignes = [(libelle("situation_dossier").libelle, f"{Situation(d['situation']).label}")]
            lignes.append(("Depuis le", date_fr(d["situation_depuis"])))
            if d["situation"] == Situation.RADIE:
                lignes.append(("Motif de la radiation", d["motif_radiation"]))
            blocs.append(Fiche(titre, lignes))
        droits = (
            MinimumSocial.objects.filter(dossier_id=dossier_id, prestation__in=sorted(prestations))
            .order_by("-date_debut")
            .values(
                "prestation",
                "socle",
                "demandeur",
                "nb_personnes",
                "date_demande",
                "date_debut",
                "date_fin",
                "motif_fin",
            )
        )
        for droit in droits:
            nom = _libelle_prestation(droit["prestation"]) + (" socle" if droit["socle"] else "")
            fiche = Fiche(nom, [])
            rendus = {
                "prestation": nom,
                "demandeur": Civilite(droit["demandeur"]).label,
                "nb_personnes": str(droit["nb_personnes"]),
                "date_demande": date_fr(droit["date_demande"]),
                "debut_droit": date_fr(droit["date_debut"]),
                "fin_droit": date_fr(droit["date_fin"]) or "Droit en cours",
                "motif_fin": droit["motif_fin"] or "—",
            }
            for champ, valeur in rendus.items():
                if acces.voit(champ):
                    fiche.lignes.append((libelle(champ).libelle, valeur))
            blocs.append(fiche)
        if not droits:
            blocs.append(Fiche(titre, [("Droit", "aucun droit connu")]))
        return Restitution(blocs)

    return lecteur


def _ressources(dossier_id: int, acces: Acces, periode: Periode, jour: date) -> Restitution:
    if not periode.code:
        return Restitution([Fiche("Ressources", [("Ressources", "aucune ressource connue")])])
    annee = int(periode.code)
    # Each nature only within its own three last known years.
    natures = [t for t, annees in _annees_par_nature(dossier_id, acces).items() if annee in annees]
    lignes = Ressource.objects.filter(dossier_id=dossier_id, annee=annee)
    if natures == [False]:
        lignes = lignes.filter(trimestre__isnull=True)
    elif natures == [True]:
        lignes = lignes.filter(trimestre__isnull=False)
    elif not natures:
        lignes = lignes.none()
    groupes: dict[tuple, list] = defaultdict(list)
    for r in lignes.order_by("trimestre", "type_personne", "id").values(
        "trimestre", "type_personne", "nature", "montant"
    ):
        groupes[(r["trimestre"] or 0, r["type_personne"])].append(r)
    colonnes = [acces.rubrique.champ(c).libelle for c in ("nature", "montant") if acces.voit(c)]
    blocs = []
    for (trimestre, personne), ressources in sorted(groupes.items()):
        qui = f"de {personne}" if acces.voit("type_personne") else ""
        if trimestre:
            rang = "1er" if trimestre == 1 else f"{trimestre}e"
            titre = f"Ressources trimestrielles {qui} — {rang} trimestre {annee}"
        else:
            titre = f"Ressources {qui} pour l'année {annee}"
        rangees = [
            [v for c, v in (("nature", r["nature"]), ("montant", euros(r["montant"]))) if acces.voit(c)]
            for r in ressources
        ]
        blocs.append(Tableau(" ".join(titre.split()), colonnes, rangees))
    if not blocs:
        blocs.append(Fiche("Ressources", [("Ressources", f"aucune ressource connue pour {annee}")]))
    return Restitution(blocs)


def _creances(dossier_id: int, acces: Acces, periode: Periode, jour: date) -> Restitution:
    rangees = []
    for c in Creance.objects.filter(dossier_id=dossier_id).order_by("-periode_debut").values():
        valeurs = {
            "nature": c["nature"],
            "destinataire": c["destinataire"],
            "montant_initial": euros(c["montant_initial"]),
            "remboursement": c["remboursement"],
            "solde": euros(c["solde"]),
            "etat": c["etat"] + (f" — {c['motif']}" if c["motif"] else ""),
            "periode": f"du {date_fr(c['periode_debut'])} au {date_fr(c['periode_fin'])}",
        }
        rangees.append(valeurs)
    return Restitution([_tableau_des_champs(acces, "Créances", rangees, vide="Aucune créance.")])


def _quotient(nature: str):
    def lecteur(dossier_id: int, acces: Acces, periode: Periode, jour: date) -> Restitution:
        libelle = acces.rubrique.champ
        qf = (
            QuotientFamilial.objects.filter(dossier_id=dossier_id, nature=nature, mois=lire_mois(periode.code))
            .values("montant", "date_calcul", "nb_parts", "ressources_psu")
            .first()
        )
        fiche = Fiche(f"{NatureQuotient(nature).label} — {periode.libelle}", [])
        if qf is None:
            fiche.lignes.append(("Quotient familial", "non calculé pour ce mois"))
        else:
            for champ, valeur in (
                ("montant", euros(qf["montant"])),
                ("date_calcul", date_fr(qf["date_calcul"])),
                ("nb_parts", f"{qf['nb_parts']:n}".replace(".", ",")),
                ("ressources_psu", euros(qf["ressources_psu"]) if qf["ressources_psu"] is not None else "—"),
            ):
                if acces.voit(champ):
                    fiche.lignes.append((libelle(champ).libelle, valeur))
        if acces.voit("regime"):
            regime = _valeurs_dossier(dossier_id, "regime")["regime"]
            fiche.lignes.append((libelle("regime").libelle, RegimeProtection(regime).label))
        if acces.voit("nb_enfants_pf"):
            nombre = Personne.objects.filter(dossier_id=dossier_id, role=Role.ENFANT, charge_pf=True).count()
            fiche.lignes.append((libelle("nb_enfants_pf").libelle, str(nombre)))
        return Restitution([fiche])

    return lecteur


def _periodes_continues(mois: list[date]) -> list[tuple[date, date]]:
    periodes: list[list[date]] = []
    for m in sorted(mois):
        if periodes and decaler_mois(periodes[-1][1], 1) == m:
            periodes[-1][1] = m
        else:
            periodes.append([m, m])
    return [(debut, fin) for debut, fin in periodes]


def _maladie_maternite(dossier_id: int, acces: Acces, periode: Periode, jour: date) -> Restitution:
    """The months of right to the prestations that open sickness and maternity insurance
    (05-…, T6: Api, Aah, Ape à taux plein, Clca, Ajpp), as continuous periods."""
    debut, fin = fenetre_mois(jour, acces.profondeur_mois)
    mois_par_prestation: dict[str, list[date]] = defaultdict(list)
    for d in Droit.objects.filter(
        dossier_id=dossier_id,
        prestation__in=sorted(PRESTATIONS_AFFILIATION_MALADIE),
        mois__gte=debut,
        mois__lte=fin,
        suspendu=False,
    ).values("prestation", "mois"):
        mois_par_prestation[d["prestation"]].append(d["mois"])
    rangees = []
    for prestation, mois in sorted(mois_par_prestation.items()):
        for premier, dernier in _periodes_continues(mois):
            fin_texte = "en cours" if dernier == fin else mois_fr(dernier).lower()
            rangees.append([_libelle_prestation(prestation), f"de {mois_fr(premier).lower()} à {fin_texte}"])
    colonnes = [c.libelle for c in acces.rubrique.champs if acces.voit(c.code)]
    return Restitution(
        [
            Tableau(
                f"Prestations ouvrant droit à l'assurance maladie, maternité ({acces.profondeur_mois} derniers mois)",
                colonnes,
                rangees,
                vide="Aucune prestation ouvrant droit dans cette période.",
            )
        ]
    )


def _cmu(dossier_id: int, acces: Acces, periode: Periode, jour: date) -> Restitution:
    """The Rsa socle or Rmi rights that give the automatic right to the Cmu (05-…, T5 and T6)."""
    depuis = il_y_a_mois(jour, acces.profondeur_mois)
    droits = (
        MinimumSocial.objects.filter(dossier_id=dossier_id)
        .filter(Q(prestation=Prestation.RSA, socle=True) | Q(prestation=Prestation.RMI))
        .filter(Q(date_fin__isnull=True) | Q(date_fin__gte=depuis))
        .order_by("-date_debut")
        .values("prestation", "date_debut", "date_fin")
    )
    rangees = [
        [
            "Rsa socle" if d["prestation"] == Prestation.RSA else "Rmi",
            date_fr(d["date_debut"]),
            date_fr(d["date_fin"]) or "Droit en cours",
        ]
        for d in droits
    ]
    en_cours = any(d["date_fin"] is None for d in droits)
    return Restitution(
        [
            Fiche(
                "Droit automatique à la Cmu et à la Cmu complémentaire",
                [("Au titre du Rsa socle ou du Rmi", "oui, droit en cours" if en_cours else "non")],
            ),
            Tableau(
                f"Droits Rsa socle ou Rmi ({acces.profondeur_mois} derniers mois)",
                [c.libelle for c in acces.rubrique.champs if acces.voit(c.code)],
                rangees,
                vide="Aucun droit au Rsa socle ou au Rmi dans cette période.",
            ),
        ]
    )


COLONNES_ADRESSE = ("adresse_complement", "adresse_voie", "code_postal", "commune")


def _adresse_postale(d: dict) -> str:
    """The dossier's postal address, one line each, "16000 ANGOULEME" last (manual, Adresse)."""
    lignes = (d["adresse_complement"], d["adresse_voie"], f"{d['code_postal']} {d['commune'].upper()}")
    return "\n".join(ligne for ligne in lignes if ligne)


def _adresse(dossier_id: int, acces: Acces, periode: Periode, jour: date) -> Restitution:
    colonnes = []
    if acces.voit("adresse"):
        colonnes += COLONNES_ADRESSE
    if acces.voit("code_insee"):
        colonnes.append("code_insee")
    d = _valeurs_dossier(dossier_id, *colonnes)
    lignes = []
    if acces.voit("adresse"):
        lignes.append((acces.rubrique.champ("adresse").libelle, _adresse_postale(d)))
    if acces.voit("code_insee"):
        lignes.append((acces.rubrique.champ("code_insee").libelle, d["code_insee"]))
    return Restitution([Fiche("Adresse du dossier", lignes)])


PRESTATIONS_FAMILIALES = frozenset(Prestation.values) - {
    Prestation.RSA,
    Prestation.RMI,
    Prestation.AAH,
    Prestation.CR_AAH,
    Prestation.MVA,
    Prestation.PPA,
}


def _residence(dossier_id: int, acces: Acces, periode: Periode, jour: date) -> Restitution:
    """What justifies the residence in France of a Cmu applicant who receives prestations
    familiales (05-…, T6): the address, since when, and the prestations of the last month."""
    libelle = acces.rubrique.champ
    lignes = []
    if acces.voit("adresse"):
        d = _valeurs_dossier(dossier_id, *COLONNES_ADRESSE)
        lignes.append((libelle("adresse").libelle, _adresse_postale(d)))
    if acces.voit("depuis"):
        actuel = (
            Logement.objects.filter(dossier_id=dossier_id, date_fin__isnull=True)
            .order_by("-date_debut")
            .values("date_debut")
            .first()
        )
        lignes.append((libelle("depuis").libelle, date_fr(actuel["date_debut"]) if actuel else "non connu"))
    if acces.voit("prestations_familiales"):
        debut, fin = fenetre_mois(jour, 3)
        prestations = (
            Droit.objects.filter(
                dossier_id=dossier_id,
                prestation__in=sorted(PRESTATIONS_FAMILIALES),
                mois__gte=debut,
                mois__lte=fin,
                suspendu=False,
            )
            .values_list("prestation", flat=True)
            .distinct()
        )
        noms = sorted(_libelle_prestation(p) for p in prestations)
        lignes.append(
            (
                libelle("prestations_familiales").libelle + " (3 derniers mois)",
                ", ".join(noms) if noms else "aucune prestation familiale",
            )
        )
    return Restitution([Fiche("Résidence en France", lignes)])


def _attestation(dossier_id: int, acces: Acces, periode: Periode, jour: date) -> Restitution:
    """The prestations paid for one month, as the Caf's attestation de paiement lists them."""
    mois = lire_mois(periode.code)
    montants: dict[str, int] = defaultdict(int)
    for p in Paiement.objects.filter(dossier_id=dossier_id, periode=mois).values("prestation", "montant"):
        montants[p["prestation"]] += p["montant"]
    rangees = [[_libelle_prestation(p), euros(m)] for p, m in sorted(montants.items())]
    total = euros(sum(montants.values()))
    tableau = Tableau(
        f"Prestations versées au titre du mois de {periode.libelle.lower()}",
        ["Prestation", "Montant"],
        rangees if acces.voit("prestations") else [],
        total=["Montant total", total] if acces.voit("montant_total") else None,
        vide="Aucune prestation versée au titre de ce mois.",
    )
    return Restitution([tableau])


def _courrier(dossier_id: int, acces: Acces, periode: Periode, jour: date) -> Restitution:
    depuis = il_y_a_mois(jour, acces.profondeur_mois)
    rangees = []
    for c in (
        Courrier.objects.filter(dossier_id=dossier_id, date__gte=depuis)
        .order_by("-date")
        .values("sens", "type_courrier", "date", "etat", "date_traitement")
    ):
        valeurs = {
            "sens": SensCourrier(c["sens"]).label,
            "type_courrier": c["type_courrier"],
            "date_reception": date_fr(c["date"]),
            "etat": c["etat"],
            "date_traitement": date_fr(c["date_traitement"]),
        }
        rangees.append(valeurs)
    return Restitution(
        [
            _tableau_des_champs(
                acces,
                f"Courriers des {acces.profondeur_mois} derniers mois",
                rangees,
                vide="Aucun courrier dans les deux derniers mois.",
            )
        ]
    )


def _declarations(dossier_id: int, acces: Acces, periode: Periode, jour: date) -> Restitution:
    debut, _ = fenetre_mois(jour, acces.profondeur_mois)
    rangees = []
    for d in (
        DeclarationRessources.objects.filter(dossier_id=dossier_id, trimestre_debut__gte=debut)
        .order_by("-trimestre_debut")
        .values("trimestre_debut", "prestation", "date_reception", "etat")
    ):
        fin = decaler_mois(d["trimestre_debut"], 2)
        valeurs = {
            "trimestre": f"{mois_fr(d['trimestre_debut']).lower()} à {mois_fr(fin).lower()}",
            "prestation": _libelle_prestation(d["prestation"]),
            "date_reception": date_fr(d["date_reception"]) or "non reçue",
            "etat": d["etat"],
        }
        rangees.append(valeurs)
    return Restitution(
        [
            _tableau_des_champs(
                acces,
                f"Déclarations trimestrielles de ressources ({acces.profondeur_mois} derniers mois)",
                rangees,
                vide="Aucune déclaration dans cette période.",
            )
        ]
    )


LECTEURS = {
    "paiements": _paiements,
    "dossier": _dossier,
    "famille": _famille,
    "enfants": _enfants,
    "droits": _droits,
    "logement": _logement,
    "rmi-api": _minimum_social(PRESTATIONS_RMI_API, "Rmi - Api"),
    "rsa": _minimum_social(frozenset({Prestation.RSA}), "Rsa"),
    "ressources": _ressources,
    "creances": _creances,
    "qf-cnaf": _quotient(NatureQuotient.CNAF),
    "qf-caf": _quotient(NatureQuotient.CAF),
    "maladie-maternite": _maladie_maternite,
    "cmu": _cmu,
    "cmuc-ressources": _ressources,
    "residence": _residence,
    "adresse": _adresse,
    "attestation-paiement": _attestation,
    "courrier": _courrier,
    "declaration-ressources": _declarations,
}


def lire(dossier_id: int, acces: Acces, periode: Periode, jour: date) -> Restitution:
    return LECTEURS[acces.rubrique.code](dossier_id, acces, periode, jour)
