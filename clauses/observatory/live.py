"""Live figures for the pages, cached until the tracking data changes.

Recomputing a national year takes about a second; a dashboard shows two years (the changes
on the previous year), a time series and a map. So the pages read ``figures(scope, period)``
and ``series(scope)`` through the cache. Each entry remembers the **tracking version** it
was computed at: a counter bumped by every audited write of procurement or insertion data
(every service, import and generation writes an audit entry: see
``apps.ObservatoryConfig.ready``).

- A structure's figures (and a buyer's, an operation's, a contract's: small scopes, a few
  milliseconds to recompute) are recomputed at the first request after a write: a
  facilitator sees its own entries at once.
- A territory's or the country's figures are served, after a write somewhere in it, for at
  most ``settings.OBSERVATORY_STALE_SECONDS`` after they were computed: with ~370 structures
  entering hours all day, the version changes every few seconds, and recomputing a national
  year at every page would make every page pay it. The pages print when their figures were
  computed (``Figures.computed_at``).

A change made without the audit log (the Django admin, a shell) is seen when the entry
expires (``settings.OBSERVATORY_CACHE_SECONDS``; 0 = no cache, as in the tests).
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from clauses.procurement.enums import ContractKind
from clauses.procurement.models import Contract, Lot

from . import figures as engine
from .progress import active_in
from .reports import anru_progress

VERSION_KEY = "observatory:tracking-version"
TRACKED_APPS = ("procurement.", "insertion.")


def version():
    return cache.get_or_set(VERSION_KEY, 1, timeout=None)


def bump(action):
    """Called for every audit entry: tracking data changed when ``action`` is theirs."""
    if action.startswith(TRACKED_APPS):
        try:
            cache.incr(VERSION_KEY)
        except ValueError:
            cache.set(VERSION_KEY, 1, timeout=None)


# Scopes whose figures may be served a few minutes after a write (see the module's text).
TERRITORY_KINDS = ("national", "region", "departement")


def stale_minutes(scope):
    """How long after a write ``scope``'s figures may still be served (0: at once)."""
    if not settings.OBSERVATORY_CACHE_SECONDS or scope.kind not in TERRITORY_KINDS:
        return 0
    return max(1, round(settings.OBSERVATORY_STALE_SECONDS / 60))


def _key(name, scope, period=None):
    parts = [name, scope.kind, ",".join(map(str, scope.ids)), str(settings.HOURS_PER_ETP)]
    if period is not None:
        parts += [period.start.isoformat(), period.end.isoformat()]
    return "observatory:" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def _cached(key, scope, compute):
    seconds = settings.OBSERVATORY_CACHE_SECONDS
    if not seconds:
        return compute()
    current = version()
    entry = cache.get(key)
    if entry is not None:
        computed_version, computed_at, value = entry
        if computed_version == current or (
            scope.kind in TERRITORY_KINDS
            and time.time() - computed_at < settings.OBSERVATORY_STALE_SECONDS
        ):
            return value
    value = compute()
    cache.set(key, (current, time.time(), value), timeout=seconds)
    return value


def figures(scope, period):
    """``figures.compute(scope, period)``, cached."""
    return _cached(_key("figures", scope, period), scope, lambda: engine.compute(scope, period))


_SERIES = """
SELECT y, SUM(hours), SUM(CASE WHEN contract_kind = %s THEN hours ELSE 0 END)
FROM (
    SELECT {year} AS y, h.hours, c.kind AS contract_kind
    FROM {hours} h
    JOIN {mission} m ON m.id = h.mission_id
    JOIN {lot} l ON l.id = m.lot_id
    JOIN {contract} c ON c.id = l.contract_id
    JOIN {organisation} o ON o.id = c.organisation_id
    LEFT JOIN {departement} d ON d.id = o.departement_id
    WHERE {scope}
) yearly
GROUP BY y
ORDER BY y
"""
YEAR_OF = {
    "sqlite": "CAST(strftime('%%Y', h.month) AS INTEGER)",
    "postgresql": "CAST(EXTRACT(YEAR FROM h.month) AS INTEGER)",
}


def _series(scope):
    condition, params = scope.condition()
    sql = _SERIES.format(year=YEAR_OF[connection.vendor], scope=condition, **engine.tables())
    with connection.cursor() as cursor:
        cursor.execute(sql, [ContractKind.WORKS, *params])
        rows = cursor.fetchall()
    return [
        {
            "year": int(year),
            "hours": engine.as_decimal(hours),
            "etp": engine.to_etp(engine.as_decimal(hours)),
            "share_etp_works": engine.ratio(engine.as_decimal(works), engine.as_decimal(hours)),
        }
        for year, hours, works in rows
    ]


def series(scope):
    """Hours, ETP and the share of ETP in works, year by year, for ``scope``, cached."""
    return _cached(_key("series", scope), scope, lambda: _series(scope))


def anru(scope, period):
    """The ANRU charter's progress (``reports.anru_progress``: whole contracts, since they
    began) of the NPNRU lots of ``scope`` whose contract is active in ``period``
    (``progress.active_in``), cached; None for a territory or the country, where it would
    read every hour ever declared on a sixth of the contracts: their pages show the
    period's NPNRU figures of the engine, and each project's progress is in its report."""
    if scope.kind in TERRITORY_KINDS:
        return None

    def compute():
        npnru = Contract.objects.filter(scope.contracts_q(), operation__is_npnru=True)
        active = active_in(npnru, period).values("pk")
        return anru_progress(Lot.objects.filter(contract__in=active))

    return _cached(_key("anru", scope, period), scope, compute)
