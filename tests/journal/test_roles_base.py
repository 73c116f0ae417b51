"""Issue 12, point 2: the role the application serves with cannot rewrite the journal.

`manage.py roles_base` (the command every PostgreSQL run path runs after migrate: dev.py,
scripts/demarrer-conteneur.sh, .ci/run) creates the roles and grants; these tests then log in
AS the serving role, on the test database, and try every way to change, erase or unprotect the
journal. The serving role's connection uses no password here: the local server trusts
127.0.0.1 (as in CI); elsewhere, give it one through ~/.pgpass.
"""

import importlib.util
import io
import os
import secrets
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from cafpro import roles
from journal.ecriture import enregistrer
from journal.models import Evenement, Resultat, TypeEvenement
from tests.conftest import seulement_postgresql

RACINE = Path(__file__).resolve().parents[2]
CLE = "k9Zq2vX8mP4nR7tW1yB6cD3fG5hJ0lA9sE2uI8oQ4wT7rY1xN6bV3zM5cK8jH2gF"


def url(role: str, mot_de_passe: str = "") -> str:
    reglages = connection.settings_dict
    secret = f":{mot_de_passe}" if mot_de_passe else ""
    return f"postgres://{role}{secret}@{reglages['HOST'] or '127.0.0.1'}:{reglages['PORT'] or 5432}/{reglages['NAME']}"


def connecter(role: str, mot_de_passe: str | None = None) -> psycopg.Connection:
    reglages = connection.settings_dict
    return psycopg.connect(
        dbname=reglages["NAME"],
        user=role,
        password=mot_de_passe,
        host=reglages["HOST"] or None,
        port=reglages["PORT"] or None,
        autocommit=True,
    )


@pytest.fixture(autouse=True)
def sans_url_de_service(monkeypatch):
    """The command takes the serving role from DATABASE_APPLICATION_URL when set: not here."""
    monkeypatch.delenv(roles.VARIABLE_URL_APPLICATION, raising=False)


@pytest.fixture
def roles_prets(base_transactionnelle):
    """The shipped command, run on the test database with the owner's (the test's) connection."""
    sortie = io.StringIO()
    call_command("roles_base", stdout=sortie)
    assert "Rôles prêts" in sortie.getvalue()
    return roles.APPLICATION


@pytest.fixture
def evenement(roles_prets):
    return enregistrer(TypeEvenement.CONNEXION, Resultat.ECHEC, identifiant="ABCD2345", motif="mot de passe erroné")


def partition_de(evenement) -> str:
    with connection.cursor() as curseur:
        curseur.execute("SELECT tableoid::regclass::text FROM journal_evenement WHERE id = %s", [evenement.pk])
        return curseur.fetchone()[0]


# --- What the serving role may not do ----------------------------------------------------------

ATTAQUES = [
    "UPDATE journal_evenement SET motif = 'effacé' WHERE id = {id}",
    "DELETE FROM journal_evenement WHERE id = {id}",
    "TRUNCATE journal_evenement",
    "UPDATE {partition} SET motif = 'effacé' WHERE id = {id}",
    "DELETE FROM {partition} WHERE id = {id}",
    "TRUNCATE {partition}",
    "TRUNCATE journal_evenement_defaut",
    "SELECT count(*) FROM {partition}",
    "ALTER TABLE journal_evenement DISABLE TRIGGER ALL",
    "ALTER TABLE journal_evenement DISABLE TRIGGER journal_evenement_ajout_seul",
    "ALTER TABLE {partition} DISABLE TRIGGER ALL",
    "DROP TRIGGER journal_evenement_ajout_seul ON journal_evenement",
    "ALTER TABLE journal_evenement DETACH PARTITION {partition}",
    "DROP TABLE {partition}",
    "ALTER TABLE journal_evenement OWNER TO {role}",
    "CREATE OR REPLACE FUNCTION journal_refuser_modification() RETURNS trigger LANGUAGE plpgsql "
    "AS $$ BEGIN RETURN NEW; END $$",
    "DELETE FROM journal_tetechaine",
    "TRUNCATE journal_tetechaine",
    "UPDATE journal_sceaupurge SET nombre = 0",
    "DELETE FROM journal_sceaupurge",
    "SET session_replication_role = replica",
    "SET ROLE cafpro_maintenance",
    "GRANT cafpro_maintenance TO {role}",
    "ALTER ROLE {role} SUPERUSER",
    "CREATE TABLE intrus (x int)",
    # A temporary view named pg_roles would hide the catalog from a trigger that trusted search_path.
    "CREATE TEMP TABLE intrus_temporaire (x int)",
    "CREATE TEMP VIEW pg_roles AS SELECT 'x'::name AS rolname WHERE false",
    # The documents as issued are kept as they were (documents/models.py).
    "UPDATE documents_documentemis SET titre = 'réécrit'",
    "DELETE FROM documents_documentemis",
    "TRUNCATE documents_documentemis",
]


