"""Partners and conventions in the admin (/gestion/), as a Caf gestionnaire uses them.

Sources: `03-convention-caf54-essey-les-nancy-2017-T2.txt` (partner header: SIRET
215 401 845 000 15, representative, siège), `01-convention-caf13-metropole-aix-marseille-2018-T13.txt`
(convention « N° 2018-001 », art. 5 résiliation, art. 6 durée and dénonciation deux mois avant
l'échéance annuelle, signatories), `04-…` forms (responsable habilitations), `05-…` (profiles:
there is no T7), `02-…` II.2 and manual Cafpro V5 (locale / multi-Caf / nationale accesses).
"""

import html
from datetime import date

import pytest
from django.utils import timezone

from conventions.dates import ajouter_annees, ajouter_mois
from conventions.models import Convention, EtatConvention, Partenaire, Portee
from journal.models import Evenement, Resultat, TypeEvenement
from tests.factories import ConventionFactory, PartenaireFactory, caisse

PARTENAIRES = "/gestion/conventions/partenaire/"
PARTENAIRE_ADD = PARTENAIRES + "add/"
CONVENTIONS = "/gestion/conventions/convention/"
CONVENTION_ADD = CONVENTIONS + "add/"

# 03-… « Numéro SIRET : 215 401 845 000 15 » (Mairie d'Essey-lès-Nancy).
SIRET_ESSEY_SAISI = "215 401 845 000 15"
SIRET_ESSEY = "21540184500015"

# The partner page carries the ConventionInline (prefix "conventions"): its management form is
# sent as a browser would, even when the inline is not displayed.
GESTION_INLINE = {
    "conventions-TOTAL_FORMS": "0",
    "conventions-INITIAL_FORMS": "0",
    "conventions-MIN_NUM_FORMS": "0",
    "conventions-MAX_NUM_FORMS": "1000",
}


def texte(reponse) -> str:
    """The page as a person reads it: decoded, with HTML entities (&#x27; …) resolved."""
    return html.unescape(reponse.content.decode())


def jj_mm_aaaa(jour: date | None) -> str:
    # LANGUAGE_CODE fr-fr: the admin's date inputs read JJ/MM/AAAA.
    return jour.strftime("%d/%m/%Y") if jour else ""


def resultats(reponse) -> list:
    """The objects of an admin changelist page."""
    return list(reponse.context["cl"].result_list)


def donnees_partenaire(caf, **champs) -> dict:
    # 03-… header: « LA MAIRIE D'ESSEY LES NANCY … PLACE DE LA REPUBLIQUE 54270 ESSEY LES NANCY
    # Représenté par son Maire, Michel BREUILLE »; responsable habilitations per 04-… forms.
    donnees = {
        "caisse": caf.pk,
        "raison_sociale": "Mairie d'Essey-lès-Nancy",
        "siret": SIRET_ESSEY_SAISI,
        "adresse": "Place de la République",
        "code_postal": "54270",
        "ville": "Essey-lès-Nancy",
        "telephone": "",
        "email": "",
        "representant_nom": "Michel BREUILLE",
        "representant_qualite": "Maire",
        "categorie": "commune",
        "_save": "Enregistrer",
        **GESTION_INLINE,
        # The first désignation of a responsable habilitations, sent with the partner's form.
        "designations-TOTAL_FORMS": "1",
        "designations-INITIAL_FORMS": "0",
        "designations-MIN_NUM_FORMS": "1",
        "designations-MAX_NUM_FORMS": "1000",
        "designations-0-prenom": "Claire",
        "designations-0-nom": "THOMAS",
        "designations-0-telephone": "03 83 00 00 00",
        "designations-0-telecopie": "",
        "designations-0-email": "",
        "designations-0-adresse": "",
        "designations-0-date_designation": "",
        "designations-0-recue_le": timezone.localdate().strftime("%d/%m/%Y"),
    }
    donnees.update(champs)
    return donnees


