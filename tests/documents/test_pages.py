"""The lot page and its one-time confidential pieces; who may open a document; the admin list."""

import uuid

import pytest

from documents.emission import CLE_PIECES, confier_une_fois, emettre
from documents.models import DocumentEmis, Nature
from habilitations.models import Role
from journal.models import Evenement, Resultat, TypeEvenement
from tests.conftest import connecter_au_admin
from tests.factories import HabilitationFactory, StaffFactory, caisse
from tests.outils import texte

from .conftest import BLOCS_COMPLETS

MOT_DE_PASSE = "Xy7zW3"
IMPRIMEZ = "Imprimez maintenant : les mots de passe ne sont affichés qu'une fois et ne sont pas conservés."
DEJA = "Les mots de passe ont déjà été affichés ; ils ne sont pas conservés. Les lettres restent disponibles sans eux."


class Requete:
    """Enough of a request for confier_une_fois: the test client's session."""

    def __init__(self, client):
        self.session = client.session


def emettre_lot(caisse_numero="131"):
    lot = uuid.uuid4()
    lettre = emettre(
        Nature.LETTRE_OUVERTURE,
        "Lettre d'ouverture des droits — Hélène MARTIN",
        [{"type": "titre", "texte": "Ouverture des droits de consultation"}, {"type": "paragraphe", "texte": "Lettre"}],
        caisse=caisse_numero,
        acteur="gestion.test131",
        lot=lot,
    )
    demande = emettre(
        Nature.DEMANDE_ACCES, "Demande d'accès", BLOCS_COMPLETS, caisse=caisse_numero, acteur="gestion.test131", lot=lot
    )
    return lot, lettre, demande


def confier(client, lot, lettre) -> str:
    """Entrust a password sheet to the lot; returns the key the lot page's address carries."""
    requete = Requete(client)
    cle = confier_une_fois(
        requete,
        lot,
        {str(lettre.public_id): [{"type": "champs", "lignes": [["Mot de passe", MOT_DE_PASSE]]}]},
    )
    requete.session.save()
    return cle


def refus_de(identifiant):
    return Evenement.objects.filter(type=TypeEvenement.REFUS, resultat=Resultat.REFUS, identifiant=identifiant)


