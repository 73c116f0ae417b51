"""`manage.py demo`: a deterministic demo world, the same on every run.

Partners and conventions of several Cafs covering every profile of the matrix and the
three access scopes, one active habilitation per profile with a known password, and Caf
staff and security officers of two Cafs, and allocataire dossiers in every demo Caf (the
documented ones of `demo.dossiers.DOSSIERS_DOCUMENTES`, then generated ones). Running it twice
changes nothing: every record is looked up by its natural key first, and passwords are set
only when a record is made. The documented dossiers are the exception: they are recreated on
each run, so that they are back to their documented state and dated up to today.
The three partners named in the seeds keep their real references (conventions 2018-001,
2017 / 006 / T2 and 78/2016/XXAS – T2); the other names are invented.
"""

import base64
import dataclasses
import json
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.management import BaseCommand, CommandError, call_command
from django.db import transaction
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conventions.models import Caisse, CategoriePartenaire, Convention, DesignationResponsable, Partenaire, Portee
from conventions.validators import luhn_valide
from demo.dossiers import CAISSES_DEMO, DOSSIERS_DOCUMENTES, LIBELLES_CAS, generer_dossiers, recreer_dossiers_documentes
from demo.journal import journal_de_demo
from dossiers.models import Personne
from dossiers.models import Role as RoleDossier
from habilitations import verrou_personnel
from habilitations.codes import ALPHABET_IDENTIFIANT, LONGUEUR_IDENTIFIANT, cle_identifiant, generer_mot_de_passe
from habilitations.models import (
    CompteurEchecs,
    Contrat,
    EtatHabilitation,
    Habilitation,
    QualiteGreffier,
    Role,
    TypeCompte,
    User,
)


@dataclass(frozen=True)
class DemoConvention:
    cle: str
    caisse: str
    numero: str
    profil: str
    partenaire: str
    adresse: str
    code_postal: str
    ville: str
    representant: tuple[str, str]
    date_effet: date
    agent: tuple[str, str, str]  # prénom, nom, fonction
    portee: str = Portee.LOCALE
    caisses_multi: tuple[str, ...] = ()
    siret: str = ""
    signataire_caf: str = ""
    qualite_greffier: str = ""
    extra: dict = field(default_factory=dict)


