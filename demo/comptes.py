"""The demo's accounts: one active habilitation per convention with a known password, and the
gestionnaire and security officer of two Cafs with their second factor. Passwords are set
only when an account is made, or put back when a run finds them changed: each account a run
puts back (password, lock, suspension, dates of its password) gets one event in the journal
des accès, as a gestionnaire's action on it would; an account already as listed gets none."""

import base64
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from conventions.models import Caisse, Convention
from habilitations import verrou_personnel
from habilitations.codes import ALPHABET_IDENTIFIANT, LONGUEUR_IDENTIFIANT, cle_identifiant, generer_mot_de_passe
from habilitations.evenements import enregistrer_pour_compte
from habilitations.models import CompteurEchecs, Contrat, EtatHabilitation, Habilitation, Role, TypeCompte, User
from journal.models import Resultat, TypeEvenement

from .aleatoire import aleatoire
from .conventions import DemoConvention

# Staff of three Cafs, one overseas: a gestionnaire and a security officer each.
STAFF = tuple((numero, role) for numero in ("131", "161", "974") for role in (Role.GESTIONNAIRE, Role.SECURITE))
STAFF_NOMS = {
    ("131", Role.GESTIONNAIRE): ("Nathalie", "NOWARA"),
    ("131", Role.SECURITE): ("Alain", "BRUNET"),
    ("161", Role.GESTIONNAIRE): ("Françoise", "CAPDEVIELLE"),
    ("161", Role.SECURITE): ("Didier", "LEROUX"),
    ("974", Role.GESTIONNAIRE): ("Marie-Josée", "PAYET"),
    ("974", Role.SECURITE): ("Jean-Hugues", "HOARAU"),
}


def identifiant_demo(cle: str) -> str:
    rng = aleatoire("identifiant", cle)
    return "".join(rng.choice(ALPHABET_IDENTIFIANT) for _ in range(LONGUEUR_IDENTIFIANT))


def mot_de_passe_demo(cle: str) -> str:
    return generer_mot_de_passe(rng=aleatoire("mot-de-passe", cle))


# Who acted, in the journal, when the command puts an account back: the command itself, as
# journal_purge signs its own events.
ACTEUR = "demo"


def journaliser_remise_en_etat(user: User, remis: list[str]) -> None:
    """One event for an account the run put back, naming what it changed; none if nothing."""
    if remis:
        enregistrer_pour_compte(
            TypeEvenement.GESTION,
            Resultat.SUCCES,
            user,
            motif=f"remise en état du compte de démonstration (manage.py demo) : {', '.join(remis)}",
            acteur=ACTEUR,
        )


def staff_username(numero: str, role: str) -> str:
    return f"{'gestion' if role == Role.GESTIONNAIRE else 'securite'}.{numero}"


def staff_password(numero: str, role: str) -> str:
    return f"Cafpro-demo-{numero}-{role}"


def habilitation(
    demo: DemoConvention, convention: Convention, identifiant: str, mot_de_passe: str, provisoire=False
) -> None:
    """The convention's demo agent: made once, put back to what the listing says on each run."""
    existant = Habilitation.objects.select_related("user").filter(user__username=identifiant).first()
    if existant is not None:
        journaliser_remise_en_etat(existant.user, remettre_en_etat(existant, mot_de_passe, provisoire))
        return
    user = User.objects.create_user(identifiant, mot_de_passe, type_compte=TypeCompte.PARTENAIRE)
    prenom, nom, fonction = demo.agent
    Habilitation.objects.create(
        user=user,
        convention=convention,
        nom=nom,
        prenom=prenom,
        fonction=fonction,
        qualite_greffier=demo.qualite_greffier,
        adresse_professionnelle=f"{demo.partenaire}\n{demo.adresse}\n{demo.code_postal} {demo.ville}",
        telephone="01 23 45 67 89",
        email=f"{prenom.lower()}.{nom.lower()}@partenaire-demo.invalid",
        contrat=Contrat.CDI,
        etat=EtatHabilitation.ACTIVE,
        date_demande=demo.date_effet,
        date_ouverture=demo.date_effet,
        # Already chose its own password, so a person trying the portal logs straight in.
        mot_de_passe_change_le=None if provisoire else timezone.now(),
        mot_de_passe_provisoire_le=timezone.now() if provisoire else None,
    )


