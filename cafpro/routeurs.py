"""Allocataire data read on a PostgreSQL streaming replica, everything else on the primary.

Installed only when DATABASE_REPLICA_URL is set (cafpro/settings/base.py); docs/scaling.md says
what is routed and what the portal shows while the replica lags behind.
"""

from django.db import connections

PRIMAIRE = "default"
REPLIQUE = "replique"
# The apps whose reads may go to the replica: the allocataire data, which only the Caf's feed
# changes. The journal, habilitations, sessions, conventions… are read where they are written.
APPS_SUR_REPLIQUE = frozenset({"dossiers"})


class RepliqueRouter:
    def db_for_read(self, model, **hints):
        if model._meta.app_label not in APPS_SUR_REPLIQUE:
            # Said explicitly: with no answer, Django would follow the instance of a related
            # lookup (dossier.caisse of a dossier read on the replica) to the replica.
            return PRIMAIRE
        if connections[PRIMAIRE].in_atomic_block:
            # Inside a transaction on the primary (the demo, a loader, a management command, a
            # view under ATOMIC_REQUESTS) the code may read what it has just written, which the
            # replica does not have yet.
            return PRIMAIRE
        return REPLIQUE

    def db_for_write(self, model, **hints):
        # A replica is read-only: every write, the feed's and the demo's too, goes to the primary.
        return PRIMAIRE

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the primary's rows: a dossier read there may be linked to its Caisse
        # read on the primary.
        if {obj1._state.db, obj2._state.db} <= {PRIMAIRE, REPLIQUE}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The schema reaches the replica through replication, never through migrate.
        return db == PRIMAIRE