@seulement_postgresql
def test_le_role_de_service_ne_peut_ni_modifier_ni_effacer_ni_deproteger_le_journal(evenement):
    partition = partition_de(evenement)
    acceptees = []
    with connecter(roles.APPLICATION) as service:
        # Any session may set the maintenance flag: it must give this role nothing.
        for maintenance in ("off", "on"):
            service.execute(f"SET cafpro.maintenance_journal = '{maintenance}'")
            for attaque in ATTAQUES:
                sql = attaque.format(id=evenement.pk, partition=partition, role=roles.APPLICATION)
                try:
                    service.execute(sql)
                except psycopg.errors.InsufficientPrivilege:
                    continue
                acceptees.append(f"{sql} (maintenance {maintenance})")
    assert acceptees == []
    evenement.refresh_from_db()
    assert evenement.motif == "mot de passe erroné"
    assert Evenement.objects.filter(pk=evenement.pk).exists()
    assert roles.problemes(connection.cursor(), roles.APPLICATION) == []


@seulement_postgresql
def test_une_vue_temporaire_ne_fait_pas_passer_un_role_hors_maintenance(evenement):
    """A role granted UPDATE, DELETE and TRUNCATE on the journal (a mistake, or another tool's
    login) but outside cafpro_maintenance: the maintenance setting must not let it through, even
    when a temporary view named pg_roles hides cafpro_maintenance from the trigger (a session's
    temporary schema comes before pg_catalog in its search_path, unless the function fixes it)."""
    partition = partition_de(evenement)
    role = f"cafpro_test_{secrets.token_hex(4)}"
    tables = ", ".join(roles._arbre_du_journal(connection.cursor()))
    base = connection.settings_dict["NAME"]
    with connection.cursor() as curseur:
        curseur.execute(f"CREATE ROLE {role} LOGIN")
        curseur.execute(f"GRANT SELECT, UPDATE, DELETE, TRUNCATE ON {tables} TO {role}")
        # TEMPORARY given on purpose (roles_base takes it from PUBLIC): the trigger must hold alone.
        curseur.execute(f'GRANT CONNECT, TEMPORARY ON DATABASE "{base}" TO {role}')
        curseur.execute("SELECT pg_has_role(%s, %s, 'MEMBER')", [role, roles.MAINTENANCE])
        assert curseur.fetchone() == (False,)
    acceptees = []
    try:
        with connecter(role) as intrus:
            intrus.execute("CREATE TEMP VIEW pg_roles AS SELECT 'x'::name AS rolname WHERE false")
            assert intrus.execute("SELECT count(*) FROM pg_roles").fetchone() == (0,)  # the trick is in place
            intrus.execute("SET cafpro.maintenance_journal = 'on'")
            intrus.execute("SET search_path = pg_temp, public, pg_catalog")
            for sql in (
                f"UPDATE journal_evenement SET motif = 'effacé' WHERE id = {evenement.pk}",
                f"UPDATE {partition} SET motif = 'effacé' WHERE id = {evenement.pk}",
                f"DELETE FROM journal_evenement WHERE id = {evenement.pk}",
                f"TRUNCATE {partition}",
                "TRUNCATE journal_evenement",
            ):
                try:
                    intrus.execute(sql)
                except psycopg.errors.InsufficientPrivilege as exc:
                    assert "ajout seul" in str(exc)
                    continue
                acceptees.append(sql)
    finally:
        with connection.cursor() as curseur:
            curseur.execute(f"DROP OWNED BY {role}")
            curseur.execute(f"DROP ROLE {role}")
    assert acceptees == []
    evenement.refresh_from_db()
    assert evenement.motif == "mot de passe erroné"


