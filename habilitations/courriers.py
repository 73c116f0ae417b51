"""The content of the documents the Caf issues about an habilitation.

Wording: `02-…` annexe 3 (demande d'accès, letter "Cafpro — Ouverture des droits de
consultation", demande de suppression), `04-…` forms ("Demande d'accès au service Cafpro
internet", "Demande de suppression d'accès à Cafpro Internet"), `01-…` art. 4 (a new password
is notified before it is put into service) and `03-…` art. 3 (lost or stolen codes: a new
habilitation), with the XXX placeholders replaced by the records' data.

Pure functions of the records, in the format of `documents.blocs`. A password appears only on
the separate sheet (`feuille_mot_de_passe`), never in a letter, and is never stored here.
"""

from datetime import date

from django.conf import settings

from conventions.courriers import (
    SALUTATION,
    adresse_partenaire,
    adresse_sur_une_ligne,
    date_longue,
    destinataire_representant,
    directeur_caf,
    entete_caf,
    intitule_profil,
    lieu_date,
    lignes,
    nom_responsable,
    signature_caf,
    titre_court,
)
from conventions.models import Convention
from profils.definitions import PROFIL_GREFFIERS

from .models import Contrat, Habilitation, QualiteGreffier

LU_ET_APPROUVE = "(Précédée de la mention « lu et approuvé »)"
RECOMMANDEE = "LETTRE RECOMMANDÉE AVEC ACCUSÉ DE RÉCEPTION"
MOT_DE_PASSE_SUR_FEUILLE_SEPAREE = (
    "votre mot de passe personnel vous est communiqué sur une feuille séparée ; il vous sera demandé d'en "
    "choisir un nouveau à votre première connexion, puis de le modifier régulièrement."
)
PERTE_OU_VOL = "perte ou vol"
CLOTURE = (
    "Restant à votre entière disposition pour tout complément d'information, je vous prie d'agréer, "
    "Madame, Monsieur, mes salutations distinguées."
)


def _personne(habilitation: Habilitation) -> str:
    return f"{habilitation.prenom} {habilitation.nom}".strip()


def _titulaire(habilitation: Habilitation) -> list[str]:
    """The holder at his professional address."""
    convention = habilitation.convention
    return [
        _personne(habilitation),
        *([habilitation.fonction] if habilitation.fonction else []),
        convention.partenaire.raison_sociale,
        *lignes(habilitation.adresse_professionnelle),
    ]


def _rappel_confidentialite(convention: Convention) -> dict:
    return {
        "type": "paragraphe",
        "texte": "Je vous rappelle, comme précisé dans l'article 4 de la convention, que les informations "
        "délivrées par Cafpro, directement issues de notre système informatique, sont strictement "
        "confidentielles, que vos codes d'accès ne doivent être transmis à aucune autre personne, y "
        "compris les autres agents déjà habilités, et que nous devons être informés de toute fin de "
        "mission de chaque utilisateur de ce service.",
    }


def _organisme_et_responsable(convention: Convention) -> str:
    partenaire = convention.partenaire
    responsable = nom_responsable(partenaire.responsable) or partenaire.representant_nom
    return " — ".join(x for x in (partenaire.raison_sociale, responsable) if x)


def _edite(convention: Convention, le: date) -> dict:
    return {"type": "mention", "texte": f"Formulaire édité par la {convention.caisse.nom} le {date_longue(le)}."}


# --- Forms the partner returns ----------------------------------------------------------------


