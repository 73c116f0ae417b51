"""Every test fails when one of our templates prints an undefined variable (cafpro/settings/test.py)."""

import pytest
from django.conf import settings
from django.template import Context, Template, engines
from django.template.base import Origin
from django.template.loader import render_to_string

from cafpro.settings.test import VariableIndefinie


def gabarit(texte, chemin):
    return Template(texte, origin=Origin(name=str(chemin), template_name="essai.html"), engine=engines["django"].engine)


def test_une_variable_indefinie_d_un_de_nos_gabarits_fait_echouer():
    with pytest.raises(VariableIndefinie, match="absente"):
        gabarit("<p>{{ absente }}</p>", settings.BASE_DIR / "templates" / "essai.html").render(Context({}))


def test_de_meme_dans_un_gabarit_etendu_ou_inclus():
    """dialogue/envoye.html extends the portal's frame, which includes portail/session.html."""
    with pytest.raises(VariableIndefinie, match="n'est pas définie dans le gabarit portail/"):
        render_to_string("dialogue/envoye.html", {})


def test_if_et_for_sur_un_nom_absent_restent_silencieux():
    texte = "{% if absente %}oui{% endif %}{% for x in absentes %}{{ x }}{% endfor %}fin"
    assert gabarit(texte, settings.BASE_DIR / "templates" / "essai.html").render(Context({})) == "fin"


def test_les_gabarits_de_django_gardent_leur_chaine_vide():
    """The admin's own templates test undefined names on purpose."""
    import django

    chemin = django.__path__[0] + "/contrib/admin/templates/admin/essai.html"
    assert gabarit("<p>{{ absente }}</p>", chemin).render(Context({})) == "<p></p>"
