"""Which dossier an agent may open: the numéro typed, the convention's scope, the opposition.

Every check is made on the server, again on each page of the dossier (a convention's
scope or the allocataire's opposition may change while the agent reads), and each
refusal says the same thing whether the dossier is missing or outside the scope, so
that nothing is learnt about the dossiers of other Cafs.
"""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from conventions.models import Caisse, Portee
from conventions.routage import caisse_pour_code_postal
from conventions.validators import valider_code_postal
from preparees import Preparee
from profils.definitions import PROFIL_BAILLEURS, PROFILS_SECRET_PARTAGE

from .models import Dossier, Logement

MESSAGE_INTROUVABLE = "Aucun dossier ne correspond à ce numéro d'allocataire."
MESSAGE_OPPOSITION = (
    "L'allocataire s'est opposé à la consultation de son dossier : il vous appartient de lui demander "
    "les informations nécessaires au traitement de sa demande."
)
SESSION_DOSSIER = "dossier_consulte"


def acces_multi_caf(convention) -> bool:
    """Multi-Caf and national accesses type a code postal or tick the CMAF box (manual, Cinématique)."""
    return convention.portee in (Portee.MULTI_CAF, Portee.NATIONALE)


class ConsultationForm(forms.Form):
    code_postal = forms.CharField(label="Code postal", required=False, max_length=5)
    numero_allocataire = forms.CharField(
        label="N° d'allocataire",
        max_length=20,
        error_messages={"required": "Pour consulter un dossier, veuillez saisir le n° allocataire."},
    )
    cmaf = forms.BooleanField(label="Caisse Maritime (CMAF)", required=False)

    def __init__(self, *args, convention, **kwargs):
        super().__init__(*args, **kwargs)
        self.multi_caf = acces_multi_caf(convention)
        if not self.multi_caf:
            # A local access searches its own Caf: fields sent anyway are not even read.
            del self.fields["code_postal"], self.fields["cmaf"]
        for nom, champ in self.fields.items():
            champ.widget.attrs["id"] = f"menu-{nom}"
        self.fields["numero_allocataire"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        if self.multi_caf:
            self.fields["code_postal"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean_numero_allocataire(self):
        numero = self.cleaned_data["numero_allocataire"].replace(" ", "")
        if not (len(numero) == 7 and numero.isascii() and numero.isdigit()):
            raise ValidationError("Le numéro d'allocataire comporte 7 chiffres.", code="numero_mal_forme")
        return numero

    def clean_code_postal(self):
        code_postal = self.cleaned_data["code_postal"].strip()
        if code_postal:
            valider_code_postal(code_postal)
        return code_postal

    def clean(self):
        donnees = super().clean()
        if self.multi_caf and "code_postal" in donnees:
            if donnees["cmaf"] and donnees["code_postal"]:
                raise ValidationError(
                    "Saisissez un code postal ou cochez la case CMAF, pas les deux : "
                    "la Caisse Maritime n'est pas recherchée par code postal.",
                    code="code_postal_et_cmaf",
                )
            if not donnees["cmaf"] and not donnees["code_postal"]:
                raise ValidationError(
                    "Saisissez le code postal de l'allocataire, ou cochez la case CMAF pour un dossier "
                    "de la Caisse Maritime d'Allocations Familiales.",
                    code="code_postal_requis",
                )
        return donnees

    def motif_refus(self) -> str:
        """The journal's wording for a refused form (never the message shown)."""
        codes = {e.code for erreurs in self.errors.as_data().values() for e in erreurs}
        for code, motif in (
            ("numero_mal_forme", "numéro d'allocataire mal formé"),
            ("required", "numéro d'allocataire absent"),
            ("code_postal_format", "code postal mal formé"),
            ("code_postal_et_cmaf", "code postal et case CMAF ensemble"),
            ("code_postal_requis", "ni code postal ni case CMAF"),
        ):
            if code in codes:
                return motif
        return "saisie refusée"


@dataclass(frozen=True)
class Recherche:
    dossier: Dossier | None
    motif: str = ""  # for the journal, when refused
    message: str = ""  # for the agent, when refused
    refuse: Dossier | None = None  # the dossier refused, for the journal only


def caisse_recherchee(convention, code_postal: str = "", cmaf: bool = False) -> Caisse | None:
    if not acces_multi_caf(convention):
        return convention.caisse
    if cmaf:
        return Caisse.objects.filter(est_maritime=True).first()
    return caisse_pour_code_postal(code_postal)


def locataire_du_bailleur(dossier: Dossier, siret: str) -> bool:
    """Whether the dossier's current dwelling is let by the partner of this SIRET with the aide au
    logement paid to him (tiers payant): what a T10 convention's agent may read, nothing else."""
    return (
        bool(siret)
        and Logement.objects.filter(dossier=dossier, tiers_payant=True, bailleur_siret=siret)
        .filter(Q(date_fin__isnull=True) | Q(date_fin__gte=timezone.localdate()))
        .exists()
    )


def verifier(dossier: Dossier, convention) -> Recherche:
    """The rules checked each time the dossier is shown."""
    if not convention.couvre(dossier.caisse_id):
        return Recherche(None, "dossier hors du périmètre de la convention", MESSAGE_INTROUVABLE, dossier)
    if convention.profil == PROFIL_BAILLEURS and not locataire_du_bailleur(dossier, convention.partenaire.siret):
        # Said as for an unknown dossier: a landlord learns nothing of who else is an allocataire.
        return Recherche(None, "allocataire hors tiers payant du bailleur", MESSAGE_INTROUVABLE, dossier)
    if convention.profil in PROFILS_SECRET_PARTAGE and dossier.opposition_partage:
        return Recherche(None, "opposition de l'allocataire au partage des données", MESSAGE_OPPOSITION, dossier)
    return Recherche(dossier)


def _dossiers():
    # Only what deciding needs: the rubriques read their own fields (dossiers/lecture/).
    return Dossier.objects.select_related("caisse").only(
        "caisse", "numero_allocataire", "situation", "opposition_partage"
    )


# Prepared once (preparees/): the search and every page of the dossier look it up.
_PAR_NUMERO = Preparee(
    lambda caisse_id, numero: _dossiers().filter(caisse_id=caisse_id, numero_allocataire=numero).order_by("pk")[:1],
    int,
    str,
)
_PAR_CLE = Preparee(lambda pk: _dossiers().filter(pk=pk)[:1], int)


def rechercher(convention, numero: str, code_postal: str = "", cmaf: bool = False) -> Recherche:
    caisse = caisse_recherchee(convention, code_postal, cmaf)
    if caisse is None:
        return Recherche(None, "aucune Caf pour ce code postal", MESSAGE_INTROUVABLE)
    dossier = _PAR_NUMERO.premiere(caisse.pk, numero)
    if dossier is None:
        motif = "dossier inconnu"
        if not convention.couvre(caisse.pk):
            motif = "dossier hors du périmètre de la convention"
        return Recherche(None, motif, MESSAGE_INTROUVABLE)
    return verifier(dossier, convention)


def dossier_en_session(session, convention) -> Recherche:
    """The dossier opened by "Consulter", checked again."""
    dossier_id = session.get(SESSION_DOSSIER)
    dossier = _PAR_CLE.premiere(dossier_id) if type(dossier_id) is int else None
    if dossier is None:
        # No message: nothing was refused to the agent, who is shown the main page (dossiers.views.rubrique).
        return Recherche(None, "aucun dossier ouvert")
    return verifier(dossier, convention)


def caisse_du_bandeau(session, convention) -> Caisse | None:
    """The Caf whose signature heads the page: the convention's for a local access; for
    multi-Caf and national accesses, the open dossier's once it is known, else none (the
    generic "Allocations familiales" banner)."""
    if not acces_multi_caf(convention):
        return convention.caisse
    recherche = dossier_en_session(session, convention)
    return recherche.dossier.caisse if recherche.dossier is not None else None
