"""The allocataire's right to know (issue 16): his Caf's Responsable Sécurité produces, for one
numéro d'allocataire and a period, a letter (HTML preview and PDF) listing by organisation the
consultations of his dossier, without naming the agents; every production journaled first,
every refusal journaled; only the dossiers of the officer's own Caf."""

import io
import itertools
import re
from datetime import date, datetime, time, timedelta

import pytest
from django.db import DatabaseError
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from controle import droit_acces
from conventions.courriers import date_longue
from dossiers.models import Dossier, Personne
from journal.models import Evenement, Resultat, TypeEvenement
from tests.conftest import connecter_au_admin
from tests.factories import ConventionFactory, EvenementFactory, HabilitationFactory, PartenaireFactory, caisse
from tests.outils import texte

LETTRE = "/gestion/controle/droit-d-acces/"
PDF = "/gestion/controle/droit-d-acces/lettre.pdf"
NUMERO = "1310001"

OPPOSITION = "opposition de l'allocataire au partage des données"
NUMEROS_AGENTS = itertools.count(1)


# --- The world -------------------------------------------------------------------------------


def creer_dossier(caisse_numero: str, numero: str, civilite="MME", prenom="Lucie", nom="Navarro") -> Dossier:
    dossier = Dossier.objects.create(
        caisse=caisse(caisse_numero),
        numero_allocataire=numero,
        situation="affilie",
        situation_depuis=date(2015, 1, 1),
        situation_familiale="marie",
        situation_familiale_depuis=date(2012, 6, 2),
        adresse_complement="Bâtiment B",
        adresse_voie="12, rue de la République",
        code_postal="13001",
        commune="Marseille",
        code_insee="13201",
    )
    Personne.objects.create(
        dossier=dossier, role="responsable", civilite=civilite, nom=nom, prenom=prenom, date_naissance=date(1980, 1, 1)
    )
    return dossier


def agent(partenaire: str, convention: str, caisse_numero="131", **options):
    """A partner agent whose name, first name and identifiant appear nowhere but in his own records."""
    numero_agent = next(NUMEROS_AGENTS)
    conv = ConventionFactory(
        numero=convention,
        caisse=caisse(caisse_numero),
        partenaire=PartenaireFactory(raison_sociale=partenaire, caisse=caisse(caisse_numero)),
        **options,
    )
    return HabilitationFactory(convention=conv, nom=f"SECRETNOM{numero_agent}", prenom=f"Secretprenom{numero_agent}")


def instant(jour: date, heure: int, minute: int, seconde: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(jour, time(heure, minute, seconde)))


def evenement(habilitation, quand, type_=TypeEvenement.CONSULTATION, rubrique="", **champs):
    valeurs = {
        "habilitation": habilitation,
        "horodatage": quand,
        "type": type_,
        "resultat": Resultat.REFUS if type_ == TypeEvenement.REFUS else Resultat.SUCCES,
        "caisse_dossier": "131",
        "numero_allocataire": NUMERO,
        "rubrique": rubrique,
        **champs,
    }
    return EvenementFactory(**valeurs)


JOUR = timezone.localdate() - timedelta(days=20)
DU = JOUR - timedelta(days=5)
AU = JOUR + timedelta(days=10)


