"""Which Caf serves a code postal (multi-Caf and national accesses type one first).

The department's default Caf, unless the Caf has routed that code postal elsewhere
(departments with several Cafs). 17xxx leads to La Rochelle (171); the Caisse Maritime
is never reached this way, only by its check box (manual Cafpro V5, "Cinématique").
"""

from .models import Caisse, RoutageCodePostal
from .validators import valider_code_postal


def departement_du_code_postal(code_postal: str) -> str:
    if code_postal.startswith("97"):
        return code_postal[:3]
    if code_postal.startswith("20"):
        # Corse-du-Sud 200xx–201xx, Haute-Corse 202xx and 206xx.
        return "2A" if code_postal < "20200" else "2B"
    return code_postal[:2]


def caisse_pour_code_postal(code_postal: str) -> Caisse | None:
    """The Caf for a well-formed code postal, or None; ValidationError if badly formed."""
    code_postal = (code_postal or "").strip()
    valider_code_postal(code_postal)
    route = RoutageCodePostal.objects.select_related("caisse").filter(code_postal=code_postal).first()
    if route is not None and not route.caisse.est_maritime:
        return route.caisse
    return (
        Caisse.objects.caf()
        .filter(departement=departement_du_code_postal(code_postal), defaut_departement=True)
        .first()
    )
