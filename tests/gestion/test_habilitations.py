"""Habilitations that stay true, tried through the admin pages as a Caf gestionnaire would.

Sources: `02-…` I.3 (nominative habilitation, cannot be delegated; a new person is a new
demande d'accès), `01-…` art. 4 (the Caf may change any password; the new one is notified
before it is put into service), `03-…` art. 3 (lost or stolen codes: the Caf delivers a new
habilitation), the demande de suppression forms of `01-…` and `04-…`.
"""

import re
from datetime import date, timedelta

import pytest
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format

from documents.models import DocumentEmis, Nature
from habilitations.models import EtatHabilitation, Habilitation
from journal.models import Evenement, TypeEvenement
from tests.factories import MOT_DE_PASSE_PARTENAIRE, ConventionFactory, HabilitationFactory
from tests.habilitations.test_admin_habilitations import ADD_URL, LIST_URL, action, demande
from tests.outils import texte


def aujourd_hui() -> date:
    return timezone.localdate()


def jj(jour: date) -> str:
    return jour.strftime("%d/%m/%Y")


def url(habilitation) -> str:
    return f"{LIST_URL}{habilitation.pk}/change/"


def donnees_de(habilitation, **champs) -> dict:
    donnees = demande(
        habilitation.convention,
        nom=habilitation.nom,
        prenom=habilitation.prenom,
        fonction=habilitation.fonction,
        adresse_professionnelle=habilitation.adresse_professionnelle,
        telephone=habilitation.telephone,
        email=habilitation.email,
        contrat=habilitation.contrat,
        date_demande=jj(habilitation.date_demande),
    )
    donnees.update(champs)
    return donnees


def se_connecter(client, identifiant, mot_de_passe):
    return client.post("/", {"identifiant": identifiant, "mot_de_passe": mot_de_passe})


def mot_de_passe_affiche(page: str) -> str:
    # The separate sheet (feuille_mot_de_passe), shown once on the lot's page.
    return re.search(r"Mot de passe</th><td>([^<]+)<", page).group(1)


class TestNominative:
    def test_apres_ouverture_nom_et_prenom_ne_changent_plus(self, admin_131, caf_131):
        habilitation = HabilitationFactory(convention__caisse=caf_131, nom="DURAND", prenom="Léa")
        page = texte(admin_131.get(url(habilitation)))
        assert 'name="nom"' not in page and 'name="prenom"' not in page
        # A forged POST changes nothing.
        admin_131.post(url(habilitation), donnees_de(habilitation, nom="MARTIN", prenom="Paul"))
        habilitation.refresh_from_db()
        assert (habilitation.nom, habilitation.prenom) == ("DURAND", "Léa")
        # Nor can code rename the holder.
        habilitation.nom = "MARTIN"
        with pytest.raises(ValidationError, match="nominative"):
            habilitation.save()

    def test_avant_ouverture_une_faute_se_corrige_et_l_evenement_garde_l_ancien_nom(self, admin_131, caf_131):
        convention = ConventionFactory(caisse=caf_131)
        admin_131.post(ADD_URL, demande(convention, nom="DURANT"))
        habilitation = Habilitation.objects.get()
        reponse = admin_131.post(url(habilitation), donnees_de(habilitation, nom="DURAND"))
        assert reponse.status_code == 302
        habilitation.refresh_from_db()
        assert habilitation.nom == "DURAND"

        creation, correction = Evenement.objects.filter(habilitation_id=habilitation.pk).order_by("pk")
        # Both on the habilitation's timeline, each with the holder as he was named then.
        assert creation.motif.startswith("création") and creation.details["titulaire"] == "DURANT Léa"
        assert correction.motif.startswith("modification") and correction.details["titulaire"] == "DURAND Léa"
        assert correction.details["avant"] == {"nom": "DURANT"}
        assert "nom" in correction.details["champs"]

    def test_la_chronologie_montre_creation_et_modifications(self, admin_131, caf_131, client):
        convention = ConventionFactory(caisse=caf_131)
        admin_131.post(ADD_URL, demande(convention))
        habilitation = Habilitation.objects.get()
        admin_131.post(url(habilitation), donnees_de(habilitation, fonction="Cheffe de service"))
        action(admin_131, "ouvrir_droits", habilitation)
        motifs = list(
            Evenement.objects.filter(habilitation_id=habilitation.pk).order_by("pk").values_list("motif", flat=True)
        )
        assert [m.split(" :")[0] for m in motifs[:2]] == ["création", "modification"]
        assert "ouverture des droits" in motifs


