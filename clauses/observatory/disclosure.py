"""Statistical disclosure control of a release of published tables.

A release is a set of cells (people and hours of a territory's breakdown modality...) tied
by linear relations: the modalities of a breakdown add up to the territory's total, the
départements of a region to the region, the regions to the country. Nobody may recompute
a small group of people from what is published (DOMAIN.md § 5), nor the hours of one
company or one buyer (business confidentiality):

- ``protect`` marks the primary secrets (the people rule: 0 < people < k; the dominance
  rule: one company or one buyer brings more than ``dominance`` of the hours) and the
  secondary ones, so that no secret can be recomputed from the published cells and the
  relations (totals, other modalities, the hierarchy, the other tables of the release);
- ``audit`` is the attacker: a linear program over the whole release (HiGHS) bounds each
  primary secret, every published cell fixed at its value, every secret cell free and
  non-negative, every relation holding. A breach is an interval narrower than required.

Pure Python over caller-chosen keys (hashable, mutually orderable tuples such as
``("departement", "93", "sexe", "F")``): no database. The algorithm and its guarantees are
written in docs/decisions.md (statistical disclosure control).
"""

import heapq
import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

import highspy
import numpy as np

Key = Hashable

PRIMARY, SECONDARY = "primaire", "secondaire"
# The rules that make a cell a primary secret (Breach.rule).
PEOPLE_RULE, DOMINANCE_RULE = "effectif", "dominance"
EQ, LE = "eq", "le"
# The total cell of a territory in the keys the helpers build: (*territory, breakdown, modality).
TOTAL = ("ensemble", "ensemble")

# Integer people from a floating LP: a bound within this of an integer is that integer.
_EPS = 1e-6


@dataclass(frozen=True)
class Cell:
    """One published figure: its distinct people and their hours.

    ``top_share``: the largest share (0..1) of the cell's hours brought by one company or
    one buyer, None when unknown (then only the people rule applies).
    """

    people: int
    hours: Decimal
    top_share: Decimal | None = None


@dataclass(frozen=True)
class Relation:
    """``total`` is made of ``parts``.

    ``people``: EQ, the parts' people add up to the total's (an exclusive breakdown); LE,
    the total's people are at most the parts' sum and each part's at most the total's (a
    person followed in two départements of one region is counted in each, once in the
    region). ``hours``: the same, EQ unless the parts overlap.
    """

    total: Key
    parts: tuple[Key, ...]
    people: str = EQ
    hours: str = EQ

    def __post_init__(self):
        if self.people not in (EQ, LE) or self.hours not in (EQ, LE):
            raise ValueError(f"Unknown relation kind: {self.people!r}, {self.hours!r}")
        if not self.parts or self.total in self.parts or len(set(self.parts)) < len(self.parts):
            raise ValueError(f"A relation needs distinct parts other than its total: {self}")

    @property
    def keys(self):
        return (self.total, *self.parts)


@dataclass(frozen=True)
class Breach:
    """A primary secret the attacker bounds too closely (or a sensitive cell published).

    People rule: ``low``..``high`` is the attacker's interval of the cell's people,
    ``needed`` the width it must have (k). Dominance rule: the interval of its hours,
    ``needed`` the margin it must leave on each side of the true hours.
    """

    key: Key
    rule: str
    low: float
    high: float
    needed: float

    def __str__(self):
        if self.rule == PEOPLE_RULE:
            return (
                f"{self.key} : l'effectif se déduit à {self.low:g}–{self.high:g} personnes "
                f"près, il faut un écart d'au moins {self.needed:g}"
            )
        return (
            f"{self.key} : les heures se déduisent entre {self.low:g} et {self.high:g}, "
            f"il faut une marge d'au moins {self.needed:g} heures de part et d'autre"
        )


def _settings(k, dominance):
    if k is None or dominance is None:
        from django.conf import settings

        k = settings.OBSERVATORY_MIN_CELL if k is None else k
        dominance = settings.OBSERVATORY_DOMINANCE if dominance is None else dominance
    # Decimal from the string: Decimal("0.85") > 0.85 (the float) would be True.
    return int(k), Decimal(str(dominance))


