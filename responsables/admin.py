"""The Caf's side of the responsables habilitations' space (issue 16), in the admin.

- The responsables' accounts, created by the gestionnaire from the désignation received (04-…
  forms, « désignation d'un responsable habilitations »), with the conventions each answers for
  (at most two per convention), a password issued to hand over, and the end of the charge when
  a new désignation replaces him.
- Their requests: the gestionnaire of the convention's Caf validates them, which carries them out
  with the habilitation admin's own operations and letters (habilitations.admin), or refuses them
  with a motif the responsable reads.
"""

import uuid
from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.response import TemplateResponse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from conventions.admin import PerimetreCaisseAdmin
from conventions.models import Convention, DesignationResponsable
from habilitations.admin import DELAI_POSTAL_JOURS
from habilitations.models import (
    CHAMPS_DE_LA_DEMANDE,
    Habilitation,
    RattachementResponsable,
    ResponsableHabilitations,
)
from journal.ecriture import enregistrer
from journal.models import Resultat, TypeEvenement

from . import connexion as porte
from .demandes import decider
from .models import Demande, EtatDemande, MotifReinitialisation, TypeDemande


class RattachementFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        partenaire_id = self.instance.partenaire_id
        for form in self.forms:
            convention = form.cleaned_data.get("convention") if hasattr(form, "cleaned_data") else None
            if convention is not None and partenaire_id and convention.partenaire_id != partenaire_id:
                form.add_error(
                    "convention", "Un responsable habilitations ne répond que des conventions de son partenaire."
                )


