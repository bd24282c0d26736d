"""Which sheets go into the recueil, in which order (by theme, then title)."""

from .enums import Theme
from .models import Practice
from .queries import FACETS, apply_filters


def recueil_practices(*, filters):
    practices = (
        apply_filters(Practice.objects.published(), filters)
        .select_related("region", "departement", "commune", "lead_structure")
        .prefetch_related("partners", "figures", "meetings")
    )
    order = {code: i for i, code in enumerate(Theme.values)}

    def key(practice):
        first = min((order.get(t, 99) for t in practice.themes), default=99)
        return (first, practice.title.lower())

    return sorted(practices, key=key)


def selection_label(filters):
    """« Thème : Les publics, Région : 11 » for the cover."""
    parts = []
    for name, value in filters.items():
        title, _field, choices = FACETS[name]
        label = choices(value).label if choices is not None else value
        parts.append(f"{title} : {label}")
    return ", ".join(parts)
