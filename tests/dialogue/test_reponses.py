"""Dialogue both ways (issue 16): the Caf's gestionnaires answer a message in the admin, its
author reads the answer in the portal (« Mes messages »), and the banner's "Dialogue" pictogram
(manual Cafpro V5, 02-…, annexe 4, « Rubrique de dialogue ») tells him when one is waiting.
Everything through the pages, with the Django client."""

import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertContains, assertNotContains

from demo.dossiers import creer_dossier
from dialogue.models import Message, Reponse
from journal.models import Evenement, Resultat, TypeEvenement
from tests.conftest import connecter_au_admin
from tests.factories import HabilitationFactory, StaffFactory, caisse
from tests.outils import texte

from .test_dialogue import formulaires_des_reponses

DIALOGUE = "/portail/dialogue/"
MES_MESSAGES = "/portail/dialogue/messages/"
ADMIN = "/gestion/dialogue/message/"
LIEN_SIMPLE = '<a href="/portail/dialogue/">Dialogue</a>'
QUESTION = "Dossier 1000001, Mme TEMOIN : la dernière attestation de loyer est-elle parvenue ?"
REPONSE = "Bonjour, l'attestation est parvenue le 3 et le droit est recalculé. Le service logement."


def ouvrir_dialogue(numero: str, ouvert: bool = True):
    c = caisse(numero)
    c.dialogue_ouvert = ouvert
    c.save()
    return c


def portail(habilitation) -> Client:
    client = Client()
    client.force_login(habilitation.user)
    return client


def lien_en_attente(n: int) -> str:
    pluriel = "s" if n > 1 else ""
    return (
        f'<a href="{MES_MESSAGES}">Dialogue <strong>({n} réponse{pluriel}'
        f'<span class="invisible"> non lue{pluriel}</span>)</strong></a>'
    )


def ecrire(client, texte_message: str = QUESTION) -> Message:
    reponse = client.post(
        DIALOGUE,
        {
            "organisme": "CCAS de Marseille",
            "nom_prenom": "FABRE Hélène",
            "courriel": "helene.fabre@ccas-marseille.invalid",
            "texte": texte_message,
        },
    )
    assert reponse.status_code == 200, reponse.status_code
    return Message.objects.latest("pk")


def repondre(admin, message: Message, texte_reponse: str = REPONSE, **champs):
    donnees = {**formulaires_des_reponses(texte_reponse), **champs}
    donnees["reponses-INITIAL_FORMS"] = donnees["reponses-TOTAL_FORMS"] = str(message.reponses.count())
    return admin.post(f"{ADMIN}{message.pk}/change/", donnees)


def lire(client, message: Message):
    return client.get(f"{MES_MESSAGES}{message.public_id}/")


@pytest.fixture
def agent(db):
    ouvrir_dialogue("131")
    return HabilitationFactory(
        convention__caisse=caisse("131"),
        convention__profil="T1",
        convention__partenaire__raison_sociale="CCAS de Marseille",
        nom="FABRE",
        prenom="Hélène",
    )


@pytest.fixture
def ecrit(agent) -> tuple[Client, Message]:
    """The agent's browser, and the message he has just sent to the Caf 131."""
    client = portail(agent)
    return client, ecrire(client)


# --- The gestionnaire answers in the admin ----------------------------------------------------


def test_la_page_du_message_propose_de_repondre(admin_131, ecrit):
    _, message = ecrit
    page = texte(admin_131.get(f"{ADMIN}{message.pk}/change/"))
    assert QUESTION in page
    assert "Votre réponse" in page and 'name="reponses-2-0-texte"' in page
    assert "L'agent la lira dans « Mes messages » du portail" in page


def test_le_gestionnaire_repond_c_est_journalise_et_le_message_est_traite(admin_131, gestionnaire_131, ecrit):
    _, message = ecrit
    reponse = repondre(admin_131, message)
    assert reponse.status_code == 302
    envoyee = Reponse.objects.get()
    assert (envoyee.message, envoyee.auteur, envoyee.texte, envoyee.lue_le) == (
        message,
        gestionnaire_131,
        REPONSE,
        None,
    )
    message.refresh_from_db()
    assert message.traite
    evenement = Evenement.objects.get(type=TypeEvenement.DIALOGUE, acteur=gestionnaire_131.username)
    assert (evenement.resultat, evenement.caisse) == (Resultat.SUCCES, "131")
    assert evenement.motif == f"réponse n° {envoyee.pk} au message n° {message.pk}"
    assert evenement.details["destinataire"] == message.auteur.username
    # The journal says who answered whom and when, never what.
    assert "attestation est parvenue" not in str(Evenement.objects.values())
    # The answer sent shows on the message's page, no more editable; the count in the list.
    page = texte(admin_131.get(f"{ADMIN}{message.pk}/change/"))
    assert REPONSE in page and "Réponses envoyées" in page
    assert 'name="reponses-0-texte"' not in page
    assertContains(admin_131.get(ADMIN), '<td class="field-nombre_de_reponses">1</td>', html=True)


