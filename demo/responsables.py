"""The demo's responsable habilitations (issue 16): the one the Métropole Aix-Marseille-Provence
designated for its T13 convention (Caf 131), with a known password and TOTP key printed in the
listing, so that a newcomer can try /espace/: file a demande d'accès, then validate it as the
Caf 131 gestionnaire. Made once from the partner's désignation (04-… forms, « désignation d'un
responsable habilitations »); each run puts the account back (password, lock, charge), journaled
as the other demo accounts are."""

import base64

from conventions.models import Convention, DesignationResponsable
from habilitations.models import CompteurEchecs, RattachementResponsable, ResponsableHabilitations, TypeCompte, User
from responsables.connexion import cle

from .comptes import identifiant_demo, journaliser_remise_en_etat, mot_de_passe_demo, second_facteur
from .conventions import CONVENTIONS

DEMO = CONVENTIONS[0]
NOM, PRENOM = "ROUX", "Claire"


def _cle() -> str:
    return f"responsable:{DEMO.cle}"


def identifiant_responsable_demo() -> str:
    return identifiant_demo(_cle())


def responsable_de_demo() -> dict:
    convention = Convention.objects.select_related("partenaire").get(caisse__numero=DEMO.caisse, numero=DEMO.numero)
    identifiant, mot_de_passe = identifiant_demo(_cle()), mot_de_passe_demo(_cle())
    responsable = ResponsableHabilitations.objects.select_related("user").filter(user__username=identifiant).first()
    remis = []
    if responsable is None:
        designation = DesignationResponsable.objects.filter(partenaire=convention.partenaire, nom=NOM).first()
        if designation is None:
            designation = DesignationResponsable.objects.create(
                partenaire=convention.partenaire,
                nom=NOM,
                prenom=PRENOM,
                email="claire.roux@partenaire-demo.invalid",
                recue_le=DEMO.date_effet,
                enregistree_par="demo",
            )
        user = User.objects.create_user(identifiant, mot_de_passe, type_compte=TypeCompte.RESPONSABLE)
        responsable = ResponsableHabilitations.objects.create(
            user=user,
            partenaire=convention.partenaire,
            designation=designation,
            nom=NOM,
            prenom=PRENOM,
            email=designation.email,
        )
    else:
        user = responsable.user
        if not user.check_password(mot_de_passe):
            user.set_password(mot_de_passe)
            remis.append("mot de passe")
        if not user.is_active:
            user.is_active = True
            remis.append("réactivation")
        if remis:
            user.save(update_fields=["password", "is_active"])
        if CompteurEchecs.objects.filter(cle=cle(identifiant), echecs__gt=0).update(echecs=0):
            remis.append("échecs de connexion effacés")
    if not responsable.rattachements.en_cours().filter(convention=convention).exists():
        if RattachementResponsable.objects.filter(convention=convention, fin_le__isnull=True).count() < 2:
            RattachementResponsable.objects.create(responsable=responsable, convention=convention)
            if remis or responsable.rattachements.count() > 1:
                remis.append("convention confiée de nouveau")
    journaliser_remise_en_etat(user, remis)
    appareil = second_facteur(user)
    return {
        "identifiant": identifiant,
        "password": mot_de_passe,
        "nom": f"{PRENOM} {NOM}",
        "caisse": DEMO.caisse,
        "convention": convention.numero,
        "totp_key": appareil.key,
        "totp_base32": base64.b32encode(appareil.bin_key).decode(),
    }
