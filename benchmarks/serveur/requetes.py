"""SQL statements per rubrique page, for benchmarks/banc.py: an agent signs in through the
login form (production settings, the base of DATABASE_URL), looks a dossier up, then each
rubrique of his profile is read twice and the second read's statements are counted.

    python benchmarks/serveur/requetes.py IDENTIFIANT MOT_DE_PASSE NUMERO CODE_POSTAL  → JSON
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cafpro.settings.base")


def main() -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from habilitations.models import Habilitation
    from profils.rubriques import rubriques_du_profil

    identifiant, mot_de_passe, numero, code_postal = sys.argv[1:5]
    client = Client()
    assert client.post("/", {"identifiant": identifiant, "mot_de_passe": mot_de_passe}).status_code == 302
    reponse = client.post("/portail/consulter/", {"numero_allocataire": numero, "code_postal": code_postal})
    assert reponse.status_code == 302, reponse.status_code
    profil = Habilitation.objects.get(user__username=identifiant).convention.profil
    comptes = {}
    for rubrique in rubriques_du_profil(profil):
        adresse = f"/portail/dossier/{rubrique.code}/"
        assert client.get(adresse).status_code == 200
        requetes: list[str] = []

        def noter(execute, sql, *args, requetes=requetes):
            requetes.append(sql)
            return execute(sql, *args)

        with connection.execute_wrapper(noter):
            assert client.get(adresse).status_code == 200
        comptes[rubrique.code] = len(requetes)
    print(json.dumps({"profil": profil, "requetes": comptes}))


if __name__ == "__main__":
    main()
