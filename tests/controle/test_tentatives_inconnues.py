"""Failed logins that belong to no Caf (an unknown identifiant, the per-address throttle): every
Caf's Responsables Sécurité see them on "Tentatives sur des identifiants inconnus", never on a
Caf's own journal; and the "Pulvérisation d'identifiants" indicator (defect 9)."""

import re
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from controle import indicateurs as ind
from journal.models import Evenement, Resultat, TypeEvenement
from tests.conftest import connecter_au_admin
from tests.factories import ConventionFactory, EvenementFactory, HabilitationFactory, caisse
from tests.outils import texte

URL = "/gestion/controle/journal/identifiants-inconnus/"
INDICATEURS = "/gestion/controle/indicateurs/"
MAINTENANT = timezone.now().replace(microsecond=0)


def essayer(identifiant, adresse="203.0.113.7", mot_de_passe="Xy7zW3"):
    """A login attempt through the portal's real login page, from `adresse`."""
    reponse = Client().post("/", {"identifiant": identifiant, "mot_de_passe": mot_de_passe}, REMOTE_ADDR=adresse)
    # The login page again with its one message, or the error page after the third strike.
    assert reponse.status_code == 200 or reponse["Location"] == "/connexion/erreur/"
    return reponse


def ouvrir(officier, url=URL, **parametres):
    reponse = connecter_au_admin(Client(), officier).get(url, parametres)
    assert reponse.status_code == 200
    return reponse


def ids(reponse):
    return [int(i) for i in re.findall(r'class="evenement" data-id="(\d+)"', reponse.content.decode())]


# --- The page ---------------------------------------------------------------------------


def test_un_identifiant_inconnu_essaye_au_portail_est_vu_par_les_officiers_de_toutes_les_caf(
    officier_131, officier_161
):
    essayer("zzzz9999", adresse="203.0.113.7")
    tentative = Evenement.objects.get(type=TypeEvenement.CONNEXION, identifiant="ZZZZ9999")
    assert (tentative.caisse, tentative.resultat, tentative.motif) == ("", Resultat.ECHEC, "identifiant inconnu")

    for officier in (officier_131, officier_161):
        reponse = ouvrir(officier)
        page = texte(reponse)
        assert ids(reponse) == [tentative.pk]
        assert "Tentatives sur des identifiants inconnus" in page
        assert "ZZZZ9999" in page and "203.0.113.7" in page and "identifiant inconnu" in page
        assert tentative.horodatage.astimezone(timezone.get_current_timezone()).strftime("%d/%m/%Y %H:%M:%S") in page
        lecture = Evenement.objects.filter(type=TypeEvenement.CONTROLE, identifiant=officier.username).get()
        assert (lecture.resultat, lecture.motif, lecture.caisse) == (
            Resultat.SUCCES,
            "identifiants inconnus",
            officier.caisse.numero,
        )
        assert lecture.details == {"filtres": {}, "apres": ""}


def test_elle_n_est_pas_dans_le_journal_d_une_caf(officier_131):
    essayer("ZZZZ9999")
    client = connecter_au_admin(Client(), officier_131)
    assert "ZZZZ9999" not in texte(client.get("/gestion/controle/journal/"))
    assert "ZZZZ9999" not in texte(client.get("/gestion/controle/journal/", {"genre": "connexion_echouee"}))
    export = b"".join(client.get("/gestion/controle/journal/export.csv").streaming_content).decode()
    assert "ZZZZ9999" not in export


def test_les_refus_de_la_limite_par_adresse_y_sont_aussi(officier_161, settings):
    """The throttle refuses before looking the identifiant up: even a known one goes to no Caf."""
    settings.CAFPRO_THROTTLE_MAX_ECHECS = 2
    connue = HabilitationFactory()  # Caf 131
    essayer(connue.identifiant, adresse="198.51.100.4")  # wrong password: Caf 131's journal
    essayer("ZZZZ9999", adresse="198.51.100.4")
    essayer("YYYY8888", adresse="198.51.100.4")  # refused by the throttle
    refusee = Evenement.objects.get(identifiant="YYYY8888")
    assert (refusee.caisse, refusee.motif) == ("", "trop d'échecs depuis cette adresse")

    reponse = ouvrir(officier_161)
    assert ids(reponse) == [refusee.pk, Evenement.objects.get(identifiant="ZZZZ9999").pk]
    assert "trop d'échecs depuis cette adresse" in texte(reponse)
    assert connue.identifiant not in texte(reponse)  # Caf 131's own failure stays in its journal


