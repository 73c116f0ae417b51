"""Duration, dénonciation, résiliation, state and scope of a convention.

Sources: `01-convention-caf13-metropole-aix-marseille-2018-T13.txt` art. 5 (non-respect des
obligations: the Caf may end the convention immediately) and art. 6 (« prend effet le
13.03.2018 pour une durée d'un an. Elle se renouvelle par tacite reconduction par période d'un
an … pourra être dénoncée … deux mois avant l'échéance annuelle »); `03-…` art. 4 and 5 (same
rules); `02-…` II.2 and manual Cafpro V5 "Cinématique" (locale / multi-Caf / nationale accesses).
"""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conventions.dates import ajouter_annees, ajouter_mois
from conventions.models import CMAF, Caisse, Convention, EtatConvention, Portee
from tests.factories import ConventionFactory, PartenaireFactory, caisse

# 01-… art. 6: « La présente convention prend effet le 13.03.2018 ».
EFFET_AMP = date(2018, 3, 13)


def convention(date_effet=EFFET_AMP, **champs) -> Convention:
    """An unsaved convention, for the pure date rules."""
    return Convention(date_effet=date_effet, **champs)


# --- Échéance annuelle (01-… art. 6: one year, renewed tacitly by one-year periods) --------


@pytest.mark.parametrize(
    ("jour", "echeance"),
    [
        (date(2018, 3, 13), date(2019, 3, 13)),  # the effective date itself: first year runs
        (date(2019, 3, 12), date(2019, 3, 13)),  # the eve of the first anniversary
        (date(2019, 3, 13), date(2020, 3, 13)),  # on the anniversary: the next period starts
        (date(2019, 3, 14), date(2020, 3, 13)),
        (date(2025, 1, 1), date(2025, 3, 13)),
        (date(2025, 12, 31), date(2026, 3, 13)),
        (date(2040, 3, 13), date(2041, 3, 13)),
    ],
)
def test_echeance_suivante(jour, echeance):
    assert convention().echeance_suivante(jour) == echeance


@pytest.mark.parametrize(
    ("jour", "echeance"),
    [
        (date(2024, 2, 29), date(2025, 2, 28)),  # no 29 February in 2025: last day of February
        (date(2025, 2, 27), date(2025, 2, 28)),
        (date(2025, 2, 28), date(2026, 2, 28)),
        (date(2027, 3, 1), date(2028, 2, 29)),  # leap year again: back to the 29th
        (date(2028, 2, 28), date(2028, 2, 29)),
        (date(2028, 2, 29), date(2029, 2, 28)),
    ],
)
def test_echeance_suivante_date_d_effet_29_fevrier(jour, echeance):
    assert convention(date(2024, 2, 29)).echeance_suivante(jour) == echeance


def test_echeance_suivante_toujours_strictement_apres_le_jour_et_anniversaire():
    c = convention()
    jour = date(2018, 3, 13)
    while jour < date(2023, 3, 13):
        echeance = c.echeance_suivante(jour)
        assert jour < echeance <= ajouter_annees(jour, 1)
        assert (echeance.month, echeance.day) == (3, 13)
        jour += timedelta(days=17)


# --- Dénonciation: two months before the annual anniversary (01-… art. 6, 03-… art. 5) ----


def test_denonciation_exactement_deux_mois_avant_l_echeance():
    # Échéance 13/03/2025, notified 13/01/2025: on time, the convention ends at the échéance.
    assert convention().fin_par_denonciation(date(2025, 1, 13)) == date(2025, 3, 13)


def test_denonciation_bien_avant_l_echeance():
    assert convention().fin_par_denonciation(date(2024, 3, 13)) == date(2025, 3, 13)
    assert convention().fin_par_denonciation(date(2024, 10, 2)) == date(2025, 3, 13)


def test_denonciation_pendant_la_premiere_annee():
    # The first period is also « une durée d'un an »: it ends on 13/03/2019.
    assert convention().fin_par_denonciation(date(2018, 6, 1)) == date(2019, 3, 13)


