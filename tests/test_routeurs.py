"""Dossier reads on the replica, everything else and every write on the primary (cafpro/routeurs.py,
docs/scaling.md).

The replica is the test settings' `replique` alias, a test mirror of default: a connection of its
own to the same test database. The tests that follow a consultation are transactional, so that
what the primary commits is what that second connection reads, as a replica would; each records
every statement of both connections, in the order they ran, with Django's execute wrappers.
"""

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connections, router, transaction
from django.test import Client

from cafpro.routeurs import PRIMAIRE, REPLIQUE, RepliqueRouter
from conventions.models import Caisse
from demo.dossiers import creer_dossier
from dossiers.models import Dossier, Paiement, Personne
from journal.models import Evenement, Resultat, TypeEvenement
from tests.conftest import seulement_postgresql
from tests.factories import HabilitationFactory, caisse
from tests.outils import texte

RACINE = Path(__file__).resolve().parent.parent
DEUX_BASES = pytest.mark.django_db(transaction=True, databases=[PRIMAIRE, REPLIQUE])
ECRITURES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def routeur(settings):
    settings.DATABASE_ROUTERS = ["cafpro.routeurs.RepliqueRouter"]
    yield
    connections[REPLIQUE].close()


@contextlib.contextmanager
def journal_des_requetes():
    """Every statement sent on either connection, as (alias, SQL), in the order they ran."""
    requetes: list[tuple[str, str]] = []

    def noter(alias):
        def enveloppe(execute, sql, params, many, context):
            requetes.append((alias, sql))
            return execute(sql, params, many, context)

        return enveloppe

    with contextlib.ExitStack() as pile:
        for alias in (PRIMAIRE, REPLIQUE):
            pile.enter_context(connections[alias].execute_wrapper(noter(alias)))
        yield requetes


def sur(requetes, alias):
    return [sql for base, sql in requetes if base == alias]


def est_une_ecriture(sql: str) -> bool:
    return sql.lstrip().upper().startswith(ECRITURES)


@pytest.fixture
def dossier_et_agent(routeur):
    dossier = creer_dossier(caisse("131"), "1000001", cas="complet")
    habilitation = HabilitationFactory(convention__caisse=caisse("131"), convention__profil="T1")
    client = Client()
    client.force_login(habilitation.user)
    return dossier, habilitation, client


@DEUX_BASES
@pytest.mark.usefixtures("base_transactionnelle")
def test_une_consultation_lit_le_dossier_sur_la_replique_et_journalise_sur_le_primaire(dossier_et_agent):
    dossier, habilitation, client = dossier_et_agent
    responsable = dossier.personnes.get(role="responsable")

    with journal_des_requetes() as requetes:
        assert client.post("/portail/consulter/", {"numero_allocataire": "1000001"}).status_code == 302
        reponse = client.get("/portail/dossier/famille/")

    assert reponse.status_code == 200
    assert responsable.nom.upper() in texte(reponse).upper()

    replique, primaire = sur(requetes, REPLIQUE), sur(requetes, PRIMAIRE)
    # The replica serves the allocataire data, and nothing else; it is never written.
    assert any('FROM "dossiers_dossier"' in sql for sql in replique)
    assert any('FROM "dossiers_personne"' in sql for sql in replique)
    assert all('"dossiers_' in sql for sql in replique), replique
    assert not any(est_une_ecriture(sql) for sql in replique)
    # The session, the account, the journal stay on the primary, which never reads a dossier.
    assert not any('"dossiers_' in sql for sql in primaire), primaire
    assert any('INSERT INTO "journal_evenement"' in sql for sql in primaire)
    assert any("django_session" in sql for sql in primaire)

    # Journal before data: the rubrique's event is written on the primary before its people are
    # read on the replica.
    ecritures_journal = [i for i, (_, sql) in enumerate(requetes) if sql.startswith('INSERT INTO "journal_evenement"')]
    lectures_famille = [
        i for i, (base, sql) in enumerate(requetes) if base == REPLIQUE and 'FROM "dossiers_personne"' in sql
    ]
    assert len(ecritures_journal) == 2  # the lookup, then the rubrique
    assert ecritures_journal[1] < min(lectures_famille)

    evenements = Evenement.objects.using(PRIMAIRE).filter(habilitation_id=habilitation.pk).order_by("rang")
    assert [(e.type, e.resultat, e.rubrique) for e in evenements] == [
        (TypeEvenement.RECHERCHE, Resultat.SUCCES, ""),
        (TypeEvenement.CONSULTATION, Resultat.SUCCES, "famille"),
    ]


