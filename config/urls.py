from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("clauses.www.urls")),
    path("admin/", admin.site.urls),
]