def donnees_convention(caf, partenaire, **champs) -> dict:
    # 01-… « N° 2018-001 », T13, « prend effet le 13.03.2018 »; signatories of 01-….
    donnees = {
        "numero": "2018-001",
        "caisse": caf.pk,
        "partenaire": partenaire.pk,
        "profil": "T13",
        "portee": Portee.LOCALE,
        "caisses_multi": [],
        "signataire_caf": "Monsieur J.P SOUREILLAT, Directeur Général",
        "date_signature_caf": "13/03/2018",
        "signataire_partenaire": "Monsieur Jean-Claude GAUDIN, Président",
        "date_signature_partenaire": "12/03/2018",
        "date_effet": "13/03/2018",
        "date_denonciation": "",
        "denonciation_par": "",
        "date_resiliation": "",
        "motif_resiliation": "",
        "_save": "Enregistrer",
    }
    donnees.update(champs)
    return donnees


def donnees_de(convention: Convention, **champs) -> dict:
    """The change form of an existing convention, as the page would post it back."""
    donnees = donnees_convention(
        convention.caisse,
        convention.partenaire,
        numero=convention.numero,
        profil=convention.profil,
        portee=convention.portee,
        caisses_multi=[c.pk for c in convention.caisses_multi.all()],
        signataire_caf=convention.signataire_caf,
        date_signature_caf=jj_mm_aaaa(convention.date_signature_caf),
        signataire_partenaire=convention.signataire_partenaire,
        date_signature_partenaire=jj_mm_aaaa(convention.date_signature_partenaire),
        date_effet=jj_mm_aaaa(convention.date_effet),
        date_denonciation=jj_mm_aaaa(convention.date_denonciation),
        denonciation_par=convention.denonciation_par,
        date_resiliation=jj_mm_aaaa(convention.date_resiliation),
        motif_resiliation=convention.motif_resiliation,
    )
    donnees.update(champs)
    return donnees


def url_convention(convention) -> str:
    return f"{CONVENTIONS}{convention.pk}/change/"


@pytest.fixture
def partenaire_131(caf_131):
    return PartenaireFactory(caisse=caf_131, raison_sociale="Métropole Aix-Marseille-Provence")


# --- Changelists: the gestionnaire's own records --------------------------------------------


class TestListes:
    def test_liste_des_partenaires_de_sa_caf(self, admin_131, caf_131):
        a_moi = PartenaireFactory(caisse=caf_131, raison_sociale="Métropole Aix-Marseille-Provence")
        PartenaireFactory(caisse=caisse("161"), raison_sociale="CCAS d'Angoulême")

        reponse = admin_131.get(PARTENAIRES)

        assert reponse.status_code == 200
        assert resultats(reponse) == [a_moi]
        page = texte(reponse)
        assert "Métropole Aix-Marseille-Provence" in page
        assert "CCAS d'Angoulême" not in page

    def test_liste_des_conventions_de_sa_caf(self, admin_131, caf_131):
        a_moi = ConventionFactory(caisse=caf_131, numero="2018-001")
        ConventionFactory(caisse=caisse("161"), numero="2016-777")

        reponse = admin_131.get(CONVENTIONS)

        assert reponse.status_code == 200
        assert resultats(reponse) == [a_moi]
        page = texte(reponse)
        assert "2018-001" in page
        assert "2016-777" not in page

    def test_une_autre_caf_ne_voit_pas_les_conventions_de_131(self, admin_161, caf_131):
        convention = ConventionFactory(caisse=caf_131, numero="2018-001")
        reponse = admin_161.get(CONVENTIONS)
        assert reponse.status_code == 200
        assert resultats(reponse) == []
        # Outside its perimeter the object "does not exist": back to the admin index.
        reponse = admin_161.get(url_convention(convention))
        assert (reponse.status_code, reponse["Location"]) == (302, "/gestion/")
        reponse = admin_161.post(url_convention(convention), donnees_de(convention, signataire_caf="Intrus"))
        assert reponse.status_code == 302
        convention.refresh_from_db()
        assert convention.signataire_caf == "Le directeur de la Caf"

    def test_page_d_ajout_en_francais_limitee_a_sa_caf(self, admin_131, caf_131):
        reponse = admin_131.get(CONVENTION_ADD)
        assert reponse.status_code == 200
        champ_caisse = reponse.context["adminform"].form.fields["caisse"]
        assert list(champ_caisse.queryset) == [caf_131]


# --- Partners ---------------------------------------------------------------------------------


