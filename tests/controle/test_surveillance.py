"""Mises sous surveillance (controle/surveillance.py), through the officer's pages."""

import re
from datetime import datetime, time, timedelta
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from controle.models import MiseSousSurveillance
from controle.surveillance import evenements_surveilles, habilitations_surveillees, mettre_sous_surveillance
from habilitations.models import EtatHabilitation
from journal.models import Evenement, TypeEvenement
from tests.conftest import connecter_au_admin
from tests.factories import ConventionFactory, EvenementFactory, HabilitationFactory, caisse
from tests.outils import texte

PARIS = ZoneInfo("Europe/Paris")
LISTE = "/gestion/controle/surveillances/"
NOUVELLE = "/gestion/controle/surveillances/nouvelle/"
SIGNALES = "/gestion/controle/surveillances/evenements/"


def dans(jours: int) -> str:
    return (timezone.localdate() + timedelta(days=jours)).isoformat()


def creer(client, **donnees):
    donnees = {"motif": "Consultations nocturnes répétées", "fin": dans(30), **donnees}
    return client.post(NOUVELLE, {k: v for k, v in donnees.items() if v is not None})


def journal_surveillance(officier):
    return Evenement.objects.filter(type=TypeEvenement.SURVEILLANCE, identifiant=officier.username)


def test_mise_sous_surveillance_d_une_habilitation(officier, officier_131):
    habilitation = HabilitationFactory()
    reponse = creer(officier, habilitation=habilitation.public_id)
    surveillance = MiseSousSurveillance.objects.get()
    assert reponse.status_code == 302
    assert reponse["Location"] == f"/gestion/controle/surveillances/{surveillance.public_id}/"
    assert surveillance.habilitation == habilitation and surveillance.convention is None
    assert surveillance.caisse == caisse("131") and surveillance.decidee_par == officier_131
    # Until the end of the chosen day, Paris time.
    fin = timezone.localdate() + timedelta(days=31)
    assert surveillance.fin == datetime.combine(fin, time.min, tzinfo=PARIS)
    habilitation.refresh_from_db()
    assert habilitation.etat == EtatHabilitation.ACTIVE  # no suspension asked

    trace = journal_surveillance(officier_131).get()
    assert trace.acteur == officier_131.username
    assert trace.caisse == "131"
    assert trace.habilitation_id == habilitation.pk
    assert trace.motif == "mise sous surveillance"
    assert trace.details["surveillance"] == surveillance.pk

    page = texte(officier.get(LISTE))
    assert f"habilitation {habilitation.identifiant}" in page


@pytest.mark.parametrize(
    "cas",
    [
        "sans_motif",
        "fin_aujourd_hui",
        "fin_passee",
        "les_deux",
        "aucun_sujet",
        "habilitation_autre_caf",
        "convention_autre_caf",
    ],
)
def test_validation_du_formulaire(officier, cas):
    habilitation = HabilitationFactory()
    autre_caf = HabilitationFactory(convention=ConventionFactory(caisse=caisse("161")))
    donnees = {
        "sans_motif": {"habilitation": habilitation.public_id, "motif": ""},
        "fin_aujourd_hui": {"habilitation": habilitation.public_id, "fin": dans(0)},
        "fin_passee": {"habilitation": habilitation.public_id, "fin": dans(-3)},
        "les_deux": {"habilitation": habilitation.public_id, "convention": habilitation.convention.public_id},
        "aucun_sujet": {},
        # Forged keys of Caf 161's subjects: not among the choices offered to a 131 officer.
        "habilitation_autre_caf": {"habilitation": autre_caf.public_id},
        "convention_autre_caf": {"convention": autre_caf.convention.public_id},
    }[cas]
    reponse = creer(officier, **donnees)
    assert reponse.status_code == 200
    assert reponse.context["form"].errors
    assert not MiseSousSurveillance.objects.exists()
    assert not Evenement.objects.filter(type=TypeEvenement.SURVEILLANCE).exists()


def test_les_choix_ne_listent_que_la_caf_de_l_officier(officier):
    habilitation = HabilitationFactory()
    autre_caf = HabilitationFactory(convention=ConventionFactory(caisse=caisse("161")))
    page = texte(officier.get(NOUVELLE, {"habilitation": habilitation.public_id}))
    assert habilitation.identifiant in page
    assert autre_caf.identifiant not in page
    assert f'<option value="{habilitation.public_id}" selected>' in page


def test_avec_suspension_l_agent_perd_l_acces_au_portail(officier, officier_131):
    habilitation = HabilitationFactory()
    agent = Client()
    agent.force_login(habilitation.user)
    assert agent.get("/portail/").status_code == 200

    creer(officier, habilitation=habilitation.public_id, suspendre="on")
    habilitation.refresh_from_db()
    assert habilitation.etat == EtatHabilitation.SUSPENDUE
    assert Evenement.objects.filter(
        type=TypeEvenement.GESTION, motif="suspension", habilitation_id=habilitation.pk, acteur=officier_131.username
    ).exists()
    assert agent.get("/portail/").status_code in (302, 403)


