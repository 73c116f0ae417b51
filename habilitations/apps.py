from django.apps import AppConfig


class HabilitationsConfig(AppConfig):
    name = "habilitations"
    verbose_name = "habilitations et comptes"

    def ready(self):
        from . import second_facteur  # noqa: F401 — connects the admin login journal signals