class TestPartenaire:
    def test_creation_avec_siret_ecrit_avec_des_espaces(self, admin_131, caf_131):
        reponse = admin_131.post(PARTENAIRE_ADD, donnees_partenaire(caf_131))

        assert reponse.status_code == 302, texte(reponse)
        partenaire = Partenaire.objects.get()
        assert partenaire.siret == SIRET_ESSEY
        assert partenaire.caisse == caf_131
        assert partenaire.raison_sociale == "Mairie d'Essey-lès-Nancy"
        assert partenaire.representant_qualite == "Maire"

    @pytest.mark.parametrize("saisie", ["215.401.845.000.15", "215-401-845-00015"])
    def test_autres_separateurs_acceptes(self, admin_131, caf_131, saisie):
        reponse = admin_131.post(PARTENAIRE_ADD, donnees_partenaire(caf_131, siret=saisie))
        assert reponse.status_code == 302
        assert Partenaire.objects.get().siret == SIRET_ESSEY

    def test_siret_errone_refuse(self, admin_131, caf_131):
        reponse = admin_131.post(PARTENAIRE_ADD, donnees_partenaire(caf_131, siret="215 401 845 000 16"))

        assert reponse.status_code == 200
        assert "Le numéro SIRET 21540184500016 n'est pas valide : sa clé de contrôle est incorrecte." in texte(reponse)
        assert not Partenaire.objects.exists()

    def test_siret_de_13_chiffres_refuse(self, admin_131, caf_131):
        reponse = admin_131.post(PARTENAIRE_ADD, donnees_partenaire(caf_131, siret="215 401 845 000 1"))

        assert reponse.status_code == 200
        assert "Le numéro SIRET doit comporter exactement 14 chiffres (reçu « 2154018450001 »)." in texte(reponse)
        assert not Partenaire.objects.exists()

    def test_siret_en_chiffres_pleine_chasse_refuse(self, admin_131, caf_131):
        # Regression: full-width digits passed valider_siret and were stored as typed, next to
        # the same SIRET in ASCII digits.
        PartenaireFactory(caisse=caf_131, siret=SIRET_ESSEY)
        reponse = admin_131.post(PARTENAIRE_ADD, donnees_partenaire(caf_131, siret="２１５ ４０１ ８４５ ０００ １５"))

        assert reponse.status_code == 200
        assert "Le numéro SIRET doit comporter exactement 14 chiffres" in texte(reponse)
        assert Partenaire.objects.count() == 1

    def test_meme_siret_deux_fois_dans_la_meme_caf_refuse(self, admin_131, caf_131):
        # Uniqueness (caisse, siret) applies to the normalised SIRET.
        PartenaireFactory(caisse=caf_131, siret=SIRET_ESSEY)
        reponse = admin_131.post(PARTENAIRE_ADD, donnees_partenaire(caf_131))

        assert reponse.status_code == 200
        assert "existe déjà" in texte(reponse)
        assert Partenaire.objects.count() == 1

    def test_meme_siret_dans_une_autre_caf_accepte(self, admin_131, caf_131):
        PartenaireFactory(caisse=caisse("541"), siret=SIRET_ESSEY)
        reponse = admin_131.post(PARTENAIRE_ADD, donnees_partenaire(caf_131))
        assert reponse.status_code == 302
        assert Partenaire.objects.filter(siret=SIRET_ESSEY).count() == 2

    def test_code_postal_mal_forme_refuse(self, admin_131, caf_131):
        reponse = admin_131.post(PARTENAIRE_ADD, donnees_partenaire(caf_131, code_postal="5427A"))
        assert reponse.status_code == 200
        assert "Le code postal doit comporter 5 chiffres (reçu « 5427A »)." in texte(reponse)
        assert not Partenaire.objects.exists()

    def test_une_autre_caf_est_refusee_comme_caisse_gestionnaire(self, admin_131, caf_131):
        reponse = admin_131.post(PARTENAIRE_ADD, donnees_partenaire(caisse("161")))
        assert reponse.status_code == 200
        assert "Sélectionnez un choix valide" in texte(reponse)
        assert not Partenaire.objects.exists()

    def test_modification_du_partenaire(self, admin_131, caf_131):
        partenaire = PartenaireFactory(caisse=caf_131, siret=SIRET_ESSEY)
        url = f"{PARTENAIRES}{partenaire.pk}/change/"
        assert admin_131.get(url).status_code == 200

        reponse = admin_131.post(url, donnees_partenaire(caf_131, ville="Essey-lès-Nancy Cedex"))

        assert reponse.status_code == 302, texte(reponse)
        partenaire.refresh_from_db()
        assert partenaire.ville == "Essey-lès-Nancy Cedex"
        assert partenaire.siret == SIRET_ESSEY

    def test_la_page_du_partenaire_liste_ses_conventions(self, admin_131, caf_131):
        # Regression: ConventionInline used Django's model permissions, which no gestionnaire
        # holds, so the list of the partner's conventions never showed for them.
        convention = ConventionFactory(caisse=caf_131, numero="2018-001")
        reponse = admin_131.get(f"{PARTENAIRES}{convention.partenaire.pk}/change/")
        assert reponse.status_code == 200
        page = texte(reponse)
        assert 'name="conventions-TOTAL_FORMS" value="1"' in page
        assert "2018-001" in page
        # Read-only list: no way to add a convention from the partner page.
        assert 'name="conventions-MAX_NUM_FORMS" value="0"' in page

    def test_modifier_un_partenaire_qui_a_des_conventions(self, admin_131, caf_131):
        convention = ConventionFactory(caisse=caf_131, numero="2018-001")
        partenaire = convention.partenaire
        donnees = donnees_partenaire(
            caf_131,
            siret=partenaire.siret,
            ville="Aubagne",
            **{
                # The inline's management form and hidden fields, as the page renders them.
                "conventions-TOTAL_FORMS": "1",
                "conventions-INITIAL_FORMS": "1",
                "conventions-MAX_NUM_FORMS": "0",
                "conventions-0-id": str(convention.pk),
                "conventions-0-partenaire": str(partenaire.pk),
            },
        )

        reponse = admin_131.post(f"{PARTENAIRES}{partenaire.pk}/change/", donnees)

        assert reponse.status_code == 302, texte(reponse)
        partenaire.refresh_from_db()
        assert partenaire.ville == "Aubagne"
        convention.refresh_from_db()
        assert (convention.numero, convention.partenaire_id) == ("2018-001", partenaire.pk)


