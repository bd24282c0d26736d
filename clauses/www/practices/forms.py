from django import forms

from clauses.core.forms import DsfrForm
from clauses.practices.enums import Theme
from clauses.territories.models import Region


class RecueilForm(DsfrForm):
    theme = forms.ChoiceField(
        label="Thème", choices=[("", "Tous les thèmes"), *Theme.choices], required=False
    )
    region = forms.ModelChoiceField(
        label="Région",
        queryset=Region.objects.order_by("name"),
        required=False,
        empty_label="Toutes les régions",
        to_field_name="code",
    )

    def filters(self):
        filters = {}
        if self.cleaned_data.get("theme"):
            filters["theme"] = self.cleaned_data["theme"]
        if self.cleaned_data.get("region"):
            filters["region"] = self.cleaned_data["region"].code
        return filters
