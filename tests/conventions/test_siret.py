"""The SIRET of a partner (conventions.validators).

Source: `03-convention-caf54-essey-les-nancy-2017-T2.txt` (LA MAIRIE D'ESSEY LES NANCY,
« Numéro SIRET : 215 401 845 000 15 »). Rule: 14 digits, Luhn check key, except for La Poste
(SIREN 356000000) whose SIRETs have a digit sum divisible by 5 (INSEE).
"""

import pytest
from django.core.exceptions import ValidationError

from conventions.validators import SIREN_LA_POSTE, luhn_valide, normaliser_siret, valider_siret

# 03-… header of the convention, spaces removed.
SIRET_ESSEY = "21540184500015"


def erreur(valeur: str) -> ValidationError:
    with pytest.raises(ValidationError) as exc:
        valider_siret(valeur)
    return exc.value


def test_siret_de_la_mairie_d_essey_les_nancy_valide():
    assert luhn_valide(SIRET_ESSEY)
    valider_siret(SIRET_ESSEY)  # does not raise


@pytest.mark.parametrize("rang", range(14))
def test_un_chiffre_change_refuse_avec_la_cle_de_controle(rang):
    # Changing any single digit breaks the Luhn key.
    chiffre = str((int(SIRET_ESSEY[rang]) + 1) % 10)
    faux = SIRET_ESSEY[:rang] + chiffre + SIRET_ESSEY[rang + 1 :]
    exc = erreur(faux)
    assert exc.code == "siret_cle"
    message = exc.messages[0]
    assert f"Le numéro SIRET {faux} n'est pas valide : sa clé de contrôle est incorrecte." in message
    assert "répertoire SIRENE" in message


def test_deux_chiffres_permutes_refuses():
    assert erreur("21540184500051").code == "siret_cle"


@pytest.mark.parametrize(
    "valeur",
    [
        "2154018450001",  # 13 digits
        "215401845000150",  # 15 digits
        "2154018450001A",  # a letter
        "ABCDEFGHIJKLMN",
        "215 401 845 000 15",  # not normalised: the validator itself wants 14 digits
        "",
    ],
)
def test_format_refuse_avec_le_message_14_chiffres(valeur):
    exc = erreur(valeur)
    assert exc.code == "siret_format"
    assert exc.messages[0] == f"Le numéro SIRET doit comporter exactement 14 chiffres (reçu « {valeur} »)."


def siret_la_poste_hors_luhn() -> str:
    """A La Poste SIRET whose digit sum is a multiple of 5 but whose Luhn key is wrong."""
    for nic in range(100000):
        siret = f"{SIREN_LA_POSTE}{nic:05d}"
        if sum(map(int, siret)) % 5 == 0 and not luhn_valide(siret):
            return siret
    raise AssertionError("no such SIRET")


def test_exception_la_poste_somme_multiple_de_5():
    siret = siret_la_poste_hors_luhn()
    assert siret.startswith("356000000")
    assert not luhn_valide(siret)
    valider_siret(siret)  # valid by La Poste's rule although Luhn fails


def test_exception_la_poste_exemple_explicite():
    # 3+5+6+0+…+0+1 = 15: divisible by 5; Luhn total 3+1+6+…+1 is not a multiple of 10.
    assert not luhn_valide("35600000000001")
    valider_siret("35600000000001")


def test_la_poste_somme_non_multiple_de_5_refusee_meme_si_luhn_passe():
    # For La Poste only the digit-sum rule applies.
    siret = next(
        f"{SIREN_LA_POSTE}{nic:05d}"
        for nic in range(100000)
        if luhn_valide(f"{SIREN_LA_POSTE}{nic:05d}") and sum(map(int, f"{SIREN_LA_POSTE}{nic:05d}")) % 5
    )
    assert erreur(siret).code == "siret_cle"


def test_la_regle_la_poste_ne_vaut_que_pour_son_siren():
    # Same digit-sum property, another SIREN: Luhn applies and refuses it.
    siret = "35600000100000"  # sum 15, but SIREN 356000001
    assert not luhn_valide(siret)
    assert erreur(siret).code == "siret_cle"


@pytest.mark.parametrize(
    ("saisie", "attendu"),
    [
        ("215 401 845 000 15", SIRET_ESSEY),
        ("215.401.845.000.15", SIRET_ESSEY),
        ("215-401-845-00015", SIRET_ESSEY),
        (" 21540184500015 ", SIRET_ESSEY),
        ("215\t401\u00a0845 000 15", SIRET_ESSEY),  # tab and non-breaking space from a copy-paste
        ("21540184500015", SIRET_ESSEY),
        ("", ""),
        (None, ""),
    ],
)
def test_normaliser_siret(saisie, attendu):
    assert normaliser_siret(saisie) == attendu


def test_normaliser_puis_valider():
    valider_siret(normaliser_siret("215 401 845 000 15"))


def test_normaliser_ne_retire_pas_les_lettres():
    # Only separators go away: letters stay and are refused by the validator.
    assert normaliser_siret("215 401 845 000 1A") == "2154018450001A"
    assert erreur(normaliser_siret("215 401 845 000 1A")).code == "siret_format"


@pytest.mark.parametrize("valeur", ["２１５４０１８４５０００１５", "٢١٥٤٠١٨٤٥٠٠٠١٥"])
def test_chiffres_non_ascii_refuses(valeur):
    # Regression: r"\d{14}" also matched full-width and Arabic-Indic digits. A SIRET is 14 ASCII
    # digits; such a value would be stored as typed and escape the uniqueness of (caisse, siret)
    # and the search by SIRET.
    assert erreur(valeur).code == "siret_format"