def test_surveillance_d_une_convention_entiere(officier, officier_131):
    convention = ConventionFactory()
    actives = [HabilitationFactory(convention=convention) for _ in range(2)]
    deja_suspendue = HabilitationFactory(convention=convention, etat=EtatHabilitation.SUSPENDUE)
    hors_convention = HabilitationFactory()

    creer(officier, convention=convention.public_id, suspendre="on")
    surveillance = MiseSousSurveillance.objects.get()
    assert surveillance.convention == convention and surveillance.habilitation is None
    for habilitation in actives:
        habilitation.refresh_from_db()
        assert habilitation.etat == EtatHabilitation.SUSPENDUE
    hors_convention.refresh_from_db()
    assert hors_convention.etat == EtatHabilitation.ACTIVE
    suspensions = Evenement.objects.filter(type=TypeEvenement.GESTION, motif="suspension")
    assert sorted(suspensions.values_list("habilitation_id", flat=True)) == sorted(h.pk for h in actives)
    assert journal_surveillance(officier_131).get().details["suspendues"] == [h.pk for h in actives]

    # Every habilitation of the convention is flagged, the suspended one too.
    surveillees = habilitations_surveillees(caisse("131"), timezone.now() - timedelta(days=1), timezone.now())
    assert set(surveillees) == {*(h.pk for h in actives), deja_suspendue.pk}
    assert surveillees[deja_suspendue.pk] == [(surveillance.debut, surveillance.fin)]


def test_evenements_signales(officier, officier_131):
    surveillee, autre = HabilitationFactory(), HabilitationFactory()
    avant = EvenementFactory(habilitation=surveillee, horodatage=timezone.now() - timedelta(hours=1), consultation=True)
    creer(officier, habilitation=surveillee.public_id)
    surveillance = MiseSousSurveillance.objects.get()
    pendant = [
        EvenementFactory(habilitation=surveillee, horodatage=timezone.now() + timedelta(seconds=n), consultation=True)
        for n in (1, 2)
    ]
    EvenementFactory(habilitation=autre, horodatage=timezone.now(), consultation=True)

    assert list(evenements_surveilles("131", surveillance)) == pendant[::-1]
    assert list(evenements_surveilles(caisse("131"))) == pendant[::-1]
    assert avant not in evenements_surveilles("131")
    assert not evenements_surveilles("161").exists()

    for url in (f"/gestion/controle/surveillances/{surveillance.public_id}/", SIGNALES):
        page = texte(officier.get(url))
        assert re.findall(r'class="evenement-signale" data-id="(\d+)"', page) == [str(e.pk) for e in pendant[::-1]]


