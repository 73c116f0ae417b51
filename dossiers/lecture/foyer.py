"""The dossier and its household: the header of every rubrique, Dossier, Famille, Enfants, Courrier."""

from datetime import date

from django.db.models import Count, Q

from dossiers.models import (
    Civilite,
    Courrier,
    MesureAccompagnement,
    Nationalite,
    NatureQuotient,
    Personne,
    QuotientFamilial,
    RoleDansLeFoyer,
    SensCourrier,
    Situation,
    SituationFamiliale,
)
from preparees import Preparee, preparee
from profils.rubriques import Acces

from .calendrier import il_y_a_mois
from .champs import Colonnes, colonnes_accordees, tableau_accorde, valeur, valeurs_accordees, valeurs_du_dossier
from .formats import date_fr, euros
from .periode import PeriodeAffichee
from .restitution import Fiche, Restitution, Tableau

# Prepared once (preparees/): every page of a dossier shows it.
_ENTETE = Preparee(
    lambda dossier_id: Personne.objects.filter(
        dossier_id=dossier_id, role__in=[RoleDansLeFoyer.RESPONSABLE, RoleDansLeFoyer.CONJOINT]
    ).only("role", "civilite", "prenom", "nom"),
    int,
)


def entete(dossier_id: int) -> list[str]:
    """ "Madame LAURENCE XXXXXX - responsable du dossier", then the conjoint (manual, annexe 4).

    The numéro, the names and the indication of the responsable are given to every profile
    (01-…, 02-… annexe 3, 04-…)."""
    lignes = []
    for personne in sorted(_ENTETE.lignes(dossier_id), key=lambda p: p.role != RoleDansLeFoyer.RESPONSABLE):
        suffixe = " - responsable du dossier" if personne.role == RoleDansLeFoyer.RESPONSABLE else ""
        lignes.append(personne.appellation + suffixe)
    return lignes


def _adultes(dossier_id: int, acces: Acces, par_champ: Colonnes, *toujours: str) -> list[dict]:
    """The responsable then the conjoint, with the columns of the granted fields of `par_champ`;
    prepared once per set of columns (preparees/), which is all the query depends on."""
    colonnes = tuple(colonnes_accordees(acces, par_champ, "role", "civilite", *toujours))
    if not colonnes:
        return []  # as `valeurs_accordees`: no field granted, no query and no row

    def construire(dossier_id: int):
        return (
            Personne.objects.filter(
                dossier_id=dossier_id, role__in=[RoleDansLeFoyer.RESPONSABLE, RoleDansLeFoyer.CONJOINT]
            )
            .order_by("-role")  # responsable, then conjoint
            .values(*colonnes)
        )

    return preparee(("foyer.adultes", colonnes), construire, int).lignes(dossier_id)


def _qui(adulte: dict) -> str:
    return Civilite(adulte["civilite"]).label if adulte["civilite"] else RoleDansLeFoyer(adulte["role"]).label


_COLONNES_DOSSIER: Colonnes = {
    "situation_dossier": ("situation", "situation_depuis", "motif_radiation"),
    "suspension": ("suspendu_depuis",),
    "situation_familiale": ("situation_familiale", "situation_familiale_depuis"),
    "surendettement": ("surendettement",),
    "references_bancaires": ("references_bancaires",),
}
_COLONNES_ADULTES_DOSSIER: Colonnes = {
    "nationalite": ("nationalite",),
    "titre_sejour": ("titre_sejour_fin",),
    "avis_cdaph": ("avis_cdaph", "avis_cdaph_debut", "avis_cdaph_fin"),
}


# The dependants counted by type of charge (Dossier rubrique): grouped by the dossier rather than
# aggregated, so that the prepared query reads a dict (one row, none without any dependant).
_COMPTES_A_CHARGE = Preparee(
    lambda dossier_id: (
        Personne.objects.filter(dossier_id=dossier_id, role__in=[RoleDansLeFoyer.ENFANT, RoleDansLeFoyer.AUTRE])
        .order_by()
        .values("dossier_id")
        .annotate(pf=Count("id", filter=Q(charge_pf=True)), logement=Count("id", filter=Q(charge_logement=True)))
    ),
    int,
)
# The latest QF Cnaf calculated by `jour` (Dossier rubrique).
_QF_CNAF = Preparee(
    lambda dossier_id, jour: (
        QuotientFamilial.objects.filter(dossier_id=dossier_id, nature=NatureQuotient.CNAF, mois__lte=jour)
        .order_by("-mois")
        .values("montant", "date_calcul")[:1]
    ),
    int,
    date,
)


