from django.urls import path

from . import views

app_name = "practices_admin"

urlpatterns = [
    path("", views.practice_list, name="list"),
    path("nouvelle/", views.practice_create, name="create"),
    path("<int:pk>/", views.practice_detail, name="detail"),
    path("<int:pk>/modifier/", views.practice_edit, name="edit"),
    path("<int:pk>/statut/<slug:action>/", views.practice_transition, name="transition"),
    path("<int:pk>/historique/<int:number>/", views.practice_version, name="version"),
    path("<int:pk>/pieces-jointes/", views.attachment_add, name="attachment_add"),
    path(
        "<int:pk>/pieces-jointes/<int:attachment_pk>/supprimer/",
        views.attachment_delete,
        name="attachment_delete",
    ),
]
