"""The day of the review, a Caf's choice (revue.models.ReglageRevue) over the deployment's default
(CAFPRO_REVUE_JOUR): by default each convention's anniversary (01-… art. 6, 03-… art. 5)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from journal.models import TypeEvenement
from revue import quotidien
from revue.models import ReglageRevue
from tests.factories import ConventionFactory, HabilitationFactory, caisse
from tests.outils import texte

from .conftest import evenements_revue

pytestmark = pytest.mark.django_db


@pytest.fixture
def conventions(db):
    """One convention in Caf 131, one in Caf 161, both in effect from 13/03/2024."""
    resultat = {
        "131": ConventionFactory(numero="2024-131"),
        "161": ConventionFactory(numero="2024-161", caisse=caisse("161")),
    }
    for convention in resultat.values():
        HabilitationFactory(convention=convention)
    return resultat


def dues(jour):
    return sorted(c.numero for c, _ in quotidien.a_ouvrir(jour))


def test_le_jour_choisi_par_une_caf_ne_vaut_que_pour_ses_conventions(conventions):
    ReglageRevue.objects.create(caisse=caisse("131"), jour="01-15")
    assert dues(date(2027, 1, 15)) == ["2024-131"]
    assert dues(date(2027, 3, 13)) == ["2024-161"]


def test_une_caf_peut_revenir_a_l_anniversaire_malgre_le_reglage_par_defaut(conventions, settings):
    settings.CAFPRO_REVUE_JOUR = "01-15"
    ReglageRevue.objects.create(caisse=caisse("131"), jour="")
    assert dues(date(2027, 1, 15)) == ["2024-161"]
    assert dues(date(2027, 3, 13)) == ["2024-131"]


@pytest.mark.parametrize("jour", ["15/01", "13-01", "02-30", "1-15"])
def test_un_jour_illisible_est_refuse(jour):
    with pytest.raises(ValidationError, match="MM-JJ"):
        ReglageRevue(caisse=caisse("131"), jour=jour).full_clean()


def test_le_gestionnaire_choisit_le_jour_de_sa_caf_et_c_est_journalise(admin_131, gestionnaire_131):
    reponse = admin_131.post(reverse("admin:revue_reglagerevue_add"), {"caisse": caisse("131").pk, "jour": "01-15"})
    assert reponse.status_code == 302, texte(reponse)
    assert ReglageRevue.objects.get().jour == "01-15"
    evenement = evenements_revue().get()
    assert (evenement.motif, evenement.acteur, evenement.caisse) == (
        "jour de la revue annuelle des accès",
        gestionnaire_131.username,
        "131",
    )
    assert evenement.type == TypeEvenement.REVUE


def test_il_ne_choisit_pas_pour_une_autre_caf(admin_131):
    reponse = admin_131.post(reverse("admin:revue_reglagerevue_add"), {"caisse": caisse("161").pk, "jour": "01-15"})
    assert reponse.status_code == 200
    assert not ReglageRevue.objects.exists()
    reglage = ReglageRevue.objects.create(caisse=caisse("161"), jour="06-01")
    assert admin_131.get(reverse("admin:revue_reglagerevue_change", args=[reglage.pk])).status_code == 302
    assert "06-01" not in texte(admin_131.get(reverse("admin:revue_reglagerevue_changelist")))