def sensitivity(cell: Cell, *, k: int, dominance: Decimal) -> tuple[str, ...]:
    """The rules by which ``cell`` may not be published as it is; () when it may.

    A cell of 0 people describes nobody: never sensitive.
    """
    if cell.people <= 0:
        return ()
    rules = []
    if cell.people < k:
        rules.append(PEOPLE_RULE)
    if cell.top_share is not None and cell.top_share > dominance:
        rules.append(DOMINANCE_RULE)
    return tuple(rules)


def dominance_margin(cell: Cell, dominance: Decimal) -> float:
    """Hours of uncertainty a dominated cell needs on each side of its true hours.

    The protection level of the (1, d) dominance rule (Hundepool et al., Statistical
    Disclosure Control, 2012, § 4.2): the attacker's upper bound must reach x1 / d, where
    x1 = top_share × hours is the largest contribution, so that it could still be a share
    of at most d of the cell; taken on both sides, as τ-ARGUS does by default.
    """
    return float(cell.hours) * (float(cell.top_share) / float(dominance) - 1)


def breakdown_relations(
    keys: Iterable[Key],
    *,
    total: tuple = TOTAL,
    people: str | Mapping[str, str] = EQ,
    hours: str | Mapping[str, str] = EQ,
) -> list[Relation]:
    """Within each territory, every breakdown's modalities make up its total.

    Keys are ``(*territory, breakdown, modality)``; ``total`` is the (breakdown, modality)
    of the territory's total cell. ``people`` and ``hours``: one kind for every breakdown,
    or a mapping breakdown → kind (LE for a breakdown where a person may have several
    modalities); a breakdown absent from a mapping gets no relation (not additive at all).
    """
    keys = set(keys)
    groups = defaultdict(list)
    for key in keys:
        if tuple(key[-2:]) != total:
            groups[(tuple(key[:-2]), key[-2])].append(key)
    relations = []
    for (territory, breakdown), parts in sorted(groups.items()):
        total_key = (*territory, *total)
        kinds = [kind if isinstance(kind, str) else kind.get(breakdown) for kind in (people, hours)]
        if total_key in keys and None not in kinds:
            relations.append(Relation(total_key, tuple(sorted(parts)), *kinds))
    return relations


def hierarchy_relations(
    keys: Iterable[Key],
    parent_of: Mapping[tuple, tuple],
    *,
    people: str = LE,
    hours: str = EQ,
) -> list[Relation]:
    """Every cell of a parent territory is made of the same cell of its children.

    Keys are ``(*territory, breakdown, modality)``; ``parent_of`` maps a territory (the
    key's prefix, e.g. ``("departement", "93")``) to its parent (``("region", "11")``).
    A child without the cell has none of it (its cell was left out as empty).
    """
    keys = set(keys)
    children = defaultdict(list)
    for key in keys:
        parent = parent_of.get(tuple(key[:-2]))
        if parent is not None:
            children[(*parent, *key[-2:])].append(key)
    return [
        Relation(total, tuple(sorted(parts)), people, hours)
        for total, parts in sorted(children.items())
        if total in keys
    ]


class _Attacker:
    """The attacker's linear programs over one quantity (people or hours) of a release.

    One column per secret cell (>= 0); published cells are constants moved to the rows'
    bounds. Secret cells no relation ties (even through other secret cells) bound each
    other in no way: the program splits into independent components, each solved alone
    (a simplex step costs what its model's size does), built on first use only.
    """

    def __init__(self, cells, relations, secret_keys, quantity):
        self.cells, self.quantity = cells, quantity
        parent = {key: key for key in secret_keys}

        def root(key):
            while parent[key] != key:
                parent[key] = parent[parent[key]]
                key = parent[key]
            return key

        tied = []
        for relation in relations:
            secret = [key for key in relation.keys if key in parent]
            if secret:
                tied.append((relation, secret[0]))
                for key in secret[1:]:
                    a, b = root(secret[0]), root(key)
                    if a != b:
                        parent[max(a, b)] = min(a, b)
        self.root = {key: root(key) for key in parent}
        self.members, self.relations = defaultdict(list), defaultdict(list)
        for key in sorted(parent):
            self.members[self.root[key]].append(key)
        for relation, key in tied:
            self.relations[self.root[key]].append(relation)
        self.models = {}

    def bounds(self, key, enough=None):
        """(min, max) of the secret cell ``key`` over every release the attacker can't rule out.

        ``enough(low, high)``: when the feasible points already met spread the cell that
        far, they are returned unsolved (a narrower range than the true one, still wide
        enough: only for a yes-or-no audit).
        """
        component = self.root[key]
        return self._model(component).bounds(key, enough)

    def _model(self, component):
        if component not in self.models:
            self.models[component] = _Model(
                self.cells, self.relations[component], self.members[component], self.quantity
            )
        return self.models[component]


