"""Back-office forms: the survey builder, contact import, results filters."""

from django import forms
from django.utils.text import slugify

from clauses.core.forms import DsfrForm
from clauses.directory.enums import ActorFamily
from clauses.territories.models import Region

from .enums import PracticeField, ProfileField, QuestionKind, SurveyMode
from .models import Question

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _datetime_field(label):
    return forms.DateTimeField(
        label=label,
        input_formats=[DATETIME_FORMAT],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        error_messages={"required": "Indiquez une date et une heure.", "invalid": "Date invalide."},
    )


def _lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class SurveyForm(DsfrForm):
    title = forms.CharField(label="Titre", max_length=255)
    slug = forms.SlugField(
        label="Adresse courte",
        max_length=120,
        required=False,
        help_text="Dans l'adresse de l'enquête : /enquete/<adresse "
        "courte>/. Déduite du titre si vide.",
    )
    intro = forms.CharField(
        label="Présentation", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    thanks = forms.CharField(
        label="Message de remerciement", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    mode = forms.ChoiceField(
        label="Mode de réponse", choices=SurveyMode.choices, widget=forms.RadioSelect
    )
    opens_at = _datetime_field("Ouverture")
    closes_at = _datetime_field("Clôture")
    is_published = forms.BooleanField(label="Publiée", required=False)

    def __init__(self, *args, instance=None, **kwargs):
        self.instance = instance
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    name: getattr(instance, name)
                    for name in [
                        "title",
                        "slug",
                        "intro",
                        "thanks",
                        "mode",
                        "opens_at",
                        "closes_at",
                        "is_published",
                    ]
                },
            )
        super().__init__(*args, **kwargs)

    def clean_slug(self):
        from .models import Survey

        slug = self.cleaned_data["slug"] or slugify(self.cleaned_data.get("title", ""))[:120]
        others = Survey.objects.filter(slug=slug)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError("Cette adresse courte est déjà prise.")
        return slug


class ConditionMixin:
    """``depends_on`` among the survey's questions, ``depends_on_values`` one per line."""

    def _setup_condition(self, survey, exclude=None):
        questions = Question.objects.filter(section__survey=survey).select_related("section")
        if exclude is not None:
            questions = questions.exclude(pk=exclude.pk)
        self.fields["depends_on"].queryset = questions
        self.fields["depends_on"].label_from_instance = lambda q: f"{q.section.title} — {q.label}"

    def clean_depends_on_values(self):
        return _lines(self.cleaned_data["depends_on_values"])

    def clean(self):
        data = super().clean()
        if data.get("depends_on") and not data.get("depends_on_values"):
            self.add_error(
                "depends_on_values", "Indiquez au moins une réponse qui déclenche l'affichage."
            )
        return data


class SectionForm(ConditionMixin, DsfrForm):
    title = forms.CharField(label="Titre", max_length=255)
    description = forms.CharField(
        label="Présentation", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    position = forms.IntegerField(label="Ordre", min_value=0, max_value=32000)
    depends_on = forms.ModelChoiceField(
        label="Afficher seulement selon la réponse à",
        queryset=Question.objects.none(),
        required=False,
    )
    depends_on_values = forms.CharField(
        label="Réponses qui affichent la section (une par ligne)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    is_archived = forms.BooleanField(label="Masquée (ne plus la poser)", required=False)

    def __init__(self, *args, survey, instance=None, **kwargs):
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": instance.title,
                    "description": instance.description,
                    "position": instance.position,
                    "depends_on": instance.depends_on,
                    "depends_on_values": "\n".join(instance.depends_on_values),
                    "is_archived": instance.is_archived,
                },
            )
        super().__init__(*args, **kwargs)
        self._setup_condition(survey)


class QuestionForm(ConditionMixin, DsfrForm):
    label = forms.CharField(label="Intitulé", max_length=500)
    help_text = forms.CharField(label="Aide", max_length=500, required=False)
    kind = forms.ChoiceField(label="Type", choices=QuestionKind.choices)
    choices = forms.CharField(
        label="Choix possibles (un par ligne)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Pour les questions à choix unique ou multiple.",
    )
    required = forms.BooleanField(label="Obligatoire", required=False)
    position = forms.IntegerField(label="Ordre", min_value=0, max_value=32000)
    depends_on = forms.ModelChoiceField(
        label="Afficher seulement selon la réponse à",
        queryset=Question.objects.none(),
        required=False,
    )
    depends_on_values = forms.CharField(
        label="Réponses qui affichent la question (une par ligne)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Pour une question oui/non : « oui » ou « non ».",
    )
    profile_field = forms.ChoiceField(
        label="Renseigne le profil du répondant",
        choices=[("", "Non")] + ProfileField.choices,
        required=False,
    )
    practice_field = forms.ChoiceField(
        label="Pré-remplit la fiche pratique",
        choices=[("", "Non")] + PracticeField.choices,
        required=False,
    )
    allowed_extensions = forms.CharField(
        label="Extensions de fichier acceptées",
        max_length=200,
        required=False,
        help_text="Pour une question « fichier joint », séparées par des virgules.",
    )
    max_size_mb = forms.IntegerField(
        label="Taille maximale d'un fichier (Mo)", min_value=1, max_value=50, initial=5
    )
    is_archived = forms.BooleanField(label="Masquée (ne plus la poser)", required=False)

    def __init__(self, *args, survey, instance=None, **kwargs):
        if instance is not None:
            initial = {
                name: getattr(instance, name)
                for name in [
                    "label",
                    "help_text",
                    "kind",
                    "required",
                    "position",
                    "depends_on",
                    "profile_field",
                    "practice_field",
                    "allowed_extensions",
                    "max_size_mb",
                    "is_archived",
                ]
            }
            initial["choices"] = "\n".join(map(str, instance.choices))
            initial["depends_on_values"] = "\n".join(map(str, instance.depends_on_values))
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self._setup_condition(survey, exclude=instance)

    def clean_choices(self):
        return _lines(self.cleaned_data["choices"])


class ContactImportForm(DsfrForm):
    file = forms.FileField(
        label="Fichier de contacts (CSV ou XLSX)",
        help_text="Première ligne : les noms de colonnes email, prénom, nom, structure.",
        error_messages={"required": "Joignez un fichier."},
    )


class ResultsFilterForm(DsfrForm):
    region = forms.ModelChoiceField(
        label="Région",
        queryset=Region.objects.order_by("name"),
        required=False,
        empty_label="Toutes les régions",
        to_field_name="code",
    )
    actor_family = forms.ChoiceField(
        label="Famille d'acteurs",
        choices=[("", "Toutes les familles")] + ActorFamily.choices,
        required=False,
    )
    date_from = forms.DateField(
        label="Envoyées depuis le", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="Envoyées jusqu'au", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def filters(self):
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}