def demande_acces(convention: Convention, le: date, habilitation: Habilitation | None = None) -> tuple[str, list]:
    """02-… annexe 3 and 04-… form "Demande d'accès au service Cafpro", blank or prefilled."""
    caisse, partenaire = convention.caisse, convention.partenaire
    h = habilitation
    champs = [
        ["Organisme employeur et nom du responsable", _organisme_et_responsable(convention)],
        ["Adresse", adresse_sur_une_ligne(partenaire)],
        ["Nom / Prénom du demandeur", f"{h.nom} {h.prenom}" if h else ""],
        ["Adresse professionnelle", ", ".join(lignes(h.adresse_professionnelle)) if h else ""],
        ["Tél. professionnel", h.telephone if h else ""],
        ["Fax professionnel", h.telecopie if h else ""],
        ["E-mail professionnel", h.email if h else ""],
        ["Fonction", h.fonction if h else ""],
        ["Profil d'accès", intitule_profil(convention.profil)],
    ]
    blocs: list[dict] = [
        entete_caf(caisse, directeur_caf(caisse)),
        {"type": "objet", "texte": "Demande d'accès au service Cafpro"},
        {
            "type": "paragraphe",
            "texte": f"Convention de service n° {convention.numero} pour la consultation d'informations de la "
            f"base allocataire de la {caisse.nom} par l'intermédiaire du service sécurisé Cafpro",
            "gras": True,
        },
        {"type": "champs", "lignes": champs},
        {
            "type": "cases",
            "libelle": "Contrat :",
            "options": [Contrat.CDD.label, Contrat.CDI.label],
            "cochee": Contrat(h.contrat).label if h and h.contrat else None,
        },
    ]
    if convention.profil == PROFIL_GREFFIERS:
        # T12 is reserved to greffiers (circulaire du 21 novembre 2006, I.2).
        blocs.append(
            {
                "type": "cases",
                "libelle": "Qualité (profil T12, réservé aux greffiers) :",
                "options": [q.label for q in QualiteGreffier],
                "cochee": QualiteGreffier(h.qualite_greffier).label if h and h.qualite_greffier else None,
            }
        )
    blocs += [
        {"type": "paragraphe", "texte": "Je demande à accéder au service Cafpro."},
        {
            "type": "paragraphe",
            "texte": "Conformément à la mise en application de la convention de service citée en référence, je "
            "m'engage à respecter les termes de cette dernière, et notamment à ne transmettre mes codes "
            "d'accès à aucune autre personne, y compris les autres agents déjà habilités.",
        },
        {
            "type": "paragraphe",
            "texte": "Je prends acte que le non-respect de ces obligations peut entraîner, sur initiative de la "
            "Caf, les poursuites pénales prévues à l'article 226-13 du Code pénal.",
        },
        {"type": "champs", "lignes": [["Fait à", ""], ["Le", ""]]},
        {
            "type": "signatures",
            "colonnes": [
                {"titre": "L'utilisateur", "mention": f"Signature {LU_ET_APPROUVE}", "nom": _personne(h) if h else ""},
                {"titre": "L'employeur", "mention": f"Cachet et signature {LU_ET_APPROUVE}", "nom": ""},
            ],
        },
        _edite(convention, le),
    ]
    titre = "Demande d'accès au service Cafpro"
    suite = f" — {h.nom} {h.prenom}" if h else f" — convention n° {convention.numero}"
    return titre_court(titre + suite), blocs


