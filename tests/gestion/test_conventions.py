"""Conventions that stay true, tried through the admin pages as a Caf gestionnaire would.

Sources: `03-…` art. 4–5 (effect at the signature; dénonciation two months before the
anniversary; résiliation for breach), `01-…` art. 5–6, `02-…` I.1–I.2 (T12 for the bureaux
d'aide juridictionnelle), `04-…` forms (désignation d'un responsable habilitations: "le
changement de responsable habilitations doit faire l'objet d'une nouvelle désignation").
"""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conventions.dates import ajouter_annees
from conventions.models import CategoriePartenaire, Convention, DesignationResponsable, EtatConvention, Partenaire
from habilitations.models import EtatHabilitation
from journal.models import Evenement
from tests.conventions.test_admin_partenaires_conventions import (
    CONVENTION_ADD,
    PARTENAIRE_ADD,
    PARTENAIRES,
    donnees_convention,
    donnees_de,
    donnees_partenaire,
    jj_mm_aaaa,
    url_convention,
)
from tests.factories import ConventionFactory, PartenaireFactory
from tests.outils import texte

CONVENTIONS = "/gestion/conventions/convention/"


def aujourd_hui() -> date:
    return timezone.localdate()


@pytest.fixture
def partenaire(caf_131):
    return PartenaireFactory(caisse=caf_131, raison_sociale="Métropole Aix-Marseille-Provence")


class TestSignatures:
    def test_signatures_posterieures_a_la_date_d_effet_refusees(self, admin_131, caf_131, partenaire):
        # The defect: signatures dated years after the date d'effet were accepted.
        reponse = admin_131.post(
            CONVENTION_ADD,
            donnees_convention(
                caf_131,
                partenaire,
                date_effet="13/03/2018",
                date_signature_caf="13/03/2022",
                date_signature_partenaire="01/02/2018",
            ),
        )
        assert reponse.status_code == 200
        assert "ne peut pas précéder la dernière signature (13/03/2022)" in texte(reponse)
        assert not Convention.objects.exists()

    def test_signature_future_refusee(self, admin_131, caf_131, partenaire):
        demain = jj_mm_aaaa(aujourd_hui() + timedelta(days=1))
        reponse = admin_131.post(
            CONVENTION_ADD,
            donnees_convention(caf_131, partenaire, date_signature_partenaire=demain, date_effet=demain),
        )
        assert "La signature par le partenaire ne peut pas être datée dans le futur." in texte(reponse)
        assert not Convention.objects.exists()

    def test_un_signataire_sans_date_ou_une_date_sans_signataire(self, admin_131, caf_131, partenaire):
        reponse = admin_131.post(
            CONVENTION_ADD,
            donnees_convention(caf_131, partenaire, signataire_partenaire="", date_signature_partenaire="01/03/2018"),
        )
        assert "Indiquez le nom et la qualité du signataire pour le partenaire." in texte(reponse)
        assert not Convention.objects.exists()

    def test_convention_non_signee_n_ouvre_aucun_acces(self, admin_131, caf_131, partenaire):
        # 01-… example: the partner's signature is missing (the factory of the seed's form).
        reponse = admin_131.post(
            CONVENTION_ADD,
            donnees_convention(caf_131, partenaire, signataire_partenaire="", date_signature_partenaire=""),
            follow=True,
        )
        assert reponse.status_code == 200
        convention = Convention.objects.get()
        assert convention.etat() == EtatConvention.NON_SIGNEE
        assert not convention.est_active()
        assert not Convention.objects.actives().exists()
        liste = texte(admin_131.get(CONVENTIONS, {"etat": "non_signee"}))
        assert "2018-001" in liste

        # Once the partner's signature comes back, the convention is in force.
        admin_131.post(
            url_convention(convention),
            donnees_de(
                convention,
                signataire_partenaire="Monsieur Jean-Claude GAUDIN, Président",
                date_signature_partenaire="12/03/2018",
            ),
        )
        convention.refresh_from_db()
        assert convention.etat() == EtatConvention.EN_VIGUEUR

    def test_les_signatures_ne_s_effacent_plus_sous_des_habilitations(self, admin_131, caf_131):
        from tests.factories import HabilitationFactory

        # A demande recorded, rights not yet opened (once opened, the fields are not even offered).
        habilitation = HabilitationFactory(
            convention__caisse=caf_131, etat=EtatHabilitation.DEMANDEE, date_ouverture=None
        )
        convention = habilitation.convention
        reponse = admin_131.post(
            url_convention(convention), donnees_de(convention, signataire_partenaire="", date_signature_partenaire="")
        )
        assert "ne peuvent plus être effacées" in texte(reponse)
        convention.refresh_from_db()
        assert convention.est_signee


