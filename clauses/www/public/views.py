from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import render

SECTIONS = {
    "meetings": (
        "Rencontres régionales du Tour de France",
        "Le programme des rencontres régionales, l'inscription en ligne et la liste des "
        "participants arrivent prochainement.",
    ),
    "practices": (
        "Bonnes pratiques",
        "Le recueil national des bonnes pratiques d'animation de la clause sociale dans les "
        "QPV sera publié ici.",
    ),
    "survey": (
        "Enquête nationale",
        "L'enquête « Les bonnes pratiques d'animation de la clause sociale dans les QPV » "
        "ouvrira prochainement sur cette plateforme.",
    ),
    "observatory": (
        "Observatoire",
        "Les indicateurs nationaux (heures d'insertion, ETP, parts par type de marché, "
        "publics) seront consultables ici à toutes les échelles.",
    ),
    "directory": (
        "Annuaire des acteurs",
        "L'annuaire des acteurs de l'emploi, de l'habitat, de la politique de la ville et du "
        "renouvellement urbain arrive prochainement.",
    ),
}


@login_not_required
def home(request):
    return render(request, "www/home.html", {"title": "Accueil"})


@login_not_required
def legal_notice(request):
    return render(request, "www/legal_notice.html", {"title": "Mentions légales"})


@login_not_required
def accessibility(request):
    return render(request, "www/accessibility.html", {"title": "Déclaration d'accessibilité"})


@login_not_required
def personal_data(request):
    return render(request, "www/personal_data.html", {"title": "Données personnelles"})


@login_not_required
def coming_soon(request, section):
    if section not in SECTIONS:
        raise Http404
    title, text = SECTIONS[section]
    return render(request, "www/coming_soon.html", {"title": title, "text": text})
