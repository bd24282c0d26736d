"""Surveys: sections and questions built in the back-office, respondents and their answers."""

import secrets

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from clauses.accounts.models import coordinated_territories_q
from clauses.directory.enums import ActorFamily

from .enums import PracticeField, ProfileField, QuestionKind, ResponseStatus, SurveyMode

DEFAULT_EXTENSIONS = "pdf,jpg,jpeg,png,odt,docx,ods,xlsx"


def _token():
    return secrets.token_urlsafe(24)


class SurveyQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def for_user(self, user):
        """Surveys whose results a user may read: all for a national administrator,
        published ones for a coordinator (restricted to their territory's responses)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_national_admin:
            return self
        from clauses.accounts.enums import Role

        if user.has_role(Role.COORDINATOR):
            return self.published()
        return self.none()


class Survey(models.Model):
    title = models.CharField("titre", max_length=255)
    slug = models.SlugField(max_length=120, unique=True)
    intro = models.TextField("présentation", blank=True)
    thanks = models.TextField("message de remerciement", blank=True)
    mode = models.CharField(
        "mode de réponse", max_length=16, choices=SurveyMode.choices, default=SurveyMode.IDENTIFIED
    )
    opens_at = models.DateTimeField("ouverture")
    closes_at = models.DateTimeField("clôture")
    is_published = models.BooleanField("publiée", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = "enquête"
        ordering = ["-opens_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gte=models.F("opens_at")), name="survey_closes_after_opening"
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("survey:start", args=[self.slug])

    @property
    def is_open(self):
        return self.is_published and self.opens_at <= timezone.now() <= self.closes_at

    @property
    def is_anonymous(self):
        return self.mode == SurveyMode.ANONYMOUS


class Section(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField("titre", max_length=255)
    description = models.TextField("présentation", blank=True)
    position = models.PositiveSmallIntegerField("ordre", default=0)
    depends_on = models.ForeignKey(
        "Question",
        verbose_name="affichée selon la réponse à",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dependent_sections",
    )
    depends_on_values = models.JSONField(
        "réponses qui affichent la section", default=list, blank=True
    )
    is_archived = models.BooleanField("masquée", default=False)

    class Meta:
        verbose_name = "section"
        ordering = ["survey", "position", "pk"]

    def __str__(self):
        return self.title


class Question(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    label = models.CharField("intitulé", max_length=500)
    help_text = models.CharField("aide", max_length=500, blank=True)
    kind = models.CharField("type", max_length=20, choices=QuestionKind.choices)
    choices = models.JSONField("choix possibles", default=list, blank=True)
    required = models.BooleanField("obligatoire", default=False)
    position = models.PositiveSmallIntegerField("ordre", default=0)
    depends_on = models.ForeignKey(
        "self",
        verbose_name="affichée selon la réponse à",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dependents",
    )
    depends_on_values = models.JSONField(
        "réponses qui affichent la question", default=list, blank=True
    )
    profile_field = models.CharField(
        "renseigne le profil du répondant",
        max_length=20,
        choices=ProfileField.choices,
        blank=True,
    )
    practice_field = models.CharField(
        "pré-remplit le champ de la fiche pratique",
        max_length=32,
        choices=PracticeField.choices,
        blank=True,
    )
    allowed_extensions = models.CharField(
        "extensions de fichier acceptées", max_length=200, default=DEFAULT_EXTENSIONS, blank=True
    )
    max_size_mb = models.PositiveSmallIntegerField("taille maximale (Mo)", default=5)
    is_archived = models.BooleanField("masquée", default=False)

    class Meta:
        verbose_name = "question"
        ordering = ["section__position", "section_id", "position", "pk"]

    def __str__(self):
        return self.label

    @property
    def survey_id(self):
        return self.section.survey_id

    @property
    def extensions(self):
        return [
            e.strip().lower().lstrip(".") for e in self.allowed_extensions.split(",") if e.strip()
        ]


class Respondent(models.Model):
    """A person answering a survey, reached through a personal link (``token``)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="respondents")
    token = models.CharField(max_length=64, unique=True, default=_token)
    email = models.EmailField("adresse e-mail", blank=True)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    structure_name = models.CharField("structure", max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    invited_at = models.DateTimeField("invitée le", null=True, blank=True)
    reminded_at = models.DateTimeField("relancée le", null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField("nombre de relances", default=0)
    link_sent_at = models.DateTimeField("lien envoyé le", null=True, blank=True)

    class Meta:
        verbose_name = "répondant"
        ordering = ["survey", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "email"],
                condition=~Q(email=""),
                name="respondent_one_per_email_and_survey",
            )
        ]

    def __str__(self):
        return self.email or f"Répondant anonyme n° {self.pk}"

    def get_absolute_url(self):
        return reverse("survey:resume", args=[self.token])


class ResponseQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(status=ResponseStatus.SUBMITTED)

    def for_user(self, user):
        """Responses a user may read: all for a national administrator, those of the
        territory they coordinate for a coordinator."""
        if not user.is_authenticated:
            return self.none()
        if user.is_national_admin:
            return self
        return self.filter(coordinated_territories_q(user))


class Response(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    respondent = models.ForeignKey(Respondent, on_delete=models.CASCADE, related_name="responses")
    status = models.CharField(
        "statut",
        max_length=16,
        choices=ResponseStatus.choices,
        default=ResponseStatus.DRAFT,
        db_index=True,
    )
    started_at = models.DateTimeField("commencée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)
    submitted_at = models.DateTimeField("envoyée le", null=True, blank=True, db_index=True)
    region = models.ForeignKey(
        "territories.Region",
        verbose_name="région",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    departement = models.ForeignKey(
        "territories.Departement",
        verbose_name="département",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_family = models.CharField(
        "famille d'acteurs", max_length=32, choices=ActorFamily.choices, blank=True
    )
    structure_name = models.CharField("structure", max_length=255, blank=True)
    consent_to_publish = models.BooleanField("accord pour publier la pratique", default=False)
    resume_section = models.ForeignKey(
        Section,
        verbose_name="section où reprendre",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = "réponse"
        ordering = ["survey", "-submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "respondent"], name="response_one_per_respondent_and_survey"
            )
        ]
        indexes = [models.Index(fields=["survey", "status", "submitted_at"])]

    def __str__(self):
        return f"Réponse n° {self.pk} à « {self.survey} »"

    @property
    def is_submitted(self):
        return self.status == ResponseStatus.SUBMITTED


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.JSONField("réponse", null=True, blank=True)
    file = models.FileField("fichier", upload_to="survey/answers/%Y/", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "réponse à une question"
        ordering = ["response", "question__section__position", "question__position"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_one_per_question")
        ]

    def __str__(self):
        return f"{self.question} : {self.value}"