class TestDenonciationEtResiliation:
    def test_denonciation_avant_la_signature_refusee(self, admin_131, caf_131):
        convention = ConventionFactory(
            caisse=caf_131, date_effet=date(2024, 3, 13), date_signature_caf=date(2024, 3, 1)
        )
        reponse = admin_131.post(
            url_convention(convention),
            donnees_de(convention, date_denonciation="01/01/2024", denonciation_par="partenaire"),
        )
        assert "La dénonciation ne peut pas précéder la signature de la convention (13/03/2024)" in texte(reponse)
        convention.refresh_from_db()
        assert convention.date_denonciation is None

    def test_resiliation_definitive_le_champ_ne_s_efface_pas(self, admin_131, caf_131):
        convention = ConventionFactory(caisse=caf_131)
        hier = aujourd_hui() - timedelta(days=1)
        admin_131.post(
            url_convention(convention),
            donnees_de(convention, date_resiliation=jj_mm_aaaa(hier), motif_resiliation="Divulgation de données"),
        )
        convention.refresh_from_db()
        assert convention.date_resiliation == hier
        assert convention.etat() == EtatConvention.TERMINEE

        # The page no longer offers the field; a forged POST clearing it changes nothing.
        page = texte(admin_131.get(url_convention(convention)))
        assert 'name="date_resiliation"' not in page
        admin_131.post(url_convention(convention), donnees_de(convention, date_resiliation="", motif_resiliation=""))
        convention.refresh_from_db()
        assert convention.date_resiliation == hier

        # Nor can code do it behind the form's back.
        convention.date_resiliation = None
        with pytest.raises(ValidationError, match="est définitive"):
            convention.save()

    def test_annuler_une_resiliation_demande_un_motif_et_se_journalise(self, admin_131, caf_131):
        hier = aujourd_hui() - timedelta(days=1)
        convention = ConventionFactory(caisse=caf_131, date_resiliation=hier, motif_resiliation="Erreur de saisie")
        actions = {"action": "annuler_resiliation", "_selected_action": [convention.pk]}

        page = admin_131.post(CONVENTIONS, actions)
        assert "Une résiliation est définitive" in texte(page)
        page = admin_131.post(CONVENTIONS, {**actions, "appliquer": "1", "motif": "  "})
        assert "Ce champ est obligatoire." in texte(page)
        convention.refresh_from_db()
        assert convention.date_resiliation == hier

        reponse = admin_131.post(
            CONVENTIONS, {**actions, "appliquer": "1", "motif": "Résiliation saisie sur la mauvaise convention"}
        )
        assert reponse.status_code == 302
        convention.refresh_from_db()
        assert convention.date_resiliation is None
        assert convention.etat() == EtatConvention.EN_VIGUEUR
        assert "annulée : Résiliation saisie sur la mauvaise convention" in convention.motif_annulation_resiliation
        assert "« Erreur de saisie »" in convention.motif_annulation_resiliation
        evenement = Evenement.objects.get(motif__startswith="annulation de la résiliation")
        assert evenement.acteur == "gestion.test131"
        assert evenement.details["resiliation_annulee"] == hier.isoformat()
        assert evenement.details["motif"] == "Résiliation saisie sur la mauvaise convention"
        assert "Résiliation saisie sur la mauvaise convention" in texte(admin_131.get(url_convention(convention)))

    def test_annuler_une_convention_non_resiliee_est_refuse(self, admin_131, caf_131):
        convention = ConventionFactory(caisse=caf_131)
        reponse = admin_131.post(
            CONVENTIONS,
            {"action": "annuler_resiliation", "_selected_action": [convention.pk], "appliquer": "1", "motif": "x"},
            follow=True,
        )
        assert "n'est pas résiliée : rien à annuler" in texte(reponse)
        assert not Evenement.objects.filter(motif__startswith="annulation").exists()


