"""Accessibility: every page of the portal, of the gestionnaire's admin, of the issued documents
and of the officer's journal passes axe-core's WCAG 2.0/2.1 A and AA rules in a real browser.

Zero violations, not a threshold, and no rule is turned off. axe-core is the copy bundled in
the `axe-playwright-python` package (requirements/dev.in), installed with the other test tools:
nothing is downloaded while the tests run.

Each page is its own test. The pages are read by a handful of signed-in browser contexts
(one per kind of user, one per profile for the rubriques), each signed in once for the module:
the data is built once, committed, and read by a live server of this module's own (pytest-django's
`live_server` would flush the database after every test); the module empties the database
again when it is done, as a transactional test does.
"""

import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from unittest import mock

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from controle.surveillance import mettre_sous_surveillance
from conventions.models import Caisse
from demo.dossiers import creer_dossier
from dialogue.models import Message, Reponse
from documents.models import DocumentEmis
from dossiers.models import Logement
from habilitations.models import EtatHabilitation, RattachementResponsable, ResponsableHabilitations, Role
from profils.definitions import PROFILS
from profils.rubriques import acces, rubriques_du_profil
from revue.models import Campagne
from tests.conftest import connecter_au_admin
from tests.factories import (
    MOT_DE_PASSE_STAFF,
    ConsultationFactory,
    ConventionFactory,
    EvenementFactory,
    HabilitationFactory,
    StaffFactory,
    caisse,
)

pytestmark = pytest.mark.browser

# WCAG 2.0 and 2.1, levels A and AA: the rules of the RGAA's reference.
NORMES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE = Axe()

NUMERO_COMPLET = "1310001"
NUMERO_OPPOSITION = "1310003"


# --- The world, built once -------------------------------------------------------------------


@dataclass
class Monde:
    url: str
    habilitations: dict[str, object]
    gestionnaire: object
    officier: object
    staff: dict[str, object]  # accounts stopped before their second factor
    convention: object
    partenaire: object
    suivie: object
    surveillance: object
    message: object
    # Issue 16: the T13 convention's responsable habilitations (his yearly review is open).
    responsable: object = None
    contextes: dict = field(default_factory=dict)


