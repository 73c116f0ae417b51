"""The deterministic demo world (`manage.py demo`): a development tool.

Installed by the development and test settings only (`cafpro/settings/dev.py`); the
production settings do not list it, and no app imports it.
"""
