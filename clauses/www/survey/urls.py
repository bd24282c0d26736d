from django.urls import path

from . import views

app_name = "survey"

urlpatterns = [
    path("", views.home, name="home"),
    path("reponse/<str:token>/", views.resume, name="resume"),
    path("reponse/<str:token>/section/<int:section_id>/", views.section, name="section"),
    path("reponse/<str:token>/recapitulatif/", views.recap, name="recap"),
    path("reponse/<str:token>/envoyer-le-lien/", views.send_link, name="send_link"),
    path("<slug:slug>/", views.start, name="start"),
    path("<slug:slug>/lien-envoye/", views.link_sent, name="link_sent"),
]