class TestHomonymes:
    def test_meme_personne_sur_la_convention_demande_une_confirmation(self, admin_131, caf_131):
        existante = HabilitationFactory(convention__caisse=caf_131, nom="Dupré", prenom="Anne-Marie")
        donnees = demande(existante.convention, nom="DUPRE", prenom="anne marie", email="autre@x.invalid")
        reponse = admin_131.post(ADD_URL, donnees)
        page = texte(reponse)
        assert f"Cette personne détient déjà une habilitation sur la convention {existante.convention.numero}" in page
        assert existante.identifiant in page
        assert Habilitation.objects.count() == 1

        admin_131.post(ADD_URL, {**donnees, "confirmer_autre_personne": "on"})
        assert Habilitation.objects.count() == 2

    def test_meme_courriel_aussi(self, admin_131, caf_131):
        existante = HabilitationFactory(convention__caisse=caf_131, email="lea.durand@ampmetropole.invalid")
        reponse = admin_131.post(ADD_URL, demande(existante.convention, nom="AUTRE"))
        assert "Cette personne détient déjà une habilitation" in texte(reponse)

    def test_une_habilitation_supprimee_ne_compte_plus(self, admin_131, caf_131):
        existante = HabilitationFactory(
            convention__caisse=caf_131, nom="DURAND", prenom="Léa", date_suppression=aujourd_hui()
        )
        admin_131.post(ADD_URL, demande(existante.convention))
        assert Habilitation.objects.count() == 2

    def test_telephone_invalide(self, admin_131, caf_131):
        convention = ConventionFactory(caisse=caf_131)
        reponse = admin_131.post(ADD_URL, demande(convention, telephone="n'importe quoi"))
        assert "Numéro de téléphone invalide" in texte(reponse)
        assert not Habilitation.objects.exists()


class TestConventionTerminee:
    @pytest.fixture
    def terminee(self, caf_131):
        return ConventionFactory(caisse=caf_131)

    @staticmethod
    def resilier(convention):
        convention.date_resiliation = aujourd_hui() - timedelta(days=1)
        convention.motif_resiliation = "Manquement"
        convention.save()

    def test_ouvrir_les_droits_refuse(self, admin_131, terminee):
        habilitation = HabilitationFactory(convention=terminee, etat=EtatHabilitation.DEMANDEE)
        self.resilier(terminee)
        empreinte = habilitation.user.password
        reponse = action(admin_131, "ouvrir_droits", habilitation)
        assert reponse.status_code == 302
        page = texte(admin_131.get(reponse["Location"]))
        assert "la convention" in page and "est terminée" in page
        habilitation.refresh_from_db()
        assert habilitation.etat == EtatHabilitation.DEMANDEE
        habilitation.user.refresh_from_db()
        assert habilitation.user.password == empreinte
        assert not DocumentEmis.objects.exists()

    @pytest.mark.parametrize("nom", ["programmer_mots_de_passe", "perte_ou_vol"])
    def test_nouveau_mot_de_passe_refuse(self, admin_131, terminee, nom):
        habilitation = HabilitationFactory(convention=terminee)
        self.resilier(terminee)
        ancien = habilitation.user.password
        extra = {"appliquer": "1", "a_compter_du": jj(aujourd_hui() + timedelta(days=10)), "confirmer": "on"}
        reponse = action(admin_131, nom, habilitation, **extra)
        page = texte(admin_131.get(reponse["Location"]))
        assert "est terminée" in page
        habilitation.user.refresh_from_db()
        assert habilitation.user.password == ancien
        assert Habilitation.objects.count() == 1

    def test_ouvrir_sous_une_convention_non_signee_refuse(self, admin_131, caf_131):
        convention = ConventionFactory(caisse=caf_131, non_signee=True)
        habilitation = HabilitationFactory(convention=convention, etat=EtatHabilitation.DEMANDEE)
        reponse = action(admin_131, "ouvrir_droits", habilitation)
        page = texte(admin_131.get(reponse["Location"]))
        assert "« non signée »" in page
        assert "Les droits ne s'exercent que sous une convention signée et en vigueur." in page

    def test_la_liste_montre_l_etat_effectif(self, admin_131, terminee, caf_131):
        HabilitationFactory(convention=terminee, nom="SOUSTERMINEE")
        self.resilier(terminee)
        HabilitationFactory(convention__caisse=caf_131, nom="ENVIGUEUR")
        page = texte(admin_131.get(LIST_URL))
        assert "fermée (convention terminée)" in page
        actives = texte(admin_131.get(LIST_URL, {"etat": "active"}))
        assert "ENVIGUEUR" in actives and "SOUSTERMINEE" not in actives
        fermees = texte(admin_131.get(LIST_URL, {"etat": "fermee"}))
        assert "SOUSTERMINEE" in fermees and "ENVIGUEUR" not in fermees