class TestLot:
    def test_les_pieces_ne_s_affichent_qu_une_fois(self, admin_131):
        lot, lettre, demande = emettre_lot()
        cle = confier(admin_131, lot, lettre)
        reponse = admin_131.get(f"/gestion/documents/lot/{lot}/", {"cle": cle})
        assert reponse.status_code == 200
        assert "no-store" in reponse["Cache-Control"]
        page = texte(reponse)
        assert IMPRIMEZ in page and MOT_DE_PASSE in page
        # Every document of the lot, in order, each in full, the piece right after its letter.
        assert page.index("Ouverture des droits de consultation") < page.index(MOT_DE_PASSE)
        assert page.index(MOT_DE_PASSE) < page.index("Demande d'accès au service Cafpro")
        assert "Marseille, le 3 mai 2026" in page
        assert page.count('class="feuille') == 3

        encore = texte(admin_131.get(f"/gestion/documents/lot/{lot}/", {"cle": cle}))
        assert MOT_DE_PASSE not in encore and IMPRIMEZ not in encore
        assert DEJA in encore
        assert "Ouverture des droits de consultation" in encore and "Marseille, le 3 mai 2026" in encore
        assert CLE_PIECES not in admin_131.session or str(lot) not in admin_131.session[CLE_PIECES]

    def test_les_pieces_ne_sont_ni_stockees_ni_journalisees(self, admin_131):
        from django.contrib.sessions.models import Session

        lot, lettre, _ = emettre_lot()
        cle = confier(admin_131, lot, lettre)
        # Waiting in the session (a database row), the sheet is ciphertext; the key is not there.
        for ligne in Session.objects.all():
            assert MOT_DE_PASSE not in ligne.session_data and MOT_DE_PASSE not in str(ligne.get_decoded())
            assert cle not in str(ligne.get_decoded())
        admin_131.get(f"/gestion/documents/lot/{lot}/", {"cle": cle})
        for document in DocumentEmis.objects.all():
            assert MOT_DE_PASSE not in str(document.blocs)
        for evenement in Evenement.objects.all():
            assert MOT_DE_PASSE not in f"{evenement.motif} {evenement.details}"

    def test_sans_la_bonne_cle_rien_ne_s_affiche(self, admin_131):
        lot, lettre, _ = emettre_lot()
        confier(admin_131, lot, lettre)
        page = texte(admin_131.get(f"/gestion/documents/lot/{lot}/", {"cle": "fausse"}))
        assert MOT_DE_PASSE not in page
        # And the ciphertext is gone: the right key would not help any more.
        assert str(lot) not in admin_131.session.get(CLE_PIECES, {})

    def test_des_pieces_trop_anciennes_sont_ignorees(self, admin_131):
        lot, lettre, _ = emettre_lot()
        confier(admin_131, lot, lettre)
        session = admin_131.session
        depot = session[CLE_PIECES]
        depot[str(lot)]["depose_le"] -= 301
        session[CLE_PIECES] = depot
        session.save()
        page = texte(admin_131.get(f"/gestion/documents/lot/{lot}/"))
        assert MOT_DE_PASSE not in page
        assert "Le délai d'affichage des mots de passe est dépassé" in page

    def test_un_lot_sans_mot_de_passe_n_a_pas_de_bandeau(self, admin_131):
        lot = uuid.uuid4()
        emettre(Nature.LETTRE_ENVOI, "Lettre d'envoi", [], caisse="131", acteur="gestion.test131", lot=lot)
        page = texte(admin_131.get(f"/gestion/documents/lot/{lot}/"))
        assert "mots de passe" not in page

    def test_les_pieces_d_un_lot_ne_vont_pas_a_une_autre_caf(self, admin_161):
        lot, lettre, _ = emettre_lot("131")
        confier(admin_161, lot, lettre)
        reponse = admin_161.get(f"/gestion/documents/lot/{lot}/")
        assert reponse.status_code == 404
        assert MOT_DE_PASSE not in texte(reponse)
        assert refus_de("gestion.test161").get().caisse == "161"


URLS = ["/gestion/documents/{public_id}/", "/gestion/documents/{public_id}/pdf/", "/gestion/documents/lot/{lot}/"]


def urls_de(document):
    return [url.format(public_id=document.public_id, lot=document.lot) for url in URLS]


