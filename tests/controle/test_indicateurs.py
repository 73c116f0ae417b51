"""Irregularity indicators (controle/indicateurs.py), through the officer's page.

Events are crafted straight into the journal at chosen instants (Europe/Paris local time):
night is 21:00–06:59, the week-end Saturday and Sunday."""

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from controle import indicateurs as ind
from dossiers.models import Dossier
from journal.models import Evenement, Resultat, TypeEvenement
from tests.conftest import connecter_au_admin
from tests.factories import ConventionFactory, EvenementFactory, HabilitationFactory, PartenaireFactory, caisse
from tests.outils import texte

PARIS = ZoneInfo("Europe/Paris")
URL = "/gestion/controle/indicateurs/"


def jour_ouvre(recul: int) -> date:
    """The `recul`-th Monday-to-Friday day before today (1 = the last one before today)."""
    jour = timezone.localdate()
    while recul:
        jour -= timedelta(days=1)
        if jour.isoweekday() <= 5:
            recul -= 1
    return jour


def dernier_samedi() -> date:
    jour = timezone.localdate() - timedelta(days=1)
    while jour.isoweekday() != 6:
        jour -= timedelta(days=1)
    return jour


def a(jour: date, heure: int, minute: int = 0) -> datetime:
    return datetime.combine(jour, time(heure, minute), tzinfo=PARIS)


def ligne(page: str, identifiant: str) -> dict[str, str]:
    trouve = re.search(rf'<tr class="ligne-indicateur" data-identifiant="{identifiant}">(.*?)</tr>', page, re.S)
    if trouve is None:
        return {}
    return {k: v.strip() for k, v in re.findall(r'<td class="(\w+)">(.*?)</td>', trouve.group(1), re.S)}


def ordre(page: str) -> list[str]:
    return re.findall(r'<tr class="ligne-indicateur" data-identifiant="(\w+)">', page)


def page_de(client, officier, **parametres):
    connecter_au_admin(client, officier)
    reponse = client.get(URL, parametres)
    assert reponse.status_code == 200
    return texte(reponse)


def test_echecs_et_verrouillages(client, officier_131):
    habilitation = HabilitationFactory()
    for minute in range(3):
        EvenementFactory(
            habilitation=habilitation,
            horodatage=a(jour_ouvre(2), 10, minute),
            type=TypeEvenement.CONNEXION,
            resultat=Resultat.ECHEC,
        )
    EvenementFactory(
        habilitation=habilitation,
        horodatage=a(jour_ouvre(2), 10, 3),
        type=TypeEvenement.VERROUILLAGE,
        resultat=Resultat.REFUS,
    )
    EvenementFactory(
        habilitation=habilitation,
        horodatage=a(jour_ouvre(2), 11),
        type=TypeEvenement.CONNEXION,
        resultat=Resultat.SUCCES,
    )

    cellules = ligne(page_de(client, officier_131), habilitation.identifiant)
    assert cellules["echecs"] == "3"
    assert cellules["verrouillages"] == "1"


def test_nuit_et_week_end(client, officier_131):
    habilitation = HabilitationFactory()
    jour = jour_ouvre(3)
    for heure, minute in [(21, 0), (23, 59), (0, 30), (6, 59)]:  # night
        EvenementFactory(habilitation=habilitation, horodatage=a(jour, heure, minute), consultation=True)
    for heure, minute in [(7, 0), (12, 0), (20, 59)]:  # day
        EvenementFactory(habilitation=habilitation, horodatage=a(jour, heure, minute), consultation=True)
    EvenementFactory(
        habilitation=habilitation, horodatage=a(dernier_samedi(), 14), consultation=True
    )  # week-end, daytime
    EvenementFactory(
        habilitation=habilitation, horodatage=a(dernier_samedi(), 22), consultation=True
    )  # week-end and night
    # A refused consultation is not a consultation.
    EvenementFactory(
        habilitation=habilitation, horodatage=a(jour, 23), type=TypeEvenement.REFUS, resultat=Resultat.REFUS
    )

    cellules = ligne(page_de(client, officier_131), habilitation.identifiant)
    assert cellules["nuit"] == "5"
    assert cellules["week_end"] == "2"


@pytest.mark.django_db
def test_nuit_compte_l_heure_locale_et_non_utc():
    habilitation = HabilitationFactory()
    jour = jour_ouvre(4)
    decalage = a(jour, 12).utcoffset()
    # 21:00 Paris is 19:00 or 20:00 UTC: counted; 06:59 UTC is 07:59 or 08:59 Paris: not.
    EvenementFactory(habilitation=habilitation, horodatage=a(jour, 21), consultation=True)
    EvenementFactory(
        habilitation=habilitation,
        horodatage=datetime.combine(jour, time(6, 59), tzinfo=ZoneInfo("UTC")),
        consultation=True,
    )
    assert decalage in (timedelta(hours=1), timedelta(hours=2))
    assert ind.hors_heures("131")[habilitation.pk] == {"nuit": 1, "week_end": 0}


