"""The reviews in the admin: read by the gestionnaires of the Caf, written by nobody there (the
responsable answers in his space, the daily command opens and closes)."""

from django.contrib import admin

from conventions.admin import PerimetreCaisseAdmin
from journal.ecriture import enregistrer
from journal.models import Resultat, TypeEvenement

from .models import Campagne, Confirmation, ReglageRevue


class LectureSeuleMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ConfirmationInline(LectureSeuleMixin, admin.TabularInline):
    model = Confirmation
    fields = ["habilitation", "decision", "decidee_le", "decidee_par"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        # Shown to whoever may see the campaign (its admin checks the Caisse).
        return PerimetreCaisseAdmin._gere(request)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("habilitation__user", "decidee_par")


@admin.register(Campagne)
class CampagneAdmin(LectureSeuleMixin, PerimetreCaisseAdmin):
    chemin_caisse = "convention__caisse"
    list_display = [
        "convention",
        "partenaire",
        "annee",
        "date_ouverture",
        "date_limite",
        "etat",
        "confirmes",
        "a_confirmer",
        "suspendus",
    ]
    list_filter = ["etat", "annee"]
    search_fields = ["convention__numero", "convention__partenaire__raison_sociale"]
    fields = ["convention", "annee", "date_ouverture", "date_limite", "etat", "cloturee_le"]
    readonly_fields = fields
    inlines = [ConfirmationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("convention__partenaire").avec_avancement()

    @admin.display(description="partenaire", ordering="convention__partenaire__raison_sociale")
    def partenaire(self, obj):
        return obj.convention.partenaire.raison_sociale

    @admin.display(description="confirmés", ordering="nb_confirmes")
    def confirmes(self, obj):
        return obj.nb_confirmes

    @admin.display(description="à confirmer", ordering="nb_a_confirmer")
    def a_confirmer(self, obj):
        return obj.nb_a_confirmer

    @admin.display(description="suspendus", ordering="nb_suspendus")
    def suspendus(self, obj):
        return obj.nb_suspendus


@admin.register(ReglageRevue)
class ReglageRevueAdmin(PerimetreCaisseAdmin):
    """The gestionnaire chooses his Caf's review day; the change is journaled."""

    list_display = ["caisse", "jour", "modifie_le"]
    fields = ["caisse", "jour"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        enregistrer(
            TypeEvenement.REVUE,
            Resultat.SUCCES,
            request=request,
            motif="jour de la revue annuelle des accès",
            acteur=request.user.username,
            caisse=obj.caisse.numero,
            details={"jour": obj.jour or "anniversaire"},
        )
