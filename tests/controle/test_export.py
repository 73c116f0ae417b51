"""CSV export of a journal search: BOM, `;`, French header, formulas neutralised, the same
rows as the search, streamed in keyset batches."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.http import StreamingHttpResponse
from django.utils import timezone

from controle.export import ENTETES, cellule, lignes_csv
from controle.recherche import Criteres
from journal.models import Evenement, Resultat, TypeEvenement
from tests.factories import ConsultationFactory, ConventionFactory, HabilitationFactory


def lire(reponse):
    assert isinstance(reponse, StreamingHttpResponse)
    assert reponse["Content-Type"] == "text/csv; charset=utf-8"
    assert reponse["Content-Disposition"].startswith('attachment; filename="journal-131-')
    brut = b"".join(reponse.streaming_content)
    assert brut.startswith(b"\xef\xbb\xbf")
    return brut


def test_export_bom_separateur_entete_et_formules(client, officier, officier_131):
    habilitation = HabilitationFactory(nom='=HYPERLINK("http://x")', convention=ConventionFactory(profil="T13"))
    moment = timezone.now() - timedelta(hours=2)
    Evenement.objects.create(
        type=TypeEvenement.CONSULTATION,
        resultat=Resultat.SUCCES,
        identifiant=habilitation.identifiant,
        habilitation_id=habilitation.pk,
        caisse="131",
        caisse_dossier="131",
        numero_allocataire="1234567",
        rubrique="Prestations",
        periode="10/2026",
        motif="+cmd|' /C calc'!A0",
        adresse_ip="10.1.2.3",
        horodatage=moment,
    )
    Evenement.objects.create(
        type=TypeEvenement.CONNEXION,
        resultat=Resultat.ECHEC,
        identifiant="@SUM(1;2)",
        caisse="131",
        motif="-2+3",
        horodatage=moment - timedelta(minutes=1),
    )
    Evenement.objects.create(type=TypeEvenement.CONNEXION, resultat=Resultat.SUCCES, caisse="161", identifiant="autre")
    brut = lire(
        client.get("/gestion/controle/journal/export.csv", {"fin": timezone.localdate().isoformat(), "genre": ""})
    )
    texte = brut.decode("utf-8-sig")
    lignes = list(csv.reader(io.StringIO(texte), delimiter=";"))
    assert lignes[0] == ENTETES
    assert lignes[0][:3] == ["Horodatage", "Événement", "Résultat"]
    corps = [r for r in lignes[1:] if r[1] != "lecture du journal" and r[3] != officier_131.username]
    assert len(corps) == 2
    consultation, echec = corps
    assert consultation[1] == "consultation" and consultation[2] == "réussite"
    assert consultation[5].startswith("'=HYPERLINK")
    assert consultation[16] == "'+cmd|' /C calc'!A0"
    assert consultation[6] == habilitation.convention.partenaire.raison_sociale
    assert consultation[12:16] == ["1234567", "Prestations", "10/2026", "10.1.2.3"]
    assert echec[1] == "connexion échouée" and echec[3] == "'@SUM(1;2)" and echec[16] == "'-2+3"
    assert "autre" not in texte


@pytest.mark.parametrize("valeur", ["=1+1", "+1", "-1", "@x", "\tx", "\rx"])
def test_cellule_neutralise_les_formules(valeur):
    assert cellule(valeur) == "'" + valeur


def test_cellule_laisse_le_reste():
    assert cellule("Caf 131 = Bouches-du-Rhône") == "Caf 131 = Bouches-du-Rhône"
    assert cellule(None) == "" and cellule(12) == "12"


def test_l_export_a_les_lignes_de_la_recherche(client, officier):
    habilitation = HabilitationFactory()
    debut = timezone.now() - timedelta(days=3)
    for i in range(75):
        ConsultationFactory(
            habilitation=habilitation, numero_allocataire=f"{i:07d}", horodatage=debut + timedelta(seconds=i // 3)
        )
    filtres = {"genre": "consultation", "identifiant": habilitation.identifiant}
    recherche = []
    url = "/gestion/controle/journal/"
    parametres = filtres
    while url:
        reponse = client.get(url, parametres)
        contenu = reponse.content.decode()
        recherche += re.findall(r"<td>(\d{7})</td>|>(\d{7})</a>", contenu)
        suivant = re.search(r'href="\?([^"]*apres=[^"]*)" rel="next"', contenu)
        url, parametres = (
            ("/gestion/controle/journal/?" + suivant.group(1).replace("&amp;", "&"), None) if suivant else (None, None)
        )
    numeros_recherche = [a or b for a, b in recherche]
    lignes = list(
        csv.reader(
            io.StringIO(lire(client.get("/gestion/controle/journal/export.csv", filtres)).decode("utf-8-sig")),
            delimiter=";",
        )
    )
    assert [r[12] for r in lignes[1:]] == numeros_recherche
    assert len(numeros_recherche) == 75


def test_l_export_parcourt_par_lots(db, django_assert_max_num_queries):
    habilitation = HabilitationFactory()
    for _ in range(25):
        Evenement.objects.create(
            type=TypeEvenement.CONNEXION,
            resultat=Resultat.SUCCES,
            caisse="131",
            identifiant=habilitation.identifiant,
            habilitation_id=habilitation.pk,
        )
    flux = lignes_csv("131", Criteres(), lot=10)
    entete = next(flux)
    assert entete.startswith("\ufeffHorodatage;")
    # Generated lazily: 3 batches of at most 10, each two keyset queries (this month), the
    # journal's oldest instant (a side fell short) and one on habilitations.
    with django_assert_max_num_queries(12):
        reste = list(flux)
    assert len(reste) == 25


def test_une_formule_precedee_d_espaces_est_neutralisee():
    from controle.export import cellule

    assert cellule(' =HYPERLINK("http://x")') == '\' =HYPERLINK("http://x")'
    assert cellule("  @SUM(1)") == "'  @SUM(1)"
    assert cellule("Marseille - 13001") == "Marseille - 13001"
