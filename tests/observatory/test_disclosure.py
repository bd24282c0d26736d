"""Statistical disclosure control of a release (clauses/observatory/disclosure.py).

Each adversarial release is built from people (a département, a sex, an age band, hours, a
company), so that its cells and relations are those the figures engine gives: per
territory, sex and age add up to the total; départements to their region (a person
followed in two départements counted in each, once in the region) and regions to France.
Each case shows that the audit finds the breach of the primary secrets alone, and that
``protect``'s secondary suppressions leave none.
"""

import random
from collections import defaultdict
from decimal import Decimal

import pytest

from clauses.observatory.disclosure import (
    DOMINANCE_RULE,
    EQ,
    LE,
    PEOPLE_RULE,
    PRIMARY,
    SECONDARY,
    Cell,
    Relation,
    audit,
    breakdown_relations,
    hierarchy_relations,
    interval,
    protect,
    sensitivity,
)

K = 5
DOMINANCE = 0.85
MODALITIES = {"sexe": ("F", "H"), "age": ("-26", "26-49", "50+")}
NATIONAL = ("national", "")


def person(departement, sex, age, hours=100, company=None, also_in=None):
    return {
        "departement": departement,
        "sexe": sex,
        "age": age,
        "hours": Decimal(hours),
        "company": company,
        "also_in": also_in,  # a second département of the same region
    }


def crowd(departement, women, men, *, company=None, start=0):
    """``women`` and ``men`` spread over the three age bands, each of its own company."""
    ages = MODALITIES["age"]
    return [
        person(departement, sex, ages[n % 3], 100 + n, company or f"{departement}-{start + n}")
        for n, sex in enumerate(["F"] * women + ["H"] * men)
    ]


def release(people, regions, *, hierarchy_people=LE):
    """The cells of every territory and the relations tying them.

    ``regions``: région code → its départements. Every modality has its cell, 0 when
    nobody has it.
    """
    parent_of = {("region", region): NATIONAL for region in regions}
    parent_of.update(
        {
            ("departement", dep): ("region", region)
            for region, deps in regions.items()
            for dep in deps
        }
    )
    territories = [NATIONAL, *parent_of]
    members = defaultdict(dict)  # key → person index → (hours, company)
    for index, who in enumerate(people):
        deps = [who["departement"]] + ([who["also_in"]] if who["also_in"] else [])
        places = [("departement", dep) for dep in deps]
        places.append(parent_of[places[0]])
        places.append(NATIONAL)
        for n, place in enumerate(places):
            # Hours split between the two départements; the region gets them once.
            hours = who["hours"] / len(deps) if n < len(deps) else who["hours"]
            for breakdown, modality in [
                ("ensemble", "ensemble"),
                *((b, who[b]) for b in MODALITIES),
            ]:
                members[(*place, breakdown, modality)][index] = (hours, who["company"])
    cells = {}
    for territory in territories:
        keys = [(*territory, "ensemble", "ensemble")] + [
            (*territory, b, m) for b, ms in MODALITIES.items() for m in ms
        ]
        for key in keys:
            contributions = members.get(key, {})
            hours = sum((h for h, _ in contributions.values()), Decimal(0))
            by_company = defaultdict(Decimal)
            for h, company in contributions.values():
                by_company[company] += h
            top = max(by_company.values()) / hours if hours else None
            cells[key] = Cell(len(contributions), hours, top)
    relations = breakdown_relations(cells) + hierarchy_relations(
        cells, parent_of, people=hierarchy_people
    )
    return cells, relations


def primaries(cells):
    return {
        key
        for key, cell in cells.items()
        if sensitivity(cell, k=K, dominance=Decimal(str(DOMINANCE)))
    }


def check(cells, relations, *, hierarchy_people=LE):
    """protect's result, after asserting the release is safe and was not before."""
    secrets = protect(cells, relations, k=K, dominance=DOMINANCE)
    assert {key for key, status in secrets.items() if status == PRIMARY} == primaries(cells)
    assert audit(cells, relations, secrets, k=K, dominance=DOMINANCE) == []
    return secrets


def dep(code, breakdown, modality):
    return ("departement", code, breakdown, modality)


