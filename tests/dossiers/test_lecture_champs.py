"""The one column selector every reader uses (dossiers/lecture/champs.py)."""

import pytest

from dossiers.lecture.champs import colonnes_accordees, valeurs_accordees
from dossiers.models import Personne
from profils.rubriques import acces

# Fields of Famille → columns of Personne, as a reader declares them.
COLONNES = {"date_naissance": ("date_naissance",), "nir": ("nir",), "activite": ("activite", "activite_depuis")}


def test_les_colonnes_des_champs_accordes_seulement_chacune_une_fois():
    greffier = acces("T12", "famille")  # 02-… annexe 3: no NIR
    assert colonnes_accordees(greffier, COLONNES, "role", "activite") == [
        "role",
        "activite",
        "date_naissance",
        "activite_depuis",
    ]
    assert "nir" in colonnes_accordees(acces("T1", "famille"), COLONNES)


@pytest.mark.django_db
def test_sans_champ_accorde_rien_n_est_lu(django_assert_num_queries):
    greffier = acces("T12", "famille")
    assert colonnes_accordees(greffier, {"nir": ("nir",)}, "role") == []
    with django_assert_num_queries(0):
        # values() without columns would read them all: the selector reads none instead.
        assert list(valeurs_accordees(Personne.objects.all(), greffier, {"nir": ("nir",)}, "role")) == []


@pytest.mark.django_db
def test_la_requete_ne_demande_que_les_colonnes_accordees():
    sql = str(valeurs_accordees(Personne.objects.all(), acces("T12", "famille"), COLONNES, "role").query)
    assert '"date_naissance"' in sql and '"activite_depuis"' in sql
    assert '"nir"' not in sql
