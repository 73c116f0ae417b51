from django.urls import path

from . import views

app_name = "revue"

urlpatterns = [
    path("", views.revue, name="espace"),
    path("<uuid:public_id>/confirmer/", views.confirmer, name="confirmer"),
    path("<uuid:public_id>/plus-necessaire/", views.plus_necessaire, name="plus_necessaire"),
]