class TestOuvertureSansRejeu:
    def test_une_ouverture_redirige_et_le_mot_de_passe_ne_s_affiche_qu_une_fois(self, admin_131, caf_131):
        habilitation = HabilitationFactory(convention__caisse=caf_131, etat=EtatHabilitation.DEMANDEE)
        reponse = action(admin_131, "ouvrir_droits", habilitation)
        assert reponse.status_code == 302

        premiere = admin_131.get(reponse["Location"])
        assert "no-store" in premiere["Cache-Control"]
        page = texte(premiere)
        assert "Ouverture des droits de consultation" in page
        mot_de_passe = mot_de_passe_affiche(page)
        habilitation.refresh_from_db()
        habilitation.user.refresh_from_db()
        empreinte = habilitation.user.password
        assert check_password(mot_de_passe, empreinte)

        # Reloading shows the letter again, without the password, and issues nothing new.
        seconde = texte(admin_131.get(reponse["Location"]))
        assert "Ouverture des droits de consultation" in seconde
        assert habilitation.identifiant in seconde
        assert mot_de_passe not in seconde
        assert "ne sont pas conservés" in seconde
        habilitation.user.refresh_from_db()
        assert habilitation.user.password == empreinte
        assert DocumentEmis.objects.filter(nature=Nature.LETTRE_OUVERTURE).count() == 1
        # The letter kept never holds the password.
        document = DocumentEmis.objects.get()
        assert mot_de_passe not in str(document.blocs)
        assert document.habilitation_id == habilitation.pk

    def test_rejouer_la_requete_d_ouverture_n_emet_rien(self, admin_131, caf_131):
        habilitation = HabilitationFactory(convention__caisse=caf_131, etat=EtatHabilitation.DEMANDEE)
        action(admin_131, "ouvrir_droits", habilitation)
        habilitation.user.refresh_from_db()
        empreinte = habilitation.user.password
        reponse = action(admin_131, "ouvrir_droits", habilitation)
        assert reponse.status_code == 302
        habilitation.user.refresh_from_db()
        assert habilitation.user.password == empreinte
        assert DocumentEmis.objects.count() == 1


class TestReinitialisationProgrammee:
    def test_l_ancien_mot_de_passe_vaut_jusqu_a_la_date_imprimee(self, admin_131, caf_131, client):
        habilitation = HabilitationFactory(convention__caisse=caf_131)
        date_effet = aujourd_hui() + timedelta(days=15)
        page = texte(action(admin_131, "programmer_mots_de_passe", habilitation))
        assert "Nouveau mot de passe en service le" in page

        reponse = action(
            admin_131, "programmer_mots_de_passe", habilitation, appliquer="1", a_compter_du=jj(date_effet)
        )
        lettre = texte(admin_131.get(reponse["Location"]))
        nouveau = mot_de_passe_affiche(lettre)
        assert f"remplacera le précédent le {date_format(date_effet, 'j F Y')}" in lettre

        # Until that date the old password opens the portal and the new one does not.
        from django.test import Client

        agent = Client()
        assert se_connecter(agent, habilitation.identifiant, nouveau).get("Location") != "/portail/"
        assert se_connecter(agent, habilitation.identifiant, MOT_DE_PASSE_PARTENAIRE)["Location"] == "/portail/"
        agent.post("/deconnexion/")

        # On the date, the new one is put into service at the next login; the old one stops.
        Habilitation.objects.filter(pk=habilitation.pk).update(mot_de_passe_programme_le=aujourd_hui())
        assert se_connecter(Client(), habilitation.identifiant, MOT_DE_PASSE_PARTENAIRE).get("Location") != "/portail/"
        reponse = se_connecter(Client(), habilitation.identifiant, nouveau)
        assert reponse["Location"] == "/mot-de-passe/"
        habilitation.refresh_from_db()
        assert habilitation.mot_de_passe_programme == ""
        motifs = set(Evenement.objects.filter(habilitation_id=habilitation.pk).values_list("motif", flat=True))
        assert {"réinitialisation programmée du mot de passe", "mise en service du mot de passe programmé"} <= motifs

    def test_une_date_passee_ou_du_jour_est_refusee(self, admin_131, caf_131):
        habilitation = HabilitationFactory(convention__caisse=caf_131)
        page = texte(
            action(admin_131, "programmer_mots_de_passe", habilitation, appliquer="1", a_compter_du=jj(aujourd_hui()))
        )
        assert "Choisissez une date postérieure à aujourd'hui" in page
        habilitation.refresh_from_db()
        assert habilitation.mot_de_passe_programme == ""

    def test_toute_la_caf_sans_bloquer_personne(self, admin_131, caf_131, client):
        habilitations = [HabilitationFactory(convention__caisse=caf_131) for _ in range(3)]
        reponse = client.post(
            LIST_URL,
            {
                "action": "programmer_mots_de_passe",
                "select_across": "1",
                "_selected_action": [h.pk for h in habilitations],
                "appliquer": "1",
                "a_compter_du": jj(aujourd_hui() + timedelta(days=20)),
            },
        )
        assert reponse.status_code == 302
        from django.test import Client

        for h in habilitations:
            h.refresh_from_db()
            assert h.mot_de_passe_programme_le == aujourd_hui() + timedelta(days=20)
            assert se_connecter(Client(), h.identifiant, MOT_DE_PASSE_PARTENAIRE)["Location"] == "/portail/"