@DEUX_BASES
@pytest.mark.usefixtures("base_transactionnelle")
def test_un_numero_inconnu_de_la_replique_est_refuse_et_journalise_sur_le_primaire(dossier_et_agent):
    _, habilitation, client = dossier_et_agent
    with journal_des_requetes() as requetes:
        reponse = client.post("/portail/consulter/", {"numero_allocataire": "1999999"})
    assert reponse.status_code == 200
    assert "Aucun dossier ne correspond à ce numéro d'allocataire." in texte(reponse)
    assert any('FROM "dossiers_dossier"' in sql for sql in sur(requetes, REPLIQUE))
    assert not any('"dossiers_' in sql for sql in sur(requetes, PRIMAIRE))
    refus = Evenement.objects.using(PRIMAIRE).get(habilitation_id=habilitation.pk)
    assert (refus.resultat, refus.motif, refus.numero_allocataire) == (Resultat.REFUS, "dossier inconnu", "1999999")


@DEUX_BASES
@pytest.mark.usefixtures("base_transactionnelle")
def test_les_ecritures_de_dossiers_vont_au_primaire(routeur):
    # The demo's generator (like the feed's loader) writes in a transaction on the primary, and
    # reads what it writes there: the replica is not touched at all.
    with journal_des_requetes() as requetes:
        dossier = creer_dossier(caisse("131"), "1000002", cas="simple", mois_historique=3)
    assert sur(requetes, REPLIQUE) == []
    assert any(sql.startswith('INSERT INTO "dossiers_dossier"') for sql in sur(requetes, PRIMAIRE))
    assert dossier._state.db == PRIMAIRE

    # Outside any transaction, a read goes to the replica and a write of what it read to the primary.
    with journal_des_requetes() as requetes:
        lu = Dossier.objects.get(numero_allocataire="1000002")
        assert lu._state.db == REPLIQUE
        lu.opposition_partage = True
        lu.save(update_fields=["opposition_partage"])
        Personne.objects.filter(dossier=lu).update(nom="MARTIN")
        Paiement.objects.filter(dossier=lu).delete()
    replique, primaire = sur(requetes, REPLIQUE), sur(requetes, PRIMAIRE)
    assert len(replique) == 1 and not est_une_ecriture(replique[0])
    assert [sql.split()[0] for sql in primaire if est_une_ecriture(sql)] == ["UPDATE", "UPDATE", "DELETE"]
    assert Dossier.objects.using(PRIMAIRE).get(pk=lu.pk).opposition_partage is True
    assert set(Personne.objects.using(PRIMAIRE).filter(dossier=lu).values_list("nom", flat=True)) == {"MARTIN"}
    assert not Paiement.objects.using(PRIMAIRE).filter(dossier=lu).exists()


@DEUX_BASES
@pytest.mark.usefixtures("base_transactionnelle")
def test_une_lecture_dans_une_transaction_du_primaire_y_reste(routeur):
    creer_dossier(caisse("131"), "1000001", cas="simple", mois_historique=3)
    assert Dossier.objects.get(numero_allocataire="1000001")._state.db == REPLIQUE
    with transaction.atomic():
        assert Dossier.objects.get(numero_allocataire="1000001")._state.db == PRIMAIRE
    assert Dossier.objects.get(numero_allocataire="1000001")._state.db == REPLIQUE


@DEUX_BASES
@pytest.mark.usefixtures("base_transactionnelle")
def test_la_caisse_d_un_dossier_lu_sur_la_replique_est_lue_sur_le_primaire(routeur):
    creer_dossier(caisse("131"), "1000001", cas="simple", mois_historique=3)
    dossier = Dossier.objects.get(numero_allocataire="1000001")
    assert dossier._state.db == REPLIQUE
    # Without an explicit answer Django would follow the dossier to the replica for its Caisse.
    assert dossier.caisse._state.db == PRIMAIRE
    # A dossier of the replica and a Caisse of the primary may be linked: the same rows.
    autre = Caisse.objects.get(numero="161")
    dossier.caisse = autre
    assert dossier.caisse_id == autre.pk


