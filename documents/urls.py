from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("lot/<uuid:lot>/", views.lot, name="lot"),
    path("<uuid:public_id>/", views.document, name="document"),
    path("<uuid:public_id>/pdf/", views.document_pdf, name="pdf"),
]
