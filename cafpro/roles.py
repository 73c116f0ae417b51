"""PostgreSQL roles: the tables' owner migrates, the application serves with a role that
cannot rewrite the journal des accès (docs/deploiement.md, « Journal des accès : rôles de la
base »).

The owner of a table can disable its triggers, so the append-only triggers of the journal
(journal migrations 0002, 0005, 0007) protect it only from a role that owns nothing. The
serving role (`cafpro_application` by default) gets SELECT, INSERT, UPDATE and DELETE on the
ordinary tables, but only SELECT and INSERT on `journal_evenement` (through the partitioned
parent, which is the only table PostgreSQL checks), SELECT, INSERT and UPDATE on
`journal_tetechaine` (the head of each chain), SELECT on the purge's seals and on
`django_migrations`, nothing on the partitions, no TRUNCATE anywhere, no CREATE on the schema,
no TEMPORARY on the database (taken from PUBLIC: the application makes no temporary table).
The NOLOGIN role `cafpro_maintenance` makes the maintenance setting of the triggers useless to
anyone outside it (migration 0007); the serving role is never its member. The triggers'
function fixes its own search_path (migration 0009), so that a temporary view named `pg_roles`
cannot hide `cafpro_maintenance` from it; `problemes` checks that too.

`preparer` runs with the owner's connection (`manage.py roles_base`, after every migrate:
new tables get their grants then); `problemes` lists what a role could do that it must not,
or lacks (`manage.py roles_base --verifier`, and the production guard of `cafpro/wsgi.py`).
Roles belong to the whole cluster: several databases (parallel tests) may create them at the
same time, and a role created by another session is taken as it is.
"""

import base64
import contextlib
import hashlib
import hmac
import logging
import os
import re
import secrets

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, OperationalError, close_old_connections, connection, transaction

logger = logging.getLogger(__name__)

MAINTENANCE = "cafpro_maintenance"  # named by journal migration 0007
APPLICATION = "cafpro_application"
# The serving role's connection, as the server will use it (role name and password are taken
# from it): dev.py and scripts/demarrer-conteneur.sh pass it to `roles_base`.
VARIABLE_URL_APPLICATION = "DATABASE_APPLICATION_URL"
JOURNAL = "journal_evenement"

ORDINAIRES = ("SELECT", "INSERT", "UPDATE", "DELETE")
# Tables the serving role may only partly write.
LIMITEES = {
    JOURNAL: ("SELECT", "INSERT"),
    "journal_tetechaine": ("SELECT", "INSERT", "UPDATE"),
    "journal_sceaupurge": ("SELECT",),  # written by the purge only (owner's connection)
    "django_migrations": ("SELECT",),
    # Documents as issued (documents/models.py): kept as they were, never rewritten.
    "documents_documentemis": ("SELECT", "INSERT"),
}
# What would let the serving role rewrite, erase or unprotect the journal (partitions included).
INTERDITS = {
    JOURNAL: ("UPDATE", "DELETE", "TRUNCATE", "TRIGGER", "REFERENCES"),
    "journal_tetechaine": ("DELETE", "TRUNCATE", "TRIGGER", "REFERENCES"),
    "journal_sceaupurge": ("INSERT", "UPDATE", "DELETE", "TRUNCATE", "TRIGGER", "REFERENCES"),
    "documents_documentemis": ("UPDATE", "DELETE", "TRUNCATE", "TRIGGER"),
}
DECLENCHEURS = ("journal_evenement_ajout_seul", "journal_evenement_sans_truncate")
_NOM_ROLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
_TRUNCATE = 1 << 5  # pg_trigger.tgtype bit of a TRUNCATE trigger
# SQLSTATE of a role created meanwhile by another session: duplicate_object, unique_violation.
_DEJA_CREE = {"42710", "23505"}
_REFUSE = "42501"  # insufficient_privilege
# The search_path the triggers' function must run with (journal migration 0009).
SEARCH_PATH_FONCTION = ["pg_catalog", "pg_temp"]


class RoleNonConforme(ImproperlyConfigured):
    pass


def nom_valide(nom: str) -> str:
    if not _NOM_ROLE.fullmatch(nom or ""):
        raise ValueError(f"nom de rôle invalide : {nom!r} (lettres, chiffres et _ seulement)")
    return nom


