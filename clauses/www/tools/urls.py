from django.urls import path

from . import views

app_name = "tools"

urlpatterns = [
    path("calcul-heures/", views.calculator_view, name="calculator"),
    path("calcul-heures/appliquer/", views.apply, name="apply"),
    path("parts-main-oeuvre/", views.labour_shares, name="labour_shares"),
    path("parts-main-oeuvre/ajouter/", views.labour_share_form, name="labour_share_create"),
    path("parts-main-oeuvre/<int:pk>/modifier/", views.labour_share_form, name="labour_share_edit"),
]
