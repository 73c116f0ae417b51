from django.urls import path

from . import views

urlpatterns = [
    path("", views.principal, name="portail"),
    path("consulter/", views.consulter, name="consulter"),
    path("dossier/<str:code>/", views.rubrique, name="rubrique"),
]
