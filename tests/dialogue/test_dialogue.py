"""The optional "Rubrique de dialogue": offered only by the Cafs that opened it; partners write
to the Caf, whose gestionnaires read the messages in the admin (manual Cafpro V5, 02-…)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from demo.dossiers import creer_dossier
from dialogue.models import Message
from dossiers.consultation import SESSION_DOSSIER
from journal.models import Evenement, TypeEvenement
from tests.factories import HabilitationFactory, caisse
from tests.outils import texte

DIALOGUE = "/portail/dialogue/"
ADMIN = "/gestion/dialogue/message/"
CONFIRMATION = "Votre message a bien été transmis à la Caf."


def ouvrir_dialogue(numero: str, ouvert: bool = True):
    c = caisse(numero)
    c.dialogue_ouvert = ouvert
    c.save()
    return c


@pytest.fixture
def agent(client, db):
    habilitation = HabilitationFactory(
        convention__caisse=caisse("131"),
        convention__profil="T1",
        convention__partenaire__raison_sociale="CCAS de Marseille",
        nom="FABRE",
        prenom="Hélène",
        email="helene.fabre@ccas-marseille.invalid",
    )
    client.force_login(habilitation.user)
    return habilitation


def envoyer(client, **champs):
    donnees = {
        "organisme": "CCAS de Marseille",
        "nom_prenom": "FABRE Hélène",
        "courriel": "helene.fabre@ccas-marseille.invalid",
        "texte": "Dossier 1000001, Mme TEMOIN : la dernière attestation de loyer est-elle parvenue ?",
    }
    donnees.update(champs)
    return client.post(DIALOGUE, donnees)


def formulaires_des_reponses(reponse: str = "") -> dict:
    """The management forms of the message page's two inlines (answers sent, a new answer)."""
    return {
        "reponses-TOTAL_FORMS": "0",
        "reponses-INITIAL_FORMS": "0",
        "reponses-2-TOTAL_FORMS": "1",
        "reponses-2-INITIAL_FORMS": "0",
        "reponses-2-0-texte": reponse,
    }


def message(caisse_numero, auteur, texte_message="Question sur un dossier"):
    return Message.objects.create(
        caisse=caisse(caisse_numero),
        auteur=auteur,
        organisme=f"Organisme de la Caf {caisse_numero}",
        nom_prenom=f"AUTEUR{caisse_numero} Jean",
        courriel=f"auteur{caisse_numero}@partenaire.invalid",
        texte=texte_message,
    )


# --- The portal ----------------------------------------------------------------------------


def test_introuvable_quand_la_caf_ne_l_a_pas_ouverte(client, agent):
    ouvrir_dialogue("161")  # another Caf opening it changes nothing for the 131's partners
    assert client.get(DIALOGUE).status_code == 404
    assert envoyer(client).status_code == 404
    assert not Message.objects.exists()
    # Each attempt is a refused access in the journal.
    refus = Evenement.objects.filter(type=TypeEvenement.REFUS, motif="dialogue non ouvert par la Caf")
    assert refus.count() == 2 and set(refus.values_list("identifiant", flat=True)) == {agent.identifiant}


def test_formulaire_prerempli_avec_les_noms_de_l_agent(client, agent):
    ouvrir_dialogue("131")
    reponse = client.get(DIALOGUE)
    assert reponse.status_code == 200
    page = texte(reponse)
    assert 'value="CCAS de Marseille"' in page
    assert 'value="FABRE Hélène"' in page
    assert 'value="helene.fabre@ccas-marseille.invalid"' in page
    for libelle in ("Le nom de votre organisme", "Vos nom et prénom", "Votre adresse électronique", "Votre message"):
        assert libelle in page
    assert "Caf des Bouches-du-Rhône" in page  # the banner: the Caf written to


def test_envoi_d_un_message_a_la_caf(client, agent):
    ouvrir_dialogue("131")
    ouvrir_dialogue("161")
    reponse = envoyer(client)
    assert reponse.status_code == 200
    assert CONFIRMATION in texte(reponse)
    envoye = Message.objects.get()
    assert envoye.caisse == caisse("131")
    assert envoye.auteur == agent.user
    assert (envoye.organisme, envoye.nom_prenom, envoye.courriel) == (
        "CCAS de Marseille",
        "FABRE Hélène",
        "helene.fabre@ccas-marseille.invalid",
    )
    assert "attestation de loyer" in envoye.texte
    assert not envoye.traite


@pytest.mark.parametrize(
    ("champs", "erreur"),
    [
        ({"organisme": ""}, "Veuillez indiquer le nom de votre organisme."),
        ({"nom_prenom": "  "}, "Veuillez indiquer vos nom et prénom."),
        ({"courriel": ""}, "Veuillez indiquer votre adresse électronique."),
        ({"courriel": "helene.fabre@"}, "L'adresse électronique n'est pas valide."),
        ({"texte": ""}, "Veuillez écrire votre message."),
    ],
)
def test_champs_manquants_en_francais_et_rien_d_enregistre(client, agent, champs, erreur):
    ouvrir_dialogue("131")
    reponse = envoyer(client, **champs)
    assert reponse.status_code == 200
    page = texte(reponse)
    # Under the id the field's aria-describedby names, so that a screen reader reads it with the field.
    champ = next(iter(champs))
    assert f'<span class="erreur" role="alert" id="id_{champ}_error">{erreur}</span>' in page
    assert CONFIRMATION not in page
    assert not Message.objects.exists()


