"""Three strikes hold under parallel attempts (SECURITY.md: django-axes #592).

Twenty-four wrong attempts at once, each on its own connection: no more than three may be
checked against the password, and the account must end locked.
"""

import threading

import pytest
from django.db import connection
from django.test import Client

from habilitations.models import EtatHabilitation
from journal.models import Evenement, TypeEvenement
from tests.conftest import seulement_postgresql
from tests.factories import HabilitationFactory

TENTATIVES = 24


@seulement_postgresql
@pytest.mark.usefixtures("base_transactionnelle")
def test_vingt_quatre_tentatives_simultanees():
    habilitation = HabilitationFactory()
    depart = threading.Barrier(TENTATIVES)
    statuts = []

    def tenter():
        try:
            client = Client()
            depart.wait()
            reponse = client.post("/", {"identifiant": habilitation.identifiant, "mot_de_passe": "Xy7zW3"})
            statuts.append(reponse.status_code)
        finally:
            connection.close()

    fils = [threading.Thread(target=tenter) for _ in range(TENTATIVES)]
    for f in fils:
        f.start()
    for f in fils:
        f.join(timeout=120)

    assert len(statuts) == TENTATIVES
    evenements = Evenement.objects.filter(type=TypeEvenement.CONNEXION, identifiant=habilitation.identifiant)
    verifies = evenements.filter(motif="mot de passe erroné").count()
    refuses = evenements.filter(motif="identifiant verrouillé").count()
    print(f"{TENTATIVES} tentatives simultanées : {verifies} vérifiées, {refuses} refusées sans vérification")
    assert verifies == 3
    assert refuses == TENTATIVES - 3
    habilitation.refresh_from_db()
    assert habilitation.etat == EtatHabilitation.VERROUILLEE
    assert Evenement.objects.filter(type=TypeEvenement.VERROUILLAGE).count() == 1