CONVENTIONS = (
    DemoConvention(
        "t13-metropole-amp",
        "131",
        "2018-001",
        "T13",
        "Métropole Aix-Marseille-Provence",
        "58, boulevard Charles Livon",
        "13007",
        "Marseille",
        ("Jean-Claude GAUDIN", "Président"),
        date(2018, 3, 13),
        ("Sophie", "MARTINEZ", "Instructrice FSL"),
        signataire_caf="Jean-Pierre SOUREILLAT, Directeur Général",
    ),
    DemoConvention(
        "t2-essey",
        "541",
        "2017 / 006 / T2",
        "T2",
        "Mairie d'Essey-lès-Nancy",
        "Place de la République",
        "54270",
        "Essey-lès-Nancy",
        ("Michel BREUILLE", "Maire"),
        date(2017, 2, 13),
        ("Claire", "THIRIET", "Responsable du service enfance"),
        siret="21540184500015",
        signataire_caf="Juliette NOEL, Directrice",
    ),
    DemoConvention(
        "t2-saint-germain",
        "781",
        "78/2016/XXAS – T2",
        "T2",
        "Ville de Saint-Germain-en-Laye",
        "Hôtel de Ville, 16 rue de Pontoise",
        "78100",
        "Saint-Germain-en-Laye",
        ("Emmanuel LAMY", "Maire"),
        date(2016, 4, 1),
        ("Julien", "LEFEBVRE", "Agent du service famille"),
        signataire_caf="Elodie CLAIR, Directeur général",
    ),
    DemoConvention(
        "t1-cd13",
        "131",
        "2019-007",
        "T1",
        "Département des Bouches-du-Rhône — Direction de l'action sociale",
        "52, avenue de Saint-Just",
        "13004",
        "Marseille",
        ("Martine VASSAL", "Présidente"),
        date(2019, 5, 2),
        ("Nadia", "BENSAID", "Assistante de service social"),
    ),
    DemoConvention(
        "t6-cpam13",
        "131",
        "2019-012",
        "T6",
        "Caisse primaire d'assurance maladie des Bouches-du-Rhône",
        "8, rue Jules Moulet",
        "13006",
        "Marseille",
        ("Pierre ROUSSEL", "Directeur"),
        date(2019, 9, 1),
        ("Thierry", "GARCIA", "Technicien ouverture des droits"),
    ),
    DemoConvention(
        "t8-msa",
        "131",
        "2021-002",
        "T8",
        "MSA Provence-Azur",
        "152, avenue de Hambourg",
        "13008",
        "Marseille",
        ("Anne BERTRAND", "Directrice générale"),
        date(2021, 1, 15),
        ("Laurent", "CHABERT", "Gestionnaire CMU"),
        portee=Portee.MULTI_CAF,
        caisses_multi=("831", "841"),
    ),
    DemoConvention(
        "t10-bailleur",
        "131",
        "2020-003",
        "T10",
        "Logis Méditerranée Habitat",
        "25, rue Edouard Delanglade",
        "13006",
        "Marseille",
        ("Bernard OLIVIER", "Directeur général"),
        date(2020, 2, 1),
        ("Karima", "HADDAD", "Chargée de gestion locative"),
    ),
    DemoConvention(
        "t11-surendettement",
        "131",
        "2020-009",
        "T11",
        "Commission de surendettement des Bouches-du-Rhône",
        "1, place Estrangin-Pastré",
        "13006",
        "Marseille",
        ("Hélène ROCHE", "Secrétaire de la commission"),
        date(2020, 6, 1),
        ("Marc", "DURAND", "Instructeur des dossiers"),
    ),
    DemoConvention(
        "t12-baj-marseille",
        "131",
        "2021-014",
        "T12",
        "Tribunal judiciaire de Marseille — Bureau d'aide juridictionnelle",
        "6, rue Joseph Autran",
        "13006",
        "Marseille",
        ("Olivier LEURENT", "Président"),
        date(2021, 9, 1),
        ("Isabelle", "FABRE", "Greffière"),
        qualite_greffier=QualiteGreffier.GREFFIER,
    ),
    DemoConvention(
        "t14-cdc",
        "131",
        "2022-001",
        "T14",
        "Caisse des dépôts et consignations — Direction des retraites",
        "5, rue du Vergne",
        "33000",
        "Bordeaux",
        ("Michel YAHIEL", "Directeur des retraites"),
        date(2022, 1, 3),
        ("Patrick", "LAGARDE", "Gestionnaire pensions de réversion"),
        portee=Portee.NATIONALE,
    ),
    DemoConvention(
        "t3-vacances",
        "161",
        "16/2020/002",
        "T3",
        "Association Vacances et Familles de la Charente",
        "12, rue de Montmoreau",
        "16000",
        "Angoulême",
        ("Jeanne PETIT", "Présidente"),
        date(2020, 3, 1),
        ("Hugo", "BERNARD", "Coordinateur aides aux vacances"),
    ),
    DemoConvention(
        "t4-ccas-angouleme",
        "161",
        "16/2019/004",
        "T4",
        "Centre communal d'action sociale d'Angoulême",
        "1, place de l'Hôtel de Ville",
        "16000",
        "Angoulême",
        ("Xavier BONNEFONT", "Président"),
        date(2019, 4, 1),
        ("Émilie", "ROUSSEAU", "Instructrice RSA"),
    ),
    DemoConvention(
        "t5-cd16",
        "161",
        "16/2018/011",
        "T5",
        "Département de la Charente — Direction de l'insertion",
        "31, boulevard Émile Roux",
        "16000",
        "Angoulême",
        ("Jérôme SOURISSEAU", "Président"),
        date(2018, 11, 1),
        ("Paul", "MOREAU", "Référent RSA"),
    ),
    DemoConvention(
        "t9-udaf16",
        "161",
        "16/2019/007",
        "T9",
        "UDAF de la Charente — Service des majeurs protégés",
        "8, rue Léonard Jarraud",
        "16000",
        "Angoulême",
        ("Dominique FAURE", "Président"),
        date(2019, 7, 1),
        ("Aurélie", "GIRAUD", "Mandataire judiciaire"),
        portee=Portee.MULTI_CAF,
        caisses_multi=("171", "791", "861"),
    ),
    DemoConvention(
        "t16-dalo16",
        "161",
        "16/2021/001",
        "T16",
        "Commission de médiation DALO de la Charente",
        "7-9, rue de la Préfecture",
        "16000",
        "Angoulême",
        ("Magali DEBATTE", "Préfète"),
        date(2021, 2, 1),
        ("Sylvain", "MERCIER", "Instructeur des recours DALO"),
    ),
)

NOUVEL_AGENT = dataclasses.replace(
    CONVENTIONS[0], cle="t13-metropole-amp-nouvel-agent", agent=("Lucas", "BLANC", "Instructeur FSL")
)

