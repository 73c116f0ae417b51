"""The content of the documents the Caf issues about a convention.

Wording: `02-…` annexe 3 (model letter, model convention, annexe "PROFIL T12"), `04-…`
(Yvelines letter, convention "Cafpro", annexe "Profil d'accès", annexe "Partage des données
dans le domaine social", form "désignation d'un responsable habilitations"), `01-…` art. 4–6
and `03-…` art. 3, with the XXX placeholders replaced by the records' data.

Each function is a pure function of the records: it reads them (and their related records)
and returns `(titre, blocs)` in the format of `documents.blocs`; it writes nothing, and the
date printed is the `le` it is given.
"""

import re
from datetime import date

from django.utils import translation
from django.utils.formats import date_format

from profils.definitions import PROFILS, PROFILS_SECRET_PARTAGE
from profils.prestations import Prestation
from profils.rubriques import Navigation, acces, rubriques_du_profil

from .models import Caisse, Convention, DesignationResponsable, Partenaire, Portee

CAISSE_D_ALLOCATIONS_FAMILIALES = "Caisse d'Allocations Familiales"
TITRE_CONVENTION = "Convention de service « Cafpro » — Accès professionnel aux données des Caf"
TITRE_PARTAGE = "Partage des données dans le domaine social en l'absence de disposition juridique"
LU_ET_APPROUVE = "(Précédée de la mention « lu et approuvé »)"
SALUTATION = "Madame, Monsieur,"


# --- Shared helpers (also used by habilitations.courriers) ----------------------------------


def date_longue(jour: date) -> str:
    """« 3 mai 2026 », « 1er mai 2026 »: French month names whatever the active language."""
    with translation.override("fr"):
        texte = date_format(jour, "j F Y")
    return "1er" + texte[1:] if texte.startswith("1 ") else texte


def titre_court(texte: str, limite: int = 200) -> str:
    """A document's title fits in 200 characters (documents.blocs.valider_titre)."""
    return texte if len(texte) <= limite else texte[: limite - 1].rstrip() + "…"


def lignes(texte: str) -> list[str]:
    """A multi-line address as its non-empty lines."""
    return [ligne.strip() for ligne in (texte or "").splitlines() if ligne.strip()]


def expediteur_caf(caisse: Caisse) -> list[str]:
    """The Caf's letterhead: its name, its address from the référentiel, its telephone."""
    bloc = [CAISSE_D_ALLOCATIONS_FAMILIALES, caisse.nom, *lignes(caisse.adresse)]
    if caisse.telephone:
        bloc.append(f"Tél. : {caisse.telephone}")
    return bloc


def directeur_caf(caisse: Caisse) -> list[str]:
    """The forms the partner returns are addressed to the Caf's director (02-…, 04-… forms)."""
    return ["Monsieur ou Madame le Directeur", caisse.nom, *lignes(caisse.adresse)]


def entete_caf(caisse: Caisse, destinataire: list[str]) -> dict:
    return {"type": "entete", "expediteur": expediteur_caf(caisse), "destinataire": destinataire}


def lieu_date(caisse: Caisse, le: date) -> dict:
    return {"type": "lieu_date", "texte": f"{caisse.ville}, le {date_longue(le)}"}


def adresse_partenaire(partenaire: Partenaire) -> list[str]:
    """The partner's siège: its address lines, then code postal and ville (unless already there)."""
    adresse = lignes(partenaire.adresse)
    ville = f"{partenaire.code_postal} {partenaire.ville}".strip()
    if not adresse or partenaire.code_postal not in adresse[-1]:
        adresse.append(ville)
    return adresse


def adresse_sur_une_ligne(partenaire: Partenaire) -> str:
    return ", ".join(adresse_partenaire(partenaire))


def siret_lisible(siret: str) -> str:
    """« 215 401 845 00015 »: the SIREN in groups of three, then the NIC."""
    chiffres = re.sub(r"\D", "", siret or "")
    if len(chiffres) != 14:
        return siret or ""
    return f"{chiffres[:3]} {chiffres[3:6]} {chiffres[6:9]} {chiffres[9:]}"


