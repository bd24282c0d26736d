from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory

from clauses.core.forms import DsfrForm
from clauses.directory.enums import ActorFamily
from clauses.meetings.enums import DocumentKind, QuestionKind, RegistrationMode, RegistrationStatus
from clauses.meetings.models import (
    Edition,
    Meeting,
    PresentedPractice,
    ProgrammeSlot,
    Question,
)
from clauses.territories.models import Departement, Region

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)


def _datetime(label, **kwargs):
    return forms.DateTimeField(
        label=label, widget=DateTimeInput(), input_formats=[DATETIME_FORMAT], **kwargs
    )


class MeetingForm(DsfrForm):
    organiser = forms.ModelChoiceField(label="Organisateur", queryset=None, empty_label=None)
    edition = forms.ModelChoiceField(
        label="Édition du Tour de France", queryset=Edition.objects.all(), empty_label=None
    )
    title = forms.CharField(label="Titre", max_length=255)
    summary = forms.CharField(
        label="Présentation", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    region = forms.ModelChoiceField(
        label="Région", queryset=Region.objects.order_by("name"), empty_label="Choisissez"
    )
    departement = forms.ModelChoiceField(
        label="Département",
        queryset=Departement.objects.order_by("code"),
        required=False,
        empty_label="Toute la région",
    )
    venue_name = forms.CharField(label="Lieu", max_length=255)
    venue_address = forms.CharField(label="Adresse", max_length=255)
    venue_postal_code = forms.RegexField(
        label="Code postal",
        regex=r"^\d[0-9AB]\d{3}$",
        error_messages={"invalid": "Saisissez un code postal à 5 caractères."},
    )
    venue_city = forms.CharField(label="Ville", max_length=150)
    access_info = forms.CharField(
        label="Accès (transports, stationnement)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    accessibility_info = forms.CharField(
        label="Accessibilité du lieu",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Accès en fauteuil, boucle magnétique, interprétation LSF…",
    )
    starts_at = _datetime("Début")
    ends_at = _datetime("Fin")
    capacity = forms.IntegerField(
        label="Nombre de places",
        min_value=1,
        help_text="Augmenter la jauge confirme automatiquement les premières personnes "
        "de la liste d'attente.",
    )
    registration_opens_at = _datetime("Ouverture des inscriptions")
    registration_closes_at = _datetime("Clôture des inscriptions")
    mode = forms.ChoiceField(
        label="Mode d'inscription", choices=RegistrationMode.choices, widget=forms.RadioSelect
    )
    invitation_code = forms.CharField(
        label="Code d'invitation",
        required=False,
        max_length=64,
        help_text="Pour une rencontre sur invitation : le code à joindre au lien d'inscription.",
    )
    target_families = forms.MultipleChoiceField(
        label="Familles d'acteurs visées",
        choices=ActorFamily.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    retention_days = forms.IntegerField(
        label="Conservation des données personnelles (jours après la rencontre)",
        min_value=30,
        max_value=1095,
        initial=365,
        help_text="Les inscriptions sont ensuite anonymisées automatiquement.",
    )

    def __init__(self, *args, organisers, meeting=None, **kwargs):
        if meeting is not None:
            kwargs.setdefault(
                "initial",
                {
                    field: getattr(meeting, field)
                    for field in self.base_fields
                    if hasattr(meeting, field)
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = organisers
        if meeting is not None:
            # The organiser of an existing meeting does not change.
            del self.fields["organiser"]

    def clean(self):
        data = super().clean()
        if data.get("mode") == RegistrationMode.INVITATION and not data.get("invitation_code"):
            self.add_error(
                "invitation_code", "Une rencontre sur invitation a besoin d'un code d'invitation."
            )
        return data


class ItemForm(DsfrForm, forms.ModelForm):
    """A programme slot, question or practice inside its meeting's formset."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "DELETE" in self.fields:
            self.fields["DELETE"].label = "Supprimer"


class SlotForm(ItemForm):
    class Meta:
        model = ProgrammeSlot
        fields = ["starts_at", "ends_at", "title", "speakers", "description"]
        widgets = {
            "starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "ends_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "description": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] < data["starts_at"]:
            self.add_error("ends_at", "La fin de la séquence précède son début.")
        return data


def _lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class QuestionForm(ItemForm):
    choices_text = forms.CharField(
        label="Choix possibles (un par ligne)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Pour les questions à choix unique ou multiple.",
    )
    depends_on_values_text = forms.CharField(
        label="Réponses qui affichent la question (une par ligne)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Pour une question oui / non : « oui » ou « non ».",
    )

    class Meta:
        model = Question
        fields = ["position", "label", "help_text", "kind", "required", "depends_on"]
        labels = {"position": "Ordre"}

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        earlier = meeting.questions.all()
        if self.instance.pk:
            earlier = earlier.exclude(pk=self.instance.pk).filter(
                position__lte=self.instance.position
            )
        self.fields["depends_on"].queryset = earlier
        self.fields["depends_on"].required = False
        self.fields["depends_on"].empty_label = "Toujours affichée"
        self.fields[
            "depends_on"
        ].help_text = "Une question précédente : celle-ci ne s'affiche que pour certaines réponses."
        self.fields["kind"].widget.group_class = "fr-select-group"
        if self.instance.pk:
            self.initial["choices_text"] = "\n".join(map(str, self.instance.choices))
            self.initial["depends_on_values_text"] = "\n".join(
                map(str, self.instance.depends_on_values)
            )
        self.order_fields([*self.Meta.fields[:5], "choices_text", "depends_on"])

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        choices = _lines(data.get("choices_text"))
        if kind in (QuestionKind.CHOICE, QuestionKind.MULTIPLE_CHOICE) and len(choices) < 2:
            self.add_error("choices_text", "Indiquez au moins deux choix, un par ligne.")
        parent = data.get("depends_on")
        values = _lines(data.get("depends_on_values_text"))
        if parent is not None:
            if data.get("position") is not None and parent.position > data["position"]:
                self.add_error("depends_on", "Choisissez une question placée avant celle-ci.")
            if not values:
                self.add_error(
                    "depends_on_values_text", "Indiquez la ou les réponses qui l'affichent."
                )
            allowed = _parent_answers(parent)
            if allowed is not None:
                unknown = [v for v in values if v.casefold() not in allowed]
                if unknown:
                    self.add_error(
                        "depends_on_values_text",
                        f"Réponses inconnues pour « {parent.label} » : {', '.join(unknown)}.",
                    )
        elif values:
            self.add_error("depends_on", "Choisissez la question dont dépend l'affichage.")
        self.instance.choices = (
            choices if kind in (QuestionKind.CHOICE, QuestionKind.MULTIPLE_CHOICE) else []
        )
        self.instance.depends_on_values = values if parent is not None else []
        return data


def _parent_answers(question):
    """The possible answers of a question (case-folded), or None when they are free."""
    if question.kind == QuestionKind.YES_NO:
        return {"oui", "non"}
    if question.kind in (QuestionKind.CHOICE, QuestionKind.MULTIPLE_CHOICE):
        return {str(c).casefold() for c in question.choices}
    return None


class PracticeForm(ItemForm):
    class Meta:
        model = PresentedPractice
        fields = ["position", "title", "structure_name", "summary"]
        labels = {"position": "Ordre"}
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}


class MeetingItemsFormSet(BaseInlineFormSet):
    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if issubclass(self.form, QuestionForm):
            kwargs["meeting"] = self.instance
        return kwargs


SlotFormSet = inlineformset_factory(
    Meeting, ProgrammeSlot, form=SlotForm, formset=MeetingItemsFormSet, extra=2, can_delete=True
)
QuestionFormSet = inlineformset_factory(
    Meeting,
    Question,
    form=QuestionForm,
    formset=MeetingItemsFormSet,
    fk_name="meeting",
    extra=1,
    can_delete=True,
)
PracticeFormSet = inlineformset_factory(
    Meeting,
    PresentedPractice,
    form=PracticeForm,
    formset=MeetingItemsFormSet,
    extra=1,
    can_delete=True,
)

# kind -> (formset class, page title, intro)
ITEM_FORMSETS = {
    "programme": (
        SlotFormSet,
        "Programme",
        "Les séquences de la journée, dans l'ordre des horaires.",
    ),
    "questions": (
        QuestionFormSet,
        "Questions d'inscription",
        "Les questions posées à l'inscription, en plus de l'identité. Une question peut "
        "dépendre de la réponse à une question précédente (enregistrez d'abord celle-ci).",
    ),
    "practices": (
        PracticeFormSet,
        "Pratiques présentées",
        "Les pratiques présentées pendant la rencontre.",
    ),
}


class DocumentForm(DsfrForm):
    title = forms.CharField(label="Titre", max_length=255)
    kind = forms.ChoiceField(label="Type", choices=DocumentKind.choices)
    file = forms.FileField(
        label="Fichier",
        help_text="PDF, diaporama ou document bureautique, 20 Mo au plus.",
    )

    MAX_SIZE = 20 * 1024 * 1024
    EXTENSIONS = {".pdf", ".odp", ".odt", ".pptx", ".ppt", ".docx", ".doc", ".xlsx", ".ods"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.group_class = "fr-select-group"

    def clean_file(self):
        file = self.cleaned_data["file"]
        name = file.name.lower()
        if not any(name.endswith(ext) for ext in self.EXTENSIONS):
            raise forms.ValidationError(
                "Format non accepté : PDF, ODP, ODT, PPTX, DOCX, XLSX ou ODS."
            )
        if file.size > self.MAX_SIZE:
            raise forms.ValidationError("Le fichier dépasse 20 Mo.")
        return file


PRESENCE_CHOICES = [("", "Tous"), ("present", "Présent·e"), ("absent", "Absent·e")]


class RegistrationFilterForm(DsfrForm):
    q = forms.CharField(
        label="Rechercher",
        required=False,
        help_text="Nom, prénom, adresse e-mail ou structure",
    )
    status = forms.ChoiceField(
        label="Statut", required=False, choices=[("", "Tous")] + RegistrationStatus.choices
    )
    family = forms.ChoiceField(
        label="Famille d'acteurs", required=False, choices=[("", "Toutes")] + ActorFamily.choices
    )
    region = forms.ModelChoiceField(
        label="Région",
        required=False,
        queryset=Region.objects.order_by("name"),
        to_field_name="code",
        empty_label="Toutes",
    )
    presence = forms.ChoiceField(label="Présence", required=False, choices=PRESENCE_CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("status", "family", "region", "presence"):
            self.fields[name].widget.group_class = "fr-select-group"

    def get_context(self):
        context = super().get_context()
        context["DSFR_MARK_OPTIONAL_FIELDS"] = False  # every filter is optional
        return context


class ReasonForm(DsfrForm):
    reason = forms.CharField(
        label="Motif (facultatif)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Il figure dans l'e-mail envoyé à la personne.",
    )