IDF = {"11": ["75", "93", "94"]}


def test_one_woman_among_forty():
    people = crowd("93", 1, 39) + crowd("75", 20, 25) + crowd("94", 12, 30)
    # One person followed in Paris and in Val-de-Marne: the region counts her once.
    people.append(person("75", "F", "26-49", 80, "shared", also_in="94"))
    cells, relations = release(people, IDF)
    woman = dep("93", "sexe", "F")
    assert cells[woman].people == 1
    assert cells[("region", "11", "sexe", "F")].people == 34  # 1 + 21 + 13 - 1

    alone = audit(cells, relations, primaries(cells), k=K, dominance=DOMINANCE)
    # The men of the département and its total give her away, and her hours (hers alone:
    # one company brings all of them).
    assert [(b.key, b.rule, b.low, b.high) for b in alone] == [
        (woman, DOMINANCE_RULE, 100, 100),
        (woman, PEOPLE_RULE, 1, 1),
    ]

    secrets = check(cells, relations)
    assert secrets == {
        woman: PRIMARY,
        dep("93", "sexe", "H"): SECONDARY,
        # The region's women minus the other départements' would give her away: a
        # rectangle with Val-de-Marne (fewer women than Paris).
        dep("94", "sexe", "F"): SECONDARY,
        dep("94", "sexe", "H"): SECONDARY,
    }
    low, high = interval(cells, relations, secrets, woman)
    assert (low, high) == (0, 14)


def test_departement_with_a_single_structure():
    regions = {"75": ["23", "33", "87"]}
    # Creuse: twelve people, all on the lots of one company.
    people = crowd("23", 4, 8, company="seule") + crowd("33", 30, 40) + crowd("87", 15, 20)
    cells, relations = release(people, regions)
    creuse = {key for key in cells if key[:2] == ("departement", "23") and cells[key].people}
    assert all(cells[key].top_share == 1 for key in creuse)
    assert primaries(cells) == creuse

    alone = audit(cells, relations, creuse, k=K, dominance=DOMINANCE)
    # Each of its cells is the region's minus the other départements' (hours are additive).
    assert {b.key for b in alone if b.rule == DOMINANCE_RULE} == creuse
    total = dep("23", "ensemble", "ensemble")
    breach = next(b for b in alone if b.key == total and b.rule == DOMINANCE_RULE)
    assert breach.low == breach.high == float(cells[total].hours)
    assert breach.needed == pytest.approx(float(cells[total].hours) * (1 / 0.85 - 1))

    secrets = check(cells, relations)
    assert {key for key, status in secrets.items() if status == SECONDARY} == {
        dep("87", "ensemble", "ensemble"),
        dep("87", "sexe", "F"),
        dep("87", "sexe", "H"),
        dep("87", "age", "-26"),
        dep("87", "age", "26-49"),
        dep("87", "age", "50+"),
    }
    low, high = interval(cells, relations, secrets, total, quantity="hours")
    assert low == 0
    assert high == float(cells[total].hours + cells[dep("87", "ensemble", "ensemble")].hours)


def test_breakdown_with_exactly_one_small_cell():
    # Val-de-Marne: 3 people under 26 among 40, every other cell of 5 people or more.
    ages = ["-26"] * 3 + ["26-49"] * 20 + ["50+"] * 17
    people = [person("94", "F" if n % 2 else "H", age, 100, f"c{n}") for n, age in enumerate(ages)]
    people += crowd("75", 30, 30) + crowd("93", 25, 25)
    cells, relations = release(people, IDF)
    young = dep("94", "age", "-26")
    assert primaries(cells) == {young}

    alone = audit(cells, relations, {young}, k=K, dominance=DOMINANCE)
    # The total minus the two other age bands.
    assert [(b.key, b.low, b.high) for b in alone] == [(young, 3, 3)]

    secrets = check(cells, relations)
    assert secrets == {
        young: PRIMARY,
        dep("94", "age", "50+"): SECONDARY,  # the smallest other band
        dep("93", "age", "-26"): SECONDARY,  # the region's young minus the others'
        dep("93", "age", "50+"): SECONDARY,
    }


