"""The profile × rubrique matrix, checked cell by cell against the seed, and the field rules.

The seed `05-profils-T1-T16-matrice-rubriques-plaquette-caf85` ("Détails des profils") is
not in the repository: its table is copied below verbatim, and compared with the seed file
itself whenever the shared seeds are present next to the clone. The table is parsed here,
independently of `profils.rubriques`, so that a wrong cross in `_PROFILS_PAR_RUBRIQUE` fails
one named cell.
"""

from pathlib import Path

import pytest

from profils import rubriques
from profils.definitions import PROFILS
from profils.prestations import PRESTATIONS_AIDE_JURIDICTIONNELLE, Prestation
from profils.rubriques import MATRICE, RUBRIQUES, Navigation, acces, rubriques_du_profil

# 05-profils-T1-T16-matrice-rubriques-plaquette-caf85.txt, "## Détails des profils", verbatim.
MATRICE_SEED = """\
| Rubriques                     | T1 | T2 | T3 | T4 | T5 | T6 | T8 | T9 | T10 | T11 | T12 | T13 | T14 | T16 |
|-------------------------------|----|----|----|----|----|----|----|----|-----|-----|-----|-----|-----|-----|
| Païement                      | X  |    |    |    |    |    |    | X  | X   | X   | X   | X   |     |     |
| Dossier                       | X  |    |    |    |    |    |    | X  | X   | X   | X   | X   | X   | X   |
| Famille                       | X  |    |    | X  | X  |    |    | X  |     | X   | X   | X   | X   | X   |
| Enfants                       |    | X  | X  |    |    |    |    |    |     |     |     |     |     |     |
| Droits                        | X  |    |    | X  | X  |    |    | X  | X   | X   |     | X   | X   | X   |
| Logement                      | X  |    |    |    |    |    |    | X  | X   | X   |     | X   |     | X   |
| Rmi - Api                     | X  |    |    | X  | X  |    |    | X  |     |     |     |     |     |     |
| Rsa                           | X  |    |    | X  | X  |    |    | X  |     |     | X   |     |     |     |
| Ressources                    | X  |    |    | X  | X  |    |    | X  | X   |     | X   | X   |     | X   |
| Créances                      | X  |    |    |    |    |    |    | X  |     | X   |     | X   |     |     |
| Qf Cnaf                       |    | X  |    |    |    |    |    |    |     |     |     |     |     |     |
| QF Caf                        |    |    | X  |    |    |    |    |    |     |     |     |     |     |     |
| Maladie maternité Affiliation |    |    |    |    |    |    | X  |    |     |     |     |     |     |     |
| Cmu Rsa socle ou Rmi          |    |    |    |    | X  | X  |    |    |     |     |     |     |     |     |
| Cmuc Ressources               |    |    |    |    |    | X  | X  |    |     |     |     |     |     |     |
| Résidence                     |    |    |    |    |    | X  |    |    |     |     |     |     |     |     |
| Adresse                       | X  | X  | X  | X  | X  | X  | X  | X  | X   | X   | X   | X   | X   | X   |
| Attestation de paiement       | X  |    |    |    |    |    |    | X  |     |     |     |     |     |     |
| Courrier                      | X  |    |    |    |    |    |    | X  |     |     |     | X   |     |     |
| Déclaration de ressources     |    |    |    |    |    |    |    | X  |     |     |     |     |     |     |
"""

NOM_SEED = "05-profils-T1-T16-matrice-rubriques-plaquette-caf85.txt"
# Beside the checkout (../shared), or the workplace's copy when the checkout lives elsewhere.
_CANDIDATS = [
    Path(__file__).resolve().parents[3] / "shared" / "seeds" / NOM_SEED,
    Path("/work/shared/seeds") / NOM_SEED,
]
SEED = next((chemin for chemin in _CANDIDATS if chemin.exists()), _CANDIDATS[0])