def _q(nom: str) -> str:
    return connection.ops.quote_name(nom)


def _sqlstate(exc: BaseException) -> str | None:
    return getattr(exc.__cause__, "sqlstate", None) or getattr(exc, "sqlstate", None)


def verificateur_scram(mot_de_passe: str, iterations: int = 4096) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores: the password itself never reaches the
    server's statement log. ASCII passwords only (PostgreSQL normalises others by SASLprep)."""
    sel = secrets.token_bytes(16)
    sale = hashlib.pbkdf2_hmac("sha256", mot_de_passe.encode(), sel, iterations)
    cle_client = hmac.new(sale, b"Client Key", "sha256").digest()
    cle_serveur = hmac.new(sale, b"Server Key", "sha256").digest()

    def b64(octets: bytes) -> str:
        return base64.b64encode(octets).decode()

    return f"SCRAM-SHA-256${iterations}:{b64(sel)}${b64(hashlib.sha256(cle_client).digest())}:{b64(cle_serveur)}"


def url_application() -> dict | None:
    """The serving role's connection settings from DATABASE_APPLICATION_URL, if set."""
    url = os.environ.get(VARIABLE_URL_APPLICATION, "").strip()
    if not url:
        return None
    import dj_database_url

    reglages = dj_database_url.parse(url)
    if reglages["ENGINE"] != "django.db.backends.postgresql":
        raise ValueError(f"{VARIABLE_URL_APPLICATION} ne désigne pas PostgreSQL.")
    nom_valide(reglages.get("USER") or "")
    return reglages


# --- Checks ----------------------------------------------------------------------------------


def _schema(curseur) -> int | None:
    curseur.execute("SELECT relnamespace::int FROM pg_class WHERE oid = to_regclass(%s)", [JOURNAL])
    ligne = curseur.fetchone()
    return ligne[0] if ligne else None


def _arbre_du_journal(curseur) -> list[str]:
    curseur.execute("SELECT relid::regclass::text FROM pg_partition_tree(%s::regclass) ORDER BY level, 1", [JOURNAL])
    return [ligne[0] for ligne in curseur.fetchall()]


def _temporaire_a_public(curseur) -> bool:
    """Whether PUBLIC (every role) may create temporary tables in this database (the default)."""
    curseur.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_database d, "
        "pg_catalog.aclexplode(coalesce(d.datacl, pg_catalog.acldefault('d', d.datdba))) a "
        "WHERE d.datname = pg_catalog.current_database() AND a.grantee = 0 AND a.privilege_type = 'TEMPORARY')"
    )
    return curseur.fetchone()[0]


def _search_path(config: list[str] | None) -> list[str] | None:
    """The search_path a function sets for itself (pg_proc.proconfig), or None."""
    for reglage in config or []:
        nom, _, valeur = reglage.partition("=")
        if nom == "search_path":
            return [partie.strip().strip('"') for partie in valeur.split(",")]
    return None


def _tables(curseur, schema: int) -> list[str]:
    """The schema's tables as Django sees them: partitions are reached through their parent."""
    curseur.execute(
        "SELECT c.relname FROM pg_class c WHERE c.relnamespace = %s AND c.relkind IN ('r', 'p') "
        "AND NOT c.relispartition ORDER BY 1",
        [schema],
    )
    return [ligne[0] for ligne in curseur.fetchall()]