class TestProfilT12:
    def test_t12_refuse_a_un_partenaire_qui_n_est_pas_un_baj(self, admin_131, caf_131, partenaire):
        reponse = admin_131.post(CONVENTION_ADD, donnees_convention(caf_131, partenaire, profil="T12"))
        assert "Le profil T12 est réservé aux bureaux d'aide juridictionnelle" in texte(reponse)
        assert not Convention.objects.exists()

    def test_t12_accepte_pour_un_baj_et_seulement_t12(self, admin_131, caf_131):
        baj = PartenaireFactory(caisse=caf_131, categorie=CategoriePartenaire.BAJ, raison_sociale="BAJ du TJ")
        reponse = admin_131.post(CONVENTION_ADD, donnees_convention(caf_131, baj, profil="T13"))
        assert "Un bureau d'aide juridictionnelle signe une convention au profil T12." in texte(reponse)
        admin_131.post(CONVENTION_ADD, donnees_convention(caf_131, baj, profil="T12"))
        assert Convention.objects.get().profil == "T12"


class TestFiltresParCaf:
    def test_un_gestionnaire_ne_voit_pas_le_filtre_des_123_caf(self, admin_131, caf_131):
        ConventionFactory(caisse=caf_131)
        for url in (CONVENTIONS, PARTENAIRES, "/gestion/habilitations/habilitation/"):
            page = texte(admin_131.get(url))
            assert "Par Caf" not in page, url
            assert "974" not in page, url


class TestTelephoneEtCourriel:
    @pytest.mark.parametrize("numero", ["abc", "04 91", "12 34 56 78 90", "+33"])
    def test_telephone_invalide_refuse(self, admin_131, caf_131, numero):
        reponse = admin_131.post(PARTENAIRE_ADD, donnees_partenaire(caf_131, telephone=numero))
        assert "Numéro de téléphone invalide" in texte(reponse)
        assert not Partenaire.objects.exists()

    def test_courriel_invalide_refuse(self, admin_131, caf_131):
        reponse = admin_131.post(PARTENAIRE_ADD, donnees_partenaire(caf_131, email="mairie@"))
        assert "Saisissez une adresse de courriel valide." in texte(reponse)
        assert not Partenaire.objects.exists()

    @pytest.mark.parametrize("numero", ["03 83 28 99 28", "03.83.28.99.28", "+262 262 00 00 00"])
    def test_telephone_valide_accepte(self, admin_131, caf_131, numero):
        admin_131.post(PARTENAIRE_ADD, donnees_partenaire(caf_131, telephone=numero))
        assert Partenaire.objects.get().telephone == numero


class TestResponsableHabilitations:
    def test_un_changement_est_une_nouvelle_designation_et_l_ancienne_reste(self, admin_131, caf_131):
        admin_131.post(PARTENAIRE_ADD, donnees_partenaire(caf_131))
        partenaire = Partenaire.objects.get()
        premiere = partenaire.responsable
        assert (premiere.prenom, premiere.nom) == ("Claire", "THOMAS")

        url = f"{PARTENAIRES}{partenaire.pk}/change/"
        page = texte(admin_131.get(url))
        # The désignation received is shown, not offered for editing.
        assert 'name="designations-0-nom"' not in page
        donnees = donnees_partenaire(
            caf_131,
            **{
                "designations-TOTAL_FORMS": "2",
                "designations-INITIAL_FORMS": "1",
                "designations-0-id": str(premiere.pk),
                "designations-0-partenaire": str(partenaire.pk),
                "designations-0-nom": "EFFACÉ",
                "designations-1-prenom": "Hugo",
                "designations-1-nom": "LEROY",
                "designations-1-telephone": "03 83 11 22 33",
                "designations-1-recue_le": jj_mm_aaaa(aujourd_hui()),
            },
        )
        reponse = admin_131.post(url, donnees)
        assert reponse.status_code == 302, texte(reponse)
        partenaire.refresh_from_db()
        assert str(partenaire.responsable) == "Hugo LEROY"
        noms = list(DesignationResponsable.objects.order_by("pk").values_list("nom", flat=True))
        assert noms == ["THOMAS", "LEROY"]
        evenement = Evenement.objects.filter(motif__startswith="désignation d'un responsable").order_by("pk").last()
        assert "Hugo LEROY" in evenement.motif
        assert evenement.acteur == "gestion.test131"

    def test_une_designation_ne_se_modifie_pas_par_le_code(self, db, caf_131):
        partenaire = PartenaireFactory(caisse=caf_131)
        designation = partenaire.responsable
        designation.nom = "AUTRE"
        with pytest.raises(ValidationError, match="nouvelle désignation"):
            designation.save()

    def test_un_partenaire_sans_responsable_est_refuse(self, admin_131, caf_131):
        donnees = donnees_partenaire(caf_131, **{"designations-0-nom": "", "designations-0-prenom": ""})
        reponse = admin_131.post(PARTENAIRE_ADD, donnees)
        assert reponse.status_code == 200
        assert not Partenaire.objects.exists()