def lire_tableau(texte: str) -> tuple[list[str], dict[str, dict[str, bool]]]:
    """The markdown table → (the profiles of the header, {row label: {profile: crossed}})."""
    lignes = [ligne.strip() for ligne in texte.splitlines() if ligne.strip().startswith("|")]
    cellules = [[c.strip() for c in ligne.strip("|").split("|")] for ligne in lignes]
    entete, separateur, *corps = cellules
    assert entete[0] == "Rubriques" and all(set(c) <= {"-", ":"} for c in separateur)
    profils = entete[1:]
    tableau = {}
    for ligne in corps:
        assert len(ligne) == len(entete), ligne
        assert set(ligne[1:]) <= {"X", ""}, ligne
        tableau[ligne[0]] = {profil: marque == "X" for profil, marque in zip(profils, ligne[1:], strict=True)}
    return profils, tableau


PROFILS_SEED, TABLEAU = lire_tableau(MATRICE_SEED)
CODE_PAR_LIBELLE = {r.libelle_matrice: r.code for r in RUBRIQUES.values()}
CELLULES = [(profil, libelle) for libelle in TABLEAU for profil in PROFILS_SEED]


def test_la_copie_est_celle_du_seed():
    if not SEED.exists():
        pytest.skip(f"seed absent de ce poste ({SEED}) : la copie ci-dessus fait foi")
    texte = SEED.read_text(encoding="utf-8")
    debut = texte.index("| Rubriques")
    assert lire_tableau(texte[debut:]) == (PROFILS_SEED, TABLEAU)
    bloc = texte[debut:].split("\n\n")[0].strip()
    assert bloc == MATRICE_SEED.strip()


def test_le_seed_a_14_profils_et_20_rubriques():
    assert PROFILS_SEED == ["T1", "T2", "T3", "T4", "T5", "T6", "T8", "T9", "T10", "T11", "T12", "T13", "T14", "T16"]
    assert len(TABLEAU) == 20
    assert len(CELLULES) == 280


def test_les_profils_sont_ceux_du_seed_dans_son_ordre():
    assert list(PROFILS) == PROFILS_SEED
    assert list(MATRICE) == PROFILS_SEED


def test_chaque_ligne_du_seed_est_une_rubrique_du_catalogue_au_libelle_exact():
    # libelle_matrice is the seed's row label verbatim ("Païement", "Qf Cnaf", "QF Caf"…).
    assert set(CODE_PAR_LIBELLE) == set(TABLEAU)
    assert len(CODE_PAR_LIBELLE) == len(RUBRIQUES) == 20
    # And in the seed's order.
    assert [r.libelle_matrice for r in RUBRIQUES.values()] == list(TABLEAU)


@pytest.mark.parametrize(("profil", "libelle"), CELLULES, ids=[f"{p}-{libelle}" for p, libelle in CELLULES])
def test_chaque_cellule_de_la_matrice(profil, libelle):
    code = CODE_PAR_LIBELLE[libelle]
    attendu = TABLEAU[libelle][profil]
    assert (code in MATRICE[profil]) is attendu
    resultat = acces(profil, code)
    if attendu:
        assert resultat is not None and resultat.rubrique is RUBRIQUES[code]
        assert resultat.champs, f"{profil}/{code} accordée sans aucun champ"
    else:
        assert resultat is None


@pytest.mark.parametrize("profil", PROFILS_SEED)
def test_les_onglets_du_profil_sont_ses_croix_dans_l_ordre_du_seed(profil):
    attendus = [CODE_PAR_LIBELLE[libelle] for libelle, croix in TABLEAU.items() if croix[profil]]
    assert [r.code for r in rubriques_du_profil(profil)] == attendus
    assert attendus, "chaque profil a au moins une rubrique (Adresse)"


@pytest.mark.parametrize("profil", ["T7", "T15"])
def test_t7_et_t15_n_existent_pas(profil):
    assert profil not in PROFILS
    assert profil not in MATRICE
    assert rubriques_du_profil(profil) == []
    for code in RUBRIQUES:
        assert acces(profil, code) is None


@pytest.mark.parametrize("profil", ["T0", "T17", "t1", " T1", "T1 ", "", "X"])
def test_un_profil_inconnu_n_a_rien(profil):
    assert all(acces(profil, code) is None for code in RUBRIQUES)
    assert rubriques_du_profil(profil) == []


@pytest.mark.parametrize("code", ["inconnue", "", "Paiements", "paiement", "dossier/", "../admin", "dialogue"])
def test_une_rubrique_inconnue_est_refusee_a_tous(code):
    assert all(acces(profil, code) is None for profil in PROFILS_SEED)


