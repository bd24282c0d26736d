"""The public observatory's pages beside its index (``www:observatory``), under
/observatoire/."""

from django.urls import path

from . import views

app_name = "observatory_public"

urlpatterns = [
    path("methodologie/", views.methodology, name="methodology"),
    path("donnees/", views.open_data, name="open_data"),
    path("donnees/schema.json", views.schema, name="schema"),
    path("donnees/observatoire_<int:year>.csv", views.open_data_csv, name="open_data_csv"),
    path("donnees/observatoire_<int:year>.json", views.open_data_json, name="open_data_json"),
]
