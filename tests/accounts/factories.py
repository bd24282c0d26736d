import datetime

import factory
from django.utils import timezone

from clauses.accounts.enums import Role
from clauses.accounts.models import Invitation
from tests.factories import OrganisationFactory


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invite{n}@example.org")
    first_name = "Camille"
    last_name = "Martin"
    role = Role.FACILITATOR
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))

    class Params:
        expired = factory.Trait(
            expires_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
        )
        accepted = factory.Trait(accepted_at=factory.LazyFunction(timezone.now))
        cancelled = factory.Trait(cancelled_at=factory.LazyFunction(timezone.now))
