import factory
from django.conf import settings

from clauses.accounts.enums import OrganisationKind, Role
from clauses.accounts.models import Membership, Organisation, User
from clauses.territories.models import Departement, Region


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "11"
    name = "Île-de-France"


class DepartementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Departement
        django_get_or_create = ("code",)

    code = "93"
    name = "Seine-Saint-Denis"
    region = factory.SubFactory(RegionFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@example.org")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.django.Password(settings.DEMO_PASSWORD)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"PLIE numéro {n}")
    kind = OrganisationKind.FACILITATOR
    facilitator_kind = "plie"
    departement = factory.SubFactory(DepartementFactory)
    region = factory.SelfAttribute("departement.region")

    class Params:
        buyer = factory.Trait(kind=OrganisationKind.BUYER, facilitator_kind="")
        company = factory.Trait(kind=OrganisationKind.COMPANY, facilitator_kind="")
        national = factory.Trait(
            kind=OrganisationKind.NATIONAL_NETWORK,
            facilitator_kind="",
            departement=None,
            region=None,
        )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.FACILITATOR

    class Params:
        admin = factory.Trait(is_admin=True)
        coordinator = factory.Trait(
            role=Role.COORDINATOR,
            scope_region=factory.SelfAttribute("organisation.region"),
        )
        national_admin = factory.Trait(
            role=Role.NATIONAL_ADMIN,
            organisation=factory.SubFactory(OrganisationFactory, national=True),
        )
        reader = factory.Trait(
            role=Role.READER, organisation=factory.SubFactory(OrganisationFactory, buyer=True)
        )
        company = factory.Trait(
            role=Role.COMPANY, organisation=factory.SubFactory(OrganisationFactory, company=True)
        )
