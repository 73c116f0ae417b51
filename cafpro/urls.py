from django.contrib import admin
from django.urls import path

from . import views

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("gestion/", admin.site.urls),
]
