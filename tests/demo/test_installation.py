"""The demo is a development tool: the production settings do not install it."""

from tests.test_reglages import CLE, manage


def test_la_production_n_a_pas_la_commande_demo():
    resultat = manage("demo", "--force", env={"SECRET_KEY": CLE, "ALLOWED_HOSTS": "cafpro.example", "CAFPRO_DEMO": "1"})
    assert resultat.returncode != 0
    assert "Unknown command: 'demo'" in resultat.stderr
