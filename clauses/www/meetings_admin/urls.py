from django.urls import path

from . import views

app_name = "meetings_admin"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("nouvelle/", views.meeting_create, name="create"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/modifier/", views.meeting_edit, name="edit"),
    path("<int:pk>/publication/", views.meeting_publish, name="publish"),
    path("<int:pk>/programme/", views.meeting_items, {"kind": "programme"}, name="programme"),
    path("<int:pk>/questions/", views.meeting_items, {"kind": "questions"}, name="questions"),
    path("<int:pk>/pratiques/", views.meeting_items, {"kind": "practices"}, name="practices"),
    path("<int:pk>/documents/", views.meeting_documents, name="documents"),
    path(
        "<int:pk>/documents/<int:document_pk>/supprimer/",
        views.document_delete,
        name="document_delete",
    ),
    path("<int:pk>/inscriptions/", views.registration_list, name="registrations"),
    path(
        "<int:pk>/inscriptions/<int:registration_pk>/valider/",
        views.registration_approve,
        name="approve",
    ),
    path(
        "<int:pk>/inscriptions/<int:registration_pk>/refuser/",
        views.registration_refuse,
        name="refuse",
    ),
    path(
        "<int:pk>/inscriptions/<int:registration_pk>/annuler/",
        views.registration_cancel,
        name="cancel",
    ),
    path("<int:pk>/export/<slug:identifier>.<slug:fmt>/", views.export, name="export"),
    path("<int:pk>/emargement.pdf", views.sign_in_sheet, name="sign_in_sheet"),
    path("<int:pk>/badges.pdf", views.badges, name="badges"),
    path("<int:pk>/pointage/", views.check_in, name="check_in"),
    path(
        "<int:pk>/pointage/inscriptions/<int:registration_pk>/",
        views.check_in_mark,
        name="check_in_mark",
    ),
    path(
        "<int:pk>/pointage/<str:token>/",
        views.check_in_registration,
        name="check_in_registration",
    ),
]
