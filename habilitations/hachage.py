"""How passwords are hashed: Argon2id, at a memory cost a serving worker can afford.

Django's default Argon2 parameters take 100 MiB per hash with 8 lanes: a worker of 75 MiB rose
to 180 MiB at each login (issue 17's goal is 150 MiB), and 8 lanes on 2 cores made a login cost
350 ms. These stay above OWASP's Password Storage Cheat Sheet floor for Argon2id (19 MiB, 2
passes, 1 lane): 46 MiB, 3 passes, 1 lane, about 125 ms here. One hash at a time per process,
so that a worker serving several requests at once (gunicorn's threads) never holds more than
one hash's memory; the others wait their turn, which the login's cost allows. Hashes made with
other parameters still verify and are rewritten at the next login (Django's must_update).
"""

import threading

from django.contrib.auth.hashers import Argon2PasswordHasher

_UN_A_LA_FOIS = threading.Lock()


class Argon2Cafpro(Argon2PasswordHasher):
    algorithm = "argon2"  # the same encoded format: existing hashes stay valid
    memory_cost = 46 * 1024  # KiB
    time_cost = 3
    parallelism = 1

    def encode(self, password, salt):
        with _UN_A_LA_FOIS:
            return super().encode(password, salt)

    def verify(self, password, encoded):
        with _UN_A_LA_FOIS:
            return super().verify(password, encoded)
