#!/usr/bin/env python3
"""Screenshots of the partner portal and of the access control for the documentation: docs/captures/*.png.

It starts nothing: it drives headless Chromium (Debian's package, through Playwright)
against a server already running on a database that holds the demo world, and reads the
demo logins and dossiers from `manage.py demo --json` (run with the same environment, so
DATABASE_URL must point at the server's database). For example, on a scratch database:

    export DJANGO_SETTINGS_MODULE=cafpro.settings.dev DATABASE_URL=sqlite:////tmp/captures.sqlite3
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py demo
    .venv/bin/python manage.py runserver 127.0.0.1:8765 --noreload &
    .venv/bin/python scripts/captures.py --url http://127.0.0.1:8765

By default it takes every screenshot; --seulement portail, gestion or controle takes one part
(--seulement-controle is --seulement controle). The staff's screenshots sign in at /gestion/ as
the gestionnaire or the Responsable Sécurité of Caf 131, with the password and TOTP code that
`manage.py demo --json` gives.

The guides in docs/guides/ embed these images. What the script writes to the database, besides
the journal's events of its own logins and consultations: one lot of documents for the
convention 2018-001 (13, the action « Éditer la convention… », documents being append-only)
and three failed logins on unknown identifiants (23). The Dialogue form (25) is that of Caf 161,
which the demo world opens (demo/dialogue.py). It submits no other admin action: the password and
surveillance forms are photographed before they are sent. The warning before the
idle timeout (17) is reached by moving the browser's clock forward (Playwright's clock), not by
waiting ten minutes.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from chromium import CHROMIUM, lancer  # scripts/chromium.py: the browser tests' path and flags

RACINE = Path(__file__).resolve().parent.parent
LARGEUR = 1280
HAUTEUR = 800
ATTENTE_MS = 15_000
# Very long pages (50 rows of the journal) are cut at this height.
HAUTEUR_MAX = 2000
# The Caf whose gestionnaire and Responsable Sécurité the staff's screenshots show.
CAISSE_CONTROLE = "131"
# The convention whose documents are issued and shown (Métropole Aix-Marseille-Provence, T13), and
# the one whose admin page is shown: another (multi-Caf, T8), so that the documents of earlier runs
# never appear on it.
CONVENTION_DOCUMENTS = "2018-001"
CONVENTION_GESTION = "2021-002"
# A Caf whose agents no other screenshot shows: its Dialogue is opened for 25, then closed.
CAISSE_DIALOGUE = "161"
# Seconds left on the idle countdown when the warning is photographed.
RESTE_AVANT_FIN_S = 45
PARTIES = ("portail", "gestion", "controle")
# Tried at the login page before the access control's screenshots: they belong to no Caf.
IDENTIFIANTS_INCONNUS = ("ESSAI001", "ESSAI002", "ESSAI003")
PAS_TOTP = 30


def monde_de_demo() -> dict:
    """What `manage.py demo --json` lists: the habilitations and the dossiers of the demo."""
    environnement = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "")}
    environnement["DJANGO_SETTINGS_MODULE"] = environnement["DJANGO_SETTINGS_MODULE"] or "cafpro.settings.dev"
    resultat = subprocess.run(
        [sys.executable, "manage.py", "demo", "--json"],
        cwd=RACINE,
        env=environnement,
        capture_output=True,
        text=True,
        check=False,
    )
    if resultat.returncode != 0:
        sys.exit(f"« manage.py demo --json » a échoué :\n{resultat.stderr}")
    monde = json.loads(resultat.stdout)
    if not monde.get("dossiers"):
        sys.exit("« manage.py demo --json » ne liste aucun dossier : les captures en ont besoin.")
    return monde


class Demo:
    def __init__(self, monde: dict):
        # A password just issued by the Caf would open the change page, not the portal.
        self.habilitations = [h for h in monde["habilitations"] if not h.get("mot_de_passe_provisoire")]
        self.dossiers = monde["dossiers"]
        self.staff = monde.get("staff", [])

    def membre(self, role: str, caisse: str) -> dict:
        for s in self.staff:
            if s["role"] == role and s["caisse"] == caisse:
                return s
        sys.exit(f"Aucun compte « {role} » de démonstration pour la Caf {caisse} dans « manage.py demo --json ».")

    def responsable_securite(self, caisse: str) -> dict:
        return self.membre("securite", caisse)

    def gestionnaire(self, caisse: str) -> dict:
        return self.membre("gestionnaire", caisse)

    def dossier_du_cas(self, caisse: str, cas: str) -> str:
        for d in self.dossiers:
            if d["caisse"] == caisse and d["cas"] == cas:
                return d["numero"]
        sys.exit(f"Aucun dossier « {cas} » de démonstration pour la Caf {caisse}.")

    def habilitation(self, profil: str, portee: str | None = None) -> dict:
        for h in self.habilitations:
            if h["profil"] == profil and (portee is None or h["scope"] == portee):
                return h
        sys.exit(f"Aucune habilitation de démonstration {profil} {portee or ''} dans « manage.py demo --json ».")

    def habilitation_avec_dossier(self, profil: str) -> tuple[dict, str]:
        """An agent of the profile whose Caf has a demo dossier, and that dossier's numéro."""
        for h in self.habilitations:
            if h["profil"] == profil:
                numero = self.dossier(h["caisse"], obligatoire=False)
                if numero:
                    return h, numero
        sys.exit(f"Aucun dossier de démonstration pour une habilitation {profil}.")

    def dossier(self, caisse: str, obligatoire: bool = True) -> str | None:
        """The numéro of a full dossier of the Caf (the "complet" case when there is one)."""
        candidats = [d for d in self.dossiers if d["caisse"] == caisse]
        candidats.sort(key=lambda d: (d["cas"] != "complet", d["numero"]))
        if candidats:
            return candidats[0]["numero"]
        if obligatoire:
            sys.exit(f"Aucun dossier de démonstration pour la Caf {caisse}.")
        return None


