from django.urls import path

from . import views

app_name = "tracking"

urlpatterns = [
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
    # Contracts (marchés), their lots with their clause, and the companies of each lot.
    path("marches/", views.contract_list, name="contract_list"),
    path("marches/nouveau/", views.contract_create, name="contract_create"),
    path("marches/<int:pk>/", views.contract_detail, name="contract_detail"),
    path("marches/<int:pk>/modifier/", views.contract_edit, name="contract_edit"),
    path("marches/<int:pk>/supprimer/", views.contract_delete, name="contract_delete"),
    path("marches/<int:pk>/lots/nouveau/", views.lot_create, name="lot_create"),
    path("marches/<int:pk>/lots/<int:lot_pk>/modifier/", views.lot_edit, name="lot_edit"),
    path(
        "marches/<int:pk>/lots/<int:lot_pk>/entreprises/ajouter/",
        views.lot_company_add,
        name="lot_company_add",
    ),
    path(
        "marches/<int:pk>/lots/<int:lot_pk>/entreprises/<int:link_pk>/retirer/",
        views.lot_company_remove,
        name="lot_company_remove",
    ),
    # Buyers.
    path("acheteurs/", views.buyer_list, name="buyer_list"),
    path("acheteurs/nouveau/", views.buyer_create, name="buyer_create"),
    path("acheteurs/<int:pk>/", views.buyer_detail, name="buyer_detail"),
    path("acheteurs/<int:pk>/modifier/", views.buyer_edit, name="buyer_edit"),
    # Operations (e.g. an NPNRU project).
    path("operations/", views.operation_list, name="operation_list"),
    path("operations/nouvelle/", views.operation_create, name="operation_create"),
    path("operations/<int:pk>/", views.operation_detail, name="operation_detail"),
    path("operations/<int:pk>/modifier/", views.operation_edit, name="operation_edit"),
    # Companies.
    path("entreprises/", views.company_list, name="company_list"),
    path("entreprises/nouvelle/", views.company_create, name="company_create"),
    path("entreprises/<int:pk>/", views.company_detail, name="company_detail"),
    path("entreprises/<int:pk>/modifier/", views.company_edit, name="company_edit"),
]
