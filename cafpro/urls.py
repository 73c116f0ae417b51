from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path

from dialogue import views as dialogue
from dossiers import views as dossiers
from habilitations import views as porte

urlpatterns = [
    path("", porte.connexion, name="connexion"),
    path("a-qui-s-adresse-cafpro/", porte.a_qui_s_adresse_cafpro, name="a_qui_s_adresse_cafpro"),
    path("securite/", porte.securite, name="securite"),
    path("connexion/erreur/", porte.connexion_erreur, name="connexion_erreur"),
    path("session-expiree/", porte.session_expiree, name="session_expiree"),
    path("deconnexion/", porte.deconnexion, name="deconnexion"),
    path("session/prolonger/", porte.prolonger_session, name="prolonger_session"),
    path("mot-de-passe/", porte.mot_de_passe, name="mot_de_passe"),
    path("portail/", include("dossiers.urls")),
    # Wired here, not in dossiers/urls.py: dialogue uses the portal's frame, dossiers never imports dialogue.
    path("portail/dialogue/", dialogue.dialogue, name="dialogue"),
    path("portail/dialogue/messages/", dialogue.mes_messages, name="dialogue_messages"),
    path("portail/dialogue/messages/<uuid:public_id>/", dialogue.lire_message, name="dialogue_message"),
    # The responsables habilitations' space (issue 16): neither the portal nor the admin.
    path("espace/", include("responsables.urls")),
    # Its yearly review, wired here: revue uses the space, the space never imports revue.
    path("espace/revue/", include("revue.urls")),
    path("gestion/controle/", include("controle.urls")),
    path("gestion/documents/", include("documents.urls")),
    path("gestion/", admin.site.urls),
    # Browsers ask for it on every site, the admin's pages too (which name no icon).
    path("favicon.ico", login_not_required(lambda request: redirect(static("img/favicon.svg"), permanent=True))),
]

# A refusal keeps the portal's frame for an agent who may use it (issue 15).
handler403 = dossiers.refus
