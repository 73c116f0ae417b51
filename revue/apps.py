from django.apps import AppConfig


class RevueConfig(AppConfig):
    name = "revue"
    verbose_name = "revue annuelle des accès"