def remettre_en_etat(habilitation: Habilitation, mot_de_passe: str, provisoire: bool) -> list[str]:
    """Put a demo habilitation back to what the listing says, touching only what differs
    (a second run still changes nothing): its password, open state, fresh enough dates.
    Returns what it put back, for the journal."""
    remis = []
    user = habilitation.user
    if not user.check_password(mot_de_passe):
        user.set_password(mot_de_passe)
        user.save(update_fields=["password"])
        remis.append("mot de passe")
    if CompteurEchecs.objects.filter(cle=cle_identifiant(user.username), echecs__gt=0).update(echecs=0):
        remis.append("échecs de connexion effacés")
    maintenant = timezone.now()
    # Half the allowed periods: the listed logins keep working for weeks after a run.
    marge_provisoire = timedelta(days=settings.CAFPRO_ISSUED_PASSWORD_VALIDITY_DAYS / 2)
    marge_periodique = timedelta(days=settings.CAFPRO_PASSWORD_MAX_AGE_DAYS / 2)
    changements = {}
    if habilitation.etat != EtatHabilitation.ACTIVE or habilitation.date_suppression is not None:
        changements.update(etat=EtatHabilitation.ACTIVE, date_suppression=None)
        remis.append(
            {
                EtatHabilitation.VERROUILLEE: "déverrouillage",
                EtatHabilitation.SUSPENDUE: "réactivation",
                EtatHabilitation.DEMANDEE: "ouverture",
            }.get(habilitation.etat, "suppression annulée")
        )
    if habilitation.mot_de_passe_programme:
        # A gestionnaire's planned password would replace the listed one on its date.
        changements.update(mot_de_passe_programme="", mot_de_passe_programme_le=None)
        remis.append("mot de passe programmé annulé")
    if provisoire:
        emis = habilitation.mot_de_passe_provisoire_le
        if (
            emis is None
            or maintenant - emis > marge_provisoire
            or habilitation.mot_de_passe_change_le
            or habilitation.mot_de_passe_provisoire_utilise_le
        ):
            # Issued again, unused: the listed provisional login shows the forced change.
            changements.update(
                mot_de_passe_provisoire_le=maintenant,
                mot_de_passe_provisoire_utilise_le=None,
                mot_de_passe_change_le=None,
            )
            remis.append("mot de passe provisoire émis à nouveau")
    else:
        choisi = habilitation.mot_de_passe_change_le
        if choisi is None or maintenant - choisi > marge_periodique or habilitation.mot_de_passe_provisoire_le:
            changements.update(mot_de_passe_change_le=maintenant, mot_de_passe_provisoire_le=None)
            remis.append("validité du mot de passe renouvelée")
    if changements:
        for champ, valeur in changements.items():
            setattr(habilitation, champ, valeur)
        habilitation.save()
    return remis


def compte_du_personnel(numero: str, role: str, caisse: Caisse) -> User:
    """The staff account, made once; put back to its listed password, active and unlocked."""
    username, password = staff_username(numero, role), staff_password(numero, role)
    existant = User.objects.filter(username=username).first()
    if existant is not None:
        remis = []
        if not existant.check_password(password):
            existant.set_password(password)
            remis.append("mot de passe")
        if not existant.is_active:
            existant.is_active = True
            remis.append("réactivation")
        if remis:
            existant.save(update_fields=["password", "is_active"])
        bloque = verrou_personnel.est_bloque(username)
        if CompteurEchecs.objects.filter(cle=verrou_personnel.cle_personnel(username), echecs__gt=0).update(echecs=0):
            remis.append("connexion débloquée" if bloque else "échecs de connexion effacés")
        journaliser_remise_en_etat(existant, remis)
        return existant
    prenom, nom = STAFF_NOMS[(numero, role)]
    return User.objects.create_user(
        username,
        password,
        type_compte=TypeCompte.AGENT_CAF,
        caisse=caisse,
        role=role,
        is_staff=True,
        first_name=prenom,
        last_name=nom,
        email=f"{username}@caf-demo.invalid",
    )


def second_facteur(user: User) -> TOTPDevice:
    """The account's TOTP device, its key derived from the username."""
    cle = aleatoire("totp", user.username).randbytes(20).hex()
    appareil, _ = TOTPDevice.objects.get_or_create(
        user=user, name="Cafpro (démonstration)", defaults={"key": cle, "confirmed": True}
    )
    return appareil


def personnel(caisses: dict[str, Caisse]) -> list[dict]:
    """The staff of two Cafs, as listed."""
    staff = []
    for numero, role in STAFF:
        user = compte_du_personnel(numero, role, caisses[numero])
        appareil = second_facteur(user)
        staff.append(
            {
                "username": user.username,
                "password": staff_password(numero, role),
                "caisse": numero,
                "role": str(role),
                # Second factor: hex as django-otp stores it, base32 for authenticator apps.
                "totp_key": appareil.key,
                "totp_base32": base64.b32encode(appareil.bin_key).decode(),
            }
        )
    return staff
