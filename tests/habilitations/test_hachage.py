"""Passwords hashed with Argon2id at a serving worker's memory (habilitations/hachage.py)."""

from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, identify_hasher, make_password

from habilitations.connexion import hash_factice
from tests.factories import MOT_DE_PASSE_PARTENAIRE, HabilitationFactory


def parametres(encode: str) -> str:
    return encode.split("$")[3]


def test_un_mot_de_passe_est_hache_en_argon2id_a_46_mio(db):
    encode = make_password("Xy7kP2")
    assert encode.startswith("argon2$argon2id$") and parametres(encode) == "m=47104,t=3,p=1"
    assert identify_hasher(encode).__class__.__name__ == "Argon2Cafpro"
    assert check_password("Xy7kP2", encode) and not check_password("Xy7kP3", encode)


def test_un_ancien_hachage_se_verifie_et_est_refait_a_la_connexion(client, db):
    habilitation = HabilitationFactory()
    ancien = Argon2PasswordHasher().encode(MOT_DE_PASSE_PARTENAIRE, "selancien12345678")
    assert parametres(ancien) == "m=102400,t=2,p=8"
    habilitation.user.password = ancien
    habilitation.user.save(update_fields=["password"])
    assert client.post("/", {"identifiant": habilitation.identifiant, "mot_de_passe": MOT_DE_PASSE_PARTENAIRE})[
        "Location"
    ].startswith("/portail/")
    habilitation.user.refresh_from_db()
    assert parametres(habilitation.user.password) == "m=47104,t=3,p=1"


def test_le_hachage_factice_est_fait_une_fois(db):
    # Computed at each unknown identifiant, it made those cost a hash more than a known one.
    assert hash_factice() is hash_factice()
