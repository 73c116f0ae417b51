from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CafproConfig(AppConfig):
    name = "cafpro"
    verbose_name = "Cafpro"
    default = True

    def ready(self):
        # Connects the login signal that starts a session's absolute lifetime.
        from . import middleware  # noqa: F401


class CafproAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "cafpro.admin.CafproAdminSite"