@pytest.fixture
def monde(db):
    """A dossier of Caf 131 consulted by a local partner (two agents), a multi-Caf partner of
    Caf 161, refused once for the allocataire's opposition; and what the letter must not list."""
    creer_dossier("131", NUMERO)
    ccas = agent("CCAS de Marseille", "2024-CCAS")
    collegue = HabilitationFactory(convention=ccas.convention, nom="SECRETCOLLEGUE", prenom="Secretcollegue")
    var = agent("Conseil départemental du Var", "2025-VAR", caisse_numero="161", multi_caf=True, caisses_multi=["131"])
    oppose = agent("Mairie d'Aubagne", "2024-AUBAGNE", profil="T1")
    hors = agent("Bailleur hors périmètre", "2024-HORS")
    avant = agent("Organisme d'avant la période", "2024-AVANT")
    autre_dossier = agent("Organisme d'un autre dossier", "2024-AUTRE")

    # The CCAS: a lookup then three pages (one read twice), the next day a lookup alone.
    evenement(ccas, instant(JOUR, 10, 42), TypeEvenement.RECHERCHE, motif="dossier trouvé")
    evenement(ccas, instant(JOUR, 10, 42, 5), rubrique="paiements")
    evenement(ccas, instant(JOUR, 10, 43), rubrique="droits")
    evenement(ccas, instant(JOUR, 10, 44), rubrique="paiements")
    evenement(ccas, instant(JOUR + timedelta(days=1), 9, 5), TypeEvenement.RECHERCHE, motif="dossier trouvé")
    # A colleague, without a lookup: the period or the journal began in the middle of his visit.
    evenement(collegue, instant(JOUR, 14, 0), rubrique="famille")
    # Caf 161's multi-Caf partner reads a dossier of Caf 131.
    evenement(var, instant(JOUR + timedelta(days=2), 16, 5), TypeEvenement.RECHERCHE, caisse="161")
    evenement(var, instant(JOUR + timedelta(days=2), 16, 5, 30), rubrique="logement", caisse="161")
    # Refused for the opposition: listed. Refused as outside the scope: told nothing, not listed.
    evenement(oppose, instant(JOUR + timedelta(days=3), 8, 30), TypeEvenement.REFUS, motif=OPPOSITION)
    evenement(hors, instant(JOUR + timedelta(days=3), 8, 31), TypeEvenement.REFUS, motif="dossier hors du périmètre")
    # Before the period; another numéro; the same numéro at another Caf; the officer's journal read.
    evenement(avant, instant(DU - timedelta(days=1), 23, 59), rubrique="paiements")
    evenement(autre_dossier, instant(JOUR, 11, 0), rubrique="paiements", numero_allocataire="1310002")
    evenement(autre_dossier, instant(JOUR, 11, 1), rubrique="paiements", caisse_dossier="161")
    EvenementFactory(
        type=TypeEvenement.CONTROLE, identifiant="securite.131", caisse="131", horodatage=instant(JOUR, 12, 0)
    )
    return {"agents": [ccas, collegue, var, oppose, hors, avant, autre_dossier]}


def parametres(numero=NUMERO, du=DU, au=AU) -> dict:
    return {"numero": numero, "du": du.isoformat(), "au": au.isoformat()}


def lettre(reponse) -> str:
    """The letter's text in the preview, as one line per block or list item, tags removed."""
    page = texte(reponse)
    debut = page.index('<article class="apercu-lettre"')
    article = page[debut : page.index("</article>", debut)]
    article = re.sub(r"<br>", "\n", article)
    article = re.sub(r"</(p|li|h3|div)>", "\n", article)
    lignes = (" ".join(ligne.split()) for ligne in re.sub(r"<[^>]+>", "", article).splitlines())
    return "\n".join(ligne for ligne in lignes if ligne)


def texte_pdf(contenu: bytes) -> str:
    lecteur = PdfReader(io.BytesIO(contenu))
    return " ".join(" ".join(page.extract_text() or "" for page in lecteur.pages).split())


def productions():
    return Evenement.objects.filter(type=TypeEvenement.DROIT_ACCES)


def refus_de(username):
    return Evenement.objects.filter(type=TypeEvenement.REFUS, resultat=Resultat.REFUS, identifiant=username)


def periode_en_toutes_lettres(du=DU, au=AU) -> str:
    return f"du {date_longue(du)} au {date_longue(au)}"


def heure(jour, h, m) -> str:
    return f"le {date_longue(jour)} à {h} h {m:02d}"


# --- The letter ------------------------------------------------------------------------------


def test_le_formulaire_vide_ne_lit_rien_et_ne_journalise_rien(officier):
    reponse = officier.get(LETTRE)
    assert reponse.status_code == 200
    page = texte(reponse)
    assert "<h1>Droit d'accès d'un allocataire — Caf 131</h1>" in page
    assert 'name="numero"' in page and 'name="du"' in page and 'name="au"' in page
    assert "apercu-lettre" not in page
    assert not productions().exists()