@seulement_postgresql
def test_le_role_de_service_ajoute_et_lit_le_journal_et_ecrit_les_tables_ordinaires(evenement):
    with connecter(roles.APPLICATION) as service:
        assert service.execute("SELECT current_user").fetchone()[0] == roles.APPLICATION
        nouveau = service.execute(
            "INSERT INTO journal_evenement (horodatage, type, resultat, motif, identifiant, acteur, caisse, "
            "numero_allocataire, rubrique, periode, details, caisse_dossier, empreinte) "
            "VALUES (now(), 'connexion', 'echec', 'essai', 'WXYZ2345', '', '', '', '', '', '{}', '', '') RETURNING id"
        ).fetchone()[0]
        assert service.execute("SELECT motif FROM journal_evenement WHERE id = %s", [evenement.pk]).fetchone() == (
            "mot de passe erroné",
        )
        service.execute(
            "INSERT INTO django_session (session_key, session_data, expire_date) VALUES ('essai', 'x', now())"
        )
        service.execute("UPDATE django_session SET session_data = 'y' WHERE session_key = 'essai'")
        service.execute("DELETE FROM django_session WHERE session_key = 'essai'")
    assert Evenement.objects.get(pk=nouveau).identifiant == "WXYZ2345"


@seulement_postgresql
def test_l_application_fonctionne_sous_le_role_de_service(roles_prets, client):
    """The application's own paths (the chain's head, a refused login) under the serving role's rights."""
    with connection.cursor() as curseur:
        curseur.execute(f"SET ROLE {roles.APPLICATION}")
    try:
        ajoute = enregistrer(TypeEvenement.CONNEXION, Resultat.ECHEC, caisse="131", identifiant="ABCD2345")
        suivant = enregistrer(TypeEvenement.CONNEXION, Resultat.ECHEC, caisse="131", identifiant="ABCD2345")
        assert suivant.rang == ajoute.rang + 1
        assert client.get("/").status_code == 200
        reponse = client.post("/", {"identifiant": "INCONNU2", "mot_de_passe": "Xy7zW3"})
        assert reponse.status_code == 200
        assert Evenement.objects.filter(identifiant="INCONNU2", type=TypeEvenement.CONNEXION).exists()
        with connection.cursor() as curseur:  # the requests ran on the same connection, as that role
            curseur.execute("SELECT current_user")
            assert curseur.fetchone()[0] == roles.APPLICATION
    finally:
        with connection.cursor() as curseur:
            curseur.execute("RESET ROLE")


# --- The check: --verifier and roles.problemes -------------------------------------------------


@seulement_postgresql
def test_verifier_refuse_le_superutilisateur_proprietaire_des_tables(db):
    with pytest.raises(CommandError, match="superutilisateur"):
        call_command("roles_base", "--verifier", stdout=io.StringIO())


@seulement_postgresql
def test_la_commande_refuse_de_servir_avec_le_proprietaire(db):
    with pytest.raises(CommandError, match="distinct du propriétaire"):
        call_command("roles_base", "--role", connection.settings_dict["USER"] or "postgres", stdout=io.StringIO())


@pytest.fixture
def role_temporaire(db):
    """A serving role made by the command inside the test's transaction (rolled back after)."""
    nom = f"cafpro_test_{secrets.token_hex(4)}"
    call_command("roles_base", "--role", nom, stdout=io.StringIO())
    call_command("roles_base", "--verifier", "--role", nom, stdout=io.StringIO())
    return nom


@seulement_postgresql
def test_la_commande_est_idempotente_et_remet_en_ordre_un_role_trop_puissant(role_temporaire):
    """On a role of its own: the serving role is shared by the cluster (parallel workers)."""
    partition = partition_de(enregistrer(TypeEvenement.CONNEXION, Resultat.ECHEC, identifiant="ABCD2345"))
    role = role_temporaire
    with connection.cursor() as curseur:
        curseur.execute(f"ALTER ROLE {role} CREATEDB NOLOGIN")
        curseur.execute(f"GRANT cafpro_maintenance TO {role}")
        curseur.execute(f"GRANT UPDATE, DELETE, TRUNCATE ON journal_evenement, {partition} TO {role}")
        curseur.execute(f'GRANT TEMPORARY ON DATABASE "{connection.settings_dict["NAME"]}" TO {role}, PUBLIC')
        assert len(roles.problemes(curseur, role)) >= 4
    call_command("roles_base", "--role", role, stdout=io.StringIO())
    call_command("roles_base", "--role", role, stdout=io.StringIO())
    with connection.cursor() as curseur:
        assert roles.problemes(curseur, role) == []
        curseur.execute(
            "SELECT rolsuper, rolcreatedb, rolcreaterole, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname = %s",
            [role],
        )
        assert curseur.fetchone() == (False, False, False, False, True)
        curseur.execute("SELECT has_database_privilege(%s, current_database(), 'TEMPORARY')", [role])
        assert curseur.fetchone() == (False,)
        curseur.execute("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'cafpro_maintenance'")
        assert curseur.fetchone() == (False,)