def test_une_reponse_vide_n_envoie_rien(admin_131, ecrit):
    _, message = ecrit
    assert repondre(admin_131, message, "").status_code == 302
    assert not Reponse.objects.exists()
    message.refresh_from_db()
    assert not message.traite
    assert not Evenement.objects.filter(type=TypeEvenement.DIALOGUE, acteur="gestion.test131").exists()


def test_deux_reponses_a_la_fois_sont_refusees(admin_131, ecrit):
    _, message = ecrit
    reponse = repondre(
        admin_131, message, **{"reponses-2-TOTAL_FORMS": "2", "reponses-2-1-texte": "Une seconde réponse forgée."}
    )
    assert reponse.status_code == 200
    assert not Reponse.objects.exists()


def test_une_reponse_envoyee_ne_se_modifie_pas(admin_131, ecrit):
    _, message = ecrit
    repondre(admin_131, message)
    envoyee = Reponse.objects.get()
    # A forged form: the answer sent as an existing row of either inline, with a new text.
    for prefixe in ("reponses", "reponses-2"):
        donnees = {
            **formulaires_des_reponses(),
            f"{prefixe}-TOTAL_FORMS": "1",
            f"{prefixe}-INITIAL_FORMS": "1",
            f"{prefixe}-0-id": str(envoyee.pk),
            f"{prefixe}-0-message": str(message.pk),
            f"{prefixe}-0-texte": "Texte réécrit après coup.",
        }
        admin_131.post(f"{ADMIN}{message.pk}/change/", donnees)
    envoyee.refresh_from_db()
    assert envoyee.texte == REPONSE
    assert Reponse.objects.count() == 1


def test_un_gestionnaire_d_une_autre_caf_ne_peut_ni_lire_ni_repondre(admin_161, ecrit):
    _, message = ecrit
    reponse = admin_161.get(f"{ADMIN}{message.pk}/change/")
    assert reponse.status_code == 302 and reponse["Location"] == "/gestion/"
    reponse = repondre(admin_161, message, "Réponse d'une Caf qui n'est pas la sienne.")
    assert reponse.status_code == 302 and reponse["Location"] == "/gestion/"
    assert not Reponse.objects.exists()
    message.refresh_from_db()
    assert not message.traite


def test_un_responsable_securite_ne_repond_pas(client, officier_131, ecrit):
    _, message = ecrit
    officier = connecter_au_admin(client, officier_131)
    assert officier.get(f"{ADMIN}{message.pk}/change/").status_code in (302, 403)
    repondre(officier, message)
    assert not Reponse.objects.exists()


def test_la_reponse_sans_jeton_csrf_est_refusee(gestionnaire_131, ecrit):
    _, message = ecrit
    admin = connecter_au_admin(Client(enforce_csrf_checks=True), gestionnaire_131)
    assert repondre(admin, message).status_code == 403
    assert not Reponse.objects.exists()


def test_l_administrateur_national_repond_a_toute_caf(admin_national, ecrit):
    _, message = ecrit
    assert repondre(admin_national, message).status_code == 302
    assert Reponse.objects.get().auteur.username == "cnaf.national"


# --- The agent reads it in the portal -----------------------------------------------------------


def test_le_bandeau_signale_la_reponse_jusqu_a_ce_qu_elle_soit_lue(admin_131, ecrit):
    client, message = ecrit
    # Nothing waiting: the manual's pictogram, to the form.
    assertContains(client.get("/portail/"), LIEN_SIMPLE, html=True)
    repondre(admin_131, message)

    # An answer waiting: the banner tells it on every page, in words, and leads to « Mes messages ».
    for page in ("/portail/", DIALOGUE, MES_MESSAGES):
        assertContains(client.get(page), lien_en_attente(1), html=True)
    assertContains(client.get(DIALOGUE), "<strong>1 réponse non lue</strong>", html=True)
    liste = client.get(MES_MESSAGES)
    assertContains(liste, "<strong>1 réponse non lue</strong>", html=True)
    assertContains(liste, f'href="{MES_MESSAGES}{message.public_id}/"')

    # Reading it clears the indicator, on that very page already.
    page = lire(client, message)
    assert page.status_code == 200
    assert REPONSE in texte(page) and QUESTION in texte(page)
    assertContains(page, "(nouvelle)")
    assertContains(page, LIEN_SIMPLE, html=True)
    assert Reponse.objects.get().lue_le is not None
    assertContains(client.get("/portail/"), LIEN_SIMPLE, html=True)
    assertContains(client.get(MES_MESSAGES), "1 réponse, lue")
    assertNotContains(lire(client, message), "(nouvelle)")


