"""The demo world's rules of coherence (`demo.invariants`), over the whole world `manage.py demo`
builds (every dossier of every demo Caf, not a sample), and what the world must show.

The demo runs once for the module (`monde`), as in test_commande.py; each test runs in a
savepoint of its own inside that run, rolled back after it."""

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from conventions.routage import caisse_pour_code_postal
from demo.dossiers import CAISSES_DEMO, DOSSIERS_DOCUMENTES, DOSSIERS_PROPRES
from demo.invariants import REGLES, Monde, violations
from dossiers.models import Dossier, Droit, Personne, Ressource, SituationFamiliale


@pytest.fixture(scope="module")
def monde(django_db_setup, django_db_blocker):
    """The listing of one full run (200 generated dossiers per Caf), and the world loaded once."""
    with django_db_blocker.unblock(), transaction.atomic():
        sortie = io.StringIO()
        call_command("demo", "--json", stdout=sortie)
        yield json.loads(sortie.getvalue()), Monde.charger()
        transaction.set_rollback(True)


@pytest.mark.parametrize("regle", REGLES, ids=[r.__name__ for r in REGLES])
def test_chaque_regle_sur_tout_le_monde(monde, db, regle):
    _, charge = monde
    assert len(charge.dossiers) == Dossier.objects.count() > 2000
    assert list(regle(charge, timezone.localdate())) == [], regle.__doc__


def test_une_regle_enfreinte_est_signalee(monde, db):
    """The rules read the database: a broken dossier is named with what is wrong."""
    dossier = Dossier.objects.get(caisse__numero="161", numero_allocataire="1000001")
    enfants = list(dossier.personnes.filter(role="enfant").order_by("date_naissance"))
    enfants[1].prenom = enfants[0].prenom
    enfants[1].date_naissance = enfants[0].date_naissance + timedelta(days=200)
    enfants[1].save()
    Ressource.objects.create(dossier=dossier, annee=2020, type_personne="Madame", nature="Ressources nulles", montant=0)
    Ressource.objects.create(dossier=dossier, annee=2020, type_personne="Madame", nature="Salaires", montant=900)
    Droit.objects.filter(dossier=dossier, prestation="AAH").update(prestation="MVA")
    messages = violations(dossiers=Dossier.objects.filter(pk=dossier.pk))
    texte = "\n".join(messages)
    for attendu in ("même prénom", "deux enfants nés", "Ressources nulles", "sans AAH"):
        assert attendu in texte, texte
    assert all(m.startswith("Caf 161, dossier 1000001 : ") for m in messages)


def test_le_json_donne_le_code_postal_qui_mene_a_chaque_dossier(monde, db):
    listing, _ = monde
    dossiers = listing["dossiers"]
    attendus = {(c, n) for c in CAISSES_DEMO for n, _ in DOSSIERS_DOCUMENTES}
    attendus |= {(c, n) for c, propres in DOSSIERS_PROPRES.items() for n, _ in propres}
    assert {(d["caisse"], d["numero"]) for d in dossiers} == attendus
    for d in dossiers:
        assert {"numero", "caisse", "code_postal"} <= d.keys()
        dossier = Dossier.objects.get(caisse__numero=d["caisse"], numero_allocataire=d["numero"])
        assert dossier.code_postal == d["code_postal"]
        if d["caisse"] != "CMAF":  # the Caisse Maritime is reached by its check box
            assert caisse_pour_code_postal(d["code_postal"]).numero == d["caisse"], d
    # Numéros that exist in one Caf only.
    uniques = [d for d in dossiers if sum(e["numero"] == d["numero"] for e in dossiers) == 1]
    assert {(d["caisse"], d["numero"]) for d in uniques} == {("161", "1000006"), ("974", "1000007")}
    for d in uniques:
        assert Dossier.objects.filter(numero_allocataire=d["numero"]).count() == 1


def test_les_situations_documentees_varient_d_une_caf_a_l_autre(monde, db):
    """The documented dossier 1000001 is not the same family everywhere."""
    formes = set()
    for numero in CAISSES_DEMO:
        dossier = Dossier.objects.get(caisse__numero=numero, numero_allocataire="1000001")
        responsable = dossier.personnes.get(role="responsable")
        etranger = dossier.personnes.filter(nationalite="etrangere").exists()
        complement = set(dossier.droits.filter(prestation__in=["CRAAH", "MVA"]).values_list("prestation", flat=True))
        formes.add((responsable.civilite, etranger, tuple(sorted(complement))))
        assert len(complement) == 1, numero  # the complément de ressources or the MVA, never both
    assert len(formes) >= 4, formes
    assert {f[1] for f in formes} == {True, False}
    assert {f[2] for f in formes} == {("CRAAH",), ("MVA",)}


def test_deces_veuvage_orphelins_et_outre_mer(monde, db):
    """T14's situations and the field "date de décès" can be seen; an overseas Caf has dossiers."""
    veufs = Dossier.objects.filter(situation_familiale=SituationFamiliale.VEUF)
    assert veufs.filter(caisse__numero="161", numero_allocataire="1000006").exists()
    assert veufs.count() > 20  # and some generated ones
    for dossier in veufs:
        defunt = dossier.personnes.get(date_deces__isnull=False)
        assert defunt.role == "conjoint" and defunt.date_deces == dossier.situation_familiale_depuis
        orphelins = dossier.personnes.filter(role="enfant", date_naissance__lt=defunt.date_deces)
        assert orphelins.exists()
        assert dossier.droits.filter(prestation="ASF", mois=timezone.localdate().replace(day=1)).exists()
        assert dossier.ressources.filter(nature="Pensions de réversion").exists()
    assert Personne.objects.filter(date_deces__isnull=False).count() == veufs.count()
    reunion = Dossier.objects.filter(caisse__numero="974")
    assert reunion.count() == 200 + len(DOSSIERS_DOCUMENTES) + 1
    assert all(cp.startswith("974") for cp in reunion.values_list("code_postal", flat=True))
    # The DOM's two quarterly series, AAH and RSA, in its documented dossiers.
    declarees = Ressource.objects.filter(dossier__caisse__numero="974", dossier__numero_allocataire="1000001")
    assert set(declarees.exclude(prestation="").values_list("prestation", flat=True)) == {"AAH", "RSA"}
