"""`{% lien 'nom' %}`: `{% url 'nom' %}` for a URL without arguments, reversed once per process
(issue 17: `reverse()` at each of the portal's links was a tenth of a page's template)."""

import functools

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


@register.simple_tag
def lien(nom: str) -> str:
    # The script prefix and the request's urlconf are what reverse() reads besides the name.
    return _lien(nom, get_script_prefix(), get_urlconf())


@functools.lru_cache(maxsize=256)
def _lien(nom: str, prefixe: str, urlconf: str | None) -> str:
    return reverse(nom, urlconf=urlconf)