def test_la_fenetre_de_denonciation(db, caf_131):
    """Listed while a dénonciation can still end the convention at an anniversary, with its last
    day (two months before the anniversary) within two months."""
    il_y_a_un_an = ajouter_annees(aujourd_hui(), -1)
    limite_dans_un_mois = ConventionFactory(caisse=caf_131, date_effet=il_y_a_un_an + timedelta(days=92))
    limite_depassee = ConventionFactory(caisse=caf_131, date_effet=il_y_a_un_an + timedelta(days=30))
    limite_lointaine = ConventionFactory(caisse=caf_131, date_effet=il_y_a_un_an + timedelta(days=200))
    pks = set(Convention.objects.dans_la_fenetre_de_denonciation().values_list("pk", flat=True))
    assert pks == {limite_dans_un_mois.pk}
    # The listed one can indeed be dénoncée today; the one past its limit cannot.
    limite_dans_un_mois.fin_par_denonciation(aujourd_hui())
    with pytest.raises(ValidationError, match="trop tardive"):
        limite_depassee.fin_par_denonciation(aujourd_hui())
    assert limite_lointaine.limite_de_denonciation(aujourd_hui()) > aujourd_hui() + timedelta(days=62)


class TestFigee:
    def test_une_denonciation_ne_s_efface_pas(self, admin_131, caf_131):
        convention = ConventionFactory(
            caisse=caf_131, date_effet=ajouter_annees(aujourd_hui(), -1) + timedelta(days=92)
        )
        admin_131.post(
            url_convention(convention),
            donnees_de(convention, date_denonciation=jj_mm_aaaa(aujourd_hui()), denonciation_par="partenaire"),
        )
        convention.refresh_from_db()
        assert convention.date_denonciation == aujourd_hui()
        page = texte(admin_131.get(url_convention(convention)))
        assert 'name="date_denonciation"' not in page
        admin_131.post(url_convention(convention), donnees_de(convention, date_denonciation="", denonciation_par=""))
        convention.refresh_from_db()
        assert convention.date_denonciation == aujourd_hui()
        convention.date_denonciation = None
        convention.denonciation_par = ""
        with pytest.raises(ValidationError, match="est définitive"):
            convention.save()

    def test_une_convention_terminee_ne_revit_pas(self, db, caf_131):
        convention = ConventionFactory(caisse=caf_131, date_effet=date(2023, 1, 10))
        Convention.objects.filter(pk=convention.pk).update(
            date_denonciation=date(2023, 10, 1), denonciation_par="caf", date_fin=date(2024, 1, 10)
        )
        convention.refresh_from_db()
        assert convention.etat() == EtatConvention.TERMINEE
        convention.date_effet = date(2024, 1, 10)
        with pytest.raises(ValidationError, match="est terminée depuis le 10/01/2024"):
            convention.save()

    def test_date_d_effet_figee_apres_ouverture(self, admin_131, caf_131):
        from tests.factories import HabilitationFactory

        habilitation = HabilitationFactory(convention__caisse=caf_131)
        convention = habilitation.convention
        page = texte(admin_131.get(url_convention(convention)))
        assert 'name="date_effet"' not in page and 'name="date_signature_caf"' not in page
        convention.date_effet = aujourd_hui() + timedelta(days=400)
        with pytest.raises(ValidationError, match="sa date d'effet ne changent plus"):
            convention.save()
