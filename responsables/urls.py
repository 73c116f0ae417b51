from django.urls import path

from . import views

app_name = "responsables"

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("connexion/", views.connexion, name="connexion"),
    path("connexion/bloquee/", views.bloque, name="bloque"),
    path("second-facteur/", views.second_facteur, name="second_facteur"),
    path("deconnexion/", views.deconnexion, name="deconnexion"),
]
