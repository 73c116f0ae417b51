import uuid
from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone

from conventions.admin import ConventionAdmin, PerimetreCaisseAdmin, emettre_par
from documents.admin import liste_des_documents
from documents.emission import confier_une_fois, url_du_lot
from documents.models import DocumentEmis, Nature
from journal.models import Resultat, TypeEvenement

from . import courriers, verrou_personnel
from .evenements import enregistrer_pour_compte
from .models import CHAMPS_DE_LA_DEMANDE, ETATS_DERIVES, EtatHabilitation, Habilitation, TypeCompte, User
from .mots_de_passe import provisoire_expire
from .tableau_de_bord import A_SUIVRE

# The convention's package carries a blank demande d'accès (04-… envoi letter).
ConventionAdmin.formulaires_joints.append((Nature.DEMANDE_ACCES, courriers.demande_acces))

# Days for the post to bring a planned password's letter, before it is put into service.
DELAI_POSTAL_JOURS = 15


class EtatEffectifFilter(admin.SimpleListFilter):
    """The state that holds today: a deletion or the end of the convention prevails."""

    title = "état"
    parameter_name = "etat"

    def lookups(self, request, model_admin):
        return EtatHabilitation.choices

    def queryset(self, request, queryset):
        if self.value() in EtatHabilitation.values:
            return queryset.etat_effectif(self.value())
        return queryset


class ASuivreFilter(admin.SimpleListFilter):
    """The gestionnaire's dashboard counts (habilitations.tableau_de_bord), one filter each."""

    title = "à suivre"
    parameter_name = "a_suivre"

    def lookups(self, request, model_admin):
        return [(cle, libelle) for cle, (libelle, _) in A_SUIVRE.items()]

    def queryset(self, request, queryset):
        if self.value() in A_SUIVRE:
            return A_SUIVRE[self.value()][1](queryset)
        return queryset


class DateField(forms.DateField):
    def __init__(self, label, help_text="", initial=None, **kwargs):
        super().__init__(label=label, help_text=help_text or "JJ/MM/AAAA.", initial=initial, **kwargs)


class SuppressionForm(forms.Form):
    """What the paper "demande de suppression d'accès" brings back (01-… and 04-… forms)."""

    a_compter_du = DateField(
        "Suppression de l'accès à compter du",
        "Date indiquée sur la demande de suppression d'accès (JJ/MM/AAAA).",
        initial=timezone.localdate,
    )
    recue_le = DateField("Demande de suppression reçue le", initial=timezone.localdate)
    demandee_par = forms.CharField(
        label="Demande signée par",
        max_length=150,
        help_text="L'employeur ou le responsable habilitations qui a signé la demande (nom et qualité).",
    )


class MotDePasseProgrammeForm(forms.Form):
    a_compter_du = DateField(
        "Nouveau mot de passe en service le",
        "Le nouveau mot de passe est notifié avant sa mise en service (article 4) : l'actuel reste valable "
        "jusqu'à cette date, imprimée sur la lettre.",
        initial=lambda: timezone.localdate() + timedelta(days=DELAI_POSTAL_JOURS),
    )

    def clean_a_compter_du(self):
        jour = self.cleaned_data["a_compter_du"]
        if jour <= timezone.localdate():
            raise forms.ValidationError(
                "Choisissez une date postérieure à aujourd'hui : le nouveau mot de passe doit être notifié "
                "avant sa mise en service. En cas de perte ou de vol, utilisez l'action « Perte ou vol des "
                "codes », qui les révoque immédiatement."
            )
        return jour


class PerteOuVolForm(forms.Form):
    confirmer = forms.BooleanField(
        label="Je confirme : les codes actuels sont révoqués immédiatement et une nouvelle habilitation est délivrée.",
    )


