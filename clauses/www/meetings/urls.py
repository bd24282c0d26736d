from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    # The personal links first: a meeting's slug could otherwise read "inscription".
    path("inscription/<str:token>/", views.registration_detail, name="registration"),
    path("inscription/<str:token>/modifier/", views.registration_edit, name="registration_edit"),
    path("inscription/<str:token>/annuler/", views.registration_cancel, name="registration_cancel"),
    path(
        "inscription/<str:token>/mes-donnees.json",
        views.registration_data,
        name="registration_data",
    ),
    path(
        "inscription/<str:token>/supprimer/", views.registration_delete, name="registration_delete"
    ),
    path("inscription/<str:token>/satisfaction/", views.satisfaction, name="satisfaction"),
    path("<slug:slug>/", views.meeting_detail, name="detail"),
    path("<slug:slug>/places/", views.meeting_places, name="places"),
    path("<slug:slug>/inscription/", views.register, name="register"),
]
