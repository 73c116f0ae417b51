"""manage.py revue_quotidienne (issue 16): opens the reviews due, and after the date limite
suspends the agents not confirmed, with the admin's own suspension (Habilitation.suspendre);
idempotent, journaled (TypeEvenement.REVUE), one transaction per review.

The partner must signal « tout changement ou fin de mission des utilisateurs habilités »
(03-… art. 3, 01-… art. 4): the review asks its responsable habilitations (04-… forms) once a
year, on the convention's anniversary (01-… art. 6, 03-… art. 5)."""

from datetime import date, datetime
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError

from habilitations.models import EtatHabilitation, Habilitation
from journal.models import Evenement, TypeEvenement
from revue import calendrier, models
from revue.models import Campagne, Decision, EtatCampagne
from tests.factories import ConventionFactory, HabilitationFactory, StaffFactory

from .conftest import LIMITE, OUVERTURE, PARIS, evenements_revue

pytestmark = pytest.mark.django_db


def revue_quotidienne(*options) -> str:
    sortie = StringIO()
    call_command("revue_quotidienne", "--wet-run", *options, stdout=sortie, stderr=StringIO())
    return sortie.getvalue()


def etat(habilitation) -> str:
    habilitation.refresh_from_db()
    return habilitation.etat_effectif()


@pytest.fixture
def campagne(agents, horloge):
    horloge.a(OUVERTURE)
    revue_quotidienne()
    return Campagne.objects.get()


class TestOuverture:
    def test_la_veille_de_l_anniversaire_rien_ne_s_ouvre(self, agents, horloge):
        horloge.a(date(2027, 3, 12))
        assert "rien à faire" in revue_quotidienne()
        assert not Campagne.objects.exists()

    def test_le_jour_de_l_anniversaire_la_revue_liste_les_agents_qui_ont_un_acces(self, agents, horloge):
        horloge.a(OUVERTURE)
        sortie = revue_quotidienne()
        campagne = Campagne.objects.get()
        assert "revue ouverte : Revue 2027 — convention 2024-REV" in sortie
        assert (campagne.annee, campagne.date_ouverture, campagne.date_limite) == (2027, OUVERTURE, LIMITE)
        assert campagne.etat == EtatCampagne.OUVERTE
        revus = {c.habilitation.nom for c in campagne.confirmations.all()}
        assert revus == {"ACTIF", "VERROUILLE"}
        assert set(campagne.confirmations.values_list("decision", flat=True)) == {Decision.A_CONFIRMER}
        ouverture = evenements_revue().get()
        assert ouverture.motif == "ouverture de la revue annuelle des accès"
        assert ouverture.caisse == "131"
        assert ouverture.details["agents"] == 2

    def test_une_seconde_execution_le_meme_jour_ne_change_rien(self, campagne, horloge):
        avant = Evenement.objects.count()
        assert "rien à faire" in revue_quotidienne()
        assert Campagne.objects.count() == 1
        assert Evenement.objects.count() == avant

    def test_sans_wet_run_rien_n_est_fait(self, agents, horloge):
        horloge.a(OUVERTURE)
        sortie = StringIO()
        call_command("revue_quotidienne", stdout=sortie)
        assert "Simulation" in sortie.getvalue() and "Revue 2027" in sortie.getvalue()
        assert not Campagne.objects.exists()
        assert not evenements_revue().exists()

    def test_un_jour_manque_est_rattrape_dans_le_mois(self, agents, horloge):
        horloge.a(date(2027, 3, 20))
        revue_quotidienne()
        campagne = Campagne.objects.get()
        # The responsable keeps his whole month from the actual opening.
        assert (campagne.date_ouverture, campagne.date_limite) == (date(2027, 3, 20), date(2027, 4, 20))

    def test_passe_le_mois_la_revue_attend_l_annee_suivante(self, agents, horloge):
        horloge.a(date(2027, 4, 13))
        revue_quotidienne()
        assert not Campagne.objects.exists()

    def test_pas_de_revue_la_premiere_annee_de_la_convention(self, horloge):
        HabilitationFactory(convention=ConventionFactory(date_effet=date(2026, 3, 13)))
        horloge.a(date(2026, 3, 13))
        revue_quotidienne()
        assert not Campagne.objects.exists()
        horloge.a(date(2027, 3, 13))
        revue_quotidienne()
        assert Campagne.objects.get().annee == 2027

    def test_pas_de_revue_sans_agent_ni_pour_une_convention_terminee(self, horloge, agents):
        ConventionFactory(numero="SANS-AGENT")
        terminee = ConventionFactory(numero="RESILIEE")
        HabilitationFactory(convention=terminee)
        terminee.date_resiliation, terminee.motif_resiliation = date(2026, 6, 1), "manquement (03-… art. 4)"
        terminee.save()
        horloge.a(OUVERTURE)
        revue_quotidienne()
        assert list(Campagne.objects.values_list("convention__numero", flat=True)) == ["2024-REV"]

    def test_un_jour_fixe_de_l_annee_pour_toutes_les_conventions(self, agents, horloge, settings):
        settings.CAFPRO_REVUE_JOUR = "01-15"
        horloge.a(date(2027, 1, 15))
        revue_quotidienne()
        assert Campagne.objects.get().date_limite == date(2027, 2, 15)

    def test_un_reglage_illisible_est_refuse(self, settings):
        settings.CAFPRO_REVUE_JOUR = "15/01"
        with pytest.raises(ImproperlyConfigured, match="CAFPRO_REVUE_JOUR"):
            calendrier.date_prevue(date(2024, 3, 13), 2027)

    def test_une_date_d_effet_au_29_fevrier(self):
        assert calendrier.date_prevue(date(2024, 2, 29), 2027) == date(2027, 2, 28)
        assert calendrier.date_limite(date(2027, 1, 31)) == date(2027, 2, 28)


