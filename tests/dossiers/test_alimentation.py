"""The allocataire data feed (docs/alimentation.md): `manage.py charger_dossiers` loads the files
`manage.py demo_flux` writes; the same file twice changes nothing; a newer extract replaces what
changed; a refused line names its file, line and field, and leaves the database as it was."""

import gzip
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from demo.cas import planifier
from demo.dossiers import cas_genere
from demo.flux import PREMIER_NUMERO_FLUX, ecrire_flux, numero_de_rang
from demo.invariants import violations
from dossiers import alimentation
from dossiers.flux import HISTORIQUES
from dossiers.models import Courrier, Dossier, Paiement, Personne, RoleDansLeFoyer
from profils.rubriques import rubriques_du_profil
from tests.factories import HabilitationFactory, caisse
from tests.outils import texte

MODELES = (Dossier, *HISTORIQUES.values())
NOMBRE = 23  # two per demo Caf, and one more for Caf 131


@pytest.fixture
def jour():
    return timezone.localdate()


@pytest.fixture
def flux(tmp_path, db, jour) -> Path:
    chemin = tmp_path / "extraction.jsonl"
    ecrire_flux(chemin, NOMBRE, graine="essai", jour=jour)
    return chemin


@pytest.fixture(params=["principal", "ouvriers"])
def ouvriers(request, monkeypatch):
    """On PostgreSQL, batches prepared by the main process, or by two workers (small batches,
    several in flight: a refusal found by a worker still names the first bad line)."""
    if request.param == "ouvriers":
        monkeypatch.setattr(alimentation, "TAILLE_PARALLELE", 0)
        monkeypatch.setattr(alimentation, "PROCESSUS", 2)
        monkeypatch.setattr(alimentation, "LOT", 3)
    return request.param


def charger(chemin) -> str:
    from io import StringIO

    sortie = StringIO()
    call_command("charger_dossiers", str(chemin), "--sans-progression", "--lot", alimentation.LOT, stdout=sortie)
    return sortie.getvalue()


def etat() -> dict:
    """Every row of every table of the feed, keys included: what « unchanged » means."""
    return {m.__name__: sorted(m.objects.values_list(), key=lambda r: r[0]) for m in MODELES}


def lignes(chemin: Path) -> list[dict]:
    return [json.loads(ligne) for ligne in chemin.read_text().splitlines()]


def ecrire(chemin: Path, objets: list) -> Path:
    chemin.write_text("".join((o if isinstance(o, str) else json.dumps(o, ensure_ascii=False)) + "\n" for o in objets))
    return chemin


# --- loading --------------------------------------------------------------------------------


def test_un_dossier_charge_se_consulte_au_portail(client, flux):
    assert "23 dossiers lus" in charger(flux)
    assert Dossier.objects.count() == NOMBRE
    numero_caisse, numero = numero_de_rang(0)
    assert (numero_caisse, numero) == ("131", str(PREMIER_NUMERO_FLUX))
    dossier = Dossier.objects.get(caisse__numero="131", numero_allocataire=numero)
    responsable = dossier.personnes.get(role=RoleDansLeFoyer.RESPONSABLE)

    habilitation = HabilitationFactory(convention__caisse=caisse("131"), convention__profil="T13")
    client.force_login(habilitation.user)
    reponse = client.post("/portail/consulter/", {"numero_allocataire": numero})
    assert reponse.status_code == 302, texte(reponse)
    rubrique = rubriques_du_profil("T13")[0].code
    page = texte(client.get(f"/portail/dossier/{rubrique}/"))
    assert responsable.nom.upper() in page.upper()
    assert numero in page


def test_le_flux_genere_porte_les_historiques_complets_de_la_demo(flux, jour, ouvriers):
    charger(flux)
    # Row for row what the demo plans for these dossiers.
    for rang in range(NOMBRE):
        numero_caisse, numero = numero_de_rang(rang)
        plan = planifier(
            caisse(numero_caisse),
            numero,
            cas_genere(caisse(numero_caisse), numero),
            jour,
            graine="essai",
            base="simple",
        )
        dossier = Dossier.objects.get(caisse__numero=numero_caisse, numero_allocataire=numero)
        assert dossier.personnes.count() == len(plan.personnes) >= 1
        for cle, model in HISTORIQUES.items():
            if model is not Personne:
                assert model.objects.filter(dossier=dossier).count() == len(plan.lignes[model]), cle
        assert dossier.paiements.count() >= 24  # 24 months of history
        assert dossier.code_postal == plan.dossier["code_postal"]
    # The demo's rules of coherence hold on the loaded dossiers.
    assert violations(jour) == []


def test_le_meme_fichier_deux_fois_ne_change_rien(flux, ouvriers):
    charger(flux)
    avant = etat()
    sortie = charger(flux)
    assert "0 nouveaux, 0 modifiés, 23 inchangés ; 0 lignes écrites" in sortie
    assert etat() == avant