@seulement_postgresql
@pytest.mark.parametrize(
    ("sql", "signale"),
    [
        ("ALTER TABLE journal_tetechaine OWNER TO {role}", "propriétaire de la table journal_tetechaine"),
        ("ALTER TABLE {partition} OWNER TO {role}", "propriétaire de la table journal_evenement_"),
        ("ALTER FUNCTION journal_refuser_modification() OWNER TO {role}", "propriétaire de la fonction"),
        ("GRANT UPDATE ON {partition} TO {role}", "droit UPDATE sur journal_evenement_"),
        ("GRANT UPDATE (motif) ON journal_evenement TO {role}", "droit UPDATE sur journal_evenement"),
        ("GRANT DELETE ON journal_evenement TO PUBLIC", "droit DELETE sur journal_evenement"),
        ("GRANT TRUNCATE ON journal_tetechaine TO {role}", "droit TRUNCATE sur journal_tetechaine"),
        ("GRANT cafpro_maintenance TO {role}", "membre de cafpro_maintenance"),
        ("ALTER ROLE {role} CREATEROLE", "CREATEROLE"),
        ("ALTER ROLE {role} BYPASSRLS", "BYPASSRLS"),
        ("GRANT CREATE ON SCHEMA public TO {role}", "CREATE"),
        ("GRANT SET ON PARAMETER session_replication_role TO {role}", "session_replication_role"),
        ("ALTER TABLE {partition} DISABLE TRIGGER ALL", "désactivé"),
        ("DROP TRIGGER {partition_nue}_sans_truncate ON {partition}", "TRUNCATE de la partition"),
        ("REVOKE INSERT ON journal_evenement FROM {role}", "il manque"),
        ('GRANT TEMPORARY ON DATABASE "{base}" TO {role}', "tables temporaires"),
        ('GRANT TEMPORARY ON DATABASE "{base}" TO PUBLIC', "tables temporaires"),
        ("ALTER FUNCTION journal_refuser_modification() RESET search_path", "search_path"),
    ],
)
def test_verifier_signale_chaque_moyen_de_reecrire_le_journal(role_temporaire, sql, signale):
    partition = partition_de(enregistrer(TypeEvenement.CONNEXION, Resultat.ECHEC, identifiant="ABCD2345"))
    with connection.cursor() as curseur:
        curseur.execute(
            sql.format(
                role=role_temporaire,
                partition=partition,
                partition_nue=partition.split(".")[-1],
                base=connection.settings_dict["NAME"],
            )
        )
        assert any(signale in probleme for probleme in roles.problemes(curseur, role_temporaire))
    with pytest.raises(CommandError, match="ne convient pas"):
        call_command("roles_base", "--verifier", "--role", role_temporaire, stdout=io.StringIO())


@seulement_postgresql
def test_deux_bases_creent_le_meme_role_en_meme_temps(db):
    """Roles belong to the cluster: parallel test runs on several databases create them at once."""
    import threading
    import time

    nom = f"cafpro_test_{secrets.token_hex(4)}"
    reglages = connection.settings_dict
    parametres = {"dbname": reglages["NAME"], "user": reglages["USER"], "host": reglages["HOST"] or None}
    premiere = psycopg.connect(**parametres, port=reglages["PORT"] or None)
    resultat = {}
    try:
        premiere.execute(f"CREATE ROLE {nom} LOGIN")  # not committed yet: the other session waits

        def seconde():
            from django.db import connections

            try:
                with connections["default"].cursor() as curseur:
                    resultat["cree"] = roles._assurer_role(curseur, nom, connexion=True)
            except Exception as exc:  # noqa: BLE001 — reported below
                resultat["erreur"] = exc
            finally:
                connections.close_all()

        fil = threading.Thread(target=seconde)
        fil.start()
        with psycopg.connect(**parametres, port=reglages["PORT"] or None, autocommit=True) as observateur:
            for _ in range(200):  # until the other session waits on the role being created
                attente = observateur.execute(
                    "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE %s",
                    [f"CREATE ROLE%{nom}%"],
                ).fetchone()
                if attente:
                    break
                time.sleep(0.05)
        assert attente, "la seconde session n'a pas attendu la création du rôle"
        premiere.commit()
        fil.join(30)
        assert resultat == {"cree": False}
    finally:
        premiere.rollback()
        premiere.execute(f"DROP ROLE IF EXISTS {nom}")
        premiere.commit()
        premiere.close()