def _construire():
    caf = caisse("131")
    # Dialogue is offered only where the Caf opened it.
    Caisse.objects.filter(pk=caf.pk).update(dialogue_ouvert=True)
    dossier = creer_dossier(caf, NUMERO_COMPLET, "complet", graine=1)
    creer_dossier(caf, NUMERO_OPPOSITION, "opposition", graine=3)

    habilitations = {}
    for profil in PROFILS:
        habilitations[profil] = HabilitationFactory(
            convention__profil=profil, greffier=profil == "T12", nom=f"AGENT{profil}", prenom="Camille"
        )
    # T10: a landlord reads his own tenants only.
    Logement.objects.filter(dossier=dossier, date_fin__isnull=True).update(
        bailleur_siret=habilitations["T10"].convention.partenaire.siret
    )
    for cle in ("erreurs", "dialogue", "mot_de_passe"):
        habilitations[cle] = HabilitationFactory(convention__profil="T1", nom=f"AGENT{cle.upper()}")
    # The main page's warning: the password must be changed within the fortnight.
    habilitations["erreurs"].mot_de_passe_change_le = timezone.now() - timedelta(days=178)
    habilitations["erreurs"].save(update_fields=["mot_de_passe_change_le"])
    # A password issued by the Caf, to be changed before anything else.
    habilitations["provisoire"] = HabilitationFactory(nom="AGENTPROVISOIRE", mot_de_passe_change_le=None)
    habilitations["multi"] = HabilitationFactory(
        convention=ConventionFactory(profil="T1", multi_caf=True, caisses_multi=["131", "161"]), nom="AGENTMULTI"
    )
    en_demande = HabilitationFactory(nom="DEMANDEUR", etat=EtatHabilitation.DEMANDEE, date_ouverture=None)

    gestionnaire = StaffFactory(username="gestion.a11y131", caisse=caf, role=Role.GESTIONNAIRE)
    officier = StaffFactory(username="securite.a11y131", caisse=caf, role=Role.SECURITE)
    verification = StaffFactory(username="verification.a11y131", caisse=caf, role=Role.GESTIONNAIRE)
    for compte in (gestionnaire, officier, verification):
        TOTPDevice.objects.create(user=compte, name="téléphone", confirmed=True)
    # No second factor yet: the first login enrols one.
    enrolement = StaffFactory(username="nouveau.a11y131", caisse=caf, role=Role.GESTIONNAIRE)

    suivie = habilitations["T13"]
    debut = timezone.now() - timedelta(days=2)
    for i in range(8):
        ConsultationFactory(
            habilitation=suivie,
            numero_allocataire=NUMERO_COMPLET,
            rubrique="paiements",
            horodatage=debut + timedelta(hours=i),
        )
        EvenementFactory(habilitation=suivie, horodatage=debut + timedelta(hours=i, minutes=-5))
    for i in range(3):
        EvenementFactory(tentative_inconnue=True, identifiant=f"INCONNU{i}", horodatage=debut + timedelta(minutes=i))
    surveillance = mettre_sous_surveillance(
        caisse=caf,
        acteur=officier,
        motif="Consultations nocturnes répétées",
        fin=timezone.now() + timedelta(days=30),
        habilitation=suivie,
    )
    message = Message.objects.create(
        caisse=caf,
        auteur=habilitations["dialogue"].user,
        organisme="CCAS de Marseille",
        nom_prenom="AGENTDIALOGUE Camille",
        courriel="agent@partenaire.invalid",
        texte="Bonjour, l'allocataire 1310001 signale un changement d'adresse.",
    )
    # Issue 16: the Caf's answer, waiting for its reader (the banner's « Dialogue (1 réponse) »).
    Reponse.objects.create(message=message, auteur=gestionnaire, texte="Bonjour, le changement est enregistré.")
    convention = habilitations["T13"].convention
    # Issue 16: the yearly review of the T13 convention, open, answered by its responsable habilitations.
    responsable = ResponsableHabilitations.objects.create(partenaire=convention.partenaire, nom="MARTIN", prenom="Paul")
    RattachementResponsable.objects.create(responsable=responsable, convention=convention)
    Campagne.ouvrir(convention, timezone.localdate().year, timezone.localdate())
    return {
        "habilitations": {**habilitations, "demandeur": en_demande},
        "gestionnaire": gestionnaire,
        "officier": officier,
        "staff": {"verification": verification, "enrolement": enrolement},
        "convention": convention,
        "partenaire": convention.partenaire,
        "suivie": suivie,
        "surveillance": surveillance,
        "message": message,
        "responsable": responsable.user,
    }


