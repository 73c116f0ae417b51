"""Irregularity indicators and mises sous surveillance (see controle/vues_surveillance.py).

Included by controle/urls.py (app_name "controle"), mounted at /gestion/controle/."""

from django.urls import path

from . import vues_surveillance as vues

urlpatterns = [
    path("indicateurs/", vues.indicateurs, name="indicateurs"),
    path("surveillances/", vues.surveillances, name="surveillances"),
    path("surveillances/nouvelle/", vues.surveillance_nouvelle, name="surveillance_nouvelle"),
    path("surveillances/evenements/", vues.evenements, name="evenements_surveilles"),
    path("surveillances/<int:pk>/", vues.surveillance_detail, name="surveillance_detail"),
    path("surveillances/<int:pk>/lever/", vues.surveillance_lever, name="surveillance_lever"),
]
