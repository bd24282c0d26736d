from clauses.accounts.enums import Role
from clauses.accounts.models import Organisation

from .factories import MembershipFactory


def test_national_admin_sees_every_organisation(db):
    admin = MembershipFactory(national_admin=True).user
    MembershipFactory()
    assert Organisation.objects.for_user(admin).count() == Organisation.objects.count() == 2


def test_facilitator_sees_only_their_organisation(db):
    mine = MembershipFactory()
    MembershipFactory()
    assert list(Organisation.objects.for_user(mine.user)) == [mine.organisation]
    assert mine.role == Role.FACILITATOR