def problemes(curseur, role: str | None = None) -> list[str]:
    """What `role` (default: the connection's current user) could do to the journal that it
    must not, or lacks to serve the application. Empty: the role is fit to serve."""
    if role is None:
        curseur.execute("SELECT current_user")
        role = curseur.fetchone()[0]
    curseur.execute(
        "SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls, rolcanlogin "
        "FROM pg_roles WHERE rolname = %s",
        [role],
    )
    attributs = curseur.fetchone()
    if attributs is None:
        return [f"le rôle {role} n'existe pas (manage.py roles_base le crée)"]
    if attributs[0]:
        return [f"le rôle {role} est superutilisateur : aucun droit ni déclencheur ne le retient"]
    trouves = [
        f"le rôle {role} a l'attribut {nom}"
        for nom, present in zip(("CREATEROLE", "CREATEDB", "REPLICATION", "BYPASSRLS"), attributs[1:5], strict=True)
        if present
    ]
    curseur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [MAINTENANCE])
    if curseur.fetchone() is None:
        trouves.append(f"le rôle {MAINTENANCE} n'existe pas : le réglage de maintenance du journal vaut pour tout rôle")
    else:
        curseur.execute("SELECT pg_has_role(%s, %s, 'MEMBER')", [role, MAINTENANCE])
        if curseur.fetchone()[0]:
            trouves.append(f"le rôle {role} est membre de {MAINTENANCE} (réglage de maintenance du journal)")
    schema = _schema(curseur)
    if schema is None:
        return [*trouves, f"la table {JOURNAL} n'existe pas : appliquez les migrations"]

    # Owning (or being a member of the owner of) the base, the schema, a table or a function
    # gives ALTER TABLE … DISABLE TRIGGER, DROP, DETACH PARTITION, CREATE OR REPLACE FUNCTION.
    curseur.execute(
        "SELECT 'la table ' || c.oid::regclass::text FROM pg_class c "
        "WHERE c.relnamespace = %s AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') "
        "AND pg_has_role(%s, c.relowner, 'MEMBER') "
        "UNION ALL SELECT 'la fonction ' || p.oid::regprocedure::text FROM pg_proc p "
        "WHERE p.pronamespace = %s AND pg_has_role(%s, p.proowner, 'MEMBER') "
        "UNION ALL SELECT 'le schéma ' || n.nspname FROM pg_namespace n "
        "WHERE n.oid = %s AND pg_has_role(%s, n.nspowner, 'MEMBER') "
        "UNION ALL SELECT 'la base ' || d.datname FROM pg_database d "
        "WHERE d.datname = current_database() AND pg_has_role(%s, d.datdba, 'MEMBER') "
        "ORDER BY 1",
        [schema, role, schema, role, schema, role, role],
    )
    possedes = [ligne[0] for ligne in curseur.fetchall()]
    if possedes:
        suite = f" et {len(possedes) - 5} autres" if len(possedes) > 5 else ""
        trouves.append(f"le rôle {role} est propriétaire de {', '.join(possedes[:5])}{suite}")

    arbre = _arbre_du_journal(curseur)
    interdits = [(table, privilege) for table in arbre for privilege in INTERDITS[JOURNAL]]
    for table, privileges in INTERDITS.items():
        if table != JOURNAL:
            interdits += [(table, privilege) for privilege in privileges]
    curseur.execute(
        "SELECT t.nom, t.privilege FROM unnest(%s::text[], %s::text[]) AS t(nom, privilege) "
        "WHERE to_regclass(t.nom) IS NOT NULL AND CASE WHEN t.privilege IN ('UPDATE', 'REFERENCES') "
        "THEN has_any_column_privilege(%s, to_regclass(t.nom), t.privilege) "
        "ELSE has_table_privilege(%s, to_regclass(t.nom), t.privilege) END",
        [[t for t, _ in interdits], [p for _, p in interdits], role, role],
    )
    for table, privilege in curseur.fetchall():
        trouves.append(f"le rôle {role} a le droit {privilege} sur {table}")
    curseur.execute("SELECT has_schema_privilege(%s, %s::oid, 'CREATE')", [role, schema])
    if curseur.fetchone()[0]:
        trouves.append(f"le rôle {role} peut créer des objets dans le schéma du journal (CREATE)")
    curseur.execute("SELECT current_database(), has_database_privilege(%s, current_database(), 'TEMPORARY')", [role])
    base, temporaire = curseur.fetchone()
    if temporaire:
        trouves.append(
            f"le rôle {role} peut créer des tables temporaires dans la base {base} (TEMPORARY, donné par défaut "
            f"à PUBLIC : REVOKE TEMPORARY ON DATABASE {base} FROM PUBLIC, par le propriétaire de la base)"
        )
    curseur.execute("SELECT current_setting('server_version_num')::int >= 150000")
    if curseur.fetchone()[0]:
        curseur.execute("SELECT has_parameter_privilege(%s, 'session_replication_role', 'SET')", [role])
        if curseur.fetchone()[0]:
            trouves.append(f"le rôle {role} peut poser session_replication_role (déclencheurs ignorés)")

    # The triggers themselves: present and enabled on the parent, TRUNCATE refused on each partition.
    curseur.execute(
        "SELECT c.oid::regclass::text, t.tgname, t.tgenabled, t.tgtype, p.oid::regprocedure::text, p.proconfig "
        "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid "
        "WHERE t.tgrelid = ANY(%s::regclass[]) AND NOT t.tgisinternal",
        [arbre],
    )
    declencheurs = curseur.fetchall()
    for table, nom, etat, *_ in declencheurs:
        if etat == "D":
            trouves.append(f"le déclencheur {nom} de {table} est désactivé")
    presents = {nom for table, nom, *_ in declencheurs if table == JOURNAL}
    trouves += [f"le déclencheur {nom} manque sur {JOURNAL}" for nom in DECLENCHEURS if nom not in presents]
    # Without its own search_path, the function reads pg_roles through the session's, where a
    # temporary view comes first: the maintenance setting would then let anyone through.
    fonctions = {fonction: config for _, _, _, _, fonction, config in declencheurs}
    trouves += [
        f"la fonction {fonction} des déclencheurs du journal ne fixe pas son search_path à "
        f"{', '.join(SEARCH_PATH_FONCTION)} (migration journal.0009) : une vue temporaire pourrait "
        "tromper sa vérification du rôle de maintenance"
        for fonction, config in sorted(fonctions.items())
        if _search_path(config) != SEARCH_PATH_FONCTION
    ]
    avec_truncate = {table for table, _, _, type_, *_ in declencheurs if type_ & _TRUNCATE}
    trouves += [
        f"TRUNCATE de la partition {t} n'est arrêté par aucun déclencheur" for t in arbre if t not in avec_truncate
    ]

    # What the application needs: a migrate not followed by roles_base leaves new tables ungranted.
    tables = _tables(curseur, schema)
    besoins = [(table, p) for table in tables for p in LIMITEES.get(table, ORDINAIRES)]
    curseur.execute(
        "SELECT t.nom, t.privilege FROM unnest(%s::text[], %s::text[]) AS t(nom, privilege) "
        "JOIN pg_class c ON c.relname = t.nom AND c.relnamespace = %s "
        "WHERE NOT has_table_privilege(%s, c.oid, t.privilege)",
        [[t for t, _ in besoins], [p for _, p in besoins], schema, role],
    )
    manques = curseur.fetchall()
    if manques:
        tables = sorted({table for table, _ in manques})
        suite = f" et {len(tables) - 5} autres" if len(tables) > 5 else ""
        trouves.append(
            f"il manque au rôle {role} des droits sur {', '.join(tables[:5])}{suite} "
            "(manage.py roles_base après chaque migrate)"
        )
    return trouves