def _situation_familiale(d: dict) -> str:
    return f"{SituationFamiliale(d['situation_familiale']).label} depuis le {date_fr(d['situation_familiale_depuis'])}"


def lire_dossier(dossier_id: int, acces: Acces, periode: PeriodeAffichee, jour: date) -> Restitution:
    d = valeurs_du_dossier(dossier_id, acces, _COLONNES_DOSSIER)
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
        fiche.lignes.append((libelle("situation_familiale").libelle, _situation_familiale(d)))
    if acces.voit("nb_enfants_pf") or acces.voit("nb_personnes_logement"):
        comptes = _COMPTES_A_CHARGE.premiere(dossier_id) or {"pf": 0, "logement": 0}
        if acces.voit("nb_enfants_pf"):
            fiche.lignes.append((libelle("nb_enfants_pf").libelle, str(comptes["pf"])))
        if acces.voit("nb_personnes_logement"):
            fiche.lignes.append((libelle("nb_personnes_logement").libelle, str(comptes["logement"])))
    if acces.voit("qf_cnaf"):
        qf = _QF_CNAF.premiere(dossier_id, jour)
        valeur_qf = f"{euros(qf['montant'])}, calculé le {date_fr(qf['date_calcul'])}" if qf else "non calculé"
        fiche.lignes.append((libelle("qf_cnaf").libelle, valeur_qf))
    for adulte in _adultes(dossier_id, acces, _COLONNES_ADULTES_DOSSIER):
        qui = "du responsable dossier" if adulte["role"] == RoleDansLeFoyer.RESPONSABLE else "du conjoint"
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
    blocs: list[Fiche | Tableau] = [fiche]
    if acces.voit("mesures"):

        def construire(dossier_id: int, depuis: date):
            mesures = (
                MesureAccompagnement.objects.filter(dossier_id=dossier_id)
                .filter(Q(date_fin__isnull=True) | Q(date_fin__gte=depuis))
                .order_by("-date_debut")
            )
            return valeurs_accordees(mesures, acces, {"mesures": ("nature", "date_debut", "date_fin", "tuteur")})

        mesures = preparee(("foyer.mesures", acces), construire, int, date).lignes(
            dossier_id, il_y_a_mois(jour, acces.profondeur_mois)
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


# The dependants of the Famille rubrique: the type of charge and the placement too, and their
# activity when the profile has the field "activite" (the adults' and the dependants' alike);
# those of the "Enfants" rubrique of T2 and T3: the name and the date of birth only.
_COLONNES_A_CHARGE_FAMILLE: Colonnes = {
    "enfants": (
        "nom",
        "prenom",
        "date_naissance",
        "charge_pf",
        "charge_logement",
        "charge_rsa",
        "placement_sans_liens",
    ),
    "autres_personnes": ("nom", "prenom", "date_naissance"),
    "activite": ("activite",),
}
_COLONNES_A_CHARGE_ENFANTS: Colonnes = {
    "enfants": ("nom", "prenom", "date_naissance"),
    "autres_personnes": ("nom", "prenom", "date_naissance"),
}


def _personnes_a_charge(dossier_id: int, acces: Acces, complet: bool) -> list[Fiche | Tableau]:
    """The children and other dependants; `complet` adds the type of charge, the activity and
    the placement (Famille), which the "Enfants" rubrique of T2 and T3 does not show."""
    roles = [
        r
        for r, champ in ((RoleDansLeFoyer.ENFANT, "enfants"), (RoleDansLeFoyer.AUTRE, "autres_personnes"))
        if acces.voit(champ)
    ]
    colonnes = _COLONNES_A_CHARGE_FAMILLE if complet else _COLONNES_A_CHARGE_ENFANTS

    def construire(dossier_id: int):
        personnes = Personne.objects.filter(dossier_id=dossier_id, role__in=roles)
        if not complet:
            # T2 and T3: the dependants only (04-…: "à charge au sens des prestations familiales, du
            # logement, du Rmi/Rsa"); Famille also lists a placed child, with the mention of it.
            personnes = personnes.filter(Q(charge_pf=True) | Q(charge_logement=True) | Q(charge_rsa=True))
        return valeurs_accordees(personnes, acces, colonnes, "role")

    # Prepared once per access and reader (preparees/): the roles and columns are the profile's.
    lues = preparee(("foyer.a_charge", acces, complet), construire, int).lignes(dossier_id)
    activite = complet and acces.voit("activite")
    enfants, autres = [], []
    for p in lues:
        ligne = [p["nom"].upper(), p["prenom"], date_fr(p["date_naissance"])]
        if complet and p["role"] == RoleDansLeFoyer.ENFANT:
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
            ligne += [", ".join(charges), *([p["activite"]] if activite else []), placement]
        elif activite:
            ligne.append(p["activite"])
        (enfants if p["role"] == RoleDansLeFoyer.ENFANT else autres).append(ligne)
    blocs: list[Fiche | Tableau] = []
    if acces.voit("enfants"):
        colonnes_enfants = ["Nom", "Prénom", "Date de naissance"]
        if complet:
            colonnes_enfants += ["Type de charge", *(["Activité"] if activite else []), "Placement"]
        blocs.append(Tableau("Enfants à charge", colonnes_enfants, enfants, vide="Aucun enfant à charge."))
    if acces.voit("autres_personnes"):
        colonnes_autres = ["Nom", "Prénom", "Date de naissance"] + (["Activité"] if activite else [])
        blocs.append(
            Tableau("Autres personnes à charge", colonnes_autres, autres, vide="Aucune autre personne à charge.")
        )
    return blocs


_COLONNES_DOSSIER_FAMILLE: Colonnes = {
    "situation_familiale": ("situation_familiale", "situation_familiale_depuis"),
    "grossesse": ("grossesse_debut", "grossesse_debut_modifiee"),
}
_COLONNES_ADULTES_FAMILLE: Colonnes = {
    "date_naissance": ("date_naissance",),
    "activite": ("activite", "activite_depuis"),
    "nom_naissance": ("nom_naissance",),
    "nir": ("nir",),
    "date_deces": ("date_deces",),
}


def lire_famille(dossier_id: int, acces: Acces, periode: PeriodeAffichee, jour: date) -> Restitution:
    libelle = acces.rubrique.champ
    blocs: list[Fiche | Tableau] = []
    d = valeurs_du_dossier(dossier_id, acces, _COLONNES_DOSSIER_FAMILLE)
    if d:
        fiche = Fiche("Situation familiale", [])
        if acces.voit("situation_familiale"):
            fiche.lignes.append((libelle("situation_familiale").libelle, _situation_familiale(d)))
        if acces.voit("grossesse") and d["grossesse_debut"]:
            valeur_grossesse = date_fr(d["grossesse_debut"])
            if d["grossesse_debut_modifiee"]:
                valeur_grossesse += f" (modifiée : {date_fr(d['grossesse_debut_modifiee'])})"
            fiche.lignes.append((libelle("grossesse").libelle, valeur_grossesse))
        blocs.append(fiche)
    for adulte in _adultes(dossier_id, acces, _COLONNES_ADULTES_FAMILLE, "prenom", "nom"):
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


def lire_enfants(dossier_id: int, acces: Acces, periode: PeriodeAffichee, jour: date) -> Restitution:
    return Restitution(_personnes_a_charge(dossier_id, acces, complet=False))


_COLONNES_COURRIER: Colonnes = {
    "sens": ("sens",),
    "type_courrier": ("type_courrier",),
    "date_reception": ("date",),
    "etat": ("etat",),
    "date_traitement": ("date_traitement",),
}
_RENDUS_COURRIER = {
    "sens": lambda c: SensCourrier(c["sens"]).label,
    "type_courrier": valeur("type_courrier"),
    "date_reception": lambda c: date_fr(c["date"]),
    "etat": valeur("etat"),
    "date_traitement": lambda c: date_fr(c["date_traitement"]),
}


def lire_courrier(dossier_id: int, acces: Acces, periode: PeriodeAffichee, jour: date) -> Restitution:

    def construire(dossier_id: int, depuis: date):
        courriers = Courrier.objects.filter(dossier_id=dossier_id, date__gte=depuis).order_by("-date")
        return valeurs_accordees(courriers, acces, _COLONNES_COURRIER)

    courriers = preparee(("foyer.courrier", acces), construire, int, date).lignes(
        dossier_id, il_y_a_mois(jour, acces.profondeur_mois)
    )
    return Restitution(
        [
            tableau_accorde(
                acces,
                f"Courriers des {acces.profondeur_mois} derniers mois",
                courriers,
                _RENDUS_COURRIER,
                vide="Aucun courrier dans les deux derniers mois.",
            )
        ]
    )