def test_dossiers_inhabituels_par_jour(client, officier_131):
    convention = ConventionFactory()
    suspect, collegue = HabilitationFactory(convention=convention), HabilitationFactory(convention=convention)
    # Habit: 2 dossiers a day for both agents over four days.
    for recul in (5, 6, 7, 8):
        for habilitation in (suspect, collegue):
            for n in range(2):
                EvenementFactory(
                    habilitation=habilitation,
                    horodatage=a(jour_ouvre(recul), 10, n),
                    consultation=True,
                    numero_allocataire=f"200000{n}",
                )
    # One day: 25 distinct dossiers (each consulted twice: counted once).
    for n in range(25):
        for minute in (0, 1):
            EvenementFactory(
                habilitation=suspect,
                horodatage=a(jour_ouvre(2), 9 + n // 10, minute),
                consultation=True,
                numero_allocataire=f"{3000000 + n}",
            )

    donnees = ind.dossiers_par_jour("131")[suspect.pk]
    assert donnees["dossiers_max"] == 25
    assert donnees["jour_max"] == jour_ouvre(2)
    assert donnees["habitude"] == 2.0
    assert donnees["inhabituel"]
    assert not ind.dossiers_par_jour("131")[collegue.pk]["inhabituel"]

    page = page_de(client, officier_131)
    cellules = ligne(page, suspect.identifiant)
    assert cellules["dossiers_max"].startswith("25 le ")
    assert "× 12,5" in cellules["ecart_habitude"]
    assert "× " in cellules["ecart_partenaire"]
    assert ligne(page, collegue.identifiant) == {}  # nothing irregular about the colleague


def _dossier(numero_caisse, numero, code_postal):
    return Dossier.objects.create(
        caisse=caisse(numero_caisse),
        numero_allocataire=numero,
        situation="affilie",
        situation_depuis=date(2020, 1, 1),
        situation_familiale="celibataire",
        situation_familiale_depuis=date(2020, 1, 1),
        adresse_voie="1 rue de la Paix",
        code_postal=code_postal,
        commune="Commune",
        code_insee="00000",
    )


def test_dossiers_hors_territoire(client, officier_131):
    partenaire = PartenaireFactory(code_postal="13001")
    habilitation = HabilitationFactory(convention=ConventionFactory(partenaire=partenaire))
    _dossier("131", "4000001", "13008")  # same département
    _dossier("131", "4000002", "83000")  # Var
    _dossier("131", "4000003", "84000")  # Vaucluse
    for numero in ("4000001", "4000002", "4000002", "4000003", "9999999"):  # 9999999: no such dossier
        EvenementFactory(
            habilitation=habilitation, horodatage=a(jour_ouvre(2), 10), consultation=True, numero_allocataire=numero
        )

    assert ind.hors_territoire("131")[habilitation.pk] == {"hors_territoire": 2, "departements": 2}
    assert ligne(page_de(client, officier_131), habilitation.identifiant)["hors_territoire"] == "2"


def test_adresses_simultanees(client, officier_131):
    habilitation, tranquille = HabilitationFactory(), HabilitationFactory()
    EvenementFactory(
        habilitation=habilitation, horodatage=a(jour_ouvre(2), 10, 5), consultation=True, adresse_ip="10.0.0.1"
    )
    EvenementFactory(
        habilitation=habilitation, horodatage=a(jour_ouvre(2), 10, 40), consultation=True, adresse_ip="192.0.2.7"
    )
    EvenementFactory(
        habilitation=habilitation, horodatage=a(jour_ouvre(2), 14, 0), consultation=True, adresse_ip="10.0.0.1"
    )
    # The same address all along, or two addresses in different hours: nothing.
    EvenementFactory(
        habilitation=tranquille, horodatage=a(jour_ouvre(2), 10, 5), consultation=True, adresse_ip="10.0.0.2"
    )
    EvenementFactory(
        habilitation=tranquille, horodatage=a(jour_ouvre(2), 11, 5), consultation=True, adresse_ip="10.0.0.3"
    )

    assert ind.adresses_multiples("131") == {habilitation.pk: {"heures_multi_adresses": 1, "adresses_max": 2}}
    page = page_de(client, officier_131)
    assert ligne(page, habilitation.identifiant)["heures_multi_adresses"] == "1"
    assert ligne(page, tranquille.identifiant) == {}


def test_le_changement_d_heure_ne_fusionne_pas_deux_heures(db):
    """25 October 2026: 00:30 and 01:30 UTC are both 02:30 in Paris, an hour apart."""
    from datetime import UTC

    habilitation = HabilitationFactory()
    EvenementFactory(
        habilitation=habilitation,
        horodatage=datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
        consultation=True,
        adresse_ip="10.0.0.1",
    )
    EvenementFactory(
        habilitation=habilitation,
        horodatage=datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
        consultation=True,
        adresse_ip="192.0.2.7",
    )
    periode = ind.PeriodeObservee(datetime(2026, 10, 24, tzinfo=UTC), datetime(2026, 10, 26, tzinfo=UTC))
    assert ind.adresses_multiples("131", periode) == {}


def test_controle_hors_droits_zero_puis_un(client, officier_131):
    convention = ConventionFactory(date_effet=date(2024, 3, 13))
    habilitation = HabilitationFactory(convention=convention)
    EvenementFactory(
        habilitation=habilitation, horodatage=a(jour_ouvre(5), 10), consultation=True
    )  # before the end: regular
    page = page_de(client, officier_131)
    assert re.search(r"Consultations hors droits : <strong>0</strong>", page)

    # The convention is resiliated: a consultation on or after its date_fin must never happen.
    convention.date_resiliation = jour_ouvre(3)
    convention.motif_resiliation = "Manquement aux obligations"
    convention.save()
    EvenementFactory(habilitation=habilitation, horodatage=a(jour_ouvre(2), 10), consultation=True)
    page = page_de(client, officier_131)
    assert re.search(r"Consultations hors droits : <strong>1</strong>", page)
    assert ligne(page, habilitation.identifiant)["apres_fin"] == "1"


def test_controle_hors_droits_apres_suppression_de_l_habilitation(db):
    habilitation = HabilitationFactory()
    EvenementFactory(habilitation=habilitation, horodatage=a(jour_ouvre(3), 10), consultation=True)
    habilitation.date_suppression = jour_ouvre(2)
    habilitation.save()
    assert ind.consultations_hors_droits("131").nombre == 0
    EvenementFactory(
        habilitation=habilitation, horodatage=a(jour_ouvre(2), 0, 30), consultation=True
    )  # 00:30 Paris on the deletion day
    verification = ind.consultations_hors_droits("131")
    assert verification.nombre == 1
    assert verification.par_habilitation == {habilitation.pk: 1}


def test_tri_par_colonne(client, officier_131):
    une, deux, trois = HabilitationFactory(), HabilitationFactory(), HabilitationFactory()
    for habilitation, echecs, nuits in ((une, 1, 3), (deux, 3, 0), (trois, 2, 1)):
        for n in range(echecs):
            EvenementFactory(
                habilitation=habilitation,
                horodatage=a(jour_ouvre(2), 10, n),
                type=TypeEvenement.CONNEXION,
                resultat=Resultat.ECHEC,
            )
        for n in range(nuits):
            EvenementFactory(habilitation=habilitation, horodatage=a(jour_ouvre(2), 22, n), consultation=True)

    assert ordre(page_de(client, officier_131)) == [deux.identifiant, trois.identifiant, une.identifiant]
    assert ordre(page_de(client, officier_131, tri="-nuit")) == [une.identifiant, trois.identifiant, deux.identifiant]
    assert ordre(page_de(client, officier_131, tri="nuit")) == [deux.identifiant, trois.identifiant, une.identifiant]
    assert ordre(page_de(client, officier_131, tri="identifiant")) == sorted(
        [une.identifiant, deux.identifiant, trois.identifiant]
    )
    # An unknown column falls back to the default order, never an error.
    assert ordre(page_de(client, officier_131, tri="password")) == [
        deux.identifiant,
        trois.identifiant,
        une.identifiant,
    ]


def test_periode_choisie(client, officier_131):
    habilitation = HabilitationFactory()
    EvenementFactory(
        habilitation=habilitation,
        horodatage=a(jour_ouvre(2), 10),
        type=TypeEvenement.CONNEXION,
        resultat=Resultat.ECHEC,
    )
    EvenementFactory(
        habilitation=habilitation,
        horodatage=timezone.now() - timedelta(days=60),
        type=TypeEvenement.CONNEXION,
        resultat=Resultat.ECHEC,
    )
    assert ligne(page_de(client, officier_131), habilitation.identifiant)["echecs"] == "1"
    du = (timezone.localdate() - timedelta(days=90)).isoformat()
    assert ligne(page_de(client, officier_131, du=du), habilitation.identifiant)["echecs"] == "2"


def test_l_officier_d_une_autre_caf_ne_voit_rien(client, officier_161):
    habilitation = HabilitationFactory()  # Caf 131
    EvenementFactory(
        habilitation=habilitation,
        horodatage=a(jour_ouvre(2), 10),
        type=TypeEvenement.CONNEXION,
        resultat=Resultat.ECHEC,
    )
    EvenementFactory(habilitation=habilitation, horodatage=a(jour_ouvre(2), 23), consultation=True)
    convention = ConventionFactory(date_effet=date(2024, 3, 13))
    sous_la_convention = HabilitationFactory(convention=convention)
    convention.date_resiliation = jour_ouvre(3)
    convention.motif_resiliation = "Manquement aux obligations"
    convention.save()
    EvenementFactory(habilitation=sous_la_convention, horodatage=a(jour_ouvre(2), 10), consultation=True)

    page = page_de(client, officier_161)
    assert ordre(page) == []
    assert habilitation.identifiant not in page
    assert re.search(r"Consultations hors droits : <strong>0</strong>", page)


def test_consultations_des_dossiers_de_la_caf_par_un_agent_d_une_autre_caf(client, officier_161):
    """A 131 agent (multi-Caf access) consulting 161's dossiers at night: 161's officer sees that."""
    habilitation = HabilitationFactory()
    EvenementFactory(
        habilitation=habilitation, horodatage=a(jour_ouvre(2), 23), consultation=True, caisse_dossier="161"
    )
    EvenementFactory(
        habilitation=habilitation, horodatage=a(jour_ouvre(2), 23, 5), consultation=True
    )  # a 131 dossier: not 161's business
    EvenementFactory(
        habilitation=habilitation,
        horodatage=a(jour_ouvre(2), 10),
        type=TypeEvenement.CONNEXION,
        resultat=Resultat.ECHEC,
    )

    cellules = ligne(page_de(client, officier_161), habilitation.identifiant)
    assert cellules["nuit"] == "1"
    assert cellules["echecs"] == "0"


def test_la_page_explique_chaque_indicateur_et_sa_lecture_est_journalisee(client, officier_131):
    page = page_de(client, officier_131)
    for mot in (
        "Échecs / verrouillages",
        "21 h 00",
        "6 h 59",
        "samedi ou le dimanche",
        "habitude",
        "autre département",
        "deux adresses",
        "doit être",
    ):
        assert mot in page
    lecture = Evenement.objects.get(type=TypeEvenement.CONTROLE, identifiant=officier_131.username)
    assert lecture.motif == "indicateurs"
    assert lecture.caisse == "131"


def test_requetes_bornees(client, officier_131, django_assert_max_num_queries):
    """The page's query count does not grow with the number of events or habilitations."""
    for _ in range(5):
        habilitation = HabilitationFactory()
        for n in range(4):
            EvenementFactory(
                habilitation=habilitation,
                horodatage=a(jour_ouvre(2), 22, n),
                consultation=True,
                adresse_ip=f"10.0.0.{n}",
            )
            EvenementFactory(
                habilitation=habilitation,
                horodatage=a(jour_ouvre(2), 10, n),
                type=TypeEvenement.CONNEXION,
                resultat=Resultat.ECHEC,
            )
    connecter_au_admin(client, officier_131)
    with django_assert_max_num_queries(25):
        assert client.get(URL).status_code == 200


def test_la_corse_a_deux_departements(client, officier_131):
    """Ajaccio (2A) and Bastia (2B): a partner of one consulting a dossier of the other is out of
    its territory (conventions.routage's rule, the same as the postal routing's)."""
    partenaire = PartenaireFactory(code_postal="20000")  # Ajaccio, Corse-du-Sud
    habilitation = HabilitationFactory(convention=ConventionFactory(partenaire=partenaire))
    _dossier("131", "4000011", "20090")  # Ajaccio too
    _dossier("131", "4000012", "20200")  # Bastia, Haute-Corse
    for numero in ("4000011", "4000012"):
        EvenementFactory(
            habilitation=habilitation, horodatage=a(jour_ouvre(2), 10), consultation=True, numero_allocataire=numero
        )
    assert ind.hors_territoire("131")[habilitation.pk] == {"hors_territoire": 1, "departements": 1}


@pytest.mark.parametrize(
    ("parametres", "message"),
    [
        ({"du": "2020-01-01"}, "La période ne peut dépasser un an."),
        ({"du": "2024-01-01", "au": "2025-06-01"}, "La période ne peut dépasser un an."),
        ({"du": "2026-03-01", "au": "2026-02-01"}, "La période doit commencer avant sa fin."),
    ],
)
def test_une_periode_refusee_est_dite_a_l_officier(client, officier_131, parametres, message):
    """No silent clamp: the form says why, and the page shows the default period."""
    page = page_de(client, officier_131, **parametres)
    assert message in page
    attendu = timezone.localdate() - timedelta(days=ind.PERIODE_PAR_DEFAUT - 1)
    assert f"du {attendu:%d/%m/%Y} au {timezone.localdate():%d/%m/%Y}" in page