def test_seuls_les_echecs_sans_caf_y_sont(officier_131):
    inconnu = EvenementFactory(tentative_inconnue=True, identifiant="ZZZZ9999")
    verrou = EvenementFactory(
        tentative_inconnue=True, identifiant="ZZZZ9999", type=TypeEvenement.VERROUILLAGE, resultat=Resultat.SUCCES
    )
    EvenementFactory(
        tentative_inconnue=True, identifiant="AAAA1111", caisse="131", motif="mot de passe erroné"
    )  # a Caf's
    EvenementFactory(
        tentative_inconnue=True, identifiant="BBBB2222", caisse="161", motif="mot de passe erroné"
    )  # another Caf's
    EvenementFactory(
        tentative_inconnue=True, identifiant="admin", resultat=Resultat.SUCCES, motif=""
    )  # a success, even without Caf
    EvenementFactory(
        tentative_inconnue=True, identifiant="CCCC3333", type=TypeEvenement.REFUS, resultat=Resultat.REFUS
    )  # not a login
    assert sorted(ids(ouvrir(officier_131))) == sorted([inconnu.pk, verrou.pk])


def test_filtres_par_periode_et_par_adresse(officier_131):
    hier = EvenementFactory(
        tentative_inconnue=True,
        identifiant="HIER0001",
        horodatage=MAINTENANT - timedelta(days=1),
        adresse_ip="192.0.2.1",
    )
    avant = EvenementFactory(
        tentative_inconnue=True,
        identifiant="AVANT001",
        horodatage=MAINTENANT - timedelta(days=10),
        adresse_ip="192.0.2.1",
    )
    ailleurs = EvenementFactory(
        tentative_inconnue=True,
        identifiant="AILLEURS",
        horodatage=MAINTENANT - timedelta(days=1),
        adresse_ip="192.0.2.2",
    )
    jour = timezone.localdate(MAINTENANT - timedelta(days=1)).isoformat()

    assert ids(ouvrir(officier_131, adresse_ip="192.0.2.1")) == [hier.pk, avant.pk]
    assert sorted(ids(ouvrir(officier_131, debut=jour, fin=jour))) == sorted([hier.pk, ailleurs.pk])
    assert ids(ouvrir(officier_131, debut=jour, fin=jour, adresse_ip="192.0.2.1")) == [hier.pk]
    lecture = Evenement.objects.filter(type=TypeEvenement.CONTROLE).order_by("-id").first()
    assert lecture.details["filtres"] == {"debut": jour, "fin": jour, "adresse_ip": "192.0.2.1"}

    reponse = ouvrir(officier_131, debut="2026-02-10", fin="2026-02-01", adresse_ip="pas une adresse")
    assert ids(reponse) == []
    assert "La fin de la période doit suivre son début." in texte(reponse)
    lecture = Evenement.objects.filter(type=TypeEvenement.CONTROLE).order_by("-id").first()
    assert lecture.details["filtres"] == {"erreur": True}


