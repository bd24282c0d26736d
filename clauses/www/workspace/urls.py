from django.urls import path

from clauses.www.accounts.views import PasswordChangeView

from . import views

app_name = "workspace"

urlpatterns = [
    path("", views.home, name="home"),
    path("mot-de-passe/", PasswordChangeView.as_view(), name="password_change"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/inviter/", views.invite, name="invite"),
    path(
        "organisations/<int:pk>/invitations/<int:invitation_pk>/annuler/",
        views.cancel_invitation,
        name="cancel_invitation",
    ),
    path("journal/", views.audit_log, name="audit_log"),
    path("taches/<int:pk>/", views.job_detail, name="job"),
    path("taches/<int:pk>/resultat/", views.job_result, name="job_result"),
]