def test_la_lettre_dit_le_droit_d_acces_et_liste_les_consultations_par_organisme(officier, monde):
    reponse = officier.get(LETTRE, parametres())
    assert reponse.status_code == 200
    attendu = "\n".join(
        [
            # The header: the Caf, then the allocataire at his dossier's address.
            "Caisse d'Allocations Familiales",
            "Caf des Bouches-du-Rhône",
            "215, Chemin de Gibbes",
            "13348 MARSEILLE CEDEX 20",
            "Tél. : 04 91 05 51 95",
            "Madame Lucie NAVARRO",
            "Bâtiment B",
            "12, rue de la République",
            "13001 Marseille",
            f"Marseille, le {date_longue(timezone.localdate())}",
            f"Objet : Consultations de votre dossier d'allocataire n° {NUMERO} (article 15 du RGPD)",
            "Madame,",
            "Vous avez demandé à connaître les organismes qui ont consulté votre dossier. L'article 15 du "
            "règlement général sur la protection des données (RGPD) vous donne le droit d'accéder aux données "
            "qui vous concernent et de connaître les destinataires auxquels elles ont été communiquées.",
            "Des organismes partenaires des Caf (mairies, centres communaux d'action sociale, conseils "
            "départementaux, bailleurs, juridictions…) consultent les dossiers des allocataires par le service "
            "Cafpro, dans les limites de la convention qu'ils ont signée avec une Caf. Chaque consultation est "
            "enregistrée dans le journal des accès de la Caf.",
            f"Votre dossier a été consulté {periode_en_toutes_lettres()} par les organismes suivants. Pour chacun, "
            "vous trouverez la date et l'heure (heure de Paris) de chaque consultation et les rubriques de votre "
            "dossier qui lui ont été affichées.",
            # Grouped by organisation, in the order of their first consultation.
            "CCAS de Marseille",
            "Convention n° 2024-CCAS signée avec la Caf des Bouches-du-Rhône",
            f"{heure(JOUR, 10, 42)} : Paiements, Droits",
            f"{heure(JOUR, 14, 0)} : Famille",
            f"{heure(JOUR + timedelta(days=1), 9, 5)} : recherche de votre dossier par son numéro, sans "
            "consultation de rubrique",
            "Conseil départemental du Var",
            "Convention n° 2025-VAR signée avec la Caf de la Charente",
            f"{heure(JOUR + timedelta(days=2), 16, 5)} : Logement",
            "Mairie d'Aubagne",
            "Convention n° 2024-AUBAGNE signée avec la Caf des Bouches-du-Rhône",
            f"{heure(JOUR + timedelta(days=3), 8, 30)} : consultation refusée en application de votre opposition "
            "au partage des données (aucune rubrique de votre dossier n'a été affichée)",
            "Ce relevé indique les organismes, qui répondent des agents qu'ils ont désignés ; il ne nomme pas "
            "ces agents.",
            "Si une consultation vous paraît injustifiée, vous pouvez écrire à votre Caf, à l'adresse ci-dessus, "
            "à l'attention de son délégué à la protection des données. Vous pouvez aussi adresser une "
            "réclamation à la Commission nationale de l'informatique et des libertés (CNIL, www.cnil.fr).",
            "Je vous prie d'agréer, Madame, l'expression de mes salutations distinguées.",
            "Pour la Caf des Bouches-du-Rhône,",
            "le Responsable Sécurité",
        ]
    )
    assert lettre(reponse) == attendu
    assert " à 9 h 05 : recherche de votre dossier" in attendu  # the hour as French writes it


def test_ce_qui_ne_figure_pas_dans_la_lettre(officier, monde):
    page = texte(officier.get(LETTRE, parametres()))
    for absent in (
        "Bailleur hors périmètre",  # refused as for an unknown numéro: told nothing
        "Organisme d'avant la période",
        "Organisme d'un autre dossier",  # another numéro, or the same numéro at another Caf
        "2024-HORS",
        "2024-AVANT",
        "2024-AUTRE",
    ):
        assert absent not in page


def test_aucun_agent_n_est_nomme_ni_dans_la_page_ni_dans_le_pdf(officier, monde):
    page = texte(officier.get(LETTRE, parametres()))
    pdf = officier.get(PDF, parametres())
    assert pdf.status_code == 200
    contenu = texte_pdf(pdf.content)
    assert "CCAS de Marseille" in contenu and "Conseil départemental du Var" in contenu
    for habilitation in monde["agents"]:
        for trace in (
            habilitation.nom,
            habilitation.prenom,
            habilitation.identifiant,
            habilitation.email,
            habilitation.user.username,
        ):
            assert trace not in page, trace
            assert trace.lower() not in contenu.lower(), trace
    # Not even the sender's: the letter is signed by the office, not a person.
    assert "securite.131" not in contenu


