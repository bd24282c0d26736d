"""Error pages in French with the DSFR layout (handlers declared in config/urls.py)."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render


@login_not_required
def bad_request(request, exception=None):
    return _error(
        request, 400, "Requête incorrecte", "La requête envoyée n'a pas pu être comprise."
    )


@login_not_required
def permission_denied(request, exception=None):
    return _error(
        request,
        403,
        "Accès refusé",
        "Vous n'avez pas les droits nécessaires pour effectuer cette action.",
    )


@login_not_required
def page_not_found(request, exception=None):
    return _error(
        request,
        404,
        "Page introuvable",
        "La page que vous cherchez n'existe pas, a été déplacée, ou n'est pas accessible "
        "avec votre compte.",
    )


def _error(request, status, title, text):
    context = {"title": title, "text": text, "status": status}
    return render(request, "errors/error.html", context, status=status)


@login_not_required
def csrf_failure(request, reason=""):
    return _error(
        request,
        403,
        "Formulaire expiré",
        "La vérification de sécurité du formulaire a échoué : la page était peut-être ouverte "
        "depuis longtemps, ou les cookies sont bloqués. Rechargez la page et réessayez.",
    )
