"""Portal-wide request handling: the 10-minute idle timeout, the absolute session
lifetime and no-store caching."""

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model, logout
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.dispatch import receiver
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from cafpro import activite
from habilitations.connexion import MESSAGE_ECHEC
from habilitations.evenements import enregistrer_pour_compte
from habilitations.forms import ConnexionForm
from journal.ecriture import enregistrer
from journal.models import Resultat, TypeEvenement

CLE_ACTIVITE = "cafpro_derniere_activite"
CLE_OUVERTURE = "cafpro_ouverture"


@receiver(user_logged_in, dispatch_uid="cafpro_ouverture_de_session")
def noter_l_ouverture(sender, request, user, **kwargs):
    """The absolute lifetime counts from the login, whatever is done afterwards (ASVS 7.3.2)."""
    if request is not None and hasattr(request, "session"):
        maintenant = time.time()
        request.session[CLE_OUVERTURE] = maintenant
        # The last request before the activity cookie exists (cafpro/activite.py).
        request.session[CLE_ACTIVITE] = maintenant


def _fin_de_session(request, motif: str, page: str):
    enregistrer_pour_compte(TypeEvenement.EXPIRATION, Resultat.SUCCES, request.user, request=request, motif=motif)
    partenaire = request.user.est_partenaire
    responsable = request.user.est_responsable
    logout(request)
    # Staff go back to the admin's login; partners get the manual's page; a responsable
    # habilitations, his space's login (issue 16).
    if responsable:
        return redirect("responsables:connexion")
    return redirect(page if partenaire else "admin:login")


class InactiviteMiddleware:
    """Ends a session after CAFPRO_IDLE_TIMEOUT seconds without a request, and in any case
    CAFPRO_SESSION_MAX_AGE seconds after the login (partner agents and Caf staff alike:
    both screens show personal data).

    Manual Cafpro V5, "Session utilisateur": beyond 10 minutes without any action the
    user leaves the consultation and a page says that the time allowed has passed. The
    session is flushed on the server, not only forgotten by the browser.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            maintenant = time.time()
            ouverture = request.session.get(CLE_OUVERTURE)
            if ouverture is None or maintenant - ouverture > settings.SESSION_COOKIE_AGE:
                # Absolute: however active the session, it ends a working day after the login
                # (a session of unknown age is treated as too old).
                heures = settings.SESSION_COOKIE_AGE / 3600
                return _fin_de_session(
                    request,
                    f"durée maximale de session atteinte ({heures:g} h)",
                    reverse("session_expiree") + "?motif=duree",
                )
            # The later of the login (in the session) and the last request (the signed cookie): the
            # session row is not rewritten at every request for a timestamp.
            instants = (
                request.session.get(CLE_ACTIVITE),
                activite.instant_du_jeton(
                    request.COOKIES.get(settings.CAFPRO_ACTIVITE_COOKIE_NAME), request.session.session_key
                ),
            )
            derniere = max((instant for instant in instants if instant is not None), default=None)
            if derniere is not None and maintenant - derniere > settings.CAFPRO_IDLE_TIMEOUT:
                return _fin_de_session(request, f"{int(maintenant - derniere)} s sans action", "session_expiree")
        elif SESSION_KEY in request.session:
            # Still signed in, but the account was closed meanwhile (a habilitation suspended or
            # deleted, a staff account deactivated): Django sees an anonymous visitor; the
            # refused request is journaled and the session ended.
            compte = get_user_model()._default_manager.filter(pk=request.session[SESSION_KEY]).first()
            if compte is not None:
                enregistrer_pour_compte(
                    TypeEvenement.REFUS, Resultat.REFUS, compte, request=request, motif="session d'un compte fermé"
                )
            request.session.flush()
        reponse = self.get_response(request)
        # Signed in after the view (a login, or still): this request is the last activity.
        if request.user.is_authenticated and request.session.session_key:
            activite.poser(reponse, request.session.session_key, time.time())
        elif settings.CAFPRO_ACTIVITE_COOKIE_NAME in request.COOKIES:
            activite.effacer(reponse)
        return reponse


class PasDeCacheMiddleware:
    """Every page of a signed-in user may hold personal data: the browser keeps none of it,
    so the back button after logout or timeout shows nothing (ASVS 14.3.2)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reponse = self.get_response(request)
        if request.user.is_authenticated and not request.path.startswith(settings.STATIC_URL):
            add_never_cache_headers(reponse)
        return reponse


class TentativeIlisibleMiddleware:
    """A login POST that Django refuses to read (over DATA_UPLOAD_MAX_MEMORY_SIZE, or too many
    fields) never reaches the login code: it is still an attempt, journaled as a failed
    connection (so the per-address throttle counts it) and answered without a password check.
    Its __call__ runs before any process_view, so before the CSRF check reads the body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path in (reverse("connexion"), reverse("admin:login")):
            try:
                request.POST  # noqa: B018 — reading the body is the test
            except (RequestDataTooBig, TooManyFieldsSent) as refus:
                administration = request.path == reverse("admin:login")
                enregistrer(
                    TypeEvenement.CONNEXION,
                    Resultat.ECHEC,
                    request=request,
                    motif=f"{'administration : ' if administration else ''}saisie illisible ({type(refus).__name__})",
                )
                if administration:
                    return HttpResponseBadRequest("Saisie refusée.", content_type="text/plain; charset=utf-8")
                contexte = {"form": ConnexionForm(), "erreur": MESSAGE_ECHEC}
                return render(request, "portail/connexion.html", contexte, status=400)
        return self.get_response(request)