# --- Conventions ------------------------------------------------------------------------------


class TestAjoutConvention:
    def test_creation(self, admin_131, caf_131, partenaire_131):
        reponse = admin_131.post(CONVENTION_ADD, donnees_convention(caf_131, partenaire_131))

        assert reponse.status_code == 302, texte(reponse)
        convention = Convention.objects.get()
        assert convention.numero == "2018-001"
        assert convention.caisse == caf_131
        assert convention.partenaire == partenaire_131
        assert convention.profil == "T13"
        # 01-… art. 6 « prend effet le 13.03.2018 », read as JJ/MM/AAAA.
        assert convention.date_effet == date(2018, 3, 13)
        assert convention.date_signature_caf == date(2018, 3, 13)
        assert convention.date_fin is None
        assert convention.etat() == EtatConvention.EN_VIGUEUR
        assert list(convention.caisses_accessibles()) == [caf_131]

    def test_un_gestionnaire_n_accorde_pas_de_portee_au_dela_de_sa_caf(self, admin_131, caf_131, partenaire_131):
        page = texte(admin_131.get(CONVENTION_ADD))
        assert 'name="portee"' not in page and 'name="caisses_multi"' not in page
        # A forged POST gets the local scope only.
        couvertes = [caisse("161").pk]
        admin_131.post(
            CONVENTION_ADD,
            donnees_convention(caf_131, partenaire_131, portee=Portee.MULTI_CAF, caisses_multi=couvertes),
        )
        convention = Convention.objects.get()
        assert convention.portee == Portee.LOCALE
        assert list(convention.caisses_accessibles()) == [caf_131]

    @pytest.mark.parametrize("portee", [Portee.NATIONALE, Portee.MULTI_CAF])
    def test_un_gestionnaire_n_etend_pas_la_portee_d_une_convention_existante(
        self, admin_131, caf_131, partenaire_131, portee
    ):
        """Issue 12, point 8: the scope over other Cafs is a national administrator's decision,
        on the change form too (a forged POST is ignored, the scope stays local)."""
        convention = ConventionFactory(caisse=caf_131, partenaire=partenaire_131)
        assert 'name="portee"' not in texte(admin_131.get(url_convention(convention)))
        couvertes = [caisse("161").pk] if portee == Portee.MULTI_CAF else []
        reponse = admin_131.post(
            url_convention(convention), donnees_de(convention, portee=portee, caisses_multi=couvertes)
        )
        assert reponse.status_code == 302, texte(reponse)
        convention.refresh_from_db()
        assert convention.portee == Portee.LOCALE
        assert list(convention.caisses_accessibles()) == [caf_131]

    def test_creation_multi_caf(self, admin_national, caf_131, partenaire_131):
        couvertes = [caisse("161").pk, caisse("171").pk]
        reponse = admin_national.post(
            CONVENTION_ADD,
            donnees_convention(caf_131, partenaire_131, portee=Portee.MULTI_CAF, caisses_multi=couvertes),
        )

        assert reponse.status_code == 302, texte(reponse)
        convention = Convention.objects.get()
        assert sorted(convention.caisses_accessibles().values_list("numero", flat=True)) == ["131", "161", "171"]

    def test_multi_caf_sans_caf_refusee(self, admin_national, caf_131, partenaire_131):
        reponse = admin_national.post(
            CONVENTION_ADD, donnees_convention(caf_131, partenaire_131, portee=Portee.MULTI_CAF)
        )

        assert reponse.status_code == 200
        assert "Une convention multi-Caf doit indiquer les Caf couvertes." in texte(reponse)
        assert not Convention.objects.exists()

    @pytest.mark.parametrize("portee", [Portee.LOCALE, Portee.NATIONALE])
    def test_caf_couvertes_hors_multi_caf_refusees(self, admin_national, caf_131, partenaire_131, portee):
        reponse = admin_national.post(
            CONVENTION_ADD,
            donnees_convention(caf_131, partenaire_131, portee=portee, caisses_multi=[caisse("161").pk]),
        )

        assert reponse.status_code == 200
        assert "La liste des Caf couvertes ne concerne que les conventions multi-Caf." in texte(reponse)
        assert not Convention.objects.exists()

    def test_profil_t7_inexistant_refuse(self, admin_131, caf_131, partenaire_131):
        # 05-…: the profiles go T1 … T16 without T7 (nor T15).
        reponse = admin_131.post(CONVENTION_ADD, donnees_convention(caf_131, partenaire_131, profil="T7"))

        assert reponse.status_code == 200
        assert "Sélectionnez un choix valide. T7 n’en fait pas partie." in texte(reponse)
        assert not Convention.objects.exists()

    def test_date_au_format_anglais_refusee(self, admin_131, caf_131, partenaire_131):
        reponse = admin_131.post(CONVENTION_ADD, donnees_convention(caf_131, partenaire_131, date_effet="2018-13-03"))
        assert reponse.status_code == 200
        assert "Saisissez une date valide." in texte(reponse)
        assert not Convention.objects.exists()

    def test_partenaire_d_une_autre_caf_refuse(self, admin_131, caf_131):
        autre = PartenaireFactory(caisse=caisse("161"))
        reponse = admin_131.post(CONVENTION_ADD, donnees_convention(caf_131, autre))
        assert reponse.status_code == 200
        assert "Sélectionnez un choix valide" in texte(reponse)
        assert not Convention.objects.exists()

    def test_numero_deja_utilise_dans_la_caf_refuse(self, admin_131, caf_131, partenaire_131):
        ConventionFactory(caisse=caf_131, partenaire=partenaire_131, numero="2018-001")
        reponse = admin_131.post(CONVENTION_ADD, donnees_convention(caf_131, partenaire_131))
        assert reponse.status_code == 200
        assert "existe déjà" in texte(reponse)
        assert Convention.objects.count() == 1


