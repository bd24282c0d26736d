from django.urls import include, path

from clauses.www.observatory_public import views as public_observatory

from . import views

app_name = "www"

urlpatterns = [
    path("", views.home, name="home"),
    path("mentions-legales/", views.legal_notice, name="legal_notice"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("donnees-personnelles/", views.personal_data, name="personal_data"),
    # The public observatory: its index keeps the name other pages reverse.
    path("observatoire/", public_observatory.index, name="observatory"),
    path("observatoire/", include("clauses.www.observatory_public.urls")),
]