class TestPerteOuVol:
    def test_codes_revoques_et_nouvelle_habilitation(self, admin_131, caf_131):
        ancienne = HabilitationFactory(convention__caisse=caf_131, nom="VOLE", prenom="Jean")
        page = texte(action(admin_131, "perte_ou_vol", ancienne))
        assert "Je confirme" in page
        reponse = action(admin_131, "perte_ou_vol", ancienne, appliquer="1", confirmer="on")
        lot = texte(admin_131.get(reponse["Location"]))

        ancienne.refresh_from_db()
        nouvelle = Habilitation.objects.get(remplace=ancienne)
        assert ancienne.etat_effectif() == EtatHabilitation.SUPPRIMEE
        assert not ancienne.user.has_usable_password()
        assert nouvelle.etat == EtatHabilitation.ACTIVE
        assert (nouvelle.nom, nouvelle.prenom, nouvelle.convention_id) == ("VOLE", "Jean", ancienne.convention_id)
        assert nouvelle.identifiant != ancienne.identifiant
        assert nouvelle.identifiant in lot and ancienne.identifiant in lot
        mot_de_passe = mot_de_passe_affiche(lot)
        nouvelle.user.refresh_from_db()
        assert check_password(mot_de_passe, nouvelle.user.password)
        # The old identifiant no longer opens, even with its old password.
        from django.test import Client

        assert se_connecter(Client(), ancienne.identifiant, MOT_DE_PASSE_PARTENAIRE).get("Location") != "/portail/"

    def test_sans_confirmation_rien_ne_change(self, admin_131, caf_131):
        ancienne = HabilitationFactory(convention__caisse=caf_131)
        action(admin_131, "perte_ou_vol", ancienne, appliquer="1")
        assert Habilitation.objects.count() == 1
        ancienne.refresh_from_db()
        assert ancienne.date_suppression is None


