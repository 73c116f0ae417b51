import uuid

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone

from documents.admin import liste_des_documents
from documents.emission import emettre
from documents.models import DocumentEmis, Nature
from journal.ecriture import enregistrer
from journal.models import Resultat, TypeEvenement

from . import courriers
from .models import (
    CHAMPS_CONVENUS,
    CHAMPS_DENONCIATION,
    CHAMPS_SIGNATURE,
    Caisse,
    Convention,
    DesignationResponsable,
    EtatConvention,
    Partenaire,
    ReseauDeConfiance,
    RoutageCodePostal,
    aujourd_hui,
)
from .validators import normaliser_siret


def emettre_par(request, lot, nature, titre_blocs: tuple[str, list], *, caisse: str, **cles):
    """Issue one document of an admin action's lot, in the gestionnaire's name."""
    titre, blocs = titre_blocs
    return emettre(nature, titre, blocs, caisse=caisse, acteur=request.user.username, request=request, lot=lot, **cles)


class PerimetreCaisseAdmin(admin.ModelAdmin):
    """Caf gestionnaires see and change only their own Caisse's records (deny by default).

    `chemin_caisse` is the lookup from the model to its Caisse. Superusers (national
    administrators) see everything; any other staff account — a security officer, say —
    sees nothing here.
    """

    chemin_caisse = "caisse"
    # Foreign keys whose choices are restricted to the gestionnaire's Caisse, with the lookup
    # from the target model to its Caisse.
    choix_limites = {"caisse": "pk", "partenaire": "caisse", "convention": "caisse"}

    @staticmethod
    def _gere(request) -> bool:
        user = request.user
        return user.is_superuser or getattr(user, "est_gestionnaire", False)

    def _dans_perimetre(self, request, obj) -> bool:
        if obj is None or request.user.is_superuser:
            return True
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        if not self._gere(request):
            return queryset.none()
        return queryset.filter(**{self.chemin_caisse: request.user.caisse_id})

    def has_module_permission(self, request):
        return self._gere(request)

    def has_view_permission(self, request, obj=None):
        return self._gere(request) and self._dans_perimetre(request, obj)

    def has_add_permission(self, request):
        return self._gere(request)

    def has_change_permission(self, request, obj=None):
        return self._gere(request) and self._dans_perimetre(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Partners, conventions and habilitations are evidence for the journal: they end
        # (dénonciation, suppression) but are not deleted.
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        lookup = self.choix_limites.get(db_field.name)
        if lookup and not request.user.is_superuser:
            kwargs["queryset"] = db_field.related_model._default_manager.filter(**{lookup: request.user.caisse_id})
            if db_field.name == "caisse":
                kwargs["initial"] = request.user.caisse_id
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Every change a gestionnaire makes is in the journal, with the fields it touched.
        nom = obj._meta.verbose_name
        self.journaliser(
            request,
            f"{'modification' if change else 'création'} : {nom} {obj}",
            self.caisse_de(obj),
            objet=f"{obj._meta.label_lower}:{obj.pk}",
            champs=sorted(form.changed_data),
        )

    def caisse_de(self, obj) -> str:
        caisse = obj
        for etape in self.chemin_caisse.split("__"):
            caisse = getattr(caisse, etape)
        return caisse.numero

    def journaliser(self, request, motif: str, caisse: str, **details) -> None:
        enregistrer(
            TypeEvenement.GESTION,
            Resultat.SUCCES,
            request=request,
            motif=motif,
            acteur=request.user.username,
            caisse=caisse,
            details=details,
        )


@admin.register(Caisse)
class CaisseAdmin(admin.ModelAdmin):
    list_display = ["numero", "nom", "ville", "departement", "defaut_departement", "dialogue_ouvert"]
    list_filter = ["dialogue_ouvert", "est_maritime", "defaut_departement"]
    search_fields = ["numero", "nom", "ville", "departement"]
    ordering = ["numero"]

    def has_module_permission(self, request):
        return request.user.is_superuser or getattr(request.user, "est_gestionnaire", False)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        # The référentiel is national; a gestionnaire may only open or close the Dialogue
        # rubrique of his own Caf.
        if request.user.is_superuser:
            return True
        return obj is not None and getattr(request.user, "est_gestionnaire", False) and obj.pk == request.user.caisse_id

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return []
        return [f.name for f in Caisse._meta.fields if f.name not in {"id", "dialogue_ouvert"}]

    def history_view(self, request, object_id, extra_context=None):
        # The history names the staff who acted: only for one's own Caf.
        obj = self.get_object(request, object_id)
        if obj is not None and not self.has_change_permission(request, obj):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        enregistrer(
            TypeEvenement.GESTION,
            Resultat.SUCCES,
            request=request,
            motif=f"modification de la caisse {obj.numero}",
            acteur=request.user.username,
            caisse=obj.numero,
            details={"champs": sorted(form.changed_data)},
        )


@admin.register(RoutageCodePostal)
class RoutageCodePostalAdmin(admin.ModelAdmin):
    list_display = ["code_postal", "caisse"]
    search_fields = ["code_postal", "caisse__numero", "caisse__nom"]
    list_select_related = ["caisse"]
    autocomplete_fields = ["caisse"]

    # The national référentiel: national administrators only.
    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class SiretField(forms.CharField):
    def to_python(self, value):
        return normaliser_siret(super().to_python(value))


class PartenaireForm(forms.ModelForm):
    siret = SiretField(label="Numéro SIRET", max_length=20, help_text=Partenaire._meta.get_field("siret").help_text)

    class Meta:
        model = Partenaire
        fields = "__all__"  # noqa: DJ007 — the ModelAdmin fieldsets choose the fields


class ConventionInline(admin.TabularInline):
    model = Convention
    fields = ["numero", "profil", "portee", "date_effet", "date_fin"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # Shown to whoever may see the partner (its admin checks the Caisse), not by
        # Django's model permissions, which gestionnaires do not hold.
        return PerimetreCaisseAdmin._gere(request)

    def has_change_permission(self, request, obj=None):
        return False


class DesignationForm(forms.ModelForm):
    class Meta:
        model = DesignationResponsable
        fields = "__all__"  # noqa: DJ007 — the inline chooses the fields


class DesignationInline(admin.StackedInline):
    """The désignations received, newest first: "le changement de responsable habilitations
    doit faire l'objet d'une nouvelle désignation" (04-… forms), so each one is kept and a
    change is a new one, never an edit."""

    model = DesignationResponsable
    form = DesignationForm
    fields = ["prenom", "nom", "telephone", "telecopie", "email", "adresse", "date_designation", "recue_le"]
    readonly_fields = ["enregistree_par", "cree_le"]
    extra = 0
    min_num = 1
    can_delete = False
    verbose_name = "désignation d'un responsable habilitations"
    verbose_name_plural = (
        "responsable habilitations (le plus récent en premier ; un changement = une nouvelle désignation)"
    )

    def get_formset(self, request, obj=None, **kwargs):
        # Every partner has a responsable habilitations: a forged form with no row is refused.
        return super().get_formset(request, obj, validate_min=True, **kwargs)

    def has_view_permission(self, request, obj=None):
        return PerimetreCaisseAdmin._gere(request)

    def has_add_permission(self, request, obj=None):
        return PerimetreCaisseAdmin._gere(request)

    def has_change_permission(self, request, obj=None):
        # Shown read-only once received; a new row is the only way to change.
        return False


@admin.register(ReseauDeConfiance)
class ReseauDeConfianceAdmin(PerimetreCaisseAdmin):
    """A Caf's gestionnaires declare their partners' shared office networks (issue 12); each
    declaration, change and withdrawal is journaled."""

    chemin_caisse = "partenaire__caisse"
    list_display = ["reseau", "libelle", "partenaire", "max_echecs", "cree_le"]
    search_fields = ["reseau", "libelle", "partenaire__raison_sociale"]
    list_select_related = ["partenaire__caisse"]
    fields = ["partenaire", "reseau", "libelle", "max_echecs"]
    actions = None

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if "max_echecs" in form.base_fields:
            form.base_fields["max_echecs"].initial = min(
                settings.CAFPRO_THROTTLE_RESEAU_PLAFOND, 5 * settings.CAFPRO_THROTTLE_MAX_ECHECS
            )
            form.base_fields["max_echecs"].help_text += (
                f" Limite générale : {settings.CAFPRO_THROTTLE_MAX_ECHECS} échecs en "
                f"{settings.CAFPRO_THROTTLE_WINDOW // 60} minutes ; "
                f"plafond : {settings.CAFPRO_THROTTLE_RESEAU_PLAFOND}."
            )
        return form

    def has_delete_permission(self, request, obj=None):
        # Withdrawn when the partner leaves the site: the journal keeps what it was.
        return self._gere(request) and self._dans_perimetre(request, obj)

    def delete_model(self, request, obj):
        self.journaliser(
            request,
            f"retrait : {obj._meta.verbose_name} {obj}",
            self.caisse_de(obj),
            objet=f"{obj._meta.label_lower}:{obj.pk}",
            reseau=obj.reseau,
            max_echecs=obj.max_echecs,
            partenaire=obj.partenaire.raison_sociale,
        )
        super().delete_model(request, obj)


@admin.register(Partenaire)
class PartenaireAdmin(PerimetreCaisseAdmin):
    form = PartenaireForm
    list_display = ["raison_sociale", "categorie", "siret", "ville", "caisse", "responsable"]
    list_filter = ["categorie", "caisse"]
    search_fields = ["raison_sociale", "siret", "ville", "code_postal", "designations__nom"]
    list_select_related = ["caisse"]
    inlines = [DesignationInline, ConventionInline]
    actions = ["editer_designation"]
    fieldsets = [
        (None, {"fields": ["caisse", "raison_sociale", "categorie", "siret"]}),
        ("Siège social", {"fields": ["adresse", "code_postal", "ville", "telephone", "email"]}),
        ("Représentant", {"fields": ["representant_nom", "representant_qualite"]}),
    ]

    def get_list_filter(self, request):
        return self.list_filter if request.user.is_superuser else [f for f in self.list_filter if f != "caisse"]

    def get_readonly_fields(self, request, obj=None):
        # The category decides which profiles the partner signs for (T12: BAJ): fixed once it has one.
        if obj is not None and obj.conventions.exists():
            return [*self.readonly_fields, "categorie"]
        return self.readonly_fields

    @admin.display(description="responsable habilitations")
    def responsable(self, obj):
        return obj.responsable or "—"

    def save_formset(self, request, form, formset, change):
        if formset.model is not DesignationResponsable:
            return super().save_formset(request, form, formset, change)
        for designation in formset.save(commit=False):
            designation.enregistree_par = request.user.username
            designation.save()
            self.journaliser(
                request,
                f"désignation d'un responsable habilitations : {designation} pour {form.instance}",
                form.instance.caisse.numero,
                objet=f"conventions.designationresponsable:{designation.pk}",
                partenaire=f"conventions.partenaire:{form.instance.pk}",
            )
        return None

    @admin.action(description="Éditer le formulaire de désignation d'un responsable habilitations")
    def editer_designation(self, request, queryset):
        lot, jour = uuid.uuid4(), aujourd_hui()
        for partenaire in queryset:
            emettre_par(
                request,
                lot,
                Nature.DESIGNATION_RESPONSABLE,
                courriers.designation_responsable(partenaire, jour),
                caisse=partenaire.caisse.numero,
                partenaire_id=partenaire.pk,
            )
        return redirect("documents:lot", lot)


class ConventionForm(forms.ModelForm):
    class Meta:
        model = Convention
        fields = "__all__"  # noqa: DJ007 — the ModelAdmin fieldsets choose the fields

    def clean(self):
        cleaned = super().clean()
        try:
            Convention.verifier_caisses_multi(cleaned.get("portee"), cleaned.get("caisses_multi"))
        except ValidationError as exc:
            for champ, messages in exc.message_dict.items():
                for message in messages:
                    self.add_error(champ, message)
        return cleaned


class EtatConventionFilter(admin.SimpleListFilter):
    title = "état"
    parameter_name = "etat"

    def lookups(self, request, model_admin):
        return EtatConvention.choices

    def queryset(self, request, queryset):
        if self.value() in EtatConvention.values:
            return queryset.etat(self.value())
        return queryset


class ConventionASuivreFilter(admin.SimpleListFilter):
    """The gestionnaire's dashboard counts on conventions (habilitations.tableau_de_bord)."""

    title = "à suivre"
    parameter_name = "a_suivre"

    def lookups(self, request, model_admin):
        return [
            ("fenetre_denonciation", "date limite de dénonciation dans les deux mois"),
            ("non_signees", "en attente de signature"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "fenetre_denonciation":
            return queryset.dans_la_fenetre_de_denonciation()
        if self.value() == "non_signees":
            return queryset.etat(EtatConvention.NON_SIGNEE)
        return queryset


class AnnulationResiliationForm(forms.Form):
    motif = forms.CharField(
        label="Motif de l'annulation",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        help_text="Pourquoi la résiliation enregistrée était une erreur. L'annulation est journalisée.",
    )


CHAMPS_RESILIATION = ["date_resiliation", "motif_resiliation"]
CHAMPS_PORTEE = ["portee", "caisses_multi"]


@admin.register(Convention)
class ConventionAdmin(PerimetreCaisseAdmin):
    form = ConventionForm
    list_display = ["numero", "partenaire", "profil", "portee", "date_effet", "etat_affiche", "date_fin"]
    list_filter = [EtatConventionFilter, ConventionASuivreFilter, "profil", "portee", "caisse"]
    search_fields = ["numero", "partenaire__raison_sociale", "partenaire__siret"]
    list_select_related = ["partenaire", "caisse"]
    filter_horizontal = ["caisses_multi"]
    readonly_fields = ["etat_affiche", "date_fin", "annulation_affichee", "documents_emis"]
    actions = ["editer_convention", "annuler_resiliation"]
    fieldsets = [
        (None, {"fields": ["numero", "caisse", "partenaire", "profil"]}),
        ("Portée de l'accès", {"fields": ["portee", "caisses_multi"]}),
        ("Documents", {"fields": ["documents_emis"]}),
        (
            "Signature et durée",
            {
                "fields": [
                    "signataire_caf",
                    "date_signature_caf",
                    "signataire_partenaire",
                    "date_signature_partenaire",
                    "date_effet",
                    "etat_affiche",
                ],
                "description": "La convention prend effet à sa signature par les deux parties (article 5) : "
                "tant qu'une signature manque, aucun accès n'est ouvert.",
            },
        ),
        (
            "Fin de la convention",
            {
                "fields": [
                    "date_denonciation",
                    "denonciation_par",
                    "date_resiliation",
                    "motif_resiliation",
                    "annulation_affichee",
                    "date_fin",
                ],
                "description": "Dénonciation par l'une ou l'autre partie au plus tard deux mois avant "
                "l'échéance annuelle ; résiliation immédiate et définitive par la Caf en cas de manquement.",
            },
        ),
    ]

    def get_list_filter(self, request):
        # A gestionnaire sees one Caf: a filter listing the 123 would only mislead.
        return self.list_filter if request.user.is_superuser else [f for f in self.list_filter if f != "caisse"]

    def get_readonly_fields(self, request, obj=None):
        figes = []
        if not request.user.is_superuser:
            # A scope beyond the signing Caf opens other Cafs' dossiers: only a national
            # administrator grants it (our decision; the sources are silent on who may).
            figes += CHAMPS_PORTEE
        # As stored, not as just posted (a refused form must still show its errors).
        en_base = Convention.objects.filter(pk=obj.pk).first() if obj is not None else None
        if en_base is not None:
            if en_base.etat() == EtatConvention.TERMINEE:
                # Over: a record of what was agreed (a résiliation in error has its own action).
                figes += [champ.removesuffix("_id") for champ in CHAMPS_CONVENUS] + CHAMPS_PORTEE
            if en_base.date_resiliation:
                # Final: only the action "Annuler une résiliation faite par erreur" undoes it.
                figes += CHAMPS_RESILIATION
            if en_base.date_denonciation:
                figes += list(CHAMPS_DENONCIATION)
            if en_base.habilitations.filter(date_ouverture__isnull=False).exists():
                figes += list(CHAMPS_SIGNATURE)
        return list(dict.fromkeys([*self.readonly_fields, *figes]))

    @admin.display(description="état")
    def etat_affiche(self, obj):
        if obj.pk is None:
            return "—"
        etat = obj.etat()
        if etat == EtatConvention.EN_FIN:
            return f"{etat.label} le {obj.date_fin:%d/%m/%Y}"
        if etat == EtatConvention.EN_ATTENTE:
            return f"{etat.label} (le {obj.date_effet:%d/%m/%Y})"
        return etat.label

    @admin.display(description="documents émis")
    def documents_emis(self, obj):
        return liste_des_documents(DocumentEmis.objects.filter(convention_id=obj.pk) if obj.pk else [])

    @admin.display(description="résiliation annulée")
    def annulation_affichee(self, obj):
        if obj.pk is None or not obj.resiliation_annulee_le:
            return "—"
        return (
            f"le {timezone.localtime(obj.resiliation_annulee_le):%d/%m/%Y à %H:%M} : {obj.motif_annulation_resiliation}"
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        for champ, motif in (("date_denonciation", "dénonciation"), ("date_resiliation", "résiliation")):
            if champ in form.changed_data and getattr(obj, champ):
                self.journaliser(
                    request,
                    f"{motif} de la convention {obj.numero}",
                    obj.caisse.numero,
                    convention=obj.numero,
                    date_fin=obj.date_fin.isoformat(),
                )

    # Forms of the apps above this one joined to the package, as (nature, builder(convention, le)):
    # habilitations adds the blank demande d'accès (conventions never imports habilitations).
    formulaires_joints: list = []

    @admin.action(description="Éditer la convention avec ses annexes, la lettre d'envoi et les formulaires")
    def editer_convention(self, request, queryset):
        """The package the Caf sends (04-… envoi letter): the convention in two copies, a blank
        demande d'accès, the désignation of a responsable habilitations."""
        lot, jour = uuid.uuid4(), aujourd_hui()
        for convention in queryset.select_related("caisse", "partenaire"):
            for nature, titre_blocs in (
                (Nature.LETTRE_ENVOI, courriers.lettre_envoi(convention, jour)),
                (Nature.CONVENTION, courriers.convention(convention, jour)),
                *((nature, construire(convention, jour)) for nature, construire in self.formulaires_joints),
                (Nature.DESIGNATION_RESPONSABLE, courriers.designation_responsable(convention.partenaire, jour)),
            ):
                emettre_par(
                    request,
                    lot,
                    nature,
                    titre_blocs,
                    caisse=convention.caisse.numero,
                    convention_id=convention.pk,
                    partenaire_id=convention.partenaire_id,
                )
        return redirect("documents:lot", lot)

    @admin.action(description="Annuler une résiliation faite par erreur")
    def annuler_resiliation(self, request, queryset):
        form = AnnulationResiliationForm(request.POST if "appliquer" in request.POST else None)
        if not form.is_valid():
            return TemplateResponse(
                request,
                "admin/conventions/annulation_resiliation.html",
                {
                    **self.admin_site.each_context(request),
                    "title": "Annuler une résiliation faite par erreur",
                    "form": form,
                    "conventions": queryset,
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                    "opts": self.model._meta,
                },
            )
        for convention in queryset.select_related("caisse"):
            try:
                with transaction.atomic():
                    convention.annuler_resiliation(form.cleaned_data["motif"], request.user, request)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
            else:
                self.message_user(
                    request, f"Résiliation de la convention {convention.numero} annulée.", messages.SUCCESS
                )
        return None
