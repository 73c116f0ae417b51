"""`{% lien %}` (cafpro/templatetags/liens.py) and the static files' URLs kept once computed
(cafpro/stockage.py): the same addresses as Django's own, under any script prefix."""

from django.contrib.staticfiles.finders import FileSystemFinder
from django.template import Context, Template
from django.urls import clear_script_prefix, reverse, set_script_prefix

from cafpro.stockage import StockageStatique


def rendre(texte: str) -> str:
    return Template("{% load liens %}" + texte).render(Context())


def test_lien_is_reverse_whatever_the_script_prefix():
    for nom in ("portail", "consulter", "mot_de_passe", "deconnexion", "session_expiree"):
        assert rendre(f"{{% lien '{nom}' %}}") == reverse(nom)
    try:
        set_script_prefix("/cafpro/")
        assert rendre("{% lien 'portail' %}") == "/cafpro/portail/" == reverse("portail")
    finally:
        clear_script_prefix()
    assert rendre("{% lien 'portail' %}") == "/portail/"


def test_static_urls_are_the_manifest_s_and_kept(tmp_path, settings):
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "a.css").write_text("body { color: black; }")
    settings.STATICFILES_DIRS = [tmp_path]
    racine = tmp_path / "collectes"
    stockage = StockageStatique(location=racine, base_url="/static/")
    # What collectstatic does: copy, then hash and write the manifest.
    fichiers = dict(FileSystemFinder().list([]))
    for chemin, stockeur in fichiers.items():
        with stockeur.open(chemin) as f:
            stockage.save(chemin, f)
    list(stockage.post_process({c: (s, c) for c, s in fichiers.items()}))
    relu = StockageStatique(location=racine, base_url="/static/")
    adresse = relu.url("css/a.css")
    assert adresse.startswith("/static/css/a.") and adresse.endswith(".css") and adresse != "/static/css/a.css"
    assert relu.url("css/a.css") is adresse  # kept: computed once
    assert adresse == super(StockageStatique, relu).url("css/a.css")
