"""Test settings: development settings, plus traps for silent template mistakes."""

from .dev import *  # noqa: F403

# An undefined template variable renders this sentinel, which tests look for.
TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = "!!UNDEFINED:%s!!"  # noqa: F405
