"""Who reaches the insertion pages (participants, missions, outcomes, hours grid).

Participants' names and files are for the members of the owning organisation only: the
participant and mission pages answer 404 to coordinators, national administrators, buyers'
readers and companies. The hours grid shows figures, without names, to the territorial
coordinator and national administrators too (read-only); facilitators write. The month's
entry (every contract, one month) is for those who enter hours: facilitators.

Their pages on organisation B's objects answer 404 to everyone, national administrators
included, so they cannot join ``CROSS_ORGANISATION`` (which expects national administrators
to read): tests/tracking/test_insertion_pages.py checks them role by role instead.
"""

from tests.test_url_roles import Case, members, only

from .world import FIGURE_READERS, PARTICIPANT_READERS, WRITERS, pk_of, tracking


def _eligibility_kwargs(world):
    from clauses.insertion.models import Eligibility

    participant = tracking(world)["participant"]
    eligibility, _ = Eligibility.objects.get_or_create(
        participant=participant, criterion="rsa", assessed_on="2025-01-06"
    )
    return {"pk": participant.pk, "eligibility_pk": eligibility.pk}


def _with_tracking(world):
    tracking(world)
    return {}


EXPECTATIONS = {
    "insertion:participant_list": Case(only(PARTICIPANT_READERS), _with_tracking),
    "insertion:participant_create": Case(only(WRITERS)),
    "insertion:participant_detail": Case(only(PARTICIPANT_READERS), pk_of("participant")),
    "insertion:participant_edit": Case(only(WRITERS), pk_of("participant")),
    "insertion:eligibility_add": Case(members(405), pk_of("participant")),
    "insertion:eligibility_remove": Case(members(405), _eligibility_kwargs),
    "insertion:mission_list": Case(only(PARTICIPANT_READERS), _with_tracking),
    "insertion:mission_create": Case(only(WRITERS), _with_tracking),
    "insertion:mission_edit": Case(only(WRITERS), pk_of("mission")),
    "insertion:outcome_record": Case(only(WRITERS), pk_of("mission")),
    "insertion:hours_grid": Case(only(FIGURE_READERS), _with_tracking),
    "insertion:hours_month": Case(only(WRITERS), _with_tracking),
}

CROSS_ORGANISATION = {}
