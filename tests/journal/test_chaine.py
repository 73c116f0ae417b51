"""Tamper evidence, retention and monthly partitions of the journal des accès."""

import io
from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from journal import chaine, partitions
from journal.ecriture import enregistrer
from journal.models import Evenement, Resultat, SceauPurge, TeteChaine, TypeEvenement
from tests.conftest import seulement_postgresql


def evenement(caisse="131", motif="", quand=None, **champs):
    """A chained event (unlike tests.factories.EvenementFactory, written outside the chain)."""
    return enregistrer(TypeEvenement.CONNEXION, Resultat.SUCCES, caisse=caisse, motif=motif, horodatage=quand, **champs)


def sql_hors_declencheurs(requete, params=()):
    """Write to the table as a superuser would, past the append-only triggers."""
    with connection.cursor() as curseur:
        if connection.vendor == "postgresql":
            curseur.execute("SET LOCAL session_replication_role = replica")
        curseur.execute(requete, params)
        if connection.vendor == "postgresql":
            curseur.execute("SET LOCAL session_replication_role = origin")


def verifier() -> tuple[str, str]:
    sortie, erreurs = io.StringIO(), io.StringIO()
    call_command("journal_verify", stdout=sortie, stderr=erreurs)
    return sortie.getvalue(), erreurs.getvalue()


def rupture(message_attendu: str, rang: int | None = None):
    erreurs = io.StringIO()
    with pytest.raises(CommandError, match="Journal altéré"):
        call_command("journal_verify", stdout=io.StringIO(), stderr=erreurs)
    texte = erreurs.getvalue()
    assert message_attendu in texte, texte
    if rang is not None:
        assert f"rang {rang}" in texte, texte
    return texte


class TestChaine:
    def test_un_rang_par_caisse_et_une_empreinte_par_lien(self, db):
        a1, b1, a2 = evenement("131"), evenement("161"), evenement("131")
        assert (a1.rang, b1.rang, a2.rang) == (1, 1, 2)
        assert len({a1.empreinte, b1.empreinte, a2.empreinte}) == 3
        assert TeteChaine.objects.get(chaine="131").empreinte == a2.empreinte
        sortie, erreurs = verifier()
        assert "Chaîne 131 : 2 événements, intacte." in sortie and "Journal des accès intègre." in sortie
        assert erreurs == ""

    def test_l_empreinte_depend_du_lien_precedent_et_de_la_cle(self, db):
        premier, second = evenement(motif="a"), evenement(motif="b")
        valeurs = Evenement.objects.filter(pk=second.pk).values(*chaine.CHAMPS).get()
        assert chaine.empreinte(premier.empreinte, valeurs) == second.empreinte
        assert chaine.empreinte("0" * 64, valeurs) != second.empreinte
        with override_settings(CAFPRO_JOURNAL_CLE="une-autre-cle"):
            assert chaine.empreinte(premier.empreinte, valeurs) != second.empreinte

    def test_une_adresse_ipv6_relue_garde_son_empreinte(self, db, rf):
        requete = rf.get("/", REMOTE_ADDR="2001:0db8:0000:0000:0000:0000:0000:0001")
        enregistrer(TypeEvenement.CONNEXION, Resultat.ECHEC, request=requete, caisse="131")
        assert Evenement.objects.get().adresse_ip == "2001:db8::1"
        assert "intacte" in verifier()[0]

    def test_un_evenement_modifie_est_trouve(self, db):
        evenement(motif="premier")
        cible = evenement(motif="second")
        evenement(motif="troisième")
        sql_hors_declencheurs("UPDATE journal_evenement SET motif = %s WHERE id = %s", ["effacé", cible.pk])
        rupture("empreinte invalide (événement modifié)", rang=2)

    def test_un_evenement_supprime_au_milieu_est_trouve(self, db):
        evenement()
        cible = evenement()
        evenement()
        sql_hors_declencheurs("DELETE FROM journal_evenement WHERE id = %s", [cible.pk])
        rupture("rang 2 absent (événement supprimé)")

    def test_le_dernier_evenement_supprime_est_trouve(self, db):
        evenement()
        dernier = evenement()
        sql_hors_declencheurs("DELETE FROM journal_evenement WHERE id = %s", [dernier.pk])
        rupture("la tête de chaîne annonce le rang 2, trouvé 1")

    def test_un_lien_recalcule_sans_la_cle_est_trouve(self, db):
        evenement()
        cible = evenement(motif="vrai")
        precedent = Evenement.objects.get(rang=1).empreinte
        valeurs = {**Evenement.objects.filter(pk=cible.pk).values(*chaine.CHAMPS).get(), "motif": "faux"}
        with override_settings(CAFPRO_JOURNAL_CLE="cle-devinee"):
            fausse = chaine.empreinte(precedent, valeurs)
        sql_hors_declencheurs(
            "UPDATE journal_evenement SET motif = %s, empreinte = %s WHERE id = %s", ["faux", fausse, cible.pk]
        )
        rupture("empreinte invalide", rang=2)