def demande_suppression(habilitation: Habilitation, le: date) -> tuple[str, list]:
    """02-… annexe 3, 01-… and 04-… form "Demande de suppression d'accès", prefilled."""
    h = habilitation
    convention = h.convention
    caisse, partenaire = convention.caisse, convention.partenaire
    a_compter_du = date_longue(h.date_suppression) if h.date_suppression else "...................."
    blocs = [
        entete_caf(caisse, directeur_caf(caisse)),
        {"type": "objet", "texte": "Demande de suppression d'accès au service Cafpro"},
        {
            "type": "paragraphe",
            "texte": f"Convention de service n° {convention.numero} pour la suppression de la consultation "
            f"d'informations de la base allocataire de la {caisse.nom} par l'intermédiaire du service "
            "sécurisé Cafpro",
            "gras": True,
        },
        {
            "type": "champs",
            "lignes": [
                ["Organisme et nom du responsable", _organisme_et_responsable(convention)],
                ["Adresse", adresse_sur_une_ligne(partenaire)],
                ["Nom / Prénom de l'utilisateur habilité", f"{h.nom} {h.prenom}"],
                ["Code identifiant", h.identifiant],
                ["Adresse professionnelle", ", ".join(lignes(h.adresse_professionnelle))],
                ["Fonction", h.fonction],
            ],
        },
        {
            "type": "paragraphe",
            "texte": f"Je demande la suppression de l'autorisation de l'accès au service à compter du "
            f"{a_compter_du} pour la personne désignée ci-dessus.",
        },
        {"type": "champs", "lignes": [["Fait à", ""], ["Le", ""]]},
        {
            "type": "signatures",
            "colonnes": [
                {
                    "titre": "L'employeur ou le responsable habilitations",
                    "mention": "Cachet et signature",
                    "nom": h.suppression_demandee_par,
                }
            ],
        },
        _edite(convention, le),
    ]
    return titre_court(f"Demande de suppression d'accès au service Cafpro — {h.nom} {h.prenom}"), blocs


# --- Letters to the holder -------------------------------------------------------------------


def lettre_ouverture(habilitation: Habilitation, le: date) -> tuple[str, list]:
    """02-… annexe 3, "Cafpro — Ouverture des droits de consultation". Only under a signed
    convention: the letter states both signatures, which must exist."""
    convention = habilitation.convention
    if not convention.est_signee:
        raise ValueError(
            f"La convention {convention.numero} n'est pas signée par les deux parties : la lettre "
            "d'ouverture des droits ne peut pas être établie."
        )
    caisse = convention.caisse
    blocs = [
        entete_caf(caisse, _titulaire(habilitation)),
        {"type": "titre", "texte": "Cafpro"},
        {"type": "sous_titre", "texte": "Ouverture des droits de consultation"},
        {"type": "paragraphe", "texte": RECOMMANDEE, "gras": True},
        lieu_date(caisse, le),
        {"type": "objet", "texte": f"Convention Cafpro n° {convention.numero} — profil {convention.profil}"},
        {"type": "paragraphe", "texte": SALUTATION},
        {
            "type": "paragraphe",
            "texte": f"Après réception de la convention signée par {convention.signataire_partenaire} et "
            f"{convention.signataire_caf}, et de votre demande d'accès à Cafpro, j'ai le plaisir de vous "
            f"informer de l'ouverture des droits de consultation à Cafpro profil {convention.profil}.",
        },
        {"type": "paragraphe", "texte": "Vous y accéderez en saisissant :"},
        {
            "type": "liste",
            "elements": [f"votre code identifiant : {habilitation.identifiant}", MOT_DE_PASSE_SUR_FEUILLE_SEPAREE],
        },
        _rappel_confidentialite(convention),
        {"type": "paragraphe", "texte": CLOTURE},
        signature_caf(caisse, "Le Responsable"),
    ]
    return titre_court(f"Cafpro — Ouverture des droits de consultation — {habilitation.identifiant}"), blocs


