"""The prestations named by the profile rules and recorded in the dossiers.

Labels are the Caf's plain names (manual: "des libellés clairs et non codés").
"""

from django.db import models


class Prestation(models.TextChoices):
    AF = "AF", "Allocations familiales"
    CF = "CF", "Complément familial"
    ARS = "ARS", "Allocation de rentrée scolaire"
    PAJE = "PAJE", "Prestation d'accueil du jeune enfant — allocation de base"
    CLCA = "CLCA", "Complément de libre choix d'activité"
    APE = "APE", "Allocation parentale d'éducation à taux plein"
    AJPP = "AJPP", "Allocation journalière de présence parentale"
    ASF = "ASF", "Allocation de soutien familial"
    AEEH = "AEEH", "Allocation d'éducation de l'enfant handicapé"
    ALF = "ALF", "Allocation de logement familiale"
    ALS = "ALS", "Allocation de logement sociale"
    APL = "APL", "Aide personnalisée au logement"
    RSA = "RSA", "Revenu de solidarité active"
    RMI = "RMI", "Revenu minimum d'insertion"
    API = "API", "Allocation de parent isolé"
    AAH = "AAH", "Allocation aux adultes handicapés"
    CR_AAH = "CRAAH", "Complément de ressources AAH"
    MVA = "MVA", "Majoration pour la vie autonome"
    PPA = "PPA", "Prime d'activité"


# Prestations that open or keep a right to sickness and maternity insurance (05-…, T6).
PRESTATIONS_AFFILIATION_MALADIE = frozenset(
    {Prestation.API, Prestation.AAH, Prestation.APE, Prestation.CLCA, Prestation.AJPP}
)
# Minimum-income prestations giving the automatic right to the Cmu (05-…, T6 and T8).
PRESTATIONS_CMU = frozenset({Prestation.RSA, Prestation.RMI})
PRESTATIONS_RMI_API = frozenset({Prestation.RMI, Prestation.API})
PRESTATIONS_LOGEMENT = frozenset({Prestation.ALF, Prestation.ALS, Prestation.APL})
# T12: "l'allocation aux adultes handicapés, le Complément de ressources AAH et la majoration
# pour la vie autonome" (02-…, annexe 3).
PRESTATIONS_AIDE_JURIDICTIONNELLE = frozenset({Prestation.AAH, Prestation.CR_AAH, Prestation.MVA})
