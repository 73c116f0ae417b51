"""What a Caf gestionnaire has to do today: the counts of his home page, each one a filter
of the admin's lists (the same querysets, so a count and its list never disagree)."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from conventions.models import Convention, EtatConvention

from .models import EtatHabilitation, Habilitation

# "Habilitations unused for six months" (issue 11): about 183 days.
INACTIVITE = timedelta(days=183)
# Accesses ending soon, because of their convention or of a deletion date.
FIN_PROCHAINE = timedelta(days=30)


def _validite_provisoire() -> timedelta:
    return timedelta(days=settings.CAFPRO_ISSUED_PASSWORD_VALIDITY_DAYS)


def demandes(qs):
    return qs.etat_effectif(EtatHabilitation.DEMANDEE)


def inactives(qs):
    return qs.etat_effectif(EtatHabilitation.ACTIVE).filter(
        Q(user__last_login__lt=timezone.now() - INACTIVITE)
        | Q(user__last_login__isnull=True, date_ouverture__lte=timezone.localdate() - INACTIVITE)
    )


# A planned password whose date has come is in service (it is written in at the next login):
# from that date it counts as a provisional password issued by the Caf.
def provisoires_en_attente(qs):
    jour = timezone.localdate()
    return qs.en_cours().filter(
        Q(
            mot_de_passe_provisoire_le__gte=timezone.now() - _validite_provisoire(),
            mot_de_passe_provisoire_utilise_le__isnull=True,
        )
        | Q(mot_de_passe_programme_le__lte=jour, mot_de_passe_programme_le__gte=jour - _validite_provisoire())
    )


def provisoires_expires(qs):
    """Expired unused, or spent: used once by a session that ended without replacing it."""
    jour = timezone.localdate()
    return qs.en_cours().filter(
        Q(mot_de_passe_provisoire_le__lt=timezone.now() - _validite_provisoire())
        | Q(mot_de_passe_provisoire_le__isnull=False, mot_de_passe_provisoire_utilise_le__isnull=False)
        | Q(mot_de_passe_programme_le__lt=jour - _validite_provisoire())
    )


def verrouillees(qs):
    return qs.etat_effectif(EtatHabilitation.VERROUILLEE)


def fin_prochaine(qs):
    jour = timezone.localdate()
    limite = jour + FIN_PROCHAINE
    return qs.en_cours().filter(
        Q(date_suppression__gt=jour, date_suppression__lte=limite)
        | Q(convention__date_fin__gt=jour, convention__date_fin__lte=limite)
    )


def mots_de_passe_programmes(qs):
    """Notified, not yet in service."""
    return qs.en_cours().filter(mot_de_passe_programme_le__gt=timezone.localdate())


A_SUIVRE = {
    "demandes": ("demandes d'accès en attente d'ouverture", demandes),
    "inactives": ("habilitations inutilisées depuis six mois", inactives),
    "provisoires_en_attente": ("mots de passe provisoires pas encore utilisés", provisoires_en_attente),
    "provisoires_expires": ("mots de passe provisoires expirés ou déjà utilisés", provisoires_expires),
    "verrouillees": ("comptes verrouillés", verrouillees),
    "fin_prochaine": ("accès qui prennent fin dans les 30 jours", fin_prochaine),
    "programmes": ("nouveaux mots de passe programmés", mots_de_passe_programmes),
}

A_SUIVRE_CONVENTIONS = {
    "fenetre_denonciation": (
        "conventions dont la date limite de dénonciation tombe dans les deux mois",
        lambda qs: qs.dans_la_fenetre_de_denonciation(),
    ),
    "non_signees": ("conventions en attente de signature", lambda qs: qs.etat(EtatConvention.NON_SIGNEE)),
}


def a_faire(caisse_id) -> list[dict]:
    """One row per count of the home page, with the link to its filtered list."""
    habilitations = Habilitation.objects.de_la_caisse(caisse_id)
    conventions = Convention.objects.filter(caisse_id=caisse_id)
    liste_h = reverse("admin:habilitations_habilitation_changelist")
    liste_c = reverse("admin:conventions_convention_changelist")
    lignes = [
        {"cle": cle, "libelle": libelle, "nombre": filtre(conventions).count(), "url": f"{liste_c}?a_suivre={cle}"}
        for cle, (libelle, filtre) in A_SUIVRE_CONVENTIONS.items()
    ]
    lignes += [
        {"cle": cle, "libelle": libelle, "nombre": filtre(habilitations).count(), "url": f"{liste_h}?a_suivre={cle}"}
        for cle, (libelle, filtre) in A_SUIVRE.items()
    ]
    return lignes