def test_denonciation_le_lendemain_de_la_limite_refusee():
    with pytest.raises(ValidationError) as exc:
        convention().fin_par_denonciation(date(2025, 1, 14))
    message = exc.value.message_dict["date_denonciation"][0]
    assert message.startswith("Dénonciation trop tardive : notifiée le 14/01/2025")
    assert "au plus tard le 13/01/2025" in message
    assert "deux mois avant l'échéance annuelle du 13/03/2025" in message
    # It is refused, not rolled over silently; the message says what would work.
    assert "notifiée au plus tard le 13/01/2026 mettra fin à la convention le 13/03/2026" in message


def test_denonciation_la_veille_de_l_echeance_refusee():
    with pytest.raises(ValidationError):
        convention().fin_par_denonciation(date(2025, 3, 12))


def test_denonciation_le_jour_de_l_echeance_vaut_pour_la_suivante():
    # On 13/03/2025 the period 2025–2026 has begun: the next échéance is 13/03/2026.
    assert convention().fin_par_denonciation(date(2025, 3, 13)) == date(2026, 3, 13)


def test_limite_deux_mois_en_fin_de_mois():
    # Effective on 30 April: two months before 30/04 is 28 or 29 February… it is not 30/02.
    c = convention(date(2023, 4, 30))
    assert c.fin_par_denonciation(date(2024, 2, 29)) == date(2024, 4, 30)
    with pytest.raises(ValidationError):
        c.fin_par_denonciation(date(2024, 3, 1))


def test_message_de_denonciation_tardive_et_29_fevrier():
    # Regression: the suggested next échéance was échéance + 1 year, so after a 28 February
    # échéance a 29 February effective date lost its 29th (28/02/2028 instead of 29/02/2028).
    c = convention(date(2024, 2, 29))
    with pytest.raises(ValidationError) as exc:
        c.fin_par_denonciation(date(2027, 1, 1))  # échéance 28/02/2027, limit 28/12/2026
    message = exc.value.message_dict["date_denonciation"][0]
    # What the model itself will do with a later notice:
    assert c.fin_par_denonciation(date(2027, 12, 29)) == date(2028, 2, 29)
    assert "notifiée au plus tard le 29/12/2027 mettra fin à la convention le 29/02/2028" in message


# --- État of a convention (with a fixed day) ------------------------------------------------


@pytest.mark.django_db
class TestEtat:
    def test_en_attente_puis_en_vigueur(self):
        c = ConventionFactory(date_effet=date(2024, 3, 13))
        assert c.date_fin is None
        assert c.etat(jour=date(2024, 3, 12)) == EtatConvention.EN_ATTENTE
        assert c.etat(jour=date(2024, 3, 13)) == EtatConvention.EN_VIGUEUR
        assert c.etat(jour=date(2030, 1, 1)) == EtatConvention.EN_VIGUEUR  # tacit renewal, no end
        assert not c.est_active(date(2024, 3, 12))
        assert c.est_active(date(2024, 3, 13))

    def test_denoncee_en_fin_puis_terminee(self):
        c = ConventionFactory(date_effet=date(2024, 3, 13), date_denonciation=date(2025, 1, 10), denonciation_par="caf")
        assert c.date_fin == date(2025, 3, 13)
        assert c.etat(jour=date(2025, 1, 10)) == EtatConvention.EN_FIN
        assert c.etat(jour=date(2025, 3, 12)) == EtatConvention.EN_FIN
        assert c.est_active(date(2025, 3, 12))
        assert c.etat(jour=date(2025, 3, 13)) == EtatConvention.TERMINEE
        assert not c.est_active(date(2025, 3, 13))

    def test_resiliation_immediate(self):
        # 01-… art. 5: « mettre un terme immédiatement à la présente convention ».
        c = ConventionFactory(
            date_effet=date(2024, 3, 13), date_resiliation=date(2024, 6, 5), motif_resiliation="Consultations abusives"
        )
        assert c.date_fin == date(2024, 6, 5)
        assert c.etat(jour=date(2024, 6, 5)) == EtatConvention.TERMINEE
        assert not c.est_active(date(2024, 6, 5))

    def test_etat_par_defaut_aujourd_hui(self):
        aujourd_hui = timezone.localdate()
        assert ConventionFactory(date_effet=aujourd_hui).etat() == EtatConvention.EN_VIGUEUR
        assert ConventionFactory(date_effet=aujourd_hui + timedelta(days=1)).etat() == EtatConvention.EN_ATTENTE
        resiliee = ConventionFactory(
            date_effet=aujourd_hui - timedelta(days=30), date_resiliation=aujourd_hui, motif_resiliation="Manquement"
        )
        assert resiliee.etat() == EtatConvention.TERMINEE


