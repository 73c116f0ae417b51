from django.contrib import admin
from django.db.models import Count

from conventions.admin import PerimetreCaisseAdmin
from journal.ecriture import enregistrer
from journal.models import Resultat, TypeEvenement

from .forms import ReponseForm
from .models import Message, Reponse


class ReponsesEnvoyeesInline(admin.StackedInline):
    """The answers already sent, as the agent reads them: kept as written, never changed."""

    model = Reponse
    fields = ["envoyee_le", "auteur", "texte", "lue_le"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = "réponse envoyée"
    verbose_name_plural = "réponses envoyées"

    # Shown to whoever may see the message (MessageAdmin checks the Caisse), not by Django's
    # model permissions, which gestionnaires do not hold.
    def has_view_permission(self, request, obj=None):
        return PerimetreCaisseAdmin._gere(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class NouvelleReponseInline(admin.StackedInline):
    """One empty form: « Votre réponse ». Left empty, nothing is sent."""

    model = Reponse
    form = ReponseForm
    fields = ["texte"]
    extra = 1
    max_num = 1
    can_delete = False
    verbose_name = "réponse à l'agent"
    verbose_name_plural = "répondre à l'agent"

    def get_queryset(self, request):
        return super().get_queryset(request).none()  # only new answers here

    def get_formset(self, request, obj=None, **kwargs):
        # A forged form with several answers at once is refused.
        return super().get_formset(request, obj, validate_max=True, **kwargs)

    def has_view_permission(self, request, obj=None):
        return PerimetreCaisseAdmin._gere(request)

    def has_add_permission(self, request, obj=None):
        return PerimetreCaisseAdmin._gere(request)

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Message)
class MessageAdmin(PerimetreCaisseAdmin):
    """The Caf's gestionnaires read the messages of their Caf, answer them and mark them as
    dealt with (issue 16); another Caf's messages do not exist for them."""

    list_display = ["recu_le", "organisme", "nom_prenom", "courriel", "traite", "nombre_de_reponses"]
    list_filter = ["traite"]
    search_fields = ["organisme", "nom_prenom", "texte"]
    readonly_fields = ["caisse", "auteur", "organisme", "nom_prenom", "courriel", "texte", "recu_le"]
    fields = [*readonly_fields, "traite"]
    inlines = [ReponsesEnvoyeesInline, NouvelleReponseInline]

    def has_add_permission(self, request):
        return False  # messages come from the portal only

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_nombre_de_reponses=Count("reponses"))

    @admin.display(description="réponses", ordering="_nombre_de_reponses")
    def nombre_de_reponses(self, obj):
        return obj._nombre_de_reponses

    def save_formset(self, request, form, formset, change):
        if formset.model is not Reponse:
            return super().save_formset(request, form, formset, change)
        message = form.instance
        for reponse in formset.save(commit=False):
            reponse.message, reponse.auteur = message, request.user
            reponse.save()
            # Who answered which message, and when; the text stays in the answer, not the journal.
            enregistrer(
                TypeEvenement.DIALOGUE,
                Resultat.SUCCES,
                request=request,
                motif=f"réponse n° {reponse.pk} au message n° {message.pk}",
                acteur=request.user.username,
                caisse=message.caisse.numero,
                details={"objet": f"dialogue.reponse:{reponse.pk}", "destinataire": message.auteur.username},
            )
            if not message.traite:
                # Answered: dealt with.
                message.traite = True
                message.save(update_fields=["traite"])
