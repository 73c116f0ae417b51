from django.urls import include, path

app_name = "controle"

urlpatterns = [
    path("", include("controle.urls_surveillance")),
]
