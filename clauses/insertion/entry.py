"""Monthly hours still to enter: the missions running during a month with no declaration for
it yet, contract by contract -- the facilitator's to-do list at the start of each month.

A month without hours is also a month without a declaration (0 hours deletes it), so a
mission whose participant did not work that month (leave, sick leave) stays counted: the
pages say "without hours", not "late".
"""

from dataclasses import dataclass

from django.db.models import Count, FilteredRelation, Q

from clauses.core.dates import add_months
from clauses.procurement.models import Clause, Contract

from .models import Mission
from .services import of_month


def month_to_enter(today):
    """The month whose hours are due: the one before ``today``'s (first day)."""
    return add_months(today.replace(day=1), -1)


def heading(month):
    """« Heures d'octobre 2026 », « Heures de mars 2026 »."""
    return f"Heures {of_month(month)}"


def missions_entered_by(organisations):
    """The missions whose hours the facilitators of ``organisations`` enter: those of their
    contracts with a social clause (the contracts of the hours grid)."""
    with_clause = Clause.objects.filter(lot__contract__organisation__in=organisations)
    return Mission.objects.filter(lot__contract__in=with_clause.values("lot__contract"))


@dataclass(frozen=True)
class ContractEntry:
    contract: Contract
    missions: int  # running some day of the month
    entered: int  # of those, with hours declared for the month

    @property
    def missing(self):
        return self.missions - self.entered


def _running_with_month_hours(missions, month):
    """``missions`` running some day of ``month``, with ``month_hours``: the month's
    declaration, joined on its (mission, month) key (at most one row per mission)."""
    return (
        missions.running_in_month(month)
        .alias(month_hours=FilteredRelation("hours", condition=Q(hours__month=month)))
        .order_by()
    )


def month_totals(missions, month):
    """(missions running during ``month``, how many of them have its hours): one query."""
    totals = _running_with_month_hours(missions, month).aggregate(
        missions=Count("pk"), entered=Count("month_hours")
    )
    return totals["missions"], totals["entered"]


def entry_by_contract(missions, month):
    """``ContractEntry`` of each contract with missions of ``missions`` running during
    ``month`` (its first day): the contracts with missing hours first, most missing first,
    then by reference. Two queries whatever the number of missions: the counts grouped by
    contract, then the contracts."""
    counts = (
        _running_with_month_hours(missions, month)
        .values_list("lot__contract")
        .annotate(missions=Count("pk"), entered=Count("month_hours"))
    )
    counts = {pk: (total, entered) for pk, total, entered in counts}
    contracts = Contract.objects.filter(pk__in=counts).only("reference", "object")
    entries = [ContractEntry(contract, *counts[contract.pk]) for contract in contracts]
    entries.sort(key=lambda entry: (-entry.missing, entry.contract.reference, entry.contract.pk))
    return entries
