"""Every wait a request can meet in the database is bounded on the server (issue 17): a Caf's
journal chain head held by a stuck transaction stops that Caf's consultations for two seconds
at most — fail closed, in French, nothing shown — and never the other Cafs'."""

import threading
import time

import psycopg
import pytest
from django.db import connection
from django.test import Client

from demo.dossiers import creer_dossier
from journal.ecriture import enregistrer
from journal.models import Evenement, Resultat, TypeEvenement
from tests.conftest import seulement_postgresql
from tests.factories import HabilitationFactory, caisse
from tests.outils import texte


@seulement_postgresql
def test_les_attentes_de_la_base_sont_bornees_pour_les_requetes(db):
    with connection.cursor() as curseur:
        valeurs = {}
        for nom in ("statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout", "jit"):
            curseur.execute(f"SHOW {nom}")
            valeurs[nom] = curseur.fetchone()[0]
    assert valeurs == {
        "statement_timeout": "10s",
        "lock_timeout": "2s",
        "idle_in_transaction_session_timeout": "10s",
        "jit": "off",
    }
    assert connection.settings_dict["OPTIONS"]["connect_timeout"] == 5


def agent_devant_son_dossier(numero_caisse: str) -> Client:
    creer_dossier(caisse(numero_caisse), "1000001")
    agent = HabilitationFactory(convention__caisse=caisse(numero_caisse), convention__profil="T1")
    # The error page a browser gets, not the exception.
    client = Client(raise_request_exception=False)
    client.force_login(agent.user)
    assert client.post("/portail/consulter/", {"numero_allocataire": "1000001"}).status_code == 302
    return client


@seulement_postgresql
@pytest.mark.usefixtures("base_transactionnelle")
def test_une_tete_de_chaine_tenue_n_arrete_qu_un_instant_sa_caf_et_jamais_les_autres():
    marseille, angouleme = agent_devant_son_dossier("131"), agent_devant_son_dossier("161")
    enregistrer(TypeEvenement.CONNEXION, Resultat.ECHEC, identifiant="TEMOIN13", caisse="131")
    reglages = connection.settings_dict
    tenue, liberer = threading.Event(), threading.Event()

    def transaction_coincee():
        # Another session (a stuck worker, a manual query) holds Caf 131's chain head.
        with psycopg.connect(
            dbname=reglages["NAME"],
            user=reglages["USER"],
            host=reglages["HOST"],
            port=reglages["PORT"] or None,
            password=reglages["PASSWORD"] or None,
        ) as autre:
            autre.execute("SELECT 1 FROM journal_tetechaine WHERE chaine = '131' FOR UPDATE")
            tenue.set()
            liberer.wait(30)

    fil = threading.Thread(target=transaction_coincee)
    fil.start()
    try:
        assert tenue.wait(10)
        avant = Evenement.objects.filter(type=TypeEvenement.CONSULTATION).count()

        debut = time.monotonic()
        autre_caf = angouleme.get("/portail/dossier/paiements/")
        duree_autre = time.monotonic() - debut
        assert autre_caf.status_code == 200 and duree_autre < 1.5

        debut = time.monotonic()
        meme_caf = marseille.get("/portail/dossier/paiements/")
        duree_meme = time.monotonic() - debut
    finally:
        liberer.set()
        fil.join()

    # Caf 131: refused after the lock timeout, not after gunicorn's worker timeout; nothing of
    # the dossier shown, since its journal event could not be written.
    assert meme_caf.status_code == 500 and 1.5 < duree_meme < 5, duree_meme
    page = texte(meme_caf)
    assert "Service momentanément indisponible" in page and "aucune donnée n'a été affichée" in page
    assert "1000001" not in page
    consultations = Evenement.objects.filter(type=TypeEvenement.CONSULTATION)
    assert list(consultations.order_by("pk").values_list("caisse", flat=True)[avant:]) == ["161"]
    # Released: Caf 131 is served again.
    assert marseille.get("/portail/dossier/paiements/").status_code == 200
