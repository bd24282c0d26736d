from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("clauses.www.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "clauses.www.errors.views.bad_request"
handler403 = "clauses.www.errors.views.permission_denied"
handler404 = "clauses.www.errors.views.page_not_found"