def representant(partenaire: Partenaire) -> str:
    """« Jeanne DUPONT, Présidente »."""
    return ", ".join(x for x in (partenaire.representant_nom, partenaire.representant_qualite) if x)


def destinataire_representant(partenaire: Partenaire) -> list[str]:
    return [
        *(x for x in (partenaire.representant_nom, partenaire.representant_qualite) if x),
        partenaire.raison_sociale,
        *adresse_partenaire(partenaire),
    ]


def nom_responsable(designation: DesignationResponsable | None) -> str:
    if designation is None:
        return ""
    return f"{designation.nom} {designation.prenom}".strip()


def intitule_profil(code: str) -> str:
    profil = PROFILS.get(code)
    return profil.libelle if profil else code


def formule_politesse(salutation: str = SALUTATION) -> str:
    adresse = salutation.rstrip(",")
    return f"Je vous prie d'agréer, {adresse}, l'expression de mes salutations distinguées."


def signature_caf(caisse: Caisse, qualite: str = "Le Directeur") -> dict:
    return {"type": "signatures", "colonnes": [{"titre": f"Pour la {caisse.nom}", "mention": qualite, "nom": ""}]}


# --- The profile annex, generated from the profile engine ----------------------------------

_ORDRE_PRESTATIONS = {code: i for i, code in enumerate(Prestation.values)}


# Rubriques whose depth of history concerns one field only (dossiers.lecture: the measures of
# "Dossier", the former addresses of "Logement"); the others' concerns the whole rubrique.
_HISTORIQUE_D_UN_CHAMP = {"dossier": "mesures", "logement": "adresses_precedentes"}


def _historique(droit) -> str | None:
    """The history the profile sees of a rubrique, in words; None when there is none to state."""
    mois, annees = droit.profondeur_mois, droit.profondeur_annees
    if droit.navigation == Navigation.DEMANDE_AIDE_JURIDICTIONNELLE:
        debut = f"Historique de {mois} mois, restitué" if mois else "Historique restitué"
        return (
            f"{debut} mois par mois avec cumul selon les trois modalités suivantes, à partir de la "
            "date de la demande d'aide juridictionnelle : montant payé au cours de l'année civile qui "
            "précède ; montant payé au cours des 12 mois qui précèdent la demande ; montant payé au "
            "cours des mois de l'année en cours qui précèdent la demande."
        )
    champ = _HISTORIQUE_D_UN_CHAMP.get(droit.rubrique.code)
    if champ is not None:
        if not mois or not droit.voit(champ):
            return None
        return f"{droit.rubrique.champ(champ).libelle} : dans la limite d'un historique de {mois} mois."
    if annees:
        return (
            f"Historique : les {annees} dernières années connues."
            if annees > 1
            else "Historique : la dernière année connue."
        )
    if mois:
        suite = ", consultable mois par mois" if droit.navigation == Navigation.MOIS else ""
        return f"Historique de {mois} mois{suite}."
    return None