def test_le_pdf_porte_le_meme_texte_que_l_apercu(officier, monde):
    reponse = officier.get(PDF, parametres())
    assert reponse["Content-Type"] == "application/pdf"
    assert reponse["Content-Disposition"] == (
        f'attachment; filename="releve-consultations-{NUMERO}-{timezone.localdate():%Y-%m-%d}.pdf"'
    )
    contenu = texte_pdf(reponse.content)
    apercu = " ".join(lettre(officier.get(LETTRE, parametres())).split())
    # Every sentence of the preview, in the same order (the PDF's lines wrap elsewhere).
    position = 0
    for ligne in lettre(officier.get(LETTRE, parametres())).splitlines():
        if ligne.startswith("Objet :"):
            ligne = ligne.removeprefix("Objet : ")
        trouve = contenu.find(ligne, position)
        assert trouve >= 0, ligne
        position = trouve + len(ligne)
    assert "Madame Lucie NAVARRO" in apercu
    assert (
        f"Cafpro — Relevé des consultations de votre dossier n° {NUMERO} — édité le {timezone.localdate():%d/%m/%Y}"
        " page 1"
    ) in contenu
    assert "page 1" in contenu
    assert (
        PdfReader(io.BytesIO(reponse.content)).metadata.title
        == f"Relevé des consultations de votre dossier n° {NUMERO}"
    )


def test_periode_sans_consultation(officier, monde):
    du, au = JOUR + timedelta(days=4), JOUR + timedelta(days=10)
    reponse = officier.get(LETTRE, parametres(du=du, au=au))
    assert reponse.status_code == 200
    texte_lettre = lettre(reponse)
    assert f"Aucun organisme n'a consulté votre dossier {periode_en_toutes_lettres(du, au)}." in texte_lettre
    assert "par les organismes suivants" not in texte_lettre
    assert "CCAS de Marseille" not in texte_lettre
    assert '<p class="doc-paragraphe doc-gras">Aucun organisme' in texte(reponse)
    pdf = texte_pdf(officier.get(PDF, parametres(du=du, au=au)).content)
    assert f"Aucun organisme n'a consulté votre dossier {periode_en_toutes_lettres(du, au)}." in pdf


def test_un_dossier_jamais_consulte(officier, db):
    creer_dossier("131", "1319999", civilite="M", prenom="Karim", nom="Benali")
    texte_lettre = lettre(officier.get(LETTRE, parametres(numero="1319999")))
    assert "Monsieur Karim BENALI" in texte_lettre
    assert "\nMonsieur,\n" in texte_lettre
    assert "Je vous prie d'agréer, Monsieur, l'expression de mes salutations distinguées." in texte_lettre
    assert f"Aucun organisme n'a consulté votre dossier {periode_en_toutes_lettres()}." in texte_lettre


def test_les_consultations_anterieures_a_la_conservation_du_journal_sont_signalees(officier, monde, settings):
    aujourd_hui = timezone.localdate()
    du = aujourd_hui - timedelta(days=droit_acces.PERIODE_MAXIMALE)
    texte_lettre = lettre(officier.get(LETTRE, parametres(du=du, au=aujourd_hui)))
    horizon = aujourd_hui - timedelta(days=settings.CAFPRO_JOURNAL_RETENTION_JOURS)
    assert (
        f"Le journal des accès est conservé {settings.CAFPRO_JOURNAL_RETENTION_JOURS} jours (délibération de la "
        f"CNIL n° 2021-122) : les consultations antérieures au {date_longue(horizon)} ne peuvent figurer dans ce "
        "relevé."
    ) in texte_lettre
    # Within the retention, no such sentence.
    assert "Le journal des accès est conservé" not in lettre(officier.get(LETTRE, parametres()))


def test_un_numero_saisi_avec_des_espaces(officier, monde):
    reponse = officier.get(LETTRE, parametres(numero=" 131 0001 "))
    assert reponse.status_code == 200
    assert "CCAS de Marseille" in lettre(reponse)
    assert productions().get().numero_allocataire == NUMERO


def test_le_lien_vers_le_pdf_reprend_la_demande(officier, monde):
    page = texte(officier.get(LETTRE, parametres()))
    assert f'href="{PDF}?numero={NUMERO}&du={DU.isoformat()}&au={AU.isoformat()}"' in page.replace("&amp;", "&")