class TestAcces:
    def test_le_gestionnaire_de_la_caf_ouvre_ses_documents(self, admin_131, document_131):
        for url in urls_de(document_131):
            assert admin_131.get(url).status_code == 200, url
        assert not refus_de("gestion.test131").exists()

    def test_un_superutilisateur_ouvre_tout(self, client, document_131):
        connecter_au_admin(client, StaffFactory(username="cnaf", caisse=None, role="", is_superuser=True))
        for url in urls_de(document_131):
            assert client.get(url).status_code == 200, url

    @pytest.mark.parametrize("index", range(3))
    def test_le_gestionnaire_d_une_autre_caf_recoit_un_404_journalise(self, admin_161, document_131, index):
        reponse = admin_161.get(urls_de(document_131)[index])
        assert reponse.status_code == 404
        assert "Hélène" not in texte(reponse)
        refus = refus_de("gestion.test161").get()
        assert refus.caisse == "161" and "d'une autre Caf" in refus.motif

    def test_inconnu_et_autre_caf_ne_se_distinguent_pas(self, admin_161, document_131):
        autre = texte(admin_161.get(f"/gestion/documents/{document_131.public_id}/"))
        inconnu = texte(admin_161.get(f"/gestion/documents/{uuid.uuid4()}/"))
        assert autre == inconnu
        assert "Document introuvable" in inconnu
        assert refus_de("gestion.test161").count() == 2

    @pytest.mark.parametrize("index", range(3))
    def test_un_responsable_securite_recoit_un_403_journalise(self, client, document_131, index):
        officier = StaffFactory(username="securite.131", caisse=caisse("131"), role=Role.SECURITE)
        connecter_au_admin(client, officier)
        reponse = client.get(urls_de(document_131)[index])
        assert reponse.status_code == 403
        page = texte(reponse)
        assert "réservés aux gestionnaires Cafpro" in page and "Hélène" not in page
        assert refus_de("securite.131").get().caisse == "131"

    @pytest.mark.parametrize("index", range(3))
    def test_un_anonyme_est_renvoye_a_la_connexion_et_journalise(self, client, document_131, index):
        reponse = client.get(urls_de(document_131)[index])
        assert reponse.status_code == 302
        assert reponse["Location"].startswith("/gestion/login/")
        assert refus_de("").get().motif.startswith("documents : sans session")

    @pytest.mark.parametrize("index", range(3))
    def test_un_agent_partenaire_n_ouvre_jamais_un_document(self, client, document_131, index):
        habilitation = HabilitationFactory()
        client.force_login(habilitation.user)
        reponse = client.get(urls_de(document_131)[index])
        assert reponse.status_code == 403
        assert "Hélène" not in texte(reponse)
        refus = refus_de(habilitation.identifiant).get()
        assert refus.habilitation_id == habilitation.pk and refus.caisse == "131"

    def test_un_gestionnaire_sans_second_facteur_est_renvoye_a_la_connexion(self, client, document_131):
        client.force_login(StaffFactory(username="gestion.sansotp", caisse=caisse("131")))
        reponse = client.get(f"/gestion/documents/{document_131.public_id}/")
        assert reponse.status_code == 302 and reponse["Location"].startswith("/gestion/login/")

    def test_pas_d_ecriture_par_ces_pages(self, admin_131, document_131):
        assert admin_131.post(f"/gestion/documents/{document_131.public_id}/").status_code == 405


class TestAdmin:
    LISTE = "/gestion/documents/documentemis/"

    def test_la_liste_est_limitee_a_la_caf(self, admin_131, document_131):
        emettre(Nature.LETTRE_ENVOI, "Lettre de la Caf 161", [], caisse="161", acteur="gestion.test161")
        page = texte(admin_131.get(self.LISTE))
        assert "Demande d'accès — Hélène MARTIN" in page
        assert "Lettre de la Caf 161" not in page
        assert f"/gestion/documents/{document_131.public_id}/pdf/" in page

    def test_la_recherche_et_le_filtre(self, admin_131, document_131):
        emettre(Nature.LETTRE_ENVOI, "Lettre d'envoi", [], caisse="131", acteur="gestion.test131")
        page = texte(admin_131.get(self.LISTE, {"q": "Hélène"}))
        assert "Hélène MARTIN" in page and "Lettre d'envoi" not in page
        page = texte(admin_131.get(self.LISTE, {"nature__exact": "lettre_envoi"}))
        assert "Hélène MARTIN" not in page and "Lettre d'envoi" in page

    def test_lecture_seule(self, admin_131, document_131):
        page = admin_131.get(f"{self.LISTE}{document_131.pk}/change/")
        assert page.status_code == 200
        assert "Marseille, le 3 mai 2026" in texte(page)
        assert 'name="_save"' not in texte(page)
        assert admin_131.get(f"{self.LISTE}add/").status_code == 403
        assert admin_131.get(f"{self.LISTE}{document_131.pk}/delete/").status_code == 403

    def test_une_autre_caf_ne_voit_pas_la_fiche(self, admin_161, document_131):
        reponse = admin_161.get(f"{self.LISTE}{document_131.pk}/change/", follow=True)
        assert "Hélène" not in texte(reponse)

    def test_un_responsable_securite_ne_voit_pas_le_module(self, client, document_131):
        connecter_au_admin(client, StaffFactory(username="securite.131", caisse=caisse("131"), role=Role.SECURITE))
        assert client.get(self.LISTE).status_code == 403
