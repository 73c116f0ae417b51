"""factory-boy factories. The Caf référentiel itself comes from the fixtures (conftest)."""

import functools
from datetime import date, timedelta

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from conventions.models import Caisse, CategoriePartenaire, Convention, DesignationResponsable, Partenaire, Portee
from conventions.validators import luhn_valide
from habilitations.models import Contrat, EtatHabilitation, Habilitation, QualiteGreffier, Role, TypeCompte, User
from journal.models import Evenement, Resultat, TypeEvenement

MOT_DE_PASSE_STAFF = "Mot-de-passe-du-personnel-2026"
MOT_DE_PASSE_PARTENAIRE = "Ab3dE5"


@functools.cache
def hash_de(mot_de_passe: str) -> str:
    # Argon2 is deliberately slow: hash each test password once per run.
    return make_password(mot_de_passe)


def caisse(numero: str) -> Caisse:
    return Caisse.objects.get(numero=numero)


def siret_valide(n: int) -> str:
    corps = f"{(1234567 + n * 7919) % 10**13:013d}"
    return next(corps + str(c) for c in range(10) if luhn_valide(corps + str(c)))


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"agent{n}")
    type_compte = TypeCompte.AGENT_CAF
    caisse = factory.LazyFunction(lambda: caisse("131"))
    role = Role.GESTIONNAIRE
    is_staff = True
    password = factory.LazyFunction(lambda: hash_de(MOT_DE_PASSE_STAFF))


class PartenaireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partenaire
        skip_postgeneration_save = True

    caisse = factory.LazyFunction(lambda: caisse("131"))
    raison_sociale = factory.Sequence(lambda n: f"Centre communal d'action sociale n° {n}")
    siret = factory.Sequence(siret_valide)
    adresse = "1, place de la Mairie"
    code_postal = "13001"
    ville = "Marseille"
    representant_nom = "Jeanne DUPONT"
    representant_qualite = "Présidente"

    @factory.post_generation
    def responsable(self, create, valeur, **kwargs):
        # Every partner designates its responsable habilitations (04-… forms).
        if create:
            DesignationResponsable.objects.create(
                partenaire=self, nom="MARTIN", prenom="Paul", recue_le=date(2024, 2, 1), **kwargs
            )


class ConventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Convention
        skip_postgeneration_save = True

    caisse = factory.LazyFunction(lambda: caisse("131"))
    partenaire = factory.SubFactory(
        PartenaireFactory,
        caisse=factory.SelfAttribute("..caisse"),
        # T12 is signed by bureaux d'aide juridictionnelle only (02-… I.2).
        categorie=factory.LazyAttribute(
            lambda o: CategoriePartenaire.BAJ if o.factory_parent.profil == "T12" else CategoriePartenaire.AUTRE
        ),
    )
    numero = factory.Sequence(lambda n: f"2024-{n:03d}")
    profil = "T13"
    portee = Portee.LOCALE
    date_effet = date(2024, 3, 13)
    # In force: both parties signed, on the date d'effet (03-… art. 5), or today for a
    # convention that takes effect later (a signature is never dated in the future).
    signataire_caf = "Le directeur de la Caf"
    date_signature_caf = factory.LazyAttribute(lambda o: min(o.date_effet, timezone.localdate()))
    signataire_partenaire = "Jeanne DUPONT, Présidente"
    date_signature_partenaire = factory.LazyAttribute(lambda o: min(o.date_effet, timezone.localdate()))

    class Params:
        non_signee = factory.Trait(
            signataire_caf="", date_signature_caf=None, signataire_partenaire="", date_signature_partenaire=None
        )

        multi_caf = factory.Trait(portee=Portee.MULTI_CAF)
        nationale = factory.Trait(portee=Portee.NATIONALE)

    @factory.post_generation
    def caisses_multi(self, create, numeros, **kwargs):
        if create and numeros:
            self.caisses_multi.set(Caisse.objects.filter(numero__in=numeros))


class HabilitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Habilitation
        skip_postgeneration_save = True

    convention = factory.SubFactory(ConventionFactory)
    user = factory.LazyFunction(lambda: User.objects.create_partenaire())
    nom = factory.Sequence(lambda n: f"AGENT{n}")
    prenom = "Camille"
    fonction = "Instructeur"
    adresse_professionnelle = "1, place de la Mairie\n13001 Marseille"
    telephone = "04 91 00 00 00"
    email = factory.Sequence(lambda n: f"agent{n}@partenaire.invalid")
    contrat = Contrat.CDI
    etat = EtatHabilitation.ACTIVE
    date_ouverture = date(2024, 3, 13)
    # Already chose its own password: the portal opens without a forced change.
    mot_de_passe_change_le = factory.LazyFunction(timezone.now)

    class Params:
        greffier = factory.Trait(qualite_greffier=QualiteGreffier.GREFFIER)

    @factory.post_generation
    def mot_de_passe(self, create, valeur, **kwargs):
        if create:
            self.user.password = hash_de(valeur or MOT_DE_PASSE_PARTENAIRE)
            self.user.save(update_fields=["password"])


class ConsultationFactory(factory.django.DjangoModelFactory):
    """A consultation event of a habilitation, as dossiers.journal writes it (outside the chain:
    tests of the screens set their own timestamps)."""

    class Meta:
        model = Evenement

    class Params:
        habilitation = None

    type = TypeEvenement.CONSULTATION
    resultat = Resultat.SUCCES
    identifiant = factory.LazyAttribute(lambda o: o.habilitation.identifiant if o.habilitation else "")
    habilitation_id = factory.LazyAttribute(lambda o: o.habilitation.pk if o.habilitation else None)
    caisse = "131"
    caisse_dossier = "131"
    numero_allocataire = factory.Sequence(lambda n: f"{n:07d}")


class EvenementFactory(factory.django.DjangoModelFactory):
    """An event of the journal des accès at a chosen instant (an hour ago by default), written
    straight into the table, outside the chain: the officer's screens read it as any other.

    A successful login by default; `habilitation=` makes it that habilitation's (identifiant,
    key, its Caf). Traits: `consultation`, a successful consultation of a dossier of that Caf;
    `tentative_inconnue`, a failed login on an identifiant that belongs to no Caf."""

    class Meta:
        model = Evenement

    class Params:
        habilitation = None
        consultation = factory.Trait(
            type=TypeEvenement.CONSULTATION,
            caisse_dossier=factory.SelfAttribute("caisse"),
            numero_allocataire="1000001",
            rubrique="R01",
        )
        tentative_inconnue = factory.Trait(
            resultat=Resultat.ECHEC, motif="identifiant inconnu", adresse_ip="203.0.113.7"
        )

    horodatage = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    type = TypeEvenement.CONNEXION
    resultat = Resultat.SUCCES
    identifiant = factory.LazyAttribute(lambda o: o.habilitation.identifiant if o.habilitation else "")
    habilitation_id = factory.LazyAttribute(lambda o: o.habilitation.pk if o.habilitation else None)
    caisse = factory.LazyAttribute(lambda o: o.habilitation.convention.caisse.numero if o.habilitation else "")