def test_multi_caf_le_message_va_a_la_caf_du_dossier_ouvert(client, db):
    """For a multi-Caf access the Caf is the one whose signature heads the page: none until a
    dossier is open, then the dossier's."""
    habilitation = HabilitationFactory(
        convention__caisse=caisse("131"),
        convention__profil="T8",
        convention__multi_caf=True,
        convention__caisses_multi=["831"],
    )
    client.force_login(habilitation.user)
    ouvrir_dialogue("131", ouvert=False)
    ouvrir_dialogue("831")
    assert client.get(DIALOGUE).status_code == 404  # generic banner: no Caf to write to

    var = creer_dossier(caisse("831"), "1000001")
    reponse = client.post("/portail/consulter/", {"numero_allocataire": "1000001", "code_postal": "83000"})
    assert reponse.status_code == 302 and client.session[SESSION_DOSSIER] == var.pk

    assert client.get(DIALOGUE).status_code == 200
    assert CONFIRMATION in texte(envoyer(client))
    assert Message.objects.get().caisse == caisse("831")
    assert (
        Evenement.objects.get(type=TypeEvenement.DIALOGUE).motif
        == f"message n° {Message.objects.get().pk} à la Caf 831"
    )


def test_reserve_aux_agents_habilites(client, db):
    ouvrir_dialogue("131")
    reponse = client.get(DIALOGUE)
    assert reponse.status_code == 302 and reponse["Location"].startswith("/session-expiree")


def test_agent_dont_la_convention_a_pris_fin(client, agent):
    ouvrir_dialogue("131")
    convention = agent.convention
    convention.date_resiliation = timezone.localdate() - timedelta(days=1)
    convention.motif_resiliation = "manquement"
    convention.save()
    assert envoyer(client).status_code == 403
    assert not Message.objects.exists()
    assert Evenement.objects.filter(habilitation_id=agent.pk, type="refus").exists()


# --- The admin -----------------------------------------------------------------------------


@pytest.fixture
def messages_131_161(db):
    auteur_131 = HabilitationFactory(convention__caisse=caisse("131")).user
    auteur_161 = HabilitationFactory(convention__caisse=caisse("161")).user
    return message("131", auteur_131, "Question des Bouches-du-Rhône"), message(
        "161", auteur_161, "Question charentaise"
    )


def test_le_gestionnaire_lit_les_messages_de_sa_caf_seulement(admin_131, messages_131_161):
    du_131, du_161 = messages_131_161
    reponse = admin_131.get(ADMIN)
    assert reponse.status_code == 200
    page = texte(reponse)
    assert "Organisme de la Caf 131" in page and "AUTEUR131 Jean" in page
    assert "Organisme de la Caf 161" not in page and "AUTEUR161 Jean" not in page

    assert admin_131.get(f"{ADMIN}{du_131.pk}/change/").status_code == 200
    assert "Question des Bouches-du-Rhône" in texte(admin_131.get(f"{ADMIN}{du_131.pk}/change/"))
    # Another Caf's message, by its URL: "not found" for this gestionnaire, sent back to the index.
    autre = admin_131.get(f"{ADMIN}{du_161.pk}/change/")
    assert autre.status_code == 302 and autre["Location"] == "/gestion/"
    assert "Question charentaise" not in texte(autre)


def test_et_inversement(admin_161, messages_131_161):
    page = texte(admin_161.get(ADMIN))
    assert "Organisme de la Caf 161" in page and "Organisme de la Caf 131" not in page


def test_aucun_ajout_depuis_l_admin(admin_131, messages_131_161):
    assert admin_131.get(f"{ADMIN}add/").status_code == 403
    reponse = admin_131.post(
        f"{ADMIN}add/",
        {"organisme": "x", "nom_prenom": "y", "courriel": "z@z.invalid", "texte": "forgé", "traite": "on"},
    )
    assert reponse.status_code == 403
    assert Message.objects.count() == 2
    assert 'href="/gestion/dialogue/message/add/"' not in texte(admin_131.get(ADMIN))


def test_le_gestionnaire_marque_un_message_traite_sans_en_changer_le_texte(admin_131, messages_131_161):
    du_131, _ = messages_131_161
    reponse = admin_131.post(
        f"{ADMIN}{du_131.pk}/change/",
        {
            "traite": "on",
            "texte": "réécrit",
            "organisme": "réécrit",
            "caisse": caisse("161").pk,
            **formulaires_des_reponses(),
        },
    )
    assert reponse.status_code == 302
    du_131.refresh_from_db()
    assert du_131.traite
    assert du_131.texte == "Question des Bouches-du-Rhône" and du_131.caisse == caisse("131")


def test_l_envoi_est_journalise_sans_le_texte(client, agent):
    """Issue 12: sending a message is an act of the agent the Responsables Sécurité can trace."""
    ouvrir_dialogue("131")
    envoyer(client)
    envoye = Message.objects.get()
    evenement = Evenement.objects.get(type=TypeEvenement.DIALOGUE)
    assert (evenement.resultat, evenement.identifiant, evenement.habilitation_id, evenement.caisse) == (
        "succes",
        agent.identifiant,
        agent.pk,
        "131",
    )
    assert evenement.motif == f"message n° {envoye.pk} à la Caf 131"
    assert "attestation de loyer" not in str(Evenement.objects.values())


def test_un_message_refuse_n_est_pas_journalise_comme_envoye(client, agent):
    ouvrir_dialogue("131")
    reponse = envoyer(client, courriel="pas-une-adresse")
    assert CONFIRMATION not in texte(reponse)
    assert not Message.objects.exists()
    assert not Evenement.objects.filter(type=TypeEvenement.DIALOGUE).exists()
