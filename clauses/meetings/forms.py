"""The public registration form, built from the meeting's custom questions.

Conditional questions (``Question.depends_on``) are always rendered, with a hint saying when
they apply; a small static script hides them while they do not (progressive enhancement).
The server decides on its own: a question whose condition is not met is neither validated
nor stored.
"""

import json
from decimal import Decimal

from django import forms
from django.urls import reverse
from django.utils.html import escape, format_html

from clauses.core.conditions import condition_met
from clauses.core.forms import DsfrForm
from clauses.directory.enums import ActorFamily, Visibility
from clauses.territories.models import Region

from .enums import QuestionKind
from .services import REGISTRATION_FIELDS

YES_NO_CHOICES = [("oui", "Oui"), ("non", "Non")]
HONEYPOT_FIELD = "site_web_structure"


def question_field_name(question):
    return f"q_{question.pk}"


def visible_questions(questions, answers):
    """The questions shown for ``answers`` ({question id as str: value}), in order.

    A question is shown when it depends on nothing, or when the question it depends on is
    itself shown and its answer is one of ``depends_on_values``.
    """
    by_pk = {q.pk: q for q in questions}
    memo = {}

    def shown(question):
        if question.pk in memo:
            return memo[question.pk]
        memo[question.pk] = False  # guards against cycles
        parent = by_pk.get(question.depends_on_id)
        if question.depends_on_id is None:
            result = True
        elif parent is None:
            result = False
        else:
            result = shown(parent) and condition_met(question, answers)
        memo[question.pk] = result
        return result

    return [q for q in questions if shown(q)]