class TestPurge:
    ANCIEN = datetime(2024, 3, 10, 12, tzinfo=UTC)

    def test_simulation_sans_wet_run_ne_supprime_rien(self, db):
        evenement(quand=self.ANCIEN)
        sortie = io.StringIO()
        call_command("journal_purge", stdout=sortie)
        assert "Simulation : 1 événements" in sortie.getvalue()
        assert Evenement.objects.count() == 1

    def test_purge_un_prefixe_scelle_et_la_chaine_reste_verifiable(self, db):
        for _ in range(3):
            evenement(quand=self.ANCIEN)
        recent = evenement()
        evenement("161", quand=self.ANCIEN)
        sortie = io.StringIO()
        call_command("journal_purge", "--wet-run", stdout=sortie)
        assert "4 événements antérieurs" in sortie.getvalue()
        restants = list(Evenement.objects.exclude(type=TypeEvenement.PURGE).values_list("pk", flat=True))
        assert restants == [recent.pk]
        sceau = SceauPurge.objects.get(chaine="131")
        assert (sceau.rang, sceau.nombre) == (3, 3) and chaine.sceau_valide(sceau)
        # Its own run is journaled, and every chain still verifies from its seal.
        trace = Evenement.objects.get(type=TypeEvenement.PURGE)
        assert trace.acteur == "journal_purge" and trace.details["par_chaine"] == {"131": 3, "161": 1}
        assert "Journal des accès intègre." in verifier()[0]

    def test_un_sceau_falsifie_est_trouve(self, db):
        evenement(quand=self.ANCIEN)
        evenement()
        call_command("journal_purge", "--wet-run", stdout=mock.MagicMock())
        SceauPurge.objects.filter(chaine="131").update(rang=5)
        rupture("sceau de purge dont la signature est invalide")

    def test_la_conservation_minimale_est_refusee(self, db):
        veille = (timezone.localdate() - timedelta(days=30)).isoformat()
        with pytest.raises(CommandError, match="conservé au moins 183 jours"):
            call_command("journal_purge", "--wet-run", "--avant", veille)
        with pytest.raises(CommandError, match="AAAA-MM-JJ"):
            call_command("journal_purge", "--avant", "hier")

    def test_un_evenement_ancien_pris_apres_un_recent_garde_la_chaine(self, db):
        """Only a prefix goes: an old event ranked after a kept one stays."""
        evenement(quand=self.ANCIEN)
        evenement()  # rank 2, recent
        tardif = evenement(quand=self.ANCIEN)  # rank 3, old timestamp
        call_command("journal_purge", "--wet-run", stdout=mock.MagicMock())
        assert Evenement.objects.filter(pk=tardif.pk).exists()
        assert "intègre" in verifier()[0]


@seulement_postgresql
class TestPartitions:
    def test_le_journal_est_partitionne_par_mois(self, db):
        assert partitions.actif()
        with connection.cursor() as curseur:
            mois = partitions.existantes(curseur)
        assert date.today().replace(day=1) in mois

    def test_la_purge_supprime_les_mois_entiers(self, db):
        with connection.cursor() as curseur:
            assert partitions.creer(curseur, date(2024, 3, 1))
        for _ in range(2):
            evenement(quand=TestPurge.ANCIEN)
        evenement()
        bilan_sortie = mock.MagicMock()
        call_command("journal_purge", "--wet-run", stdout=bilan_sortie)
        with connection.cursor() as curseur:
            assert date(2024, 3, 1) not in partitions.existantes(curseur)
        trace = Evenement.objects.get(type=TypeEvenement.PURGE)
        assert trace.details["partitions_supprimees"] == ["journal_evenement_p2024_03"]
        assert "intègre" in verifier()[0]

    def test_truncate_d_une_partition_est_refuse(self, db):
        from django.db import DatabaseError, transaction

        table = partitions.nom(date.today().replace(day=1))
        with pytest.raises(DatabaseError, match="ajout seul"), transaction.atomic():
            with connection.cursor() as curseur:
                curseur.execute(f"TRUNCATE {table}")


