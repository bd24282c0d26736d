from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [path("", views.index, name="index")]

for prefix, kind in (("marches", "contract"), ("operations", "operation"), ("acheteurs", "buyer")):
    urlpatterns += [
        path(f"{prefix}/<int:pk>/", views.report_view, {"kind": kind}, name=kind),
        path(
            f"{prefix}/<int:pk>/pdf/",
            views.report_view,
            {"kind": kind, "fmt": "pdf"},
            name=f"{kind}_pdf",
        ),
        path(
            f"{prefix}/<int:pk>/xlsx/",
            views.report_view,
            {"kind": kind, "fmt": "xlsx"},
            name=f"{kind}_xlsx",
        ),
    ]
