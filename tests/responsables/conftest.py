"""A responsable habilitations (04-… forms, « désignation d'un responsable habilitations »), his
conventions and agents, and an outsider's: the owner/outsider set of every access test."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from habilitations.models import RattachementResponsable, ResponsableHabilitations
from tests.factories import ConventionFactory, HabilitationFactory, hash_de

MOT_DE_PASSE_RESPONSABLE = "Rh7kP2"


def creer_responsable(convention, nom="MARTIN", prenom="Paul", mot_de_passe=MOT_DE_PASSE_RESPONSABLE, **kwargs):
    responsable = ResponsableHabilitations.objects.create(
        partenaire=convention.partenaire,
        designation=convention.partenaire.designations.first(),
        nom=nom,
        prenom=prenom,
        **kwargs,
    )
    responsable.user.password = hash_de(mot_de_passe)
    responsable.user.save(update_fields=["password"])
    RattachementResponsable.objects.create(responsable=responsable, convention=convention)
    return responsable


def code(appareil, decalage=0):
    return f"{totp(appareil.bin_key, step=appareil.step, t0=appareil.t0, digits=6, drift=decalage):06d}"


def appareil_de(responsable):
    return TOTPDevice.objects.get_or_create(user=responsable.user, defaults={"name": "t", "confirmed": True})[0]


def connecter(client, responsable):
    """The space's whole login: password, then the TOTP code."""
    appareil = appareil_de(responsable)
    client.post(
        "/espace/connexion/", {"identifiant": responsable.identifiant, "mot_de_passe": MOT_DE_PASSE_RESPONSABLE}
    )
    reponse = client.post("/espace/second-facteur/", {"jeton": code(appareil)})
    assert reponse.status_code == 302 and reponse["Location"] == "/espace/", reponse
    return client


@pytest.fixture
def convention(db):
    return ConventionFactory(numero="78/2016/XXAS – T2", profil="T2")


@pytest.fixture
def responsable(convention):
    return creer_responsable(convention)


@pytest.fixture
def agent(convention):
    return HabilitationFactory(convention=convention, nom="DURAND", prenom="Alice")


@pytest.fixture
def autre_convention(convention):
    """Another convention of the same partner, whose responsable is someone else."""
    autre = ConventionFactory(partenaire=convention.partenaire, numero="2024-T13", profil="T13")
    creer_responsable(autre, nom="BERNARD", prenom="Luc")
    return autre


@pytest.fixture
def agent_autre_convention(autre_convention):
    return HabilitationFactory(convention=autre_convention, nom="PETIT", prenom="Marc")


@pytest.fixture
def agent_autre_partenaire(db):
    return HabilitationFactory(nom="LEROY", prenom="Nina")


@pytest.fixture
def client_responsable(client, responsable):
    return connecter(client, responsable)
