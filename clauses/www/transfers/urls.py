from django.urls import path

from . import views

app_name = "transfers"

urlpatterns = [
    path("import/", views.import_start, name="import"),
    path("import/modele.xlsx", views.import_template, name="import_template"),
    path("import/exemple.xlsx", views.import_example, name="import_example"),
    path("import/<str:token>/", views.import_preview, name="import_preview"),
    path("import/<str:token>/confirmer/", views.import_confirm, name="import_confirm"),
    path("export/", views.export_page, name="export"),
    path("export/<str:fmt>/", views.export_file, name="export_file"),
]
