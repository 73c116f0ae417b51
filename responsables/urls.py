from django.urls import path

from . import views

app_name = "responsables"

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("connexion/", views.connexion, name="connexion"),
    path("connexion/bloquee/", views.bloque, name="bloque"),
    path("second-facteur/", views.second_facteur, name="second_facteur"),
    path("deconnexion/", views.deconnexion, name="deconnexion"),
    path("mot-de-passe/", views.mot_de_passe, name="mot_de_passe"),
    path("demandes/", views.demandes, name="demandes"),
    path("demandes/acces/", views.demande_acces, name="demande_acces"),
    path("agents/<uuid:public_id>/suspension/", views.demander, {"type_": "suspension"}, name="suspension"),
    path("agents/<uuid:public_id>/suppression/", views.demander, {"type_": "suppression"}, name="suppression"),
    path(
        "agents/<uuid:public_id>/reinitialisation/",
        views.demander,
        {"type_": "reinitialisation"},
        name="reinitialisation",
    ),
]
