"""Habilitations in the admin, as a Caf gestionnaire uses them.

Sources: manual Cafpro V5 "Identification" (8-character identifiant, 6-character
password), `02-…` I.2 and annex 3 (T12 for greffiers only; letter "ouverture des droits"),
`01-…` forms (demande de suppression d'accès à compter d'une date).
"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import check_password
from django.utils import timezone

from habilitations.codes import ALPHABET_IDENTIFIANT
from habilitations.models import EtatHabilitation, Habilitation
from journal.models import Evenement, TypeEvenement
from tests.factories import ConventionFactory, HabilitationFactory
from tests.outils import mot_de_passe_de_la_feuille, texte

ADD_URL = "/gestion/habilitations/habilitation/add/"
LIST_URL = "/gestion/habilitations/habilitation/"


def demande(convention, **champs):
    data = {
        "convention": convention.pk,
        "nom": "DURAND",
        "prenom": "Léa",
        "fonction": "Instructrice FSL",
        "qualite_greffier": "",
        "adresse_professionnelle": "58, boulevard Charles Livon\n13007 Marseille",
        "telephone": "04 91 99 99 99",
        "telecopie": "",
        "email": "lea.durand@ampmetropole.invalid",
        "contrat": "CDD",
        "date_demande": timezone.localdate().strftime("%d/%m/%Y"),
    }
    data.update(champs)
    return data


def action(client, nom, *habilitations, **extra):
    return client.post(
        LIST_URL,
        {"action": nom, "_selected_action": [h.pk for h in habilitations], **extra},
        follow=False,
    )


class TestCreation:
    def test_gestionnaire_cree_une_habilitation_et_voit_l_identifiant(self, admin_131, caf_131):
        convention = ConventionFactory(caisse=caf_131)
        reponse = admin_131.post(ADD_URL, demande(convention), follow=True)

        habilitation = Habilitation.objects.get(nom="DURAND")
        identifiant = habilitation.identifiant
        assert re.fullmatch(f"[{ALPHABET_IDENTIFIANT}]{{8}}", identifiant)
        assert f"Identifiant attribué : {identifiant}" in texte(reponse)
        assert habilitation.etat == EtatHabilitation.DEMANDEE
        assert habilitation.profil == convention.profil
        # No password exists before the rights are opened.
        assert not habilitation.user.has_usable_password()
        assert not habilitation.user.is_active

    def test_identifiants_distincts_et_sans_caracteres_ambigus(self, admin_131, caf_131):
        convention = ConventionFactory(caisse=caf_131)
        for n in range(5):
            admin_131.post(ADD_URL, demande(convention, nom=f"AGENT{n}", email=f"a{n}@x.invalid"))
        identifiants = {h.identifiant for h in Habilitation.objects.all()}
        assert len(identifiants) == 5
        assert not any(c in "".join(identifiants) for c in "01OIL")

    def test_t12_refuse_a_qui_n_est_pas_greffier(self, admin_131, caf_131):
        convention = ConventionFactory(caisse=caf_131, profil="T12")
        reponse = admin_131.post(ADD_URL, demande(convention, fonction="Agent d'accueil"))

        assert reponse.status_code == 200
        assert "Le profil T12 est réservé aux greffiers" in texte(reponse)
        assert not Habilitation.objects.exists()

    def test_t12_accepte_un_greffier(self, admin_131, caf_131):
        convention = ConventionFactory(caisse=caf_131, profil="T12")
        admin_131.post(ADD_URL, demande(convention, fonction="Greffière", qualite_greffier="greffier"))
        assert Habilitation.objects.get().profil == "T12"

    def test_qualite_de_greffier_hors_t12_refusee(self, admin_131, caf_131):
        convention = ConventionFactory(caisse=caf_131, profil="T13")
        reponse = admin_131.post(ADD_URL, demande(convention, qualite_greffier="greffier"))
        assert "ne concerne que les habilitations au profil T12" in texte(reponse)
        assert not Habilitation.objects.exists()

    def test_convention_terminee_refusee(self, admin_131, caf_131):
        convention = ConventionFactory(
            caisse=caf_131,
            date_resiliation=timezone.localdate() - timedelta(days=1),
            motif_resiliation="Divulgation de données",
        )
        reponse = admin_131.post(ADD_URL, demande(convention))
        assert f"La convention {convention.numero} est terminée : aucune habilitation ne peut y être demandée." in (
            texte(reponse)
        )
        assert not Habilitation.objects.exists()

    def test_champs_obligatoires_de_la_demande(self, admin_131, caf_131):
        convention = ConventionFactory(caisse=caf_131)
        reponse = admin_131.post(ADD_URL, demande(convention, nom="", email="pas-une-adresse", contrat="CDX"))
        contenu = texte(reponse)
        assert "Ce champ est obligatoire." in contenu
        assert "Saisissez une adresse de courriel valide." in contenu
        assert not Habilitation.objects.exists()


class TestCycleDeVie:
    def test_ouvrir_les_droits_edite_la_lettre_avec_le_mot_de_passe(self, admin_131, caf_131):
        habilitation = HabilitationFactory(convention__caisse=caf_131, etat=EtatHabilitation.DEMANDEE)
        reponse = admin_131.get(action(admin_131, "ouvrir_droits", habilitation)["Location"])

        contenu = texte(reponse)
        assert "Ouverture des droits de consultation" in contenu
        assert habilitation.identifiant in contenu
        mot_de_passe = mot_de_passe_de_la_feuille(contenu)
        assert len(mot_de_passe) == 6
        habilitation.refresh_from_db()
        habilitation.user.refresh_from_db()
        assert habilitation.etat == EtatHabilitation.ACTIVE
        assert habilitation.user.is_active
        assert check_password(mot_de_passe, habilitation.user.password)
        # The letter page must not be kept by the browser or a proxy.
        assert "no-store" in reponse["Cache-Control"]
        evenement = Evenement.objects.get(
            type=TypeEvenement.GESTION, identifiant=habilitation.identifiant, motif="ouverture des droits"
        )
        assert evenement.acteur == "gestion.test131"
        assert mot_de_passe not in str(evenement.details) + evenement.motif

    def test_ouvrir_deux_fois_est_refuse(self, admin_131, caf_131):
        habilitation = HabilitationFactory(convention__caisse=caf_131, etat=EtatHabilitation.ACTIVE)
        ancien = habilitation.user.password
        reponse = action(admin_131, "ouvrir_droits", habilitation)
        assert reponse.status_code == 302
        habilitation.user.refresh_from_db()
        assert habilitation.user.password == ancien

    def test_suspendre_puis_reactiver(self, admin_131, caf_131):
        habilitation = HabilitationFactory(convention__caisse=caf_131)
        action(admin_131, "suspendre", habilitation)
        habilitation.refresh_from_db()
        assert habilitation.etat == EtatHabilitation.SUSPENDUE
        assert not habilitation.user.is_active

        action(admin_131, "reactiver", habilitation)
        habilitation.refresh_from_db()
        assert habilitation.etat == EtatHabilitation.ACTIVE
        assert habilitation.user.is_active
        motifs = list(Evenement.objects.filter(identifiant=habilitation.identifiant).values_list("motif", flat=True))
        assert sorted(motifs) == ["réactivation", "suspension"]

    def test_deverrouiller_une_habilitation_verrouillee(self, admin_131, caf_131):
        habilitation = HabilitationFactory(convention__caisse=caf_131, etat=EtatHabilitation.VERROUILLEE)
        action(admin_131, "reactiver", habilitation)
        habilitation.refresh_from_db()
        assert habilitation.etat == EtatHabilitation.ACTIVE
        assert Evenement.objects.get(identifiant=habilitation.identifiant).motif == "déverrouillage"

    def test_reactiver_une_habilitation_active_est_refuse_avec_un_message(self, admin_131, caf_131):
        habilitation = HabilitationFactory(convention__caisse=caf_131)
        reponse = action(admin_131, "reactiver", habilitation)
        page = texte(admin_131.get(reponse["Location"]))
        assert "impossible de la réactiver dans l" in page
        assert not Evenement.objects.filter(type=TypeEvenement.GESTION).exists()

    def test_suppression_a_compter_d_une_date(self, admin_131, caf_131):
        habilitation = HabilitationFactory(convention__caisse=caf_131)
        # First the intermediate page asking for the date.
        page = action(admin_131, "programmer_suppression", habilitation)
        assert "Suppression de l'accès à compter du" in texte(page)

        demain = timezone.localdate() + timedelta(days=1)
        papier = {"recue_le": timezone.localdate().strftime("%d/%m/%Y"), "demandee_par": "Le Président"}
        action(
            admin_131,
            "programmer_suppression",
            habilitation,
            appliquer="1",
            a_compter_du=demain.strftime("%d/%m/%Y"),
            **papier,
        )
        habilitation.refresh_from_db()
        assert habilitation.date_suppression == demain
        assert habilitation.etat_effectif() == EtatHabilitation.ACTIVE
        assert habilitation.etat_effectif(demain) == EtatHabilitation.SUPPRIMEE

        # Deletion effective today closes the account at once, and is final.
        aujourd_hui = timezone.localdate()
        action(
            admin_131,
            "programmer_suppression",
            habilitation,
            appliquer="1",
            a_compter_du=aujourd_hui.strftime("%d/%m/%Y"),
            **papier,
        )
        habilitation.refresh_from_db()
        habilitation.user.refresh_from_db()
        assert habilitation.etat_effectif() == EtatHabilitation.SUPPRIMEE
        assert not habilitation.user.is_active
        action(admin_131, "reactiver", habilitation)
        habilitation.refresh_from_db()
        assert habilitation.etat_effectif() == EtatHabilitation.SUPPRIMEE

    def test_date_de_suppression_mal_formee(self, admin_131, caf_131):
        habilitation = HabilitationFactory(convention__caisse=caf_131)
        page = action(admin_131, "programmer_suppression", habilitation, appliquer="1", a_compter_du="31/02/2026")
        assert "Saisissez une date valide." in texte(page)
        habilitation.refresh_from_db()
        assert habilitation.date_suppression is None

    def test_filtre_et_recherche(self, admin_131, caf_131):
        active = HabilitationFactory(convention__caisse=caf_131, nom="ACTIVEE")
        suspendue = HabilitationFactory(convention__caisse=caf_131, nom="SUSPENDUEE", etat=EtatHabilitation.SUSPENDUE)
        page = texte(admin_131.get(LIST_URL, {"etat": "suspendue"}))
        assert "SUSPENDUEE" in page and "ACTIVEE" not in page
        page = texte(admin_131.get(LIST_URL, {"q": active.identifiant}))
        assert "ACTIVEE" in page and suspendue.identifiant not in page


@pytest.mark.parametrize("profil", ["T1", "T12"])
def test_le_profil_vient_de_la_convention(db, profil):
    habilitation = HabilitationFactory(convention__profil=profil, greffier=(profil == "T12"))
    assert habilitation.profil == profil