class TestSuppression:
    def _supprimer(self, client, habilitation, **champs):
        donnees = {
            "appliquer": "1",
            "a_compter_du": jj(aujourd_hui() + timedelta(days=1)),
            "recue_le": jj(aujourd_hui()),
            "demandee_par": "Jeanne DUPONT, Présidente",
        }
        donnees.update(champs)
        return action(client, "programmer_suppression", habilitation, **donnees)

    def test_date_anterieure_a_l_ouverture_refusee(self, admin_131, caf_131):
        habilitation = HabilitationFactory(convention__caisse=caf_131, date_ouverture=aujourd_hui())
        reponse = self._supprimer(admin_131, habilitation, a_compter_du="01/01/2020")
        page = texte(admin_131.get(reponse["Location"]))
        assert f"La suppression ne peut pas précéder l'ouverture des droits ({jj(aujourd_hui())})" in page
        habilitation.refresh_from_db()
        assert habilitation.date_suppression is None

    def test_reception_future_refusee(self, admin_131, caf_131):
        habilitation = HabilitationFactory(convention__caisse=caf_131)
        reponse = self._supprimer(admin_131, habilitation, recue_le=jj(aujourd_hui() + timedelta(days=3)))
        page = texte(admin_131.get(reponse["Location"]))
        assert "ne peut pas être future" in page
        habilitation.refresh_from_db()
        assert habilitation.date_suppression is None

    def test_le_papier_est_enregistre_et_la_lettre_editee(self, admin_131, caf_131):
        habilitation = HabilitationFactory(convention__caisse=caf_131)
        reponse = self._supprimer(admin_131, habilitation)
        assert reponse.status_code == 302
        habilitation.refresh_from_db()
        assert habilitation.date_suppression == aujourd_hui() + timedelta(days=1)
        assert habilitation.suppression_demandee_par == "Jeanne DUPONT, Présidente"
        assert habilitation.suppression_recue_le == aujourd_hui()
        lettre = DocumentEmis.objects.get(nature=Nature.LETTRE_SUPPRESSION)
        assert lettre.habilitation_id == habilitation.pk
        page = texte(admin_131.get(reponse["Location"]))
        assert habilitation.identifiant in page
        fiche = texte(admin_131.get(url(habilitation)))
        assert "signée par Jeanne DUPONT, Présidente" in fiche

    def test_signataire_obligatoire(self, admin_131, caf_131):
        habilitation = HabilitationFactory(convention__caisse=caf_131)
        page = texte(self._supprimer(admin_131, habilitation, demandee_par=""))
        assert "Ce champ est obligatoire." in page


def test_la_derniere_connexion_est_conservee(admin_131, caf_131):
    from django.test import Client

    habilitation = HabilitationFactory(convention__caisse=caf_131)
    assert "jamais" in texte(admin_131.get(url(habilitation)))
    se_connecter(Client(), habilitation.identifiant, MOT_DE_PASSE_PARTENAIRE)
    habilitation.user.refresh_from_db()
    assert habilitation.user.last_login is not None
    assert f"{timezone.localtime(habilitation.user.last_login):%d/%m/%Y}" in texte(admin_131.get(url(habilitation)))


def test_evenements_sans_mot_de_passe(admin_131, caf_131):
    habilitation = HabilitationFactory(convention__caisse=caf_131, etat=EtatHabilitation.DEMANDEE)
    reponse = action(admin_131, "ouvrir_droits", habilitation)
    mot_de_passe = mot_de_passe_affiche(texte(admin_131.get(reponse["Location"])))
    for evenement in Evenement.objects.filter(type=TypeEvenement.GESTION):
        assert mot_de_passe not in f"{evenement.motif} {evenement.details}"


