import random


def aleatoire(*parties: str) -> random.Random:
    """A generator of its own for one record of the demo world.

    Seeded per record, not per run, so that adding a record never changes the others."""
    return random.Random("cafpro-demo:" + ":".join(parties))
