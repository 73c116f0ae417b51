import os

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from .factories import StaffFactory, caisse


def pytest_configure(config):
    # .ci/run's PostgreSQL pass sets this: its PostgreSQL-only tests must not skip quietly.
    if os.environ.get("CAFPRO_BASE_ATTENDUE") == "postgresql":
        if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
            raise pytest.UsageError("CAFPRO_BASE_ATTENDUE=postgresql mais DATABASE_URL ne désigne pas PostgreSQL.")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database holds the Caf référentiel, as every real one does."""
    with django_db_blocker.unblock():
        call_command("loaddata", "caisses", "routage", verbosity=0)


@pytest.fixture(autouse=True)
def _referentiel_apres_un_test_transactionnel(request, django_db_blocker):
    """A transactional test's teardown flushes every table, the référentiel too; serially,
    pytest-django runs those tests last, but with xdist a worker may run others after one.
    The next database test of that worker finds the référentiel again (committed, once)."""
    besoins = {"db", "transactional_db"} & set(request.fixturenames)
    if not besoins and request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("django_db_setup")
    from conventions.models import Caisse

    with django_db_blocker.unblock():
        if not Caisse.objects.exists():
            call_command("loaddata", "caisses", "routage", verbosity=0)


@pytest.fixture
def caf_131(db):
    return caisse("131")


@pytest.fixture
def caf_161(db):
    return caisse("161")


@pytest.fixture
def gestionnaire_131(db):
    return StaffFactory(username="gestion.test131", caisse=caisse("131"))


@pytest.fixture
def gestionnaire_161(db):
    return StaffFactory(username="gestion.test161", caisse=caisse("161"))


def connecter_au_admin(client, user):
    """Log a staff member in with a verified second factor, as the admin requires."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    appareil, _ = TOTPDevice.objects.get_or_create(user=user, defaults={"name": "test", "confirmed": True})
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = appareil.persistent_id
    session.save()
    return client


@pytest.fixture
def admin_131(client, gestionnaire_131):
    """A browser session of a Caf 131 gestionnaire in the admin."""
    return connecter_au_admin(client, gestionnaire_131)


@pytest.fixture
def admin_national(client, db):
    """A national administrator (Cnaf): no Caf of his own, every Caf's records."""
    return connecter_au_admin(client, StaffFactory(username="cnaf.national", caisse=None, role="", is_superuser=True))


@pytest.fixture
def admin_161(client, gestionnaire_161):
    return connecter_au_admin(client, gestionnaire_161)


@pytest.fixture
def base_transactionnelle(transactional_db):
    """Committed data visible to other connections (threads), for concurrency tests.

    The référentiel is loaded again if an earlier transactional test flushed it, and the
    journal's append-only triggers let this test's teardown flush its events.
    """
    from conventions.models import Caisse

    if not Caisse.objects.exists():
        call_command("loaddata", "caisses", "routage", verbosity=0)
    yield
    if connection.vendor == "postgresql":
        with connection.cursor() as curseur:
            curseur.execute("SET cafpro.maintenance_journal = 'on'")


seulement_postgresql = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="PostgreSQL only: runs in the PostgreSQL pass of .ci/run",
)


@pytest.fixture
def officier_131(db):
    """A Responsable Sécurité of Caf 131 (not signed in)."""
    from habilitations.models import Role

    return StaffFactory(username="securite.131", caisse=caisse("131"), role=Role.SECURITE)


@pytest.fixture
def officier_161(db):
    """A Responsable Sécurité of Caf 161 (not signed in)."""
    from habilitations.models import Role

    return StaffFactory(username="securite.161", caisse=caisse("161"), role=Role.SECURITE)


@pytest.fixture
def officier(client, officier_131):
    """The Caf 131 Responsable Sécurité, signed in to the staff area on `client`."""
    return connecter_au_admin(client, officier_131)
