import datetime

import factory
from django.utils import timezone

from clauses.directory.enums import ActorFamily, Visibility
from clauses.meetings.enums import QuestionKind, RegistrationStatus
from clauses.meetings.models import (
    Edition,
    Meeting,
    MeetingDocument,
    PresentedPractice,
    ProgrammeSlot,
    Question,
    Registration,
)
from tests.factories import OrganisationFactory, RegionFactory


class EditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Edition
        django_get_or_create = ("slug",)

    name = "Tour de France 2026"
    slug = "tour-2026"
    year_start = 2026
    year_end = 2026


class MeetingFactory(factory.django.DjangoModelFactory):
    """A published meeting in 20 days, open for registration, 30 places."""

    class Meta:
        model = Meeting

    organiser = factory.SubFactory(OrganisationFactory)
    edition = factory.SubFactory(EditionFactory)
    title = factory.Sequence(lambda n: f"Rencontre régionale n° {n}")
    slug = factory.Sequence(lambda n: f"rencontre-{n}")
    summary = "Une journée pour se connaître et partager les pratiques."
    region = factory.SubFactory(RegionFactory)
    venue_name = "Hôtel de région"
    venue_address = "2 rue Simone-Veil"
    venue_postal_code = "93400"
    venue_city = "Saint-Ouen-sur-Seine"
    access_info = "Métro ligne 14, station Mairie de Saint-Ouen."
    accessibility_info = "Salle de plain-pied, boucle magnétique."
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + datetime.timedelta(days=20)).replace(
            hour=8, minute=0, second=0, microsecond=0
        )
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=8))
    capacity = 30
    registration_opens_at = factory.LazyFunction(
        lambda: timezone.now() - datetime.timedelta(days=10)
    )
    registration_closes_at = factory.LazyAttribute(
        lambda o: o.starts_at - datetime.timedelta(days=2)
    )
    is_published = True
    target_families = [ActorFamily.FACILITATOR, ActorFamily.SOCIAL_LANDLORD]

    class Params:
        past = factory.Trait(
            starts_at=factory.LazyFunction(
                lambda: timezone.now() - datetime.timedelta(days=40, hours=8)
            ),
            registration_opens_at=factory.LazyFunction(
                lambda: timezone.now() - datetime.timedelta(days=90)
            ),
        )


class SlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeSlot

    meeting = factory.SubFactory(MeetingFactory)
    starts_at = datetime.time(9, 30)
    ends_at = datetime.time(10, 30)
    title = "Table ronde : la clause sociale dans le renouvellement urbain"
    speakers = "Camille Martin (PLIE), Karim Benali (bailleur)"


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    meeting = factory.SubFactory(MeetingFactory)
    label = factory.Sequence(lambda n: f"Question {n}")
    kind = QuestionKind.SHORT_TEXT
    position = factory.Sequence(int)


class PracticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PresentedPractice

    meeting = factory.SubFactory(MeetingFactory)
    title = "Un guichet unique emploi-habitat"
    structure_name = "PLIE Est 93"


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingDocument

    meeting = factory.SubFactory(MeetingFactory)
    title = "Synthèse de la journée"
    kind = "synthese"
    file = factory.django.FileField(filename="synthese.pdf", data=b"%PDF-1.4 synthese")


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    meeting = factory.SubFactory(MeetingFactory)
    status = RegistrationStatus.CONFIRMED
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.Sequence(lambda n: f"inscrit{n}@example.org")
    organisation_name = "Mission locale du Val"
    function = "Chargée de relations entreprises"
    actor_family = ActorFamily.PUBLIC_EMPLOYMENT
    visibility = Visibility.NOBODY
    consent_at = factory.LazyFunction(timezone.now)