class TestRelecture:
    """Cases found by the review of this work: each one a way around the rules."""

    def test_perte_ou_vol_ne_leve_pas_une_suspension(self, admin_131, caf_131):
        suspendue = HabilitationFactory(convention__caisse=caf_131, etat=EtatHabilitation.SUSPENDUE)
        reponse = action(admin_131, "perte_ou_vol", suspendue, appliquer="1", confirmer="on")
        page = texte(admin_131.get(reponse["Location"]))
        assert "impossible de la remplacer dans l'état « suspendue »" in page
        assert Habilitation.objects.count() == 1

    def test_perte_ou_vol_garde_la_suppression_demandee(self, admin_131, caf_131):
        ancienne = HabilitationFactory(convention__caisse=caf_131)
        dans_une_semaine = aujourd_hui() + timedelta(days=7)
        ancienne.programmer_suppression(
            dans_une_semaine, ancienne.user, demandee_par="Le Président", recue_le=aujourd_hui()
        )
        action(admin_131, "perte_ou_vol", ancienne, appliquer="1", confirmer="on")
        nouvelle = Habilitation.objects.get(remplace=ancienne)
        assert nouvelle.date_suppression == dans_une_semaine
        assert nouvelle.suppression_demandee_par == "Le Président"

    @pytest.mark.parametrize("etat", [EtatHabilitation.VERROUILLEE, EtatHabilitation.SUSPENDUE])
    def test_pas_de_mot_de_passe_programme_pour_un_acces_bloque(self, admin_131, caf_131, etat):
        habilitation = HabilitationFactory(convention__caisse=caf_131, etat=etat)
        reponse = action(
            admin_131,
            "programmer_mots_de_passe",
            habilitation,
            appliquer="1",
            a_compter_du=jj(aujourd_hui() + timedelta(days=10)),
        )
        page = texte(admin_131.get(reponse["Location"]))
        assert "impossible de la doter d'un mot de passe programmé" in page
        habilitation.refresh_from_db()
        assert habilitation.mot_de_passe_programme == ""

    def test_suppression_ni_retroactive_ni_reportee(self, admin_131, caf_131):
        habilitation = HabilitationFactory(convention__caisse=caf_131, date_ouverture=date(2024, 3, 13))
        papier = {"appliquer": "1", "recue_le": jj(aujourd_hui()), "demandee_par": "Le Président"}
        reponse = action(admin_131, "programmer_suppression", habilitation, a_compter_du="01/01/2025", **papier)
        page = texte(admin_131.get(reponse["Location"]))
        assert f"ne peut pas prendre effet avant la réception de la demande ({jj(aujourd_hui())})" in page
        habilitation.refresh_from_db()
        assert habilitation.date_suppression is None

        dans_dix_jours = aujourd_hui() + timedelta(days=10)
        action(admin_131, "programmer_suppression", habilitation, a_compter_du=jj(dans_dix_jours), **papier)
        reponse = action(admin_131, "programmer_suppression", habilitation, a_compter_du="31/12/2100", **papier)
        assert "peut être avancée, pas reportée" in texte(admin_131.get(reponse["Location"]))
        habilitation.refresh_from_db()
        assert habilitation.date_suppression == dans_dix_jours

    def test_la_mise_en_service_a_la_connexion_ne_remet_pas_les_echecs_a_zero(self, caf_131):
        from django.test import Client

        habilitation = HabilitationFactory(convention__caisse=caf_131)
        habilitation.programmer_mot_de_passe(aujourd_hui() + timedelta(days=3), habilitation.user)
        for _ in range(2):
            se_connecter(Client(), habilitation.identifiant, "Faux999")
        Habilitation.objects.filter(pk=habilitation.pk).update(mot_de_passe_programme_le=aujourd_hui())
        # The third failure, the one that puts the new password into service, still locks.
        se_connecter(Client(), habilitation.identifiant, "Faux999")
        habilitation.refresh_from_db()
        assert habilitation.etat == EtatHabilitation.VERROUILLEE
        assert habilitation.mot_de_passe_programme == ""


def test_un_partenaire_sans_designation_forge_est_refuse(admin_131, caf_131):
    from conventions.models import Partenaire
    from tests.conventions.test_admin_partenaires_conventions import PARTENAIRE_ADD, donnees_partenaire

    donnees = donnees_partenaire(caf_131, **{"designations-TOTAL_FORMS": "0"})
    reponse = admin_131.post(PARTENAIRE_ADD, donnees)
    assert reponse.status_code == 200
    assert not Partenaire.objects.exists()


def test_la_categorie_d_un_partenaire_sous_convention_est_figee(admin_131, caf_131):
    from conventions.models import CategoriePartenaire

    convention = ConventionFactory(caisse=caf_131, profil="T12")
    partenaire = convention.partenaire
    page = texte(admin_131.get(f"/gestion/conventions/partenaire/{partenaire.pk}/change/"))
    assert 'name="categorie"' not in page
    partenaire.categorie = CategoriePartenaire.COMMUNE
    with pytest.raises(ValidationError, match="ne change plus"):
        partenaire.full_clean()


def test_la_chronologie_de_l_officier_montre_creation_et_modifications(admin_131, caf_131):
    """Defect 10: the Responsable Sécurité's timeline of a habilitation starts at its creation."""
    from django.test import Client
    from django.urls import reverse

    from tests.conftest import connecter_au_admin
    from tests.factories import StaffFactory

    convention = ConventionFactory(caisse=caf_131)
    admin_131.post(ADD_URL, demande(convention, nom="DURANT"))
    habilitation = Habilitation.objects.get()
    admin_131.post(url(habilitation), donnees_de(habilitation, nom="DURAND"))

    officier = connecter_au_admin(Client(), StaffFactory(username="securite.chrono", role="securite", caisse=caf_131))
    page = texte(officier.get(reverse("controle:chronologie", args=[habilitation.public_id])))
    assert f"création : habilitation {habilitation.identifiant}" in page
    assert f"modification : habilitation {habilitation.identifiant}" in page
    # Each event names the holder as he was then.
    assert "DURANT Léa" in page and "DURAND Léa" in page