def annexe_profil(convention: Convention) -> list[dict]:
    """The annex « Profil d'accès — PROFIL Tn »: every rubrique the profile engine grants, with
    the labels of the fields it grants and their history, so that the annex the partner signs
    can never disagree with what its agents see."""
    code = convention.profil
    profil = PROFILS[code]
    blocs: list[dict] = [
        {"type": "titre", "texte": f"Profil d'accès — PROFIL {code}"},
        {
            "type": "mention",
            "texte": "(Référence aux articles 2 et 3 de l'acte réglementaire pris par la Cnaf n° 519628)",
        },
        {"type": "paragraphe", "texte": f"Convention n° {convention.numero} — {convention.partenaire.raison_sociale}"},
        {"type": "paragraphe", "texte": "Catégories d'informations accessibles :", "gras": True},
        {"type": "paragraphe", "texte": profil.description},
        {"type": "sous_titre", "texte": "Informations communes à toutes les rubriques"},
        {
            "type": "liste",
            "elements": [
                "Numéro d'allocataire",
                "Nom et prénom de l'allocataire / du conjoint, indication du responsable du dossier",
            ],
        },
    ]
    for rubrique in rubriques_du_profil(code):
        droit = acces(code, rubrique.code)
        if droit is None:  # the matrix and the rules disagree: never print more than is granted
            continue
        blocs.append({"type": "sous_titre", "texte": f"Rubrique « {droit.titre} »"})
        if droit.prestations is not None:
            libelles = [
                Prestation(p).label for p in sorted(droit.prestations, key=lambda p: _ORDRE_PRESTATIONS.get(p, 99))
            ]
            blocs.append({"type": "paragraphe", "texte": "Prestations concernées : " + ", ".join(libelles) + "."})
        historique = _historique(droit)
        if historique:
            blocs.append({"type": "paragraphe", "texte": historique})
        blocs.append({"type": "liste", "elements": [c.libelle for c in rubrique.champs if droit.voit(c.code)]})
    if convention.caisse.dialogue_ouvert:
        blocs.append({"type": "sous_titre", "texte": "Rubrique « Dialogue »"})
        blocs.append(
            {
                "type": "paragraphe",
                "texte": f"Rubrique de dialogue avec la {convention.caisse.nom}, ouverte par la Caf : "
                "elle permet aux utilisateurs habilités d'adresser un message à la Caf.",
            }
        )
    return blocs


def annexe_partage_des_donnees() -> list[dict]:
    """04-…, annexe "Partage des données dans le domaine social" (T1, T2 and T3 only)."""
    return [
        {"type": "titre", "texte": TITRE_PARTAGE},
        {"type": "mention", "texte": "Cette annexe est spécifique aux profils T1, T2 et T3."},
        {
            "type": "paragraphe",
            "texte": "Le partenaire doit connaître le numéro d'allocataire pour accéder aux données des Caf.",
        },
        {
            "type": "paragraphe",
            "texte": "Le service Cafpro offre à des tiers intervenant dans le domaine social la possibilité "
            "technique d'accéder au dossier d'allocataires pour l'exercice de leur mission, bien qu'il "
            "n'existe pas de texte réglementaire comme pour les prestations légales autorisant la "
            "communication d'informations.",
        },
        {"type": "sous_titre", "texte": "Position de la Cnil concernant le secret partagé dans le domaine social"},
        {
            "type": "paragraphe",
            "texte": "Lors d'une saisine en octobre 2002, la Commission Nationale de l'Informatique et des "
            "Libertés a précisé sa position. Elle considère que :",
        },
        {
            "type": "paragraphe",
            "texte": "« dans le domaine social les données ne peuvent être partagées entre entités concourant "
            "à la prise en charge d'une même personne que dans la mesure où :",
        },
        {
            "type": "liste",
            "elements": [
                "ces communications sont limitées aux seules données nécessaires à cette prise en charge,",
                "la confidentialité des données est assurée,",
                "la personne concernée, préalablement informée, ne s'est pas opposée à ces transmissions. »",
            ],
        },
        {
            "type": "paragraphe",
            "texte": "Pour prendre en compte cette orientation au regard de la loi informatique et libertés "
            "n° 78-17 du 6 janvier 1978, la convention de service Cafpro fait obligation aux tiers "
            "concernés de s'assurer que l'allocataire n'est pas opposé à la consultation de son dossier.",
        },
        {
            "type": "paragraphe",
            "texte": "À cet effet, vous trouverez ci-dessous un modèle d'information des allocataires destiné "
            "aux tiers concernés.",
        },
        {
            "type": "sous_titre",
            "texte": "Modèle d'information des personnes au regard du secret partagé dans le domaine social",
        },
        {"type": "paragraphe", "texte": SALUTATION},
        {
            "type": "paragraphe",
            "texte": "Nous vous informons que la Caisse d'allocations familiales met à notre disposition un "
            "service Internet à caractère professionnel qui nous permet de consulter les éléments de votre "
            "dossier nécessaires à l'exercice de notre mission.",
        },
        {
            "type": "paragraphe",
            "texte": "Conformément à la loi « informatique et libertés » n° 78-17 du 6 janvier 1978, nous vous "
            "rappelons que vous pouvez vous opposer à la consultation de ces informations en nous "
            "contactant. Dans ce cas, il vous appartient de nous fournir les informations nécessaires au "
            "traitement de votre dossier.",
        },
    ]


