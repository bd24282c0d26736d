"""Respondents' forms: the start form and one form per section, built from the questions.

Conditional questions of the same section are rendered with a hint and hidden by
``conditional-questions.js`` while they do not apply; those depending on an earlier section are only
rendered when they apply. Required questions are enforced when the respondent moves on
or submits, not when they save to resume later.
"""

import json
import os
from decimal import Decimal

from django import forms
from django.utils.html import escape

from clauses.core.forms import DsfrForm
from clauses.directory.enums import ActorFamily
from clauses.territories.models import Commune, Departement, Qpv, Region

from .enums import SCALE_VALUES, QuestionKind
from .logic import YES_NO_CHOICES, is_empty, visibility

HONEYPOT_FIELD = "site_web_structure"
REQUIRED_MESSAGE = "Répondez à cette question."


def field_name(question):
    return f"q_{question.pk}"


def _json_value(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _code_field(model, label, common):
    def validate(value):
        if value and not model.objects.filter(code=value).exists():
            raise forms.ValidationError(f"Ce code n'existe pas ({label}).")

    return forms.CharField(max_length=10, validators=[validate], **common)


def question_field(question, parent_label="", existing_file=""):
    # django-dsfr renders help texts unescaped: the administrator's words are escaped here.
    help_text = escape(question.help_text)
    if question.depends_on_id and parent_label:
        values = " ou ".join(f"« {escape(v)} »" for v in question.depends_on_values)
        help_text = (
            f"{help_text} À remplir seulement si vous avez répondu "
            f"{values} à « {escape(parent_label)} ».".strip()
        )
    if question.required:
        help_text = f"{help_text} (Obligatoire)".strip()
    common = {"label": question.label, "help_text": help_text, "required": False}
    kind = question.kind
    if kind == QuestionKind.SHORT_TEXT:
        field = forms.CharField(max_length=500, **common)
    elif kind == QuestionKind.LONG_TEXT:
        field = forms.CharField(
            max_length=10000, widget=forms.Textarea(attrs={"rows": 5}), **common
        )
    elif kind == QuestionKind.SINGLE_CHOICE:
        choices = [(str(c), str(c)) for c in question.choices]
        field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    elif kind == QuestionKind.MULTIPLE_CHOICE:
        choices = [(str(c), str(c)) for c in question.choices]
        field = forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    elif kind == QuestionKind.YES_NO:
        field = forms.ChoiceField(choices=YES_NO_CHOICES, widget=forms.RadioSelect, **common)
    elif kind == QuestionKind.NUMBER:
        field = forms.DecimalField(max_digits=12, decimal_places=2, **common)
        field.error_messages["invalid"] = "Indiquez un nombre."
    elif kind == QuestionKind.DATE:
        field = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
        field.error_messages["invalid"] = "Indiquez une date valide (jj/mm/aaaa)."
    elif kind == QuestionKind.SCALE:
        choices = [(str(n), f"{n}") for n in SCALE_VALUES]
        field = forms.TypedChoiceField(
            choices=choices, coerce=int, empty_value=None, widget=forms.RadioSelect, **common
        )
    elif kind == QuestionKind.REGION:
        choices = [("", "Choisissez une région")] + list(
            Region.objects.order_by("name").values_list("code", "name")
        )
        field = forms.ChoiceField(choices=choices, **common)
    elif kind == QuestionKind.DEPARTEMENT:
        choices = [("", "Choisissez un département")] + [
            (d.code, f"{d.code} — {d.name}") for d in Departement.objects.order_by("code")
        ]
        field = forms.ChoiceField(choices=choices, **common)
    elif kind == QuestionKind.COMMUNE:
        field = _code_field(Commune, "code INSEE de commune", common)
    elif kind == QuestionKind.QPV:
        field = _code_field(Qpv, "code de quartier prioritaire", common)
    elif kind == QuestionKind.ACTOR_FAMILY:
        field = forms.ChoiceField(
            choices=[("", "Choisissez une famille")] + ActorFamily.choices, **common
        )
    else:  # QuestionKind.FILE
        extensions = question.extensions
        hint = f"Formats acceptés : {', '.join(extensions)} ; {question.max_size_mb} Mo au plus."
        if existing_file:
            hint += (
                f" Fichier déjà envoyé : {escape(existing_file)} (en joindre un autre le remplace)."
            )
        common["help_text"] = f"{common['help_text']} {hint}".strip()
        field = forms.FileField(**common)
        field.allowed_extensions = extensions
        field.max_size = question.max_size_mb * 1024 * 1024
    for key in ("invalid_choice",):
        field.error_messages[key] = "Choisissez une des réponses proposées."
    field.depends_on_name = ""
    field.depends_on_values = "[]"
    return field


class SectionForm(DsfrForm):
    """The questions of one section; ``stored`` holds the response's saved answers."""

    def __init__(self, *args, section, structure, stored, existing_files=None, **kwargs):
        self.section = section
        self.structure = structure
        self.stored = dict(stored)
        existing_files = existing_files or {}
        super().__init__(*args, **kwargs)
        labels = {q.pk: q.label for q in structure.questions}
        own = {q.pk for q in structure.questions_by_section[section.pk]}
        _, shown = visibility(structure, self.stored)
        self.questions = []
        for question in structure.questions_by_section[section.pk]:
            parent_in_section = question.depends_on_id in own
            if question.depends_on_id and not parent_in_section and question.pk not in shown:
                continue  # depends on an earlier section's answer that rules it out
            field = question_field(
                question,
                labels.get(question.depends_on_id, "") if parent_in_section else "",
                existing_file=existing_files.get(question.pk, ""),
            )
            if parent_in_section:
                field.depends_on_name = f"q_{question.depends_on_id}"
                field.depends_on_values = json.dumps([str(v) for v in question.depends_on_values])
            field.widget.group_class = getattr(field.widget, "group_class", "fr-input-group")
            name = field_name(question)
            self.fields[name] = field
            value = self.stored.get(str(question.pk))
            if not is_empty(value) and question.kind != QuestionKind.FILE:
                self.initial[name] = value
            self.questions.append(question)
        for field in self.fields.values():
            if not hasattr(field.widget, "group_class"):
                field.widget.group_class = "fr-input-group"

    def clean(self):
        data = super().clean()
        answers, files = {}, {}
        for question in self.questions:
            name = field_name(question)
            value = data.get(name)
            if question.kind == QuestionKind.FILE:
                if value:
                    extension = os.path.splitext(value.name)[1].lower().lstrip(".")
                    field = self.fields[name]
                    if extension not in field.allowed_extensions:
                        self.add_error(
                            name,
                            f"Ce type de fichier n'est pas accepté : joignez un fichier "
                            f"{', '.join(field.allowed_extensions)}.",
                        )
                    elif value.size > field.max_size:
                        self.add_error(name, f"Le fichier dépasse {question.max_size_mb} Mo.")
                    else:
                        files[question.pk] = value
                        answers[str(question.pk)] = value.name
                elif not is_empty(self.stored.get(str(question.pk))):
                    answers[str(question.pk)] = self.stored[str(question.pk)]
                continue
            if not is_empty(value):
                answers[str(question.pk)] = _json_value(value)
        merged = dict(self.stored.items())
        for question in self.questions:
            merged.pop(str(question.pk), None)
        merged.update(answers)
        _, shown = visibility(self.structure, merged)
        for question in self.questions:
            if question.pk not in shown:
                # Not asked for these answers: ignore whatever came with it.
                answers.pop(str(question.pk), None)
                files.pop(question.pk, None)
                self.errors.pop(field_name(question), None)
        self.answers = answers
        self.files_by_question = files
        self.shown = shown
        return data

    def missing_required(self):
        """Add an error to each required question shown and left empty; True if any."""
        missing = False
        for question in self.questions:
            name = field_name(question)
            if (
                question.required
                and question.pk in self.shown
                and str(question.pk) not in self.answers
                and name not in self.errors
            ):
                self.add_error(name, REQUIRED_MESSAGE)
                missing = True
        return missing


class StartForm(DsfrForm):
    email = forms.EmailField(
        label="Votre adresse e-mail",
        help_text="Votre lien personnel vous y sera envoyé : il permet de reprendre et de "
        "modifier vos réponses jusqu'à la clôture de l'enquête.",
        error_messages={
            "required": "Indiquez votre adresse e-mail.",
            "invalid": "Indiquez une adresse e-mail valide, par exemple nom@exemple.fr.",
        },
    )
    site_web_structure = forms.CharField(
        label="Ne remplissez pas ce champ",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, anonymous=False, **kwargs):
        super().__init__(*args, **kwargs)
        if anonymous:
            del self.fields["email"]

    def is_spam(self):
        return bool(self.data.get(HONEYPOT_FIELD, "").strip())


class SendLinkForm(DsfrForm):
    """Anonymous mode: send oneself the resume link (the address is not stored)."""

    email = forms.EmailField(
        label="Adresse e-mail où recevoir le lien",
        help_text="Elle sert seulement à l'envoi de ce message et n'est pas conservée.",
        error_messages={
            "required": "Indiquez votre adresse e-mail.",
            "invalid": "Indiquez une adresse e-mail valide, par exemple nom@exemple.fr.",
        },
    )
