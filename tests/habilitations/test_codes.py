"""Identifiants (8 alphanumeric) and passwords (6 characters): manual Cafpro V5, "Identification"."""

import random
import string

from habilitations.codes import ALPHABET_IDENTIFIANT, generer_identifiant, generer_mot_de_passe


def test_identifiant_de_8_caracteres_alphanumeriques_sans_ambiguite():
    for _ in range(200):
        identifiant = generer_identifiant()
        assert len(identifiant) == 8 and identifiant.isalnum()
        assert identifiant == identifiant.upper()
        assert set(identifiant) <= set(ALPHABET_IDENTIFIANT)
        assert not set(identifiant) & set("0O1IL")


def test_mot_de_passe_de_6_caracteres_varies():
    for _ in range(200):
        mot = generer_mot_de_passe()
        assert len(mot) == 6
        assert any(c in string.ascii_lowercase for c in mot)
        assert any(c in string.ascii_uppercase for c in mot)
        assert any(c in string.digits for c in mot)
        assert not set(mot) & set("0O1Il")


def test_mots_de_passe_aleatoires():
    assert len({generer_mot_de_passe() for _ in range(100)}) == 100


def test_generateur_deterministe_pour_la_demo():
    assert generer_mot_de_passe(rng=random.Random(1)) == generer_mot_de_passe(rng=random.Random(1))
