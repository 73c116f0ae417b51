from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render


@login_not_required
def accueil(request):
    return render(request, "portail/accueil.html")