def test_deux_reponses_en_attente(admin_131, ecrit):
    client, message = ecrit
    deuxieme = ecrire(client, "Une autre question.")
    repondre(admin_131, message)
    repondre(admin_131, deuxieme, "Réponse à l'autre question.")
    assertContains(client.get("/portail/"), lien_en_attente(2), html=True)
    lire(client, deuxieme)
    assertContains(client.get("/portail/"), lien_en_attente(1), html=True)


def test_message_sans_reponse(ecrit):
    client, message = ecrit
    assertContains(client.get(MES_MESSAGES), "en attente de réponse")
    assertContains(lire(client, message), "La Caf n'a pas encore répondu.")


def test_la_confirmation_mene_au_message(agent):
    client = portail(agent)
    reponse = client.post(
        DIALOGUE, {"organisme": "CCAS", "nom_prenom": "FABRE Hélène", "courriel": "h@ccas.invalid", "texte": "Q ?"}
    )
    message = Message.objects.get()
    assertContains(reponse, "Sa réponse vous attendra dans « Mes messages »")
    assertContains(reponse, f'href="{MES_MESSAGES}{message.public_id}/"')


def test_aucun_message(agent):
    reponse = portail(agent).get(MES_MESSAGES)
    assertContains(reponse, "Vous n'avez pas encore écrit à la Caf.")
    assertContains(reponse, "Écrire un nouveau message à la Caf des Bouches-du-Rhône")


@pytest.mark.parametrize("qui", ["collegue", "autre_caf"])
def test_un_autre_agent_ne_lit_ni_le_message_ni_la_reponse(admin_131, ecrit, qui):
    """The answer goes to the author of the message: not to a colleague of the same partner
    (each habilitation is nominative), nor to an agent of another Caf."""
    auteur_client, message = ecrit
    repondre(admin_131, message)
    auteur = message.auteur.habilitation
    if qui == "collegue":
        autre = HabilitationFactory(convention=auteur.convention, nom="COLLEGUE")
    else:
        ouvrir_dialogue("161")
        autre = HabilitationFactory(convention__caisse=caisse("161"), convention__profil="T1", nom="CHARENTAIS")
    client = portail(autre)
    reponse = lire(client, message)
    assert reponse.status_code == 404
    assert REPONSE not in texte(reponse) and QUESTION not in texte(reponse)
    liste = texte(client.get(MES_MESSAGES))
    assert "attestation de loyer" not in liste and "Vous n'avez pas encore écrit à la Caf." in liste
    # Nothing waiting for him; the author's answer is still unread, and the attempt journaled.
    assertNotContains(client.get("/portail/"), "réponse")
    assert Reponse.objects.get().lue_le is None
    refus = Evenement.objects.get(type=TypeEvenement.REFUS, identifiant=autre.identifiant)
    assert refus.motif == f"dialogue : message n° {message.pk} d'un autre agent"
    assertContains(auteur_client.get("/portail/"), lien_en_attente(1), html=True)


def test_un_identifiant_forge(ecrit):
    client, _ = ecrit
    assert client.get(f"{MES_MESSAGES}{uuid.uuid4()}/").status_code == 404
    assert Evenement.objects.filter(type=TypeEvenement.REFUS, motif="dialogue : message introuvable").count() == 1
    # The internal number is not an address.
    assert client.get(f"{MES_MESSAGES}{Message.objects.get().pk}/").status_code == 404


def test_le_gestionnaire_ne_lit_pas_les_pages_du_portail(admin_131, ecrit):
    _, message = ecrit
    assert lire(admin_131, message).status_code == 403
    assert admin_131.get(MES_MESSAGES).status_code == 403


def test_pages_de_lecture_reservees_aux_agents_connectes(client, ecrit):
    _, message = ecrit
    for adresse in (MES_MESSAGES, f"{MES_MESSAGES}{message.public_id}/"):
        reponse = client.get(adresse)
        assert reponse.status_code == 302 and reponse["Location"].startswith("/session-expiree")


