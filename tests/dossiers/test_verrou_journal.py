"""A page being read does not hold its Caf's journal chain: the other agents keep writing.

Appending an event locks the head of its Caf's chain (journal/chaine.py) until the
transaction that wrote it ends. The consultation and officer screens write their event in a
transaction of its own, committed before the (possibly slow) reading and rendering.
"""

import threading
import time
from unittest import mock

import pytest
from django.db import connection
from django.test import Client

from demo.dossiers import creer_dossier
from dossiers import lecture
from journal.ecriture import enregistrer
from journal.models import Evenement, Resultat, TypeEvenement
from tests.conftest import seulement_postgresql
from tests.factories import HabilitationFactory, caisse

ATTENTE_MAXIMALE = 5.0


@seulement_postgresql
@pytest.mark.usefixtures("base_transactionnelle")
def test_une_lecture_lente_ne_bloque_pas_le_journal_de_sa_caf():
    creer_dossier(caisse("131"), "1000001")
    agent = HabilitationFactory(convention__caisse=caisse("131"), convention__profil="T1")
    client = Client()
    client.force_login(agent.user)
    assert client.post("/portail/consulter/", {"numero_allocataire": "1000001"}).status_code == 302

    lecture_commencee, autre_ecriture_faite = threading.Event(), threading.Event()
    lire = lecture.lire
    statuts = []

    def lecture_lente(*args, **kwargs):
        lecture_commencee.set()
        autre_ecriture_faite.wait(ATTENTE_MAXIMALE)
        return lire(*args, **kwargs)

    def consulter():
        try:
            statuts.append(client.get("/portail/dossier/paiements/").status_code)
        finally:
            connection.close()

    with mock.patch.object(lecture, "lire", lecture_lente):
        fil = threading.Thread(target=consulter)
        fil.start()
        assert lecture_commencee.wait(ATTENTE_MAXIMALE)
        # Meanwhile another agent of the same Caf fails to log in: his event joins chain 131.
        debut = time.monotonic()
        enregistrer(TypeEvenement.CONNEXION, Resultat.ECHEC, identifiant="AUTRE131", caisse="131")
        duree = time.monotonic() - debut
        autre_ecriture_faite.set()
        fil.join()

    assert statuts == [200]
    assert duree < 1.0, f"l'écriture a attendu {duree:.1f} s la fin de la lecture"
    rangs = list(Evenement.objects.filter(caisse="131").order_by("rang").values_list("type", flat=True))
    assert rangs[-2:] == [TypeEvenement.CONSULTATION, TypeEvenement.CONNEXION]
