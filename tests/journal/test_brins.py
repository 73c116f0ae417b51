"""A Caisse's chain in strands (issue 17, journal/chaine.py): its agents append side by side,
each strand stays a whole chain, and tampering with one is found as before."""

import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from journal.chaine import brins_de, caisse_et_brin, chaines, nom_de_chaine
from journal.ecriture import enregistrer
from journal.models import Evenement, Resultat, TeteChaine, TypeEvenement
from tests.conftest import seulement_postgresql
from tests.journal.test_chaine import rupture, sql_hors_declencheurs, verifier


def test_les_noms_des_brins():
    assert [nom_de_chaine("131", b) for b in (0, 1, 7)] == ["131", "131~1", "131~7"]
    assert caisse_et_brin("131~7") == ("131", 7) and caisse_et_brin("131") == ("131", 0)
    assert caisse_et_brin("~3") == ("", 3) and caisse_et_brin("") == ("", 0)


def test_un_ajout_seul_va_sur_le_premier_brin(db, settings):
    settings.CAFPRO_JOURNAL_BRINS = 4
    for _ in range(3):
        enregistrer(TypeEvenement.CONNEXION, Resultat.SUCCES, caisse="131")
    assert set(Evenement.objects.values_list("brin", flat=True)) == {0}
    assert list(Evenement.objects.order_by("rang").values_list("rang", flat=True)) == [1, 2, 3]
    # Every strand has its head, the unused ones at rank 0, and none is listed for verification.
    assert sorted(TeteChaine.objects.values_list("chaine", "rang")) == [
        ("131", 3),
        ("131~1", 0),
        ("131~2", 0),
        ("131~3", 0),
    ]
    assert chaines() == ["131"]


def _ecrire_en_parallele(ecrivains: int, par_ecrivain: int, caisse: str = "131") -> None:
    depart = threading.Barrier(ecrivains)
    erreurs = []

    def ecrire():
        try:
            depart.wait()
            for _ in range(par_ecrivain):
                enregistrer(TypeEvenement.CONSULTATION, Resultat.SUCCES, caisse=caisse, rubrique="paiements")
        except Exception as erreur:  # noqa: BLE001 — reported below, in the test's thread
            erreurs.append(erreur)
        finally:
            connection.close()

    fils = [threading.Thread(target=ecrire) for _ in range(ecrivains)]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join()
    assert not erreurs, erreurs


@seulement_postgresql
@pytest.mark.usefixtures("base_transactionnelle")
def test_des_agents_de_la_meme_caf_ajoutent_cote_a_cote_et_chaque_brin_reste_entier():
    _ecrire_en_parallele(ecrivains=12, par_ecrivain=15)
    evenements = Evenement.objects.filter(caisse="131")
    assert evenements.count() == 180
    brins = set(evenements.values_list("brin", flat=True))
    assert len(brins) > 1, "les écrivains ont attendu le même verrou au lieu d'utiliser les autres brins"
    # Each strand is a whole chain: its ranks are 1…n without a gap, and it verifies.
    for brin in brins:
        rangs = list(evenements.filter(brin=brin).order_by("rang").values_list("rang", flat=True))
        assert rangs == list(range(1, len(rangs) + 1))
    sortie, erreurs = verifier()
    assert "Journal des accès intègre." in sortie and not erreurs
    assert sum(1 for ligne in sortie.splitlines() if ligne.startswith("Chaîne 131")) == len(brins)


@seulement_postgresql
@pytest.mark.usefixtures("base_transactionnelle")
def test_un_evenement_deplace_d_un_brin_a_l_autre_rompt_les_deux():
    _ecrire_en_parallele(ecrivains=8, par_ecrivain=10)
    evenements = Evenement.objects.filter(caisse="131")
    brin_a, brin_b = sorted(set(evenements.values_list("brin", flat=True)))[:2]
    deplace = evenements.filter(brin=brin_a, rang=2).get()
    with transaction.atomic():  # SET LOCAL holds within a transaction only
        sql_hors_declencheurs("UPDATE journal_evenement SET brin = %s WHERE id = %s", [brin_b, deplace.pk])
    texte = rupture("rang 2 absent")
    assert f"chaîne {nom_de_chaine('131', brin_a)}, rang 3" in texte
    assert f"chaîne {nom_de_chaine('131', brin_b)}" in texte


@seulement_postgresql
@pytest.mark.usefixtures("base_transactionnelle")
def test_la_verification_d_une_caf_parcourt_tous_ses_brins():
    _ecrire_en_parallele(ecrivains=8, par_ecrivain=10)
    enregistrer(TypeEvenement.CONNEXION, Resultat.SUCCES, caisse="161")
    sortie = io.StringIO()
    call_command("journal_verify", "--caisse", "131", stdout=sortie)
    lignes = [ligne for ligne in sortie.getvalue().splitlines() if ligne.startswith("Chaîne")]
    assert lignes and all(ligne.startswith("Chaîne 131") for ligne in lignes)
    assert sum(int(ligne.split(": ")[1].split()[0]) for ligne in lignes) == 80
    assert set(brins_de("131")) >= {ligne.split()[1] for ligne in lignes}