class TestAutourDeLaDateLimite:
    """The date limite is the last day to answer (13/04/2027 included); the first run of the
    day after suspends."""

    def test_la_veille_de_la_date_limite_rien_n_est_suspendu(self, campagne, agents, horloge):
        horloge.a(date(2027, 4, 12))
        revue_quotidienne()
        assert etat(agents["actif"]) == EtatHabilitation.ACTIVE
        assert Campagne.objects.get().etat == EtatCampagne.OUVERTE

    def test_le_jour_de_la_date_limite_rien_n_est_suspendu(self, campagne, agents, horloge):
        horloge.a(datetime(2027, 4, 13, 23, 59, tzinfo=PARIS))
        revue_quotidienne()
        assert etat(agents["actif"]) == EtatHabilitation.ACTIVE
        assert etat(agents["verrouille"]) == EtatHabilitation.VERROUILLEE
        assert Campagne.objects.get().accepte_les_reponses()

    def test_le_lendemain_les_agents_non_confirmes_sont_suspendus_et_journalises_une_fois(
        self, campagne, agents, horloge
    ):
        horloge.a(date(2027, 4, 14))
        sortie = revue_quotidienne()
        assert "2 agent(s) non confirmé(s) suspendu(s)" in sortie
        for cle in ("actif", "verrouille"):
            habilitation = agents[cle]
            assert etat(habilitation) == EtatHabilitation.SUSPENDUE
            assert not habilitation.user.is_active
            revue = evenements_revue(habilitation_id=habilitation.pk).get()
            assert revue.motif == "revue annuelle : accès non confirmé à la date limite, suspendu"
            assert revue.acteur == "revue_quotidienne"
            # The admin's own suspension, journaled as such.
            assert (
                Evenement.objects.filter(
                    type=TypeEvenement.GESTION, habilitation_id=habilitation.pk, motif="suspension"
                ).count()
                == 1
            )
        campagne.refresh_from_db()
        assert campagne.etat == EtatCampagne.CLOSE
        assert set(campagne.confirmations.values_list("decision", flat=True)) == {Decision.NON_CONFIRMEE}
        cloture = evenements_revue(motif="clôture de la revue annuelle des accès").get()
        assert cloture.details["suspendus"] == 2

    def test_une_seconde_execution_ne_fait_rien_de_plus(self, campagne, agents, horloge):
        horloge.a(date(2027, 4, 14))
        revue_quotidienne()
        avant = Evenement.objects.count()
        assert "rien à faire" in revue_quotidienne()
        horloge.a(date(2027, 4, 15))
        assert "rien à faire" in revue_quotidienne()
        assert Evenement.objects.count() == avant

    def test_un_agent_confirme_n_est_jamais_suspendu(self, campagne, agents, horloge):
        responsable = StaffFactory(username="resp.test")
        campagne.confirmations.get(habilitation=agents["actif"]).confirmer(responsable)
        horloge.a(date(2027, 4, 14))
        revue_quotidienne()
        assert etat(agents["actif"]) == EtatHabilitation.ACTIVE
        assert not evenements_revue(habilitation_id=agents["actif"].pk, motif__contains="suspendu").exists()
        assert etat(agents["verrouille"]) == EtatHabilitation.SUSPENDUE

    def test_un_agent_deja_suspendu_ou_supprime_n_est_pas_touche(self, campagne, agents, horloge):
        gestionnaire = StaffFactory(username="gestion.rev")
        horloge.a(date(2027, 3, 20))
        agents["actif"].suspendre(gestionnaire)
        agents["verrouille"].programmer_suppression(
            date(2027, 4, 1), gestionnaire, demandee_par="Le maire", recue_le=date(2027, 3, 20)
        )
        modifiees = {h.pk: h.modifie_le for h in Habilitation.objects.all()}
        avant = Evenement.objects.count()
        horloge.a(date(2027, 4, 14))
        revue_quotidienne()
        assert etat(agents["actif"]) == EtatHabilitation.SUSPENDUE
        assert etat(agents["verrouille"]) == EtatHabilitation.SUPPRIMEE
        assert {h.pk: h.modifie_le for h in Habilitation.objects.all()} == modifiees
        # Only the closing of the review is journaled.
        assert list(Evenement.objects.order_by("id").values_list("motif", flat=True)[avant:]) == [
            "clôture de la revue annuelle des accès"
        ]
        assert set(campagne.confirmations.values_list("decision", flat=True)) == {Decision.HORS_REVUE}

    def test_minuit_a_paris_est_deja_le_lendemain(self, campagne, agents, horloge):
        # 23:30 in Paris on the date limite (21:30 UTC): still answerable.
        horloge.a(datetime(2027, 4, 13, 23, 30, tzinfo=PARIS))
        revue_quotidienne()
        assert etat(agents["actif"]) == EtatHabilitation.ACTIVE
        # 00:05 in Paris the next day is still 13/04 in UTC (22:05): the review is over.
        horloge.a(datetime(2027, 4, 14, 0, 5, tzinfo=PARIS))
        assert datetime(2027, 4, 14, 0, 5, tzinfo=PARIS).astimezone(PARIS).utcoffset().seconds == 7200
        revue_quotidienne()
        assert etat(agents["actif"]) == EtatHabilitation.SUSPENDUE
        assert not Campagne.objects.get().accepte_les_reponses()

    def test_un_echec_ne_laisse_rien_a_moitie_fait(self, campagne, agents, horloge, monkeypatch):
        ecrire = models.enregistrer
        appels = []

        def en_panne_au_second(*args, **kwargs):
            appels.append(kwargs.get("identifiant"))
            if len(appels) == 2:
                raise RuntimeError("journal indisponible")
            return ecrire(*args, **kwargs)

        monkeypatch.setattr(models, "enregistrer", en_panne_au_second)
        horloge.a(date(2027, 4, 14))
        avant = Evenement.objects.count()
        with pytest.raises(CommandError, match="rien n'en a été modifié"):
            revue_quotidienne()
        assert etat(agents["actif"]) == EtatHabilitation.ACTIVE
        assert etat(agents["verrouille"]) == EtatHabilitation.VERROUILLEE
        assert Campagne.objects.get().etat == EtatCampagne.OUVERTE
        assert Evenement.objects.count() == avant
        # The next run, the journal back, does the whole of it.
        monkeypatch.setattr(models, "enregistrer", ecrire)
        revue_quotidienne()
        assert etat(agents["actif"]) == EtatHabilitation.SUSPENDUE
        assert etat(agents["verrouille"]) == EtatHabilitation.SUSPENDUE