class TestFinDeConvention:
    def test_denonciation_trop_tardive_refusee(self, admin_131, caf_131, partenaire_131):
        # 01-… art. 6: dénonciation « deux mois avant l'échéance annuelle ». Started eleven
        # months ago, the échéance is about a month away: too late today.
        aujourd_hui = timezone.localdate()
        convention = ConventionFactory(
            caisse=caf_131, partenaire=partenaire_131, date_effet=ajouter_mois(aujourd_hui, -11)
        )
        echeance = ajouter_annees(convention.date_effet, 1)

        reponse = admin_131.post(
            url_convention(convention),
            donnees_de(convention, date_denonciation=jj_mm_aaaa(aujourd_hui), denonciation_par="partenaire"),
        )

        assert reponse.status_code == 200
        page = texte(reponse)
        assert f"Dénonciation trop tardive : notifiée le {jj_mm_aaaa(aujourd_hui)}" in page
        assert f"deux mois avant l'échéance annuelle du {jj_mm_aaaa(echeance)}" in page
        convention.refresh_from_db()
        assert convention.date_denonciation is None
        assert convention.denonciation_par == ""
        assert convention.date_fin is None
        assert not Evenement.objects.filter(type=TypeEvenement.GESTION, motif__startswith="dénonciation").exists()

    def test_denonciation_valide_fixe_la_fin_et_est_journalisee(self, admin_131, caf_131, partenaire_131):
        aujourd_hui = timezone.localdate()
        convention = ConventionFactory(
            caisse=caf_131, partenaire=partenaire_131, numero="2018-001", date_effet=ajouter_mois(aujourd_hui, -1)
        )
        echeance = ajouter_annees(convention.date_effet, 1)

        reponse = admin_131.post(
            url_convention(convention),
            donnees_de(convention, date_denonciation=jj_mm_aaaa(aujourd_hui), denonciation_par="caf"),
        )

        assert reponse.status_code == 302, texte(reponse)
        convention.refresh_from_db()
        assert convention.date_denonciation == aujourd_hui
        assert convention.denonciation_par == "caf"
        assert convention.date_fin == echeance
        assert convention.etat() == EtatConvention.EN_FIN

        evenement = Evenement.objects.get(type=TypeEvenement.GESTION, motif__startswith="dénonciation")
        assert evenement.resultat == Resultat.SUCCES
        assert evenement.motif == "dénonciation de la convention 2018-001"
        assert evenement.acteur == "gestion.test131"
        assert evenement.caisse == "131"
        assert evenement.details == {"convention": "2018-001", "date_fin": echeance.isoformat()}

        # The change page now shows the state with its end date.
        page = texte(admin_131.get(url_convention(convention)))
        assert f"dénoncée ou résiliée, prend fin le {jj_mm_aaaa(echeance)}" in page

    def test_resiliation_immediate_journalisee(self, admin_131, caf_131, partenaire_131):
        # 01-… art. 5: the Caf may end the convention at once for non-respect of obligations.
        aujourd_hui = timezone.localdate()
        convention = ConventionFactory(
            caisse=caf_131, partenaire=partenaire_131, numero="2018-001", date_effet=ajouter_mois(aujourd_hui, -3)
        )

        reponse = admin_131.post(
            url_convention(convention),
            donnees_de(
                convention,
                date_resiliation=jj_mm_aaaa(aujourd_hui),
                motif_resiliation="Divulgation d'informations à des tiers non autorisés",
            ),
        )

        assert reponse.status_code == 302, texte(reponse)
        convention.refresh_from_db()
        assert convention.date_fin == aujourd_hui
        assert convention.etat() == EtatConvention.TERMINEE
        evenement = Evenement.objects.get(type=TypeEvenement.GESTION, motif__startswith="résiliation")
        assert evenement.motif == "résiliation de la convention 2018-001"

    def test_resiliation_sans_motif_refusee(self, admin_131, caf_131, partenaire_131):
        aujourd_hui = timezone.localdate()
        convention = ConventionFactory(
            caisse=caf_131, partenaire=partenaire_131, date_effet=ajouter_mois(aujourd_hui, -3)
        )

        reponse = admin_131.post(
            url_convention(convention), donnees_de(convention, date_resiliation=jj_mm_aaaa(aujourd_hui))
        )

        assert reponse.status_code == 200
        assert "Indiquez le manquement qui justifie la résiliation." in texte(reponse)
        convention.refresh_from_db()
        assert convention.date_resiliation is None
        assert not Evenement.objects.filter(type="gestion", motif__startswith="résiliation").exists()

    def test_modification_journalisee_avec_ses_champs_sans_fin(self, admin_131, caf_131, partenaire_131):
        convention = ConventionFactory(caisse=caf_131, partenaire=partenaire_131)
        reponse = admin_131.post(url_convention(convention), donnees_de(convention, signataire_partenaire="Le Maire"))
        assert reponse.status_code == 302, texte(reponse)
        convention.refresh_from_db()
        assert convention.signataire_partenaire == "Le Maire"
        evenement = Evenement.objects.get(type=TypeEvenement.GESTION)
        assert evenement.motif.startswith("modification : convention")
        assert evenement.details["champs"] == ["signataire_partenaire"]
        assert evenement.acteur == "gestion.test131"


