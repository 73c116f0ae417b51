from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CafproConfig(AppConfig):
    name = "cafpro"
    verbose_name = "Cafpro"
    default = True


class CafproAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "cafpro.admin.CafproAdminSite"
