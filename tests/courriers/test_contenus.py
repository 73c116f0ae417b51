"""The content of the documents the Caf issues (conventions.courriers, habilitations.courriers).

Sources: `02-…` annexe 3 (model letter, demande d'accès, "Ouverture des droits de consultation",
demande de suppression, model convention, annexe PROFIL T12); `04-…` (envoi letter, convention
"Cafpro", annexe PROFIL T2, annexe "Partage des données dans le domaine social", forms);
`01-…` art. 4 (a new password is notified before it is put into service); `03-…` art. 3 (lost
or stolen codes: a new habilitation).
"""

from datetime import date

import pytest
from django.conf import settings

from conventions import courriers as cv
from habilitations import courriers as hb
from profils.rubriques import acces, rubriques_du_profil
from tests.factories import (
    MOT_DE_PASSE_PARTENAIRE,
    ConventionFactory,
    HabilitationFactory,
    PartenaireFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

LE = date(2026, 5, 3)


def chaines(valeur):
    if isinstance(valeur, str):
        yield valeur
    elif isinstance(valeur, dict):
        for cle, v in valeur.items():
            if cle != "type":
                yield from chaines(v)
    elif isinstance(valeur, list | tuple):
        for v in valeur:
            yield from chaines(v)


def texte(blocs) -> str:
    return "\n".join(chaines(blocs))


def valide(titre, blocs):
    """The blocks are in the format documents.blocs stores (when that app is present)."""
    formats = pytest.importorskip("documents.blocs")
    if titre is not None:
        assert formats.valider_titre(titre) == titre
    assert formats.valider(blocs) == blocs
    return blocs


def du_type(blocs, genre):
    return [b for b in blocs if b["type"] == genre]


def annexe_profil(blocs):
    """The blocks of the annex « Profil d'accès », up to the next page break."""
    debut = next(i for i, b in enumerate(blocs) if b["type"] == "titre" and b["texte"].startswith("Profil d'accès"))
    fin = next((i for i in range(debut, len(blocs)) if blocs[i]["type"] == "saut_de_page"), len(blocs))
    return blocs[debut:fin]


def rubriques_de_l_annexe(blocs) -> dict[str, list[str]]:
    """{rubrique title: its field labels} as the annex prints them (Dialogue aside)."""
    annexe = annexe_profil(blocs)
    trouvees = {}
    for i, bloc in enumerate(annexe):
        if bloc["type"] == "sous_titre" and bloc["texte"].startswith("Rubrique « ") and "Dialogue" not in bloc["texte"]:
            liste = next(b for b in annexe[i + 1 :] if b["type"] == "liste")
            trouvees[bloc["texte"].removeprefix("Rubrique « ").removesuffix(" »")] = liste["elements"]
    return trouvees


def rubriques_du_moteur(profil) -> dict[str, list[str]]:
    resultat = {}
    for rubrique in rubriques_du_profil(profil):
        droit = acces(profil, rubrique.code)
        resultat[droit.titre] = [c.libelle for c in rubrique.champs if droit.voit(c.code)]
    return resultat


# --- Shared helpers ------------------------------------------------------------------------


def test_dates_en_francais():
    assert cv.date_longue(date(2026, 5, 3)) == "3 mai 2026"
    assert cv.date_longue(date(2026, 5, 1)) == "1er mai 2026"
    assert cv.date_longue(date(2024, 2, 14)) == "14 février 2024"


def test_siret_lisible():
    assert cv.siret_lisible("21540184500015") == "215 401 845 00015"
    assert cv.siret_lisible("215 401 845 000 15") == "215 401 845 00015"


# --- Convention ----------------------------------------------------------------------------


def test_convention_signee_t13():
    convention = ConventionFactory(profil="T13", numero="2018-001")
    titre, blocs = cv.convention(convention, LE)
    valide(titre, blocs)
    partenaire, caisse = convention.partenaire, convention.caisse
    t = texte(blocs)
    assert "Convention de service « Cafpro » — Accès professionnel aux données des Caf" in t
    assert "2018-001" in titre and "Numéro de la convention : 2018-001 – T13" in t
    for attendu in (
        partenaire.raison_sociale,
        cv.siret_lisible(partenaire.siret),
        "1, place de la Mairie, 13001 Marseille",
        "Représenté par Jeanne DUPONT, Présidente",
        caisse.nom,
        "215, Chemin de Gibbes",
        "Préambule",
        "Article 1 : Objectifs",
        "Article 2 : Nature du service",
        "acte réglementaire de la Cnaf en date du 19 avril 2006",
        "Article 3 : Accès au service",
        "Article 4 : Sécurité - Confidentialité",
        "y compris les autres agents du partenaire déjà habilités",
        "qui lui délivre une nouvelle habilitation",
        "notifié à la personne nommément habilitée avant sa mise en exploitation",
        "Article 5 : Non-respect des obligations",
        "Article 6 : Durée de la convention",
        "prend effet le 13 mars 2024 pour une durée d'un an",
        "tacite reconduction par période d'un an",
        "deux mois avant l'échéance annuelle",
        "Fait en double exemplaire",
        f"La consultation est limitée aux informations gérées par la {caisse.nom}",
    ):
        assert attendu in t, attendu
    assert "Article 7" not in t
    # The seed: "La mention suivante est à supprimer pour les profils autres que T1, T2, T3."
    assert "n'est pas opposé à la consultation" not in t
    assert cv.TITRE_PARTAGE not in t
    colonnes = du_type(blocs, "signatures")[0]["colonnes"]
    assert colonnes[0]["mention"] == "Signée le 13 mars 2024 par Le directeur de la Caf"
    assert colonnes[1]["mention"] == "Signée le 13 mars 2024 par Jeanne DUPONT, Présidente"
    assert any(b["type"] == "saut_de_page" for b in blocs)
    assert "Profil d'accès — PROFIL T13" in t


def test_convention_non_signee_laisse_les_signatures_en_blanc():
    convention = ConventionFactory(non_signee=True)
    titre, blocs = cv.convention(convention, LE)
    valide(titre, blocs)
    assert "Signée le" not in texte(blocs)
    for colonne in du_type(blocs, "signatures")[0]["colonnes"]:
        assert colonne["nom"] == ""
        assert "...." in colonne["mention"]


def test_convention_signee_par_une_seule_partie():
    convention = ConventionFactory(non_signee=True)
    convention.signataire_caf, convention.date_signature_caf = "Elodie CLAIR, Directeur général", date(2024, 3, 1)
    _, blocs = cv.convention(convention, LE)
    caf, partenaire = du_type(blocs, "signatures")[0]["colonnes"]
    assert caf["mention"] == "Signée le 1er mars 2024 par Elodie CLAIR, Directeur général"
    assert partenaire["nom"] == "" and "Signée" not in partenaire["mention"]


@pytest.mark.parametrize("profil", ["T1", "T2", "T3"])
def test_convention_secret_partage_t1_t2_t3(profil):
    _, blocs = cv.convention(ConventionFactory(profil=profil), LE)
    t = texte(blocs)
    assert "Le partenaire s'engage à s'assurer que l'allocataire n'est pas opposé à la consultation de son dossier" in t
    assert cv.TITRE_PARTAGE in t
    for attendu in (
        "Cette annexe est spécifique aux profils T1, T2 et T3.",
        "Lors d'une saisine en octobre 2002, la Commission Nationale de l'Informatique et des Libertés",
        "la personne concernée, préalablement informée, ne s'est pas opposée à ces transmissions.",
        "loi informatique et libertés n° 78-17 du 6 janvier 1978",
        "Modèle d'information des personnes au regard du secret partagé dans le domaine social",
        "vous pouvez vous opposer à la consultation de ces informations en nous contactant",
    ):
        assert attendu in t, attendu
    # The annex comes after a page break that follows the profile annex.
    titres = [i for i, b in enumerate(blocs) if b["type"] == "titre"]
    partage = next(i for i in titres if blocs[i]["texte"] == cv.TITRE_PARTAGE)
    assert blocs[partage - 1]["type"] == "saut_de_page"


@pytest.mark.parametrize("profil", ["T4", "T9", "T10", "T11", "T12", "T13", "T16"])
def test_pas_d_annexe_secret_partage_hors_t1_t3(profil):
    _, blocs = cv.convention(ConventionFactory(profil=profil), LE)
    assert cv.TITRE_PARTAGE not in texte(blocs)


@pytest.mark.parametrize("profil", ["T2", "T12", "T13", "T1", "T10", "T6"])
def test_annexe_profil_generee_par_le_moteur(profil):
    _, blocs = cv.convention(ConventionFactory(profil=profil), LE)
    assert rubriques_de_l_annexe(blocs) == rubriques_du_moteur(profil)


def test_annexe_profil_t2_comme_04():
    _, blocs = cv.convention(ConventionFactory(profil="T2"), LE)
    annexe = texte(annexe_profil(blocs))
    assert "Profil d'accès — PROFIL T2" in annexe
    assert "Référence aux articles 2 et 3 de l'acte réglementaire pris par la Cnaf n° 519628" in annexe
    assert "Numéro d'allocataire" in annexe
    assert "indication du responsable du dossier" in annexe
    assert "Historique de 24 mois" in annexe
    assert set(rubriques_de_l_annexe(blocs)) == {"QF Cnaf", "Enfants et autres personnes", "Adresse"}
    assert "Rubrique « Paiements »" not in annexe


def test_annexe_profil_t12_comme_02():
    _, blocs = cv.convention(ConventionFactory(profil="T12"), LE)
    annexe = texte(annexe_profil(blocs))
    assert "Profil d'accès — PROFIL T12" in annexe
    assert "Greffiers des bureaux d'aide juridictionnelle" in annexe
    assert "Allocation aux adultes handicapés" in annexe or "AAH" in annexe.upper()
    assert "Montant payé au cours de l'année civile qui précède".lower() in annexe.lower()
    assert "3 dernières années connues" in annexe
    assert "NIR" not in rubriques_de_l_annexe(blocs).get("Famille", [])
    # T12 does not see the measures: the 6-month history of "Dossier" is not claimed.
    assert "6 mois" not in annexe


def test_annexe_profil_t13_historiques_comme_01():
    _, blocs = cv.convention(ConventionFactory(profil="T13"), LE)
    annexe = texte(annexe_profil(blocs))
    assert "Mesure d'accompagnement ou tutelle : dans la limite d'un historique de 6 mois." in annexe
    assert "Historique de 24 mois, consultable mois par mois." in annexe
    assert "Historique de 2 mois." in annexe  # Courrier: "un historique de deux mois maximum"


def test_annexe_rubrique_dialogue_si_ouverte_par_la_caf():
    convention = ConventionFactory(profil="T2")
    assert "Rubrique « Dialogue »" not in texte(cv.convention(convention, LE)[1])
    convention.caisse.dialogue_ouvert = True
    assert "Rubrique « Dialogue »" in texte(cv.convention(convention, LE)[1])


def test_convention_multi_caf_liste_les_caf_couvertes(caf_161):
    convention = ConventionFactory(multi_caf=True, caisses_multi=["161"])
    _, blocs = cv.convention(convention, LE)
    t = texte(blocs)
    assert "multi-Caf" in t
    assert f"161 — {caf_161.nom}" in t
    assert f"131 — {convention.caisse.nom}" in t


def test_convention_deterministe():
    convention = ConventionFactory(profil="T2")
    assert cv.convention(convention, LE) == cv.convention(convention, LE)
    assert "3 mai 2026" in texte(cv.convention(convention, LE)[1])


# --- Envoi letter and désignation ------------------------------------------------------------


def test_lettre_envoi():
    convention = ConventionFactory(numero="78/2016/12AS – T2", profil="T2", non_signee=True)
    titre, blocs = cv.lettre_envoi(convention, LE)
    valide(titre, blocs)
    t = texte(blocs)
    entete = du_type(blocs, "entete")[0]
    assert entete["expediteur"][:2] == ["Caisse d'Allocations Familiales", convention.caisse.nom]
    assert "215, Chemin de Gibbes" in entete["expediteur"]
    assert "Jeanne DUPONT" in entete["destinataire"]
    assert convention.partenaire.raison_sociale in entete["destinataire"]
    for attendu in (
        "Convention Cafpro n° 78/2016/12AS – T2",
        "Je vous prie de bien vouloir trouver, ci-joint, l'ensemble des documents nécessaires",
        "la convention citée en objet en deux exemplaires",
        "que vous voudrez bien me retourner signés par vos soins",
        "des demandes d'accès pour les utilisateurs",
        "la désignation d'un responsable habilitations",
        "des demandes de suppression d'accès à Cafpro",
        "salutations distinguées",
        "Marseille, le 3 mai 2026",
    ):
        assert attendu in t, attendu
    assert "dûment signée" not in t


def test_lettre_envoi_convention_signee_par_la_caf():
    convention = ConventionFactory()
    _, blocs = cv.lettre_envoi(convention, LE)
    assert "dûment signée par Le directeur de la Caf" in texte(blocs)


def test_designation_responsable_vierge_et_remplie():
    partenaire = PartenaireFactory(telephone="04 91 00 00 01")
    titre, blocs = cv.designation_responsable(partenaire, LE)
    valide(titre, blocs)
    t = texte(blocs)
    for attendu in (
        "Désignation d'un responsable habilitations",
        partenaire.raison_sociale,
        cv.siret_lisible(partenaire.siret),
        "Ces coordonnées seront utilisées par la Caf uniquement dans le cadre de la gestion de l'accès Cafpro.",
        "Nota : le changement de responsable habilitations doit faire l'objet d'une nouvelle désignation",
        "le responsable habilitations peut être le signataire de la convention lui-même",
        "Pour le partenaire (signataire de la convention)",
        "Le responsable habilitations",
    ):
        assert attendu in t, attendu
    lignes = dict(du_type(blocs, "champs")[0]["lignes"])
    assert lignes["Nom / Prénom du responsable habilitations"] == ""
    assert "MARTIN" not in t

    designation = partenaire.responsable
    _, blocs = cv.designation_responsable(partenaire, LE, designation)
    valide(None, blocs)
    lignes = dict(du_type(blocs, "champs")[0]["lignes"])
    assert lignes["Nom / Prénom du responsable habilitations"] == "MARTIN Paul"
    assert "1er février 2024" in texte(blocs)


# --- Demande d'accès, demande de suppression ---------------------------------------------------


def test_demande_acces_vierge():
    convention = ConventionFactory(numero="2018-001")
    titre, blocs = hb.demande_acces(convention, LE)
    valide(titre, blocs)
    t = texte(blocs)
    assert du_type(blocs, "entete")[0]["destinataire"][1] == convention.caisse.nom
    for attendu in (
        "Demande d'accès au service Cafpro",
        "Convention de service n° 2018-001",
        "Je demande à accéder au service Cafpro.",
        "je m'engage à respecter les termes de cette dernière",
        "les poursuites pénales prévues à l'article 226-13 du Code pénal",
        "(Précédée de la mention « lu et approuvé »)",
    ):
        assert attendu in t, attendu
    lignes = dict(du_type(blocs, "champs")[0]["lignes"])
    assert lignes["Nom / Prénom du demandeur"] == ""
    assert lignes["Fonction"] == ""
    assert convention.partenaire.raison_sociale in lignes["Organisme employeur et nom du responsable"]
    cases = du_type(blocs, "cases")[0]
    assert cases["options"] == ["CDD", "CDI"] and cases["cochee"] is None
    assert [c["titre"] for c in du_type(blocs, "signatures")[0]["colonnes"]] == ["L'utilisateur", "L'employeur"]


def test_demande_acces_remplie():
    habilitation = HabilitationFactory(nom="DURAND", prenom="Léa", fonction="Instructrice FSL", contrat="CDD")
    _, blocs = hb.demande_acces(habilitation.convention, LE, habilitation)
    valide(None, blocs)
    lignes = dict(du_type(blocs, "champs")[0]["lignes"])
    assert lignes["Nom / Prénom du demandeur"] == "DURAND Léa"
    assert lignes["Fonction"] == "Instructrice FSL"
    assert lignes["E-mail professionnel"] == habilitation.email
    assert du_type(blocs, "cases")[0]["cochee"] == "CDD"


def test_demande_acces_t12_qualite_de_greffier():
    habilitation = HabilitationFactory(convention__profil="T12", greffier=True)
    _, blocs = hb.demande_acces(habilitation.convention, LE, habilitation)
    valide(None, blocs)
    qualite = du_type(blocs, "cases")[1]
    assert qualite["cochee"] == "greffier"
    assert "greffier en chef" in qualite["options"]


def test_demande_suppression():
    habilitation = HabilitationFactory(nom="DURAND", prenom="Léa")
    titre, blocs = hb.demande_suppression(habilitation, LE)
    valide(titre, blocs)
    t = texte(blocs)
    assert "Demande de suppression d'accès au service Cafpro" in t
    assert "Je demande la suppression de l'autorisation de l'accès au service à compter du ...." in t
    assert "pour la personne désignée ci-dessus" in t
    assert habilitation.identifiant in t and "DURAND Léa" in t
    habilitation.date_suppression = date(2026, 6, 1)
    assert "à compter du 1er juin 2026 pour la personne désignée ci-dessus" in texte(
        hb.demande_suppression(habilitation, LE)[1]
    )


# --- Letters to the holder ---------------------------------------------------------------------


def test_lettre_ouverture():
    habilitation = HabilitationFactory(convention__profil="T2", prenom="Léa", nom="DURAND")
    convention = habilitation.convention
    titre, blocs = hb.lettre_ouverture(habilitation, LE)
    valide(titre, blocs)
    t = texte(blocs)
    for attendu in (
        "Cafpro",
        "Ouverture des droits de consultation",
        "LETTRE RECOMMANDÉE AVEC ACCUSÉ DE RÉCEPTION",
        f"Après réception de la convention signée par {convention.signataire_partenaire} et "
        f"{convention.signataire_caf}, et de votre demande d'accès à Cafpro, j'ai le plaisir de vous informer "
        "de l'ouverture des droits de consultation à Cafpro profil T2.",
        f"votre code identifiant : {habilitation.identifiant}",
        "votre mot de passe personnel vous est communiqué sur une feuille séparée",
        "il vous sera demandé d'en choisir un nouveau à votre première connexion",
        "comme précisé dans l'article 4 de la convention",
        "strictement confidentielles",
        "Marseille, le 3 mai 2026",
    ):
        assert attendu in t, attendu
    destinataire = du_type(blocs, "entete")[0]["destinataire"]
    assert destinataire[0] == "Léa DURAND"
    assert "1, place de la Mairie" in destinataire
    assert MOT_DE_PASSE_PARTENAIRE not in t
    assert "Mot de passe" not in [ligne[0] for b in du_type(blocs, "champs") for ligne in b["lignes"]]


def test_lettre_ouverture_refusee_sans_convention_signee():
    habilitation = HabilitationFactory(convention__non_signee=True, etat="demandee", date_ouverture=None)
    with pytest.raises(ValueError, match="pas signée"):
        hb.lettre_ouverture(habilitation, LE)


def test_feuille_mot_de_passe():
    habilitation = HabilitationFactory()
    blocs = valide(None, hb.feuille_mot_de_passe(habilitation, "Xy7kQ2", LE))
    t = texte(blocs)
    assert "Xy7kQ2" in t and habilitation.identifiant in t
    assert f"{settings.CAFPRO_ISSUED_PASSWORD_VALIDITY_DAYS} jours" in t
    assert "Ne communiquez ce mot de passe à personne, y compris aux autres agents déjà habilités (article 4)" in t
    assert "à compter du" not in t
    programme = texte(hb.feuille_mot_de_passe(habilitation, "Xy7kQ2", LE, a_compter_du=date(2026, 5, 10)))
    assert "en service à compter du 10 mai 2026" in programme


def test_lettre_mot_de_passe_sans_le_mot_de_passe():
    habilitation = HabilitationFactory()
    titre, blocs = hb.lettre_mot_de_passe(habilitation, LE, date(2026, 5, 10))
    valide(titre, blocs)
    t = texte(blocs)
    assert (
        "Ce nouveau mot de passe, communiqué sur une feuille séparée, remplacera le précédent le 10 mai 2026 ; "
        "jusqu'à cette date, votre mot de passe actuel reste valable." in t
    )
    assert habilitation.identifiant in t
    assert "avant sa mise en exploitation" in t
    assert MOT_DE_PASSE_PARTENAIRE not in t


def test_perte_ou_vol_lettres():
    ancienne = HabilitationFactory(nom="DURAND", prenom="Léa")
    nouvelle, mot_de_passe = ancienne.perte_ou_vol(StaffFactory())
    ancienne.refresh_from_db()
    titre, blocs = hb.lettre_perte_ou_vol(nouvelle, LE)
    valide(titre, blocs)
    t = texte(blocs)
    assert f"votre ancien code identifiant {ancienne.identifiant} a été révoqué immédiatement" in t
    assert f"votre nouveau code identifiant : {nouvelle.identifiant}" in t
    assert "feuille séparée" in t
    assert mot_de_passe not in t
    assert mot_de_passe in texte(hb.feuille_mot_de_passe(nouvelle, mot_de_passe, LE))
    # The partner's responsable habilitations is told that the former codes were revoked.
    _, blocs = hb.lettre_suppression(ancienne, LE)
    t = texte(blocs)
    assert "ont été révoqués le" in t and ancienne.identifiant in t
    assert "MARTIN Paul" in du_type(blocs, "entete")[0]["destinataire"]
    assert "une nouvelle habilitation a été délivrée" in t


def test_lettre_perte_ou_vol_exige_une_habilitation_remplacee():
    with pytest.raises(ValueError):
        hb.lettre_perte_ou_vol(HabilitationFactory(), LE)


# --- Letter to the partner ---------------------------------------------------------------------


def test_lettre_suppression():
    habilitation = HabilitationFactory(nom="DURAND", prenom="Léa")
    habilitation.date_suppression = date(2026, 6, 1)
    habilitation.suppression_recue_le = date(2026, 4, 20)
    habilitation.suppression_demandee_par = "Jeanne DUPONT, Présidente"
    titre, blocs = hb.lettre_suppression(habilitation, LE)
    valide(titre, blocs)
    t = texte(blocs)
    assert (
        "Suite à votre demande de suppression d'accès reçue le 20 avril 2026, signée par Jeanne DUPONT, "
        f"Présidente, je vous confirme la suppression de l'accès à Cafpro de Léa DURAND (identifiant "
        f"{habilitation.identifiant}) à compter du 1er juin 2026." in t
    )
    destinataire = du_type(blocs, "entete")[0]["destinataire"]
    assert destinataire[:2] == ["MARTIN Paul", "Responsable habilitations"]


def test_lettre_suppression_sans_responsable_au_representant():
    habilitation = HabilitationFactory()
    habilitation.convention.partenaire.designations.all().delete()
    habilitation.date_suppression = date(2026, 6, 1)
    _, blocs = hb.lettre_suppression(habilitation, LE)
    assert du_type(blocs, "entete")[0]["destinataire"][0] == "Jeanne DUPONT"


def test_lettre_suppression_exige_une_suppression():
    with pytest.raises(ValueError):
        hb.lettre_suppression(HabilitationFactory(), LE)