# --- The convention -------------------------------------------------------------------------


def _portee(convention: Convention) -> list[dict]:
    """Which Cafs' dossiers the access covers (02-… II.2; manual, Cinématique)."""
    caisse = convention.caisse
    if convention.portee == Portee.NATIONALE:
        return [
            {
                "type": "paragraphe",
                "texte": "L'accès est national : il porte sur les dossiers gérés par l'ensemble des Caf. "
                "L'utilisateur saisit le code postal de l'allocataire avant son numéro d'allocataire.",
            }
        ]
    if convention.portee == Portee.MULTI_CAF:
        couvertes = convention.caisses_accessibles().order_by("numero")
        return [
            {
                "type": "paragraphe",
                "texte": "L'accès est multi-Caf : il porte sur les dossiers gérés par les Caf suivantes. "
                "L'utilisateur saisit le code postal de l'allocataire avant son numéro d'allocataire.",
            },
            {"type": "liste", "elements": [f"{c.numero} — {c.nom}" for c in couvertes]},
        ]
    return [
        {
            "type": "paragraphe",
            "texte": f"La consultation est limitée aux informations gérées par la {caisse.nom}, signataire "
            "de la présente convention.",
        }
    ]


def _colonne_signature(titre: str, signataire: str, signee_le: date | None) -> dict:
    """A recorded signature is stated with its date and signatory; otherwise the column is
    left blank, to be signed by hand: a signature that is not recorded is never claimed."""
    if signee_le and signataire.strip():
        return {"titre": titre, "mention": f"Signée le {date_longue(signee_le)} par {signataire}", "nom": signataire}
    return {"titre": titre, "mention": "Le .................................... Signature :", "nom": ""}