def test_region_whose_departements_are_all_published_but_one():
    # Paris: 3 people in all, so every cell of it is secret; the region's total minus the
    # other départements' would give its total away, each modality alike.
    people = crowd("75", 1, 2) + crowd("93", 30, 30) + crowd("94", 20, 25)
    cells, relations = release(people, IDF, hierarchy_people=EQ)
    paris = {key for key in cells if key[:2] == ("departement", "75") and cells[key].people}
    assert primaries(cells) == paris

    alone = audit(cells, relations, paris, k=K, dominance=DOMINANCE)
    assert {b.key for b in alone if b.rule == PEOPLE_RULE} == paris
    assert all(b.low == b.high == cells[b.key].people for b in alone if b.rule == PEOPLE_RULE)

    secrets = check(cells, relations)
    # Val-de-Marne, the smaller other département, hides Paris in the region's figures.
    assert {key for key, status in secrets.items() if status == SECONDARY} == {
        key for key in cells if key[:2] == ("departement", "94")
    }


def test_zero_cells_are_published():
    assert sensitivity(Cell(0, Decimal(0)), k=K, dominance=Decimal("0.85")) == ()
    cells = {
        ("t", "ensemble", "ensemble"): Cell(10, Decimal(100)),
        ("t", "age", "-26"): Cell(2, Decimal(20)),
        ("t", "age", "26-49"): Cell(0, Decimal(0)),
        ("t", "age", "50+"): Cell(8, Decimal(80)),
    }
    secrets = protect(cells, breakdown_relations(cells), k=K, dominance=DOMINANCE)
    # Hiding the empty band would leave the small one at 2 + 0: the 8 are hidden instead.
    assert secrets == {("t", "age", "-26"): PRIMARY, ("t", "age", "50+"): SECONDARY}


def test_release_without_small_cells_is_published():
    cells, relations = release(crowd("93", 30, 30) + crowd("94", 20, 25), {"11": ["93", "94"]})
    assert protect(cells, relations, k=K, dominance=DOMINANCE) == {}
    assert audit(cells, relations, {}, k=K, dominance=DOMINANCE) == []


def test_cells_an_earlier_version_hid_stay_hidden():
    cells, relations = release(crowd("93", 30, 30) + crowd("94", 20, 25), {"11": ["93", "94"]})
    hidden = ("departement", "93", "sexe", "F")
    secrets = protect(cells, relations, k=K, dominance=DOMINANCE, keep_secret=[hidden])
    assert secrets[hidden] == SECONDARY
    # Alone in its breakdown it would be recomputed: its complement is hidden too.
    assert ("departement", "93", "sexe", "H") in secrets
    assert audit(cells, relations, secrets, k=K, dominance=DOMINANCE) == []
    assert interval(cells, relations, secrets, hidden)[0] < cells[hidden].people


def test_dominance_threshold():
    rule = Decimal(str(DOMINANCE))
    assert sensitivity(Cell(20, Decimal(100), Decimal("0.86")), k=K, dominance=rule) == (
        DOMINANCE_RULE,
    )
    assert sensitivity(Cell(20, Decimal(100), Decimal("0.85")), k=K, dominance=rule) == ()
    assert sensitivity(Cell(20, Decimal(100)), k=K, dominance=rule) == ()
    assert sensitivity(Cell(3, Decimal(100), Decimal("0.9")), k=K, dominance=rule) == (
        PEOPLE_RULE,
        DOMINANCE_RULE,
    )


def test_settings_give_the_defaults(settings):
    cells = {
        ("t", "ensemble", "ensemble"): Cell(40, Decimal(100)),
        ("t", "x", "a"): Cell(20, Decimal(50), Decimal("0.86")),
        ("t", "x", "b"): Cell(20, Decimal(50), Decimal("0.85")),
    }
    relations = breakdown_relations(cells)
    assert settings.OBSERVATORY_DOMINANCE == 0.85
    assert protect(cells, relations) == {("t", "x", "a"): PRIMARY, ("t", "x", "b"): SECONDARY}
    settings.OBSERVATORY_DOMINANCE = 0.9
    assert protect(cells, relations) == {}
    settings.OBSERVATORY_MIN_CELL = 21
    assert protect(cells, relations) == {("t", "x", "a"): PRIMARY, ("t", "x", "b"): PRIMARY}