def test_une_extraction_plus_recente_remplace_ce_qui_a_change(flux, tmp_path, ouvriers):
    charger(flux)
    tete, premier, second, *_ = lignes(flux)
    cle_premier = Dossier.objects.get(
        caisse__numero=premier["caisse"], numero_allocataire=premier["numero_allocataire"]
    )
    cle_second = Dossier.objects.get(caisse__numero=second["caisse"], numero_allocataire=second["numero_allocataire"])
    autres = {
        m.__name__: list(m.objects.exclude(pk=cle_premier.pk).values_list()) if m is Dossier else None for m in MODELES
    }
    paiements_autres = list(Paiement.objects.exclude(dossier=cle_premier).values_list())
    premier["commune"] = "Nouvelle commune"
    premier["paiements"] = premier["paiements"][:-1]
    nouveau = dict(second, caisse="131", numero_allocataire="9999999")
    # The second line as the extract wrote it, byte for byte: unchanged, it is skipped.
    second_brut = flux.read_text().splitlines()[2]
    sortie = charger(ecrire(tmp_path / "plus-recente.jsonl", [tete, premier, second_brut, nouveau]))

    assert "1 nouveaux, 1 modifiés, 1 inchangés" in sortie
    modifie = Dossier.objects.get(pk=cle_premier.pk)  # the same key: only its content changed
    assert modifie.commune == "Nouvelle commune"
    assert modifie.paiements.count() == len(premier["paiements"])
    assert (
        list(Dossier.objects.exclude(pk=cle_premier.pk).exclude(numero_allocataire="9999999").values_list())
        == autres["Dossier"]
    )
    assert (
        list(Paiement.objects.exclude(dossier=cle_premier).exclude(dossier__numero_allocataire="9999999").values_list())
        == paiements_autres
    )
    # Dossiers absent from the newer extract are left alone.
    assert Dossier.objects.count() == NOMBRE + 1
    assert Dossier.objects.get(pk=cle_second.pk).empreinte
    assert Dossier.objects.get(numero_allocataire="9999999").paiements.count() == len(second["paiements"])


def test_fichier_gzip(tmp_path, db, jour):
    chemin = tmp_path / "extraction.jsonl.gz"
    ecrire_flux(chemin, 4, graine="essai", jour=jour)
    assert chemin.read_bytes()[:2] == b"\x1f\x8b"
    assert "4 nouveaux" in charger(chemin)
    assert Dossier.objects.count() == 4


def test_en_tete_seul(flux, tmp_path):
    tete = lignes(flux)[0]
    assert "0 dossiers lus" in charger(ecrire(tmp_path / "vide.jsonl", [tete]))
    assert Dossier.objects.count() == 0


def test_le_generateur_est_deterministe(tmp_path, db, jour):
    un, deux = tmp_path / "un.jsonl.gz", tmp_path / "deux.jsonl.gz"
    ecrire_flux(un, 12, graine="g", jour=jour)
    ecrire_flux(deux, 12, graine="g", jour=jour, processus=2)
    assert gzip.decompress(un.read_bytes()) == gzip.decompress(deux.read_bytes())
    numeros = [
        (o["caisse"], o["numero_allocataire"])
        for o in map(json.loads, gzip.decompress(un.read_bytes()).splitlines()[1:])
    ]
    assert len(set(numeros)) == 12 and len({c for c, _ in numeros}) == 11


# --- refusals -------------------------------------------------------------------------------


def casser(objet: dict, defaut: str) -> object:
    objet = json.loads(json.dumps(objet))
    if defaut == "json":
        return json.dumps(objet)[:-1]
    if defaut == "champ_absent":
        del objet["situation"]
    elif defaut == "enumeration":
        objet["paiements"][3][1] = "payé"
    elif defaut == "date":
        objet["droits"][0][0] = "2024-02-30"
    elif defaut == "caisse":
        objet["caisse"] = "999"
    elif defaut == "numero":
        objet["numero_allocataire"] = "12345"
    elif defaut == "montant":
        objet["paiements"][0][6] = 12.345
    elif defaut == "longueur":
        objet["personnes"][0][2] = "X" * 61
    elif defaut == "champ_inconnu":
        objet["couleur"] = "bleu"
    elif defaut == "deux_responsables":
        objet["personnes"][1][0] = "responsable"
    return objet


REFUS = [
    ("json", None, "JSON invalide"),
    ("champ_absent", "situation", "champ obligatoire absent"),
    ("enumeration", "paiements[3].etat", "valeur inconnue 'payé'"),
    ("date", "droits[0].mois", "date inexistante '2024-02-30'"),
    ("caisse", "caisse", "caisse '999' absente de l'en-tête"),
    ("numero", "numero_allocataire", "7 chiffres"),
    ("montant", "paiements[0].montant", "au plus 7 chiffres avant la virgule et 2 après"),
    ("longueur", "personnes[0].nom", "61 caractères pour 60 au plus"),
    ("champ_inconnu", "couleur", "champ inconnu"),
    ("deux_responsables", "personnes", "exactement un responsable"),
]


