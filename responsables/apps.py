from django.apps import AppConfig


class ResponsablesConfig(AppConfig):
    name = "responsables"
    verbose_name = "espace des responsables habilitations"