def test_aucun_acces_ne_sort_du_catalogue():
    for profil in PROFILS_SEED:
        for code in MATRICE[profil]:
            resultat = acces(profil, code)
            catalogue = RUBRIQUES[code].codes_champs
            assert resultat.champs <= catalogue, (profil, code, resultat.champs - catalogue)
            assert all(resultat.voit(c) for c in resultat.champs)
            assert not resultat.voit("iban") and not resultat.voit("")
            if resultat.prestations is not None:
                assert resultat.prestations <= set(Prestation.values), (profil, code)


def test_une_restriction_hors_catalogue_est_une_erreur(monkeypatch):
    monkeypatch.setitem(rubriques._RESTRICTIONS, ("T1", "adresse"), {"champs": frozenset({"adresse", "iban"})})
    with pytest.raises(ValueError, match="iban"):
        acces("T1", "adresse")


def test_une_restriction_ne_donne_pas_une_rubrique_hors_matrice(monkeypatch):
    monkeypatch.setitem(rubriques._RESTRICTIONS, ("T2", "famille"), {"champs": frozenset({"nir"})})
    assert acces("T2", "famille") is None


def test_sans_restriction_le_catalogue_entier_et_sa_profondeur():
    resultat = acces("T1", "paiements")
    assert resultat.champs == RUBRIQUES["paiements"].codes_champs
    assert resultat.profondeur_mois == 24 and resultat.navigation == Navigation.MOIS
    assert resultat.prestations is None
    assert resultat.titre == "Paiements"


# --- The field lists the seeds give (02-… annexe 3 for T12, 01-… for T13, 04-… for T2) -----


def test_t12_paiements_aah_complement_mva_seulement():
    resultat = acces("T12", "paiements")
    assert resultat.champs == {"periode", "date_paiement", "montant_total"}
    assert resultat.prestations == PRESTATIONS_AIDE_JURIDICTIONNELLE == {"AAH", "CRAAH", "MVA"}
    assert resultat.navigation == Navigation.DEMANDE_AIDE_JURIDICTIONNELLE
    assert resultat.profondeur_mois == 24
    assert resultat.titre == "Paiements Aah, Complément de ressources Aah, Majoration pour la vie autonome"


def test_t12_dossier():
    assert acces("T12", "dossier").champs == {
        "situation_dossier",
        "suspension",
        "nb_enfants_pf",
        "nb_personnes_logement",
        "nationalite",
        "titre_sejour",
    }


def test_t12_famille_sans_nir_deces_ni_grossesse():
    champs = acces("T12", "famille").champs
    assert champs == {
        "situation_familiale",
        "date_naissance",
        "activite",
        "nom_naissance",
        "enfants",
        "autres_personnes",
    }
    assert not champs & {"nir", "date_deces", "grossesse"}


def test_t12_ressources_annuelles_seulement_et_adresse_avec_insee():
    ressources = acces("T12", "ressources")
    assert ressources.champs == {"annuelles", "type_personne", "nature", "montant"}
    assert ressources.profondeur_annees == 3
    assert acces("T12", "adresse").champs == {"adresse", "code_insee"}


def test_t13_liste_du_01():
    assert acces("T13", "paiements").champs == RUBRIQUES["paiements"].codes_champs
    assert acces("T13", "paiements").prestations is None
    dossier = acces("T13", "dossier")
    assert dossier.champs == RUBRIQUES["dossier"].codes_champs - {"nationalite"}
    assert dossier.profondeur_mois == 6
    assert acces("T13", "droits").profondeur_mois == 24
    assert acces("T13", "ressources").profondeur_annees == 3
    assert acces("T13", "ressources").champs == RUBRIQUES["ressources"].codes_champs
    assert acces("T13", "courrier").profondeur_mois == 2
    assert acces("T13", "famille").champs == RUBRIQUES["famille"].codes_champs


def test_t2_qf_cnaf_24_mois_et_enfants():
    qf = acces("T2", "qf-cnaf")
    assert qf.champs == {"montant", "date_calcul", "nb_parts", "regime", "ressources_psu", "nb_enfants_pf"}
    assert qf.profondeur_mois == 24 and qf.navigation == Navigation.MOIS
    assert acces("T2", "enfants").champs == {"enfants", "autres_personnes"}
    assert acces("T2", "adresse") is not None
