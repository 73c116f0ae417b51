from django.apps import AppConfig


class ProfilsConfig(AppConfig):
    name = "profils"
    verbose_name = "profils d'accès"