def test_la_caf_referme_le_dialogue_l_agent_relit_ses_messages(admin_131, ecrit):
    """Writing needs the rubrique open; the agent's own messages and their answers stay his."""
    client, message = ecrit
    repondre(admin_131, message)
    ouvrir_dialogue("131", ouvert=False)
    assert client.get(DIALOGUE).status_code == 404
    assert REPONSE in texte(lire(client, message))
    liste = client.get(MES_MESSAGES)
    assert liste.status_code == 200
    assertNotContains(liste, "Écrire un nouveau message")


# --- Methods and CSRF -----------------------------------------------------------------------------


@pytest.mark.parametrize("methode", ["put", "delete", "patch"])
def test_methodes_refusees_sur_le_formulaire(agent, methode):
    assert getattr(portail(agent), methode)(DIALOGUE).status_code == 405
    assert not Message.objects.exists()


def test_les_pages_de_lecture_ne_prennent_pas_de_post(admin_131, ecrit):
    client, message = ecrit
    repondre(admin_131, message)
    assert client.post(MES_MESSAGES).status_code == 405
    assert client.post(f"{MES_MESSAGES}{message.public_id}/").status_code == 405
    # A POST is no way to mark an answer read.
    assert Reponse.objects.get().lue_le is None


def test_envoi_sans_jeton_csrf_refuse(agent):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent.user)
    formulaire = client.get(DIALOGUE)
    assert formulaire.status_code == 200
    reponse = client.post(
        DIALOGUE, {"organisme": "CCAS", "nom_prenom": "FABRE Hélène", "courriel": "h@ccas.invalid", "texte": "Q ?"}
    )
    assert reponse.status_code == 403
    assert not Message.objects.exists()


# --- The form page keeps the manual's menu --------------------------------------------------------


@pytest.mark.parametrize("adresse", [DIALOGUE, MES_MESSAGES])
def test_le_menu_du_manuel_et_sa_consultation_restent(agent, adresse):
    """The manual's screen of « Rubrique de dialogue » keeps the left menu with « N° d'allocataire »
    and « Consulter », the three links of caf.fr and « Fermer la session » (02-…, annexe 4)."""
    client = portail(agent)
    page = client.get(adresse)
    assertContains(page, '<label for="menu-numero_allocataire">N° d\'allocataire</label>', html=True)
    assertContains(page, '<button type="submit">Consulter</button>', html=True)
    for lien in ("Les formulaires", "Toutes les prestations", "Simulation logement", "» Fermer la session"):
        assertContains(page, lien)
    # And it works from there: a dossier typed in the Dialogue page's menu opens.
    creer_dossier(caisse("131"), "1000001")
    reponse = client.post("/portail/consulter/", {"numero_allocataire": "1000001"})
    assert reponse.status_code == 302 and reponse["Location"].startswith("/portail/dossier/")


# --- What the banner's indicator costs ------------------------------------------------------------


def requetes(client, adresse: str) -> int:
    with CaptureQueriesContext(connection) as capture:
        assert client.get(adresse).status_code == 200
    return len(capture.captured_queries)


def test_l_indicateur_coute_une_requete_et_seulement_ou_le_pictogramme_s_affiche(agent):
    """Issue 17 counts the queries of each page: the answers waiting are counted once, on the
    pages whose banner shows « Dialogue », and not at all elsewhere."""
    creer_dossier(caisse("131"), "1000001")
    client = portail(agent)
    client.post("/portail/consulter/", {"numero_allocataire": "1000001"})
    client.get("/portail/dossier/paiements/")  # the chain head exists from here on
    ouvert = requetes(client, "/portail/dossier/paiements/")
    ouvrir_dialogue("131", ouvert=False)
    ferme = requetes(client, "/portail/dossier/paiements/")
    assert ouvert == ferme + 1, (ouvert, ferme)
    # The same with answers waiting (counted once, though the number shows twice on the page).
    message = ecrire_en_base(agent)
    Reponse.objects.create(message=message, auteur=StaffFactory(username="gestion.cout"), texte="R")
    ouvrir_dialogue("131")
    assert requetes(client, "/portail/dossier/paiements/") == ouvert
    assert requetes(client, DIALOGUE) == requetes(client, DIALOGUE)


def ecrire_en_base(habilitation) -> Message:
    return Message.objects.create(
        caisse=caisse("131"),
        auteur=habilitation.user,
        organisme="CCAS",
        nom_prenom="FABRE Hélène",
        courriel="h@ccas.invalid",
        texte="Q ?",
    )
