"""What an agent reads of the demo dossiers, through the pages (issue 14: a world he would believe)."""

import html
import re

from django.utils import timezone

from demo.dossiers import creer_dossier
from dossiers.lecture.formats import mois_fr
from tests.dossiers.test_profils_pages import ce_mois, code, consulter, decaler, habiliter, page
from tests.factories import caisse


def lu(contenu: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", contenu)))


def test_une_periode_de_droit_en_cours_se_lit_depuis(client, caf_131):
    dossier = creer_dossier(caf_131, "1000001", "complet")
    habiliter(client, "T8", caf_131)
    consulter(client, dossier, "T8")
    contenu = lu(page(client, "maladie-maternite"))
    assert "à en cours" not in contenu
    debut = mois_fr(decaler(ce_mois(), -23)).lower()
    assert f"depuis {debut} (en cours)" in contenu


def test_l_attestation_ne_porte_que_sur_des_paiements_emis(client, caf_131):
    """The current month's payment is processed, to be issued next month: not yet attested."""
    dossier = creer_dossier(caf_131, "1000001", "complet")
    habiliter(client, "T1", caf_131)
    consulter(client, dossier, "T1")
    jour = timezone.localdate()
    attendu = decaler(
        ce_mois(), -1 if dossier.paiements.filter(periode=decaler(ce_mois(), -1), date_paiement__lte=jour) else -2
    )
    par_defaut = lu(page(client, "attestation-paiement"))
    assert f"au titre du mois de {mois_fr(attendu).lower()}" in par_defaut
    assert "Montant total" in par_defaut and "Allocation aux adultes handicapés" in par_defaut
    ce_mois_ci = lu(page(client, "attestation-paiement", mois=code(ce_mois())))
    assert "Aucune prestation versée au titre de ce mois." in ce_mois_ci


def test_le_premier_mois_de_l_historique_a_ses_paiements(client, caf_131):
    """The 24 months of Paiements start with a month that has its payments (those of the month before)."""
    dossier = creer_dossier(caf_131, "1000001", "complet")
    habiliter(client, "T13", caf_131)
    consulter(client, dossier, "T13")
    premier = lu(page(client, "paiements", mois=code(decaler(ce_mois(), -23))))
    assert "Aucun paiement" not in premier
    assert "Allocations familiales" in premier


def test_un_veuvage_montre_la_date_de_deces_a_t14(client, caf_161):
    dossier = creer_dossier(caf_161, "1000006", "veuvage")
    defunt = dossier.personnes.get(date_deces__isnull=False)
    habiliter(client, "T14", caf_161)
    consulter(client, dossier, "T14")
    famille = lu(page(client, "famille"))
    assert f"Date de décès {defunt.date_deces:%d/%m/%Y}" in famille
    assert "Veuf(ve) depuis le" in famille


def test_outre_mer_les_ressources_trimestrielles_aah_et_rsa(client, db):
    """ "Ressources trimestrielles Aah ou ressources trimestrielles Rsa/Rmi/Api pour les Dom" (01-…)."""
    reunion = caisse("974")
    dossier = creer_dossier(reunion, "1000001", "complet")
    assert dossier.code_postal.startswith("974")
    habiliter(client, "T13", reunion)
    consulter(client, dossier, "T13")
    contenu = lu(page(client, "ressources"))
    assert "Ressources trimestrielles AAH de" in contenu and "Ressources trimestrielles RSA de" in contenu
    assert "Pensions alimentaires reçues" in contenu  # in the RSA's declaration only


def test_en_metropole_une_seule_serie_trimestrielle(client, caf_131):
    dossier = creer_dossier(caf_131, "1000001", "complet")
    habiliter(client, "T13", caf_131)
    consulter(client, dossier, "T13")
    contenu = lu(page(client, "ressources"))
    assert "Ressources trimestrielles de" in contenu and "AAH de" not in contenu
