"""The campaign pages' forms: opening a year, and the actions on a structure's year."""

from django import forms

from clauses.core.forms import DsfrForm
from clauses.core.validators import validate_no_control_characters


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _date(label):
    return forms.DateField(label=label, widget=DateInput())


class OpenCampaignForm(DsfrForm):
    year = forms.IntegerField(label="Année consolidée", min_value=2000, max_value=2100)
    submission_deadline = _date("Date limite de dépôt")
    review_deadline = _date("Date limite de validation")
    correction_until = _date("Fin de la fenêtre de correction")


# A message to a reviewer or a structure: a few paragraphs, not a document.
TEXT_MAX_LENGTH = 2000


def _text(label, *, required="", help_text=""):
    """A text area; ``required`` is the French error of an empty one (optional if empty)."""
    return forms.CharField(
        label=label,
        required=bool(required),
        max_length=TEXT_MAX_LENGTH,
        validators=[validate_no_control_characters],
        error_messages={"required": required} if required else None,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SubmitForm(DsfrForm):
    comment = _text("Commentaire pour les relecteurs")


class CorrectForm(DsfrForm):
    # campaigns.correct refuses an empty note too: the form only says so earlier.
    revision_note = _text(
        "Note de révision",
        required="Expliquez la correction (note de révision).",
        help_text="Ce qui change dans la nouvelle version, et pourquoi.",
    )


class ValidateForm(DsfrForm):
    message = _text("Message à la structure")


class AskFixForm(DsfrForm):
    # campaigns.ask_fix refuses an empty message too: the form only says so earlier.
    message = _text(
        "Ce que la structure doit corriger",
        required="Dites à la structure ce qu'elle doit corriger (message).",
    )
