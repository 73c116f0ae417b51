"""Irregularity indicators and mises sous surveillance (see controle/vues_surveillance.py)."""

urlpatterns = []