def test_deux_executions_simultanees_n_ouvrent_qu_une_revue(agents, horloge, monkeypatch):
    """The second run finds the campaign only at its insert (the other run committed after its
    check): the named constraint refuses it, and it journals nothing."""
    horloge.a(OUVERTURE)
    convention = agents["actif"].convention
    assert Campagne.ouvrir(convention, 2027, OUVERTURE) is not None
    monkeypatch.setattr(models.CampagneQuerySet, "exists", lambda self: False)
    avant = Evenement.objects.count()
    assert Campagne.ouvrir(convention, 2027, OUVERTURE) is None
    assert Campagne.objects.count() == 1
    assert Evenement.objects.count() == avant


def test_sans_wet_run_le_lendemain_de_la_date_limite_rien_n_est_suspendu(campagne, agents, horloge):
    horloge.a(date(2027, 4, 14))
    avant = Evenement.objects.count()
    sortie = StringIO()
    call_command("revue_quotidienne", stdout=sortie)
    assert "Simulation" in sortie.getvalue() and "2 agent(s) non confirmé(s)" in sortie.getvalue()
    assert etat(agents["actif"]) == EtatHabilitation.ACTIVE
    assert Campagne.objects.get().etat == EtatCampagne.OUVERTE
    assert Evenement.objects.count() == avant