class _Model:
    """One component's program in HiGHS.

    Built once; each bound changes only the objective, so HiGHS restarts the simplex from
    the previous optimal basis instead of solving from scratch.
    """

    def __init__(self, cells, relations, secret_keys, quantity):
        self.column = {key: i for i, key in enumerate(secret_keys)}
        value = (
            (lambda key: float(cells[key].people))
            if quantity == "people"
            else (lambda key: float(cells[key].hours))
        )
        inf = highspy.kHighsInf
        lower, upper, starts, indices, values = [], [], [], [], []

        def add_row(terms, low, high):
            # terms: (key, coefficient); published keys go to the bounds.
            constant, row = 0.0, {}
            for key, coefficient in terms:
                if key in self.column:
                    row[self.column[key]] = row.get(self.column[key], 0.0) + coefficient
                else:
                    constant += coefficient * value(key)
            if not row:
                return
            starts.append(len(indices))
            for column, coefficient in sorted(row.items()):
                indices.append(column)
                values.append(coefficient)
            lower.append(low - constant)
            upper.append(high - constant)

        for relation in relations:
            kind = relation.people if quantity == "people" else relation.hours
            # sum(parts) - total == 0 (EQ) or >= 0 (LE).
            terms = [(part, 1.0) for part in relation.parts] + [(relation.total, -1.0)]
            add_row(terms, 0.0, 0.0 if kind == EQ else inf)
            if kind == LE:
                for part in relation.parts:
                    add_row([(relation.total, 1.0), (part, -1.0)], 0.0, inf)

        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        # Presolve would rebuild the model at every run and lose the basis of the last one.
        self.highs.setOptionValue("presolve", "off")
        n = len(self.column)
        self.highs.addCols(
            n,
            np.zeros(n),
            np.zeros(n),
            np.full(n, inf),
            0,
            np.zeros(n, dtype=np.int32),
            np.zeros(0, dtype=np.int32),
            np.zeros(0),
        )
        if lower:
            self.highs.addRows(
                len(lower),
                np.array(lower),
                np.array(upper),
                len(indices),
                np.array(starts, dtype=np.int32),
                np.array(indices, dtype=np.int32),
                np.array(values),
            )
        self._costed = None
        # The widest range of each column over the feasible points met so far (the true
        # release is one): a cell already seen spread wide enough needs no solve of its own.
        truth = np.array([value(key) for key in self.column])
        self.seen_low, self.seen_high = truth.copy(), truth

    def bounds(self, key, enough=None):
        column = self.column[key]

        def known():
            return self.seen_low[column], self.seen_high[column]

        if enough is not None and enough(*known()):
            return known()
        if self._costed is not None:
            self.highs.changeColCost(self._costed, 0.0)
        self.highs.changeColCost(column, 1.0)
        self._costed = column
        low = self._solve(highspy.ObjSense.kMinimize)
        if enough is not None and enough(low, self.seen_high[column]):
            return known()
        return low, self._solve(highspy.ObjSense.kMaximize)

    def _solve(self, sense):
        self.highs.changeObjectiveSense(sense)
        self.highs.run()
        status = self.highs.getModelStatus()
        if status == highspy.HighsModelStatus.kUnbounded:
            return math.inf if sense == highspy.ObjSense.kMaximize else -math.inf
        if status != highspy.HighsModelStatus.kOptimal:
            raise ValueError(f"The release contradicts its relations (HiGHS: {status}).")
        point = np.asarray(self.highs.getSolution().col_value)
        np.minimum(self.seen_low, point, out=self.seen_low)
        np.maximum(self.seen_high, point, out=self.seen_high)
        return self.highs.getInfo().objective_function_value


def _whole(bound, rounding):
    """A bound of whole people: ``rounding`` (inwards) unless within _EPS of an integer."""
    if math.isinf(bound):
        return bound
    nearest = round(bound)
    return nearest if abs(bound - nearest) < _EPS else rounding(bound)