def test_published_sensitive_cell_is_a_breach():
    cells = {
        ("t", "ensemble", "ensemble"): Cell(40, Decimal(100)),
        ("t", "sexe", "F"): Cell(2, Decimal(5)),
        ("t", "sexe", "H"): Cell(38, Decimal(95)),
    }
    breaches = audit(cells, breakdown_relations(cells), {}, k=K, dominance=DOMINANCE)
    assert [(b.key, b.low, b.high) for b in breaches] == [(("t", "sexe", "F"), 2, 2)]
    assert "il faut un écart d'au moins 5" in str(breaches[0])


def test_people_at_most_the_sum_across_departements():
    # One person in both départements: the region has 12 people, not 3 + 10.
    cells = {
        ("region", "R", "ensemble", "ensemble"): Cell(12, Decimal(120)),
        ("departement", "A", "ensemble", "ensemble"): Cell(3, Decimal(30)),
        ("departement", "B", "ensemble", "ensemble"): Cell(10, Decimal(90)),
    }
    parent_of = {("departement", "A"): ("region", "R"), ("departement", "B"): ("region", "R")}
    relations = hierarchy_relations(cells, parent_of)
    assert relations == [
        Relation(
            ("region", "R", "ensemble", "ensemble"),
            (
                ("departement", "A", "ensemble", "ensemble"),
                ("departement", "B", "ensemble", "ensemble"),
            ),
            LE,
            EQ,
        )
    ]
    a = ("departement", "A", "ensemble", "ensemble")
    # At least the region's minus B's, at most the region's (everyone in A is in R).
    assert interval(cells, relations, {a}, a) == (2, 12)
    assert audit(cells, relations, {a}, k=K, dominance=DOMINANCE) == []
    # Hours add up: A's are the region's minus B's.
    assert interval(cells, relations, {a}, a, quantity="hours") == (30, 30)
    # Read as a sum, the release would make the attacker "find" 2 people, not 3.
    as_sum = [Relation(r.total, r.parts, EQ, EQ) for r in relations]
    assert interval(cells, as_sum, {a}, a) == (2, 2)


def synthetic(seed):
    rng = random.Random(seed)
    regions = {"11": ["75", "92", "93", "94"], "75": ["23", "33", "87"]}
    people = []
    for departement in [d for deps in regions.values() for d in deps]:
        for _ in range(rng.randint(2, 40)):
            people.append(
                person(
                    departement,
                    rng.choice("FH"),
                    rng.choice(MODALITIES["age"]),
                    rng.randint(10, 300),
                    f"{departement}-{rng.randint(0, 3)}",
                )
            )
    return release(people, regions)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_releases_are_safe_and_deterministic(seed):
    cells, relations = synthetic(seed)
    secrets = check(cells, relations)
    assert any(status == SECONDARY for status in secrets.values())
    shuffled_cells = dict(sorted(cells.items(), reverse=True))
    shuffled_relations = list(reversed(relations))
    again = protect(shuffled_cells, shuffled_relations, k=K, dominance=DOMINANCE)
    assert again == secrets
    assert list(again) == sorted(again)


def test_relation_naming_an_unknown_cell_is_refused():
    cells = {("t", "ensemble", "ensemble"): Cell(10, Decimal(10))}
    relations = [Relation(("t", "ensemble", "ensemble"), (("t", "sexe", "F"),))]
    with pytest.raises(ValueError, match="lacks"):
        protect(cells, relations, k=K, dominance=DOMINANCE)


def test_secret_bound_by_nothing():
    cells = {("t", "sexe", "F"): Cell(2, Decimal(30))}
    assert protect(cells, [], k=K, dominance=DOMINANCE) == {("t", "sexe", "F"): PRIMARY}
    assert interval(cells, [], {("t", "sexe", "F")}, ("t", "sexe", "F")) == (0, float("inf"))
    assert audit(cells, [], {("t", "sexe", "F")}, k=K, dominance=DOMINANCE) == []
