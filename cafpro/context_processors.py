from django.conf import settings


def portail(request):
    """What every portal page needs to know: the idle limit, for the countdown."""
    return {"delai_inactivite": settings.CAFPRO_IDLE_TIMEOUT}
