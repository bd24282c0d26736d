from django.urls import include, path

urlpatterns = [
    path("", include("clauses.www.public.urls")),
    path("", include("clauses.www.accounts.urls")),
    path("espace/", include("clauses.www.workspace.urls")),
    path("territoires/", include("clauses.www.territories.urls")),
]
