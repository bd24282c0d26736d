from django.urls import path

from . import views

app_name = "workspace"

urlpatterns = [
    path("", views.home, name="home"),
    path("taches/<int:pk>/", views.job_detail, name="job"),
    path("taches/<int:pk>/resultat/", views.job_result, name="job_result"),
]
