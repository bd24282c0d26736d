from django.urls import path

from . import views

app_name = "practices"

urlpatterns = [
    path("", views.practice_list, name="list"),
    path("flux.atom", views.feed, name="feed"),
    path("donnees/fiches.<slug:fmt>", views.open_data, name="open_data"),
    path("recueil/", views.recueil, name="recueil"),
    path("territoire/<slug:kind>/<str:code>/", views.territory, name="territory"),
    path("<slug:slug>/", views.practice_detail, name="detail"),
    path("<slug:slug>/fiche.pdf", views.practice_pdf, name="pdf"),
]