class HabilitationForm(forms.ModelForm):
    confirmer_autre_personne = forms.BooleanField(
        label="Il s'agit bien d'une autre personne",
        required=False,
        help_text="À cocher seulement si l'avertissement ci-dessus concerne un homonyme.",
    )

    class Meta:
        model = Habilitation
        fields = "__all__"  # noqa: DJ007 — the ModelAdmin fieldsets choose the fields

    def clean(self):
        cleaned = super().clean()
        convention = cleaned.get("convention") or (self.instance.convention if self.instance.convention_id else None)
        if convention is None or self.errors:
            return cleaned
        candidat = Habilitation(
            pk=self.instance.pk,
            convention=convention,
            nom=cleaned.get("nom", self.instance.nom),
            prenom=cleaned.get("prenom", self.instance.prenom),
            email=cleaned.get("email", self.instance.email),
        )
        autres = candidat.meme_personne()
        if autres and not cleaned.get("confirmer_autre_personne"):
            noms = ", ".join(f"{h.identifiant} ({h.prenom} {h.nom}, {h.etat_effectif().label})" for h in autres)
            self.add_error(
                None,
                f"Cette personne détient déjà une habilitation sur la convention {convention.numero} : {noms}. "
                "L'habilitation est nominative : une personne n'en a qu'une par convention. S'il s'agit d'une "
                "autre personne, cochez « Il s'agit bien d'une autre personne ».",
            )
        return cleaned