def test_pagination_par_cle_sans_doublon_ni_trou_ni_offset(officier_131):
    attendus = []
    for i in range(120):  # many sharing their horodatage: ties broken by id
        attendus.append(
            EvenementFactory(
                tentative_inconnue=True,
                identifiant=f"ESSAI{i:03d}",
                horodatage=MAINTENANT - timedelta(days=2, minutes=i // 7),
            )
        )
    EvenementFactory(
        tentative_inconnue=True, identifiant="AAAA1111", caisse="131", horodatage=MAINTENANT - timedelta(days=2)
    )  # never here
    attendus.sort(key=lambda e: (e.horodatage, e.pk), reverse=True)

    client = connecter_au_admin(Client(), officier_131)
    vus, url, pages = [], URL, 0
    while url:
        with CaptureQueriesContext(connection) as requetes:
            reponse = client.get(url)
        assert reponse.status_code == 200
        for requete in requetes.captured_queries:
            sql = requete["sql"].upper()
            assert "OFFSET" not in sql and "COUNT(" not in sql, sql
        lus = [q["sql"] for q in requetes.captured_queries if "journal_evenement" in q["sql"] and "SELECT" in q["sql"]]
        assert len([q for q in lus if "LIMIT 51" in q]) == 1  # one query on the journal per page
        page = ids(reponse)
        assert len(page) <= 50
        vus += page
        pages += 1
        suivant = re.search(r'href="(\?[^"]*apres=[^"]*)" rel="next"', reponse.content.decode())
        url = URL + suivant.group(1).replace("&amp;", "&") if suivant else None
    assert pages == 3
    assert vus == [e.pk for e in attendus]
    assert Evenement.objects.filter(type=TypeEvenement.CONTROLE, motif="identifiants inconnus").count() == 3


# --- Who may read it -----------------------------------------------------------------------


def refus_de(username):
    return Evenement.objects.filter(type=TypeEvenement.REFUS, resultat=Resultat.REFUS, identifiant=username)


def test_anonyme_renvoye_a_la_connexion_du_personnel(client, db):
    reponse = client.get(URL)
    assert reponse.status_code == 302
    assert reponse["Location"].startswith("/gestion/login/")


def test_un_gestionnaire_est_refuse_et_journalise(admin_131, gestionnaire_131):
    EvenementFactory(tentative_inconnue=True, identifiant="ZZZZ9999")
    reponse = admin_131.get(URL)
    assert reponse.status_code == 403
    assert "ZZZZ9999" not in texte(reponse)
    assert "réservé aux Responsables Sécurité" in texte(reponse)
    refus = refus_de(gestionnaire_131.username).get()
    assert refus.motif == f"journal des accès : {URL}" and refus.caisse == "131"
    assert not Evenement.objects.filter(type=TypeEvenement.CONTROLE).exists()


def test_un_agent_partenaire_est_refuse_et_journalise(client, db):
    habilitation = HabilitationFactory()
    client.force_login(habilitation.user)
    assert client.get(URL).status_code == 403
    assert refus_de(habilitation.identifiant).get().habilitation_id == habilitation.pk


def test_un_officier_sans_second_facteur_est_renvoye_a_la_connexion(client, officier_131):
    client.force_login(officier_131)
    assert client.get(URL).status_code == 302
    assert not Evenement.objects.filter(type=TypeEvenement.CONTROLE).exists()


def test_les_ecrans_de_l_officier_y_menent(officier_131, admin_131):
    lien = f'href="{URL}"'
    assert lien in texte(ouvrir(officier_131, "/gestion/"))
    for ecran in ("/gestion/controle/journal/", INDICATEURS, "/gestion/controle/surveillances/"):
        assert lien in texte(ouvrir(officier_131, ecran))
    assert lien not in texte(admin_131.get("/gestion/"))
    page = texte(ouvrir(officier_131))
    assert "Cafpro — administration des accès" in page and page.count("<h1") == 1


# --- The "Pulvérisation d'identifiants" indicator -------------------------------------------


def ligne_adresse(page: str, adresse: str) -> dict[str, str]:
    motif = rf'<tr class="ligne-pulverisation[^"]*" data-adresse="{re.escape(adresse)}">(.*?)</tr>'
    trouve = re.search(motif, page, re.S)
    if trouve is None:
        return {}
    cellules = {k: v.strip() for k, v in re.findall(r'<td class="(\w+)">(.*?)</td>', trouve.group(1), re.S)}
    cellules["signalee"] = "signalee" in trouve.group(0).split(">", 1)[0]
    return cellules


def adresses(page: str) -> list[str]:
    return re.findall(r'<tr class="ligne-pulverisation[^"]*" data-adresse="([^"]+)">', page)


def test_une_adresse_qui_essaie_cinq_identifiants_est_signalee(officier_131, officier_161):
    connue_131 = HabilitationFactory()
    connues_161 = [HabilitationFactory(convention=ConventionFactory(caisse=caisse("161"))) for _ in range(2)]
    # 203.0.113.9: five distinct identifiants, one of them a 131 agent's, one typed twice.
    for identifiant in ("ZZZZ0001", "ZZZZ0002", "ZZZZ0002", "zzzz0003", "ZZZZ0004", connue_131.identifiant):
        essayer(identifiant, adresse="203.0.113.9")
    # 198.51.100.4: two 161 identifiants, three failures.
    for habilitation in (*connues_161, connues_161[0]):
        essayer(habilitation.identifiant, adresse="198.51.100.4")
    # 192.0.2.1: one identifiant again and again is no spraying.
    for _ in range(2):
        essayer("ZZZZ0009", adresse="192.0.2.1")

    page = texte(ouvrir(officier_131, INDICATEURS))
    assert "Pulvérisation d'identifiants" in page
    assert adresses(page) == ["203.0.113.9", "198.51.100.4"]
    assert ligne_adresse(page, "203.0.113.9") == {
        "adresse": "203.0.113.9",
        "identifiants": "5",
        "echecs": "6",
        "identifiants_caisse": "1",
        "echecs_caisse": "1",
        "signal": "<strong>pulvérisation probable</strong>",
        "signalee": True,
    }
    ligne = ligne_adresse(page, "198.51.100.4")
    assert (ligne["identifiants"], ligne["echecs"], ligne["identifiants_caisse"], ligne["signalee"]) == (
        "2",
        "3",
        "0",
        False,
    )
    # Caf 161's officer sees the address that touched 161 first, though it tried fewer.
    page = texte(ouvrir(officier_161, INDICATEURS))
    assert adresses(page) == ["198.51.100.4", "203.0.113.9"]
    assert ligne_adresse(page, "198.51.100.4")["identifiants_caisse"] == "2"
    assert ligne_adresse(page, "203.0.113.9")["identifiants_caisse"] == "0"


def test_un_refus_de_la_limite_sur_un_identifiant_de_la_caf_compte_pour_elle(db):
    connue = HabilitationFactory()  # Caf 131
    EvenementFactory(
        tentative_inconnue=True, identifiant=connue.identifiant, motif="trop d'échecs depuis cette adresse"
    )  # caisse ""
    EvenementFactory(tentative_inconnue=True, identifiant="ZZZZ9999")
    EvenementFactory(
        tentative_inconnue=True, identifiant="YYYY8888", resultat=Resultat.REFUS, motif="identifiant verrouillé"
    )
    EvenementFactory(
        tentative_inconnue=True, identifiant="XXXX7777", resultat=Resultat.SUCCES, motif=""
    )  # a success is no failure
    EvenementFactory(
        tentative_inconnue=True, identifiant="WWWW6666", horodatage=MAINTENANT - timedelta(days=60)
    )  # outside the period
    (ligne,) = ind.pulverisation("131").adresses
    assert (ligne["adresse_ip"], ligne["identifiants"], ligne["echecs"]) == ("203.0.113.7", 3, 3)
    assert (ligne["identifiants_caisse"], ligne["echecs_caisse"], ligne["signalee"]) == (1, 1, False)
    assert ind.pulverisation("161").adresses[0]["identifiants_caisse"] == 0


def test_l_indicateur_est_une_seule_requete(db):
    for n in range(30):
        EvenementFactory(tentative_inconnue=True, identifiant=f"ESSAI{n:03d}", adresse_ip=f"192.0.2.{n % 3}")
    with CaptureQueriesContext(connection) as requetes:
        resultat = ind.pulverisation("131")
    assert len(requetes.captured_queries) == 1
    assert "OFFSET" not in requetes.captured_queries[0]["sql"].upper()
    assert [a["identifiants"] for a in resultat.adresses] == [10, 10, 10]


def test_l_indicateur_est_borne(db, monkeypatch):
    monkeypatch.setattr(ind, "LIMITE_ADRESSES", 2)
    for n in range(3):
        for m in range(2):
            EvenementFactory(tentative_inconnue=True, identifiant=f"ESSAI{n}{m}", adresse_ip=f"192.0.2.{n}")
    resultat = ind.pulverisation("131")
    assert len(resultat.adresses) == 2 and resultat.tronquee
