"""Cafpro settings: production by default, everything read from the environment.

`dev.py` and `test.py` import this module after filling in development defaults, so a
production deployment only ever runs this file with its own environment.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} doit valoir 1/0, true/false, yes/no ou on/off (reçu {value!r}).")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} doit être un nombre entier (reçu {value!r}).") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
# Mirrors Django's own security.W009 test, but fails instead of warning: a weak key
# would let anyone forge sessions and password-reset tokens.
# The committed development key (settings/dev.py) starts with "dev-only-".
WEAK_KEY_PREFIXES = ("django-insecure-", "dev-only-")
if not DEBUG and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith(WEAK_KEY_PREFIXES)):
    raise ImproperlyConfigured(
        "SECRET_KEY manquante ou trop faible : en production, définissez une clé aléatoire "
        "d'au moins 50 caractères (python -c 'import secrets; print(secrets.token_urlsafe(64))')."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "cafpro.apps.CafproAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "cafpro",
    "profils",
    "journal",
    "conventions",
    "habilitations",
    "dossiers",
    "dialogue",
    "controle",
    "documents",
    "responsables",
    "revue",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Private by default: every view needs a login unless marked login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "cafpro.middleware.InactiviteMiddleware",
    "cafpro.middleware.TentativeIlisibleMiddleware",
    "cafpro.middleware.PasDeCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "cafpro.urls"
WSGI_APPLICATION = "cafpro.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cafpro.context_processors.portail",
            ],
        },
    },
]


def base_de_donnees(url: str) -> dict:
    """One connection's settings, with the bounds every web request keeps on PostgreSQL."""
    reglages = dj_database_url.parse(
        url,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
    if reglages["ENGINE"] == "django.db.backends.postgresql":
        # Every wait a request can meet in the database is bounded on the server (issue 17), well
        # under gunicorn's 30 s worker timeout (scripts/demarrer-conteneur.sh): a statement running
        # away, a lock held by another transaction (a Caf's journal chain head, say), a transaction
        # left open, a server that does not answer. manage.py sets the first three to 0 (none) for
        # the operator's commands (migrate, purge), whose work may rightly take longer.
        reglages_pg = {
            "statement_timeout": env_int("DATABASE_STATEMENT_TIMEOUT_MS", 10_000),
            "lock_timeout": env_int("DATABASE_LOCK_TIMEOUT_MS", 2_000),
            "idle_in_transaction_session_timeout": env_int("DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS", 10_000),
            # No JIT: its compilation costs seconds on the officer's indicators (2.3 s of 3.4 s for the
            # out-of-territory count, benchmarks/journal.py), more than any query here saves by it.
            "jit": "off",
        }
        reglages.setdefault("OPTIONS", {}).update(
            options=" ".join(f"-c {nom}={valeur}" for nom, valeur in reglages_pg.items()),
            connect_timeout=env_int("DATABASE_CONNECT_TIMEOUT_S", 5),
        )
    elif reglages["ENGINE"] == "django.db.backends.sqlite3":
        # The embedded file serves several requests at once (runserver's threads, issue 15: eleven
        # agents logging in together got eight "database is locked" 500s). WAL lets readers go on
        # while one connection writes; IMMEDIATE takes the write lock when a transaction begins, so
        # that a transaction never fails to upgrade its read into a write (SQLite answers that at
        # once, without waiting) and a Caf's journal chain head is read and moved by one writer at a
        # time (journal/chaine.py: SQLite ignores SELECT … FOR UPDATE); the others wait for the
        # lock, up to the timeout, instead of failing.
        reglages.setdefault("OPTIONS", {}).update(
            transaction_mode="IMMEDIATE",
            timeout=env_int("DATABASE_SQLITE_TIMEOUT_S", 30),
            init_command="PRAGMA journal_mode=WAL",
        )
    return reglages


# No DATABASE_URL: the embedded SQLite file, so that a fresh clone runs with nothing else.
DATABASES = {"default": base_de_donnees(env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# A streaming replica of the primary: the allocataire data is read there, everything else and
# every write stays on the primary (cafpro/routeurs.py, docs/scaling.md). Without it nothing changes.
if env_str("DATABASE_REPLICA_URL"):
    DATABASES["replique"] = base_de_donnees(env_str("DATABASE_REPLICA_URL"))
    # Reads in autocommit: a transaction held open on a hot standby delays its replay (or gets
    # cancelled by it), and under READ COMMITTED it would not give a page one snapshot anyway.
    DATABASES["replique"]["ATOMIC_REQUESTS"] = False
    DATABASE_ROUTERS = ["cafpro.routeurs.RepliqueRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

AUTH_USER_MODEL = "habilitations.User"
# ModelBackend, loading the habilitation, convention and Caf with the account (one query).
AUTHENTICATION_BACKENDS = ["habilitations.backends.CompteBackend"]
# A page reached without a session (bookmark, expired) answers with the manual's page.
LOGIN_URL = "session_expiree"
LOGIN_REDIRECT_URL = "portail"

PASSWORD_HASHERS = [
    # Argon2id at a worker's memory (habilitations/hachage.py).
    "habilitations.hachage.Argon2Cafpro",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Rules for Caf staff passwords; partner agents' 6-character passwords have their own
# rules (habilitations.passwords).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr-fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "cafpro.stockage.StockageStatique"},
}

# Messages may carry personal data: keep them on the server, not in a cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- Transport and cookies (ASVS 3.4, 7.x) ---------------------------------------------
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", HTTPS)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Only behind a trusted reverse proxy that sets it: never trust the header otherwise.
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Strict"
# The __Host- prefix pins the cookie to this exact host over HTTPS (no Domain attribute).
SESSION_COOKIE_NAME = "__Host-cafpro_session" if HTTPS else "cafpro_session"
CSRF_COOKIE_NAME = "__Host-cafpro_csrf" if HTTPS else "cafpro_csrf"
# The time of the session's last request, signed (cafpro/activite.py).
CAFPRO_ACTIVITE_COOKIE_NAME = "__Host-cafpro_activite" if HTTPS else "cafpro_activite"
# Database sessions, so that logout and timeout end a session on the server (Django's own engine,
# its read prepared once: cafpro/sessions.py).
SESSION_ENGINE = "cafpro.sessions"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Absolute lifetime of a session: a working day.
SESSION_COOKIE_AGE = env_int("CAFPRO_SESSION_MAX_AGE", 10 * 3600)

# --- Content Security Policy: no inline script, nothing from elsewhere -------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- Cafpro's own settings ---------------------------------------------------------------
# Idle time after which a portal session ends (manual: "Session utilisateur", 10 minutes).
CAFPRO_IDLE_TIMEOUT = env_int("CAFPRO_IDLE_TIMEOUT", 600)
# Minimum length of a partner agent's password: 6 as the manual says; a production Caf
# should raise it (docs/deploiement.md, CNIL délibération 2022-100).
CAFPRO_PASSWORD_MIN_LENGTH = env_int("CAFPRO_PASSWORD_MIN_LENGTH", 6)
# A password must be changed after this many days (conventions: "modifié régulièrement"),
# with a warning this many days before.
CAFPRO_PASSWORD_MAX_AGE_DAYS = env_int("CAFPRO_PASSWORD_MAX_AGE_DAYS", 183)
CAFPRO_PASSWORD_WARNING_DAYS = env_int("CAFPRO_PASSWORD_WARNING_DAYS", 15)
# A password issued by the Caf (opening, reset) is single-use and expires unused after this.
CAFPRO_ISSUED_PASSWORD_VALIDITY_DAYS = env_int("CAFPRO_ISSUED_PASSWORD_VALIDITY_DAYS", 10)
# Per-address throttle: this many failed logins from one address within the window (s)
# and further attempts from it are refused without being checked.
CAFPRO_THROTTLE_MAX_ECHECS = env_int("CAFPRO_THROTTLE_MAX_ECHECS", 30)
CAFPRO_THROTTLE_WINDOW = env_int("CAFPRO_THROTTLE_WINDOW", 900)
# The highest limit a Caf may give one of its partners' trusted networks (shared office NAT).
CAFPRO_THROTTLE_RESEAU_PLAFOND = env_int("CAFPRO_THROTTLE_RESEAU_PLAFOND", 300)

# Journal des accès: kept one year (CNIL délibération 2021-122: six months to one year), never
# less than six months; its chain's HMAC key (journal/chaine.py), derived from SECRET_KEY when
# unset — set it apart in production so that the database alone cannot forge the chain.
CAFPRO_JOURNAL_RETENTION_JOURS = env_int("CAFPRO_JOURNAL_RETENTION_JOURS", 365)
CAFPRO_JOURNAL_RETENTION_MIN_JOURS = env_int("CAFPRO_JOURNAL_RETENTION_MIN_JOURS", 183)
CAFPRO_JOURNAL_CLE = os.environ.get("CAFPRO_JOURNAL_CLE", "")
# Chains per Caisse (journal/chaine.py): as many of its agents append to the journal at once.
CAFPRO_JOURNAL_BRINS = env_int("CAFPRO_JOURNAL_BRINS", 8)
# How long an append waits when every strand of its Caisse is held (journal/chaine.py).
CAFPRO_JOURNAL_ATTENTE_MS = env_int("CAFPRO_JOURNAL_ATTENTE_MS", 500)
# Caf staff: failed admin logins before a block, lifted by a colleague or after the delay (s).
CAFPRO_STAFF_MAX_ECHECS = env_int("CAFPRO_STAFF_MAX_ECHECS", 5)
CAFPRO_STAFF_LOCK_SECONDS = env_int("CAFPRO_STAFF_LOCK_SECONDS", 900)
# `manage.py demo` creates accounts whose passwords are in the source: development only.
CAFPRO_DEMO_AUTORISEE = env_bool("CAFPRO_DEMO", DEBUG)
# Yearly review of accesses (issue 16, revue/calendrier.py): empty = on each anniversary of a
# convention's date d'effet (its tacit renewal), or "MM-JJ" for one fixed day of the year.
CAFPRO_REVUE_JOUR = env_str("CAFPRO_REVUE_JOUR", "")
# How many reverse proxies of ours stand in front; 0 = take the socket's peer address.
CAFPRO_TRUSTED_PROXIES = env_int("CAFPRO_TRUSTED_PROXIES", 0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
