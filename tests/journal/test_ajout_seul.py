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


def test_les_details_sont_neutralises_et_relus_tels_quels(db):
    """Review of issue 12: a NUL typed in a filter (details of a lecture du journal) made
    PostgreSQL refuse the JSON and the page fail; control characters are blanked everywhere."""
    from journal.ecriture import enregistrer
    from journal.models import Evenement, Resultat, TypeEvenement

    evenement = enregistrer(
        TypeEvenement.CONTROLE,
        Resultat.SUCCES,
        details={"filtres": {"apres": "12\x0034", "liste": ["a\nb", 3]}, "cle\x00": True},
    )
    relu = Evenement.objects.get(pk=evenement.pk)
    assert relu.details == {"filtres": {"apres": "12 34", "liste": ["a b", 3]}, "cle ": True}
    assert relu.details == evenement.details