class TestRechercheEtFiltre:
    def test_recherche_par_partenaire(self, admin_131, caf_131):
        metropole = ConventionFactory(
            caisse=caf_131,
            partenaire=PartenaireFactory(caisse=caf_131, raison_sociale="Métropole Aix-Marseille-Provence"),
        )
        ConventionFactory(caisse=caf_131, partenaire=PartenaireFactory(caisse=caf_131, raison_sociale="CCAS d'Aubagne"))

        reponse = admin_131.get(CONVENTIONS, {"q": "Métropole"})

        assert reponse.status_code == 200
        assert resultats(reponse) == [metropole]

    def test_recherche_par_numero_et_par_siret(self, admin_131, caf_131):
        cherchee = ConventionFactory(
            caisse=caf_131, numero="2018-001", partenaire=PartenaireFactory(caisse=caf_131, siret=SIRET_ESSEY)
        )
        ConventionFactory(caisse=caf_131, numero="2017-006")

        assert resultats(admin_131.get(CONVENTIONS, {"q": "2018-001"})) == [cherchee]
        assert resultats(admin_131.get(CONVENTIONS, {"q": SIRET_ESSEY})) == [cherchee]

    def test_recherche_ne_sort_pas_du_perimetre(self, admin_131, caf_131):
        ConventionFactory(
            caisse=caisse("161"),
            partenaire=PartenaireFactory(caisse=caisse("161"), raison_sociale="Mairie d'Angoulême"),
        )
        assert resultats(admin_131.get(CONVENTIONS, {"q": "Angoulême"})) == []

    def test_recherche_de_partenaire_par_siret(self, admin_131, caf_131):
        cherche = PartenaireFactory(caisse=caf_131, siret=SIRET_ESSEY)
        PartenaireFactory(caisse=caf_131)
        assert resultats(admin_131.get(PARTENAIRES, {"q": SIRET_ESSEY})) == [cherche]

    def test_filtre_etat_terminee(self, admin_131, caf_131):
        terminee = ConventionFactory(
            caisse=caf_131,
            numero="2024-T",
            date_effet=date(2024, 3, 13),
            date_resiliation=date(2024, 10, 1),
            motif_resiliation="Manquement",
        )
        ConventionFactory(caisse=caf_131, numero="2024-V", date_effet=date(2024, 3, 13))

        reponse = admin_131.get(CONVENTIONS, {"etat": "terminee"})

        assert reponse.status_code == 200
        assert resultats(reponse) == [terminee]
        page = texte(reponse)
        assert "2024-T" in page
        assert "2024-V" not in page

    def test_filtre_etat_en_vigueur(self, admin_131, caf_131):
        ConventionFactory(
            caisse=caf_131,
            date_effet=date(2024, 3, 13),
            date_resiliation=date(2024, 10, 1),
            motif_resiliation="Manquement",
        )
        en_vigueur = ConventionFactory(caisse=caf_131, date_effet=date(2024, 3, 13))
        attente = ConventionFactory(caisse=caf_131, date_effet=ajouter_annees(timezone.localdate(), 1))

        assert resultats(admin_131.get(CONVENTIONS, {"etat": "en_vigueur"})) == [en_vigueur]
        assert resultats(admin_131.get(CONVENTIONS, {"etat": "en_attente"})) == [attente]
