from django.urls import path

from . import views

app_name = "controle"

urlpatterns = [
    path("journal/", views.journal, name="journal"),
    path("journal/export.csv", views.export, name="export"),
    path("journal/dossier/", views.dossier, name="dossier"),
    path("journal/identifiants-inconnus/", views.tentatives_inconnues, name="tentatives_inconnues"),
    path("journal/habilitations/<uuid:public_id>/", views.chronologie, name="chronologie"),
    path("indicateurs/", views.indicateurs, name="indicateurs"),
    path("droit-d-acces/", views.droit_acces_lettre, name="droit_acces"),
    path("droit-d-acces/lettre.pdf", views.droit_acces_pdf, name="droit_acces_pdf"),
    path("surveillances/", views.surveillances, name="surveillances"),
    path("surveillances/nouvelle/", views.surveillance_nouvelle, name="surveillance_nouvelle"),
    path("surveillances/evenements/", views.evenements, name="evenements_surveilles"),
    path("surveillances/<uuid:public_id>/", views.surveillance_detail, name="surveillance_detail"),
    path("surveillances/<uuid:public_id>/lever/", views.surveillance_lever, name="surveillance_lever"),
]
