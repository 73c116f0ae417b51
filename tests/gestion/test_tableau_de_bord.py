"""The gestionnaire's home page: what needs doing today, each count a link to its list."""

import re
from datetime import timedelta

from django.utils import timezone

from conventions.dates import ajouter_annees
from habilitations.models import EtatHabilitation, User
from tests.conftest import connecter_au_admin
from tests.factories import ConventionFactory, HabilitationFactory, StaffFactory
from tests.outils import texte

ACCUEIL = "/gestion/"


def compte(page: str, cle: str) -> tuple[int, str]:
    ligne = re.search(rf'id="a-faire-{cle}".*?href="([^"]+)".*?class="nombre">(\d+)<', page, re.S)
    return int(ligne.group(2)), ligne.group(1).replace("&amp;", "&")


def noms(client, lien: str) -> set[str]:
    return {o.nom for o in client.get(lien).context["cl"].result_list}


def test_chaque_compte_mene_a_sa_liste(admin_131, caf_131, caf_161):
    jour = timezone.localdate()
    maintenant = timezone.now()
    # Its dénonciation limit is months away: only ECHEANCE below is in the window.
    base = ConventionFactory(caisse=caf_131, numero="BASE", date_effet=ajouter_annees(jour, -1) + timedelta(days=200))
    HabilitationFactory(convention=base, nom="DEMANDEE", etat=EtatHabilitation.DEMANDEE)
    HabilitationFactory(convention=base, nom="VERROUILLEE", etat=EtatHabilitation.VERROUILLEE)
    inactive = HabilitationFactory(convention=base, nom="INACTIVE")
    inactive.user.last_login = maintenant - timedelta(days=200)
    inactive.user.save()
    recente = HabilitationFactory(convention=base, nom="RECENTE")
    recente.user.last_login = maintenant - timedelta(days=2)
    recente.user.save()
    HabilitationFactory(convention=base, nom="PROVISOIRE", mot_de_passe_provisoire_le=maintenant)
    HabilitationFactory(convention=base, nom="EXPIRE", mot_de_passe_provisoire_le=maintenant - timedelta(days=30))
    HabilitationFactory(convention=base, nom="PARTANTE", date_suppression=jour + timedelta(days=10))
    HabilitationFactory(convention=base, nom="LOINTAINE", date_suppression=jour + timedelta(days=90))
    ConventionFactory(caisse=caf_131, numero="ECHEANCE", date_effet=ajouter_annees(jour, -1) + timedelta(days=92))
    ConventionFactory(caisse=caf_131, numero="PROJET", non_signee=True)
    # Everybody but INACTIVE logged in lately.
    User.objects.exclude(pk=inactive.user_id).update(last_login=maintenant - timedelta(days=1))
    # Another Caf's records never count.
    HabilitationFactory(convention__caisse=caf_161, nom="AILLEURS", etat=EtatHabilitation.DEMANDEE)

    page = texte(admin_131.get(ACCUEIL))
    assert "À faire aujourd'hui — Caf 131" in page
    attendus = {
        "demandes": {"DEMANDEE"},
        "verrouillees": {"VERROUILLEE"},
        "inactives": {"INACTIVE"},
        "provisoires_en_attente": {"PROVISOIRE"},
        "provisoires_expires": {"EXPIRE"},
        "fin_prochaine": {"PARTANTE"},
    }
    for cle, attendu in attendus.items():
        nombre, lien = compte(page, cle)
        assert nombre == len(attendu), cle
        assert noms(admin_131, lien) == attendu, cle

    nombre, lien = compte(page, "fenetre_denonciation")
    assert nombre == 1
    assert [c.numero for c in admin_131.get(lien).context["cl"].result_list] == ["ECHEANCE"]
    nombre, lien = compte(page, "non_signees")
    assert [c.numero for c in admin_131.get(lien).context["cl"].result_list] == ["PROJET"]


def test_un_responsable_securite_n_a_pas_ce_tableau(client, caf_131):
    officier = StaffFactory(username="securite.t131", role="securite", caisse=caf_131)
    page = texte(connecter_au_admin(client, officier).get(ACCUEIL))
    assert "À faire aujourd'hui" not in page


def test_un_mot_de_passe_programme_arrive_a_sa_date_compte_comme_provisoire(admin_131, caf_131):
    from habilitations.models import Habilitation

    jour = timezone.localdate()
    a_venir = HabilitationFactory(convention__caisse=caf_131, nom="AVENIR")
    a_venir.programmer_mot_de_passe(jour + timedelta(days=5), a_venir.user)
    en_service = HabilitationFactory(convention__caisse=caf_131, nom="ENSERVICE")
    en_service.programmer_mot_de_passe(jour + timedelta(days=5), en_service.user)
    Habilitation.objects.filter(pk=en_service.pk).update(mot_de_passe_programme_le=jour)

    page = texte(admin_131.get(ACCUEIL))
    assert noms(admin_131, compte(page, "programmes")[1]) == {"AVENIR"}
    assert noms(admin_131, compte(page, "provisoires_en_attente")[1]) == {"ENSERVICE"}
