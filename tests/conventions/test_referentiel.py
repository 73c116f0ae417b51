"""The Caf référentiel (fixtures `caisses.json`, `routage.json`) checked against the seed.

Source: `02-circulaire-justice-2006-T12-liste-caf-manuel-cafpro-v5.txt`,
Annexe n°1 « Liste des CAF » (column « N° Caf » with « Ville Caf ») and
Annexe n°2 « Coordonnées des chargés de communication CAF » (addresses, CMAF).
"""

import pytest
from django.core.management import call_command

from conventions.models import CMAF, Caisse, RoutageCodePostal
from conventions.routage import departement_du_code_postal

pytestmark = pytest.mark.django_db

# 02-… Annexe n°1, column « N° Caf », read by hand from the seed: one number per Caf, in the
# order of the annex. The « Ville BAJ » column is shifted against the other two in the OCR
# (e.g. "59 Lille Maubeuge 596", "Valenciennes 599" with no BAJ, "76 Rouen Le Havre 763"),
# so only the « Ville Caf » + « N° Caf » pairs, which stay together on each line, are used.
NUMEROS_ANNEXE_1 = """
011 021 022 031 041 051 061 071 072 081 091 101 111 121 131 141 151 161 171 181
191 201 202 211 221 231 241 251 252 261 271 281 291 292 301 311 321 331 341 342
351 361 371 381 382 391 401 411 421 422 431 441 451 461 471 481 491 492 501 511
521 531 541 551 561 571 581 591 592 593 594 595 596 597 599 601 602 611 621 622
631 641 642 651 661 671 681 691 692 701 711 721 731 741 751 761 762 763 764 771
781 791 801 811 821 831 841 851 861 871 881 891 901 911 921 931 941 951 971 972
973 974
""".split()

# Departments with several Cafs, and the Caf the project chose as default
# (fixtures/README-referentiel.md, "What is NOT from the seed").
DEFAUTS_DEPARTEMENTS_MULTI_CAF = {
    "02": "021",
    "07": "071",
    "25": "251",
    "29": "292",
    "34": "342",
    "38": "381",
    "42": "422",
    "49": "491",
    "59": "595",
    "60": "601",
    "62": "621",
    "64": "642",
    "69": "691",
    "76": "764",
}


def instantane():
    """Every row of the référentiel, with its pk, to compare two states of the database."""
    return (
        list(Caisse.objects.order_by("pk").values()),
        list(RoutageCodePostal.objects.order_by("pk").values()),
    )


def test_la_liste_embarquee_compte_122_caf_distinctes():
    # 02-… Annexe n°1: 122 Cafs (011 … 974), as stated in fixtures/README-referentiel.md.
    assert len(NUMEROS_ANNEXE_1) == 122
    assert len(set(NUMEROS_ANNEXE_1)) == 122
    assert NUMEROS_ANNEXE_1[0] == "011" and NUMEROS_ANNEXE_1[-1] == "974"


def test_referentiel_exactement_les_caf_de_l_annexe_1_plus_la_cmaf():
    # 02-… Annexe n°1 (122 Cafs) + the Caisse Maritime of Annexe n°2.
    assert Caisse.objects.count() == 123
    assert set(Caisse.objects.values_list("numero", flat=True)) == set(NUMEROS_ANNEXE_1) | {CMAF}
    # The Cafs proper are exactly Annex 1: the CMAF is the only maritime Caisse.
    assert sorted(Caisse.objects.caf().values_list("numero", flat=True)) == sorted(NUMEROS_ANNEXE_1)


@pytest.mark.parametrize(
    ("numero", "ville", "departement"),
    [
        # 02-… Annexe n°1, « Ville Caf » and « N° Caf » (accents restored, README "Town names").
        ("011", "Bourg-en-Bresse", "01"),
        ("021", "Saint-Quentin", "02"),
        ("022", "Soissons", "02"),
        ("072", "Aubenas", "07"),
        ("131", "Marseille", "13"),
        ("161", "Angoulême", "16"),
        ("171", "La Rochelle", "17"),
        ("382", "Vienne", "38"),
        ("422", "Saint-Étienne", "42"),
        ("541", "Nancy", "54"),
        ("591", "Armentières", "59"),
        ("595", "Lille", "59"),
        ("596", "Maubeuge", "59"),
        ("597", "Roubaix", "59"),
        ("599", "Valenciennes", "59"),
        ("763", "Le Havre", "76"),
        ("764", "Rouen", "76"),
        ("781", "Saint-Quentin-en-Yvelines", "78"),
        ("931", "Rosny-sous-Bois", "93"),
        ("971", "Pointe-à-Pitre", "971"),
        ("972", "Fort-de-France", "972"),
        ("974", "Saint-Denis (La Réunion)", "974"),
    ],
)
def test_numero_ville_departement(numero, ville, departement):
    caisse = Caisse.objects.get(numero=numero)
    assert (caisse.ville, caisse.departement) == (ville, departement)
    assert not caisse.est_maritime


