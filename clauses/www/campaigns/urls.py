from django.urls import path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:year>/", views.board, name="board"),
    path("<int:year>/structures/<int:organisation>/", views.submission, name="submission"),
]
