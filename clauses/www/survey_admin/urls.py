from django.urls import path

from . import views

app_name = "survey_admin"

urlpatterns = [
    path("", views.survey_list, name="list"),
    path("nouvelle/", views.survey_create, name="create"),
    path("<int:pk>/", views.survey_detail, name="detail"),
    path("<int:pk>/modifier/", views.survey_edit, name="edit"),
    path("<int:pk>/sections/nouvelle/", views.section_create, name="section_create"),
    path("<int:pk>/sections/<int:section_id>/", views.section_edit, name="section_edit"),
    path(
        "<int:pk>/sections/<int:section_id>/supprimer/",
        views.section_delete,
        name="section_delete",
    ),
    path(
        "<int:pk>/sections/<int:section_id>/questions/nouvelle/",
        views.question_create,
        name="question_create",
    ),
    path("<int:pk>/questions/<int:question_id>/", views.question_edit, name="question_edit"),
    path(
        "<int:pk>/questions/<int:question_id>/supprimer/",
        views.question_delete,
        name="question_delete",
    ),
    path("<int:pk>/contacts/", views.contacts, name="contacts"),
    path("<int:pk>/contacts/envoyer/", views.send_invitations, name="send_invitations"),
    path("<int:pk>/resultats/", views.results, name="results"),
    path(
        "<int:pk>/resultats/questions/<int:question_id>/",
        views.text_answers,
        name="text_answers",
    ),
    path("<int:pk>/reponses/", views.responses, name="responses"),
    path("<int:pk>/reponses/<int:response_id>/", views.response_detail, name="response"),
    path(
        "<int:pk>/reponses/<int:response_id>/promouvoir/",
        views.promote,
        name="promote",
    ),
    path(
        "<int:pk>/reponses/<int:response_id>/fichiers/<int:answer_id>/",
        views.answer_file,
        name="answer_file",
    ),
    path("<int:pk>/export.<str:fmt>", views.export, name="export"),
]
