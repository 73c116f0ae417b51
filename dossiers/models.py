"""Allocataire records: built with the consultation issue (see issues list)."""
