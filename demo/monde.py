"""The whole demo world, built in one transaction by `manage.py demo`: the conventions and
their habilitations, the staff, the dossiers of every demo Caf, a month of journal. Running it
twice changes nothing: every record is looked up by its natural key first. The documented
dossiers are the exception: they are recreated on each run, so that they are back to their
documented state and dated up to today."""

from django.utils import timezone

from conventions.models import Caisse, Convention
from dossiers.models import Personne, RoleDansLeFoyer

from .comptes import habilitation, identifiant_demo, mot_de_passe_demo, personnel
from .conventions import CONVENTIONS, NOUVEL_AGENT, DemoConvention, convention
from .dialogue import dialogue_de_demo
from .dossiers import CAISSES_DEMO, dossiers_documentes, generer_dossiers, recreer_dossiers_documentes
from .journal import journal_de_demo
from .responsables import responsable_de_demo
from .revue import revue_de_demo

# "A few hundred realistic dossiers per demo Caf"; `manage.py demo --dossiers` changes it.
DOSSIERS_GENERES = 200


def construire(dossiers_generes: int = DOSSIERS_GENERES) -> dict:
    """Build (or complete) the world; return what the listing shows."""
    caisses = {c.numero: c for c in Caisse.objects.all()}
    habilitations = habilitations_de_demo(caisses)
    staff = personnel(caisses)
    # The optional Dialogue opened by one Caf, with an answer waiting for one of its agents.
    dialogue = dialogue_de_demo(caisses)
    dossiers = dossiers_de_demo(caisses, dossiers_generes)
    # A month of journal des accès for the Responsables Sécurité's screens (written once).
    journal_de_demo([h["identifiant"] for h in habilitations])
    # The yearly review of accesses open on one convention (issue 16).
    revue = revue_de_demo()
    # The partner's responsable habilitations and his space (issue 16).
    responsable = responsable_de_demo()
    return {
        "habilitations": habilitations,
        "staff": staff,
        "dossiers": dossiers,
        "dialogue": dialogue,
        "revue": revue,
        "responsable": responsable,
    }


def habilitations_de_demo(caisses: dict[str, Caisse]) -> list[dict]:
    """One active habilitation per convention, then a new agent of the T13 convention with the
    password the Caf has just issued: his first login asks to choose a new one."""
    habilitations = []
    for demo in CONVENTIONS:
        identifiant, mot_de_passe = identifiant_demo(demo.cle), mot_de_passe_demo(demo.cle)
        habilitation(demo, convention(demo, caisses), identifiant, mot_de_passe)
        habilitations.append(decrire(demo, identifiant, mot_de_passe))
    demo = NOUVEL_AGENT
    existante = Convention.objects.get(caisse__numero=demo.caisse, numero=demo.numero)
    identifiant, mot_de_passe = identifiant_demo(demo.cle), mot_de_passe_demo(demo.cle)
    habilitation(demo, existante, identifiant, mot_de_passe, provisoire=True)
    habilitations.append(decrire(demo, identifiant, mot_de_passe, provisoire=True))
    return habilitations


def dossiers_de_demo(caisses: dict[str, Caisse], nombre: int) -> list[dict]:
    """In each demo Caf, the documented dossiers back to their documented state, then the
    generated ones that are missing; returns the documented ones, each with the code postal an
    agent of a multi-Caf or national access types to reach it."""
    jour = timezone.localdate()
    documentes = []
    for numero in CAISSES_DEMO:
        caisse = caisses[numero]
        crees = recreer_dossiers_documentes(caisse, jour)
        responsables = Personne.objects.filter(dossier__in=crees, role=RoleDansLeFoyer.RESPONSABLE)
        appellations = {p.dossier_id: p.appellation for p in responsables}
        for dossier, (numero_allocataire, cas) in zip(crees, dossiers_documentes(numero), strict=True):
            documentes.append(
                {
                    "caisse": numero,
                    "numero": numero_allocataire,
                    "code_postal": dossier.code_postal,
                    "cas": cas,
                    "responsable": appellations[dossier.pk],
                }
            )
        generer_dossiers(caisse, nombre, jour)
    return documentes


def decrire(demo: DemoConvention, identifiant: str, mot_de_passe: str, provisoire: bool = False) -> dict:
    return {
        "identifiant": identifiant,
        "password": mot_de_passe,
        "profil": demo.profil,
        "caisse": demo.caisse,
        "scope": demo.portee,
        "convention": demo.numero,
        "partenaire": demo.partenaire,
        # True: a password just issued by the Caf, to replace at the first login.
        "mot_de_passe_provisoire": provisoire,
    }
