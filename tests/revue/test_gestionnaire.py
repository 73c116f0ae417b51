"""The reviews seen by the Caf's gestionnaire: his home page's progress table, and the admin's
read-only list (issue 16). Another Caf's reviews stay out of sight (deny by default)."""

import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from habilitations.models import EtatHabilitation
from revue.models import Campagne, Decision
from tests.factories import ConventionFactory, HabilitationFactory, caisse
from tests.responsables.conftest import creer_responsable

pytestmark = pytest.mark.django_db


def ouvrir(convention, nombre=3):
    for _ in range(nombre):
        HabilitationFactory(convention=convention)
    return Campagne.ouvrir(convention, 2026, timezone.localdate())


@pytest.fixture
def campagne_131(db):
    convention = ConventionFactory(numero="2024-131")
    campagne = ouvrir(convention)
    responsable = creer_responsable(convention).user
    premiere, seconde, _ = campagne.confirmations.all()
    premiere.confirmer(responsable)
    seconde.declarer_plus_necessaire(responsable)
    return campagne


@pytest.fixture
def campagne_161(db):
    return ouvrir(ConventionFactory(numero="2024-161", caisse=caisse("161")))


def ligne(page: str, campagne) -> list[str]:
    rangee = re.search(rf'<tr id="revue-{campagne.public_id}">(.*?)</tr>', page, re.S)
    assert rangee, page
    return [
        re.sub(r"<[^>]+>|\s+", " ", cellule).strip()
        for cellule in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", rangee[1], re.S)
    ]


class TestAccueil:
    def test_le_gestionnaire_voit_l_avancement_des_revues_de_sa_caf(self, admin_131, campagne_131, campagne_161):
        page = admin_131.get(reverse("admin:index")).content.decode()
        assert "Revue annuelle des accès — campagnes en cours" in page
        convention, confirmes, a_confirmer, suspendus, limite = ligne(page, campagne_131)
        assert convention.startswith("2024-131")
        assert (confirmes, a_confirmer, suspendus) == ("1", "1", "1")
        assert limite == f"{campagne_131.date_limite:%d/%m/%Y}"
        assert str(campagne_161.public_id) not in page

    def test_une_revue_close_n_y_est_plus(self, admin_131, campagne_131):
        Campagne.objects.update(etat="close")
        page = admin_131.get(reverse("admin:index")).content.decode()
        assert 'id="revue-des-acces"' not in page

    def test_pas_de_tableau_pour_un_responsable_securite(self, client, officier, campagne_131):
        page = client.get(reverse("admin:index")).content.decode()
        assert 'id="revue-des-acces"' not in page


class TestAdmin:
    def test_la_liste_filtree_par_etat(self, admin_131, campagne_131, campagne_161):
        liste = reverse("admin:revue_campagne_changelist")
        page = admin_131.get(liste).content.decode()
        assert "2024-131" in page and "2024-161" not in page
        assert "2024-131" in admin_131.get(liste, {"etat__exact": "ouverte"}).content.decode()
        assert "2024-131" not in admin_131.get(liste, {"etat__exact": "close"}).content.decode()

    def test_une_revue_se_lit_sans_rien_pouvoir_modifier(self, admin_131, campagne_131):
        reponse = admin_131.get(reverse("admin:revue_campagne_change", args=[campagne_131.pk]))
        assert reponse.status_code == 200
        page = html.unescape(reponse.content.decode())
        assert Decision.CONFIRMEE.label in page and Decision.PLUS_NECESSAIRE.label in page
        assert 'name="_save"' not in page
        assert admin_131.post(reverse("admin:revue_campagne_change", args=[campagne_131.pk]), {}).status_code == 403
        assert admin_131.get(reverse("admin:revue_campagne_add")).status_code == 403
        assert admin_131.get(reverse("admin:revue_campagne_delete", args=[campagne_131.pk])).status_code == 403

    def test_la_revue_d_une_autre_caf_est_introuvable(self, admin_131, campagne_161):
        reponse = admin_131.get(reverse("admin:revue_campagne_change", args=[campagne_161.pk]))
        assert reponse.status_code == 302  # the admin's answer to an object out of reach

    def test_la_reponse_plus_necessaire_a_suspendu_l_agent(self, campagne_131):
        seconde = campagne_131.confirmations.get(decision=Decision.PLUS_NECESSAIRE)
        seconde.habilitation.refresh_from_db()
        assert seconde.habilitation.etat == EtatHabilitation.SUSPENDUE
