"""The figures page's selectors (GET): scope, year or months, map indicator and level."""

import datetime
import re

from django import forms

from clauses.core.forms import DsfrForm
from clauses.observatory import registry

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
MAP_INDICATORS = [
    "hours",
    "participants",
    "share_participants_women",
    "share_participants_qpv",
    "share_etp_works",
    "share_etp_reserved",
]
MAP_LEVELS = [("region", "Régions"), ("departement", "Départements")]


def _month(value, label):
    match = MONTH.match(value or "")
    if not match or not 1 <= int(match[2]) <= 12:
        raise forms.ValidationError(f"{label} : indiquez un mois au format AAAA-MM, ex. 2025-03.")
    return datetime.date(int(match[1]), int(match[2]), 1)


class FiguresForm(DsfrForm):
    echelle = forms.ChoiceField(label="Échelle", required=False)
    annee = forms.TypedChoiceField(label="Année", coerce=int, required=False)
    du = forms.CharField(
        label="Ou du mois",
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "AAAA-MM"}),
    )
    au = forms.CharField(
        label="au mois",
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "AAAA-MM"}),
    )
    carte = forms.ChoiceField(
        label="Indicateur de la carte",
        required=False,
        choices=[(code, registry.INDICATOR[code].label) for code in MAP_INDICATORS],
    )
    niveau = forms.ChoiceField(label="Carte par", required=False, choices=MAP_LEVELS)

    def __init__(self, *args, scope_choices, years, **kwargs):
        super().__init__(*args, **kwargs)
        groups = {}
        for choice in scope_choices:
            groups.setdefault(choice.group, []).append((choice.key, choice.label))
        self.fields["echelle"].choices = (
            list(groups.items()) if len(groups) > 1 else (next(iter(groups.values()), []))
        )
        self.fields["annee"].choices = [(year, str(year)) for year in years]

    def clean(self):
        data = super().clean()
        first, last = data.get("du"), data.get("au")
        if first or last:
            if not (first and last):
                raise forms.ValidationError(
                    "Période : indiquez le premier et le dernier mois, ou choisissez une année."
                )
            data["du"], data["au"] = _month(first, "Premier mois"), _month(last, "Dernier mois")
            if data["au"] < data["du"]:
                raise forms.ValidationError("Période : le dernier mois précède le premier.")
        return data
