from django.urls import path

from . import views

app_name = "observatory"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("faits/", views.facts, name="facts"),
]