# --- The shipped run paths --------------------------------------------------------------------


def _production(**env) -> dict:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    }
    base.pop(roles.VARIABLE_URL_APPLICATION, None)
    return {
        **base,
        "DJANGO_SETTINGS_MODULE": "cafpro.settings.base",
        "SECRET_KEY": CLE,
        "ALLOWED_HOSTS": "cafpro.example",
        "PYTHON": sys.executable,
        **env,
    }


SERVIR = (
    "import cafpro.wsgi\n"
    "from django.db import connection\n"
    "with connection.cursor() as c:\n"
    "    c.execute('SELECT current_user')\n"
    "    print('service :', c.fetchone()[0])\n"
)

# Printed by the served command: the names of the variables that hold the owner's connection.
ENVIRONNEMENT = (
    "import os\n"
    "print('variables du propriétaire :', sorted(k for k, v in os.environ.items() "
    "if k == 'DATABASE_OWNER_URL' or {proprietaire!r} in v))\n"
)


@seulement_postgresql
def test_le_conteneur_migre_en_proprietaire_et_sert_avec_le_role_de_service(base_transactionnelle):
    """scripts/demarrer-conteneur.sh (the Dockerfile's CMD), with a role of its own and a password."""
    role, mot_de_passe = f"cafpro_test_{secrets.token_hex(4)}", secrets.token_urlsafe(18)
    proprietaire = connection.settings_dict["USER"] or "postgres"
    try:
        resultat = subprocess.run(
            [
                "sh",
                "scripts/demarrer-conteneur.sh",
                sys.executable,
                "-c",
                SERVIR + ENVIRONNEMENT.format(proprietaire=url(proprietaire)),
            ],
            cwd=RACINE,
            env=_production(DATABASE_OWNER_URL=url(proprietaire), DATABASE_URL=url(role, mot_de_passe)),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert resultat.returncode == 0, resultat.stdout + resultat.stderr
        assert f"service : {role}" in resultat.stdout
        assert "connexion vérifiée" in resultat.stdout
        # A command passed to the container does not hold the owner's connection either.
        assert "variables du propriétaire : []" in resultat.stdout
        with connection.cursor() as curseur:
            assert roles.problemes(curseur, role) == []
        with connecter(role, mot_de_passe) as service:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                service.execute("DELETE FROM journal_evenement")
    finally:
        with connection.cursor() as curseur:
            curseur.execute(f"DROP OWNED BY {role}")
            curseur.execute(f"DROP ROLE IF EXISTS {role}")


@seulement_postgresql
def test_gunicorn_ne_recoit_pas_la_connexion_du_proprietaire(base_transactionnelle, tmp_path):
    """The served process (the script's final exec of gunicorn, here a stand-in found first on
    PATH that prints its arguments and environment) holds no owner's URL."""
    role, mot_de_passe = f"cafpro_test_{secrets.token_hex(4)}", secrets.token_urlsafe(18)
    proprietaire = url(connection.settings_dict["USER"] or "postgres")
    faux = tmp_path / "gunicorn"
    faux.write_text('#!/bin/sh\necho "gunicorn $*"\nenv\n')
    faux.chmod(0o755)
    env = _production(DATABASE_OWNER_URL=proprietaire, DATABASE_URL=url(role, mot_de_passe))
    env["PATH"] = f"{tmp_path}{os.pathsep}{env.get('PATH', os.defpath)}"
    try:
        resultat = subprocess.run(
            ["sh", "scripts/demarrer-conteneur.sh"],
            cwd=RACINE,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert resultat.returncode == 0, resultat.stdout + resultat.stderr
        sortie = resultat.stdout
        assert "gunicorn cafpro.wsgi:application" in sortie
        servi = sortie[sortie.index("gunicorn cafpro.wsgi:application") :]
        assert f"DATABASE_URL={url(role, mot_de_passe)}" in servi.splitlines()
        assert "DATABASE_OWNER_URL" not in servi
        assert roles.VARIABLE_URL_APPLICATION not in servi
        assert proprietaire not in servi
    finally:
        with connection.cursor() as curseur:
            curseur.execute(f"DROP OWNED BY {role}")
            curseur.execute(f"DROP ROLE IF EXISTS {role}")


@seulement_postgresql
def test_le_conteneur_refuse_de_servir_avec_le_proprietaire(base_transactionnelle):
    proprietaire = connection.settings_dict["USER"] or "postgres"
    resultat = subprocess.run(
        ["sh", "scripts/demarrer-conteneur.sh", sys.executable, "-c", "print('servi')"],
        cwd=RACINE,
        env=_production(DATABASE_URL=url(proprietaire)),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert resultat.returncode != 0
    assert "servi" not in resultat.stdout
    assert "superutilisateur" in resultat.stderr


@seulement_postgresql
def test_en_production_wsgi_refuse_le_proprietaire_des_tables(roles_prets):
    """The guard of cafpro/wsgi.py, for whoever starts gunicorn without the container's script."""
    proprietaire = connection.settings_dict["USER"] or "postgres"
    refuse = subprocess.run(
        [sys.executable, "-c", SERVIR],
        cwd=RACINE,
        env=_production(DATABASE_URL=url(proprietaire)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refuse.returncode != 0 and "superutilisateur" in refuse.stderr
    servi = subprocess.run(
        [sys.executable, "-c", SERVIR],
        cwd=RACINE,
        env=_production(DATABASE_URL=url(roles.APPLICATION)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert servi.returncode == 0, servi.stderr
    assert f"service : {roles.APPLICATION}" in servi.stdout


def test_la_garde_repond_503_tant_que_la_base_ne_permet_pas_de_verifier_le_role(monkeypatch):
    """Base unreachable when gunicorn loads, then at the first requests: no request is served
    unchecked; once the base answers and the role is fit, the application serves."""
    from django.db import OperationalError

    etat = {"joignable": False, "verifications": 0}

    def verifier(garde):
        etat["verifications"] += 1
        if not etat["joignable"]:
            raise OperationalError('connection to server at "db" failed: Connection refused')
        garde.verifie = True

    servies = []

    def application(environ, start_response):
        servies.append(environ["PATH_INFO"])
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    class ConnexionInjoignable:
        fermetures = 0

        def close(self):
            self.fermetures += 1

    connexion = ConnexionInjoignable()
    monkeypatch.setattr(roles.GardeRole, "_verifier", verifier)
    monkeypatch.setattr(roles, "connection", connexion)
    monkeypatch.setattr(roles, "close_old_connections", lambda: None)
    garde = roles.GardeRole(application)
    assert not garde.verifie

    def requete(chemin="/"):
        statut = []
        corps = b"".join(garde({"PATH_INFO": chemin}, lambda s, entetes: statut.append(s)))
        return statut[0], corps.decode()

    for _ in range(2):
        statut, corps = requete("/recherche/")
        assert statut.startswith("503")
        assert "Service indisponible" in corps and "base de données" in corps
    assert servies == []
    etat["joignable"] = True
    assert requete()[0] == "200 OK"
    assert requete("/suite/")[0] == "200 OK"
    assert servies == ["/", "/suite/"]
    assert etat["verifications"] == 4  # checked at load, twice refused, once passed: not again
    assert connexion.fermetures == 3  # after the load, and after each failed check


def test_dev_py_sert_avec_le_role_de_service_sur_la_meme_base():
    specification = importlib.util.spec_from_file_location("dev_py", RACINE / "dev.py")
    dev = importlib.util.module_from_spec(specification)
    specification.loader.exec_module(dev)
    assert dev.is_postgresql("postgres://postgres@127.0.0.1:5432/cafpro")
    assert dev.is_postgresql("postgresql://u:p@db/cafpro")
    assert not dev.is_postgresql("sqlite:///db.sqlite3") and not dev.is_postgresql("")
    assert (
        dev.application_url("postgres://proprio:s3cret@db.example:5433/cafpro?sslmode=require", "neuf")
        == "postgres://cafpro_application:neuf@db.example:5433/cafpro?sslmode=require"
    )
    assert dev.application_url("postgres://postgres@127.0.0.1/cafpro", "x") == (
        "postgres://cafpro_application:x@127.0.0.1/cafpro"
    )


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql", reason="SQLite seulement"
)
def test_sur_sqlite_la_commande_dit_ce_qui_n_est_pas_protege(db):
    sortie = io.StringIO()
    call_command("roles_base", stdout=sortie)
    call_command("roles_base", "--verifier", stdout=sortie)
    assert "SQLite" in sortie.getvalue() and "démonstration" in sortie.getvalue()