@pytest.mark.parametrize(
    ("numero", "debut_adresse", "fin_adresse", "telephone"),
    [
        # 02-… Annexe n°2: "Marseille Nowara Nathalie 0491055195 | 0491055376 |215, Chemin de Gibbes".
        ("131", "215, Chemin de Gibbes", "13348 MARSEILLE CEDEX 20", "04 91 05 51 95"),
        # 02-… Annexe n°2: "Angouléme Capdevielle Frangoise 0545944223 | 0545943842 |BD deBury".
        ("161", "Bd de Bury", "16011 ANGOULEME CEDEX", "05 45 94 42 23"),
        # 02-… Annexe n°2: "Nancy Ropelé Anne-Laure 0383289964 | … |21, Rue Saint-Lambert".
        ("541", "21, Rue Saint-Lambert", "54046 NANCY CEDEX", "03 83 28 99 64"),
        # 02-… Annexe n°2: "Roubaix Dambrine Lucie 0320993969 | … (124, Bd Gambetta".
        ("597", "124, Bd Gambetta", "59074 ROUBAIX CEDEX 1", "03 20 99 39 69"),
        # 02-… Annexe n°2, Valenciennes: "29, Place de la République / BP 519 / 59321 VALENCIENNES".
        ("599", "29, Place de la République", "59321 VALENCIENNES", "03 27 22 14 44"),
        # 02-… Annexe n°2, "St Quentinen Y.": "2, Avenue des Prés - BP 17".
        ("781", "2, Avenue des Prés - BP 17", "78184 ST-QUENTIN-EN-YVELINES Cedex", "01 30 64 37 87"),
    ],
)
def test_adresses_de_l_annexe_2(numero, debut_adresse, fin_adresse, telephone):
    caisse = Caisse.objects.get(numero=numero)
    lignes = caisse.adresse.splitlines()
    assert lignes[0] == debut_adresse
    assert lignes[-1] == fin_adresse
    assert caisse.telephone == telephone


def test_la_cmaf_est_la_caisse_maritime_de_la_rochelle():
    # 02-… Annexe n°2 "Caisse Maritime … 14 bis rue Villeneuve / La Rochelle BP 518 / 17022 LA ROCHELLE CEDEX".
    cmaf = Caisse.objects.get(numero=CMAF)
    assert cmaf.est_maritime
    assert cmaf.ville == "La Rochelle"
    assert cmaf.departement == "17"
    assert cmaf.adresse.splitlines() == ["14 bis rue Villeneuve", "BP 518", "17022 LA ROCHELLE CEDEX"]
    # Never reached by a code postal (manual Cafpro V5, Cinématique): not a department default.
    assert not cmaf.defaut_departement
    assert list(Caisse.objects.filter(est_maritime=True)) == [cmaf]
    assert not RoutageCodePostal.objects.filter(caisse=cmaf).exists()


def test_une_seule_caf_par_defaut_par_departement():
    departements = set(Caisse.objects.caf().values_list("departement", flat=True))
    # 96 metropolitan departments (with 2A/2B) + 971 … 974.
    assert len(departements) == 100
    for departement in departements:
        defauts = list(
            Caisse.objects.caf()
            .filter(departement=departement, defaut_departement=True)
            .values_list("numero", flat=True)
        )
        assert len(defauts) == 1, (departement, defauts)
    assert Caisse.objects.filter(defaut_departement=True).count() == 100


def test_caf_par_defaut_des_departements_a_plusieurs_caf():
    for departement, numero in DEFAUTS_DEPARTEMENTS_MULTI_CAF.items():
        assert Caisse.objects.caf().filter(departement=departement).count() > 1, departement
        assert Caisse.objects.get(departement=departement, defaut_departement=True).numero == numero


def test_corse_2a_et_2b():
    # 02-… Annexe n°1 prints "20 Ajaccio … 201" and "20 Bastia … 202": the two Corsican departments.
    assert Caisse.objects.get(numero="201").departement == "2A"
    assert Caisse.objects.get(numero="202").departement == "2B"
    assert not Caisse.objects.filter(departement="20").exists()
    assert Caisse.objects.get(departement="2A", defaut_departement=True).numero == "201"
    assert Caisse.objects.get(departement="2B", defaut_departement=True).numero == "202"


def test_outre_mer_971_a_974():
    # 02-… Annexe n°1 prints "97" for the four overseas departments.
    for numero in ("971", "972", "973", "974"):
        assert Caisse.objects.get(numero=numero).departement == numero
    assert not Caisse.objects.filter(departement="97").exists()


def test_routage_fixture_coherent():
    # 36 routes (README), each to a non-default Caf of the code postal's own department.
    assert RoutageCodePostal.objects.count() == 36
    for route in RoutageCodePostal.objects.select_related("caisse"):
        assert route.caisse.departement == departement_du_code_postal(route.code_postal), route
        assert not route.caisse.defaut_departement, route
        assert not route.caisse.est_maritime, route


def test_chaque_caf_de_l_annexe_1_est_atteignable_par_un_code_postal():
    # The CMAF aside, a Caf is reached either as its department's default or through a route.
    atteignables = set(Caisse.objects.filter(defaut_departement=True).values_list("numero", flat=True))
    atteignables |= set(RoutageCodePostal.objects.values_list("caisse__numero", flat=True))
    assert atteignables == set(NUMEROS_ANNEXE_1)


def test_recharger_les_fixtures_ne_change_rien():
    # Natural keys (numero, code_postal): loading the référentiel again updates rows in place.
    avant = instantane()
    call_command("loaddata", "caisses", "routage", verbosity=0)
    apres = instantane()
    assert Caisse.objects.count() == 123
    assert RoutageCodePostal.objects.count() == 36
    assert [c["id"] for c in apres[0]] == [c["id"] for c in avant[0]]
    assert [r["id"] for r in apres[1]] == [r["id"] for r in avant[1]]
    assert apres == avant


def test_recharger_les_fixtures_retablit_une_valeur_modifiee():
    # Proof that the reload really goes through the existing rows (same pk, fixture values back).
    caisse = Caisse.objects.get(numero="131")
    Caisse.objects.filter(pk=caisse.pk).update(ville="Marseile")
    call_command("loaddata", "caisses", verbosity=0)
    recharge = Caisse.objects.get(numero="131")
    assert recharge.pk == caisse.pk
    assert recharge.ville == "Marseille"
    assert Caisse.objects.count() == 123