class RattachementInline(admin.StackedInline):
    model = RattachementResponsable
    formset = RattachementFormSet
    fields = ["convention", "rang", "debut_le", "fin_le"]
    readonly_fields = ["rang"]
    extra = 1
    can_delete = False
    verbose_name = "convention confiée"
    verbose_name_plural = "conventions confiées (deux responsables au plus par convention)"

    def has_view_permission(self, request, obj=None):
        return PerimetreCaisseAdmin._gere(request)

    def has_add_permission(self, request, obj=None):
        return PerimetreCaisseAdmin._gere(request)

    def has_change_permission(self, request, obj=None):
        # Only to end a charge (fin_le): the convention and the start stay as recorded.
        return PerimetreCaisseAdmin._gere(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "convention" and not request.user.is_superuser:
            kwargs["queryset"] = Convention.objects.filter(caisse_id=request.user.caisse_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class EmissionForm(forms.Form):
    confirmer = forms.BooleanField(
        label="Je confirme : un nouveau mot de passe est émis, l'actuel cesse de fonctionner et la connexion "
        "est débloquée.",
    )


@admin.register(ResponsableHabilitations)
class ResponsableHabilitationsAdmin(PerimetreCaisseAdmin):
    chemin_caisse = "partenaire__caisse"
    inlines = [RattachementInline]
    list_display = ["identifiant", "nom", "prenom", "partenaire", "conventions_en_charge_affichees", "etat"]
    search_fields = ["user__username", "nom", "prenom", "partenaire__raison_sociale"]
    list_select_related = ["user", "partenaire"]
    fields = ["identifiant", "partenaire", "designation", "nom", "prenom", "email", "telephone", "etat"]
    readonly_fields = ["identifiant", "etat"]
    actions = ["emettre_mot_de_passe", "reinitialiser_second_facteur", "clore"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "designation" and not request.user.is_superuser:
            kwargs["queryset"] = DesignationResponsable.objects.filter(partenaire__caisse_id=request.user.caisse_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # The account answers for one partner for good: another partner means another désignation.
        return [*self.readonly_fields, "partenaire"] if obj is not None else self.readonly_fields

    @admin.display(description="identifiant", ordering="user__username")
    def identifiant(self, obj):
        return obj.identifiant or "attribué à l'enregistrement"

    @admin.display(description="conventions en charge")
    def conventions_en_charge_affichees(self, obj):
        return ", ".join(c.numero for c in obj.conventions_en_charge()) or "—"

    @admin.display(description="compte")
    def etat(self, obj):
        if obj.pk is None:
            return "—"
        if not obj.user.is_active:
            return "clos"
        if porte.est_verrouille(obj.identifiant):
            return "bloqué (trois échecs) : émettre un nouveau mot de passe"
        return "actif" if obj.user.has_usable_password() else "actif, mot de passe à émettre"

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for rattachement in formset.new_objects + [objet for objet, _ in formset.changed_objects]:
            self.journaliser(
                request,
                f"responsable habilitations {form.instance.identifiant} : convention {rattachement.convention.numero}"
                + (f" jusqu'au {rattachement.fin_le:%d/%m/%Y}" if rattachement.fin_le else ""),
                self.caisse_de(form.instance),
                objet=f"habilitations.rattachementresponsable:{rattachement.pk}",
            )

    @admin.action(description="Émettre un mot de passe (et débloquer la connexion)")
    def emettre_mot_de_passe(self, request, queryset):
        form = EmissionForm(request.POST if "appliquer" in request.POST else None)
        if not form.is_valid():
            return _page_action(
                self, request, queryset, form, "emettre_mot_de_passe", "Émettre un mot de passe", "Émettre"
            )
        emis = []
        for responsable in queryset.select_related("user", "partenaire__caisse"):
            if not responsable.user.is_active:
                self.message_user(request, f"{responsable.identifiant} : compte clos.", messages.ERROR)
                continue
            mot_de_passe = responsable.emettre_mot_de_passe()
            porte.effacer(responsable.identifiant)
            self.journaliser(
                request,
                f"mot de passe émis pour le responsable habilitations {responsable.identifiant}",
                self.caisse_de(responsable),
                objet=f"habilitations.responsablehabilitations:{responsable.pk}",
            )
            emis.append((responsable, mot_de_passe))
        # Shown once, on this answer, never stored: to hand over to the responsable in person or by letter.
        return TemplateResponse(
            request,
            "admin/responsables/mots_de_passe.html",
            {**self.admin_site.each_context(request), "title": "Mots de passe émis", "emis": emis},
        )

    @admin.action(description="Réinitialiser le second facteur (téléphone perdu ou changé)")
    def reinitialiser_second_facteur(self, request, queryset):
        """His authenticator lost: the device is removed, he enrols a new one at his next login
        (after his password, which an impostor would need as well)."""
        for responsable in queryset.select_related("user", "partenaire__caisse"):
            TOTPDevice.objects.filter(user=responsable.user).delete()
            self.journaliser(
                request,
                f"second facteur du responsable habilitations {responsable.identifiant} réinitialisé",
                self.caisse_de(responsable),
                objet=f"habilitations.responsablehabilitations:{responsable.pk}",
            )
        self.message_user(
            request,
            "Second facteur réinitialisé : un nouvel enrôlement est demandé à la prochaine connexion.",
            messages.SUCCESS,
        )

    @admin.action(description="Clore le compte (nouvelle désignation d'un autre responsable)")
    def clore(self, request, queryset):
        jour = timezone.localdate()
        for responsable in queryset.select_related("user", "partenaire__caisse"):
            with transaction.atomic():
                responsable.rattachements.filter(fin_le__isnull=True).update(fin_le=jour)
                responsable.user.is_active = False
                responsable.user.save(update_fields=["is_active"])
                self.journaliser(
                    request,
                    f"compte du responsable habilitations {responsable.identifiant} clos",
                    self.caisse_de(responsable),
                    objet=f"habilitations.responsablehabilitations:{responsable.pk}",
                )
        self.message_user(request, "Compte(s) clos.", messages.SUCCESS)


def _page_action(model_admin, request, queryset, form, action: str, titre: str, bouton: str):
    return TemplateResponse(
        request,
        "admin/responsables/action.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": titre,
            "form": form,
            "action": action,
            "bouton": bouton,
            "objets": queryset,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "opts": model_admin.model._meta,
        },
    )


class ValidationForm(forms.Form):
    confirmer = forms.BooleanField(
        label="Je confirme : chaque demande est exécutée (habilitation créée et droits ouverts, suspension, "
        "suppression, mot de passe) et les courriers sont édités.",
    )


class RefusForm(forms.Form):
    motif = forms.CharField(
        label="Motif du refus",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Obligatoire : le responsable habilitations le lit dans son espace.",
    )


class EtatFilter(admin.SimpleListFilter):
    title = "état"
    parameter_name = "etat"

    def lookups(self, request, model_admin):
        return EtatDemande.choices

    def queryset(self, request, queryset):
        return queryset.filter(etat=self.value()) if self.value() in EtatDemande.values else queryset


@admin.register(Demande)
class DemandeAdmin(PerimetreCaisseAdmin):
    chemin_caisse = "convention__caisse"
    list_display = ["cree_le", "objet", "agent", "convention", "responsable", "etat", "decidee_par"]
    list_filter = [EtatFilter, "type"]
    search_fields = ["nom", "prenom", "habilitation__user__username", "responsable__user__username"]
    list_select_related = ["convention", "responsable__user", "habilitation__user", "decidee_par"]
    actions = ["valider", "refuser"]
    readonly_fields = [
        "type",
        "responsable",
        "convention",
        "habilitation",
        *CHAMPS_DE_LA_DEMANDE,
        "a_compter_du",
        "motif_reinitialisation",
        "commentaire",
        "etat",
        "motif_decision",
        "decidee_par",
        "decidee_le",
        "cree_le",
    ]

    def get_fields(self, request, obj=None):
        return self.readonly_fields

    def has_add_permission(self, request):
        # Requests come from the responsables' space only.
        return False

    def has_change_permission(self, request, obj=None):
        # Read-only: a request is decided by the actions below, never edited.
        return False

    @admin.display(description="demande")
    def objet(self, obj):
        return obj.objet

    def _une_a_une(self, request, queryset, operation) -> int:
        faites = 0
        for demande in queryset.select_related("convention__caisse", "responsable__user", "habilitation__user"):
            try:
                with transaction.atomic():
                    # Two gestionnaires, or two tabs, on the same request: the second finds it decided.
                    frais = Demande.objects.select_for_update().get(pk=demande.pk)
                    if frais.etat != EtatDemande.EN_ATTENTE:
                        raise ValidationError(f"{demande} : déjà {frais.get_etat_display()}.")
                    operation(demande)
            except ValidationError as exc:
                self.message_user(
                    request, f"{demande.objet} — {demande.agent} : {' '.join(exc.messages)}", messages.ERROR
                )
            else:
                faites += 1
        return faites

    @admin.action(description="Valider et exécuter les demandes")
    def valider(self, request, queryset):
        form = ValidationForm(request.POST if "appliquer" in request.POST else None)
        if not form.is_valid():
            return _page_action(self, request, queryset, form, "valider", "Valider les demandes", "Valider")
        operations = admin.site._registry[Habilitation]
        lot, pieces = uuid.uuid4(), {}

        def operation(demande):
            details = executer(request, operations, lot, pieces, demande)
            decider(request, demande, EtatDemande.VALIDEE, **details)

        faites = self._une_a_une(request, queryset, operation)
        if faites:
            self.message_user(request, f"{faites} demande(s) validée(s) et exécutée(s).", messages.SUCCESS)
            return operations.vers_le_lot(request, lot, pieces)
        return None

    @admin.action(description="Refuser les demandes (avec un motif)")
    def refuser(self, request, queryset):
        form = RefusForm(request.POST if "appliquer" in request.POST else None)
        if not form.is_valid():
            return _page_action(self, request, queryset, form, "refuser", "Refuser les demandes", "Refuser")
        motif = form.cleaned_data["motif"].strip()
        faites = self._une_a_une(
            request, queryset, lambda demande: decider(request, demande, EtatDemande.REFUSEE, motif)
        )
        if faites:
            self.message_user(request, f"{faites} demande(s) refusée(s).", messages.SUCCESS)
        return None


def executer(request, operations, lot, pieces, demande: Demande) -> dict:
    """Carry out a validated request with the habilitation admin's operations (the same life-cycle
    functions and letters as its actions). Returns what the decision's event adds."""
    habilitation = demande.habilitation
    if demande.type == TypeDemande.CREATION:
        jour_demande = timezone.localtime(demande.cree_le).date()
        habilitation = Habilitation(
            convention=demande.convention,
            date_demande=jour_demande,
            **{champ: getattr(demande, champ) for champ in CHAMPS_DE_LA_DEMANDE},
        )
        if habilitation.meme_personne():
            raise ValidationError("cette personne détient déjà une habilitation sur la convention.")
        habilitation.full_clean(exclude=["user"])
        habilitation.save()
        enregistrer(
            TypeEvenement.GESTION,
            Resultat.SUCCES,
            request=request,
            motif=f"création : habilitation {habilitation.identifiant}",
            identifiant=habilitation.identifiant,
            habilitation_id=habilitation.pk,
            acteur=request.user.username,
            caisse=habilitation.convention.caisse.numero,
            details={"titulaire": habilitation.titulaire, "demande": str(demande.public_id)},
        )
        operations.operer_ouverture(request, lot, pieces, habilitation)
        demande.habilitation = habilitation
        return {"habilitation_creee": habilitation.identifiant}
    if demande.type == TypeDemande.SUSPENSION:
        habilitation.suspendre(request.user, request)
        return {}
    responsable = demande.responsable
    if demande.type == TypeDemande.SUPPRESSION:
        operations.operer_suppression(
            request,
            lot,
            habilitation,
            demande.a_compter_du,
            demandee_par=f"{responsable.prenom} {responsable.nom}, responsable habilitations",
            recue_le=timezone.localtime(demande.cree_le).date(),
        )
        return {}
    if demande.motif_reinitialisation == MotifReinitialisation.PERTE_OU_VOL:
        nouvelle = operations.operer_perte_ou_vol(request, lot, pieces, habilitation)
        return {"nouvelle_habilitation": nouvelle.identifiant}
    a_compter_du = timezone.localdate() + timedelta(days=DELAI_POSTAL_JOURS)
    operations.operer_mot_de_passe_programme(request, lot, pieces, habilitation, a_compter_du)
    return {"a_compter_du": a_compter_du.isoformat()}
