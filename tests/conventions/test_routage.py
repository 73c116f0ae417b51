"""Which Caf serves a code postal (conventions.routage).

Sources: manual Cafpro V5 in `02-…` ("Cinématique": multi-Caf and national accesses type the
code postal first; the Caisse Maritime is reached by its check box, never by a code postal),
`02-…` Annexe n°1 (Cafs and departments, 2A/2B, 971 … 974), fixtures/README-referentiel.md
(routage.json is the project's own list of codes postaux of non-default Cafs).
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from conventions.models import CMAF, Caisse, RoutageCodePostal
from conventions.routage import caisse_pour_code_postal, departement_du_code_postal
from tests.factories import caisse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("code_postal", "numero"),
    [
        ("13001", "131"),  # Marseille (02-… Annexe n°1: 13 … Marseille 131)
        ("13100", "131"),  # Aix-en-Provence: BAJ of the Caf of Marseille
        ("16000", "161"),  # Angoulême
        ("17000", "171"),  # La Rochelle, never the CMAF
        ("17300", "171"),  # Rochefort, never the CMAF
        ("54270", "541"),  # Essey-lès-Nancy (03-…)
        ("59100", "597"),  # Roubaix (routage.json)
        ("59300", "599"),  # Valenciennes (routage.json)
        ("59000", "595"),  # Lille: department 59's default Caf, no route
        ("20000", "201"),  # Ajaccio, Corse-du-Sud (2A)
        ("20100", "201"),  # Sartène, 201xx is still 2A
        ("20200", "202"),  # Bastia, Haute-Corse (2B)
        ("20600", "202"),  # Furiani, 206xx is 2B
        ("97100", "971"),
        ("97200", "972"),
        ("97300", "973"),
        ("97400", "974"),
        ("78180", "781"),  # Montigny-le-Bretonneux, Saint-Quentin-en-Yvelines
        ("69400", "692"),  # Villefranche-sur-Saône (routage.json)
        ("69001", "691"),  # Lyon, department default
    ],
)
def test_caisse_pour_code_postal(code_postal, numero):
    assert caisse_pour_code_postal(code_postal).numero == numero


def test_espaces_autour_du_code_postal_toleres():
    assert caisse_pour_code_postal(" 13001 ").numero == "131"


def test_aucun_code_postal_17xxx_ne_mene_a_la_cmaf():
    # Manual Cafpro V5, Cinématique: 17xxx leads to La Rochelle (171), the CMAF only by its box.
    numeros = {caisse_pour_code_postal(f"17{n:03d}").numero for n in range(1000)}
    assert numeros == {"171"}
    assert CMAF not in numeros


def test_code_postal_sans_caf_rend_none():
    # Well formed, but no department 98 in Annex 1 (Monaco): None, not an exception.
    assert caisse_pour_code_postal("98000") is None


@pytest.mark.parametrize(
    "code_postal",
    [
        "1300",
        "13 001",
        "ABCDE",
        "",
        "130011",
        "13OO1",
        None,
        "１３００１",  # full-width digits
        "١٣٠٠١",  # Arabic-Indic digits: regression, r"\d{5}" used to accept them (then None)
    ],
)
def test_code_postal_mal_forme_refuse(code_postal):
    with pytest.raises(ValidationError) as exc:
        caisse_pour_code_postal(code_postal)
    assert exc.value.code == "code_postal_format"
    message = exc.value.messages[0]
    assert message.startswith("Le code postal doit comporter 5 chiffres")
    assert f"(reçu « {(code_postal or '').strip()} »)" in message


@pytest.mark.parametrize(
    ("code_postal", "departement"),
    [("01000", "01"), ("20090", "2A"), ("20199", "2A"), ("20200", "2B"), ("20620", "2B"), ("97490", "974")],
)
def test_departement_du_code_postal(code_postal, departement):
    assert departement_du_code_postal(code_postal) == departement


def test_routage_particulier_prend_le_pas_sur_la_caf_par_defaut():
    assert caisse_pour_code_postal("59000").numero == "595"
    RoutageCodePostal.objects.create(code_postal="59000", caisse=caisse("596"))
    assert caisse_pour_code_postal("59000").numero == "596"
    # Only that code postal moves: its neighbours keep the default Caf.
    assert caisse_pour_code_postal("59001").numero == "595"


def test_routage_modifie_suit_la_nouvelle_caf():
    route = RoutageCodePostal.objects.get(code_postal="59100")
    route.caisse = caisse("593")
    route.save()
    assert caisse_pour_code_postal("59100").numero == "593"


def test_routage_vers_la_cmaf_refuse_par_full_clean():
    route = RoutageCodePostal(code_postal="17300", caisse=caisse(CMAF))
    with pytest.raises(ValidationError) as exc:
        route.full_clean()
    assert "La Caisse Maritime ne peut pas être atteinte par un code postal." in exc.value.message_dict["caisse"]


def test_routage_vers_une_caf_accepte_par_full_clean():
    RoutageCodePostal(code_postal="17300", caisse=caisse("171")).full_clean()


def test_routage_mal_forme_refuse_par_full_clean():
    with pytest.raises(ValidationError) as exc:
        RoutageCodePostal(code_postal="1730", caisse=caisse("171")).full_clean()
    assert any("5 chiffres" in m for m in exc.value.message_dict["code_postal"])


def test_routage_vers_la_cmaf_enregistre_malgre_tout_est_ignore():
    # A route written without validation must still never lead to the CMAF.
    RoutageCodePostal.objects.create(code_postal="17300", caisse=caisse(CMAF))
    assert caisse_pour_code_postal("17300").numero == "171"


def test_contrainte_une_seule_caf_par_defaut_par_departement():
    with pytest.raises(IntegrityError), transaction.atomic():
        Caisse.objects.filter(numero="597").update(defaut_departement=True)
    # The failed statement was rolled back: Lille remains the only default of department 59.
    assert list(Caisse.objects.filter(departement="59", defaut_departement=True).values_list("numero", flat=True)) == [
        "595"
    ]


def test_contrainte_refuse_une_nouvelle_caf_par_defaut():
    with pytest.raises(IntegrityError), transaction.atomic():
        Caisse.objects.create(numero="132", nom="Caf d'Arles", ville="Arles", departement="13", defaut_departement=True)
    assert not Caisse.objects.filter(numero="132").exists()
    # Without the flag, a second Caf in the department is fine.
    Caisse.objects.create(numero="132", nom="Caf d'Arles", ville="Arles", departement="13")
    assert caisse_pour_code_postal("13200").numero == "131"


def test_contrainte_la_cmaf_ne_peut_pas_etre_caf_par_defaut():
    with pytest.raises(IntegrityError), transaction.atomic():
        Caisse.objects.create(
            numero="CM2",
            nom="Caisse maritime bis",
            ville="Nulle part",
            departement="99",
            est_maritime=True,
            defaut_departement=True,
        )
    assert not Caisse.objects.filter(numero="CM2").exists()