def feuille_mot_de_passe(
    habilitation: Habilitation, mot_de_passe: str, le: date, a_compter_du: date | None = None
) -> list[dict]:
    """The separate sheet that carries a password issued by the Caf. The caller never stores it."""
    convention = habilitation.convention
    caisse = convention.caisse
    jours = settings.CAFPRO_ISSUED_PASSWORD_VALIDITY_DAYS
    blocs = [
        entete_caf(caisse, _titulaire(habilitation)),
        lieu_date(caisse, le),
        {"type": "titre", "texte": "Cafpro — Votre mot de passe personnel"},
        {"type": "paragraphe", "texte": "Document strictement personnel et confidentiel", "gras": True},
        {
            "type": "champs",
            "lignes": [
                ["Titulaire", _personne(habilitation)],
                ["Code identifiant", habilitation.identifiant],
                ["Mot de passe", mot_de_passe],
            ],
        },
    ]
    if a_compter_du is not None:
        blocs.append(
            {
                "type": "paragraphe",
                "texte": f"Ce mot de passe est en service à compter du {date_longue(a_compter_du)} ; jusqu'à "
                "cette date, votre mot de passe actuel reste valable.",
            }
        )
    debut = "de sa mise en service" if a_compter_du is not None else "de son émission"
    blocs += [
        {
            "type": "paragraphe",
            "texte": f"Ce mot de passe est provisoire : vous disposez de {jours} jours à compter {debut} pour vous "
            "connecter une première fois. Il vous sera alors demandé d'en choisir un nouveau, que vous "
            "modifierez ensuite régulièrement. Passé ce délai, il n'est plus valable et un nouveau mot de "
            "passe doit être demandé à la Caf.",
        },
        {
            "type": "paragraphe",
            "texte": "Ne communiquez ce mot de passe à personne, y compris aux autres agents déjà habilités "
            "(article 4).",
            "gras": True,
        },
        {"type": "mention", "texte": "Détruisez cette feuille après votre première connexion."},
    ]
    return blocs


def lettre_mot_de_passe(habilitation: Habilitation, le: date, a_compter_du: date) -> tuple[str, list]:
    """01-… art. 4: the Caf changes a password and notifies it before it is put into service."""
    convention = habilitation.convention
    caisse = convention.caisse
    blocs = [
        entete_caf(caisse, _titulaire(habilitation)),
        lieu_date(caisse, le),
        {"type": "objet", "texte": f"Cafpro — Modification de votre mot de passe (convention n° {convention.numero})"},
        {"type": "paragraphe", "texte": SALUTATION},
        {
            "type": "paragraphe",
            "texte": f"Comme le prévoit l'article 4 de la convention, la {caisse.nom} se réserve à tout moment le "
            "droit de modifier les mots de passe ; le nouveau mot de passe est notifié à la personne "
            "nommément habilitée avant sa mise en exploitation.",
        },
        {
            "type": "paragraphe",
            "texte": f"Votre code identifiant reste inchangé : {habilitation.identifiant}.",
        },
        {
            "type": "paragraphe",
            "texte": f"Ce nouveau mot de passe, communiqué sur une feuille séparée, remplacera le précédent le "
            f"{date_longue(a_compter_du)} ; jusqu'à cette date, votre mot de passe actuel reste valable. Il vous "
            "sera demandé d'en choisir un nouveau à votre première connexion.",
        },
        _rappel_confidentialite(convention),
        {"type": "paragraphe", "texte": CLOTURE},
        signature_caf(caisse, "Le Responsable"),
    ]
    return titre_court(f"Cafpro — Modification du mot de passe — {habilitation.identifiant}"), blocs


def lettre_perte_ou_vol(nouvelle: Habilitation, le: date) -> tuple[str, list]:
    """03-… art. 3 and 01-… art. 4: lost or stolen codes are revoked at once and the Caf delivers
    a new habilitation."""
    ancienne = nouvelle.remplace
    if ancienne is None:
        raise ValueError(f"L'habilitation {nouvelle.identifiant} ne remplace aucune habilitation perdue ou volée.")
    convention = nouvelle.convention
    caisse = convention.caisse
    revoque = f", le {date_longue(ancienne.date_suppression)}" if ancienne.date_suppression else ""
    blocs = [
        entete_caf(caisse, _titulaire(nouvelle)),
        {"type": "paragraphe", "texte": RECOMMANDEE, "gras": True},
        lieu_date(caisse, le),
        {
            "type": "objet",
            "texte": f"Cafpro — Perte ou vol des codes d'accès : nouvelle habilitation (convention n° "
            f"{convention.numero})",
        },
        {"type": "paragraphe", "texte": SALUTATION},
        {
            "type": "paragraphe",
            "texte": "À la suite de la perte ou du vol de vos codes d'accès, et comme le prévoit la convention, "
            f"votre ancien code identifiant {ancienne.identifiant} a été révoqué immédiatement{revoque} : il ne "
            "permet plus d'accéder à Cafpro.",
        },
        {
            "type": "paragraphe",
            "texte": f"Une nouvelle habilitation vous est délivrée, au profil {convention.profil}. Vous accéderez "
            "à Cafpro en saisissant :",
        },
        {
            "type": "liste",
            "elements": [f"votre nouveau code identifiant : {nouvelle.identifiant}", MOT_DE_PASSE_SUR_FEUILLE_SEPAREE],
        },
        _rappel_confidentialite(convention),
        {"type": "paragraphe", "texte": CLOTURE},
        signature_caf(caisse, "Le Responsable"),
    ]
    return titre_court(f"Cafpro — Nouvelle habilitation après perte ou vol — {nouvelle.identifiant}"), blocs


