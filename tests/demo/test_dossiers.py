"""Demo allocataire dossiers: each case has what it claims, deterministic, generated in bulk."""

import io
import json
from collections import Counter
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from conventions.models import Caisse
from demo.cas import planifier
from demo.dossiers import (
    CAISSES_DEMO,
    DOSSIERS_DOCUMENTES,
    cas_genere,
    creer_dossier,
    dossiers_documentes,
    generer_dossiers,
)
from demo.insertion import ecrire_directement, inserer
from demo.referentiels import COMMUNES, PORTS
from dossiers.models import (
    Courrier,
    Creance,
    DeclarationRessources,
    Dossier,
    Droit,
    Logement,
    MesureAccompagnement,
    MinimumSocial,
    Paiement,
    Personne,
    QuotientFamilial,
    Ressource,
)

JOUR = date(2026, 3, 14)
HISTORIQUES = (
    Personne,
    Droit,
    Paiement,
    Logement,
    Ressource,
    Creance,
    Courrier,
    QuotientFamilial,
    MinimumSocial,
    MesureAccompagnement,
    DeclarationRessources,
)


def mois_de_la_fenetre(profondeur: int = 24) -> list[date]:
    """The first days of the `profondeur` months ending with JOUR's."""
    indice = JOUR.year * 12 + JOUR.month - 1
    return [date(i // 12, i % 12 + 1, 1) for i in range(indice - profondeur + 1, indice + 1)]


def mois_de_l_historique(profondeur: int = 24) -> list[date]:
    """The window and the month before it, whose payments are dated in the window's first month."""
    return mois_de_la_fenetre(profondeur + 1)


def contenu(dossier: Dossier) -> dict:
    """Every value of a dossier and of its rows, keys left out, in a stable order."""
    valeurs = Dossier.objects.filter(pk=dossier.pk).values().get()
    del valeurs["id"]
    lignes = {}
    for model in HISTORIQUES:
        rangees = [
            tuple((k, v) for k, v in sorted(r.items()) if k not in ("id", "dossier_id"))
            for r in model.objects.filter(dossier=dossier).values()
        ]
        lignes[model.__name__] = sorted(rangees, key=repr)
    return {"dossier": valeurs, **lignes}


@pytest.fixture
def complet(caf_131):
    return creer_dossier(caf_131, "1000001", "complet", jour=JOUR)


def test_le_dossier_complet_renseigne_chaque_historique(complet):
    for model in HISTORIQUES:
        assert model.objects.filter(dossier=complet).exists(), model.__name__
    assert complet.situation == "affilie" and not complet.opposition_partage and not complet.surendettement
    assert complet.grossesse_debut and complet.grossesse_debut < JOUR
    assert complet.references_bancaires.startswith("FR") and len(complet.references_bancaires.replace(" ", "")) == 27
    roles = Counter(complet.personnes.values_list("role", flat=True))
    assert roles == {"responsable": 1, "conjoint": 1, "enfant": 2, "autre": 1}
    enfants = complet.personnes.filter(role="enfant")
    assert len({e.prenom for e in enfants}) == 2
    for enfant in enfants:  # "Scolarisée" for a girl, "Lycéen" for a boy
        fille = enfant.nir[0] == "2"
        assert enfant.activite.endswith(("ée", "ne", "ée en primaire")) == fille, enfant.activite


def test_les_personnes_du_dossier_complet(complet):
    adultes = list(complet.personnes.filter(role__in=["responsable", "conjoint"]))
    assert {a.civilite for a in adultes} == {"M", "MME"}
    for personne in complet.personnes.all():
        # The NIR: 13 digits, sex then year and month of birth.
        assert len(personne.nir) == 13 and personne.nir.isdigit(), personne
        naissance = personne.date_naissance
        assert personne.nir[1:5] == f"{naissance.year % 100:02d}{naissance.month:02d}"
        if personne.civilite:
            assert personne.nir[0] == ("2" if personne.civilite == "MME" else "1")
    madame = complet.personnes.get(civilite="MME", role__in=["responsable", "conjoint"])
    monsieur = complet.personnes.get(civilite="M")
    assert madame.nom == monsieur.nom and madame.nom_naissance and madame.nom_naissance != madame.nom
    # Born abroad in most Cafs (a titre de séjour), in France in the others.
    assert (monsieur.nationalite == "etrangere") == (monsieur.nir[5:7] == "99")
    if monsieur.nationalite == "etrangere":
        assert monsieur.titre_sejour_fin > JOUR
    conjoint = complet.personnes.get(role="conjoint")
    assert conjoint.avis_cdaph and conjoint.avis_cdaph_debut < JOUR < conjoint.avis_cdaph_fin
    assert all(a.activite and a.activite_depuis for a in adultes)
    enfants = complet.personnes.filter(role="enfant")
    assert all(e.charge_pf and e.charge_logement and e.charge_rsa for e in enfants)
    autre = complet.personnes.get(role="autre")
    assert autre.charge_logement and not autre.charge_pf


def test_droits_et_paiements_chaque_mois(complet):
    fenetre = mois_de_la_fenetre()
    droits = set(complet.droits.values_list("prestation", "mois"))
    periodes = set(complet.paiements.filter(nature="mensuel").values_list("prestation", "periode"))
    for mois in fenetre:
        for prestation in ("AF", "RSA", "AAH"):
            assert (prestation, mois) in droits, (prestation, mois)
            assert (prestation, mois) in periodes, (prestation, mois)
        # The complément de ressources or the MVA: they exclude each other.
        assert len({p for p in ("CRAAH", "MVA") if (p, mois) in droits}) == 1, mois
        assert ("ALF", mois) in droits or ("APL", mois) in droits, mois
        assert ("ALF", mois) in periodes or ("APL", mois) in periodes, mois
    # The month before the window, whose payments are dated in its first month.
    assert min(m for _, m in droits) == mois_de_l_historique()[0]
    assert complet.paiements.filter(date_paiement__year=fenetre[0].year, date_paiement__month=fenetre[0].month)
    for paiement in complet.paiements.filter(nature="mensuel").exclude(prestation="ARS"):
        # Paid around the 5th of the next month; issued once that day has come.
        assert paiement.date_paiement.day in (5, 6, 7)
        assert paiement.date_paiement.replace(day=1) == (paiement.periode + timedelta(days=32)).replace(day=1)
        assert paiement.etat == ("emis" if paiement.date_paiement <= JOUR else "traite")
    assert complet.paiements.filter(nature="rappel").count() == 2
    apl = complet.paiements.filter(prestation="APL")
    assert apl.exists() and all(p.type == "apl" and p.destinataire for p in apl)
    assert complet.paiements.filter(montant_recupere__gt=0).count() == 6
    assert complet.droits.filter(suspendu=True).count() == 0


def test_logement_ressources_et_quotients_du_dossier_complet(complet):
    courant = complet.logements.get(date_fin=None)
    assert courant.bailleur and courant.aide == "APL" and courant.tiers_payant and courant.impaye_depuis
    assert complet.adresse_voie in courant.adresse and complet.commune in courant.adresse
    anciens = complet.logements.exclude(date_fin=None).order_by("-date_fin")
    assert len(anciens) == 2
    assert anciens[0].date_fin >= mois_de_la_fenetre()[0] > anciens[1].date_fin

    annuelles = complet.ressources.filter(trimestre=None)
    annees = sorted(set(annuelles.values_list("annee", flat=True)), reverse=True)
    assert annees == [2024, 2023, 2022, 2021]  # N-2 to N-4, and an older year
    assert set(annuelles.values_list("type_personne", flat=True)) == {"Monsieur", "Madame"}
    natures = set(annuelles.values_list("nature", flat=True))
    assert {"Salaires et traitements", "Indemnités Sécurité Sociale", "Pensions alimentaires reçues"} <= natures
    trimestres = set(complet.ressources.exclude(trimestre=None).values_list("annee", "trimestre"))
    assert trimestres == {(2025, 1), (2025, 2), (2025, 3), (2025, 4)}

    for nature in ("cnaf", "caf"):
        quotients = complet.quotients.filter(nature=nature)
        assert sorted(quotients.values_list("mois", flat=True)) == mois_de_l_historique()
        assert all(q.montant > 0 and q.nb_parts > 0 and q.date_calcul <= JOUR for q in quotients)
    assert not complet.quotients.filter(nature="cnaf", ressources_psu=None).exists()
    assert complet.creances.count() == 1


def test_minima_mesures_declarations_et_courrier_du_dossier_complet(complet):
    rsa = complet.minima.get(prestation="RSA")
    assert rsa.socle and rsa.date_fin is None and rsa.date_demande < rsa.date_debut
    for prestation in ("RMI", "API"):
        ancien = complet.minima.get(prestation=prestation)
        assert ancien.date_fin and ancien.motif_fin and ancien.date_fin <= date(2009, 5, 31)
    en_cours = complet.mesures.get(date_fin=None)
    assert JOUR - timedelta(days=183) <= en_cours.date_debut <= JOUR
    assert complet.mesures.exclude(date_fin=None).get().date_fin < JOUR - timedelta(days=365 * 5)
    declarations = complet.declarations.order_by("-trimestre_debut")
    assert [d.trimestre_debut for d in declarations][:2] == [date(2025, 10, 1), date(2025, 7, 1)]
    assert len(declarations) == 8 and {d.prestation for d in declarations} == {"RSA"}
    deux_mois = date(2026, 2, 1)  # the first day of a two-month history ending in March
    recents = complet.courriers.filter(date__gte=deux_mois, date__lte=JOUR)
    assert 2 <= recents.count() <= 3
    assert {c.sens for c in recents} == {"recu", "envoye"}
    assert complet.courriers.filter(date__lt=deux_mois).count() == 2


def test_adresse_dans_le_departement_de_chaque_caf(db):
    for numero in CAISSES_DEMO:
        caisse = Caisse.objects.get(numero=numero)
        dossier = creer_dossier(caisse, "1000001", jour=JOUR)
        communes = PORTS if caisse.est_maritime else COMMUNES[caisse.departement]
        assert (dossier.commune, dossier.code_insee) in {(c, insee) for c, _, insee in communes}, numero
        assert any(dossier.code_postal in codes for c, codes, _ in communes if c == dossier.commune)
        assert dossier.code_postal.startswith(caisse.departement) and dossier.code_insee.startswith(caisse.departement)


def test_le_dossier_radie_s_arrete_a_la_radiation(caf_161):
    dossier = creer_dossier(caf_161, "1000002", "radie", jour=JOUR)
    assert dossier.est_radie and dossier.motif_radiation == "Départ à l'étranger"
    radiation = dossier.situation_depuis
    assert date(2025, 6, 1) <= radiation <= date(2025, 10, 1)  # some months before JOUR
    assert dossier.droits.exists() and not dossier.droits.filter(mois__gte=radiation).exists()
    assert not dossier.paiements.filter(date_paiement__gt=radiation).exists()
    assert not dossier.quotients.filter(mois__gte=radiation).exists()
    assert not dossier.courriers.filter(date__gt=radiation).exists()
    assert not dossier.logements.filter(date_fin=None).exists()
    dernier = dossier.logements.order_by("-date_debut").first()
    assert dernier.date_fin == radiation and dernier.adresse.startswith(dossier.adresse_complement)
    assert dossier.adresse_voie in dernier.adresse
    assert dossier.minima.get(prestation="RSA").date_fin == radiation


def test_opposition_creances_et_suspension(caf_131):
    opposition = creer_dossier(caf_131, "1000003", "opposition", jour=JOUR)
    assert opposition.opposition_partage and not opposition.surendettement

    creances = creer_dossier(caf_131, "1000004", "creances", jour=JOUR)
    assert creances.surendettement and not creances.opposition_partage
    assert creances.creances.count() == 3
    assert len(set(creances.creances.values_list("nature", flat=True))) == 3
    assert len(set(creances.creances.values_list("etat", flat=True))) == 3
    assert creances.creances.filter(solde=0).count() == 1
    place = creances.personnes.get(placement_sans_liens=True)
    assert place.role == "enfant" and not place.charge_pf

    suspendu = creer_dossier(caf_131, "1000005", "suspendu", jour=JOUR)
    assert suspendu.suspendu_depuis == date(2026, 1, 1)
    assert set(suspendu.droits.filter(mois__gte=suspendu.suspendu_depuis).values_list("suspendu", flat=True)) == {True}
    assert not suspendu.droits.filter(mois__lt=suspendu.suspendu_depuis, suspendu=True).exists()
    # A suspended right is not paid.
    assert not suspendu.paiements.filter(periode__gte=suspendu.suspendu_depuis).exists()
    assert suspendu.paiements.filter(periode=date(2025, 12, 1)).exists()


def test_un_historique_plus_profond_que_24_mois(caf_131):
    profond = creer_dossier(caf_131, "1000001", jour=JOUR, mois_historique=30)
    debut = mois_de_la_fenetre(24)[0]
    anciens = profond.droits.filter(mois__lt=debut)
    assert set(anciens.values_list("mois", flat=True)) == set(mois_de_l_historique(30)[:7])
    assert profond.paiements.filter(periode__lt=debut).exists()
    assert profond.quotients.filter(mois__lt=debut, nature="cnaf").count() == 7


def test_un_dossier_simple_couvre_l_essentiel(caf_161):
    dossier = creer_dossier(caf_161, "2999999", "simple", jour=JOUR)
    assert dossier.personnes.filter(role="responsable").exists()
    for model in (Droit, Paiement, Logement, Ressource, Courrier, QuotientFamilial):
        assert model.objects.filter(dossier=dossier).exists(), model.__name__
    assert sorted(set(dossier.quotients.values_list("mois", flat=True))) == mois_de_l_historique()
    assert dossier.logements.filter(date_fin=None).count() == 1


def test_memes_entrees_memes_donnees(caf_131, caf_161):
    premier = contenu(creer_dossier(caf_131, "1000001", jour=JOUR))
    Dossier.objects.filter(caisse=caf_131).delete()
    assert contenu(creer_dossier(caf_131, "1000001", jour=JOUR)) == premier
    # Another number, Caf or seed gives another family.
    autre = contenu(creer_dossier(caf_131, "1000009", jour=JOUR))
    assert autre["Personne"] != premier["Personne"]
    ailleurs = contenu(creer_dossier(caf_161, "1000001", jour=JOUR))
    assert ailleurs["dossier"]["code_insee"].startswith("16") and ailleurs["Personne"] != premier["Personne"]
    graine = contenu(creer_dossier(caf_131, "1000010", jour=JOUR, graine=1))
    assert graine != contenu(creer_dossier(caf_131, "1000011", jour=JOUR, graine=1))


def test_le_dossier_est_date_depuis_jour(caf_131):
    plus_tard = date(2027, 9, 20)
    dossier = creer_dossier(caf_131, "1000001", jour=plus_tard)
    assert dossier.droits.order_by("-mois").first().mois == date(2027, 9, 1)
    assert dossier.quotients.order_by("-mois").first().mois == date(2027, 9, 1)
    assert dossier.ressources.filter(trimestre=None).order_by("-annee").first().annee == 2025


def test_cas_inconnu(caf_131):
    with pytest.raises(ValueError):
        creer_dossier(caf_131, "1000001", "inconnu", jour=JOUR)
    assert not Dossier.objects.filter(caisse=caf_131).exists()


def test_generer_cree_exactement_n_puis_seulement_les_manquants(caf_161, caf_131):
    assert generer_dossiers(caf_161, 12, jour=JOUR) == 12
    numeros = list(Dossier.objects.filter(caisse=caf_161).values_list("numero_allocataire", flat=True))
    assert sorted(numeros) == [str(2_000_000 + i) for i in range(12)]
    assert generer_dossiers(caf_161, 12, jour=JOUR) == 0
    assert generer_dossiers(caf_161, 15, jour=JOUR) == 3
    assert Dossier.objects.filter(caisse=caf_161).count() == 15
    # The same numbers in another Caf are other dossiers.
    assert generer_dossiers(caf_131, 4, jour=JOUR) == 4
    assert Dossier.objects.filter(numero_allocataire="2000000").count() == 2
    assert Dossier.objects.filter(caisse=caf_161).count() == 15
    for dossier in Dossier.objects.filter(caisse=caf_161):
        assert len(dossier.numero_allocataire) == 7 and dossier.numero_allocataire.isdigit()
        assert dossier.personnes.filter(role="responsable").count() == 1
        assert dossier.droits.exists() and dossier.quotients.count() > 0
        assert dossier.code_insee[:2] == "16"


def test_generer_melange_les_cas(db):
    caisse = Caisse.objects.get(numero="131")
    cas = Counter(cas_genere(caisse, str(2_000_000 + i)) for i in range(2000))
    assert set(cas) == {"simple", "radie", "opposition", "creances", "veuvage"}
    for rare in ("radie", "opposition", "creances"):
        assert 60 <= cas[rare] <= 140, cas  # about 5 % each
    assert generer_dossiers(caisse, 60, jour=JOUR) == 60
    generes = Dossier.objects.filter(caisse=caisse)
    attendus = Counter(cas_genere(caisse, d.numero_allocataire) for d in generes)
    assert generes.filter(situation="radie").count() == attendus["radie"]
    assert generes.filter(opposition_partage=True).count() == attendus["opposition"]
    assert generes.filter(surendettement=True).count() == attendus["creances"]
    assert Creance.objects.filter(dossier__surendettement=True).count() == 3 * attendus["creances"]
    # Every dossier has some right, and its months of quotients familiaux.
    assert not generes.filter(droits=None).exists() and not generes.filter(quotients=None).exists()
    assert not Logement.objects.filter(dossier__in=generes, date_fin__lt=F("date_debut")).exists()
    assert generes.filter(logements__date_fin=None).count() == generes.filter(situation="affilie").count()


def test_generer_zero_et_nombre_invalide(caf_131):
    assert generer_dossiers(caf_131, 0, jour=JOUR) == 0
    with pytest.raises(ValueError):
        generer_dossiers(caf_131, -1, jour=JOUR)
    with pytest.raises(ValueError):
        generer_dossiers(caf_131, 8_000_001, jour=JOUR)
    assert not Dossier.objects.filter(caisse=caf_131).exists()


def test_l_ecriture_directe_ecrit_ce_qu_ecrirait_bulk_create(caf_131):
    """The generator's direct writer stores exactly what bulk_create stores."""
    plans = [
        planifier(caf_131, "1000001", "complet", JOUR),
        planifier(caf_131, "2000001", "radie", JOUR, base="simple"),
    ]
    par_bulk_create = [contenu(d) for d in inserer(caf_131, plans)]
    Dossier.objects.filter(caisse=caf_131).delete()
    directement = [contenu(d) for d in inserer(caf_131, plans, ecrire_directement)]
    assert directement == par_bulk_create
    assert par_bulk_create[0]["Paiement"] and par_bulk_create[1]["Droit"]


def demo_json(*args) -> dict:
    sortie = io.StringIO()
    call_command("demo", "--json", *args, stdout=sortie)
    return json.loads(sortie.getvalue())


def test_la_commande_demo_recree_les_dossiers_documentes(db):
    premier = demo_json("--dossiers", "2")
    attendus = [(caisse, numero, cas) for caisse in CAISSES_DEMO for numero, cas in dossiers_documentes(caisse)]
    assert [(d["caisse"], d["numero"], d["cas"]) for d in premier["dossiers"]] == attendus
    assert all(d["code_postal"] for d in premier["dossiers"])
    assert all(d["responsable"].startswith(("Madame ", "Monsieur ")) for d in premier["dossiers"])
    complet = Dossier.objects.get(caisse__numero="131", numero_allocataire="1000001")
    complet.personnes.all().delete()  # a demo user's change, undone by the next run

    second = demo_json("--dossiers", "3")
    assert second["dossiers"] == premier["dossiers"]
    for numero in CAISSES_DEMO:
        documentes = sorted(n for n, _ in dossiers_documentes(numero))
        assert (
            sorted(
                Dossier.objects.filter(caisse__numero=numero, numero_allocataire__in=documentes).values_list(
                    "numero_allocataire", flat=True
                )
            )
            == documentes
        )
        generes = Dossier.objects.filter(caisse__numero=numero, numero_allocataire__startswith="2")
        assert generes.count() == 3, numero
    complet = Dossier.objects.get(caisse__numero="131", numero_allocataire="1000001")
    assert complet.personnes.count() == 5


def test_la_commande_demo_liste_les_numeros_documentes(db):
    sortie = io.StringIO()
    call_command("demo", "--dossiers", "1", stdout=sortie)
    texte = sortie.getvalue()
    assert "Dossiers allocataires" in texte
    assert all(numero in texte for numero, _ in DOSSIERS_DOCUMENTES)
    assert "1 dossier généré par Caf" in texte
    with pytest.raises(CommandError):
        call_command("demo", "--dossiers", "-1")
