"""The demo's « Rubrique de dialogue » (issue 16): opened by the Caf of the Charente, the Caf of
the manual's screen (02-…, annexe 4, « Rubrique de dialogue »: « CAF de la Charente »), so that a
newcomer finds the pictogram in the banner; one message of a partner agent of that Caf, already
answered by its gestionnaire, so that the banner shows « Dialogue (1 réponse) » to that agent.

Every run opens the rubrique again (a closure by hand is undone: a flag of the référentiel, not an
account, so nothing is journaled); the message and its answer are made once, looked up first: a
second run changes nothing."""

from datetime import timedelta

from django.utils import timezone

from conventions.models import Caisse
from dialogue.models import Message, Reponse
from habilitations.models import Role, User

from .comptes import identifiant_demo, staff_username

CAISSE_DIALOGUE = "161"
# The CCAS d'Angoulême's instructrice RSA (demo.conventions): a local access of the Charente.
AUTEUR = "t4-ccas-angouleme"
QUESTION = (
    "Bonjour, l'allocataire n° 1000001 nous dit avoir envoyé sa déclaration trimestrielle de "
    "ressources au début du mois, mais son RSA n'apparaît pas encore dans les paiements. "
    "Pouvez-vous nous dire si la déclaration est parvenue à la Caf ? Merci."
)
REPONSE = (
    "Bonjour, la déclaration trimestrielle de l'allocataire n° 1000001 est bien parvenue ; elle est en cours de "
    "traitement et le paiement suivra dans la semaine. Cordialement, le service des prestations."
)


def dialogue_de_demo(caisses: dict[str, Caisse]) -> dict:
    """Open the rubrique, then the message and its answer; return what the listing shows."""
    caisse = caisses[CAISSE_DIALOGUE]
    if not caisse.dialogue_ouvert:
        caisse.dialogue_ouvert = True
        caisse.save(update_fields=["dialogue_ouvert"])
    auteur = User.objects.select_related("habilitation__convention__partenaire").get(username=identifiant_demo(AUTEUR))
    habilitation = auteur.habilitation
    il_y_a_deux_jours = timezone.now() - timedelta(days=2)
    message, _ = Message.objects.get_or_create(
        caisse=caisse,
        auteur=auteur,
        texte=QUESTION,
        defaults={
            "organisme": habilitation.convention.partenaire.raison_sociale,
            "nom_prenom": f"{habilitation.nom} {habilitation.prenom}",
            "courriel": habilitation.email,
            "recu_le": il_y_a_deux_jours,
            "traite": True,
        },
    )
    if not message.reponses.exists():
        Reponse.objects.create(
            message=message,
            auteur=User.objects.get(username=staff_username(CAISSE_DIALOGUE, Role.GESTIONNAIRE)),
            texte=REPONSE,
            envoyee_le=il_y_a_deux_jours + timedelta(hours=3),
        )
    return {"caisse": caisse.numero, "nom": caisse.nom, "agent": auteur.username}