@pytest.mark.parametrize("deja_charge", [False, True], ids=["base_vide", "base_remplie"])
@pytest.mark.parametrize(("defaut", "champ", "motif"), REFUS, ids=[r[0] for r in REFUS])
def test_une_ligne_refusee_arrete_tout(flux, tmp_path, defaut, champ, motif, deja_charge, ouvriers):
    if deja_charge:
        charger(flux)
    tete, *dossiers = lignes(flux)
    # Lines 2 to 5 are valid (and changed, so that they would be written), line 6 is not.
    valides = [dict(d, commune=d["commune"] + " (mise à jour)") for d in dossiers[:4]]
    rang = 4
    if defaut == "deux_responsables":
        rang = next(i for i in range(4, len(dossiers)) if len(dossiers[i]["personnes"]) > 1)
    reste = [d for i, d in enumerate(dossiers[4:], start=4) if i != rang]
    chemin = ecrire(tmp_path / "fautif.jsonl", [tete, *valides, casser(dossiers[rang], defaut), *reste])
    avant = etat()
    with pytest.raises(CommandError) as erreur:
        charger(chemin)
    message = str(erreur.value)
    assert message.startswith(f"{chemin}, ligne 6")
    if champ:
        assert f"champ « {champ} »" in message
    assert motif in message
    assert message.endswith("Rien n'a été chargé.")
    assert etat() == avant


def test_un_dossier_donne_deux_fois(flux, tmp_path, ouvriers):
    tete, *dossiers = lignes(flux)
    chemin = ecrire(tmp_path / "double.jsonl", [tete, *dossiers, dict(dossiers[2], commune="Ailleurs")])
    with pytest.raises(CommandError, match=r"ligne 25, champ « numero_allocataire » : dossier .* déjà donné"):
        charger(chemin)
    assert Dossier.objects.count() == 0


def test_fichier_vide(tmp_path, db):
    with pytest.raises(CommandError, match=r"vide\.jsonl, ligne 1 : fichier vide : l'en-tête du flux manque"):
        charger(ecrire(tmp_path / "vide.jsonl", []))


def test_caisse_inconnue_dans_l_en_tete(flux, tmp_path):
    tete, *dossiers = lignes(flux)
    tete["caisses"] = [*tete["caisses"], "999"]
    with pytest.raises(
        CommandError, match=r"ligne 1, champ « caisses » : caisse\(s\) absente\(s\) du référentiel : 999"
    ):
        charger(ecrire(tmp_path / "caisse.jsonl", [tete, *dossiers]))
    assert Dossier.objects.count() == 0


def test_colonnes_dans_un_autre_ordre(flux, tmp_path):
    """The header's columns name the rows' values: another order, or an optional column left out."""
    tete, premier, *_ = lignes(flux)
    noms = tete["colonnes"]["droits"]
    tete["colonnes"]["droits"] = list(reversed(noms[:-1]))  # without inferieur_seuil (default false)
    premier["droits"] = [list(reversed(d[:-1])) for d in premier["droits"]]
    charger(ecrire(tmp_path / "ordre.jsonl", [tete, premier]))
    dossier = Dossier.objects.get()
    assert dossier.droits.count() == len(premier["droits"])
    assert not dossier.droits.filter(inferieur_seuil=True).exists()
    assert str(dossier.droits.order_by("id").first().mois) == premier["droits"][0][-1]


def test_fichier_introuvable(db, tmp_path):
    with pytest.raises(CommandError, match="fichier introuvable"):
        charger(tmp_path / "absent.jsonl")


def test_les_textes_que_copy_echappe(flux, tmp_path, ouvriers):
    """Tabs, backslashes, line breaks and the word None in texts come back as they were given."""
    tete, premier, *_ = lignes(flux)
    responsable = premier["personnes"][0]
    assert responsable[0] == "responsable"
    responsable[2], responsable[3], responsable[9] = "None", "Tab\tulé Anti\\slash", "Re\ntour Chariot\r \\N"
    premier["courriers"] = [[c[0], "Objet\tà\\part", *c[2:]] for c in premier["courriers"]]
    charger(ecrire(tmp_path / "echappements.jsonl", [tete, premier]))
    personne = Dossier.objects.get().personnes.get(role=RoleDansLeFoyer.RESPONSABLE)
    assert (personne.nom, personne.prenom, personne.activite) == (
        "None",
        "Tab\tulé Anti\\slash",
        "Re\ntour Chariot\r \\N",
    )
    assert set(Courrier.objects.values_list("type_courrier", flat=True)) == {"Objet\tà\\part"}