class TestAltérationsCachées:
    """What a person with write access to the tables, but not the key, might try."""

    def test_la_purge_ne_scelle_pas_une_chaine_alteree(self, db):
        anciens = [evenement(quand=TestPurge.ANCIEN) for _ in range(5)]
        evenement()
        sql_hors_declencheurs("DELETE FROM journal_evenement WHERE id = %s", [anciens[2].pk])
        with pytest.raises(CommandError, match="Chaîne\\(s\\) rompue\\(s\\)"):
            call_command("journal_purge", "--wet-run", stdout=io.StringIO(), stderr=io.StringIO())
        assert not SceauPurge.objects.filter(chaine="131").exists()
        assert Evenement.objects.filter(pk=anciens[0].pk).exists()
        trace = Evenement.objects.get(type=TypeEvenement.PURGE)
        assert trace.resultat == Resultat.ECHEC and "rang 3 absent" in trace.details["ruptures"][0]
        rupture("rang 3 absent")

    def test_un_evenement_glisse_sous_un_sceau_est_trouve(self, db):
        evenement(quand=TestPurge.ANCIEN)
        evenement()
        call_command("journal_purge", "--wet-run", stdout=io.StringIO())
        sql_hors_declencheurs(
            "INSERT INTO journal_evenement (horodatage, type, resultat, motif, identifiant, acteur, caisse, "
            "numero_allocataire, rubrique, periode, details, caisse_dossier, rang, empreinte) "
            "VALUES (%s, 'connexion', 'succes', '', 'X', '', '131', '', '', '', '{}', '', 1, '')",
            [TestPurge.ANCIEN],
        )
        rupture("événement sous le sceau de purge", rang=1)

    def test_un_evenement_insere_sans_rang_est_trouve(self, db):
        evenement()
        sql_hors_declencheurs(
            "INSERT INTO journal_evenement (horodatage, type, resultat, motif, identifiant, acteur, caisse, "
            "numero_allocataire, rubrique, periode, details, caisse_dossier, empreinte) "
            "VALUES (%s, 'connexion', 'succes', '', 'X', '', '131', '', '', '', '{}', '', '')",
            [timezone.now()],
        )
        rupture("événement hors chaîne")

    def test_l_ancrage_trouve_une_fin_de_chaine_effacee_avec_sa_tete(self, db, tmp_path):
        ancrage = tmp_path / "ancrages.jsonl"
        for _ in range(4):
            evenement()
        evenement("161")
        call_command("journal_verify", "--ancrage", str(ancrage), stdout=io.StringIO())
        assert len(ancrage.read_text().splitlines()) == 2
        # The last two events of 131 go, and the head is set back to match: the chain alone is "intact".
        derniers = list(Evenement.objects.filter(caisse="131", rang__gte=3).values_list("pk", flat=True))
        for pk in derniers:
            sql_hors_declencheurs("DELETE FROM journal_evenement WHERE id = %s", [pk])
        deuxieme = Evenement.objects.get(caisse="131", rang=2)
        TeteChaine.objects.filter(chaine="131").update(rang=2, empreinte=deuxieme.empreinte)
        # …and the whole chain of 161 with its head.
        sql_hors_declencheurs("DELETE FROM journal_evenement WHERE caisse = '161'")
        TeteChaine.objects.filter(chaine="161").delete()
        assert "Journal des accès intègre." in verifier()[0]
        erreurs = io.StringIO()
        with pytest.raises(CommandError, match="2 rupture"):
            call_command("journal_verify", "--ancrage", str(ancrage), stdout=io.StringIO(), stderr=erreurs)
        assert "chaîne 131, rang 4" in erreurs.getvalue() and "chaîne 161, rang 1" in erreurs.getvalue()

    def test_un_ancrage_modifie_sans_la_cle_est_refuse(self, db, tmp_path):
        ancrage = tmp_path / "ancrages.jsonl"
        evenement()
        call_command("journal_verify", "--ancrage", str(ancrage), stdout=io.StringIO())
        ligne = ancrage.read_text().replace('"rang": 1', '"rang": 0')
        ancrage.write_text(ligne)
        with pytest.raises(CommandError):
            call_command("journal_verify", "--ancrage", str(ancrage), stdout=io.StringIO(), stderr=io.StringIO())

    def test_les_caracteres_de_mise_en_forme_sont_neutralises(self, db):
        piege = enregistrer(TypeEvenement.CONNEXION, Resultat.ECHEC, identifiant="ABC\u202eDEF\u2028G\x85")
        assert piege.identifiant == "ABC DEF G "


@seulement_postgresql
def test_le_reglage_de_maintenance_ne_sert_qu_au_role_de_maintenance(db):
    """Once `cafpro_maintenance` exists, the application's role cannot use the setting
    (roles made here are created inside the test's transaction, and vanish with it;
    `cafpro_maintenance` may already exist, made by `manage.py roles_base` for the cluster)."""
    from django.db import DatabaseError, transaction

    from cafpro.roles import MAINTENANCE, _assurer_role

    cible = evenement(motif="original")
    with connection.cursor() as curseur:
        _assurer_role(curseur, MAINTENANCE, connexion=False)
        curseur.execute("CREATE ROLE cafpro_application_test NOLOGIN")
        curseur.execute("GRANT SELECT, UPDATE ON journal_evenement TO cafpro_application_test")
        curseur.execute("SET LOCAL ROLE cafpro_application_test")
        curseur.execute("SET LOCAL cafpro.maintenance_journal = 'on'")
        with pytest.raises(DatabaseError, match="ajout seul"), transaction.atomic():
            curseur.execute("UPDATE journal_evenement SET motif = 'effacé' WHERE id = %s", [cible.pk])
        curseur.execute("RESET ROLE")
        curseur.execute("GRANT cafpro_maintenance TO cafpro_application_test")
        curseur.execute("SET LOCAL ROLE cafpro_application_test")
        curseur.execute("UPDATE journal_evenement SET motif = 'purge' WHERE id = %s", [cible.pk])
        curseur.execute("RESET ROLE")
    assert Evenement.objects.get(pk=cible.pk).motif == "purge"