def _check(cells, relations):
    for relation in relations:
        for key in relation.keys:
            if key not in cells:
                raise ValueError(f"A relation names a cell the release lacks: {key!r}")


def _primaries(cells, k, dominance):
    return {
        key: rules
        for key in sorted(cells)
        if (rules := sensitivity(cells[key], k=k, dominance=dominance))
    }


def _breaches(cells, relations, secrets, primaries, dominance, k, only=None):
    """The breaches of the primary secrets (those of ``only`` when given)."""
    breaches = []
    targets = [key for key in primaries if only is None or key in only]
    for key in targets:
        if key not in secrets:
            # Published as it is: the attacker reads it.
            cell = cells[key]
            rule = primaries[key][0]
            value = cell.people if rule == PEOPLE_RULE else float(cell.hours)
            needed = k if rule == PEOPLE_RULE else dominance_margin(cell, dominance)
            breaches.append(Breach(key, rule, value, value, needed))
    for quantity, rule in (("people", PEOPLE_RULE), ("hours", DOMINANCE_RULE)):
        keys = [key for key in targets if key in secrets and rule in primaries[key]]
        if not keys:
            continue
        attacker = _Attacker(cells, relations, secrets, quantity)
        for key in keys:
            cell = cells[key]
            if rule == PEOPLE_RULE:

                def enough(low, high):
                    # People are whole: the attacker rounds the interval inwards.
                    return _whole(high, math.floor) - _whole(low, math.ceil) >= k

                low, high = attacker.bounds(key, enough)
                if not enough(low, high):
                    low, high = _whole(low, math.ceil), _whole(high, math.floor)
                    breaches.append(Breach(key, rule, low, high, k))
            else:
                hours = float(cell.hours)
                needed = dominance_margin(cell, dominance)
                tolerance = _EPS * max(1.0, hours)

                def enough(low, high, hours=hours, needed=needed, tolerance=tolerance):
                    return high >= hours + needed - tolerance and low <= hours - needed + tolerance

                low, high = attacker.bounds(key, enough)
                if not enough(low, high):
                    breaches.append(Breach(key, rule, low, high, needed))
    return sorted(breaches, key=lambda breach: (breach.key, breach.rule))


def audit(
    cells: Mapping[Key, Cell],
    relations: list[Relation],
    secrets: Mapping[Key, str] | Iterable[Key],
    *,
    k: int | None = None,
    dominance: float | None = None,
) -> list[Breach]:
    """The breaches an attacker finds in the release: [] when it is safe.

    The primary secrets are derived again from ``cells`` (not taken from ``secrets``): a
    sensitive cell left published is a breach. For each primary secret, HiGHS bounds it
    over every release consistent with what is published (published cells fixed, secret
    cells free >= 0, every relation): by the people rule, the interval of its people
    (rounded inwards to whole people) must be at least k wide; by the dominance rule, the
    interval of its hours must reach ``dominance_margin`` on each side of its true hours.
    Secondary secrets need no interval of their own: they are bounded only as far as they
    help bound a primary one. The bounds are those of the linear relaxation, rounded: the
    attacker also knows people are whole, which rounding covers for the bounds themselves.
    """
    k, dominance = _settings(k, dominance)
    _check(cells, relations)
    secrets = set(secrets)
    return _breaches(cells, relations, secrets, _primaries(cells, k, dominance), dominance, k)


def interval(
    cells: Mapping[Key, Cell],
    relations: list[Relation],
    secrets: Mapping[Key, str] | Iterable[Key],
    key: Key,
    *,
    quantity: str = "people",
) -> tuple[float, float]:
    """The attacker's (min, max) of the secret cell ``key``'s people (or ``"hours"``).

    The linear relaxation, unrounded; ``math.inf`` when nothing bounds it above.
    """
    _check(cells, relations)
    secrets = set(secrets)
    if key not in secrets:
        value = cells[key].people if quantity == "people" else cells[key].hours
        return float(value), float(value)
    return _Attacker(cells, relations, secrets, quantity).bounds(key)