# --- save() derives date_fin ----------------------------------------------------------------


@pytest.mark.django_db
class TestDateFin:
    def test_save_calcule_date_fin_de_la_denonciation(self):
        c = ConventionFactory(date_effet=date(2024, 3, 13))
        assert c.date_fin is None
        c.date_denonciation = date(2024, 12, 1)
        c.denonciation_par = "partenaire"
        c.save()
        c.refresh_from_db()
        assert c.date_fin == date(2025, 3, 13)

    def test_date_fin_saisie_a_la_main_est_ecrasee(self):
        c = ConventionFactory(date_effet=date(2024, 3, 13))
        c.date_fin = date(2024, 4, 1)
        c.save()
        c.refresh_from_db()
        assert c.date_fin is None

    def test_resiliation_plus_tot_que_la_fin_par_denonciation(self):
        c = ConventionFactory(
            date_effet=date(2024, 3, 13),
            date_denonciation=date(2024, 12, 1),
            denonciation_par="caf",
            date_resiliation=date(2025, 1, 20),
            motif_resiliation="Non-respect du secret professionnel",
        )
        assert c.date_fin == date(2025, 1, 20)

    def test_denonciation_plus_tot_que_la_resiliation(self):
        c = ConventionFactory(
            date_effet=date(2024, 3, 13),
            date_denonciation=date(2024, 4, 1),
            denonciation_par="caf",
            date_resiliation=date(2025, 6, 1),
            motif_resiliation="Manquement",
        )
        assert c.date_fin == date(2025, 3, 13)

    def test_une_denonciation_notifiee_ne_se_retire_pas(self):
        # Notified to the other party: final (issue 11), so its end date stays.
        c = ConventionFactory(date_effet=date(2024, 3, 13), date_denonciation=date(2024, 12, 1), denonciation_par="caf")
        c.date_denonciation = None
        c.denonciation_par = ""
        with pytest.raises(ValidationError):
            c.save()
        c.refresh_from_db()
        assert c.date_fin == date(2025, 3, 13)

    def test_save_update_fields_ecrit_aussi_date_fin(self):
        c = ConventionFactory(date_effet=date(2024, 3, 13))
        c.date_resiliation = date(2024, 9, 1)
        c.motif_resiliation = "Manquement"
        c.save(update_fields=["date_resiliation", "motif_resiliation"])
        assert Convention.objects.get(pk=c.pk).date_fin == date(2024, 9, 1)

    def test_save_refuse_une_denonciation_tardive(self):
        c = ConventionFactory(date_effet=date(2024, 3, 13))
        c.date_denonciation = date(2025, 2, 1)
        c.denonciation_par = "caf"
        with pytest.raises(ValidationError):
            c.save()
        assert Convention.objects.get(pk=c.pk).date_denonciation is None


# --- clean(): relative to today ---------------------------------------------------------------


