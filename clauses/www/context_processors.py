from django.urls import reverse

MAIN_NAVIGATION = [
    ("Accueil", "www:home"),
    ("Rencontres", "meetings:list"),
    ("Annuaire", "directory:list"),
    ("Bonnes pratiques", "practices:list"),
    ("Enquête", "survey:home"),
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


def csp_nonce(request):
    """Generate the CSP nonce up front and expose it as `csp_nonce`.

    django-csp only puts the nonce in the header once `request.csp_nonce` has been read,
    and its lazy value is falsy until then: django-dsfr's `{% dsfr_js nonce=... %}` tests it
    with `{% if %}` and would silently drop it. django-htmx's `{% htmx_script %}` reads
    `csp_nonce` from the context.
    """
    nonce = getattr(request, "csp_nonce", None)
    return {"csp_nonce": None if nonce is None else str(nonce)}