def _vider_la_base():
    """What a transactional test's teardown does: every table emptied, the référentiel loaded again."""
    if connection.vendor == "postgresql":
        with connection.cursor() as curseur:
            # The journal's append-only triggers let a maintenance session empty it.
            curseur.execute("SET cafpro.maintenance_journal = 'on'")
    call_command("flush", interactive=False, verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as curseur:
            curseur.execute("RESET cafpro.maintenance_journal")
    call_command("loaddata", "caisses", "routage", verbosity=0)


@pytest.fixture(scope="module")
def db(django_db_setup, django_db_blocker):
    """pytest-django's `db` replaced for this module: database access for the module's whole life,
    committed at once (a live server thread reads it), and every table emptied at the end. The name
    is what tells pytest-django to create the test database when this module runs alone."""
    with django_db_blocker.unblock():
        try:
            yield
        finally:
            _vider_la_base()


@pytest.fixture(scope="module")
def monde(db, chromium):
    serveur = LiveServer("localhost")
    serveur._live_server_modified_settings.enable()
    try:
        monde = Monde(url=serveur.url, **_construire())
        yield monde
        for contexte in monde.contextes.values():
            contexte.close()
        # The server's request threads end with the browser's connections; they must be gone
        # before the shared in-memory SQLite connection stops being shared (serveur.stop()).
        for fil in threading.enumerate():
            if fil.name.endswith("(process_request_thread)"):
                fil.join(timeout=10)
    finally:
        serveur._live_server_modified_settings.disable()
        serveur.stop()


# --- Signing in, once per kind of user ---------------------------------------------------------


def _nouvel_onglet(monde, chromium):
    contexte = chromium.new_context(base_url=monde.url, locale="fr-FR")
    return contexte, contexte.new_page()


def _ouvrir_une_session(onglet, monde, compte, staff=False, numero=None):
    """Signed in as the login pages would (their own pages are checked apart): the session is
    opened on the server, the browser gets its cookie. A staff account has its second factor;
    with `numero`, an agent has that dossier open, as "Consulter" leaves it."""
    client = Client()
    if staff:
        connecter_au_admin(client, compte)
    else:
        client.force_login(compte)
    if numero is not None:
        assert client.post("/portail/consulter/", {"numero_allocataire": numero}).status_code == 302
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    onglet.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": monde.url}])


def consulter(onglet, numero):
    onglet.goto("/portail/")
    onglet.locator("#menu-numero_allocataire").fill(numero)
    onglet.get_by_role("button", name="Consulter").click()


def _mot_de_passe_staff(onglet, username, mot_de_passe=MOT_DE_PASSE_STAFF):
    onglet.goto("/gestion/login/")
    onglet.locator("#id_username").fill(username)
    onglet.locator("#id_password").fill(mot_de_passe)
    onglet.locator("input[type=submit]").click()


def onglet_de(monde, chromium, qui: str):
    """The browser tab of `qui`, signed in on first use: "anonyme", "gestionnaire", "officier", a
    staff account stopped at its second factor, or a habilitation's key (a profile's tab has the
    complete dossier open)."""
    if qui not in monde.contextes:
        contexte, onglet = _nouvel_onglet(monde, chromium)
        monde.contextes[qui] = contexte
        if qui in ("gestionnaire", "officier", "responsable"):
            _ouvrir_une_session(onglet, monde, getattr(monde, qui), staff=True)
        elif qui == "responsable-sans-second-facteur":
            # Past his password, not yet his code (issue 16).
            _ouvrir_une_session(onglet, monde, monde.responsable)
        elif qui in monde.staff:
            _mot_de_passe_staff(onglet, monde.staff[qui].username)
            expect(onglet).to_have_url(re.compile("/gestion/verification/"))
        elif qui != "anonyme":
            numero = NUMERO_COMPLET if qui in PROFILS else None
            _ouvrir_une_session(onglet, monde, monde.habilitations[qui].user, numero=numero)
    return monde.contextes[qui].pages[0]


# --- The pages ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    qui: str
    ouvrir: Callable  # (tab, monde) -> None: reaches the page in the state to check


def aller(chemin: str | Callable) -> Callable:
    def ouvrir(onglet, monde):
        onglet.goto(chemin(monde) if callable(chemin) else chemin)

    return ouvrir


def _erreur_de_connexion(onglet, monde):
    onglet.goto("/")
    onglet.get_by_label("Identifiant").fill("INCONNU1")
    onglet.get_by_label("Mot de passe").fill("faux00")
    onglet.get_by_role("button", name="Valider").click()
    expect(onglet.locator(".erreur")).to_be_visible()


def _consultation_refusee(numero: str) -> Callable:
    def ouvrir(onglet, monde):
        consulter(onglet, numero)
        expect(onglet.locator("#erreurs-consultation")).to_be_visible()

    return ouvrir


def _mot_de_passe_refuse(onglet, monde):
    onglet.goto("/mot-de-passe/")
    onglet.get_by_label("Mot de passe actuel").fill("faux00")
    onglet.get_by_label("Nouveau mot de passe", exact=True).fill("Zy9xW8")
    onglet.get_by_label("Confirmation du nouveau mot de passe").fill("Zy9xW7")
    onglet.get_by_role("button", name="Valider").click()
    expect(onglet.locator(".erreur").first).to_be_visible()


def _dialogue_incomplet(onglet, monde):
    onglet.goto("/portail/dialogue/")
    onglet.locator("textarea").fill("")
    onglet.get_by_role("button", name="Envoyer").click()
    expect(onglet.locator(".erreur").first).to_be_visible()


def _dialogue_envoye(onglet, monde):
    onglet.goto("/portail/dialogue/")
    onglet.locator("textarea").fill("Une question sur un dossier.")
    onglet.get_by_role("button", name="Envoyer").click()
    expect(onglet.locator("h1")).to_be_visible()


def _erreur_du_serveur(onglet, monde):
    # A page that fails on the server: Django answers with templates/500.html.
    with mock.patch("habilitations.views.render", side_effect=RuntimeError("panne simulée par le test")):
        reponse = onglet.goto("/a-qui-s-adresse-cafpro/")
    assert reponse.status == 500


def _session_expiree(onglet, monde):
    # A bookmark reached without a session: the expired-session page.
    onglet.goto("/portail/dossier/paiements/")
    expect(onglet).to_have_url(re.compile("/session-expiree/"))


def _rubrique(profil: str, code: str, parametres: str = "") -> Callable:
    def ouvrir(onglet, monde):
        onglet.goto(f"/portail/dossier/{code}/{parametres}")
        expect(onglet.locator("nav.onglets")).to_be_visible()

    return ouvrir


def _admin(nom: str, *args: Callable) -> Callable:
    return aller(lambda monde: reverse(f"admin:{nom}", args=[a(monde) for a in args]))


def _action(liste: str, action: str, valider: dict | None = None) -> Callable:
    """A changelist's action on its first row, up to its intermediate page; with `valider`, that
    page's form submitted (an empty dict: submitted as is, for its errors)."""

    def ouvrir(onglet, monde):
        onglet.goto(reverse(f"admin:{liste}"))
        onglet.locator("input.action-select").first.check()
        onglet.locator("select[name=action]").select_option(action)
        onglet.locator("button[name=index]").click()
        if valider is not None:
            for libelle, valeur in valider.items():
                onglet.get_by_label(libelle).fill(valeur)
            onglet.locator("input[name=appliquer]").click()

    return ouvrir


def _lot_d_un_mot_de_passe(onglet, monde):
    dans_une_semaine = (timezone.localdate() + timedelta(days=7)).strftime("%d/%m/%Y")
    _action(
        "habilitations_habilitation_changelist",
        "programmer_mots_de_passe",
        {"Nouveau mot de passe en service le": dans_une_semaine},
    )(onglet, monde)
    expect(onglet).to_have_url(re.compile("/gestion/documents/lot/"))


def _document(onglet, monde):
    _lot(onglet, monde)
    onglet.goto(reverse("documents:document", args=[DocumentEmis.objects.latest("id").public_id]))


def _document_dans_l_admin(onglet, monde):
    _lot(onglet, monde)  # its own document, whichever pages ran before
    onglet.goto(reverse("admin:documents_documentemis_change", args=[DocumentEmis.objects.latest("id").pk]))


def _connexion_staff_refusee(onglet, monde):
    _mot_de_passe_staff(onglet, "inconnu.a11y", "pas-le-bon-mot-de-passe")
    expect(onglet.locator(".errornote")).to_be_visible()


def _code_refuse(onglet, monde):
    onglet.goto("/gestion/verification/")
    onglet.locator("#id_jeton").fill("000000")
    onglet.get_by_role("button", name="Vérifier").click()
    expect(onglet.locator(".errorlist, .errornote").first).to_be_visible()


def _ajout_incomplet(nom: str) -> Callable:
    def ouvrir(onglet, monde):
        onglet.goto(reverse(f"admin:{nom}"))
        onglet.locator("input[name=_save]").click()
        expect(onglet.locator(".errornote")).to_be_visible()

    return ouvrir


def _surveillance_incomplete(onglet, monde):
    # No subject, and an end that is already past.
    onglet.goto("/gestion/controle/surveillances/nouvelle/")
    onglet.get_by_label("Motif").fill("Consultations nocturnes")
    onglet.get_by_label("Fin de la surveillance (incluse)").fill(timezone.localdate().isoformat())
    onglet.get_by_role("button", name="Mettre sous surveillance").click()
    expect(onglet.locator(".errorlist, .errornote").first).to_be_visible()


def _lot(onglet, monde):
    _action("habilitations_habilitation_changelist", "editer_demande_acces")(onglet, monde)
    expect(onglet).to_have_url(re.compile("/gestion/documents/lot/"))


def _recherche_du_journal(onglet, monde):
    onglet.goto(f"/gestion/controle/journal/?identifiant={monde.suivie.identifiant}")
    expect(onglet.locator("tr.evenement").first).to_be_visible()


def _lettre_droit_d_acces(onglet, monde):
    # The officer types the numéro and keeps the period offered: the letter's preview.
    onglet.goto("/gestion/controle/droit-d-acces/")
    onglet.get_by_label("Numéro d'allocataire").fill(NUMERO_COMPLET)
    onglet.get_by_role("button", name="Afficher la lettre").click()
    expect(onglet.locator("article.apercu-lettre")).to_be_visible()


def _droit_d_acces_incomplet(onglet, monde):
    # A malformed numéro and a period that ends before it starts.
    onglet.goto("/gestion/controle/droit-d-acces/")
    onglet.get_by_label("Numéro d'allocataire").fill("12345")
    onglet.get_by_label("Du").fill(timezone.localdate().isoformat())
    onglet.get_by_label("Au").fill((timezone.localdate() - timedelta(days=1)).isoformat())
    onglet.get_by_role("button", name="Afficher la lettre").click()
    expect(onglet.locator(".errorlist").first).to_be_visible()


def _espace_connexion_refusee(onglet, monde):
    onglet.goto("/espace/connexion/")
    onglet.get_by_label("Identifiant").fill("INCONNU2")
    onglet.get_by_label("Mot de passe").fill("faux00")
    onglet.get_by_role("button", name="Valider").click()
    expect(onglet.locator(".erreur")).to_be_visible()


def _espace_code_refuse(onglet, monde):
    onglet.goto("/espace/second-facteur/")
    onglet.locator("#id_jeton").fill("12")
    onglet.get_by_role("button", name="Vérifier").click()
    expect(onglet.locator("#id_jeton_error")).to_be_visible()


def _agent_t13(monde) -> str:
    return str(monde.habilitations["T13"].public_id)


def _espace_envoi_incomplet(chemin: Callable, **saisies: str) -> Callable:
    """A responsable's form submitted empty (or with `saisies`, by label): its errors, linked to their fields."""

    def ouvrir(onglet, monde):
        onglet.goto(chemin(monde))
        for libelle, valeur in saisies.items():
            onglet.get_by_label(libelle).fill(valeur)
        onglet.get_by_role("button", name="Transmettre la demande à la Caf").click()
        expect(onglet.locator(".erreur").first).to_be_visible()

    return ouvrir


def _demande_en_attente(monde) -> int:
    from responsables.models import Demande, TypeDemande

    habilitation = monde.habilitations["T13"]
    demande, _ = Demande.objects.get_or_create(
        type=TypeDemande.SUSPENSION,
        habilitation=habilitation,
        defaults={"responsable": monde.responsable.responsable_habilitations, "convention": habilitation.convention},
    )
    return demande.pk


def _refus_sans_motif(onglet, monde):
    _demande_en_attente(monde)
    _action("responsables_demande_changelist", "refuser", {})(onglet, monde)
    expect(onglet.locator(".errorlist").first).to_be_visible()


def vues_des_rubriques() -> list[tuple[str, str]]:
    """Each rubrique once per distinct view of it: the first profile that sees it with the same
    fields, history, navigation and title stands for the others (T9 reads T1's Paiements as T1
    does; T10 and T12 read theirs differently). 36 pages for the 89 cells of the matrix."""
    vues: dict = {}
    for profil in PROFILS:
        for rubrique in rubriques_du_profil(profil):
            vues.setdefault(acces(profil, rubrique.code), (profil, rubrique.code))
    return list(vues.values())


PAGES: dict[str, Page] = {
    # The portal's doors.
    "portail/connexion": Page("anonyme", aller("/")),
    "portail/connexion-erreur-de-saisie": Page("anonyme", _erreur_de_connexion),
    "portail/connexion-erreur-trois-echecs": Page("anonyme", aller("/connexion/erreur/")),
    "portail/a-qui-s-adresse-cafpro": Page("anonyme", aller("/a-qui-s-adresse-cafpro/")),
    "portail/securite": Page("anonyme", aller("/securite/")),
    "portail/session-expiree": Page("anonyme", _session_expiree),
    "portail/session-expiree-duree": Page("anonyme", aller("/session-expiree/?motif=duree")),
    # Signed in.
    "portail/principal": Page("erreurs", aller("/portail/")),
    "portail/principal-multi-caf": Page("multi", aller("/portail/")),
    "portail/consultation-numero-invalide": Page("erreurs", _consultation_refusee("12")),
    "portail/consultation-introuvable": Page("erreurs", _consultation_refusee("1319999")),
    "portail/consultation-opposition": Page("erreurs", _consultation_refusee(NUMERO_OPPOSITION)),
    "portail/403-rubrique-hors-profil": Page("T2", aller("/portail/dossier/paiements/")),
    "portail/404": Page("erreurs", aller("/portail/page-inexistante/")),
    "portail/500": Page("anonyme", _erreur_du_serveur),
    "portail/mot-de-passe": Page("mot_de_passe", aller("/mot-de-passe/")),
    "portail/mot-de-passe-refuse": Page("mot_de_passe", _mot_de_passe_refuse),
    "portail/mot-de-passe-provisoire": Page("provisoire", aller("/mot-de-passe/")),
    "dialogue/formulaire": Page("dialogue", aller("/portail/dialogue/")),
    "dialogue/formulaire-incomplet": Page("dialogue", _dialogue_incomplet),
    "dialogue/envoye": Page("dialogue", _dialogue_envoye),
    "dialogue/non-ouvert-404": Page("multi", aller("/portail/dialogue/")),
    "dialogue/mes-messages": Page("dialogue", aller("/portail/dialogue/messages/")),
    "dialogue/message": Page("dialogue", aller(lambda monde: f"/portail/dialogue/messages/{monde.message.public_id}/")),
    # Every rubrique as each family of profiles sees it, then T12's Paiements with its demand's date.
    **{f"rubrique/{profil}/{code}": Page(profil, _rubrique(profil, code)) for profil, code in vues_des_rubriques()},
    "rubrique/T12/paiements-demande-aj": Page(
        "T12",
        _rubrique(
            "T12", "paiements", f"?date_demande={timezone.localdate() - timedelta(days=200):%d%m%Y}&mode=douze_mois"
        ),
    ),
    "rubrique/T12/paiements-demande-aj-erronee": Page("T12", _rubrique("T12", "paiements", "?date_demande=31139999")),
    # The staff area: login, second factor, the gestionnaire's admin.
    "gestion/login": Page("anonyme", aller("/gestion/login/")),
    "gestion/login-refuse": Page("anonyme", _connexion_staff_refusee),
    "gestion/second-facteur": Page("verification", aller("/gestion/verification/")),
    "gestion/second-facteur-refuse": Page("verification", _code_refuse),
    "gestion/second-facteur-enrolement": Page("enrolement", aller("/gestion/verification/")),
    "gestion/application-conventions": Page("gestionnaire", aller("/gestion/conventions/")),
    "gestion/caisses": Page("gestionnaire", _admin("conventions_caisse_changelist")),
    "gestion/caisse": Page("gestionnaire", _admin("conventions_caisse_change", lambda m: caisse("131").pk)),
    "gestion/reseaux-de-confiance": Page("gestionnaire", _admin("conventions_reseaudeconfiance_changelist")),
    "gestion/reseau-de-confiance-ajout": Page("gestionnaire", _admin("conventions_reseaudeconfiance_add")),
    "gestion/accueil": Page("gestionnaire", aller("/gestion/")),
    # Issue 16: the yearly review (the home page above shows its progress).
    "gestion/revues": Page("gestionnaire", _admin("revue_campagne_changelist")),
    "gestion/revue": Page(
        "gestionnaire", _admin("revue_campagne_change", lambda m: Campagne.objects.get(convention=m.convention).pk)
    ),
    "responsables/revue": Page("responsable", aller("/espace/revue/")),
    # Issue 16: the responsables habilitations' space, and the Caf's side of their requests.
    "responsables/connexion": Page("anonyme", aller("/espace/connexion/")),
    "responsables/connexion-refusee": Page("anonyme", _espace_connexion_refusee),
    "responsables/bloquee": Page("anonyme", aller("/espace/connexion/bloquee/")),
    "responsables/second-facteur": Page("responsable-sans-second-facteur", aller("/espace/second-facteur/")),
    "responsables/second-facteur-erreur": Page("responsable-sans-second-facteur", _espace_code_refuse),
    "responsables/agents": Page("responsable", aller("/espace/")),
    "responsables/demandes": Page("responsable", aller("/espace/demandes/")),
    "responsables/mot-de-passe": Page("responsable", aller("/espace/mot-de-passe/")),
    "responsables/demande-acces": Page("responsable", aller("/espace/demandes/acces/")),
    "responsables/demande-acces-incomplete": Page(
        "responsable", _espace_envoi_incomplet(lambda m: "/espace/demandes/acces/")
    ),
    "responsables/suppression": Page("responsable", aller(lambda m: f"/espace/agents/{_agent_t13(m)}/suppression/")),
    "responsables/suppression-incomplete": Page(
        "responsable",
        _espace_envoi_incomplet(
            lambda m: f"/espace/agents/{_agent_t13(m)}/suppression/", **{"Suppression de l'accès à compter du": "hier"}
        ),
    ),
    "responsables/reinitialisation-incomplete": Page(
        "responsable", _espace_envoi_incomplet(lambda m: f"/espace/agents/{_agent_t13(m)}/reinitialisation/")
    ),
    "responsables/agent-introuvable": Page("responsable", aller(f"/espace/agents/{uuid.UUID(int=0)}/suspension/")),
    "gestion/demandes-des-responsables": Page("gestionnaire", _admin("responsables_demande_changelist")),
    "gestion/demande-d-un-responsable": Page(
        "gestionnaire", _admin("responsables_demande_change", _demande_en_attente)
    ),
    "gestion/demande-refus-sans-motif": Page("gestionnaire", _refus_sans_motif),
    "gestion/responsables-habilitations": Page(
        "gestionnaire", _admin("habilitations_responsablehabilitations_changelist")
    ),
    "gestion/responsable-habilitations-ajout": Page(
        "gestionnaire", _admin("habilitations_responsablehabilitations_add")
    ),
    "gestion/partenaires": Page("gestionnaire", _admin("conventions_partenaire_changelist")),
    "gestion/partenaire": Page("gestionnaire", _admin("conventions_partenaire_change", lambda m: m.partenaire.pk)),
    "gestion/partenaire-ajout": Page("gestionnaire", _admin("conventions_partenaire_add")),
    "gestion/partenaire-ajout-incomplet": Page("gestionnaire", _ajout_incomplet("conventions_partenaire_add")),
    "gestion/conventions": Page("gestionnaire", _admin("conventions_convention_changelist")),
    "gestion/convention": Page("gestionnaire", _admin("conventions_convention_change", lambda m: m.convention.pk)),
    "gestion/convention-ajout": Page("gestionnaire", _admin("conventions_convention_add")),
    "gestion/convention-ajout-incomplet": Page("gestionnaire", _ajout_incomplet("conventions_convention_add")),
    "gestion/conventions-a-suivre": Page(
        "gestionnaire", aller(lambda m: reverse("admin:conventions_convention_changelist") + "?a_suivre=non_signees")
    ),
    "gestion/convention-annulation-resiliation": Page(
        "gestionnaire", _action("conventions_convention_changelist", "annuler_resiliation")
    ),
    "gestion/habilitations": Page("gestionnaire", _admin("habilitations_habilitation_changelist")),
    "gestion/habilitation": Page(
        "gestionnaire", _admin("habilitations_habilitation_change", lambda m: m.habilitations["T13"].pk)
    ),
    "gestion/habilitation-ajout": Page("gestionnaire", _admin("habilitations_habilitation_add")),
    "gestion/habilitation-ajout-incomplet": Page("gestionnaire", _ajout_incomplet("habilitations_habilitation_add")),
    "gestion/habilitations-a-suivre": Page(
        "gestionnaire", aller(lambda m: reverse("admin:habilitations_habilitation_changelist") + "?a_suivre=demandes")
    ),
    "gestion/habilitation-mot-de-passe-programme": Page(
        "gestionnaire", _action("habilitations_habilitation_changelist", "programmer_mots_de_passe")
    ),
    "gestion/habilitation-mot-de-passe-programme-erreur": Page(
        "gestionnaire",
        _action(
            "habilitations_habilitation_changelist",
            "programmer_mots_de_passe",
            {"Nouveau mot de passe en service le": "01/01/2000"},
        ),
    ),
    "gestion/habilitation-perte-ou-vol": Page(
        "gestionnaire", _action("habilitations_habilitation_changelist", "perte_ou_vol")
    ),
    "gestion/habilitation-suppression": Page(
        "gestionnaire", _action("habilitations_habilitation_changelist", "programmer_suppression")
    ),
    "gestion/documents-emis": Page("gestionnaire", _admin("documents_documentemis_changelist")),
    "gestion/messages-dialogue": Page("gestionnaire", _admin("dialogue_message_changelist")),
    "gestion/message-dialogue": Page("gestionnaire", _admin("dialogue_message_change", lambda m: m.message.pk)),
    "gestion/comptes": Page("gestionnaire", _admin("habilitations_user_changelist")),
    "gestion/compte": Page(
        "gestionnaire", _admin("habilitations_user_change", lambda m: m.habilitations["T1"].user.pk)
    ),
    "gestion/mot-de-passe-du-gestionnaire": Page("gestionnaire", aller("/gestion/password_change/")),
    # Issued documents.
    "documents/lot": Page("gestionnaire", _lot),
    "documents/lot-avec-mots-de-passe": Page("gestionnaire", _lot_d_un_mot_de_passe),
    "documents/document": Page("gestionnaire", _document),
    "gestion/document-emis": Page("gestionnaire", _document_dans_l_admin),
    "documents/introuvable": Page("gestionnaire", aller(lambda m: reverse("documents:lot", args=[uuid.uuid4()]))),
    "documents/refus": Page("officier", aller(lambda m: reverse("documents:lot", args=[uuid.uuid4()]))),
    # The officer's journal screens.
    "controle/accueil": Page("officier", aller("/gestion/")),
    "controle/recherche": Page("officier", _recherche_du_journal),
    "controle/chronologie": Page(
        "officier", aller(lambda m: reverse("controle:chronologie", args=[m.suivie.public_id]))
    ),
    "controle/dossier": Page("officier", aller(f"/gestion/controle/journal/dossier/?numero={NUMERO_COMPLET}")),
    "controle/dossier-vide": Page("officier", aller("/gestion/controle/journal/dossier/")),
    "controle/indicateurs": Page("officier", aller("/gestion/controle/indicateurs/")),
    "controle/surveillances": Page("officier", aller("/gestion/controle/surveillances/")),
    "controle/surveillance-nouvelle": Page(
        "officier", aller(lambda m: f"/gestion/controle/surveillances/nouvelle/?habilitation={m.suivie.public_id}")
    ),
    "controle/surveillance-nouvelle-incomplete": Page("officier", _surveillance_incomplete),
    "controle/surveillance": Page(
        "officier", aller(lambda m: reverse("controle:surveillance_detail", args=[m.surveillance.public_id]))
    ),
    "controle/evenements-surveilles": Page("officier", aller("/gestion/controle/surveillances/evenements/")),
    "controle/tentatives-inconnues": Page("officier", aller("/gestion/controle/journal/identifiants-inconnus/")),
    "controle/droit-acces": Page("officier", aller("/gestion/controle/droit-d-acces/")),
    "controle/droit-acces-lettre": Page("officier", _lettre_droit_d_acces),
    "controle/droit-acces-erreurs": Page("officier", _droit_d_acces_incomplet),
    # A numéro the officer's Caf does not manage: the journaled refusal, on the form.
    "controle/droit-acces-refus": Page(
        "officier", aller(lambda m: "/gestion/controle/droit-d-acces/?numero=1319999&du=2026-01-01&au=2026-01-31")
    ),
    "controle/refus": Page("gestionnaire", aller("/gestion/controle/journal/")),
}


def rapport(nom: str, url: str, violations: list[dict]) -> str:
    """Each violation with what to fix: the rule, its impact, its help, and the nodes' selectors."""
    lignes = [f"{len(violations)} règle(s) WCAG 2.1 AA enfreinte(s) sur « {nom} » ({url}) :"]
    for violation in violations:
        lignes.append(f"- {violation['id']} ({violation['impact']}) : {violation['help']} <{violation['helpUrl']}>")
        for noeud in violation["nodes"]:
            cible = " ".join(str(c) for c in noeud["target"])
            resume = " ".join(noeud.get("failureSummary", "").split())
            lignes.append(f"    {cible} — {resume}")
    return "\n".join(lignes)


# Elements whose aria-describedby or aria-labelledby names an id absent from the page: axe only
# lists them as "to review" (aria-valid-attr-value), yet the error or help they should announce is
# lost. Django 5.2 points a field with errors at "<id>_error", which a template must then render.
REFERENCES_MANQUANTES = """() => Array.from(document.querySelectorAll('[aria-describedby], [aria-labelledby]'))
    .flatMap(e => ['aria-describedby', 'aria-labelledby']
        .flatMap(a => (e.getAttribute(a) || '').split(/\\s+/).filter(Boolean))
        .filter(id => !document.getElementById(id))
        .map(id => ({target: [e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')],
                     failureSummary: 'id absent de la page : ' + id})))"""


def violations_wcag(onglet) -> list[dict]:
    resultats = AXE.run(onglet, options={"runOnly": {"type": "tag", "values": NORMES}, "resultTypes": ["violations"]})
    violations = resultats.response["violations"]
    if noeuds := onglet.evaluate(REFERENCES_MANQUANTES):
        violations.append(
            {
                "id": "references-aria-manquantes",
                "impact": "serious",
                "help": "aria-describedby et aria-labelledby ne nomment que des id présents dans la page",
                "helpUrl": "https://www.w3.org/TR/wai-aria-1.2/#aria-describedby",
                "nodes": noeuds,
            }
        )
    return violations


@pytest.mark.parametrize("nom", list(PAGES))
def test_page_conforme_wcag_2_1_aa(db, monde, chromium, nom):
    page = PAGES[nom]
    onglet = onglet_de(monde, chromium, page.qui)
    page.ouvrir(onglet, monde)
    onglet.wait_for_load_state()
    violations = violations_wcag(onglet)
    assert not violations, rapport(nom, onglet.url, violations)
