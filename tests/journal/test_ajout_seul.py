"""The journal is append-only: PostgreSQL triggers refuse UPDATE, DELETE and TRUNCATE."""

import pytest
from django.db import DatabaseError, connection, transaction

from journal.ecriture import enregistrer, neutraliser
from journal.models import Evenement, Resultat, TypeEvenement
from tests.conftest import seulement_postgresql


@pytest.fixture
def evenement(db):
    return enregistrer(TypeEvenement.CONNEXION, Resultat.ECHEC, identifiant="ABCD2345", motif="mot de passe erroné")


@seulement_postgresql
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE journal_evenement SET motif = 'effacé' WHERE id = %s",
        "DELETE FROM journal_evenement WHERE id = %s",
        "TRUNCATE journal_evenement",
    ],
)
def test_le_sql_brut_ne_peut_ni_modifier_ni_effacer(evenement, sql):
    with pytest.raises(DatabaseError, match="ajout seul"):
        with transaction.atomic(), connection.cursor() as curseur:
            curseur.execute("SET LOCAL cafpro.maintenance_journal = 'off'")
            curseur.execute(sql, [evenement.pk] if "%s" in sql else [])
    evenement.refresh_from_db()
    assert evenement.motif == "mot de passe erroné"


@seulement_postgresql
def test_l_orm_non_plus(evenement):
    with pytest.raises(DatabaseError):
        with transaction.atomic(), connection.cursor() as curseur:
            curseur.execute("SET LOCAL cafpro.maintenance_journal = 'off'")
            Evenement.objects.filter(pk=evenement.pk).update(motif="x")
    assert Evenement.objects.get(pk=evenement.pk).motif == "mot de passe erroné"


def test_les_caracteres_de_controle_sont_neutralises(db):
    evenement = enregistrer(TypeEvenement.CONNEXION, Resultat.ECHEC, identifiant="AB\r\nCONNEXION réussie")
    assert "\n" not in evenement.identifiant and "\r" not in evenement.identifiant
    assert neutraliser("x" * 500, 10) == "x" * 10


def test_l_application_n_offre_aucun_chemin_de_modification(admin_131):
    # The journal has no admin page (its screens come with the security officers' issue).
    assert admin_131.get("/gestion/journal/evenement/").status_code == 404
