from django import forms
from dsfr.forms import DsfrBaseForm


class DsfrForm(DsfrBaseForm):
    """DsfrBaseForm that renders with every template variable defined.

    django-dsfr's field template reads ``widget.group_class``, which only select and
    radio widgets carry: undefined variables fail our tests, so every widget gets one.
    The context is built without the transitional-setting warning of DsfrBaseForm.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not hasattr(field.widget, "group_class"):
                field.widget.group_class = "fr-input-group"

    def get_context(self):
        context = forms.Form.get_context(self)
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context
