from django.urls import include, path

from . import views

app_name = "controle"

urlpatterns = [
    path("", include("controle.urls_surveillance")),
    path("journal/", views.journal, name="journal"),
    path("journal/export.csv", views.export, name="export"),
    path("journal/dossier/", views.dossier, name="dossier"),
    path("journal/identifiants-inconnus/", views.tentatives_inconnues, name="tentatives_inconnues"),
    path("journal/habilitations/<int:pk>/", views.chronologie, name="chronologie"),
]