# --- Letter to the partner -------------------------------------------------------------------


def lettre_suppression(habilitation: Habilitation, le: date) -> tuple[str, list]:
    """To the partner's responsable habilitations (or its representant): the deletion of an
    access, at its date, or the revocation of lost or stolen codes."""
    h = habilitation
    if h.date_suppression is None:
        raise ValueError(f"Aucune suppression n'est enregistrée pour l'habilitation {h.identifiant}.")
    convention = h.convention
    caisse, partenaire = convention.caisse, convention.partenaire
    responsable = partenaire.responsable
    if responsable is not None:
        destinataire = [
            nom_responsable(responsable),
            "Responsable habilitations",
            partenaire.raison_sociale,
            *(lignes(responsable.adresse) or adresse_partenaire(partenaire)),
        ]
    else:
        destinataire = destinataire_representant(partenaire)
    qui = f"{_personne(h)} (identifiant {h.identifiant})"
    quand = date_longue(h.date_suppression)
    if PERTE_OU_VOL in (h.motif_suppression or "").lower():
        corps = [
            {
                "type": "paragraphe",
                "texte": f"À la suite de la perte ou du vol des codes d'accès de {qui}, je vous confirme que ces "
                f"codes ont été révoqués le {quand} : ils ne permettent plus d'accéder à Cafpro.",
            }
        ]
        if getattr(h, "remplacee_par", None) is not None:
            corps.append(
                {
                    "type": "paragraphe",
                    "texte": "Comme le prévoit la convention, une nouvelle habilitation a été délivrée à cet "
                    "utilisateur ; ses nouveaux codes lui ont été communiqués personnellement.",
                }
            )
    else:
        demande = "Suite à votre demande de suppression d'accès"
        if h.suppression_recue_le:
            demande += f" reçue le {date_longue(h.suppression_recue_le)}"
        if h.suppression_demandee_par:
            demande += f", signée par {h.suppression_demandee_par}"
        corps = [
            {
                "type": "paragraphe",
                "texte": f"{demande}, je vous confirme la suppression de l'accès à Cafpro de {qui} à compter du "
                f"{quand}.",
            }
        ]
    blocs = [
        entete_caf(caisse, destinataire),
        lieu_date(caisse, le),
        {
            "type": "objet",
            "texte": f"Cafpro — Suppression d'accès — convention n° {convention.numero}",
        },
        {"type": "paragraphe", "texte": SALUTATION},
        *corps,
        {
            "type": "paragraphe",
            "texte": "Je vous rappelle que la Caf doit être informée sans tarder de tout changement ou fin de "
            "mission des utilisateurs habilités (article 4 de la convention).",
        },
        {"type": "paragraphe", "texte": CLOTURE},
        signature_caf(caisse, "Le Responsable"),
    ]
    return titre_court(f"Cafpro — Suppression d'accès — {h.identifiant}"), blocs
