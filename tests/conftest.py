import pytest
from django.core.management import call_command

from .factories import StaffFactory, caisse


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database holds the Caf référentiel, as every real one does."""
    with django_db_blocker.unblock():
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


@pytest.fixture
def admin_131(client, gestionnaire_131):
    """A browser session of a Caf 131 gestionnaire in the admin."""
    client.force_login(gestionnaire_131)
    return client


@pytest.fixture
def admin_161(client, gestionnaire_161):
    client.force_login(gestionnaire_161)
    return client