class Captures:
    def __init__(self, navigateur, url: str, sortie: Path):
        self.navigateur, self.url, self.sortie = navigateur, url.rstrip("/"), sortie

    def contexte(self):
        return self.navigateur.new_context(
            base_url=self.url, locale="fr-FR", viewport={"width": LARGEUR, "height": HAUTEUR}
        )

    def prendre(self, page, nom: str) -> None:
        """The full page, cut at HAUTEUR_MAX pixels when it is longer."""
        chemin = self.sortie / nom
        hauteur, largeur = page.evaluate(
            "[document.documentElement.scrollHeight, document.documentElement.scrollWidth]"
        )
        if largeur > LARGEUR:
            print(f"{nom} : la page déborde ({largeur} pixels de large).", file=sys.stderr)
        if hauteur > HAUTEUR_MAX:
            page.screenshot(
                path=str(chemin), full_page=True, clip={"x": 0, "y": 0, "width": LARGEUR, "height": HAUTEUR_MAX}
            )
        else:
            page.screenshot(path=str(chemin), full_page=True)
        print(f"{chemin.relative_to(RACINE) if chemin.is_relative_to(RACINE) else chemin}")

    def se_connecter(self, page, habilitation: dict) -> None:
        page.goto("/")
        page.get_by_label("Identifiant").fill(habilitation["identifiant"])
        page.get_by_label("Mot de passe").fill(habilitation["password"])
        page.get_by_role("button", name="Valider").click()
        page.wait_for_load_state()
        if not re.search(r"/portail/$", page.url):
            sys.exit(f"Connexion refusée pour {habilitation['identifiant']} ({habilitation['profil']}) : {page.url}")

    @staticmethod
    def fermer_la_session(page) -> None:
        page.emulate_media(media="screen")
        page.get_by_role("button", name="» Fermer la session").click()
        page.wait_for_url(re.compile(r"/$"))

    @contextmanager
    def session(self, habilitation: dict):
        """A page signed in through the login page; "Fermer la session" at the end."""
        contexte = self.contexte()
        page = contexte.new_page()
        page.set_default_timeout(ATTENTE_MS)
        try:
            self.se_connecter(page, habilitation)
            yield page
            self.fermer_la_session(page)
        finally:
            contexte.close()

    @staticmethod
    def consulter(page, numero: str, rubrique: str) -> None:
        page.locator("#menu-numero_allocataire").fill(numero)
        page.get_by_role("button", name="Consulter").click()
        page.wait_for_url(re.compile(rf"/portail/dossier/{rubrique}/$"))

    @staticmethod
    def onglet(page, libelle: str, rubrique: str) -> None:
        page.locator("nav.onglets").get_by_role("link", name=libelle, exact=True).click()
        page.wait_for_url(re.compile(rf"/portail/dossier/{rubrique}/"))

    @staticmethod
    def code_totp(membre: dict) -> str:
        from django_otp.oath import totp

        return f"{totp(bytes.fromhex(membre['totp_key']), step=PAS_TOTP, t0=0, digits=6):06d}"

    @contextmanager
    def session_gestion(self, membre: dict, suite: str):
        """A page signed in through the staff login (/gestion/): password, then TOTP code."""
        contexte = self.contexte()
        page = contexte.new_page()
        page.set_default_timeout(ATTENTE_MS)
        try:
            page.goto(f"/gestion/login/?next={suite}")
            page.locator("#id_username").fill(membre["username"])
            page.locator("#id_password").fill(membre["password"])
            page.locator("input[type=submit]").click()
            page.wait_for_load_state()
            if "/gestion/verification/" not in page.url:
                sys.exit(f"Connexion du personnel refusée pour {membre['username']} : {page.url}")
            for essai in range(2):
                page.locator("#id_jeton").fill(self.code_totp(membre))
                page.get_by_role("button", name="Vérifier").click()
                page.wait_for_load_state()
                if "/gestion/verification/" not in page.url:
                    break
                # A code is accepted once: the one of this window may have been used already.
                if essai == 0:
                    time.sleep(PAS_TOTP - time.time() % PAS_TOTP + 1)
            else:
                sys.exit(f"Code TOTP refusé pour {membre['username']}.")
            yield page
        finally:
            contexte.close()

    @staticmethod
    def fermer_la_barre(page) -> None:
        """The admin's navigation sidebar would push the tables past the 1280 pixels: closed once
        (the browser remembers it for the context)."""
        if page.locator("#nav-sidebar").is_visible():
            page.locator("#toggle-nav-sidebar").click()
            page.locator("#nav-sidebar").wait_for(state="hidden")

    @staticmethod
    def action_de_liste(page, liste: str, recherche: str, action: str) -> None:
        """An admin list searched, its first row ticked and one of its actions chosen."""
        page.goto(f"{liste}?q={recherche}")
        page.locator("#result_list tbody input.action-select").first.check()
        page.locator("select[name=action]").select_option(action)
        page.locator("button[name=index]").click()
        page.wait_for_load_state()

    def gestion(self, demo: Demo) -> None:
        """12, 13, 18 to 21: the gestionnaire's administration of Caf 131."""
        habilitations = "/gestion/habilitations/habilitation/"
        conventions = "/gestion/conventions/convention/"
        t13 = demo.habilitation("T13", "locale")
        with self.session_gestion(demo.gestionnaire(CAISSE_CONTROLE), "/gestion/") as page:
            # 12: the home page, « À faire aujourd'hui » first.
            page.goto("/gestion/")
            page.locator("#a-faire-demandes").wait_for()
            self.prendre(page, "12-accueil-gestionnaire.png")

            # 18: the habilitations of the Caf, with the filters and the actions.
            page.goto(habilitations)
            self.fermer_la_barre(page)
            page.locator("#result_list").wait_for()
            self.prendre(page, "18-liste-habilitations.png")

            # 19: one habilitation's page (the T13 agent of the demo).
            page.goto(f"{habilitations}?q={t13['identifiant']}")
            page.locator("#result_list tbody tr th a").first.click()
            page.wait_for_url(re.compile(r"/habilitation/[^/]+/change/"))
            self.prendre(page, "19-fiche-habilitation.png")

            # 20: « Programmer un nouveau mot de passe » for that agent: its page, not submitted.
            self.action_de_liste(page, habilitations, t13["identifiant"], "programmer_mots_de_passe")
            page.locator("input[name=appliquer]").wait_for()
            self.prendre(page, "20-nouveau-mot-de-passe.png")

            # 21: a convention's page: scope (multi-Caf), signatures and duration, its end.
            page.goto(f"{conventions}?q={CONVENTION_GESTION}")
            page.locator("#result_list tbody tr th a").first.click()
            page.wait_for_url(re.compile(r"/convention/[^/]+/change/"))
            self.prendre(page, "21-fiche-convention.png")

            # 13: « Éditer la convention… »: the lot of documents issued (kept, append-only).
            self.action_de_liste(page, conventions, CONVENTION_DOCUMENTS, "editer_convention")
            page.wait_for_url(re.compile(r"/gestion/documents/lot/"))
            self.prendre(page, "13-documents-emis.png")

    def dialogue(self, demo: Demo) -> None:
        """25: the Dialogue form of an agent of CAISSE_DIALOGUE, the Caf the demo opens it for
        (demo/dialogue.py)."""
        agent = next((h for h in demo.habilitations if h["caisse"] == CAISSE_DIALOGUE), None)
        if agent is None:
            sys.exit(f"Aucune habilitation de démonstration dans la Caf {CAISSE_DIALOGUE}.")
        with self.session(agent) as page:
            page.locator("header").get_by_role("link", name="Dialogue").click()
            page.wait_for_url(re.compile(r"/portail/dialogue/$"))
            page.get_by_role("button", name="Envoyer").wait_for()
            self.prendre(page, "25-dialogue.png")

    def controle(self, demo: Demo) -> None:
        """09 to 11, 22 to 24: the journal des accès, the indicators, a habilitation's timeline,
        a dossier's consultations, the unknown identifiants, a surveillance's form."""
        journal = "/gestion/controle/journal/"
        # For 23 and the indicators' spraying table: a few attempts on identifiants of no Caf.
        contexte = self.contexte()
        page = contexte.new_page()
        for identifiant in IDENTIFIANTS_INCONNUS:
            page.goto("/")
            page.get_by_label("Identifiant").fill(identifiant)
            page.get_by_label("Mot de passe").fill("essai-123")
            page.get_by_role("button", name="Valider").click()
            page.wait_for_load_state()
        contexte.close()
        with self.session_gestion(demo.responsable_securite(CAISSE_CONTROLE), journal) as page:
            # 09: the journal filtered on the consultations of dossiers.
            page.goto(journal)
            self.fermer_la_barre(page)
            # Up to yesterday: the demo's month of journal, not this script's own sessions.
            hier = (date.today() - timedelta(days=1)).isoformat()
            page.get_by_label("Événement").select_option(label="consultation")
            page.locator("#id_fin").fill(hier)
            page.get_by_role("button", name="Rechercher").click()
            page.wait_for_url(re.compile(r"genre=consultation"))
            page.locator("tr.evenement").first.wait_for()
            self.prendre(page, "09-journal-des-acces.png")

            # 11: the timeline of the habilitation of the first row, from its link, up to yesterday.
            page.locator("tr.evenement td a[href*='/journal/habilitations/']").first.click()
            page.wait_for_url(re.compile(r"/gestion/controle/journal/habilitations/[0-9a-f-]+/"))
            page.locator("#id_fin").fill(hier)
            page.get_by_role("button", name="Filtrer").click()
            page.wait_for_url(re.compile(r"fin="))
            page.locator("tr.evenement").first.wait_for()
            self.prendre(page, "11-chronologie.png")

            # 10: the irregularity indicators over the default period.
            page.goto("/gestion/controle/indicateurs/")
            page.locator("table#indicateurs").wait_for()
            self.prendre(page, "10-indicateurs.png")

            # 22: who consulted the complete dossier of the Caf.
            numero = demo.dossier(CAISSE_CONTROLE)
            page.goto(f"/gestion/controle/journal/dossier/?numero={numero}")
            page.locator("table#evenements").wait_for()
            self.prendre(page, "22-qui-a-consulte.png")

            # 23: the failed logins on identifiants that belong to no Caf.
            page.goto("/gestion/controle/journal/identifiants-inconnus/")
            page.locator("#filtres").wait_for()
            self.prendre(page, "23-identifiants-inconnus.png")

            # 24: putting under surveillance: the form, not submitted.
            page.goto("/gestion/controle/surveillances/nouvelle/")
            page.get_by_label("Motif").wait_for()
            self.prendre(page, "24-mise-sous-surveillance.png")

    def tout(self, demo: Demo) -> None:
        # 01: the login page.
        contexte = self.contexte()
        page = contexte.new_page()
        page.goto("/")
        page.get_by_role("button", name="Valider").wait_for()
        self.prendre(page, "01-connexion.png")
        contexte.close()

        # 02: the main page of a multi-Caf agent, generic banner, code postal and CMAF box.
        with self.session(demo.habilitation("T8", "multi_caf")) as page:
            page.locator("#menu-cmaf").wait_for()
            self.prendre(page, "02-page-principale-multi-caf.png")

        # 03 and 07: a T13 agent (FSL) on Paiements, on screen then as printed.
        t13 = demo.habilitation("T13", "locale")
        with self.session(t13) as page:
            self.consulter(page, demo.dossier(t13["caisse"]), "paiements")
            self.prendre(page, "03-paiements-t13.png")
            page.emulate_media(media="print")
            self.prendre(page, "07-impression-t13.png")
            page.emulate_media(media="screen")
            # 14: the password change the menu offers (the same page a first login must pass).
            page.get_by_role("link", name="Changer de mot de passe").click()
            page.wait_for_url(re.compile(r"/mot-de-passe/$"))
            self.prendre(page, "14-changement-mot-de-passe.png")

        # 04: Famille for a T1 agent (travailleur social).
        t1 = demo.habilitation("T1", "locale")
        with self.session(t1) as page:
            self.consulter(page, demo.dossier(t1["caisse"]), "paiements")
            self.onglet(page, "Famille", "famille")
            self.prendre(page, "04-famille-t1.png")
            # 16: a dossier whose allocataire opposed the sharing of his data (T1 to T3).
            page.locator("#menu-numero_allocataire").fill(demo.dossier_du_cas(t1["caisse"], "opposition"))
            page.get_by_role("button", name="Consulter").click()
            page.locator("#erreurs-consultation").wait_for()
            self.prendre(page, "16-opposition-t1.png")

        # 05: T12 Paiements, the demand's date and period typed, the months and their cumul.
        t12 = demo.habilitation("T12")
        with self.session(t12) as page:
            self.consulter(page, demo.dossier(t12["caisse"]), "paiements")
            aujourd_hui = date.today()
            demande = date(aujourd_hui.year if aujourd_hui.month > 6 else aujourd_hui.year - 1, 6, 15)
            page.get_by_label("Veuillez saisir la date de demande").fill(demande.strftime("%d%m%Y"))
            page.get_by_label("Les 12 mois qui précèdent la demande").check()
            page.get_by_role("button", name="Valider").click()
            page.locator("section.tableau tfoot").wait_for()
            self.prendre(page, "05-paiements-t12-demande.png")

        # 06: QF Cnaf for a T2 agent (participation des familles).
        t2, numero = demo.habilitation_avec_dossier("T2")
        with self.session(t2) as page:
            self.consulter(page, numero, "enfants")
            self.onglet(page, "QF Cnaf", "qf-cnaf")
            self.prendre(page, "06-qf-cnaf-t2.png")

        # 08: after "Fermer la session", the bookmarked main page gives the manual's page.
        contexte = self.contexte()
        page = contexte.new_page()
        self.se_connecter(page, t13)
        self.fermer_la_session(page)
        page.goto("/portail/")
        page.wait_for_url(re.compile(r"/session-expiree/"))
        self.prendre(page, "08-session-expiree.png")
        contexte.close()

        # 15: the page after three consecutive failures (reached here without locking anyone).
        contexte = self.contexte()
        page = contexte.new_page()
        page.goto("/connexion/erreur/")
        self.prendre(page, "15-acces-bloque.png")
        contexte.close()

        # 17: the countdown near its end, with its warning when the page has one. The browser's
        # clock is moved forward; the server's session is not touched.
        contexte = self.contexte()
        page = contexte.new_page()
        page.set_default_timeout(ATTENTE_MS)
        page.clock.install()
        self.se_connecter(page, t13)
        delai = int(page.locator("body").get_attribute("data-delai-inactivite") or 0)
        page.clock.fast_forward(max(0, delai - RESTE_AVANT_FIN_S) * 1000)
        page.clock.run_for(1000)
        prolonger = page.get_by_role("button", name="Prolonger la session")
        if prolonger.count() and prolonger.first.is_visible():
            prolonger.first.scroll_into_view_if_needed()
        else:
            print("17 : pas de bouton « Prolonger la session » sur la page.", file=sys.stderr)
        self.prendre(page, "17-fin-de-session-proche.png")
        page.clock.resume()
        self.fermer_la_session(page)
        contexte.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="adresse du serveur (défaut : %(default)s)")
    parser.add_argument("--sortie", type=Path, default=RACINE / "docs" / "captures", help="dossier des images")
    parser.add_argument(
        "--seulement",
        choices=PARTIES,
        action="append",
        help="seulement cette partie (portail, gestion ou controle) ; répétable ; défaut : toutes",
    )
    parser.add_argument(
        "--seulement-controle", action="store_true", help="comme --seulement controle (ancienne option)"
    )
    arguments = parser.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"Chromium introuvable ({CHROMIUM}).")
    parties = set(arguments.seulement or ()) | ({"controle"} if arguments.seulement_controle else set())
    parties = parties or set(PARTIES)
    demo = Demo(monde_de_demo())
    arguments.sortie.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        navigateur = lancer(playwright)
        try:
            captures = Captures(navigateur, arguments.url, arguments.sortie)
            if "portail" in parties:
                captures.tout(demo)
            if "gestion" in parties:
                captures.gestion(demo)
                captures.dialogue(demo)
            if "controle" in parties:
                captures.controle(demo)
        finally:
            navigateur.close()


if __name__ == "__main__":
    main()
