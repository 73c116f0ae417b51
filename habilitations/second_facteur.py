"""Caf staff's second factor (TOTP, django-otp): enrolment by QR code, then a code at
each login. The admin refuses a session without a verified device (cafpro.admin)."""

import base64
import io

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.hashers import check_password
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from journal.ecriture import enregistrer
from journal.models import Resultat, TypeEvenement

from . import verrou_personnel
from .connexion import hash_factice
from .evenements import enregistrer_pour_compte


class ConnexionPersonnelForm(AdminAuthenticationForm):
    """The admin's login form, with the staff lockout in front of the password check."""

    def clean(self):
        # An entry the fields refused (empty, a NUL, too long) is an attempt too: counted and
        # journaled like a wrong password (issue 12).
        username = (self.cleaned_data.get("username") or self.data.get("username") or "")[:150]
        rang = verrou_personnel.compter_tentative(username)
        if rang is None:
            self._refuser(Resultat.REFUS, "compte bloqué", username)
            raise forms.ValidationError(MESSAGE_BLOCAGE, code="bloque")
        saisi = self.cleaned_data.get("username") or ""
        if not saisi or len(saisi) > 150 or not self.cleaned_data.get("password"):
            incomplete = not self.data.get("username") or not self.data.get("password")
            self._refuser(Resultat.ECHEC, f"saisie {'incomplète' if incomplete else 'mal formée'}", username)
            self._journaliser_blocage(username, rang)
            raise self.get_invalid_login_error()
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            self._journaliser_blocage(username, rang)
            raise
        verrou_personnel.effacer(username)
        return cleaned

    def _refuser(self, resultat: Resultat, motif: str, username: str) -> None:
        """An attempt turned away before the real password check: one hash all the same."""
        check_password(self.cleaned_data.get("password") or "", hash_factice())
        self._journaliser(TypeEvenement.CONNEXION, resultat, motif, username)

    def _journaliser_blocage(self, username: str, rang: int) -> None:
        if rang >= settings.CAFPRO_STAFF_MAX_ECHECS:
            self._journaliser(TypeEvenement.VERROUILLAGE, Resultat.SUCCES, f"{rang} échecs consécutifs", username)

    def _journaliser(self, type_: TypeEvenement, resultat: Resultat, motif: str, username: str) -> None:
        enregistrer(type_, resultat, request=self.request, motif=f"administration : {motif}", identifiant=username)


MESSAGE_BLOCAGE = (
    "Connexion bloquée après plusieurs échecs : réessayez plus tard, ou demandez à un collègue "
    "de votre Caf de la débloquer."
)


class JetonForm(forms.Form):
    jeton = forms.RegexField(
        label="Code à 6 chiffres de votre application d'authentification",
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": "Le code comporte 6 chiffres."},
    )
    jeton.widget.attrs.update(autocomplete="one-time-code", inputmode="numeric")


def attend_second_facteur(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff and user.est_agent_caf) and not (
        user.is_verified()
    )


def qr_code_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    tampon = io.BytesIO()
    image.save(tampon)
    return "data:image/svg+xml;base64," + base64.b64encode(tampon.getvalue()).decode()


def appareil_totp(user) -> tuple[TOTPDevice, bool]:
    """The account's confirmed authenticator, or, at its first login (or after the Caf reset it),
    the one being enrolled, made once and kept until a code confirms it: (device, enrolling)."""
    appareil = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if appareil is not None:
        return appareil, False
    return (
        TOTPDevice.objects.filter(user=user, confirmed=False).first()
        or TOTPDevice.objects.create(user=user, name="Cafpro", confirmed=False),
        True,
    )


def _journaliser(request, user, resultat, motif):
    enregistrer_pour_compte(TypeEvenement.CONNEXION, resultat, user, request=request, motif=motif, acteur=user.username)


def verification(request, admin_site):
    user = request.user
    if not attend_second_facteur(user):
        return redirect("admin:index" if user.is_authenticated and user.is_verified() else "admin:login")
    appareil, enrolement = appareil_totp(user)
    form = JetonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if appareil.verify_token(form.cleaned_data["jeton"].strip()):
            if enrolement:
                appareil.confirmed = True
                appareil.save(update_fields=["confirmed"])
            _journaliser(request, user, Resultat.SUCCES, "administration : second facteur vérifié")
            otp_login(request, appareil)
            request.session.cycle_key()
            suite = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(suite, {request.get_host()}, request.is_secure()):
                suite = ""
            return redirect(suite or "admin:index")
        _journaliser(request, user, Resultat.ECHEC, "administration : second facteur erroné")
        form.add_error("jeton", "Code incorrect ou expiré. Vérifiez l'heure de votre téléphone et réessayez.")
    contexte = {
        **admin_site.each_context(request),
        "title": "Enrôlement du second facteur" if enrolement else "Second facteur",
        "form": form,
        "enrolement": enrolement,
    }
    if enrolement:
        contexte["qr_code"] = qr_code_svg(appareil.config_url)
        contexte["cle"] = base64.b32encode(appareil.bin_key).decode()
    return render(request, "admin/second_facteur.html", contexte)


@receiver(user_logged_in)
def journaliser_connexion_administration(sender, request, user, **kwargs):
    # Partner logins are journaled by habilitations.connexion, with their reason.
    if getattr(user, "est_agent_caf", False):
        _journaliser(request, user, Resultat.SUCCES, "administration : mot de passe vérifié")


@receiver(user_login_failed)
def journaliser_echec_administration(sender, credentials, request=None, **kwargs):
    # `credentials` has the password already masked by Django; only the username is kept.
    enregistrer(
        TypeEvenement.CONNEXION,
        Resultat.ECHEC,
        request=request,
        motif="administration : identifiants erronés",
        identifiant=str(credentials.get("username", "")),
    )