def convention(convention: Convention, le: date) -> tuple[str, list[dict]]:
    caisse, partenaire, code = convention.caisse, convention.partenaire, convention.profil
    caf = caisse.nom
    titre = titre_court(f"{TITRE_CONVENTION} — n° {convention.numero}")
    articles: list[dict] = [
        {"type": "sous_titre", "texte": "Article 1 : Objectifs"},
        {
            "type": "paragraphe",
            "texte": f"Les vocations et compétences respectives de la {caf} et du partenaire les conduisent à "
            "utiliser différentes formes de relations, afin d'échanger les informations nécessaires à "
            "l'accomplissement de leurs missions vis-à-vis des publics allocataires qui leur sont communs.",
        },
        {
            "type": "paragraphe",
            "texte": "Dans le but de développer et de faciliter l'accès à l'information individualisée "
            f"concernant les bénéficiaires de prestations familiales, la {caf} propose à son partenaire la "
            f"capacité de consulter certaines données de la base allocataire, propriété de la {caf}, par "
            "l'intermédiaire du service Cafpro, en utilisant un accès sécurisé spécifiquement prévu pour cela.",
        },
        {"type": "sous_titre", "texte": "Article 2 : Nature du service"},
        {
            "type": "paragraphe",
            "texte": f"La {caf} propose au partenaire la consultation des données du compte allocataire "
            "limitativement nécessaires à l'accomplissement de sa mission selon les dispositions de l'acte "
            "réglementaire de la Cnaf en date du 19 avril 2006.",
        },
        {
            "type": "paragraphe",
            "texte": "Le partenaire s'engage à utiliser l'accès dans le respect de la finalité au titre de "
            f"laquelle il est attribué. Les catégories de données accessibles (profil {code}) figurent dans "
            "l'annexe « Profil d'accès ».",
        },
        *_portee(convention),
    ]
    if code in PROFILS_SECRET_PARTAGE:
        articles.append(
            {
                "type": "paragraphe",
                "texte": "Le partenaire s'engage à s'assurer que l'allocataire n'est pas opposé à la consultation "
                "de son dossier (voir l'annexe « Partage des données dans le domaine social »).",
            }
        )
    articles += [
        {"type": "sous_titre", "texte": "Article 3 : Accès au service"},
        {
            "type": "paragraphe",
            "texte": f"La {caf} délivre les habilitations d'accès individuelles aux agents nommément désignés "
            "par le partenaire. Le partenaire s'engage à limiter le nombre de demandes d'habilitations en "
            "fonction des besoins de consultation.",
        },
        {"type": "paragraphe", "texte": "Pour accéder aux informations qui lui sont proposées, l'utilisateur :"},
        {
            "type": "liste",
            "elements": [
                "se connecte au service Cafpro, accessible par le portail Internet des Caf (www.caf.fr) ;",
                f"saisit son identifiant et son mot de passe attribués par la {caf} ;",
                "saisit le numéro de l'allocataire pour lequel des informations sont demandées.",
            ],
        },
        {"type": "sous_titre", "texte": "Article 4 : Sécurité - Confidentialité"},
        {
            "type": "paragraphe",
            "texte": "La mise en œuvre de la procédure sécurisée d'accès donne lieu, pour chaque utilisateur, à "
            "la signature d'une demande d'accès au service Cafpro l'engageant à ne transmettre les codes "
            "d'accès à aucune autre personne physique ou morale, y compris les autres agents du partenaire "
            "déjà habilités.",
        },
        {
            "type": "paragraphe",
            "texte": f"La présence du numéro d'identification de l'agent habilité permet à la {caf} de "
            "s'assurer que la demande est formulée en application de la présente convention et conformément "
            "à l'acte réglementaire.",
        },
        {
            "type": "paragraphe",
            "texte": "Le partenaire s'engage à respecter les règles régissant le secret professionnel lors de la "
            "consultation et de l'utilisation des informations individualisées présentes sur la base "
            "allocataire, en particulier vis-à-vis des tiers non autorisés. Il s'engage également à faire "
            "respecter ces règles par son personnel.",
        },
        {
            "type": "paragraphe",
            "texte": "L'usage de l'accès au fichier est contrôlé sous la responsabilité du directeur de la Caf. "
            "Tous les accès au service et tentatives infructueuses de connexion font l'objet d'un "
            "enregistrement et d'un contrôle.",
        },
        {
            "type": "paragraphe",
            "texte": f"En cas de perte ou de vol des identifiants ou des mots de passe, le partenaire en informe "
            f"immédiatement la {caf}, qui lui délivre une nouvelle habilitation.",
        },
        {
            "type": "paragraphe",
            "texte": f"Le partenaire s'engage à informer la {caf}, sans tarder, de tout changement ou fin de "
            "mission d'un de ses agents habilités.",
        },
        {
            "type": "paragraphe",
            "texte": f"La {caf} se réserve à tout moment le droit de modifier les mots de passe. Le nouveau mot "
            "de passe est notifié à la personne nommément habilitée avant sa mise en exploitation.",
        },
        {"type": "sous_titre", "texte": "Article 5 : Non-respect des obligations"},
        {
            "type": "paragraphe",
            "texte": f"En cas de non-respect de l'une des présentes dispositions, la {caf} se réserve la "
            "faculté de mettre un terme immédiatement à la présente convention et d'engager le cas échéant "
            "les actions nécessaires.",
        },
        {"type": "sous_titre", "texte": "Article 6 : Durée de la convention"},
        {
            "type": "paragraphe",
            "texte": f"La présente convention prend effet le {date_longue(convention.date_effet)} pour une "
            "durée d'un an. Elle se renouvelle par tacite reconduction par période d'un an.",
        },
        {
            "type": "paragraphe",
            "texte": "La présente convention pourra être dénoncée par l'une ou l'autre des parties "
            "contractantes, pour un motif autre que celui prévu à l'article 5, deux mois avant "
            "l'échéance annuelle.",
        },
    ]
    partenaire_lignes = [
        f"{partenaire.raison_sociale}, ci-après dénommé « le partenaire »",
        f"Numéro SIRET : {siret_lisible(partenaire.siret)}",
        f"Siège social : {adresse_sur_une_ligne(partenaire)}",
    ]
    if partenaire.representant_nom:
        partenaire_lignes.append(f"Représenté par {representant(partenaire)}")
    if partenaire.telephone:
        partenaire_lignes.append(f"Téléphone : {partenaire.telephone}")
    if partenaire.email:
        partenaire_lignes.append(f"Adresse électronique : {partenaire.email}")
    caf_lignes = [f"La {caf}", "Siège social : " + ", ".join(lignes(caisse.adresse) or [caisse.ville])]
    if convention.signataire_caf.strip():
        caf_lignes.append(f"Représentée par {convention.signataire_caf}")
    else:
        caf_lignes.append("Représentée par son Directeur")
    blocs: list[dict] = [
        entete_caf(caisse, destinataire_representant(partenaire)),
        {"type": "titre", "texte": TITRE_CONVENTION},
        {"type": "paragraphe", "texte": f"Numéro de la convention : {convention.numero} – {code}", "gras": True},
        {"type": "paragraphe", "texte": f"Partenaire : {partenaire.raison_sociale}"},
        {"type": "paragraphe", "texte": f"Profil d'accès : {intitule_profil(code)}"},
        {"type": "sous_titre", "texte": "Préambule"},
        {
            "type": "paragraphe",
            "texte": "Dans le cadre des moyens informatiques dont disposent les Caf pour répondre aux besoins "
            "de communication d'information des tiers, l'application Cafpro est proposée pour permettre un "
            "accès aux données des dossiers allocataires en temps réel.",
        },
        {
            "type": "paragraphe",
            "texte": "La présente convention a pour objet de définir les modalités d'organisation du service "
            "Cafpro proposées aux partenaires.",
        },
        {
            "type": "paragraphe",
            "texte": "Des annexes sont jointes à la convention afin de préciser les spécificités du profil ainsi "
            "que les modalités pratiques de gestion des accès.",
        },
        {"type": "sous_titre", "texte": "Convention de service entre :"},
        {"type": "paragraphe", "texte": "\n".join(caf_lignes) + "\nd'une part,"},
        {"type": "paragraphe", "texte": "et"},
        {"type": "paragraphe", "texte": "\n".join(partenaire_lignes) + "\nd'autre part,"},
        {"type": "paragraphe", "texte": "Il est convenu ce qui suit :"},
        *articles,
        {"type": "paragraphe", "texte": f"Fait en double exemplaire, à {caisse.ville}."},
        {
            "type": "signatures",
            "colonnes": [
                _colonne_signature(f"Pour la {caf}", convention.signataire_caf, convention.date_signature_caf),
                _colonne_signature(
                    f"Pour le partenaire, {partenaire.raison_sociale}",
                    convention.signataire_partenaire,
                    convention.date_signature_partenaire,
                ),
            ],
        },
        {"type": "mention", "texte": f"Document édité par la {caf} le {date_longue(le)}."},
        {"type": "saut_de_page"},
        *annexe_profil(convention),
    ]
    if code in PROFILS_SECRET_PARTAGE:
        blocs += [{"type": "saut_de_page"}, *annexe_partage_des_donnees()]
    return titre, blocs


