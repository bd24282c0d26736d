from django.urls import path

from . import views

app_name = "territories"

urlpatterns = [
    path("qpv/", views.qpv_lookup, name="qpv_lookup"),
    path("qpv/fichier/", views.qpv_csv_upload, name="qpv_csv_upload"),
    path("qpv/<str:code>/", views.qpv_detail, name="qpv_detail"),
]
