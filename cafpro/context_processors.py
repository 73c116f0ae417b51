from django.conf import settings

from dialogue.indicateur import ReponsesEnAttente


def portail(request):
    """What every portal page needs to know: the idle limit, for the countdown, and when its
    warning appears: a minute before the end (RGAA 13.1), or halfway through a shorter limit;
    the Caf's answers waiting for the agent, counted only where the banner shows « Dialogue »."""
    delai = settings.CAFPRO_IDLE_TIMEOUT
    return {
        "delai_inactivite": delai,
        "avertissement_inactivite": min(60, delai // 2),
        "reponses_dialogue": ReponsesEnAttente(getattr(request, "user", None)),
    }
