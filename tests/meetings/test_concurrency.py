"""No overbooking: concurrent registrations, each thread on its own database connection.

The meeting row is locked (SELECT ... FOR UPDATE) before places are counted: 200
registrations racing for 50 places end with exactly 50 confirmed and 150 waiting, and the
waiting list follows the order in which the registrations got the lock (created_at, pk).
SQLite serialises every write transaction anyway, so the race only means something on
PostgreSQL.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from clauses.directory.enums import ActorFamily
from clauses.meetings import services
from clauses.meetings.enums import RegistrationStatus

from .factories import MeetingFactory

REGISTRATIONS = 200
PLACES = 50
# PostgreSQL's default max_connections is 100: 40 threads, each with its own connection,
# keep 200 registrations in flight against each other.
THREADS = 40

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Concurrence réelle seulement sur PostgreSQL (SQLite sérialise les écritures)",
    ),
    pytest.mark.django_db(transaction=True),
]


def _register_all(meeting, count):
    barrier = threading.Barrier(min(THREADS, count))
    local = threading.local()

    def register(n):
        if not getattr(local, "waited", False):
            local.waited = True
            barrier.wait(timeout=30)  # every thread starts racing at once
        try:
            return services.register(
                meeting=meeting,
                data={
                    "first_name": f"Personne{n}",
                    "last_name": "Concurrente",
                    "email": f"concurrent{n}@example.org",
                    "organisation_name": "PLIE",
                    "actor_family": ActorFamily.PLIE_MDE,
                },
            ).pk
        finally:
            connections.close_all()  # this thread's connections only

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(register, range(count)))


def test_200_concurrent_registrations_for_50_places_never_overbook():
    meeting = MeetingFactory(capacity=PLACES)
    pks = _register_all(meeting, REGISTRATIONS)
    assert len(set(pks)) == REGISTRATIONS
    registrations = meeting.registrations.all()
    assert registrations.filter(status=RegistrationStatus.CONFIRMED).count() == PLACES
    assert registrations.filter(status=RegistrationStatus.WAITING).count() == REGISTRATIONS - PLACES


def test_concurrent_waiting_list_follows_the_registration_order():
    meeting = MeetingFactory(capacity=PLACES)
    _register_all(meeting, REGISTRATIONS)
    in_order = list(meeting.registrations.order_by("created_at", "pk"))
    statuses = [r.status for r in in_order]
    # The first 50 to get the lock have the places, the 150 others wait behind them.
    assert statuses == [RegistrationStatus.CONFIRMED] * PLACES + [RegistrationStatus.WAITING] * (
        REGISTRATIONS - PLACES
    )
    assert [r.pk for r in in_order] == sorted(r.pk for r in in_order)
    assert list(meeting.registrations.waiting()) == in_order[PLACES:]


def test_concurrent_cancellations_promote_each_waiting_person_once():
    meeting = MeetingFactory(capacity=10)
    _register_all(meeting, 30)
    confirmed = list(meeting.registrations.confirmed())
    first_waiting = list(meeting.registrations.waiting()[:10])

    def cancel(registration):
        try:
            return services.cancel_registration(registration=registration)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=10) as pool:
        promoted = [r for batch in pool.map(cancel, confirmed) for r in batch]
    assert sorted(r.pk for r in promoted) == sorted(r.pk for r in first_waiting)
    assert meeting.registrations.confirmed().count() == 10
    assert meeting.registrations.waiting().count() == 10