def display_answer(question, value):
    """An answer as French text (for the personal page and e-mails)."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if question.kind == QuestionKind.YES_NO:
        return dict(YES_NO_CHOICES).get(str(value), str(value))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _question_field(question, parent_label):
    # django-dsfr renders help texts unescaped: the organiser's words are escaped here.
    help_text = escape(question.help_text)
    required = question.required
    if question.depends_on_id:
        values = " ou ".join(f"« {escape(v)} »" for v in question.depends_on_values)
        condition = (
            f"À remplir seulement si vous avez répondu {values} à « {escape(parent_label)} »"
        )
        condition += " (obligatoire dans ce cas)." if question.required else "."
        help_text = f"{help_text} {condition}".strip()
        # Checked in clean(), only when the question applies.
        required = False
    common = {"label": question.label, "help_text": help_text, "required": required}
    choices = [(str(c), str(c)) for c in question.choices]
    if question.kind == QuestionKind.CHOICE:
        field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    elif question.kind == QuestionKind.MULTIPLE_CHOICE:
        field = forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    elif question.kind == QuestionKind.YES_NO:
        field = forms.ChoiceField(choices=YES_NO_CHOICES, widget=forms.RadioSelect, **common)
    elif question.kind == QuestionKind.NUMBER:
        field = forms.DecimalField(max_digits=12, decimal_places=2, **common)
    else:
        field = forms.CharField(max_length=500, **common)
    field.error_messages["required"] = "Répondez à cette question."
    if question.depends_on_id:
        # Read by the template, which wraps the field for conditional-questions.js.
        field.depends_on_name = f"q_{question.depends_on_id}"
        field.depends_on_values = json.dumps([str(v) for v in question.depends_on_values])
    return field


def _json_value(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


class RegistrationForm(DsfrForm):
    """Registration without an account; with ``registration`` it edits an existing one
    (the e-mail address and the consent are then fixed)."""

    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    email = forms.EmailField(
        label="Adresse e-mail",
        help_text="Votre confirmation et votre lien personnel y seront envoyés.",
    )
    organisation_name = forms.CharField(label="Structure", max_length=255)
    function = forms.CharField(label="Fonction", max_length=200, required=False)
    actor_family = forms.ChoiceField(
        label="Famille d'acteurs", choices=[("", "Choisissez une famille")] + ActorFamily.choices
    )
    region = forms.ModelChoiceField(
        label="Région de votre structure",
        queryset=Region.objects.order_by("name"),
        required=False,
        empty_label="Choisissez une région",
        to_field_name="code",
    )
    accessibility_needs = forms.CharField(
        label="Besoins d'accessibilité",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Mobilité, audition, vision, régime alimentaire… pour que l'organisateur "
        "prépare votre accueil.",
    )
    visibility = forms.ChoiceField(
        label="Apparaître dans la liste des participants",
        choices=[
            (Visibility.NOBODY, "Non : mon nom n'apparaît nulle part"),
            (Visibility.PARTICIPANTS, "Oui, visible des seules personnes connectées"),
            (Visibility.PUBLIC, "Oui, visible de tous sur la page de la rencontre"),
        ],
        initial=Visibility.NOBODY,
        widget=forms.RadioSelect,
    )
    directory_opt_in = forms.BooleanField(
        label="Figurer dans l'annuaire des acteurs (structure, nom et fonction)",
        required=False,
        help_text="Vous pourrez retirer votre fiche à tout moment.",
    )
    consent = forms.BooleanField(
        label="J'accepte le traitement de mes données pour l'organisation de la rencontre",
        error_messages={"required": "Votre accord est nécessaire pour traiter votre inscription."},
    )
    site_web_structure = forms.CharField(
        label="Ne remplissez pas ce champ",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, meeting, registration=None, **kwargs):
        self.meeting = meeting
        self.registration = registration
        self.questions = list(meeting.questions.all())
        if registration is not None:
            kwargs.setdefault("initial", self.initial_from(registration))
        super().__init__(*args, **kwargs)
        self.fields["consent"].help_text = format_html(
            "Vos données servent à organiser la rencontre et sont anonymisées {} jours après. "
            'Voir <a href="{}">la page « Données personnelles »</a>.',
            meeting.retention_days,
            reverse("www:personal_data"),
        )
        # DsfrBaseForm's __init__ already built the bound field, with the empty help text.
        self._bound_fields_cache.pop("consent", None)
        labels = {q.pk: q.label for q in self.questions}
        for question in self.questions:
            self.fields[question_field_name(question)] = _question_field(
                question, labels.get(question.depends_on_id, "")
            )
        # The questions come before the consent and visibility choices.
        order = [name for name in self.fields if not name.startswith("q_")]
        tail = ["visibility", "directory_opt_in", "consent", HONEYPOT_FIELD]
        head = [name for name in order if name not in tail]
        self.order_fields(head + [question_field_name(q) for q in self.questions] + tail)
        for field in self.fields.values():
            if not hasattr(field.widget, "group_class"):  # as DsfrForm does for its fields
                field.widget.group_class = "fr-input-group"
            field.depends_on_name = getattr(field, "depends_on_name", "")
            field.depends_on_values = getattr(field, "depends_on_values", "")
        if registration is not None:
            del self.fields["email"]
            del self.fields["consent"]
            del self.fields[HONEYPOT_FIELD]
        for name in ("first_name", "last_name", "organisation_name", "actor_family"):
            self.fields[name].error_messages["required"] = "Ce champ est obligatoire."
        if "email" in self.fields:
            self.fields["email"].error_messages.update(
                {
                    "required": "Indiquez votre adresse e-mail.",
                    "invalid": "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.",
                }
            )

    @staticmethod
    def initial_from(registration):
        initial = {
            "first_name": registration.first_name,
            "last_name": registration.last_name,
            "organisation_name": registration.organisation_name,
            "function": registration.function,
            "actor_family": registration.actor_family,
            "region": registration.region.code if registration.region_id else None,
            "accessibility_needs": registration.accessibility_needs,
            "visibility": registration.visibility,
            "directory_opt_in": registration.directory_opt_in,
        }
        for key, value in (registration.answers or {}).items():
            initial[f"q_{key}"] = value
        return initial

    @property
    def honeypot_field(self):
        return self[HONEYPOT_FIELD] if HONEYPOT_FIELD in self.fields else None

    def is_spam(self):
        return bool(self.data.get(HONEYPOT_FIELD, "").strip())

    def clean(self):
        data = super().clean()
        answers = {}
        for question in self.questions:
            value = data.get(question_field_name(question))
            if value not in (None, "", []):
                answers[str(question.pk)] = _json_value(value)
        shown = visible_questions(self.questions, answers)
        shown_pks = {q.pk for q in shown}
        for question in self.questions:
            name = question_field_name(question)
            if question.pk not in shown_pks:
                # Not asked for these answers: ignore whatever came with it.
                answers.pop(str(question.pk), None)
                self.errors.pop(name, None)
                data.pop(name, None)
            elif question.required and str(question.pk) not in answers and name not in self.errors:
                self.add_error(name, "Répondez à cette question.")
        self.answers = answers
        return data

    def registration_data(self):
        """The values for ``services.register`` / ``update_registration``."""
        data = self.cleaned_data
        return {field: data[field] for field in REGISTRATION_FIELDS if field in data}


class SatisfactionForm(DsfrForm):
    rating = forms.TypedChoiceField(
        label="Dans l'ensemble, quelle note donnez-vous à la rencontre ?",
        choices=[(str(n), f"{n} sur 5") for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez une note de 1 à 5."},
    )
    useful = forms.TypedChoiceField(
        label="La rencontre vous a-t-elle été utile ?",
        choices=YES_NO_CHOICES,
        coerce=lambda value: value == "oui",
        widget=forms.RadioSelect,
        error_messages={"required": "Répondez par oui ou par non."},
    )
    new_contacts = forms.IntegerField(
        label="Combien de nouveaux contacts avez-vous noués ?",
        min_value=0,
        max_value=500,
        initial=0,
        error_messages={
            "required": "Indiquez un nombre (0 si aucun).",
            "invalid": "Indiquez un nombre entier.",
            "min_value": "Le nombre ne peut pas être négatif.",
            "max_value": "Indiquez un nombre inférieur ou égal à 500.",
        },
    )
    comment = forms.CharField(
        label="Un commentaire, une suggestion pour les prochaines rencontres ?",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class MeetingFilterForm(DsfrForm):
    region = forms.ModelChoiceField(
        label="Région",
        queryset=Region.objects.order_by("name"),
        required=False,
        empty_label="Toutes les régions",
        to_field_name="code",
    )
    edition = forms.ChoiceField(label="Édition", required=False)

    def __init__(self, *args, editions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edition"].choices = [("", "Toutes les éditions")] + [
            (e.slug, e.name) for e in editions
        ]
