from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils import timezone

from conventions.admin import PerimetreCaisseAdmin
from journal.models import Resultat, TypeEvenement

from . import verrou_personnel
from .evenements import enregistrer_pour_compte
from .models import EtatHabilitation, Habilitation, TypeCompte, User


class EtatEffectifFilter(admin.SimpleListFilter):
    title = "état"
    parameter_name = "etat"

    def lookups(self, request, model_admin):
        return EtatHabilitation.choices

    def queryset(self, request, queryset):
        valeur = self.value()
        if valeur == EtatHabilitation.SUPPRIMEE:
            return queryset.supprimees()
        if valeur in EtatHabilitation.values:
            return queryset.filter(etat=valeur).exclude(pk__in=queryset.supprimees().values("pk"))
        return queryset


class SuppressionForm(forms.Form):
    a_compter_du = forms.DateField(
        label="Suppression de l'accès à compter du",
        initial=timezone.localdate,
        help_text="Date indiquée sur la demande de suppression d'accès (JJ/MM/AAAA).",
    )


@admin.register(Habilitation)
class HabilitationAdmin(PerimetreCaisseAdmin):
    chemin_caisse = "convention__caisse"
    list_display = [
        "identifiant",
        "nom",
        "prenom",
        "partenaire",
        "convention",
        "profil",
        "etat_affiche",
        "date_ouverture",
    ]
    list_filter = [
        EtatEffectifFilter,
        "convention__profil",
        # Only the conventions present in the gestionnaire's own list: filter by one, then
        # "select all" + reset renews every password of a convention, or of the whole Caf.
        ("convention", admin.RelatedOnlyFieldListFilter),
        "contrat",
        "convention__caisse",
    ]
    search_fields = [
        "user__username",
        "nom",
        "prenom",
        "email",
        "convention__numero",
        "convention__partenaire__raison_sociale",
    ]
    list_select_related = ["user", "convention__partenaire", "convention__caisse"]
    readonly_fields = ["identifiant", "profil", "etat_affiche", "date_ouverture", "date_suppression"]
    actions = ["ouvrir_droits", "reinitialiser_mots_de_passe", "suspendre", "reactiver", "programmer_suppression"]
    fieldsets = [
        (
            "Accès",
            {
                "fields": [
                    "identifiant",
                    "convention",
                    "profil",
                    "etat_affiche",
                    "date_demande",
                    "date_ouverture",
                    "date_suppression",
                ]
            },
        ),
        (
            "Demande d'accès au service Cafpro",
            {
                "fields": [
                    "nom",
                    "prenom",
                    "fonction",
                    "qualite_greffier",
                    "adresse_professionnelle",
                    "telephone",
                    "telecopie",
                    "email",
                    "contrat",
                ]
            },
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        # An habilitation belongs to its convention for good: another profile or partner
        # means a new demande d'accès, hence a new habilitation.
        if obj is not None:
            return [*self.readonly_fields, "convention"]
        return self.readonly_fields

    @admin.display(description="identifiant", ordering="user__username")
    def identifiant(self, obj):
        return obj.identifiant or "attribué à l'enregistrement"

    @admin.display(description="partenaire", ordering="convention__partenaire__raison_sociale")
    def partenaire(self, obj):
        return obj.convention.partenaire

    @admin.display(description="profil", ordering="convention__profil")
    def profil(self, obj):
        return obj.convention.profil if obj.convention_id else "—"

    @admin.display(description="état")
    def etat_affiche(self, obj):
        if obj.pk is None:
            return "—"
        etat = obj.etat_effectif()
        if obj.date_suppression and etat != EtatHabilitation.SUPPRIMEE:
            return f"{etat.label} (suppression le {obj.date_suppression:%d/%m/%Y})"
        return etat.label

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(
            request,
            f"Identifiant attribué : {obj.identifiant}. Ouvrez les droits (action « Ouvrir les droits ») "
            "pour éditer la lettre d'ouverture avec le mot de passe.",
            messages.SUCCESS,
        )
        return super().response_add(request, obj, post_url_continue)

    def _appliquer(self, request, queryset, operation, succes: str) -> None:
        faites = 0
        for habilitation in queryset.select_related("user", "convention__caisse"):
            try:
                operation(habilitation)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
            else:
                faites += 1
        if faites:
            self.message_user(request, f"{faites} habilitation(s) {succes}.", messages.SUCCESS)

    def _editer_lettres(self, request, queryset, emettre, succes: str, titre: str, ouverture: bool):
        lettres = []

        def operation(habilitation):
            lettres.append({"habilitation": habilitation, "mot_de_passe": emettre(habilitation)})

        self._appliquer(request, queryset, operation, succes)
        if not lettres:
            return None
        # The passwords exist only in this response (sent no-store by the admin): never in
        # the database, a message or a log.
        return TemplateResponse(
            request,
            "admin/habilitations/lettre_ouverture.html",
            {
                **self.admin_site.each_context(request),
                "title": titre,
                "lettres": lettres,
                "ouverture": ouverture,
                "validite_jours": settings.CAFPRO_ISSUED_PASSWORD_VALIDITY_DAYS,
            },
        )

    @admin.action(description="Ouvrir les droits et éditer la lettre d'ouverture")
    def ouvrir_droits(self, request, queryset):
        return self._editer_lettres(
            request,
            queryset,
            lambda h: h.ouvrir_droits(request.user, request),
            "ouverte(s)",
            "Lettres d'ouverture des droits",
            ouverture=True,
        )

    @admin.action(description="Réinitialiser le mot de passe et éditer la lettre")
    def reinitialiser_mots_de_passe(self, request, queryset):
        return self._editer_lettres(
            request,
            queryset,
            lambda h: h.reinitialiser_mot_de_passe(request.user, request),
            "dotée(s) d'un nouveau mot de passe",
            "Lettres de notification du nouveau mot de passe",
            ouverture=False,
        )

    @admin.action(description="Suspendre")
    def suspendre(self, request, queryset):
        self._appliquer(request, queryset, lambda h: h.suspendre(request.user, request), "suspendue(s)")

    @admin.action(description="Réactiver / déverrouiller")
    def reactiver(self, request, queryset):
        self._appliquer(request, queryset, lambda h: h.reactiver(request.user, request), "réactivée(s)")

    @admin.action(description="Enregistrer une demande de suppression d'accès")
    def programmer_suppression(self, request, queryset):
        form = SuppressionForm(request.POST if "appliquer" in request.POST else None)
        if form.is_valid():
            jour = form.cleaned_data["a_compter_du"]
            self._appliquer(
                request,
                queryset,
                lambda h: h.programmer_suppression(jour, request.user, request),
                f"supprimée(s) à compter du {jour:%d/%m/%Y}",
            )
            return None
        return TemplateResponse(
            request,
            "admin/habilitations/suppression.html",
            {
                **self.admin_site.each_context(request),
                "title": "Demande de suppression d'accès",
                "form": form,
                "habilitations": queryset.select_related("user"),
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
            },
        )


def verifier_rattachement(form):
    """A staff account belongs to one Caisse, unless it is a national administrator."""
    cleaned = form.cleaned_data
    superuser = cleaned.get("is_superuser", getattr(form.instance, "is_superuser", False))
    if not cleaned.get("caisse") and not superuser:
        form.add_error(
            "caisse", "Un agent de Caf est rattaché à une Caf (seuls les administrateurs nationaux ne le sont pas)."
        )


class CompteCafCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ["username", "caisse", "role"]

    def clean(self):
        cleaned = super().clean()
        verifier_rattachement(self)
        return cleaned


class CompteCafChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        verifier_rattachement(self)
        return cleaned


@admin.register(User)
class CompteCafAdmin(DjangoUserAdmin):
    """Caf staff accounts, managed by national administrators. Partner accounts are
    managed through their habilitation, never here."""

    form = CompteCafChangeForm
    add_form = CompteCafCreationForm
    list_display = ["username", "last_name", "first_name", "caisse", "role", "is_active", "blocage"]
    list_filter = ["role", "caisse", "is_active", "is_superuser"]
    search_fields = ["username", "last_name", "first_name", "email"]
    ordering = ["username"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("Identité", {"fields": ["first_name", "last_name", "email"]}),
        ("Rattachement", {"fields": ["caisse", "role"]}),
        ("Droits", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "caisse", "role", "usable_password", "password1", "password2"],
            },
        ),
    ]
    filter_horizontal = []

    actions = ["debloquer_connexion"]

    def get_queryset(self, request):
        comptes = super().get_queryset(request).filter(type_compte=TypeCompte.AGENT_CAF)
        if request.user.is_superuser:
            return comptes
        # Colleagues of one's own Caf, for unlocking a blocked login; nobody else.
        return comptes.filter(caisse_id=request.user.caisse_id) if request.user.caisse_id else comptes.none()

    @admin.display(description="connexion")
    def blocage(self, obj):
        return "bloquée" if verrou_personnel.est_bloque(obj.username) else "—"

    @admin.action(description="Débloquer la connexion")
    def debloquer_connexion(self, request, queryset):
        for compte in queryset:
            if compte.pk == request.user.pk:
                continue
            verrou_personnel.effacer(compte.username)
            enregistrer_pour_compte(
                TypeEvenement.GESTION,
                Resultat.SUCCES,
                compte,
                request=request,
                motif=f"déblocage de la connexion de {compte.username}",
                acteur=request.user.username,
            )
        self.message_user(request, "Connexion débloquée.", messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.type_compte = TypeCompte.AGENT_CAF
            obj.is_staff = True
        super().save_model(request, obj, form, change)

    def has_module_permission(self, request):
        return request.user.is_superuser or bool(getattr(request.user, "caisse_id", None))

    def has_view_permission(self, request, obj=None):
        if request.user.is_superuser:
            return True
        caisse_id = getattr(request.user, "caisse_id", None)
        return bool(caisse_id) and (obj is None or obj.caisse_id == caisse_id)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False
