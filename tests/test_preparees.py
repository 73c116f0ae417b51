"""Querysets compiled once (preparees/, issue 17): the same objects as Django's own evaluation,
bound values, and a loud failure when a prepared query could give another queryset's rows."""

from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext

from habilitations.models import User
from journal.models import Evenement
from preparees import Preparee, preparee
from tests.factories import EvenementFactory, HabilitationFactory, StaffFactory, caisse

pytestmark = pytest.mark.django_db


def _compte(pk):
    return User.objects.select_related("habilitation__convention__caisse", "caisse").filter(pk=pk)[:1]


def test_the_objects_and_their_related_objects_are_those_of_the_queryset():
    agent = HabilitationFactory(convention__caisse=caisse("131")).user
    prepare = Preparee(_compte, int)
    for _ in range(2):  # compiled, then reused
        with CaptureQueriesContext(connection) as requetes:
            trouve = prepare.premiere(agent.pk)
            assert trouve.habilitation.convention.caisse.numero == "131"
        assert len(requetes) == 1, "one query, the related objects included"
    attendu = _compte(agent.pk)[0]
    assert trouve == attendu and trouve.habilitation == attendu.habilitation
    assert trouve.username == agent.username and trouve._state.db == "default" and not trouve._state.adding


def test_no_row_gives_none_and_a_missing_relation_stays_missing():
    staff = StaffFactory(caisse=caisse("541"))
    prepare = Preparee(_compte, int)
    assert prepare.premiere(staff.pk + 10_000) is None
    trouve = prepare.premiere(staff.pk)
    assert trouve.caisse.numero == "541"
    with CaptureQueriesContext(connection) as requetes, pytest.raises(User.habilitation.RelatedObjectDoesNotExist):
        trouve.habilitation  # noqa: B018 - select_related said "none": no second query
    assert len(requetes) == 0


def test_values_dates_and_strings_are_bound_parameters_not_text():
    EvenementFactory(caisse="131", identifiant="AB'; --", motif="x")
    EvenementFactory(caisse="131", identifiant="AUTRE001", motif="y")
    prepare = Preparee(
        lambda identifiant, depuis: (
            Evenement.objects.filter(identifiant=identifiant, horodatage__date__gte=depuis)
            .order_by("pk")
            .values("identifiant", "motif")
        ),
        str,
        date,
    )
    assert prepare.lignes("AB'; --", date(2000, 1, 1)) == [{"identifiant": "AB'; --", "motif": "x"}]
    assert prepare.lignes("AUTRE001", date(2000, 1, 1)) == [{"identifiant": "AUTRE001", "motif": "y"}]
    assert prepare.lignes("AUTRE001", date(2999, 1, 1)) == []


def test_an_empty_queryset_runs_no_query():
    prepare = Preparee(lambda pk: User.objects.filter(pk=pk).none(), int)
    with CaptureQueriesContext(connection) as requetes:
        assert prepare.lignes(1) == []
    assert len(requetes) == 0


@pytest.mark.parametrize("valeur", [None, True, "1", 1.0])
def test_a_value_of_another_type_is_refused(valeur):
    with pytest.raises(TypeError, match="n'est pas de type int"):
        Preparee(_compte, int).lignes(valeur)


def test_a_value_that_is_not_a_parameter_of_its_own_is_refused():
    # A length of an `__in` list: the SQL itself changes with it.
    prepare = Preparee(lambda n: User.objects.filter(pk__in=range(abs(n) % 7)), int)
    with pytest.raises(ImproperlyConfigured):
        prepare.lignes(3)


def test_a_query_whose_sql_depends_on_its_values_is_refused():
    prepare = Preparee(
        lambda nom: User.objects.filter(username=nom, **({"is_active": True} if "0." in nom else {})), str
    )
    with pytest.raises(ImproperlyConfigured, match="dépend des valeurs"):
        prepare.lignes("x")


def test_a_value_the_compiler_rewrites_is_refused():
    # icontains writes the value as '%…%': it is not found among the parameters as given.
    with pytest.raises(ImproperlyConfigured, match="figure 0 fois"):
        Preparee(lambda nom: User.objects.filter(username__icontains=nom), str).lignes("x")


