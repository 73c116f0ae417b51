"""Reading a dossier for one profile: the only code that reads allocataire data.

Each rubrique has a reader that is given the profile's `Acces` (profils.rubriques) and
asks the database only for the columns of the fields granted (`champs.valeurs_accordees`),
over the depth granted; what it returns holds nothing else, so a template cannot show more
than the profile may see. Every reader runs a fixed number of queries, whatever the length
of the histories.

A reading happens in two steps, because the journal must record the period before any
data is read (DESIGN §3, "Journal before data"): `choisir_periode` looks only at dates,
then `lire` reads the rubrique.

The readers, by family of rubriques: `foyer` (the header, Dossier, Famille, Enfants,
Courrier), `prestations` (Paiements, Droits, Attestation de paiement, Rmi - Api, Rsa, Cmu,
Maladie maternité, Créances), `ressources` (Ressources, Cmuc Ressources, QF Cnaf, QF Caf,
Déclaration de ressources), `logement` (Logement, Adresse, Résidence) and
`aide_juridictionnelle` (T12's Paiements).
"""

from collections.abc import Callable
from datetime import date

from dossiers.models import NatureQuotient
from profils.prestations import PRESTATIONS_RMI_API, Prestation
from profils.rubriques import Acces

from .aide_juridictionnelle import (
    MODE_PAR_DEFAUT,
    MODES_AIDE_JURIDICTIONNELLE,
    DemandeAideJuridictionnelle,
    PeriodeDemandee,
    mois_de_la_demande,
    paiements_aide_juridictionnelle,
    periode_demandee,
)
from .foyer import entete, lire_courrier, lire_dossier, lire_enfants, lire_famille
from .logement import lire_adresse, lire_logement, lire_residence
from .periode import PeriodeAffichee, choisir_periode
from .prestations import (
    lecteur_minimum_social,
    lire_attestation,
    lire_cmu,
    lire_creances,
    lire_droits,
    lire_maladie_maternite,
    lire_paiements,
)
from .ressources import lecteur_quotient, lire_declarations, lire_ressources
from .restitution import Fiche, PaiementDetaille, Paiements, Restitution, Tableau

__all__ = [
    "LECTEURS",
    "MODES_AIDE_JURIDICTIONNELLE",
    "MODE_PAR_DEFAUT",
    "DemandeAideJuridictionnelle",
    "Fiche",
    "PaiementDetaille",
    "Paiements",
    "PeriodeAffichee",
    "PeriodeDemandee",
    "Restitution",
    "Tableau",
    "choisir_periode",
    "entete",
    "lire",
    "mois_de_la_demande",
    "paiements_aide_juridictionnelle",
    "periode_demandee",
]

Lecteur = Callable[[int, Acces, PeriodeAffichee, date], Restitution]

LECTEURS: dict[str, Lecteur] = {
    "paiements": lire_paiements,
    "dossier": lire_dossier,
    "famille": lire_famille,
    "enfants": lire_enfants,
    "droits": lire_droits,
    "logement": lire_logement,
    "rmi-api": lecteur_minimum_social(PRESTATIONS_RMI_API, "Rmi - Api"),
    "rsa": lecteur_minimum_social(frozenset({Prestation.RSA}), "Rsa"),
    "ressources": lire_ressources,
    "creances": lire_creances,
    "qf-cnaf": lecteur_quotient(NatureQuotient.CNAF),
    "qf-caf": lecteur_quotient(NatureQuotient.CAF),
    "maladie-maternite": lire_maladie_maternite,
    "cmu": lire_cmu,
    "cmuc-ressources": lire_ressources,
    "residence": lire_residence,
    "adresse": lire_adresse,
    "attestation-paiement": lire_attestation,
    "courrier": lire_courrier,
    "declaration-ressources": lire_declarations,
}


def lire(dossier_id: int, acces: Acces, periode: PeriodeAffichee, jour: date) -> Restitution:
    """The rubrique of `acces`, as the profile may see it, for the period chosen beforehand."""
    return LECTEURS[acces.rubrique.code](dossier_id, acces, periode, jour)