# --- Journal ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "forme"), [(LETTRE, "aperçu"), (PDF, "PDF")])
def test_chaque_production_est_journalisee(officier, officier_131, monde, url, forme):
    assert officier.get(url, parametres()).status_code == 200
    evenement = productions().get()
    assert evenement.resultat == Resultat.SUCCES
    assert evenement.motif == f"lettre à l'allocataire ({forme})"
    assert evenement.identifiant == officier_131.username and evenement.acteur == officier_131.username
    assert evenement.caisse == "131"
    assert evenement.numero_allocataire == NUMERO
    assert evenement.details == {"du": DU.isoformat(), "au": AU.isoformat(), "forme": forme}
    # Written through the journal's one function: on its Caf's chain.
    assert evenement.rang is not None and evenement.empreinte


@pytest.mark.parametrize("url", [LETTRE, PDF])
def test_le_journal_est_ecrit_avant_d_etre_lu(officier, monde, monkeypatch, url):
    ordre = []
    ecrire, lire = droit_acces.enregistrer, droit_acces.evenements
    monkeypatch.setattr(droit_acces, "enregistrer", lambda *a, **k: ordre.append("journal") or ecrire(*a, **k))
    monkeypatch.setattr(droit_acces, "evenements", lambda *a, **k: ordre.append("lecture") or lire(*a, **k))
    assert officier.get(url, parametres()).status_code == 200
    assert ordre == ["journal", "lecture"]


@pytest.mark.parametrize("url", [LETTRE, PDF])
def test_sans_journal_pas_de_lettre(officier, monde, monkeypatch, url):
    def en_panne(*args, **kwargs):
        raise DatabaseError("journal indisponible")

    lu = []
    monkeypatch.setattr(droit_acces, "enregistrer", en_panne)
    monkeypatch.setattr(droit_acces, "evenements", lambda *a, **k: lu.append(1) or [])
    officier.raise_request_exception = False
    reponse = officier.get(url, parametres())
    assert reponse.status_code == 500
    assert not lu
    assert "CCAS de Marseille" not in texte(reponse)
    assert not productions().exists()


def test_le_nombre_de_requetes_ne_croit_pas_avec_les_organismes(officier, monde):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as avant:
        officier.get(LETTRE, parametres())
    for i in range(6):
        autre = agent(f"Organisme supplémentaire {i}", f"2026-S{i}")
        evenement(autre, instant(JOUR, 15, i), TypeEvenement.RECHERCHE)
        evenement(autre, instant(JOUR, 15, i, 10), rubrique="droits")
    with CaptureQueriesContext(connection) as apres:
        reponse = officier.get(LETTRE, parametres())
    assert "Organisme supplémentaire 5" in lettre(reponse)
    assert len(apres.captured_queries) == len(avant.captured_queries)
    lectures = [q["sql"] for q in apres.captured_queries if '"journal_evenement"' in q["sql"] and "SELECT" in q["sql"]]
    # One read of the journal for the letter, by numéro and period (the index on
    # numero_allocataire, horodatage).
    lecture = [sql for sql in lectures if "numero_allocataire" in sql]
    assert len(lecture) == 1
    assert "horodatage" in lecture[0] and "caisse_dossier" in lecture[0]


# --- Scope and refusals ----------------------------------------------------------------------


@pytest.mark.parametrize("url", [LETTRE, PDF])
def test_anonyme_renvoye_a_la_connexion_du_personnel(client, db, url):
    reponse = client.get(url, parametres())
    assert reponse.status_code == 302
    assert reponse["Location"].startswith("/gestion/login/")
    assert not productions().exists()


@pytest.mark.parametrize("url", [LETTRE, PDF])
def test_un_gestionnaire_est_refuse_et_journalise(admin_131, gestionnaire_131, monde, url):
    reponse = admin_131.get(url, parametres())
    assert reponse.status_code == 403
    page = texte(reponse)
    assert "réservé aux Responsables Sécurité" in page
    assert "CCAS de Marseille" not in page
    assert refus_de(gestionnaire_131.username).get().motif == f"journal des accès : {url}"
    assert not productions().exists()


def test_un_agent_partenaire_est_refuse(client, monde):
    habilitation = monde["agents"][0]
    client.force_login(habilitation.user)
    reponse = client.get(LETTRE, parametres())
    assert reponse.status_code == 403
    assert refus_de(habilitation.identifiant).exists()
    assert not productions().exists()


def test_un_officier_sans_second_facteur_est_renvoye_a_la_connexion(client, officier_131, monde):
    client.force_login(officier_131)
    assert client.get(LETTRE, parametres()).status_code == 302
    assert not productions().exists()