def test_a_key_that_forgets_what_the_queryset_reads_fails_under_verification(settings):
    """The test settings compile every execution again, with the caller's own builder: a key
    missing the profile, say, would give one profile's columns to another; the suite fails."""
    assert settings.CAFPRO_PREPAREES_VERIFIEES
    StaffFactory(username="verif001")

    def lecteur(colonnes):
        # As a reader does: a new closure at each call, over what the profile may see.
        return lambda pk: User.objects.filter(pk__gte=pk).values(*colonnes)

    cle = ("test", "clé sans les colonnes")
    assert preparee(cle, lecteur(["username"]), int).lignes(0)
    assert preparee(cle, lecteur(["username"]), int).lignes(0)
    with pytest.raises(AssertionError, match="périmée"):
        preparee(cle, lecteur(["username", "password"]), int).lignes(0)


def test_a_naive_datetime_is_refused():
    from datetime import datetime

    prepare = Preparee(lambda depuis: Evenement.objects.filter(horodatage__gte=depuis), datetime)
    with pytest.raises(TypeError, match="sans fuseau"):
        prepare.lignes(datetime(2026, 1, 1))


def test_the_session_store_reads_a_live_session_and_never_an_expired_one():
    """cafpro/sessions.py: Django's database sessions, read by a prepared query."""
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from cafpro.sessions import SessionStore

    store = SessionStore()
    store["dossier_consulte"] = 42
    store.create()
    cle = store.session_key
    assert SessionStore(cle)["dossier_consulte"] == 42
    Session.objects.filter(session_key=cle).update(expire_date=timezone.now() - timedelta(seconds=1))
    perimee = SessionStore(cle)
    assert perimee.get("dossier_consulte") is None and perimee.session_key is None
    assert SessionStore("x" * 32).get("dossier_consulte") is None  # unknown key: empty, no error


def test_inserer_writes_what_save_writes_and_reads_the_key_back():
    """preparees.ecriture: the journal's INSERT written once, the row the same as save()'s."""
    from django.forms.models import model_to_dict

    from journal.models import Evenement, Resultat, TypeEvenement
    from preparees.ecriture import inserer

    champs = {
        "type": TypeEvenement.CONSULTATION,
        "resultat": Resultat.SUCCES,
        "motif": "l'accès « réussi »",
        "identifiant": "AB12CD34",
        "adresse_ip": "2001:db8::1",
        "details": {"filtres": {"nom": "D'Artagnan"}, "n": [1, 2]},
        "caisse": "131",
        "rang": 7,
        "brin": 3,
    }
    par_save = Evenement(**champs)
    par_save.save(force_insert=True)
    prepare = Evenement(**champs, horodatage=par_save.horodatage)
    for _ in range(2):  # the statement written, then reused
        inserer(prepare)
        assert prepare.pk and prepare.pk != par_save.pk and not prepare._state.adding
        relu, attendu = (model_to_dict(Evenement.objects.get(pk=pk)) for pk in (prepare.pk, par_save.pk))
        assert {**relu, "id": None} == {**attendu, "id": None}
        prepare.pk = None


def test_mettre_a_jour_changes_only_its_columns_and_fails_without_a_row():
    from django.db import DatabaseError

    from journal.models import TeteChaine
    from preparees.ecriture import mettre_a_jour

    tete = TeteChaine.objects.create(chaine="999", rang=1, empreinte="a" * 64)
    tete.rang, tete.empreinte = 2, "b" * 64
    mettre_a_jour(tete, ("rang",))
    relue = TeteChaine.objects.get(chaine="999")
    assert (relue.rang, relue.empreinte) == (2, "a" * 64)
    with pytest.raises(DatabaseError):
        mettre_a_jour(TeteChaine(chaine="absente", rang=1), ("rang",))


def test_a_small_integer_column_takes_a_value():
    # The int stand-in lies within a smallint's range: Django would not compile an out-of-range one.
    EvenementFactory(caisse="131", brin=3, motif="brin 3")
    prepare = Preparee(lambda brin: Evenement.objects.filter(brin=brin).values("motif"), int)
    assert prepare.lignes(3) == [{"motif": "brin 3"}] and prepare.lignes(4) == []


def test_a_model_with_a_save_receiver_is_refused():
    """preparees.ecriture sends no save signal: it refuses a model that a receiver listens to."""
    from django.db.models.signals import post_save

    from habilitations.models import User as Modele
    from preparees.ecriture import inserer

    def receveur(**kwargs):
        pass

    post_save.connect(receveur, sender=Modele)
    try:
        with pytest.raises(ImproperlyConfigured, match="receveurs"):
            inserer(Modele(username="jamais01"))
    finally:
        post_save.disconnect(receveur, sender=Modele)
    assert not Modele.objects.filter(username="jamais01").exists()