# --- The covering letter and the désignation form ------------------------------------------


def lettre_envoi(convention: Convention, le: date) -> tuple[str, list[dict]]:
    """04-… (Yvelines) and 02-… annexe 3 first letter: the convention in two copies, the
    demandes d'accès, the désignation form and the demandes de suppression."""
    caisse, partenaire = convention.caisse, convention.partenaire
    if convention.date_signature_caf and convention.signataire_caf.strip():
        signee = f", dûment signée par {convention.signataire_caf} pour la {caisse.nom}"
    else:
        signee = ""
    if convention.date_signature_partenaire:
        retour = (
            ", dont un exemplaire est à conserver par vos soins (signée pour le partenaire le "
            f"{date_longue(convention.date_signature_partenaire)})"
        )
    else:
        retour = ", que vous voudrez bien me retourner signés par vos soins"
    titre = f"Envoi de la convention Cafpro n° {convention.numero}"
    blocs = [
        entete_caf(caisse, destinataire_representant(partenaire)),
        lieu_date(caisse, le),
        {"type": "paragraphe", "texte": "LETTRE RECOMMANDÉE AVEC ACCUSÉ DE RÉCEPTION", "gras": True},
        {
            "type": "objet",
            "texte": f"Convention Cafpro n° {convention.numero}\nConvention de service pour la consultation "
            f"d'informations de la base allocataire de la {caisse.nom} par l'intermédiaire du service Cafpro",
        },
        {"type": "paragraphe", "texte": SALUTATION},
        {
            "type": "paragraphe",
            "texte": "Je vous prie de bien vouloir trouver, ci-joint, l'ensemble des documents nécessaires à "
            "l'ouverture d'un accès à la base allocataires de mon organisme :",
        },
        {
            "type": "liste",
            "elements": [
                f"la convention citée en objet en deux exemplaires{signee}{retour} ;",
                "des demandes d'accès pour les utilisateurs, à me retourner signées par chaque futur "
                "utilisateur et par l'employeur ;",
                "la désignation d'un responsable habilitations, à me retourner également signée ;",
                "des demandes de suppression d'accès à Cafpro.",
            ],
        },
        {
            "type": "paragraphe",
            "texte": "Restant à votre disposition, je vous prie d'agréer, Madame, Monsieur, l'expression de mes "
            "salutations distinguées.",
        },
        signature_caf(caisse),
    ]
    return titre, blocs


