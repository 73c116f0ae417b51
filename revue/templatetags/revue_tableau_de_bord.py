"""The reviews on the gestionnaire's home page (templates/admin/index.html): a tag of revue's,
so that habilitations/ and cafpro/ need not know about reviews (import-linter layers)."""

from django import template

from revue.models import Campagne

register = template.Library()


@register.simple_tag
def revues_en_cours(user) -> list[Campagne]:
    """The open reviews of the gestionnaire's Caf, with their progress; none for anyone else."""
    if not getattr(user, "est_gestionnaire", False) or not user.caisse_id:
        return []
    return list(
        Campagne.objects.ouvertes()
        .de_la_caisse(user.caisse_id)
        .select_related("convention__partenaire")
        .avec_avancement()
        .order_by("date_limite", "convention__numero")
    )
