"""The static files' storage of production: whitenoise's, whose URLs are computed once per
process (issue 17: the `{% static %}` of every portal page hashed the same names again)."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StockageStatique(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        # The manifest is read once, when the process starts: a name's URL cannot change after.
        if force:
            return super().url(name, force)
        try:
            return self._urls[name]
        except KeyError:
            adresse = self._urls[name] = super().url(name)
            return adresse
