import datetime

import factory
from django.utils import timezone

from clauses.survey.enums import QuestionKind, SurveyMode
from clauses.survey.models import Question, Respondent, Response, Section, Survey


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey

    title = factory.Sequence(lambda n: f"Enquête {n}")
    slug = factory.Sequence(lambda n: f"enquete-{n}")
    mode = SurveyMode.IDENTIFIED
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    is_published = True


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    survey = factory.SubFactory(SurveyFactory)
    title = factory.Sequence(lambda n: f"Section {n}")
    position = factory.Sequence(lambda n: n)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    section = factory.SubFactory(SectionFactory)
    label = factory.Sequence(lambda n: f"Question {n}")
    kind = QuestionKind.SHORT_TEXT
    position = factory.Sequence(lambda n: n)


class RespondentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Respondent

    survey = factory.SubFactory(SurveyFactory)
    email = factory.Sequence(lambda n: f"repondant{n}@exemple.fr")


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    respondent = factory.SubFactory(RespondentFactory)
    survey = factory.SelfAttribute("respondent.survey")
