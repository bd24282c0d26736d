import datetime

import factory
from django.utils import timezone

from clauses.practices import services
from clauses.practices.enums import PracticeStatus, Public, Theme
from clauses.practices.models import Practice
from clauses.survey.models import Respondent, Response, Survey
from tests.factories import RegionFactory


class PracticeFactory(factory.django.DjangoModelFactory):
    """A sheet written straight to the table; call ``index`` to make it searchable."""

    class Meta:
        model = Practice
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Pratique numéro {n}")
    slug = factory.Sequence(lambda n: f"pratique-{n}")
    pitch = "Une démarche partagée entre acheteurs et facilitateurs."
    region = factory.SubFactory(RegionFactory)
    themes = factory.LazyFunction(lambda: [Theme.PUBLICS])
    publics = factory.LazyFunction(lambda: [Public.WOMEN])
    year = 2022
    status = PracticeStatus.DRAFT

    class Params:
        published = factory.Trait(
            status=PracticeStatus.PUBLISHED, published_at=factory.LazyFunction(timezone.now)
        )

    @factory.post_generation
    def index(obj, create, extracted, **kwargs):
        if create:
            services.search.index_practice(obj)


def make_response(*, consent, answers=None, region=None):
    """A submitted survey response, with ``answers`` = [(practice_field, value)]."""
    from clauses.survey.models import Answer, Question, Section

    now = timezone.now()
    survey, _ = Survey.objects.get_or_create(
        slug="enquete-test",
        defaults={
            "title": "Enquête test",
            "opens_at": now - datetime.timedelta(days=10),
            "closes_at": now + datetime.timedelta(days=10),
        },
    )
    section, _ = Section.objects.get_or_create(survey=survey, title="Pratique inspirante")
    respondent = Respondent.objects.create(survey=survey, email="repondant@example.org")
    response = Response.objects.create(
        survey=survey,
        respondent=respondent,
        status="envoyee",
        submitted_at=now,
        region=region,
        consent_to_publish=consent,
        structure_name="PLIE de test",
    )
    for position, (field, value) in enumerate(answers or []):
        question = Question.objects.create(
            section=section,
            label=f"Question {field}",
            kind="texte_long",
            position=position,
            practice_field=field,
        )
        Answer.objects.create(response=response, question=question, value=value)
    return response
