from django.urls import path, re_path

from . import views

app_name = "directory"

urlpatterns = [
    path("", views.structure_list, name="list"),
    path("ma-structure/", views.my_structure, name="my_structure"),
    re_path(r"^export\.(?P<fmt>csv|xlsx)$", views.export, name="export"),
    path("<int:pk>/", views.structure_detail, name="detail"),
    path("<int:pk>/modifier/", views.structure_edit, name="edit"),
    path("<int:pk>/contacts/ajouter/", views.contact_add, name="contact_add"),
    path("<int:pk>/contacts/<int:contact_pk>/modifier/", views.contact_edit, name="contact_edit"),
    path(
        "<int:pk>/contacts/<int:contact_pk>/retirer/", views.contact_remove, name="contact_remove"
    ),
]
