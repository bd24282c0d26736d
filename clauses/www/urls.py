from django.urls import include, path

urlpatterns = [
    path("", include("clauses.www.public.urls")),
    path("", include("clauses.www.accounts.urls")),
    path("rencontres/", include("clauses.www.meetings.urls")),
    path("enquete/", include("clauses.www.survey.urls")),
    path("annuaire/", include("clauses.www.directory.urls")),
    path("pratiques/", include("clauses.www.practices.urls")),
    path("espace/pratiques/", include("clauses.www.practices_admin.urls")),
    path("espace/rencontres/", include("clauses.www.meetings_admin.urls")),
    path("espace/enquetes/", include("clauses.www.survey_admin.urls")),
    path("espace/bilans/", include("clauses.www.reports.urls")),
    path("espace/chiffres/", include("clauses.www.observatory.urls")),
    path("espace/campagnes/", include("clauses.www.campaigns.urls")),
    path("espace/", include("clauses.www.tracking.urls")),
    path("espace/", include("clauses.www.insertion.urls")),
    path("espace/", include("clauses.www.transfers.urls")),
    path("espace/", include("clauses.www.workspace.urls")),
    path("outils/", include("clauses.www.tools.urls")),
    path("territoires/", include("clauses.www.territories.urls")),
]
