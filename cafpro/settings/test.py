"""Test settings: development settings, plus traps for silent template mistakes."""

import copy
import sys
from pathlib import Path

from django.template.base import Node

from .dev import *  # noqa: F403


class VariableIndefinie(Exception):
    """One of our templates printed a variable that its context does not define."""


class _SiVariableIndefinie(str):
    """`string_if_invalid` for the tests: every test fails when one of our templates prints an
    undefined variable (`{{ x }}`, `{% blocktranslate %}`), wherever the page is rendered.

    Django applies `string_if_invalid % variable` at that point (django/template/base.py,
    FilterExpression.resolve): the `%` raises. `{% if %}` and `{% for %}` over a missing name stay
    silent, as Django means them to. Only our templates (templates/ and our apps', under the
    project's folder) are held to it: Django's admin templates test undefined names on purpose
    (`{{ is_popup }}`, `{{ cl.formset.errors }}`…) and get Django's usual empty string."""

    def __mod__(self, variable):
        origine = _gabarit_en_cours()
        if origine is not None and _est_des_notres(origine.name):
            raise VariableIndefinie(f"« {variable} » n'est pas définie dans le gabarit {origine.template_name}")
        return ""


def _gabarit_en_cours():
    """The origin of the template node being rendered: the nearest Node.render_annotated frame."""
    cadre = sys._getframe(2)
    while cadre is not None:
        noeud = cadre.f_locals.get("self")
        if cadre.f_code.co_name == "render_annotated" and isinstance(noeud, Node):
            return getattr(noeud, "origin", None)
        cadre = cadre.f_back
    return None


def _est_des_notres(chemin: str) -> bool:
    fichier = Path(chemin)
    return fichier.is_relative_to(BASE_DIR) and "site-packages" not in fichier.parts  # noqa: F405


TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = _SiVariableIndefinie("%s")  # noqa: F405

# The replica of docs/scaling.md as a test mirror of default: no second database is created, its
# connection opens the same test database, so that tests/test_routeurs.py checks with real queries
# which alias each read and write goes through. The router stays off for the rest of the suite,
# whatever the environment says (those tests enable it with override_settings).
DATABASES["replique"] = {  # noqa: F405
    **copy.deepcopy(DATABASES["default"]),  # noqa: F405
    "ATOMIC_REQUESTS": False,
    "TEST": {"MIRROR": "default"},
}
DATABASE_ROUTERS: list[str] = []

# Every prepared query (preparees/) is compiled again at each execution and compared with its
# prepared SQL: a key that forgets what the queryset depends on fails the test that runs it.
CAFPRO_PREPAREES_VERIFIEES = True