def protect(
    cells: Mapping[Key, Cell],
    relations: list[Relation],
    *,
    k: int | None = None,
    dominance: float | None = None,
    keep_secret: Iterable[Key] = (),
) -> dict[Key, str]:
    """The secret cells of the release and their status, PRIMARY or SECONDARY.

    Keys absent are published. ``keep_secret``: cells an earlier version of the release kept
    secret, secret again (at least SECONDARY). The secondary suppression:

    1. in every relation where exactly one cell is secret, also suppress the best other
       cell of it (the total minus the others would give the secret away), until no
       relation has a lone secret;
    2. audit (``audit``'s attacker); for every breached primary secret, suppress the best
       published cell of a relation holding it (if all are secret already, of a relation
       holding those, and so on outwards), then back to 1, until the audit passes.

    The best cell: not empty (a cell of 0 people hides no one), then a part rather than a
    total (a total is in the parent's relations too, its suppression spreads), then one
    that also pairs up the most other lone secrets (the four cells of a rectangle: two
    modalities × two départements), then one that is no relation's total, then the fewest
    people (the fewest hours for a dominance breach), then the smallest key: the result is
    deterministic.
    Suppressing a cell only frees a variable of the attacker's program, so a primary
    secret once safe stays safe: each round audits again only the ones still breached.
    """
    k, dominance = _settings(k, dominance)
    _check(cells, relations)
    # Sorted: the result depends on neither the order of the relations nor of the cells.
    relations = sorted(set(relations), key=lambda relation: (relation.total, relation.parts))
    primaries = _primaries(cells, k, dominance)
    secrets = dict.fromkeys(primaries, PRIMARY)
    # Cells kept secret from an earlier version of the release: publishing them now would
    # give away what that version hid (its values barely differ).
    for key in sorted(set(keep_secret) & set(cells)):
        secrets.setdefault(key, SECONDARY)

    relations_of = defaultdict(list)
    for index, relation in enumerate(relations):
        for key in relation.keys:
            relations_of[key].append(index)
    totals = {relation.total for relation in relations}

    secret_count = [sum(key in secrets for key in relation.keys) for relation in relations]

    def rank(key, index, measure="people"):
        cell = cells[key]
        # Relations the cell would also pair up, each holding a lone secret.
        partners = sum(secret_count[i] == 1 for i in relations_of[key] if i != index)
        return (
            cell.people == 0,
            key == relations[index].total,
            -partners,
            key in totals,
            cell.people if measure == "people" else cell.hours,
            key,
        )

    lone = [index for index, count in enumerate(secret_count) if count == 1]
    heapq.heapify(lone)

    def suppress(key):
        secrets[key] = SECONDARY
        for index in relations_of[key]:
            secret_count[index] += 1
            if secret_count[index] == 1:
                heapq.heappush(lone, index)

    def close():
        # Step 1, a worklist: only the relations a new secret touches are looked at again.
        while lone:
            index = heapq.heappop(lone)
            if secret_count[index] != 1:
                continue
            relation = relations[index]
            candidates = [key for key in relation.keys if key not in secrets]
            suppress(min(candidates, key=lambda key: rank(key, index)))

    def complement(key, measure):
        # Step 2: the best published cell of the relations nearest to ``key``.
        frontier, seen = {key}, set()
        while frontier:
            indexes = sorted({i for cell in frontier for i in relations_of[cell]} - seen)
            if not indexes:
                return None
            seen.update(indexes)
            candidates = [
                (rank(cell, i, measure), cell)
                for i in indexes
                for cell in relations[i].keys
                if cell not in secrets
            ]
            if candidates:
                return min(candidates)[1]
            frontier = {cell for i in indexes for cell in relations[i].keys}
        return None

    close()
    pending = set(primaries)
    # Each round suppresses at least one cell, or stops: bounded by the number of cells.
    for _ in range(len(cells) + 1):
        breaches = _breaches(cells, relations, secrets, primaries, dominance, k, pending)
        if not breaches:
            return dict(sorted(secrets.items()))
        pending = {breach.key for breach in breaches}
        touched = set()
        for breach in breaches:
            if touched.intersection(relations_of[breach.key]):
                # A cell suppressed this round already frees one of its relations.
                continue
            measure = "people" if breach.rule == PEOPLE_RULE else "hours"
            key = complement(breach.key, measure)
            if key is not None:
                suppress(key)
                touched.update(relations_of[key])
        if not touched:
            break
        close()
    raise RuntimeError(f"Secondary suppression failed: {[str(b) for b in breaches]}")
