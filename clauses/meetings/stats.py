"""Attendance figures of a meeting: pure functions over a registrations queryset, used by
the back-office page and the attendance export."""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from clauses.directory.enums import ActorFamily

from .enums import RegistrationStatus


@dataclass
class FamilyFigures:
    code: str
    label: str
    confirmed: int
    present: int

    @property
    def absent(self):
        return self.confirmed - self.present


@dataclass
class Attendance:
    registered: int  # every registration ever made, cancelled and refused included
    confirmed: int
    waiting: int
    pending: int
    cancelled: int
    refused: int
    present: int
    by_family: list = field(default_factory=list)

    @property
    def absent(self):
        """Confirmed people not checked in (meaningful once the meeting has taken place)."""
        return self.confirmed - self.present

    @property
    def attendance_rate(self):
        """Share of the confirmed who came, in percent (None without confirmed people)."""
        if not self.confirmed:
            return None
        return round(100 * self.present / self.confirmed)


def _present_q(prefix=""):
    return Q(
        **{f"{prefix}status": RegistrationStatus.CONFIRMED, f"{prefix}checked_in_at__isnull": False}
    )


def attendance(registrations):
    """Figures of ``registrations`` (one meeting's, or any queryset of registrations)."""
    totals = registrations.aggregate(
        registered=Count("pk"),
        confirmed=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITING)),
        pending=Count("pk", filter=Q(status=RegistrationStatus.PENDING)),
        cancelled=Count("pk", filter=Q(status=RegistrationStatus.CANCELLED)),
        refused=Count("pk", filter=Q(status=RegistrationStatus.REFUSED)),
        present=Count("pk", filter=_present_q()),
    )
    return Attendance(**totals, by_family=by_family(registrations))


def by_family(registrations):
    """Confirmed and present people per actor family, largest first."""
    labels = dict(ActorFamily.choices)
    rows = (
        registrations.filter(status=RegistrationStatus.CONFIRMED)
        .values("actor_family")
        .annotate(confirmed=Count("pk"), present=Count("pk", filter=_present_q()))
        .order_by()
    )
    figures = [
        FamilyFigures(
            code=row["actor_family"],
            label=labels.get(row["actor_family"], row["actor_family"]),
            confirmed=row["confirmed"],
            present=row["present"],
        )
        for row in rows
    ]
    return sorted(figures, key=lambda f: (-f.confirmed, f.label))
