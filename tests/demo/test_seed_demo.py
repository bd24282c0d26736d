import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from dsfr.models import DsfrConfig

from clauses.accounts.enums import FacilitatorKind, OrganisationKind, Role
from clauses.accounts.models import Membership, Organisation, User
from clauses.demo import data
from clauses.territories.models import Region
from tests.factories import DepartementFactory, RegionFactory


@pytest.fixture
def territories(db):
    regions = {code: RegionFactory(code=code, name=name) for code, name in data.REGIONS.items()}
    for code, (name, region_code) in data.DEPARTEMENTS.items():
        DepartementFactory(code=code, name=name, region=regions[region_code])


def seed_demo():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (User, Organisation, Membership, DsfrConfig)
    }


def test_seed_demo_creates_one_user_per_role(territories):
    seed_demo()

    roles = list(Membership.objects.filter(is_admin=False).values_list("role", flat=True))
    assert sorted(roles) == sorted(Role.values + [Role.COORDINATOR])


def test_seed_demo_creates_an_organisation_administrator(territories):
    seed_demo()

    admin = Membership.objects.get(is_admin=True)
    assert admin.organisation.kind == OrganisationKind.FACILITATOR


def test_seed_demo_gives_coordinators_a_regional_and_a_departmental_scope(territories):
    seed_demo()

    scopes = {
        (m.scope_region_id is not None, m.scope_departement_id is not None)
        for m in Membership.objects.filter(role=Role.COORDINATOR)
    }
    assert scopes == {(True, False), (False, True)}


def test_seed_demo_creates_organisations_of_every_kind_in_several_regions(territories):
    seed_demo()

    kinds = set(Organisation.objects.values_list("kind", flat=True))
    facilitator_kinds = set(Organisation.objects.values_list("facilitator_kind", flat=True))
    assert kinds == set(OrganisationKind.values)
    assert {
        FacilitatorKind.PLIE,
        FacilitatorKind.MDE,
        FacilitatorKind.EPCI,
        FacilitatorKind.DEPARTEMENT,
    } <= facilitator_kinds
    regions = set(Organisation.objects.exclude(region=None).values_list("region__code", flat=True))
    assert regions == set(data.REGIONS)


def test_seed_demo_users_have_the_demo_password(territories):
    seed_demo()

    for spec in data.USERS:
        assert User.objects.get(email=spec.email).check_password(settings.DEMO_PASSWORD)


def test_seed_demo_creates_the_site_configuration(territories):
    seed_demo()

    assert DsfrConfig.objects.get(language="fr").site_title == "Clauses"


def test_seed_demo_is_idempotent(territories):
    seed_demo()
    first = counts()

    seed_demo()

    assert counts() == first
    assert first["User"] == len(data.USERS)
    assert first["Organisation"] == len(data.ORGANISATIONS)


def test_seed_demo_restores_a_changed_demo_password(territories):
    seed_demo()
    user = User.objects.get(email=data.USERS[0].email)
    user.set_password("un autre mot de passe")
    user.save()

    seed_demo()

    user.refresh_from_db()
    assert user.check_password(settings.DEMO_PASSWORD)


def test_seed_demo_prints_logins_and_password(territories):
    output = seed_demo()

    for spec in data.USERS:
        assert spec.email in output
    assert "Coordinateur territorial — Occitanie" in output
    assert "administrateur de l'organisation" in output
    assert settings.DEMO_PASSWORD in output


def test_seed_demo_fails_clearly_without_territories(db):
    assert not Region.objects.exists()

    with pytest.raises(CommandError, match="python manage.py load_territories"):
        seed_demo()
    assert not Organisation.objects.exists()


def test_seed_demo_names_missing_territories(db):
    RegionFactory(code="11", name="Île-de-France")

    with pytest.raises(CommandError, match="76"):
        seed_demo()


def test_seed_demo_publishes_its_completed_years(territories):
    from django.utils import timezone

    from clauses.observatory.campaigns import published_figures
    from clauses.observatory.figures import Period, Scope, compute
    from clauses.observatory.models import Campaign

    seed_demo()
    last_year = timezone.localdate().year - 1
    published = Campaign.objects.filter(published_at__isnull=False).values_list("year", flat=True)
    assert last_year in published
    assert timezone.localdate().year not in published
    figures = published_figures(Scope.national(), last_year)
    assert figures["hours"] > 0
    assert figures.as_dict() == compute(Scope.national(), Period.of_year(last_year)).as_dict()
    seed_demo()  # idempotent: the published years stay as they were
    assert Campaign.objects.filter(year=last_year).count() == 1