@admin.register(Habilitation)
class HabilitationAdmin(PerimetreCaisseAdmin):
    chemin_caisse = "convention__caisse"
    form = HabilitationForm
    list_display = [
        "identifiant",
        "nom",
        "prenom",
        "partenaire",
        "convention",
        "profil",
        "etat_affiche",
        "date_ouverture",
        "derniere_connexion",
    ]
    list_filter = [
        EtatEffectifFilter,
        ASuivreFilter,
        "convention__profil",
        # Only the conventions present in the gestionnaire's own list: filter by one, then
        # "select all" + an action renews every password of a convention, or of the whole Caf.
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
    readonly_fields = [
        "identifiant",
        "profil",
        "etat_affiche",
        "date_ouverture",
        "derniere_connexion",
        "mot_de_passe_affiche",
        "suppression_affichee",
        "remplace",
        "documents_emis",
    ]
    actions = [
        "ouvrir_droits",
        "programmer_mots_de_passe",
        "perte_ou_vol",
        "suspendre",
        "reactiver",
        "programmer_suppression",
        "editer_demande_acces",
        "editer_demande_suppression",
    ]
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
                    "derniere_connexion",
                    "mot_de_passe_affiche",
                    "suppression_affichee",
                    "remplace",
                    "documents_emis",
                ]
            },
        ),
        (
            "Demande d'accès au service Cafpro",
            {
                # The homonym question right after the names it is about.
                "fields": ["nom", "prenom", "confirmer_autre_personne", *CHAMPS_DE_LA_DEMANDE[2:]]
            },
        ),
    ]

    def get_list_filter(self, request):
        # A gestionnaire sees one Caf: a filter listing the 123 would only mislead.
        if request.user.is_superuser:
            return self.list_filter
        return [f for f in self.list_filter if f != "convention__caisse"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        # An habilitation belongs to its convention for good, and once its rights are opened
        # it is nominative (02-… I.3): another person means a new demande d'accès.
        figes = ["convention"]
        if obj.date_ouverture:
            figes += ["nom", "prenom"]
        if obj.etat_effectif() in ETATS_DERIVES:
            # A deleted or closed access is a record of the past: nothing more to edit.
            figes += ["date_demande", *CHAMPS_DE_LA_DEMANDE]
        return [*self.readonly_fields, *dict.fromkeys(figes)]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.date_ouverture:
            # The names are frozen: no homonym question left to answer.
            return [
                (titre, {**options, "fields": [f for f in options["fields"] if f != "confirmer_autre_personne"]})
                for titre, options in fieldsets
            ]
        return fieldsets

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
        if obj.date_suppression and etat not in ETATS_DERIVES:
            return f"{etat.label} (suppression le {obj.date_suppression:%d/%m/%Y})"
        if etat == EtatHabilitation.FERMEE:
            return f"{etat.label} le {obj.convention.date_fin:%d/%m/%Y}"
        return etat.label

    @admin.display(description="dernière connexion", ordering="user__last_login")
    def derniere_connexion(self, obj):
        if obj.pk is None or obj.user.last_login is None:
            return "jamais"
        return f"{timezone.localtime(obj.user.last_login):%d/%m/%Y %H:%M}"

    @admin.display(description="mot de passe")
    def mot_de_passe_affiche(self, obj):
        if obj.pk is None:
            return "—"
        if obj.mot_de_passe_programme_le:
            quand = "depuis" if obj.mot_de_passe_programme_le <= timezone.localdate() else "le"
            return f"nouveau mot de passe notifié, en service {quand} le {obj.mot_de_passe_programme_le:%d/%m/%Y}"
        if obj.mot_de_passe_provisoire_le:
            if provisoire_expire(obj):
                etat = "expiré"
            elif obj.mot_de_passe_provisoire_utilise_le:
                # The agent's session may still be open: he can replace it until that session ends.
                etat = (
                    f"utilisé le {timezone.localtime(obj.mot_de_passe_provisoire_utilise_le):%d/%m/%Y à %H:%M}, "
                    "pas encore remplacé par l'agent ; une fois sa session fermée, il n'ouvre plus rien : "
                    "en émettre un nouveau"
                )
            else:
                etat = "pas encore utilisé"
            return f"provisoire émis le {timezone.localtime(obj.mot_de_passe_provisoire_le):%d/%m/%Y} ({etat})"
        if obj.mot_de_passe_change_le:
            return f"choisi par l'agent le {timezone.localtime(obj.mot_de_passe_change_le):%d/%m/%Y}"
        return "aucun (droits non ouverts)"

    @admin.display(description="suppression")
    def suppression_affichee(self, obj):
        if obj.pk is None or not obj.date_suppression:
            return "—"
        texte = f"à compter du {obj.date_suppression:%d/%m/%Y} — {obj.motif_suppression}"
        if obj.suppression_demandee_par:
            texte += f", signée par {obj.suppression_demandee_par}"
        if obj.suppression_recue_le:
            texte += f", reçue le {obj.suppression_recue_le:%d/%m/%Y}"
        return texte

    @admin.display(description="documents émis")
    def documents_emis(self, obj):
        return liste_des_documents(DocumentEmis.objects.filter(habilitation_id=obj.pk) if obj.pk else [])

    def save_model(self, request, obj, form, change):
        avant = {champ: form.initial.get(champ) for champ in ("nom", "prenom") if champ in form.changed_data}
        with transaction.atomic():
            obj.save()
            # The event carries the habilitation, so it is on its timeline, and the holder's
            # name as it was when the gestionnaire acted (with the former one on a correction).
            obj._journaliser(
                request.user,
                f"{'modification' if change else 'création'} : habilitation {obj.identifiant}",
                request,
                objet=f"habilitations.habilitation:{obj.pk}",
                champs=sorted(c for c in form.changed_data if c != "confirmer_autre_personne"),
                **({"avant": avant} if avant else {}),
            )

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(
            request,
            f"Identifiant attribué : {obj.identifiant}. Ouvrez les droits (action « Ouvrir les droits ») "
            "pour éditer la lettre d'ouverture et la feuille du mot de passe.",
            messages.SUCCESS,
        )
        return super().response_add(request, obj, post_url_continue)

    # --- Actions ---------------------------------------------------------------------------

    def _appliquer(self, request, queryset, operation, succes: str) -> int:
        faites = 0
        for habilitation in queryset.select_related("user", "convention__caisse", "convention__partenaire"):
            try:
                with transaction.atomic():
                    operation(habilitation)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
            else:
                faites += 1
        if faites:
            self.message_user(request, f"{faites} habilitation(s) {succes}.", messages.SUCCESS)
        return faites

    def _emettre(self, request, lot, nature, titre_blocs, habilitation) -> DocumentEmis:
        return emettre_par(
            request,
            lot,
            nature,
            titre_blocs,
            caisse=habilitation.convention.caisse.numero,
            convention_id=habilitation.convention_id,
            habilitation_id=habilitation.pk,
            partenaire_id=habilitation.convention.partenaire_id,
        )

    def _vers_le_lot(self, request, lot, pieces: dict):
        """Every action answers with a redirect (a reload re-runs nothing): the letters are kept;
        the password sheets are shown once, on the lot's first display, and never stored."""
        cle = confier_une_fois(request, lot, pieces) if pieces else None
        return redirect(url_du_lot(lot, cle))

    def _saisie(self, request, queryset, form_class, action: str, titre: str, bouton: str):
        """An action's intermediate page: (the valid form, None) once submitted, else (None, the page)."""
        form = form_class(request.POST if "appliquer" in request.POST else None)
        if form.is_valid():
            return form, None
        return None, self._formulaire(request, queryset, form, action, titre, bouton)

    def _lettre_et_feuille(self, request, lot, pieces, nature, titre_blocs, habilitation, mot_de_passe, **date):
        """A letter kept, and the separate password sheet entrusted once to the lot's page."""
        document = self._emettre(request, lot, nature, titre_blocs, habilitation)
        pieces[str(document.public_id)] = courriers.feuille_mot_de_passe(
            habilitation, mot_de_passe, timezone.localdate(), **date
        )

    def _formulaire(self, request, queryset, form, action: str, titre: str, bouton: str):
        return TemplateResponse(
            request,
            "admin/habilitations/action.html",
            {
                **self.admin_site.each_context(request),
                "title": titre,
                "form": form,
                "action": action,
                "bouton": bouton,
                "habilitations": queryset.select_related("user"),
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
            },
        )

    # One habilitation's operation with its letters, into an action's lot: the actions below and
    # the validation of a responsable habilitations' request (responsables.admin) share them.

    def operer_ouverture(self, request, lot, pieces, habilitation) -> None:
        mot_de_passe = habilitation.ouvrir_droits(request.user, request)
        lettre = courriers.lettre_ouverture(habilitation, timezone.localdate())
        self._lettre_et_feuille(request, lot, pieces, Nature.LETTRE_OUVERTURE, lettre, habilitation, mot_de_passe)

    def operer_mot_de_passe_programme(self, request, lot, pieces, habilitation, a_compter_du) -> None:
        mot_de_passe = habilitation.programmer_mot_de_passe(a_compter_du, request.user, request)
        lettre = courriers.lettre_mot_de_passe(habilitation, timezone.localdate(), a_compter_du)
        self._lettre_et_feuille(
            request,
            lot,
            pieces,
            Nature.LETTRE_MOT_DE_PASSE,
            lettre,
            habilitation,
            mot_de_passe,
            a_compter_du=a_compter_du,
        )

    def operer_perte_ou_vol(self, request, lot, pieces, habilitation) -> Habilitation:
        jour = timezone.localdate()
        nouvelle, mot_de_passe = habilitation.perte_ou_vol(request.user, request)
        self._emettre(
            request, lot, Nature.LETTRE_SUPPRESSION, courriers.lettre_suppression(habilitation, jour), habilitation
        )
        lettre = courriers.lettre_perte_ou_vol(nouvelle, jour)
        self._lettre_et_feuille(request, lot, pieces, Nature.LETTRE_OUVERTURE, lettre, nouvelle, mot_de_passe)
        return nouvelle

    def operer_suppression(self, request, lot, habilitation, a_compter_du, *, demandee_par, recue_le) -> None:
        habilitation.programmer_suppression(
            a_compter_du, request.user, request, demandee_par=demandee_par, recue_le=recue_le
        )
        self._emettre(
            request,
            lot,
            Nature.LETTRE_SUPPRESSION,
            courriers.lettre_suppression(habilitation, timezone.localdate()),
            habilitation,
        )

    def vers_le_lot(self, request, lot, pieces: dict):
        return self._vers_le_lot(request, lot, pieces)

    @admin.action(description="Ouvrir les droits et éditer la lettre d'ouverture")
    def ouvrir_droits(self, request, queryset):
        lot, pieces = uuid.uuid4(), {}

        def operation(habilitation):
            self.operer_ouverture(request, lot, pieces, habilitation)

        if self._appliquer(request, queryset, operation, "ouverte(s)"):
            return self._vers_le_lot(request, lot, pieces)
        return None

    @admin.action(description="Programmer un nouveau mot de passe et éditer la lettre")
    def programmer_mots_de_passe(self, request, queryset):
        form, page = self._saisie(
            request,
            queryset,
            MotDePasseProgrammeForm,
            "programmer_mots_de_passe",
            "Nouveau mot de passe programmé",
            "Programmer et éditer les lettres",
        )
        if page:
            return page
        lot, pieces = uuid.uuid4(), {}
        a_compter_du = form.cleaned_data["a_compter_du"]

        def operation(habilitation):
            self.operer_mot_de_passe_programme(request, lot, pieces, habilitation, a_compter_du)

        if self._appliquer(
            request, queryset, operation, f"dotée(s) d'un mot de passe en service le {a_compter_du:%d/%m/%Y}"
        ):
            return self._vers_le_lot(request, lot, pieces)
        return None

    @admin.action(description="Perte ou vol des codes : révoquer et délivrer une nouvelle habilitation")
    def perte_ou_vol(self, request, queryset):
        form, page = self._saisie(
            request,
            queryset,
            PerteOuVolForm,
            "perte_ou_vol",
            "Perte ou vol des codes d'accès",
            "Révoquer et délivrer une nouvelle habilitation",
        )
        if page:
            return page
        lot, pieces = uuid.uuid4(), {}

        def operation(habilitation):
            self.operer_perte_ou_vol(request, lot, pieces, habilitation)

        if self._appliquer(request, queryset, operation, "remplacée(s) par une nouvelle habilitation"):
            return self._vers_le_lot(request, lot, pieces)
        return None

    def _editer_formulaire(self, request, queryset, nature, construire):
        lot, jour = uuid.uuid4(), timezone.localdate()
        for habilitation in queryset.select_related("user", "convention__caisse", "convention__partenaire"):
            self._emettre(request, lot, nature, construire(habilitation, jour), habilitation)
        return self._vers_le_lot(request, lot, {})

    @admin.action(description="Éditer la demande d'accès pré-remplie (à faire signer)")
    def editer_demande_acces(self, request, queryset):
        return self._editer_formulaire(
            request, queryset, Nature.DEMANDE_ACCES, lambda h, jour: courriers.demande_acces(h.convention, jour, h)
        )

    @admin.action(description="Éditer la demande de suppression pré-remplie (à faire signer)")
    def editer_demande_suppression(self, request, queryset):
        return self._editer_formulaire(request, queryset, Nature.DEMANDE_SUPPRESSION, courriers.demande_suppression)

    @admin.action(description="Suspendre")
    def suspendre(self, request, queryset):
        self._appliquer(request, queryset, lambda h: h.suspendre(request.user, request), "suspendue(s)")

    @admin.action(description="Réactiver / déverrouiller")
    def reactiver(self, request, queryset):
        self._appliquer(request, queryset, lambda h: h.reactiver(request.user, request), "réactivée(s)")

    @admin.action(description="Enregistrer une demande de suppression d'accès")
    def programmer_suppression(self, request, queryset):
        form, page = self._saisie(
            request,
            queryset,
            SuppressionForm,
            "programmer_suppression",
            "Demande de suppression d'accès",
            "Enregistrer la suppression",
        )
        if page:
            return page
        lot = uuid.uuid4()
        donnees = form.cleaned_data

        def operation(habilitation):
            self.operer_suppression(
                request,
                lot,
                habilitation,
                donnees["a_compter_du"],
                demandee_par=donnees["demandee_par"],
                recue_le=donnees["recue_le"],
            )

        if self._appliquer(
            request, queryset, operation, f"supprimée(s) à compter du {donnees['a_compter_du']:%d/%m/%Y}"
        ):
            return self._vers_le_lot(request, lot, {})
        return None


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

    def get_list_filter(self, request):
        # Colleagues of one Caf: no filter listing the 123.
        return self.list_filter if request.user.is_superuser else [f for f in self.list_filter if f != "caisse"]

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