# --- Creation and grants (owner's connection) -------------------------------------------------


def _assurer_role(curseur, nom: str, connexion: bool) -> bool:
    """Create the role if missing; True if this session created it."""
    curseur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [nom])
    if curseur.fetchone() is not None:
        return False
    options = "LOGIN" if connexion else "NOLOGIN"
    try:
        with transaction.atomic():
            curseur.execute(
                f"CREATE ROLE {_q(nom)} {options} NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
            )
    except DatabaseError as exc:
        if _sqlstate(exc) == _REFUSE:
            raise RoleNonConforme(
                f"le rôle {nom} n'existe pas et celui de cette connexion ne peut pas le créer (CREATEROLE) : "
                f"créez-le (CREATE ROLE {nom} {options}) ou donnez CREATEROLE au propriétaire des tables"
            ) from exc
        # Another database of the cluster (a parallel test run) created it first.
        if _sqlstate(exc) not in _DEJA_CREE:
            raise
        return False
    return True


def preparer(role: str = APPLICATION, mot_de_passe: str | None = None) -> list[str]:
    """Create `cafpro_maintenance` and the serving role, and grant the serving role exactly what
    the application needs in this database (owner's connection). Returns what was done; raises
    RoleNonConforme if the role can still do something it must not."""
    nom_valide(role)
    fait = []
    with transaction.atomic(), connection.cursor() as curseur:
        curseur.execute(
            "SELECT current_user, current_database(), (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)"
        )
        proprietaire, base, super_proprietaire = curseur.fetchone()
        if role in {proprietaire, MAINTENANCE}:
            raise RoleNonConforme(
                f"le rôle de service ne peut pas être {role} : il faut un rôle distinct du propriétaire des tables "
                "(celui de DATABASE_URL pour cette commande) et de cafpro_maintenance"
            )
        schema = _schema(curseur)
        if schema is None:
            raise RoleNonConforme(f"la table {JOURNAL} n'existe pas : appliquez d'abord les migrations")
        if _assurer_role(curseur, MAINTENANCE, connexion=False):
            fait.append(f"rôle {MAINTENANCE} créé (NOLOGIN)")
        if _assurer_role(curseur, role, connexion=True):
            fait.append(f"rôle {role} créé")
        curseur.execute(
            "SELECT rolsuper OR rolcreaterole OR rolcreatedb OR rolreplication OR rolbypassrls OR NOT rolcanlogin "
            "FROM pg_roles WHERE rolname = %s",
            [role],
        )
        if curseur.fetchone()[0]:
            curseur.execute(
                f"ALTER ROLE {_q(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
            )
            fait.append(f"attributs de {role} ramenés à LOGIN seulement")
        curseur.execute(
            "SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member "
            "WHERE r.rolname = %s AND u.rolname = %s",
            [MAINTENANCE, role],
        )
        if curseur.fetchone() is not None:
            curseur.execute(f"REVOKE {_q(MAINTENANCE)} FROM {_q(role)}")
            fait.append(f"{role} retiré de {MAINTENANCE}")
        if not super_proprietaire:
            # The owner runs the purge: once cafpro_maintenance exists, only its members may.
            curseur.execute("SELECT pg_has_role(current_user, %s, 'MEMBER')", [MAINTENANCE])
            if not curseur.fetchone()[0]:
                curseur.execute(f"GRANT {_q(MAINTENANCE)} TO {_q(proprietaire)}")
                fait.append(f"{proprietaire} (propriétaire, purge) membre de {MAINTENANCE}")
        if mot_de_passe is not None:
            valeur = verificateur_scram(mot_de_passe) if mot_de_passe.isascii() else mot_de_passe
            try:
                with transaction.atomic():
                    curseur.execute(f"ALTER ROLE {_q(role)} PASSWORD %s", [valeur])
                fait.append(f"mot de passe de {role} posé")
            except DatabaseError as exc:
                if _sqlstate(exc) != _REFUSE:
                    raise
                # A role made by the administrator keeps the password he gave it; the command
                # then tries to connect with the one it was given.
                fait.append(f"mot de passe de {role} laissé tel quel (pas de droit CREATEROLE)")

        curseur.execute("SELECT %s::oid::regnamespace::text", [schema])
        nom_schema = curseur.fetchone()[0]
        r, s = _q(role), _q(nom_schema)
        curseur.execute(f"GRANT CONNECT ON DATABASE {_q(base)} TO {r}")
        # No temporary table: the application makes none, and a temporary object comes first in
        # a session's search_path. Every role has TEMPORARY through PUBLIC by default.
        curseur.execute(f"REVOKE TEMPORARY ON DATABASE {_q(base)} FROM {r}")
        if _temporaire_a_public(curseur):
            try:
                with transaction.atomic():
                    curseur.execute(f"REVOKE TEMPORARY ON DATABASE {_q(base)} FROM PUBLIC")
            except DatabaseError:
                pass  # reported by problemes() below
            if not _temporaire_a_public(curseur):  # only the base's owner can (else a warning)
                fait.append(f"TEMPORARY sur la base {base} retiré à PUBLIC")
        curseur.execute(f"GRANT USAGE ON SCHEMA {s} TO {r}")
        curseur.execute(f"REVOKE CREATE ON SCHEMA {s} FROM {r}")
        curseur.execute("SELECT has_schema_privilege(%s, %s::oid, 'CREATE')", [role, schema])
        if curseur.fetchone()[0]:
            # Before PostgreSQL 15, PUBLIC may create in the public schema (the secure pattern of
            # the documentation revokes it); the owner of the schema keeps it.
            try:
                with transaction.atomic():
                    curseur.execute(f"REVOKE CREATE ON SCHEMA {s} FROM PUBLIC")
                fait.append(f"CREATE sur le schéma {nom_schema} retiré à PUBLIC")
            except DatabaseError:
                pass  # reported by problemes() below
        curseur.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {r}")
        curseur.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {s} FROM {r}")
        tables = _tables(curseur, schema)
        ordinaires = [t for t in tables if t not in LIMITEES]
        if ordinaires:
            liste = ", ".join(f"{s}.{_q(t)}" for t in ordinaires)
            curseur.execute(f"GRANT {', '.join(ORDINAIRES)} ON TABLE {liste} TO {r}")
        for table, privileges in LIMITEES.items():
            if table in tables:
                curseur.execute(f"GRANT {', '.join(privileges)} ON TABLE {s}.{_q(table)} TO {r}")
        curseur.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {r}")
        # Nobody gets the journal through PUBLIC (a no-op unless someone granted it).
        for table in [
            *_arbre_du_journal(curseur),
            *(t for t in ("journal_tetechaine", "journal_sceaupurge") if t in tables),
        ]:
            curseur.execute(f"REVOKE ALL ON TABLE {table} FROM PUBLIC")
        fait.append(
            f"droits de {role} sur la base {base} : {len(ordinaires)} tables en lecture et écriture, "
            f"{JOURNAL} en SELECT et INSERT seulement, journal_tetechaine en SELECT, INSERT et UPDATE"
        )
        restants = problemes(curseur, role)
        if restants:
            raise RoleNonConforme(message(role, restants))
    return fait


