"""The workspace's navigation menu in the header (a context processor).

Facilitators who track contracts get every page of the tracking workspace; those who
read contracts without writing (territorial coordinators, national administrators, a
buyer's readers) get the pages they may read. Nobody else gets a menu.
"""

from django.urls import reverse

from clauses.accounts.enums import Role
from clauses.procurement import perms

# (label, URL name, who: "track" = facilitators only, "figures" = readers of figures
# too, "contracts" = also a buyer's readers)
ENTRIES = [
    ("Tableau de bord", "tracking:dashboard", "contracts"),
    ("Chiffres", "observatory:dashboard", "contracts"),
    ("Campagne annuelle", "campaigns:index", "figures"),
    ("Marchés", "tracking:contract_list", "contracts"),
    ("Acheteurs", "tracking:buyer_list", "figures"),
    ("Opérations", "tracking:operation_list", "figures"),
    ("Entreprises", "tracking:company_list", "figures"),
    ("Participants", "insertion:participant_list", "track"),
    ("Heures", "insertion:hours_grid", "figures"),
    ("Import/Export", "transfers:import", "track"),
    ("Bilans", "reports:index", "contracts"),
    ("Calculateur", "tools:calculator", "contracts"),
]


def _audiences(user):
    audiences = set()
    if perms.can_track(user):
        audiences |= {"track", "figures", "contracts"}
    if perms.reads_other_organisations(user):
        audiences |= {"figures", "contracts"}
    if user.has_role(Role.READER):
        audiences.add("contracts")
    return audiences


def workspace_navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    audiences = _audiences(user)
    if not audiences:
        return {}
    path = request.path
    items = []
    for label, name, audience in ENTRIES:
        if audience not in audiences:
            continue
        url = reverse(name)
        items.append({"label": label, "url": url, "current": path.startswith(url)})
    home = reverse("workspace:home")
    items.insert(0, {"label": "Accueil de l'espace", "url": home, "current": path == home})
    return {
        "workspace_navigation": {
            "url": home,
            "items": items,
            "current": path.startswith(home),
        }
    }