@pytest.mark.parametrize("url", [LETTRE, PDF])
def test_l_officier_d_une_autre_caf_est_refuse_pour_un_dossier_qu_elle_ne_gere_pas(client, officier_161, monde, url):
    connecter_au_admin(client, officier_161)
    reponse = client.get(url, parametres())
    assert reponse.status_code == 403
    page = texte(reponse)
    assert (
        f"La Caf 161 ne gère aucun dossier n° {NUMERO} : la lettre est écrite par la Caf qui gère le dossier "
        "de l'allocataire."
    ) in page
    assert "apercu-lettre" not in page and "CCAS de Marseille" not in page and "NAVARRO" not in page
    refus = refus_de(officier_161.username).get()
    assert refus.motif == f"lettre à l'allocataire : aucun dossier n° {NUMERO} à la Caf 161"
    assert refus.caisse == "161" and refus.numero_allocataire == NUMERO
    assert not productions().exists()


def test_l_officier_d_une_autre_caf_ne_voit_que_le_dossier_de_sa_caf(client, officier_161, monde):
    """The same numéro at Caf 161 is another allocataire: only the consultations of his dossier."""
    creer_dossier("161", NUMERO, civilite="M", prenom="Paul", nom="Martin")
    connecter_au_admin(client, officier_161)
    texte_lettre = lettre(client.get(LETTRE, parametres()))
    assert "Monsieur Paul MARTIN" in texte_lettre and "NAVARRO" not in texte_lettre
    assert "Organisme d'un autre dossier" in texte_lettre  # its consultation of 161/1310001
    assert "CCAS de Marseille" not in texte_lettre
    assert "Pour la Caf de la Charente," in texte_lettre


# --- The form's errors -----------------------------------------------------------------------

AUJOURD_HUI = timezone.localdate()


@pytest.mark.parametrize(
    ("donnees", "champ", "message"),
    [
        ({"numero": "12345"}, "numero", "Le numéro d'allocataire comporte 7 chiffres."),
        ({"numero": "13100a1"}, "numero", "Le numéro d'allocataire comporte 7 chiffres."),
        ({"numero": "13100011"}, "numero", "Le numéro d'allocataire comporte 7 chiffres."),
        ({"numero": ""}, "numero", "Saisissez le numéro d'allocataire."),
        ({"du": ""}, "du", "Saisissez la date de début de la période."),
        ({"au": ""}, "au", "Saisissez la date de fin de la période."),
        ({"du": "31/02/2026"}, "du", "Saisissez une date valide (jj/mm/aaaa)."),
        (
            {"du": (AUJOURD_HUI - timedelta(days=3)).isoformat(), "au": (AUJOURD_HUI - timedelta(days=4)).isoformat()},
            "au",
            "La date de fin doit être égale ou postérieure à la date de début.",
        ),
        (
            {"du": (AUJOURD_HUI - timedelta(days=367)).isoformat(), "au": AUJOURD_HUI.isoformat()},
            "au",
            "La période ne peut dépasser un an : le journal des accès n'est pas conservé au-delà.",
        ),
        (
            {"du": (AUJOURD_HUI + timedelta(days=1)).isoformat(), "au": (AUJOURD_HUI + timedelta(days=2)).isoformat()},
            "du",
            "La date de début ne peut pas être postérieure à aujourd'hui.",
        ),
        (
            {"au": (AUJOURD_HUI + timedelta(days=1)).isoformat()},
            "au",
            "La date de fin ne peut pas être postérieure à aujourd'hui.",
        ),
    ],
)
@pytest.mark.parametrize("url", [LETTRE, PDF])
def test_les_erreurs_du_formulaire(officier, monde, donnees, champ, message, url):
    reponse = officier.get(url, {**parametres(), **donnees})
    assert reponse.status_code == 400
    assert reponse["Content-Type"].startswith("text/html")
    page = texte(reponse)
    assert f'<ul class="errorlist" id="id_{champ}_error"><li>{message}</li></ul>' in page
    assert f'aria-describedby="id_{champ}_error"' in page  # read out with the field
    assert "Corrigez les erreurs ci-dessous." in page
    assert "apercu-lettre" not in page and "CCAS de Marseille" not in page
    assert not productions().exists()