def message(role: str, trouves: list[str]) -> str:
    return (
        f"Le rôle {role} ne convient pas pour servir Cafpro : il pourrait réécrire le journal des accès "
        "ou il lui manque des droits (docs/deploiement.md, « Journal des accès : rôles de la base ») :\n"
        + "\n".join(f"  - {t}" for t in trouves)
    )


# --- Production guard (cafpro/wsgi.py) --------------------------------------------------------


class GardeRole:
    """Refuse to serve in production with a role that could rewrite the journal.

    Checked when the WSGI application loads (a bad role stops gunicorn with the reason); if the
    base cannot be reached then, at each request instead: every request is answered 503 until
    the check passes, none is served unchecked."""

    def __init__(self, application):
        self.application = application
        self.verifie = False
        try:
            self._verifier()
        except OperationalError as exc:
            logger.warning("Rôle de la base non vérifié au démarrage (%s) : vérifié à la première requête.", exc)
        finally:
            connection.close()  # no connection shared across a fork (gunicorn --preload)

    def _verifier(self) -> None:
        with connection.cursor() as curseur:
            trouves = problemes(curseur)
            curseur.execute("SELECT current_user")
            role = curseur.fetchone()[0]
        if trouves:
            raise RoleNonConforme(message(role, trouves))
        self.verifie = True

    def __call__(self, environ, start_response):
        if not self.verifie:
            close_old_connections()
            try:
                self._verifier()
            except OperationalError as exc:
                logger.warning("Rôle de la base non vérifié (%s) : requête refusée (503).", exc)
                with contextlib.suppress(DatabaseError):
                    connection.close()  # a fresh connection for the next request
                return self._indisponible(
                    start_response, "base de données injoignable, le rôle de connexion n'a pas pu être vérifié"
                )
            except RoleNonConforme as exc:
                logger.error("%s", exc)
                return self._indisponible(start_response, "rôle de la base non conforme")
        return self.application(environ, start_response)

    @staticmethod
    def _indisponible(start_response, raison: str) -> list[bytes]:
        start_response(
            "503 Service Unavailable", [("Content-Type", "text/plain; charset=utf-8"), ("Retry-After", "30")]
        )
        return [f"Service indisponible : {raison}. Réessayez dans quelques instants.\n".encode()]


def garde_production(application):
    from django.conf import settings

    if settings.DEBUG or connection.vendor != "postgresql":
        return application
    return GardeRole(application)
