"""The core loop without friction (issue 15): where the cursor waits, and the refusal page that
keeps the portal's frame (manual Cafpro V5, annexe 4 of 02-…, « Cinématique »: the agent types
a numéro, « Consulter », reads, types the next one — « plusieurs dossiers au cours d'une même
session »). The browser side is in tests/navigateur/test_clavier.py."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from cafpro import urls
from dossiers import views
from tests.dossiers.test_consultation import agent, consulter, dossier, multi_caf
from tests.outils import texte

AUTOFOCUS = re.compile(r"<input [^>]*\bautofocus\b[^>]*>")


def champ_en_attente(reponse) -> str | None:
    """The id of the one field with autofocus, or None."""
    champs = AUTOFOCUS.findall(texte(reponse))
    assert len(champs) <= 1, champs
    return re.search(r'id="([^"]+)"', champs[0]).group(1) if champs else None


def test_l_identifiant_attend_sur_la_page_de_connexion(client, db):
    assert champ_en_attente(client.get("/")) == "id_identifiant"
    # After a failed attempt too.
    assert champ_en_attente(client.post("/", {"identifiant": "INCONNU1", "mot_de_passe": "xxxxxx"})) == "id_identifiant"


def test_le_numero_attend_sur_la_page_principale_et_apres_consulter(client, db):
    agent(client, "T1")
    dossier("131", "1000001")
    assert champ_en_attente(client.get("/portail/")) == "menu-numero_allocataire"
    # After « Consulter »: the dossier's first page, the cursor in the menu for the next numéro.
    premiere = client.get(consulter(client, "1000001")["Location"])
    assert "TEMOIN1311000001" in texte(premiere)
    assert champ_en_attente(premiere) == "menu-numero_allocataire"
    # Moving between the tabs: the focus is left at the page's top, where the tab was followed.
    assert champ_en_attente(client.get("/portail/dossier/famille/")) is None
    # After « Autre recherche », and after a refused numéro.
    assert champ_en_attente(client.get("/portail/")) == "menu-numero_allocataire"
    assert champ_en_attente(consulter(client, "12")) == "menu-numero_allocataire"


def test_un_acces_multi_caf_attend_dans_le_code_postal(client, db):
    """Multi-Caf and national accesses type the code postal first (manual, « Cinématique »)."""
    multi_caf(client)
    assert champ_en_attente(client.get("/portail/")) == "menu-code_postal"


def test_le_refus_d_une_rubrique_garde_le_menu_du_portail(client, db):
    agent(client, "T2")
    dossier("131", "1000001")
    client.get(consulter(client, "1000001")["Location"])
    reponse = client.get("/portail/dossier/paiements/")
    assert reponse.status_code == 403
    page = texte(reponse)
    assert "Accès refusé" in page
    # The menu, its « Consulter », « Fermer la session » and the countdown.
    assert 'name="numero_allocataire"' in page
    assert "Consulter</button>" in page
    assert "Fermer la session" in page
    assert 'id="compte-a-rebours"' in page
    assert 'data-delai-inactivite="' in page
    assert '<a href="/portail/">Retour à la page principale</a>' in page
    # The Caf's signature stays.
    assert '<p class="bandeau__marque">Caf des Bouches-du-Rhône</p>' in page


def test_le_refus_sans_portail_n_a_pas_de_menu(client, db):
    """A convention ended while the agent was signed in: no « Consulter » to offer."""
    habilitation = agent(client)
    convention = habilitation.convention
    convention.date_resiliation = timezone.localdate() - timedelta(days=1)
    convention.motif_resiliation = "manquement aux obligations de confidentialité"
    convention.save()
    reponse = client.get("/portail/")
    assert reponse.status_code == 403
    page = texte(reponse)
    assert "Accès refusé" in page
    assert 'name="numero_allocataire"' not in page and "compte-a-rebours" not in page


def test_le_gestionnaire_403_est_celui_du_portail():
    assert urls.handler403 is views.refus


@pytest.mark.parametrize("authentifie", [False, True])
def test_le_gestionnaire_403_sans_portail(rf, db, authentifie, gestionnaire_131):
    from django.contrib.auth.models import AnonymousUser

    requete = rf.get("/ailleurs/")
    requete.user = gestionnaire_131 if authentifie else AnonymousUser()
    requete.session = {}
    reponse = views.refus(requete, Exception("refusé"))
    assert reponse.status_code == 403
    assert "Accès refusé" in reponse.content.decode()
    assert "compte-a-rebours" not in reponse.content.decode()