def test_une_periode_d_un_an_jour_pour_jour_est_acceptee(officier, monde):
    du = AUJOURD_HUI - timedelta(days=droit_acces.PERIODE_MAXIMALE)
    assert officier.get(LETTRE, parametres(du=du, au=AUJOURD_HUI)).status_code == 200
    assert officier.get(LETTRE, parametres(du=AUJOURD_HUI, au=AUJOURD_HUI)).status_code == 200


def test_la_saisie_a_la_francaise_est_acceptee(officier, monde):
    reponse = officier.get(LETTRE, {"numero": NUMERO, "du": f"{DU:%d/%m/%Y}", "au": f"{AU:%d/%m/%Y}"})
    assert reponse.status_code == 200
    assert "CCAS de Marseille" in lettre(reponse)


def test_l_accueil_de_l_officier_mene_a_la_lettre(officier_131, admin_131):
    officier = connecter_au_admin(Client(), officier_131)
    assert f'href="{LETTRE}"' in texte(officier.get("/gestion/"))
    assert LETTRE not in texte(admin_131.get("/gestion/"))


def test_les_lettres_produites_se_retrouvent_dans_le_journal(officier, monde):
    officier.get(LETTRE, parametres())
    officier.get(PDF, parametres())
    page = texte(officier.get("/gestion/controle/journal/", {"genre": "droit_acces"}))
    assert page.count('<tr class="evenement"') == 2
    assert "lettre à l'allocataire (aperçu)" in page and "lettre à l'allocataire (PDF)" in page


def test_depuis_les_consultations_d_un_dossier_le_formulaire_est_prerempli(officier, monde):
    page = texte(officier.get("/gestion/controle/journal/dossier/", {"numero": NUMERO}))
    assert f'href="{LETTRE}?numero={NUMERO}"' in page
    reponse = officier.get(LETTRE, {"numero": NUMERO})
    assert reponse.status_code == 200
    formulaire = texte(reponse)
    assert f'name="numero" value="{NUMERO}"' in formulaire
    assert f'name="au" value="{timezone.localdate().isoformat()}"' in formulaire
    assert "apercu-lettre" not in formulaire and "errorlist" not in formulaire
    assert not productions().exists()


# --- From the portal to the letter -----------------------------------------------------------


def test_de_bout_en_bout_une_consultation_et_un_refus_pour_opposition_au_portail(officier, db):
    """The events as the portal writes them (dossiers.journal), not as the factories do: a T13
    agent opens the dossier and reads its first rubrique; a T1 agent is refused for the
    allocataire's opposition (the motif the letter looks for)."""
    from demo.dossiers import creer_dossier as dossier_de_demo
    from profils.rubriques import rubriques_du_profil

    dossier = dossier_de_demo(caisse("131"), "1310077", cas="complet")
    Dossier.objects.filter(pk=dossier.pk).update(opposition_partage=True)
    lecteur = agent("Tribunal judiciaire de Marseille", "2026-TJ", profil="T13")
    refuse = agent("CCAS d'Allauch", "2026-ALLAUCH", profil="T1")
    for habilitation in (lecteur, refuse):
        portail = Client()
        portail.force_login(habilitation.user)
        reponse = portail.post("/portail/consulter/", {"numero_allocataire": "1310077"})
        if reponse.status_code == 302:
            assert portail.get(reponse["Location"]).status_code == 200
    aujourd_hui = timezone.localdate()
    texte_lettre = lettre(officier.get(LETTRE, parametres(numero="1310077", du=aujourd_hui, au=aujourd_hui)))
    premiere = rubriques_du_profil("T13")[0].libelle
    assert re.search(
        r"Tribunal judiciaire de Marseille\nConvention n° 2026-TJ signée avec la Caf des Bouches-du-Rhône\n"
        rf"le {re.escape(date_longue(aujourd_hui))} à \d+ h \d\d : {re.escape(premiere)}\n",
        texte_lettre,
    ), texte_lettre
    assert re.search(
        r"CCAS d'Allauch\nConvention n° 2026-ALLAUCH signée avec la Caf des Bouches-du-Rhône\n"
        rf"le {re.escape(date_longue(aujourd_hui))} à \d+ h \d\d : consultation refusée en application de votre "
        r"opposition au partage des données",
        texte_lettre,
    ), texte_lettre
    for habilitation in (lecteur, refuse):
        assert habilitation.nom not in texte_lettre and habilitation.identifiant not in texte_lettre
