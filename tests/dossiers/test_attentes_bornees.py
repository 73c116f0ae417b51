"""Every wait a request can meet in the database is bounded on the server (issue 17): a Caf's
journal chain heads held by a stuck transaction stop that Caf's consultations for half a second
at most — fail closed, in French, nothing shown — and never the other Cafs'; one strand held
stops nobody."""

import io
import threading
import time

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from demo.dossiers import creer_dossier
from journal.chaine import brins_de
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


class TetesTenues:
    """Another session (a stuck worker, a manual query) holding these chain heads until released."""

    def __init__(self, chaines: list[str]):
        self.chaines, self.tenue, self.liberer = chaines, threading.Event(), threading.Event()
        self.fil = threading.Thread(target=self._tenir)

    def _tenir(self):
        reglages = connection.settings_dict
        with psycopg.connect(
            dbname=reglages["NAME"],
            user=reglages["USER"],
            host=reglages["HOST"],
            port=reglages["PORT"] or None,
            password=reglages["PASSWORD"] or None,
        ) as autre:
            autre.execute("SELECT 1 FROM journal_tetechaine WHERE chaine = ANY(%s) FOR UPDATE", [self.chaines])
            self.tenue.set()
            self.liberer.wait(30)

    def __enter__(self):
        self.fil.start()
        assert self.tenue.wait(10)
        return self

    def __exit__(self, *exc):
        self.liberer.set()
        self.fil.join()


@seulement_postgresql
@pytest.mark.usefixtures("base_transactionnelle")
def test_un_brin_de_chaine_tenu_n_arrete_personne():
    marseille = agent_devant_son_dossier("131")
    enregistrer(TypeEvenement.CONNEXION, Resultat.ECHEC, identifiant="TEMOIN13", caisse="131")
    with TetesTenues(["131"]):
        debut = time.monotonic()
        assert marseille.get("/portail/dossier/paiements/").status_code == 200
        assert time.monotonic() - debut < 1.5
    consultation = Evenement.objects.get(type=TypeEvenement.CONSULTATION)
    assert consultation.caisse == "131" and consultation.brin != 0
    assert "Journal des accès intègre." in verifier_le_journal()


def verifier_le_journal() -> str:
    sortie = io.StringIO()
    call_command("journal_verify", stdout=sortie)
    return sortie.getvalue()


@seulement_postgresql
@pytest.mark.usefixtures("base_transactionnelle")
def test_une_tete_de_chaine_tenue_n_arrete_qu_un_instant_sa_caf_et_jamais_les_autres():
    marseille, angouleme = agent_devant_son_dossier("131"), agent_devant_son_dossier("161")
    enregistrer(TypeEvenement.CONNEXION, Resultat.ECHEC, identifiant="TEMOIN13", caisse="131")
    # Every strand of Caf 131's chain held.
    with TetesTenues(brins_de("131")):
        avant = Evenement.objects.filter(type=TypeEvenement.CONSULTATION).count()

        debut = time.monotonic()
        autre_caf = angouleme.get("/portail/dossier/paiements/")
        duree_autre = time.monotonic() - debut
        assert autre_caf.status_code == 200 and duree_autre < 1.5

        debut = time.monotonic()
        meme_caf = marseille.get("/portail/dossier/paiements/")
        duree_meme = time.monotonic() - debut

    # Caf 131: refused after the short wait for a strand (CAFPRO_JOURNAL_ATTENTE_MS, 0.5 s), not
    # after the 2 s lock timeout nor gunicorn's worker timeout; nothing of the dossier shown,
    # since its journal event could not be written.
    assert meme_caf.status_code == 500 and 0.4 < duree_meme < 1.5, duree_meme
    page = texte(meme_caf)
    assert "Service momentanément indisponible" in page and "aucune donnée n'a été affichée" in page
    assert "1000001" not in page
    consultations = Evenement.objects.filter(type=TypeEvenement.CONSULTATION)
    assert list(consultations.order_by("pk").values_list("caisse", flat=True)[avant:]) == ["161"]
    # Released: Caf 131 is served again.
    assert marseille.get("/portail/dossier/paiements/").status_code == 200
