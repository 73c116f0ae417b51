"""`python3 dev.py run ADRESSE` (issue 15): the portal is served at ADRESSE, the demo listing and
the last line give the URLs actually served, and the portal answers to those URLs' host names."""

import pytest
from django.test import override_settings

import dev


@pytest.fixture
def poste(monkeypatch):
    """A machine named "poste" whose network address is 192.0.2.10."""
    monkeypatch.setattr(dev, "adresse_du_poste", lambda: "192.0.2.10")
    monkeypatch.setattr(dev.socket, "gethostname", lambda: "poste")


@pytest.mark.parametrize(
    ("adresse", "servie", "urls"),
    [
        ("8765", "127.0.0.1:8765", ["http://127.0.0.1:8765/"]),
        ("127.0.0.1:8765", "127.0.0.1:8765", ["http://127.0.0.1:8765/"]),
        ("192.0.2.10:8000", "192.0.2.10:8000", ["http://192.0.2.10:8000/"]),
        ("[::1]:8000", "[::1]:8000", ["http://[::1]:8000/"]),
        ("localhost:8000", "localhost:8000", ["http://localhost:8000/"]),
        ("0.0.0.0:8000", "0.0.0.0:8000", ["http://127.0.0.1:8000/", "http://192.0.2.10:8000/"]),
        ("0:8000", "0:8000", ["http://127.0.0.1:8000/", "http://192.0.2.10:8000/"]),
    ],
)
def test_les_adresses_servies(poste, adresse, servie, urls):
    assert dev.adresses_du_portail(adresse)[:2] == (servie, urls)


def test_tout_le_reseau_sans_adresse_de_reseau(poste, monkeypatch):
    monkeypatch.setattr(dev, "adresse_du_poste", lambda: None)
    assert dev.adresses_du_portail("0.0.0.0:8000")[1] == ["http://127.0.0.1:8000/"]


@pytest.mark.parametrize("adresse", ["localhost", "127.0.0.1:", "http://127.0.0.1:8000/", "--help", ":8000"])
def test_une_adresse_incomprise_est_refusee_avant_toute_installation(adresse, capsys):
    with pytest.raises(SystemExit):
        dev.run([adresse])
    assert "non comprise" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("adresse", "hote"), [("127.0.0.1:8765", "127.0.0.1"), ("0.0.0.0:8000", "192.0.2.10"), ("0.0.0.0:8000", "poste")]
)
def test_le_portail_repond_aux_noms_de_ses_adresses(poste, client, db, adresse, hote):
    hotes = dev.adresses_du_portail(adresse)[2]
    with override_settings(ALLOWED_HOSTS=hotes):
        assert client.get("/", HTTP_HOST=f"{hote}:8000").status_code == 200
        # Any other name is still refused (DisallowedHost).
        assert client.get("/", HTTP_HOST="ailleurs.example:8000").status_code == 400


class Lancement(Exception):
    """Stands for os.execv: the test stops where runserver would take over."""


def test_run_sert_l_adresse_donnee_et_la_donne_a_la_demo(poste, monkeypatch, capsys):
    commandes = []
    monkeypatch.setattr(dev, "ensure_environment", lambda: None)
    monkeypatch.setattr(dev, "manage", lambda *args, **kwargs: commandes.append(args))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("ALLOWED_HOSTS", raising=False)
    monkeypatch.setattr(dev.os, "chdir", lambda chemin: None)

    def execv(programme, arguments):
        raise Lancement(arguments)

    monkeypatch.setattr(dev.os, "execv", execv)
    with pytest.raises(Lancement) as lancement:
        dev.run(["0.0.0.0:8765"])

    assert lancement.value.args[0][-2:] == ["runserver", "0.0.0.0:8765"]
    assert ("demo", "--portail=http://127.0.0.1:8765/", "--portail=http://192.0.2.10:8765/") in commandes
    assert dev.os.environ["ALLOWED_HOSTS"].split(",") == [
        "127.0.0.1",
        "localhost",
        "[::1]",
        "192.0.2.10",
        "poste",
        "0.0.0.0",
    ]
    derniere = capsys.readouterr().out.strip().splitlines()[-1]
    assert derniere.startswith("Portail : http://127.0.0.1:8765/   Administration : http://127.0.0.1:8765/gestion/")
    assert "http://192.0.2.10:8765/" in derniere