def test_pagination_suivant(officier):
    habilitation = HabilitationFactory()
    creer(officier, habilitation=habilitation.public_id)
    surveillance = MiseSousSurveillance.objects.get()
    instant = timezone.now() + timedelta(minutes=1)
    # 55 events, some sharing one instant: the keyset on (horodatage, id) loses none.
    crees = [
        EvenementFactory(habilitation=habilitation, horodatage=instant + timedelta(seconds=n // 3), consultation=True)
        for n in range(55)
    ]
    url = f"/gestion/controle/surveillances/{surveillance.public_id}/"
    page = texte(officier.get(url))
    premiere = re.findall(r'class="evenement-signale" data-id="(\d+)"', page)
    assert len(premiere) == 50
    suivant = re.search(r'<a href="\?apres=([^"]+)" rel="next">Suivant</a>', page).group(1)
    page = texte(officier.get(url, {"apres": unquote(suivant)}))
    seconde = re.findall(r'class="evenement-signale" data-id="(\d+)"', page)
    assert len(seconde) == 5
    assert "Suivant" not in page
    attendus = sorted(crees, key=lambda e: (e.horodatage, e.pk), reverse=True)
    assert premiere + seconde == [str(e.pk) for e in attendus]


def test_levee_journalisee_et_fin_du_signalement(officier, officier_131):
    habilitation = HabilitationFactory()
    creer(officier, habilitation=habilitation.public_id)
    surveillance = MiseSousSurveillance.objects.get()
    pendant = EvenementFactory(habilitation=habilitation, horodatage=timezone.now(), consultation=True)

    detail = f"/gestion/controle/surveillances/{surveillance.public_id}/"
    reponse = officier.post(f"{detail}lever/", {"motif_levee": "Levée"})
    assert reponse.status_code == 302
    surveillance.refresh_from_db()
    assert surveillance.levee_le is not None and surveillance.levee_par == officier_131
    assert surveillance.motif_levee == "Levée"
    levee = journal_surveillance(officier_131).get(motif="levée de la surveillance")
    assert levee.details["surveillance"] == surveillance.pk and levee.acteur == officier_131.username

    apres = EvenementFactory(
        habilitation=habilitation, horodatage=timezone.now() + timedelta(minutes=5), consultation=True
    )
    assert list(evenements_surveilles("131")) == [pendant]
    assert apres not in evenements_surveilles("131", surveillance)
    intervalles = habilitations_surveillees("131", surveillance.debut, timezone.now() + timedelta(days=1))
    assert intervalles == {habilitation.pk: [(surveillance.debut, surveillance.levee_le)]}
    assert "Lever la surveillance" not in texte(officier.get(detail))
    # Lifting twice changes nothing.
    officier.post(f"{detail}lever/")
    assert journal_surveillance(officier_131).filter(motif="levée de la surveillance").count() == 1


def test_habilitations_surveillees_selon_la_periode(officier_131):
    habilitation = HabilitationFactory()
    surveillance = mettre_sous_surveillance(
        caisse=caisse("131"),
        acteur=officier_131,
        motif="test",
        fin=timezone.now() + timedelta(days=2),
        habilitation=habilitation,
    )
    maintenant = timezone.now()
    assert habilitations_surveillees("131", maintenant - timedelta(days=5), maintenant - timedelta(days=4)) == {}
    assert habilitations_surveillees("131", maintenant + timedelta(days=3), maintenant + timedelta(days=4)) == {}
    assert habilitations_surveillees("161", maintenant - timedelta(days=1), maintenant + timedelta(days=1)) == {}
    assert habilitations_surveillees("131", maintenant - timedelta(days=1), maintenant + timedelta(days=1)) == {
        habilitation.pk: [(surveillance.debut, surveillance.fin)]
    }


def test_chaque_page_journalise_sa_lecture(officier, officier_131):
    habilitation = HabilitationFactory()
    for url in (LISTE, NOUVELLE, SIGNALES):
        assert officier.get(url).status_code == 200
    creer(officier, habilitation=habilitation.public_id)
    officier.get(f"/gestion/controle/surveillances/{MiseSousSurveillance.objects.get().public_id}/")
    lectures = Evenement.objects.filter(type=TypeEvenement.CONTROLE, identifiant=officier_131.username)
    assert lectures.count() == 5
    assert set(lectures.values_list("motif", flat=True)) == {"surveillance"}
    assert set(lectures.values_list("caisse", flat=True)) == {"131"}


# --- Refusals ------------------------------------------------------------------------------


def pages(surveillance):
    return [
        ("get", "/gestion/controle/indicateurs/"),
        ("get", LISTE),
        ("get", NOUVELLE),
        ("get", SIGNALES),
        ("get", f"/gestion/controle/surveillances/{surveillance.public_id}/"),
        ("post", f"/gestion/controle/surveillances/{surveillance.public_id}/lever/"),
    ]


@pytest.fixture
def surveillance_131(officier_131):
    return mettre_sous_surveillance(
        caisse=caisse("131"),
        acteur=officier_131,
        motif="test",
        fin=timezone.now() + timedelta(days=2),
        habilitation=HabilitationFactory(),
    )


def _verifier_refus(client, username, surveillance):
    for methode, url in pages(surveillance):
        avant = Evenement.objects.filter(type=TypeEvenement.REFUS, identifiant=username).count()
        reponse = getattr(client, methode)(url)
        assert reponse.status_code == 403, url
        assert Evenement.objects.filter(type=TypeEvenement.REFUS, identifiant=username).count() == avant + 1
    assert not Evenement.objects.filter(type=TypeEvenement.CONTROLE, identifiant=username).exists()
    surveillance.refresh_from_db()
    assert surveillance.levee_le is None


def test_refus_au_gestionnaire(client, gestionnaire_131, surveillance_131):
    connecter_au_admin(client, gestionnaire_131)
    _verifier_refus(client, gestionnaire_131.username, surveillance_131)


def test_refus_a_l_agent_partenaire(client, surveillance_131):
    habilitation = HabilitationFactory()
    client.force_login(habilitation.user)
    _verifier_refus(client, habilitation.identifiant, surveillance_131)


def test_l_officier_d_une_autre_caf(client, officier_161, surveillance_131):
    connecter_au_admin(client, officier_161)
    for url in (f"/gestion/controle/surveillances/{surveillance_131.public_id}/",):
        assert client.get(url).status_code == 403
    assert client.post(f"/gestion/controle/surveillances/{surveillance_131.public_id}/lever/").status_code == 403
    assert Evenement.objects.filter(type=TypeEvenement.REFUS, identifiant=officier_161.username).count() == 2
    surveillance_131.refresh_from_db()
    assert surveillance_131.levee_le is None
    # His own pages show nothing of Caf 131.
    assert surveillance_131.habilitation.identifiant not in texte(client.get(LISTE))
    EvenementFactory(habilitation=surveillance_131.habilitation, horodatage=timezone.now(), consultation=True)
    assert "evenement-signale" not in texte(client.get(SIGNALES))