@pytest.mark.django_db
class TestClean:
    @pytest.fixture
    def aujourd_hui(self):
        return timezone.localdate()

    @pytest.fixture
    def en_vigueur(self, aujourd_hui):
        # Started a month ago: the first échéance is eleven months away.
        return ConventionFactory(date_effet=ajouter_mois(aujourd_hui, -1))

    def erreurs(self, c) -> dict:
        with pytest.raises(ValidationError) as exc:
            c.full_clean()
        return exc.value.message_dict

    def test_convention_valide(self, en_vigueur):
        en_vigueur.full_clean()

    def test_denonciation_valide_aujourd_hui(self, en_vigueur, aujourd_hui):
        en_vigueur.date_denonciation = aujourd_hui
        en_vigueur.denonciation_par = "partenaire"
        en_vigueur.full_clean()
        en_vigueur.save()
        assert en_vigueur.date_fin == ajouter_annees(en_vigueur.date_effet, 1)
        assert en_vigueur.etat() == EtatConvention.EN_FIN

    def test_denonciation_future_refusee(self, en_vigueur, aujourd_hui):
        en_vigueur.date_denonciation = aujourd_hui + timedelta(days=1)
        en_vigueur.denonciation_par = "caf"
        assert self.erreurs(en_vigueur)["date_denonciation"] == [
            "La date de notification de la dénonciation ne peut pas être future."
        ]

    def test_denonciation_tardive_refusee(self, aujourd_hui):
        # Échéance about a month away: the two-month notice is no longer possible.
        c = ConventionFactory(date_effet=ajouter_mois(aujourd_hui, -11))
        c.date_denonciation = aujourd_hui
        c.denonciation_par = "caf"
        assert self.erreurs(c)["date_denonciation"][0].startswith("Dénonciation trop tardive")

    def test_denonciation_sans_partie_refusee(self, en_vigueur, aujourd_hui):
        en_vigueur.date_denonciation = aujourd_hui
        assert self.erreurs(en_vigueur) == {"denonciation_par": ["Indiquez quelle partie a dénoncé la convention."]}

    def test_partie_sans_date_refusee(self, en_vigueur):
        en_vigueur.denonciation_par = "caf"
        assert self.erreurs(en_vigueur) == {
            "date_denonciation": ["Indiquez la date à laquelle la dénonciation a été notifiée."]
        }

    def test_resiliation_future_refusee(self, en_vigueur, aujourd_hui):
        en_vigueur.date_resiliation = aujourd_hui + timedelta(days=1)
        en_vigueur.motif_resiliation = "Manquement"
        assert self.erreurs(en_vigueur)["date_resiliation"] == [
            "La résiliation pour manquement est immédiate : sa date ne peut pas être future."
        ]

    def test_resiliation_avant_la_date_d_effet_refusee(self, en_vigueur):
        en_vigueur.date_resiliation = en_vigueur.date_effet - timedelta(days=1)
        en_vigueur.motif_resiliation = "Manquement"
        assert self.erreurs(en_vigueur)["date_resiliation"] == ["La résiliation ne peut pas précéder la date d'effet."]

    def test_resiliation_sans_motif_refusee(self, en_vigueur, aujourd_hui):
        en_vigueur.date_resiliation = aujourd_hui
        en_vigueur.motif_resiliation = "   "
        assert self.erreurs(en_vigueur)["motif_resiliation"] == ["Indiquez le manquement qui justifie la résiliation."]

    def test_resiliation_valide(self, en_vigueur, aujourd_hui):
        en_vigueur.date_resiliation = aujourd_hui
        en_vigueur.motif_resiliation = "Divulgation d'informations à des tiers (03-… art. 3)"
        en_vigueur.full_clean()
        en_vigueur.save()
        assert en_vigueur.date_fin == aujourd_hui
        assert en_vigueur.etat() == EtatConvention.TERMINEE

    def test_partenaire_d_une_autre_caf_refuse(self, en_vigueur):
        en_vigueur.partenaire = PartenaireFactory(caisse=caisse("161"))
        message = self.erreurs(en_vigueur)["partenaire"][0]
        assert message == (
            "Ce partenaire est suivi par la Caf de la Charente : la convention doit être signée avec cette Caf."
        )


# --- ConventionQuerySet.etat() agrees with Convention.etat() --------------------------------


@pytest.mark.django_db
def test_filtres_du_queryset_conformes_a_etat():
    conventions = [
        ConventionFactory(date_effet=date(2024, 3, 13)),  # en vigueur, no end
        ConventionFactory(date_effet=date(2025, 6, 1)),  # starts later
        ConventionFactory(date_effet=date(2024, 3, 13), date_denonciation=date(2024, 11, 2), denonciation_par="caf"),
        ConventionFactory(
            date_effet=date(2024, 3, 13), date_resiliation=date(2024, 10, 1), motif_resiliation="Manquement"
        ),
        ConventionFactory(
            date_effet=date(2024, 9, 1), date_resiliation=date(2024, 9, 1), motif_resiliation="Manquement"
        ),  # résiliée on its first day
        ConventionFactory(date_effet=date(2024, 3, 13), non_signee=True),  # no access without signatures
    ]
    jours = [
        date(2024, 3, 12),
        date(2024, 3, 13),
        date(2024, 8, 31),
        date(2024, 9, 1),
        date(2024, 9, 30),
        date(2024, 10, 1),
        date(2025, 3, 12),
        date(2025, 3, 13),
        date(2025, 5, 31),
        date(2025, 6, 1),
    ]
    vus = set()
    for jour in jours:
        for etat in EtatConvention:
            attendu = {c.pk for c in conventions if c.etat(jour=jour) == etat}
            assert set(Convention.objects.etat(etat, jour=jour).values_list("pk", flat=True)) == attendu, (jour, etat)
            vus |= {etat} if attendu else set()
        actives = {c.pk for c in conventions if c.est_active(jour)}
        assert set(Convention.objects.actives(jour).values_list("pk", flat=True)) == actives, jour
    # The sample really covers every state.
    assert vus == set(EtatConvention)


