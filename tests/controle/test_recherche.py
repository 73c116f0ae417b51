"""The journal's search through the pages: a Caf's events and its dossiers' consultations,
never another Caf's; each filter; keyset pagination without OFFSET or COUNT."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from controle.recherche import Criteres, rechercher
from journal.models import Evenement, Resultat, TypeEvenement
from tests.factories import ConventionFactory, EvenementFactory, HabilitationFactory, caisse
from tests.outils import texte

MAINTENANT = timezone.now().replace(microsecond=0)


@pytest.fixture
def monde(db):
    """Two habilitations of 131 under two partners and profiles, one of 161."""
    a = HabilitationFactory(nom="ALPHA", convention=ConventionFactory(profil="T13"))
    b = HabilitationFactory(nom="BRAVO", convention=ConventionFactory(profil="T2"))
    c = HabilitationFactory(nom="CHARLIE", convention=ConventionFactory(caisse=caisse("161")))
    return a, b, c


def ids(reponse):
    return [int(i) for i in re.findall(r'class="evenement" data-id="(\d+)"', reponse.content.decode())]


def chercher(client, **filtres):
    reponse = client.get("/gestion/controle/journal/", filtres)
    assert reponse.status_code == 200
    return reponse


def test_la_caf_voit_ses_evenements_et_les_consultations_de_ses_dossiers(client, officier, monde):
    a, b, c = monde
    propre = EvenementFactory(identifiant=a.identifiant, habilitation_id=a.pk, caisse="131")
    # An agent of 161 (national convention) consults a 131 dossier: 131's officer sees it.
    chez_nous = EvenementFactory(
        type=TypeEvenement.CONSULTATION,
        identifiant=c.identifiant,
        habilitation_id=c.pk,
        caisse="161",
        caisse_dossier="131",
        numero_allocataire="1111111",
        rubrique="T12",
    )
    # 161's own events, and a 131 agent's consultation of a 161 dossier (seen: his caisse is 131).
    ailleurs = EvenementFactory(identifiant=c.identifiant, habilitation_id=c.pk, caisse="161")
    ailleurs_dossier = EvenementFactory(
        type=TypeEvenement.CONSULTATION,
        identifiant=c.identifiant,
        habilitation_id=c.pk,
        caisse="161",
        caisse_dossier="161",
        numero_allocataire="2222222",
    )
    notre_agent_ailleurs = EvenementFactory(
        type=TypeEvenement.CONSULTATION,
        identifiant=b.identifiant,
        habilitation_id=b.pk,
        caisse="131",
        caisse_dossier="161",
        numero_allocataire="3333333",
    )
    vus = ids(chercher(client))
    assert propre.pk in vus and chez_nous.pk in vus and notre_agent_ailleurs.pk in vus
    assert ailleurs.pk not in vus and ailleurs_dossier.pk not in vus
    assert "CHARLIE" in texte(chercher(client))  # the 161 agent who consulted our dossier is named
    assert len(vus) == len(set(vus))


def test_chaque_filtre(client, officier, monde):
    a, b, c = monde
    t = MAINTENANT - timedelta(days=3)
    e = {
        "ok_a": EvenementFactory(identifiant=a.identifiant, habilitation_id=a.pk, caisse="131", adresse_ip="10.0.0.1"),
        "echec": EvenementFactory(identifiant="inconnu", resultat=Resultat.ECHEC, caisse="131", adresse_ip="10.0.0.2"),
        "verrou": EvenementFactory(
            type=TypeEvenement.VERROUILLAGE, identifiant=b.identifiant, habilitation_id=b.pk, caisse="131"
        ),
        "consult_b": EvenementFactory(
            type=TypeEvenement.CONSULTATION,
            identifiant=b.identifiant,
            habilitation_id=b.pk,
            caisse="131",
            caisse_dossier="131",
            numero_allocataire="4444444",
            horodatage=t,
        ),
        "refus_b": EvenementFactory(
            type=TypeEvenement.REFUS,
            resultat=Resultat.REFUS,
            identifiant=b.identifiant,
            habilitation_id=b.pk,
            caisse="131",
            numero_allocataire="4444444",
            horodatage=t - timedelta(days=5),
        ),
        "mdp": EvenementFactory(
            type=TypeEvenement.MOT_DE_PASSE, identifiant=a.identifiant, habilitation_id=a.pk, caisse="131"
        ),
        "gestion": EvenementFactory(
            type=TypeEvenement.GESTION, acteur="gestion.x", identifiant=a.identifiant, caisse="131"
        ),
        "deco": EvenementFactory(
            type=TypeEvenement.DECONNEXION, identifiant=a.identifiant, habilitation_id=a.pk, caisse="131"
        ),
        "expi": EvenementFactory(
            type=TypeEvenement.EXPIRATION, identifiant=a.identifiant, habilitation_id=a.pk, caisse="131"
        ),
        "autre_caf": EvenementFactory(
            identifiant=c.identifiant, habilitation_id=c.pk, caisse="161", adresse_ip="10.0.0.1"
        ),
    }

    def vus(**filtres):
        return {k for k, v in e.items() if v.pk in ids(chercher(client, **filtres))}

    assert vus(genre="connexion_reussie") == {"ok_a"}
    assert vus(genre="connexion_echouee") == {"echec"}
    assert vus(genre="verrouillage") == {"verrou"}
    assert vus(genre="consultation") == {"consult_b"}
    assert vus(genre="refus") == {"refus_b"}
    assert vus(genre="mot_de_passe") == {"mdp"}
    assert vus(genre="gestion") == {"gestion"}
    assert vus(genre="deconnexion") == {"deco"}
    assert vus(genre="expiration") == {"expi"}
    assert vus(resultat="echec") == {"echec"}
    assert vus(genre="connexion_reussie", resultat="echec") == set()
    assert vus(identifiant="inconnu") == {"echec"}
    assert vus(identifiant=a.identifiant) == {"ok_a", "mdp", "gestion", "deco", "expi"}
    assert vus(partenaire=b.convention.partenaire.public_id) == {"verrou", "consult_b", "refus_b"}
    assert vus(convention=a.convention.public_id) == {"ok_a", "mdp", "deco", "expi"}
    assert vus(profil="T2") == {"verrou", "consult_b", "refus_b"}
    assert vus(numero_allocataire="4444444") == {"consult_b", "refus_b"}
    assert vus(adresse_ip="10.0.0.1") == {"ok_a"}
    jour = timezone.localtime(t).date()
    assert vus(debut=jour.isoformat(), fin=jour.isoformat()) == {"consult_b"}
    assert vus(fin=(jour - timedelta(days=1)).isoformat()) == {"refus_b"}
    # Another Caf's partner is not even a choice.
    reponse = chercher(client, partenaire=c.convention.partenaire.public_id)
    assert "Sélectionnez un choix valide" in texte(reponse) and ids(reponse) == []


def test_filtres_invalides(client, officier):
    reponse = chercher(client, debut="2026-02-10", fin="2026-02-01", adresse_ip="pas une adresse")
    page = texte(reponse)
    assert "La fin de la période doit suivre son début." in page
    assert ids(reponse) == []


def test_pagination_par_cle_sans_doublon_ni_trou(client, officier, monde):
    a, _, c = monde
    # 120 events, many sharing their horodatage (ties broken by id), from both sides.
    attendus = []
    for i in range(120):
        moment = MAINTENANT - timedelta(days=2, minutes=i // 7)
        if i % 5 == 0:
            e = EvenementFactory(
                type=TypeEvenement.CONSULTATION,
                caisse="161",
                caisse_dossier="131",
                horodatage=moment,
                identifiant=c.identifiant,
                habilitation_id=c.pk,
            )
        else:
            e = EvenementFactory(caisse="131", horodatage=moment, identifiant=a.identifiant, habilitation_id=a.pk)
        attendus.append(e)
    EvenementFactory(caisse="161", horodatage=MAINTENANT - timedelta(days=2))  # never seen
    attendus.sort(key=lambda e: (e.horodatage, e.pk), reverse=True)

    # Up to yesterday: the officer's own login and reads of today stay out of the count.
    hier = timezone.localdate() - timedelta(days=1)
    vus, url, pages = [], f"/gestion/controle/journal/?genre=&fin={hier.isoformat()}", 0
    while url:
        with CaptureQueriesContext(connection) as requetes:
            reponse = client.get(url)
        for requete in requetes.captured_queries:
            sql = requete["sql"].upper()
            assert "OFFSET" not in sql and "COUNT(" not in sql, sql
        page = ids(reponse)
        assert len(page) <= 50
        vus += page
        pages += 1
        suivant = re.search(r'href="(\?[^"]*apres=[^"]*)" rel="next"', reponse.content.decode())
        url = "/gestion/controle/journal/" + suivant.group(1).replace("&amp;", "&") if suivant else None
    assert pages == 3
    assert vus == [e.pk for e in attendus]


def test_la_fonction_de_recherche_limite_les_requetes(db, monde):
    a, _, _ = monde
    for i in range(10):
        EvenementFactory(caisse="131", horodatage=MAINTENANT - timedelta(seconds=i))
    with CaptureQueriesContext(connection) as requetes:
        page = rechercher("131", Criteres(), limite=4)
    # One per index side (this month only), and the journal's oldest instant, asked once since
    # the second side's month fell short: no older month to read.
    assert len(requetes.captured_queries) == 3
    assert len(page.evenements) == 4 and page.suivant == (page.evenements[-1].horodatage, page.evenements[-1].pk)
    for requete in requetes.captured_queries[:2]:
        assert "LIMIT 5" in requete["sql"] and "ORDER BY" in requete["sql"]
    suite = rechercher("131", Criteres(), apres=page.suivant, limite=4)
    assert not {e.pk for e in suite.evenements} & {e.pk for e in page.evenements}
    with CaptureQueriesContext(connection) as requetes:
        rechercher("131", Criteres(genre="connexion_reussie", convention_id=a.convention_id))
    assert len(requetes.captured_queries) == 3  # habilitations, one side only, the oldest instant


def test_chronologie_d_une_habilitation(client, officier, monde):
    a, b, _ = monde
    e1 = EvenementFactory(
        identifiant=a.identifiant, habilitation_id=a.pk, caisse="131", horodatage=MAINTENANT - timedelta(days=2)
    )
    e2 = EvenementFactory(
        type=TypeEvenement.CONSULTATION,
        identifiant=a.identifiant,
        habilitation_id=a.pk,
        caisse="131",
        caisse_dossier="131",
        numero_allocataire="5555555",
        rubrique="Prestations",
        periode="10/2026",
    )
    autre = EvenementFactory(identifiant=b.identifiant, habilitation_id=b.pk, caisse="131")
    reponse = client.get(f"/gestion/controle/journal/habilitations/{a.public_id}/")
    assert reponse.status_code == 200
    assert ids(reponse) == [e2.pk, e1.pk]
    assert autre.pk not in ids(reponse)
    page = texte(reponse)
    assert "ALPHA" in page and a.convention.partenaire.raison_sociale in page and "Prestations" in page
    assert 'media="print"' in page and "rapport édité le" in page
    jour = timezone.localtime(e1.horodatage).date().isoformat()
    chronologie = f"/gestion/controle/journal/habilitations/{a.public_id}/"
    assert ids(client.get(chronologie, {"debut": jour, "fin": jour})) == [e1.pk]


def test_qui_a_consulte_ce_dossier(client, officier, monde):
    a, _, c = monde
    nous = EvenementFactory(
        type=TypeEvenement.CONSULTATION,
        identifiant=a.identifiant,
        habilitation_id=a.pk,
        caisse="131",
        caisse_dossier="131",
        numero_allocataire="6666666",
        rubrique="Ressources",
        periode="2025",
    )
    eux = EvenementFactory(
        type=TypeEvenement.CONSULTATION,
        identifiant=c.identifiant,
        habilitation_id=c.pk,
        caisse="161",
        caisse_dossier="131",
        numero_allocataire="6666666",
        rubrique="Paiements",
    )
    # The same numéro at Caf 161 is another allocataire: not ours to see.
    homonyme = EvenementFactory(
        type=TypeEvenement.CONSULTATION,
        identifiant=a.identifiant,
        habilitation_id=a.pk,
        caisse="131",
        caisse_dossier="161",
        numero_allocataire="6666666",
    )
    connexion = EvenementFactory(
        identifiant=a.identifiant, habilitation_id=a.pk, caisse="131", numero_allocataire="6666666"
    )
    reponse = client.get("/gestion/controle/journal/dossier/", {"numero": "6666666"})
    assert reponse.status_code == 200
    assert set(ids(reponse)) == {nous.pk, eux.pk}
    assert homonyme.pk not in ids(reponse) and connexion.pk not in ids(reponse)
    page = texte(reponse)
    assert "Ressources" in page and "Paiements" in page and "CHARLIE" in page and "ALPHA" in page
    assert ids(client.get("/gestion/controle/journal/dossier/")) == []


def test_les_habilitations_sous_surveillance_sont_signalees(client, officier, officier_131, monde):
    from controle.models import MiseSousSurveillance

    a, b, _ = monde
    MiseSousSurveillance.objects.create(
        caisse=caisse("131"),
        habilitation=a,
        motif="Consultations nocturnes",
        debut=MAINTENANT - timedelta(days=1),
        fin=MAINTENANT + timedelta(days=30),
        decidee_par=officier_131,
    )
    avant = EvenementFactory(
        identifiant=a.identifiant, habilitation_id=a.pk, caisse="131", horodatage=MAINTENANT - timedelta(days=2)
    )
    pendant = EvenementFactory(identifiant=a.identifiant, habilitation_id=a.pk, caisse="131")
    autre = EvenementFactory(identifiant=b.identifiant, habilitation_id=b.pk, caisse="131")
    contenu = chercher(client).content.decode()
    lignes = dict(re.findall(r'data-id="(\d+)">(.*?)</tr>', contenu, re.S))
    assert "sous surveillance" in lignes[str(pendant.pk)]
    assert "sous surveillance" not in lignes[str(avant.pk)]
    assert "sous surveillance" not in lignes[str(autre.pk)]


def test_les_recherches_et_messages_se_filtrent_et_se_voient_de_la_caf_du_dossier(client, officier, monde):
    """Issue 12: a lookup found by a 161 agent in a 131 dossier is seen by 131's officer, under
    its own genre; a Dialogue message of our agent too."""
    a, b, c = monde
    recherche = EvenementFactory(
        habilitation=c,
        type=TypeEvenement.RECHERCHE,
        caisse_dossier="131",
        numero_allocataire="5555555",
        motif="dossier trouvé",
    )
    message = EvenementFactory(habilitation=a, type=TypeEvenement.DIALOGUE, motif="message")
    assert ids(chercher(client, genre="recherche")) == [recherche.pk]
    assert ids(chercher(client, genre="dialogue")) == [message.pk]
    assert "recherche d'un dossier" in texte(chercher(client, numero_allocataire="5555555"))


@pytest.mark.parametrize(
    "adresse",
    [
        "/gestion/controle/journal/dossier/?numero=12%0034",
        "/gestion/controle/journal/?apres=%00",
        "/gestion/controle/journal/identifiants-inconnus/?apres=%00",
        "/gestion/controle/journal/?identifiant=AB%00CD",
    ],
)
def test_un_caractere_nul_dans_un_filtre_ne_casse_pas_l_ecran(officier, adresse):
    """Review of issue 12: a NUL typed in a filter reached PostgreSQL (numero, details) and the
    page answered 500; it is now read as a blank, or refused by the form."""
    reponse = officier.get(adresse)
    assert reponse.status_code == 200
    lecture = Evenement.objects.filter(type=TypeEvenement.CONTROLE).latest("pk")
    assert "\x00" not in str(lecture.details)