# Staff of two Cafs: a gestionnaire and a security officer each.
STAFF = (("131", Role.GESTIONNAIRE), ("131", Role.SECURITE), ("161", Role.GESTIONNAIRE), ("161", Role.SECURITE))
STAFF_NOMS = {
    ("131", Role.GESTIONNAIRE): ("Nathalie", "NOWARA"),
    ("131", Role.SECURITE): ("Alain", "BRUNET"),
    ("161", Role.GESTIONNAIRE): ("Françoise", "CAPDEVIELLE"),
    ("161", Role.SECURITE): ("Didier", "LEROUX"),
}


# "A few hundred realistic dossiers per demo Caf"; --dossiers changes it.
DOSSIERS_GENERES = 200


# The kind of organisation that signs each profile's demo convention (05-… descriptions).
CATEGORIE_PAR_PROFIL = {
    "T1": CategoriePartenaire.DEPARTEMENT,
    "T2": CategoriePartenaire.COMMUNE,
    "T3": CategoriePartenaire.ASSOCIATION,
    "T4": CategoriePartenaire.CCAS,
    "T5": CategoriePartenaire.DEPARTEMENT,
    "T6": CategoriePartenaire.ASSURANCE_MALADIE,
    "T8": CategoriePartenaire.ASSURANCE_MALADIE,
    "T9": CategoriePartenaire.TUTELLE,
    "T10": CategoriePartenaire.BAILLEUR,
    "T11": CategoriePartenaire.SURENDETTEMENT,
    "T12": CategoriePartenaire.BAJ,
    "T13": CategoriePartenaire.INTERCOMMUNALITE,
}


def _rng(*parts: str) -> random.Random:
    # Seeded per record, not per run, so that adding a record never changes the others.
    return random.Random("cafpro-demo:" + ":".join(parts))


def siret_demo(cle: str) -> str:
    rng = _rng("siret", cle)
    corps = "2" + "".join(str(rng.randrange(10)) for _ in range(12))
    return next(corps + str(cle_) for cle_ in range(10) if luhn_valide(corps + str(cle_)))


def identifiant_demo(cle: str) -> str:
    rng = _rng("identifiant", cle)
    return "".join(rng.choice(ALPHABET_IDENTIFIANT) for _ in range(LONGUEUR_IDENTIFIANT))


def mot_de_passe_demo(cle: str) -> str:
    return generer_mot_de_passe(rng=_rng("mot-de-passe", cle))


def staff_username(numero: str, role: str) -> str:
    return f"{'gestion' if role == Role.GESTIONNAIRE else 'securite'}.{numero}"


def staff_password(numero: str, role: str) -> str:
    return f"Cafpro-demo-{numero}-{role}"


