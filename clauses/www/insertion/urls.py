from django.urls import path

from . import views

app_name = "insertion"

urlpatterns = [
    path("participants/", views.participant_list, name="participant_list"),
    path("participants/nouveau/", views.participant_create, name="participant_create"),
    path("participants/<int:pk>/", views.participant_detail, name="participant_detail"),
    path("participants/<int:pk>/modifier/", views.participant_edit, name="participant_edit"),
    path("participants/<int:pk>/criteres/", views.eligibility_add, name="eligibility_add"),
    path(
        "participants/<int:pk>/criteres/<int:eligibility_pk>/retirer/",
        views.eligibility_remove,
        name="eligibility_remove",
    ),
    path("missions/", views.mission_list, name="mission_list"),
    path("missions/nouvelle/", views.mission_create, name="mission_create"),
    path("missions/<int:pk>/modifier/", views.mission_edit, name="mission_edit"),
    path("missions/<int:pk>/sortie/", views.outcome_record, name="outcome_record"),
    path("heures/", views.hours_grid, name="hours_grid"),
    path("heures/mois/", views.hours_month, name="hours_month"),
]