@pytest.mark.django_db
def test_filtre_etat_accepte_la_valeur_texte():
    # The admin filter passes the raw query-string value ("terminee"), not the enum member.
    terminee = ConventionFactory(
        date_effet=date(2024, 3, 13), date_resiliation=date(2024, 10, 1), motif_resiliation="Manquement"
    )
    ConventionFactory(date_effet=date(2024, 3, 13))
    assert list(Convention.objects.etat("terminee", jour=date(2025, 1, 1))) == [terminee]


@pytest.mark.django_db
def test_filtre_etat_par_defaut_aujourd_hui():
    aujourd_hui = timezone.localdate()
    future = ConventionFactory(date_effet=aujourd_hui + timedelta(days=1))
    courante = ConventionFactory(date_effet=aujourd_hui)
    assert list(Convention.objects.etat(EtatConvention.EN_ATTENTE)) == [future]
    assert list(Convention.objects.etat(EtatConvention.EN_VIGUEUR)) == [courante]


# --- Scope of access (02-… II.2, manual "Cinématique") ----------------------------------------


@pytest.mark.django_db
class TestCaissesAccessibles:
    def test_locale_la_seule_caf_signataire(self, caf_131):
        c = ConventionFactory(caisse=caf_131)
        assert list(c.caisses_accessibles()) == [caf_131]

    def test_multi_caf_signataire_et_caf_listees(self, caf_131):
        c = ConventionFactory(caisse=caf_131, multi_caf=True, caisses_multi=["161", "171"])
        assert c.portee == Portee.MULTI_CAF
        assert sorted(c.caisses_accessibles().values_list("numero", flat=True)) == ["131", "161", "171"]

    def test_multi_caf_signataire_aussi_listee_sans_doublon(self, caf_131):
        c = ConventionFactory(caisse=caf_131, multi_caf=True, caisses_multi=["131", "541"])
        assert sorted(c.caisses_accessibles().values_list("numero", flat=True)) == ["131", "541"]

    def test_multi_caf_n_inclut_pas_les_caf_d_une_autre_convention(self, caf_131):
        c = ConventionFactory(caisse=caf_131, multi_caf=True, caisses_multi=["161"])
        ConventionFactory(caisse=caf_131, multi_caf=True, caisses_multi=["974"])
        assert sorted(c.caisses_accessibles().values_list("numero", flat=True)) == ["131", "161"]

    def test_nationale_toutes_les_caisses_cmaf_comprise(self, caf_131):
        c = ConventionFactory(caisse=caf_131, nationale=True)
        accessibles = c.caisses_accessibles()
        assert accessibles.count() == 123
        assert accessibles.filter(numero=CMAF).exists()
        assert set(accessibles.values_list("pk", flat=True)) == set(Caisse.objects.values_list("pk", flat=True))

    def test_verifier_caisses_multi(self):
        Convention.verifier_caisses_multi(Portee.MULTI_CAF, [caisse("161")])
        Convention.verifier_caisses_multi(Portee.LOCALE, [])
        with pytest.raises(ValidationError) as exc:
            Convention.verifier_caisses_multi(Portee.MULTI_CAF, [])
        assert exc.value.message_dict == {
            "caisses_multi": ["Une convention multi-Caf doit indiquer les Caf couvertes."]
        }
        with pytest.raises(ValidationError) as exc:
            Convention.verifier_caisses_multi(Portee.NATIONALE, [caisse("161")])
        assert exc.value.message_dict == {
            "caisses_multi": ["La liste des Caf couvertes ne concerne que les conventions multi-Caf."]
        }
