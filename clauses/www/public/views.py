from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse

from . import figures


def entry_points():
    """The tiles of the home page: one per area of the platform."""
    tiles = [
        {
            "title": "Rencontres régionales",
            "description": "Le programme des rencontres du Tour de France et l'inscription.",
            "url": reverse("meetings:list"),
            "pictogram": "digital/calendar.svg",
        },
        {
            "title": "Bonnes pratiques",
            "description": "Le recueil national des pratiques inspirantes dans les QPV.",
            "url": reverse("practices:list"),
            "pictogram": "leisure/book.svg",
        },
        {
            "title": "Enquête nationale",
            "description": "Partager vos pratiques d'animation de la clause sociale.",
            "url": reverse("survey:home"),
            "pictogram": "document/document-signature.svg",
        },
        {
            "title": "Observatoire",
            "description": "Les résultats de la clause sociale, du national au local.",
            "url": reverse("www:observatory"),
            "pictogram": "digital/data-visualization.svg",
        },
        {
            "title": "Espace facilitateur",
            "description": "Suivre les marchés, les participants et les heures (connexion).",
            "url": reverse("workspace:home"),
            "pictogram": "system/padlock.svg",
        },
        {
            "title": "Annuaire des acteurs",
            "description": "Qui fait quoi sur votre territoire : emploi, habitat, ville.",
            "url": reverse("directory:list"),
            "pictogram": "environment/human-cooperation.svg",
        },
        {
            "title": "Adresse en QPV ?",
            "description": "Vérifier si une adresse est située dans un quartier prioritaire.",
            "url": reverse("territories:qpv_lookup"),
            "pictogram": "map/map-pin.svg",
        },
    ]
    for tile in tiles:
        tile["pictogram"] = static(f"dsfr/dist/artwork/pictograms/{tile['pictogram']}")
    return tiles


@login_not_required
def home(request):
    context = {
        "title": "Accueil",
        "entry_points": entry_points(),
        "hours_per_etp": figures.format_number(settings.HOURS_PER_ETP),
        **figures.home_figures(),
    }
    return render(request, "www/home.html", context)


@login_not_required
def legal_notice(request):
    return render(request, "www/legal_notice.html", {"title": "Mentions légales"})


@login_not_required
def accessibility(request):
    return render(request, "www/accessibility.html", {"title": "Déclaration d'accessibilité"})


@login_not_required
def personal_data(request):
    return render(request, "www/personal_data.html", {"title": "Données personnelles"})