def test_les_migrations_ne_vont_qu_au_primaire(routeur):
    for app in ("dossiers", "journal", "habilitations", "sessions"):
        assert router.allow_migrate(PRIMAIRE, app) is True
        assert router.allow_migrate(REPLIQUE, app) is False
    assert router.allow_migrate_model(REPLIQUE, Dossier) is False
    assert router.allow_migrate_model(PRIMAIRE, Dossier) is True


def test_les_lectures_routees(routeur):
    assert router.db_for_read(Dossier) == REPLIQUE
    assert router.db_for_read(Paiement) == REPLIQUE
    for modele in (Evenement, Caisse):
        assert router.db_for_read(modele) == PRIMAIRE
    for modele in (Dossier, Personne, Evenement, Caisse):
        assert router.db_for_write(modele) == PRIMAIRE


def test_une_relation_hors_des_deux_bases_n_est_pas_autorisee():
    dossier, caisse_autre = Dossier(), Caisse()
    dossier._state.db, caisse_autre._state.db = REPLIQUE, "archives"
    assert RepliqueRouter().allow_relation(dossier, caisse_autre) is None
    caisse_autre._state.db = PRIMAIRE
    assert RepliqueRouter().allow_relation(dossier, caisse_autre) is True


def test_sans_routeur_tout_va_au_primaire():
    # The suite's default (and production's without DATABASE_REPLICA_URL): no router at all.
    assert router.db_for_read(Dossier) == PRIMAIRE
    assert router.db_for_write(Dossier) == PRIMAIRE


@seulement_postgresql
@pytest.mark.django_db(databases=[PRIMAIRE, REPLIQUE])
def test_la_replique_a_les_memes_bornes_que_le_primaire():
    for alias in (PRIMAIRE, REPLIQUE):
        with connections[alias].cursor() as curseur:
            valeurs = []
            for nom in ("statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout", "jit"):
                curseur.execute(f"SHOW {nom}")
                valeurs.append(curseur.fetchone()[0])
        assert valeurs == ["10s", "2s", "10s", "off"], alias
    connections[REPLIQUE].close()


# --- Production settings ---------------------------------------------------------------------


def reglages_de_production(**env) -> dict:
    """The databases and routers cafpro.settings.base builds from this environment."""
    propre = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE", "DJANGO_"))}
    programme = (
        "import json; from cafpro.settings import base as b; "
        "print(json.dumps({'bases': b.DATABASES, 'routeurs': getattr(b, 'DATABASE_ROUTERS', [])}, default=str))"
    )
    resultat = subprocess.run(
        [sys.executable, "-c", programme],
        cwd=RACINE,
        env={**propre, "SECRET_KEY": "k9Zq2vX8mP4nR7tW1yB6cD3fG5hJ0lA9sE2uI8oQ4wT7rY1xN6bV3zM5cK8jH2gF", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert resultat.returncode == 0, resultat.stderr
    return json.loads(resultat.stdout)


def test_sans_replique_rien_ne_change():
    reglages = reglages_de_production(DATABASE_URL="postgres://cafpro_application@primaire:5432/cafpro")
    assert list(reglages["bases"]) == ["default"]
    assert reglages["routeurs"] == []


def test_la_replique_declaree_par_l_environnement_a_les_bornes_du_primaire():
    reglages = reglages_de_production(
        DATABASE_URL="postgres://cafpro_application@primaire:5432/cafpro",
        DATABASE_REPLICA_URL="postgres://cafpro_application@replique:5432/cafpro",
        DATABASE_LOCK_TIMEOUT_MS="1500",
    )
    primaire, replique = reglages["bases"]["default"], reglages["bases"]["replique"]
    assert (primaire["HOST"], replique["HOST"]) == ("primaire", "replique")
    assert replique["OPTIONS"] == primaire["OPTIONS"]
    assert "-c lock_timeout=1500" in replique["OPTIONS"]["options"]
    assert "-c statement_timeout=10000" in replique["OPTIONS"]["options"]
    assert replique["OPTIONS"]["connect_timeout"] == 5
    assert (primaire["ATOMIC_REQUESTS"], replique["ATOMIC_REQUESTS"]) == (True, False)
    assert replique["CONN_HEALTH_CHECKS"] is True
    assert reglages["routeurs"] == ["cafpro.routeurs.RepliqueRouter"]