def designation_responsable(
    partenaire: Partenaire, le: date, designation: DesignationResponsable | None = None
) -> tuple[str, list[dict]]:
    """04-… form "désignation d'un responsable habilitations", prefilled with the partner and,
    if given, a désignation received."""
    caisse = partenaire.caisse
    d = designation
    blocs = [
        entete_caf(caisse, directeur_caf(caisse)),
        {"type": "objet", "texte": "Désignation d'un responsable habilitations"},
        {
            "type": "champs",
            "lignes": [
                ["Nom du partenaire signataire de la convention", partenaire.raison_sociale],
                ["Numéro SIRET", siret_lisible(partenaire.siret)],
                ["Adresse", adresse_sur_une_ligne(partenaire)],
                ["Nom / Prénom du responsable habilitations", nom_responsable(d)],
                ["(Adresse si différente)", ", ".join(lignes(d.adresse)) if d else ""],
                ["Tél. professionnel", d.telephone if d else ""],
                ["Fax professionnel", d.telecopie if d else ""],
                ["Adresse électronique professionnelle", d.email if d else ""],
            ],
        },
        {
            "type": "paragraphe",
            "texte": "Ces coordonnées seront utilisées par la Caf uniquement dans le cadre de la gestion de "
            "l'accès Cafpro.",
        },
        {
            "type": "paragraphe",
            "texte": "Nota : le changement de responsable habilitations doit faire l'objet d'une nouvelle "
            "désignation auprès de la Caf.",
            "gras": True,
        },
        {
            "type": "paragraphe",
            "texte": "Selon l'organisation du partenaire, le responsable habilitations peut être le signataire "
            "de la convention lui-même.",
        },
        {
            "type": "champs",
            "lignes": [["Date", date_longue(d.date_designation) if d and d.date_designation else ""]],
        },
        {
            "type": "signatures",
            "colonnes": [
                {
                    "titre": "Pour le partenaire (signataire de la convention)",
                    "mention": "Signature (précédée de « lu et approuvé »)",
                    "nom": representant(partenaire),
                },
                {
                    "titre": "Le responsable habilitations",
                    "mention": "Signature (précédée de « lu et approuvé »)",
                    "nom": nom_responsable(d),
                },
            ],
        },
    ]
    if d is not None:
        blocs.append({"type": "mention", "texte": f"Désignation reçue par la Caf le {date_longue(d.recue_le)}."})
    blocs.append({"type": "mention", "texte": f"Formulaire édité par la {caisse.nom} le {date_longue(le)}."})
    return titre_court(f"Désignation d'un responsable habilitations — {partenaire.raison_sociale}"), blocs