class Command(BaseCommand):
    help = "Crée (ou complète) le jeu de démonstration déterministe ; --json l'affiche pour les scripts."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Affiche ce qui existe sous forme d'un objet JSON.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Crée le jeu de démonstration même hors mode DEBUG (jamais en production).",
        )
        parser.add_argument(
            "--dossiers",
            type=int,
            default=DOSSIERS_GENERES,
            metavar="N",
            help=f"Dossiers allocataires générés par Caf de démonstration, en plus des dossiers documentés "
            f"(défaut : {DOSSIERS_GENERES}). Une nouvelle exécution ne crée que ceux qui manquent.",
        )
        parser.add_argument(
            "--code-totp",
            metavar="COMPTE",
            help="Affiche le code à 6 chiffres du moment pour un compte du personnel de démonstration.",
        )

    def handle(self, *args, **options):
        if not settings.CAFPRO_DEMO_AUTORISEE and not options["force"]:
            # Its passwords are in the source code: never on a production database.
            raise CommandError(
                "Le jeu de démonstration n'est créé qu'en développement (DEBUG ou CAFPRO_DEMO=1), jamais en production."
            )
        if options["code_totp"]:
            self.afficher_code(options["code_totp"])
            return
        if not Caisse.objects.exists():
            call_command("loaddata", "caisses", "routage", verbosity=0)
        if options["dossiers"] < 0:
            raise CommandError("--dossiers attend un nombre positif ou nul.")
        with transaction.atomic():
            monde = self.construire(options["dossiers"])
        if options["json"]:
            self.stdout.write(json.dumps(monde, ensure_ascii=False, indent=2))
        else:
            self.afficher(monde, options["dossiers"])

    def construire(self, dossiers_generes: int = DOSSIERS_GENERES) -> dict:
        caisses = {c.numero: c for c in Caisse.objects.all()}
        habilitations = []
        for demo in CONVENTIONS:
            convention = self.convention(demo, caisses)
            identifiant = identifiant_demo(demo.cle)
            mot_de_passe = mot_de_passe_demo(demo.cle)
            self.habilitation(demo, convention, identifiant, mot_de_passe)
            habilitations.append(self.decrire(demo, identifiant, mot_de_passe))
        # One more agent of the T13 convention, with the password the Caf has just issued:
        # the first login asks to choose a new one.
        demo = NOUVEL_AGENT
        convention = Convention.objects.get(caisse__numero=demo.caisse, numero=demo.numero)
        identifiant, mot_de_passe = identifiant_demo(demo.cle), mot_de_passe_demo(demo.cle)
        self.habilitation(demo, convention, identifiant, mot_de_passe, provisoire=True)
        habilitations.append(self.decrire(demo, identifiant, mot_de_passe, provisoire=True))
        staff = []
        for numero, role in STAFF:
            username = staff_username(numero, role)
            password = staff_password(numero, role)
            prenom, nom = STAFF_NOMS[(numero, role)]
            existant = User.objects.filter(username=username).first()
            if existant is not None:
                if not existant.check_password(password) or not existant.is_active:
                    existant.set_password(password)
                    existant.is_active = True
                    existant.save(update_fields=["password", "is_active"])
                verrou_personnel.effacer(username)
            else:
                User.objects.create_user(
                    username,
                    password,
                    type_compte=TypeCompte.AGENT_CAF,
                    caisse=caisses[numero],
                    role=role,
                    is_staff=True,
                    first_name=prenom,
                    last_name=nom,
                    email=f"{username}@caf-demo.invalid",
                )
            user = User.objects.get(username=username)
            cle = _rng("totp", username).randbytes(20).hex()
            appareil, _ = TOTPDevice.objects.get_or_create(
                user=user, name="Cafpro (démonstration)", defaults={"key": cle, "confirmed": True}
            )
            staff.append(
                {
                    "username": username,
                    "password": password,
                    "caisse": numero,
                    "role": str(role),
                    # Second factor: hex as django-otp stores it, base32 for authenticator apps.
                    "totp_key": appareil.key,
                    "totp_base32": base64.b32encode(appareil.bin_key).decode(),
                }
            )
        dossiers = self.dossiers(caisses, dossiers_generes)
        # A month of journal des accès for the Responsables Sécurité's screens (written once).
        journal_de_demo()
        return {"habilitations": habilitations, "staff": staff, "dossiers": dossiers}

    def dossiers(self, caisses: dict, nombre: int) -> list[dict]:
        """In each demo Caf, the documented dossiers back to their documented state, then the
        generated ones that are missing; returns the documented ones."""
        jour = timezone.localdate()
        documentes = []
        for numero in CAISSES_DEMO:
            caisse = caisses[numero]
            crees = recreer_dossiers_documentes(caisse, jour)
            responsables = {
                p.dossier_id: p.appellation
                for p in Personne.objects.filter(dossier__in=crees, role=RoleDossier.RESPONSABLE)
            }
            for dossier, (numero_allocataire, cas) in zip(crees, DOSSIERS_DOCUMENTES, strict=True):
                documentes.append(
                    {
                        "caisse": numero,
                        "numero": numero_allocataire,
                        "cas": cas,
                        "responsable": responsables[dossier.pk],
                    }
                )
            generer_dossiers(caisse, nombre, jour)
        return documentes

    @staticmethod
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

    def convention(self, demo: DemoConvention, caisses: dict) -> Convention:
        caisse = caisses[demo.caisse]
        siret = demo.siret or siret_demo(demo.cle)
        partenaire, _ = Partenaire.objects.get_or_create(
            caisse=caisse,
            siret=siret,
            defaults={
                "raison_sociale": demo.partenaire,
                "adresse": demo.adresse,
                "code_postal": demo.code_postal,
                "ville": demo.ville,
                "representant_nom": demo.representant[0],
                "representant_qualite": demo.representant[1],
                "categorie": CATEGORIE_PAR_PROFIL.get(demo.profil, CategoriePartenaire.AUTRE),
            },
        )
        if not partenaire.designations.exists():
            DesignationResponsable.objects.create(
                partenaire=partenaire,
                prenom=demo.agent[0],
                nom=demo.agent[1],
                email=f"habilitations.{demo.cle}@partenaire-demo.invalid",
                recue_le=demo.date_effet,
            )
        convention, creee = Convention.objects.get_or_create(
            caisse=caisse,
            numero=demo.numero,
            defaults={
                "partenaire": partenaire,
                "profil": demo.profil,
                "portee": demo.portee,
                "date_effet": demo.date_effet,
                "date_signature_caf": demo.date_effet,
                "date_signature_partenaire": demo.date_effet,
                "signataire_caf": demo.signataire_caf or f"Le directeur de la {caisse.nom}",
                "signataire_partenaire": f"{demo.representant[0]}, {demo.representant[1]}",
            },
        )
        if creee and demo.caisses_multi:
            convention.caisses_multi.set([caisses[numero] for numero in demo.caisses_multi])
        return convention

    def habilitation(
        self, demo: DemoConvention, convention: Convention, identifiant: str, mot_de_passe: str, provisoire=False
    ) -> None:
        existant = Habilitation.objects.select_related("user").filter(user__username=identifiant).first()
        if existant is not None:
            self.remettre_en_etat(existant, mot_de_passe, provisoire)
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

    @staticmethod
    def remettre_en_etat(habilitation: Habilitation, mot_de_passe: str, provisoire: bool) -> None:
        """Put a demo habilitation back to what the listing says, touching only what differs
        (a second run still changes nothing): its password, open state, fresh enough dates."""
        user = habilitation.user
        if not user.check_password(mot_de_passe):
            user.set_password(mot_de_passe)
            user.save(update_fields=["password"])
        CompteurEchecs.objects.filter(cle=cle_identifiant(user.username), echecs__gt=0).update(echecs=0)
        maintenant = timezone.now()
        # Half the allowed periods: the listed logins keep working for weeks after a run.
        marge_provisoire = timedelta(days=settings.CAFPRO_ISSUED_PASSWORD_VALIDITY_DAYS / 2)
        marge_periodique = timedelta(days=settings.CAFPRO_PASSWORD_MAX_AGE_DAYS / 2)
        changements = {}
        if habilitation.etat != EtatHabilitation.ACTIVE or habilitation.date_suppression is not None:
            changements.update(etat=EtatHabilitation.ACTIVE, date_suppression=None)
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
        else:
            choisi = habilitation.mot_de_passe_change_le
            if choisi is None or maintenant - choisi > marge_periodique or habilitation.mot_de_passe_provisoire_le:
                changements.update(mot_de_passe_change_le=maintenant, mot_de_passe_provisoire_le=None)
        if changements:
            for champ, valeur in changements.items():
                setattr(habilitation, champ, valeur)
            habilitation.save()

    def afficher_code(self, username: str) -> None:
        # Only for the demo's own accounts, whose keys are public anyway.
        if username not in {staff_username(numero, role) for numero, role in STAFF}:
            raise CommandError(f"{username} n'est pas un compte du personnel de démonstration.")
        appareil = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
        if appareil is None:
            raise CommandError("Lancez d'abord « manage.py demo ».")
        self.stdout.write(f"{totp(appareil.bin_key):06d}")

    def afficher(self, monde: dict, dossiers_generes: int = DOSSIERS_GENERES) -> None:
        self.stdout.write(self.style.SUCCESS("Jeu de démonstration prêt."))
        self.stdout.write("\nPortail partenaires — http://127.0.0.1:8000/")
        self.stdout.write(f"  {'identifiant':<12}{'mot de passe':<14}{'profil':<8}{'Caf':<6}{'portée':<11}convention")
        for h in monde["habilitations"]:
            colonnes = f"{h['identifiant']:<12}{h['password']:<14}{h['profil']:<8}{h['caisse']:<6}{h['scope']:<11}"
            provisoire = "  (mot de passe provisoire : changement demandé)" if h["mot_de_passe_provisoire"] else ""
            self.stdout.write(f"  {colonnes}{h['convention']}{provisoire}")
        self.stdout.write("\nAdministration des Caf — http://127.0.0.1:8000/gestion/")
        for s in monde["staff"]:
            self.stdout.write(f"  {s['username']:<16}{s['password']:<32}Caf {s['caisse']}  {s['role']}")
            self.stdout.write(f"    second facteur (clé TOTP à saisir dans une application) : {s['totp_base32']}")
        self.stdout.write(
            f"\nDossiers allocataires — les mêmes numéros dans chaque Caf ({', '.join(CAISSES_DEMO)}) ; "
            f"recréés à chaque exécution :"
        )
        for numero, cas in DOSSIERS_DOCUMENTES:
            self.stdout.write(f"  {numero}  {LIBELLES_CAS[cas]}")
        pluriel = "s" if dossiers_generes > 1 else ""
        self.stdout.write(
            f"  et {dossiers_generes} dossier{pluriel} généré{pluriel} par Caf, numérotés à partir de 2000000."
        )
