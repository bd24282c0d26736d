from django.urls import reverse

MAIN_NAVIGATION = [
    ("Accueil", "www:home"),
    ("Rencontres", "www:meetings"),
    ("Bonnes pratiques", "www:practices"),
    ("Enquête", "www:survey"),
    ("Observatoire", "www:observatory"),
    ("Espace facilitateur", "workspace:home"),
]


def navigation(request):
    path = request.path
    items = []
    for label, name in MAIN_NAVIGATION:
        url = reverse(name)
        current = path == url if url == "/" else path.startswith(url)
        items.append({"label": label, "url": url, "current": current})
    skiplinks = [
        {"link": "#content", "label": "Contenu"},
        {"link": "#fr-navigation", "label": "Menu"},
        {"link": "#footer", "label": "Pied de page"},
    ]
    return {"main_navigation": items, "skiplinks": skiplinks}
