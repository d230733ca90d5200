"""The independent checker on hand-built plans: a clean plan passes, and breaking exactly one
rule yields exactly that rule's ID.

The base scenario (plan_builder.BASE_SCENARIO, with the longest recent hike set to 90 like
the longest run): intermediate athlete, no race, 2 weeks from Monday 2027-01-04 (week 1
base, week 2 build, no recovery week), every day am 60 / pm 120, road and trail reachable
every day, hills on sat, track on tue; baseline 350 min, load 1500, longest run 90, longest
hike 90. Level defaults: sessions 4-6, hard 1-2, 1 rest day, 1 double, 1 hike, long run
share 0.40, easy run share 0.60, road share base 0.65-0.75 and build 0.45-0.55 per week.

Clean plan (all pm):
    week 1  tue road_intervals 45 (load 360, hard 18)   wed road_easy 30 (90)
            thu hike_easy 60 (180)   fri trail_easy 75 (300)   sat road_long 90 (360)
            sun strength_mobility 30 (150)
            -> 330 min, load 1440, hard 18, 6 sessions, 1 hard, 1 rest day (mon),
               road 165 / run 240 = 0.6875, easy runs 195 / 240 = 0.8125
    week 2  mon strength_mobility 30 (150)   tue road_tempo 30 (210, hard 18)
            wed bike_easy 60 (180)   thu road_easy 60 (180)   fri hike_easy 60 (180)
            sat trail_long 90 (450)
            -> 330 min, load 1350, hard 18, 6 sessions, 1 rest day (sun),
               road 90 / run 180 = 0.50, easy runs 150 / 180
H09 caps in week 1: minutes 1.10 x 350 = 385, load 1.10 x 1500 = 1650.
H10 in week 2: the most of the 4 weeks before is 350 minutes (baseline) and 35 hard minutes
(baseline floor(0.1 x 350)).
H14's long targets (no race: baseline long max(90, 90) = 90, goal 90 + 30 = 120, step 15):
week 1 105, week 2 120. Week 2's long floor = grid_down(min(A, max(R, H), S)) with
A = floor(0.80 x 120) = 96, R = min(max(1.10 x 90, 90 + 15) = 105, floor(0.40 x 330) = 132)
= 105, H = 105 (hike growth from 90), S = 120 (the pm slot): grid_down(96) = 90, which the
trail_long 90 meets exactly.
"""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from periodize.check import (
    RULE_CHECKS,
    Violation,
    check,
    recipe_misses,
    waived_weeks,
)
from periodize.plan import Plan, Status
from periodize.scenario import Scenario
from periodize.vocabulary import Slot, Weekday
from plan_builder import (
    PlanBuilder,
    day,
    rebuild,
    replace_session,
    set_sessions,
    with_shortfalls,
)
from plan_builder import make_scenario as make_base_scenario

# Day offsets from Monday 2027-01-04.
MON1, TUE1, WED1, THU1, FRI1, SAT1, SUN1 = range(7)
MON2, TUE2, WED2, THU2, FRI2, SAT2, SUN2 = range(7, 14)


def make_scenario(changes: dict[str, Any] | None = None, **more: Any) -> Scenario:
    """plan_builder's scenario with ``long_hike_minutes`` 90 unless the changes set it: the
    athlete's longest hike is as long as the longest run, so the long target grows from 90
    (rules.md, Baseline long) and the clean plan's trail_long 90 meets week 2's long floor."""
    merged = {**(changes or {}), **more}
    athlete = {"long_hike_minutes": 90, **merged.get("athlete", {})}
    return make_base_scenario({**merged, "athlete": athlete})


def clean_builder(scenario: Scenario) -> PlanBuilder:
    return (
        PlanBuilder(scenario)
        .add(TUE1, "road_intervals", 45)
        .add(WED1, "road_easy", 30)
        .add(THU1, "hike_easy", 60)
        .add(FRI1, "trail_easy", 75)
        .add(SAT1, "road_long", 90)
        .add(SUN1, "strength_mobility", 30)
        .add(MON2, "strength_mobility", 30)
        .add(TUE2, "road_tempo", 30)
        .add(WED2, "bike_easy", 60)
        .add(THU2, "road_easy", 60)
        .add(FRI2, "hike_easy", 60)
        .add(SAT2, "trail_long", 90)
    )


def strict(**more: Any) -> Scenario:
    """The base scenario with strict recipes (and any other rule overrides)."""
    return make_scenario(rules={"recipes": "strict", **more})


def rules_of(violations: list[Violation]) -> set[str]:
    return {v.rule for v in violations}


def only(violations: list[Violation], rule: str) -> list[Violation]:
    """Assert every violation is of ``rule`` (at least one) and return them."""
    assert violations, f"expected {rule}, got no violation"
    assert rules_of(violations) == {rule}, [v.message for v in violations]
    return violations


def messages(violations: list[Violation]) -> list[str]:
    return [v.message for v in violations]


# ----- clean plans --------------------------------------------------------------------


@pytest.mark.parametrize("recipes", ["soft", "strict"])
def test_clean_plan_has_no_violations(recipes: str) -> None:
    scenario = make_scenario(rules={"recipes": recipes})
    assert check(scenario, clean_builder(scenario).build()) == []


def test_plan_without_days_is_not_checked() -> None:
    scenario = make_scenario()
    for status in (Status.INFEASIBLE, Status.UNKNOWN):
        assert check(scenario, Plan(scenario=scenario.name, status=status)) == []


def test_checker_imports_nothing_from_the_solver() -> None:
    source = Path(__file__).parent.parent / "src" / "periodize" / "check.py"
    modules: set[str] = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    assert not {m for m in modules if m.startswith(("periodize.model", "periodize.solve"))}


def test_every_rule_has_a_check() -> None:
    ids = {rule for rule, _ in RULE_CHECKS}
    assert ids == {f"H{i:02d}" for i in range(1, 23)} | {"PLAN"}


# ----- H01-H22: break exactly one rule ----------------------------------------------------


def test_h01_unavailable_date() -> None:
    """An exception empties wed 2027-01-06: the road_easy there sits in no slot."""
    scenario = make_scenario(exceptions=[{"date": day(WED1).isoformat()}])
    (violation,) = only(check(scenario, clean_builder(scenario).build()), "H01")
    assert violation.date == day(WED1)
    assert violation.week == 1


def test_h01_slot_too_short() -> None:
    """An exception leaves fri only pm 60: the trail_easy 75 does not fit."""
    scenario = make_scenario(exceptions=[{"date": day(FRI1).isoformat(), "pm": 60}])
    (violation,) = only(check(scenario, clean_builder(scenario).build()), "H01")
    assert "75 > 60" in violation.message


def test_h01_off_grid() -> None:
    """wed road_easy 35 min is not a multiple of 15 (week 1: 335 <= 385 min, load 1455,
    road 170 / run 245 = 0.69)."""
    scenario = make_scenario()
    plan = clean_builder(scenario).clear(WED1).add(WED1, "road_easy", 35).build()
    only(check(scenario, plan), "H01")


def test_h01_pinned_minutes_are_off_grid_on_purpose() -> None:
    """A pin keeps its minutes: road_easy 35 pinned on wed is not a grid violation."""
    pin = {"date": day(WED1).isoformat(), "slot": "pm", "kind": "road_easy", "minutes": 35}
    scenario = make_scenario(pinned=[pin])
    plan = clean_builder(scenario).clear(WED1).add(WED1, "road_easy", 35).build()
    assert check(scenario, plan) == []


def test_h01_outside_kind_range() -> None:
    """road_easy's range is 20-75; a scenario override shortens it to 20-25, so the clean
    plan's 30- and 60-minute road_easy sessions break H01."""
    scenario = make_scenario(sessions=[{"id": "road_easy", "minutes": [20, 25]}])
    violations = only(check(scenario, clean_builder(scenario).build()), "H01")
    assert {v.date for v in violations} == {day(WED1), day(THU2)}


def test_h02_terrain_unreachable() -> None:
    """Trail unreachable on thursdays: thu 2027-01-07 hike_easy (trail) breaks H02; thu
    2027-01-14 holds a road run."""
    days = ["mon", "tue", "wed", "fri", "sat", "sun"]
    scenario = make_scenario(terrain={"trail": days})
    (violation,) = only(check(scenario, clean_builder(scenario).build()), "H02")
    assert violation.date == day(THU1)


def test_h03_two_sessions_in_one_slot() -> None:
    """Wed's road_easy moved to tue pm, beside road_intervals: one slot, two sessions
    (1 double <= 1; one demanding session; wed becomes a second rest day)."""
    scenario = make_scenario()
    plan = clean_builder(scenario).clear(WED1).add(TUE1, "road_easy", 30).build()
    (violation,) = only(check(scenario, plan), "H03")
    assert "2 sessions in the pm slot" in violation.message


def test_h03_too_many_doubles() -> None:
    """Wed road_easy -> tue am, sun strength_mobility -> sat am: 2 doubles > max 1 (the
    week's sums stay as they were)."""
    scenario = make_scenario()
    plan = (
        clean_builder(scenario)
        .clear(WED1)
        .clear(SUN1)
        .add(TUE1, "road_easy", 30, "am")
        .add(SAT1, "strength_mobility", 30, "am")
        .build()
    )
    (violation,) = only(check(scenario, plan), "H03")
    assert "2 doubles" in violation.message


def test_h03_two_hard_sessions_in_one_day() -> None:
    """v3: two demanding sessions. Tue am road_tempo 30 + pm road_intervals 45, wed rest:
    330 min, load 1560 <= 1650, hard 36 <= 0.20 x 330 = 66, 2 hard <= 2, road 165 / run
    240 = 0.6875, easy runs 165 / 240 = 0.6875 >= 0.60, 1 double."""
    scenario = make_scenario()
    plan = clean_builder(scenario).clear(WED1).add(TUE1, "road_tempo", 30, "am").build()
    (violation,) = only(check(scenario, plan), "H03")
    assert "2 demanding sessions in one day (road_intervals, road_tempo)" in violation.message


def recovery_builder(scenario: Scenario) -> PlanBuilder:
    """The clean plan with week 2 as a recovery week (``recovery_every`` 2) after week 1's
    330 min and load 1440: mon strength_mobility 45 (225), tue road_tempo 30 (210, hard 18),
    thu road_easy 45 (135), fri hike_easy 60 (180), sat trail_easy 75 (300): 5 sessions <=
    6 - 1, no double, 255 min <= 0.80 x 330 = 264, load 1050 in [0.70, 0.80] x 1440 =
    [1008, 1152], 1 hard, road 75 / run 150 = 0.50, easy runs 120 / 150."""
    builder = clean_builder(scenario)
    for offset in range(MON2, SUN2 + 1):
        builder.clear(offset)
    return (
        builder.add(MON2, "strength_mobility", 45)
        .add(TUE2, "road_tempo", 30)
        .add(THU2, "road_easy", 45)
        .add(FRI2, "hike_easy", 60)
        .add(SAT2, "trail_easy", 75)
    )


def recovery(**more: Any) -> Scenario:
    return make_scenario(rules={"recovery_every": 2, **more})


def test_recovery_plan_is_clean() -> None:
    scenario = recovery(recipes="strict")
    assert check(scenario, recovery_builder(scenario).build()) == []


def test_h03_kind_outside_its_slots() -> None:
    """v3: a session only in a slot its kind allows. A scenario makes road_easy am only:
    the clean plan's pm road_easy on wed 2027-01-06 and thu 2027-01-14 break H03; in the am
    slot (60 min open) they are fine. (The catalogue's trail_night is pm only.)"""
    scenario = make_scenario(sessions=[{"id": "road_easy", "slots": ["am"]}])
    violations = only(check(scenario, clean_builder(scenario).build()), "H03")
    assert [(v.date, v.message) for v in violations] == [
        (day(WED1), "2027-01-06 pm road_easy: the kind allows only am"),
        (day(THU2), "2027-01-14 pm road_easy: the kind allows only am"),
    ]
    moved = (
        clean_builder(scenario)
        .clear(WED1)
        .clear(THU2)
        .add(WED1, "road_easy", 30, "am")
        .add(THU2, "road_easy", 60, "am")
        .build()
    )
    assert check(scenario, moved) == []
    assert scenario.catalogue["trail_night"].slots == ("pm",)


def test_h03_hard_session_and_long_run_in_one_day() -> None:
    """v3: a long run is demanding. Tue road_intervals 45 moved to sat am, beside the pm
    road_long 90 (sums unchanged, 1 double, tue rest)."""
    scenario = make_scenario()
    plan = clean_builder(scenario).clear(TUE1).add(SAT1, "road_intervals", 45, "am").build()
    (violation,) = only(check(scenario, plan), "H03")
    assert violation.message == (
        "2027-01-09: 2 demanding sessions in one day (road_long, road_intervals)"
    )


def test_h03_kind_flagged_demanding_beside_a_hard_session() -> None:
    """v3: technical downhill (flag demanding, not hard) am beside the pm road_tempo on tue
    2027-01-12; wed bike_easy dropped, thu road_easy 60 -> 75: 315 min, hard 18 + 6 = 24,
    road 105 / run 225 = 0.47, easy runs 165 / 225, 1 double."""
    scenario = make_scenario()
    plan = (
        clean_builder(scenario)
        .clear(WED2)
        .clear(THU2)
        .add(TUE2, "downhill_technique", 30, "am")
        .add(THU2, "road_easy", 75)
        .build()
    )
    (violation,) = only(check(scenario, plan), "H03")
    assert "2 demanding sessions in one day (road_tempo, downhill_technique)" in violation.message


def test_h03_two_sessions_of_one_kind() -> None:
    """v3: thu 2027-01-14 road_easy 60 split into am 30 + pm 30, wed bike_easy dropped:
    270 min, road 90 / run 180 = 0.50, 6 sessions, 1 double, cross-training still
    strength on mon."""
    scenario = make_scenario()
    plan = (
        clean_builder(scenario)
        .clear(WED2)
        .clear(THU2)
        .add(THU2, "road_easy", 30, "am")
        .add(THU2, "road_easy", 30)
        .build()
    )
    (violation,) = only(check(scenario, plan), "H03")
    assert violation.message == "2027-01-14: 2 sessions of kind road_easy in one day"


def test_h03_two_strength_sessions() -> None:
    """v3: mon strength_mobility and wed bike_easy replaced by wed am strength_mobility 30
    and pm gym_strength 30 (two kinds, both strength): 300 min, load 1350."""
    scenario = make_scenario()
    plan = (
        clean_builder(scenario)
        .clear(MON2)
        .clear(WED2)
        .add(WED2, "strength_mobility", 30, "am")
        .add(WED2, "gym_strength", 30)
        .build()
    )
    (violation,) = only(check(scenario, plan), "H03")
    assert "2 strength sessions in one day (strength_mobility, gym_strength)" in violation.message


def test_h03_allowed_doubles() -> None:
    """Strength beside a hard run, a hike beside a hard run: neither pair is demanding,
    same-kind or strength twice (sun strength -> tue am; fri 2027-01-15 hike -> tue am)."""
    scenario = make_scenario()
    plan = (
        clean_builder(scenario)
        .clear(SUN1)
        .add(TUE1, "strength_mobility", 30, "am")
        .clear(FRI2)
        .add(TUE2, "hike_easy", 60, "am")
        .build()
    )
    assert check(scenario, plan) == []


def test_h04_rest_days() -> None:
    """min_rest_days 2: week 1 has 1 rest day (mon) < 2, and week 2 1 (sun) < 2."""
    scenario = make_scenario(rules={"min_rest_days": 2})
    violations = only(check(scenario, clean_builder(scenario).build()), "H04")
    assert [v.week for v in violations] == [1, 2]


def test_h05_too_many_hard_sessions() -> None:
    """hard_sessions [0, 0]: each week's 1 hard session > 0."""
    scenario = make_scenario(rules={"hard_sessions": [0, 0]})
    violations = only(check(scenario, clean_builder(scenario).build()), "H05")
    assert [v.week for v in violations] == [1, 2]


def test_h05_recovery_week_cap() -> None:
    """Recovery week 2: mon strength_mobility 45 (225), tue road_tempo 30 (210), wed
    road_easy 30 (90), thu road_intervals 30 (240), sat trail_easy 90 (360): 2 hard > 1;
    225 min <= 264, load 1125 in [1008, 1152]; road 90 / run 180 = 0.50; hard 30 <= 0.20 x
    225 = 45; easy runs 120 / 180 = 0.67."""
    scenario = recovery()
    plan = (
        recovery_builder(scenario)
        .clear(THU2)
        .clear(FRI2)
        .clear(SAT2)
        .add(WED2, "road_easy", 30)
        .add(THU2, "road_intervals", 30)
        .add(SAT2, "trail_easy", 90)
        .build()
    )
    (violation,) = only(check(scenario, plan), "H05")
    assert "recovery-week cap 1" in violation.message


def test_h05_recipe_lower_end_strict() -> None:
    """Week 1 without a hard session (tue road_intervals -> road_easy 45): 0 < lo 1."""
    scenario = strict()
    plan = clean_builder(scenario).clear(TUE1).add(TUE1, "road_easy", 45).build()
    (violation,) = only(check(scenario, plan), "H05")
    assert violation.recipe
    assert violation.week == 1


def test_h06_back_to_back() -> None:
    """Tue and fri sessions swapped: road_intervals fri, road_long sat are demanding days in
    a row."""
    scenario = make_scenario()
    plan = (
        clean_builder(scenario)
        .clear(TUE1)
        .clear(FRI1)
        .add(TUE1, "trail_easy", 75)
        .add(FRI1, "road_intervals", 45)
        .build()
    )
    (violation,) = only(check(scenario, plan), "H06")
    assert violation.date == day(SAT1)


def test_h06_kind_flagged_demanding() -> None:
    """v3: technical downhill (flag demanding, moderate) the day after the tempo run: wed
    2027-01-13 bike_easy -> downhill_technique 30, thu road_easy 60 -> 75 (315 min, road
    105 / run 225 = 0.47, easy runs 165 / 225, hard 24 <= 63)."""
    scenario = make_scenario()
    plan = (
        clean_builder(scenario)
        .clear(WED2)
        .clear(THU2)
        .add(WED2, "downhill_technique", 30)
        .add(THU2, "road_easy", 75)
        .build()
    )
    (violation,) = only(check(scenario, plan), "H06")
    assert violation.message == (
        "2027-01-12 (road_tempo) and 2027-01-13 (downhill_technique) are back-to-back "
        "demanding days"
    )


def test_h06_long_hike_is_not_demanding() -> None:
    """A long hike is not demanding: hike_long the day after the long run is fine for H06
    (it breaks H14, two long sessions, and H22, no strength left in week 1, instead)."""
    scenario = make_scenario()
    plan = clean_builder(scenario).clear(SUN1).add(SUN1, "hike_long", 60).build()
    assert rules_of(check(scenario, plan)) == {"H14", "H22"}


def test_h07_too_many_sessions() -> None:
    """Wed am strength_mobility 30 on top: 7 sessions > 6 (360 <= 385 min, load 1590,
    1 double)."""
    scenario = make_scenario()
    plan = clean_builder(scenario).add(WED1, "strength_mobility", 30, "am").build()
    only(check(scenario, plan), "H07")


def test_h07_recipe_too_few_sessions() -> None:
    """sessions_per_week [6, 6]: week 2 without its bike ride has 5 < 6 (270 min; the long
    floor stays 90: R = min(105, floor(0.40 x 270) = 108))."""
    scenario = strict(sessions_per_week=[6, 6])
    plan = clean_builder(scenario).clear(WED2).build()
    (violation,) = only(check(scenario, plan), "H07")
    assert violation.week == 2


def test_h08_no_hike() -> None:
    """Thu hike_easy 60 -> bike_easy 60 (same load): 0 hikes < 1 in base week 1."""
    scenario = strict()
    plan = clean_builder(scenario).clear(THU1).add(THU1, "bike_easy", 60).build()
    (violation,) = only(check(scenario, plan), "H08")
    assert violation.week == 1


def test_h09_progression() -> None:
    """Wed road_easy 30 -> 60, thu hike 60 -> 90: 390 min > 1.10 x max(ref 350, mean 350)
    = 385 (load 1620 <= 1650; road 195 / run 270 = 0.72)."""
    scenario = make_scenario()
    plan = (
        clean_builder(scenario)
        .clear(WED1)
        .clear(THU1)
        .add(WED1, "road_easy", 60)
        .add(THU1, "hike_easy", 90)
        .build()
    )
    (violation,) = only(check(scenario, plan), "H09")
    assert violation.message == "week 1: minutes 390 > 1.10 x max(ref 350, mean 350) = 385"


def test_h10_one_lever() -> None:
    """Week 2 tempo 30 -> 60 (hard 18 -> 36), bike 60 -> 45, trail_long 90 -> 105: 360 min >
    350 and hard 36 > 35, the most of the four weeks before (weeks -2..0 are the baseline,
    350 min and floor(0.1 x 350) = 35 hard; week 1 330 and 18). Other rules hold: 360 <=
    1.10 x max(330, (3 x 350 + 330) / 4 = 345) = 379.5; load 1590 <= 1.10 x max(1440,
    1485) = 1633.5; road 120 / run 225 = 0.53; trail_long 105 <= the growth cap 105."""
    scenario = make_scenario()
    plan = (
        clean_builder(scenario)
        .clear(TUE2)
        .clear(WED2)
        .clear(SAT2)
        .add(TUE2, "road_tempo", 60)
        .add(WED2, "bike_easy", 45)
        .add(SAT2, "trail_long", 105)
        .build()
    )
    (violation,) = only(check(scenario, plan), "H10")
    assert violation.message == (
        "week 2: raises both minutes (360 > 350) and hard minutes (36 > 35) above the most "
        "of the 4 weeks before it"
    )


def test_h10_compares_with_the_most_of_four_weeks() -> None:
    """v3: week 2 tempo 30 -> 45: 345 min > week 1's 330 and hard 27 > week 1's 18 (the v2
    reading, against the last non-recovery week, would object), but neither is above the
    most of the four weeks before (baseline 350 and 35): a thin week does not lock the
    weeks after it."""
    scenario = make_scenario()
    plan = clean_builder(scenario).clear(TUE2).add(TUE2, "road_tempo", 45).build()
    assert check(scenario, plan) == []


def test_h11_recovery_caps() -> None:
    """recovery_every 2 with the clean week 2 as the recovery week: load 1350 > 0.80 x 1440
    = 1152 (v2 stopped there), and, v3, minutes 330 > 0.80 x 330 = 264 and 6 sessions >
    6 - 1 (H07 wants 3, H08 0 hikes, H14/H16 optional; H10 exempt)."""
    scenario = recovery()
    violations = only(check(scenario, clean_builder(scenario).build()), "H11")
    assert messages(violations) == [
        "week 2: recovery load 1350 > 0.80 x 1440 = 1152",
        "week 2: recovery minutes 330 > 0.80 x 330 = 264",
        "week 2: recovery week holds 6 sessions > sessions_per_week hi 6 - 1 = 5",
    ]


def test_h11_recovery_minutes_cap() -> None:
    """v3: the recovery week cuts time, not only load. fri hike_easy 60 -> 75: 270 min >
    0.80 x 330 = 264 while load 1095 <= 1152."""
    scenario = recovery()
    plan = recovery_builder(scenario).clear(FRI2).add(FRI2, "hike_easy", 75).build()
    (violation,) = only(check(scenario, plan), "H11")
    assert violation.message == "week 2: recovery minutes 270 > 0.80 x 330 = 264"


def test_h11_no_double_in_a_recovery_week() -> None:
    """v3: thu road_easy 45 moved to tue am beside the tempo run (sums unchanged; 1 double
    is within max_doubles_per_week 1, so only H11 speaks). One weekly instance naming the
    day (the re-plan figure table counts H11's doubles per week)."""
    scenario = recovery()
    plan = recovery_builder(scenario).clear(THU2).add(TUE2, "road_easy", 45, "am").build()
    (violation,) = only(check(scenario, plan), "H11")
    assert (violation.week, violation.date) == (2, None)
    assert violation.message == (
        "week 2: 1 double in recovery week 2 (2027-01-12: road_tempo, road_easy), wants none"
    )


def test_h11_recovery_sessions_cap() -> None:
    """v3: 6 sessions > 6 - 1: thu road_easy 45 -> 30, sat trail_easy 75 -> 60, sun
    bike_easy 30 added (255 min, load 1035, road 60 / run 120 = 0.50)."""
    scenario = recovery()
    plan = (
        recovery_builder(scenario)
        .clear(THU2)
        .clear(SAT2)
        .add(THU2, "road_easy", 30)
        .add(SAT2, "trail_easy", 60)
        .add(SUN2, "bike_easy", 30)
        .build()
    )
    (violation,) = only(check(scenario, plan), "H11")
    assert "6 sessions > sessions_per_week hi 6 - 1 = 5" in violation.message


def test_h11_recipe_lower_end() -> None:
    """Recovery week 2 without its hike: load 870 < 0.70 x 1440 = 1008 (195 min; 4
    sessions >= H07's recovery minimum 4 - 1 = 3; H08 wants 1 - 1 = 0 hikes)."""
    scenario = recovery(recipes="strict")
    plan = recovery_builder(scenario).clear(FRI2).build()
    (violation,) = only(check(scenario, plan), "H11")
    assert violation.recipe
    assert violation.message == "week 2: recovery load 870 < 0.70 x 1440 = 1008"


def test_h11_bounds_exempt_after_zero_load_week() -> None:
    """A recovery week after a zero-load week is exempt from the load and minutes bounds
    (both ends), not from the sessions cap: week 1 empty, then the recovery week (255 min,
    load 1050) is fine; the clean week 2 (6 sessions) still breaks the cap."""
    scenario = recovery(sessions_per_week=[0, 6], min_hikes_per_week=0)
    builder = recovery_builder(scenario)
    for offset in range(7):
        builder.clear(offset)
    assert "H11" not in rules_of(check(scenario, builder.build()))
    full = clean_builder(scenario)
    for offset in range(7):
        full.clear(offset)
    h11 = [v for v in check(scenario, full.build()) if v.rule == "H11"]
    assert messages(h11) == [
        "week 2: recovery week holds 6 sessions > sessions_per_week hi 6 - 1 = 5"
    ]


def test_h12_acute_chronic() -> None:
    """acwr_max 0.95: week 1 load 1440 > 0.95 x mean 1500 = 1425; week 2 1350 <= 0.95 x
    (3 x 1500 + 1440) / 4 = 1410.75."""
    scenario = make_scenario(rules={"acwr_max": 0.95})
    (violation,) = only(check(scenario, clean_builder(scenario).build()), "H12")
    assert violation.message == "week 1: load 1440 > 0.95 x mean 1500 = 1425"


def test_h13_hard_share() -> None:
    """Both weeks have 18 hard minutes in 330: max_hard_share 0.0546 allows 18.018, 0.0545
    only 17.985."""
    at_limit = make_scenario(rules={"max_hard_share": 0.0546})
    assert check(at_limit, clean_builder(at_limit).build()) == []
    scenario = make_scenario(rules={"max_hard_share": 0.0545})
    violations = only(check(scenario, clean_builder(scenario).build()), "H13")
    assert [v.message for v in violations] == [
        "week 1: hard minutes 18 > 0.0545 x 330 = 17.98",
        "week 2: hard minutes 18 > 0.0545 x 330 = 17.98",
    ]


def test_h13_easy_run_share_boundary() -> None:
    """v3: week 1 runs 240 min, of them easy 195 (road_easy 30, trail_easy 75, road_long 90):
    min_easy_run_share 0.8125 is met exactly (10000 x 195 = 8125 x 240); 0.8126 is not.
    Week 2: 150 / 180 = 0.83 meets both."""
    at_limit = make_scenario(rules={"min_easy_run_share": 0.8125})
    assert check(at_limit, clean_builder(at_limit).build()) == []
    scenario = make_scenario(rules={"min_easy_run_share": 0.8126})
    (violation,) = only(check(scenario, clean_builder(scenario).build()), "H13")
    assert violation.message == "week 1: easy run minutes 195 < 0.8126 x run minutes 240 = 195.02"


def test_h13_hikes_do_not_dilute_the_runs() -> None:
    """v3: with min_easy_run_share 0.8126, a longer hike (thu 60 -> 90: 360 min, more easy
    minutes in the week) leaves week 1's runs as they were, 195 / 240, still short; 15 more
    easy running (wed road_easy 30 -> 45: 210 / 255 = 0.82) is what counts."""
    scenario = make_scenario(rules={"min_easy_run_share": 0.8126})
    hike = clean_builder(scenario).clear(THU1).add(THU1, "hike_easy", 90).build()
    (violation,) = only(check(scenario, hike), "H13")
    assert violation.week == 1
    run = clean_builder(scenario).clear(WED1).add(WED1, "road_easy", 45).build()
    assert check(scenario, run) == []


def test_h13_easy_run_share_default() -> None:
    """v3, default 0.60: week 2 thu road_easy 60 -> road_intervals 45: runs tempo 30,
    intervals 45, trail_long 90 = 165, easy 90 < 0.60 x 165 = 99, although the week is
    mostly easy (hard 36 <= 0.20 x 315 = 63; hike, bike and strength 150 min)."""
    scenario = make_scenario()
    plan = clean_builder(scenario).clear(THU2).add(THU2, "road_intervals", 45).build()
    (violation,) = only(check(scenario, plan), "H13")
    assert violation.message == "week 2: easy run minutes 90 < 0.60 x run minutes 165 = 99"


def test_h14_two_long_sessions() -> None:
    """Thu hike_easy -> hike_long 60: two long sessions in week 1 (and the hike_long is
    shorter than the road_long 90)."""
    scenario = make_scenario()
    plan = clean_builder(scenario).clear(THU1).add(THU1, "hike_long", 60).build()
    only(check(scenario, plan), "H14")


def test_h14_longest_run_progression() -> None:
    """Sat road_long 90 -> 120: 120 > max(1.10 x 90, 90 + 15) = 105 (360 min, load 1560,
    long share 120/360 = 0.33, road 195 / run 270 = 0.72)."""
    scenario = make_scenario()
    plan = clean_builder(scenario).clear(SAT1).add(SAT1, "road_long", 120).build()
    (violation,) = only(check(scenario, plan), "H14")
    assert "longest run 120 min > max(1.10 x 90, 90 + 15) = 105" in violation.message


def test_h14_long_run_share() -> None:
    """Both weeks: a long run of 90 in 330 minutes. max_long_run_share 0.2728 allows 90.02,
    0.2727 only 89.99 (the long floor stays 90: H = 105 where hikes count)."""
    at_limit = make_scenario(rules={"max_long_run_share": 0.2728})
    assert check(at_limit, clean_builder(at_limit).build()) == []
    scenario = make_scenario(rules={"max_long_run_share": 0.2727})
    violations = only(check(scenario, clean_builder(scenario).build()), "H14")
    assert [v.date for v in violations] == [day(SAT1), day(SAT2)]


def test_h14_recipe_no_long_session() -> None:
    """Sat road_long 90 -> road_easy 75: no long session in base week 1 (315 min, load
    1305, road 150 / run 225 = 0.67)."""
    scenario = strict()
    plan = clean_builder(scenario).clear(SAT1).add(SAT1, "road_easy", 75).build()
    (violation,) = only(check(scenario, plan), "H14")
    assert violation.recipe
    assert violation.message == "week 1: no long session (wants exactly one)"


def test_h14_recipe_long_floor() -> None:
    """v3: build week 2's floor is 90 (module docstring); trail_long 90 -> 75: the longest
    counting session is 75 (315 min: R = min(105, floor(0.40 x 315) = 126) = 105)."""
    scenario = strict()
    plan = clean_builder(scenario).clear(SAT2).add(SAT2, "trail_long", 75).build()
    (violation,) = only(check(scenario, plan), "H14")
    assert violation.recipe
    assert violation.message == (
        "week 2: longest counting session 75 min < long floor 90 = grid_down(min(A 96 = "
        "0.80 x target 120, max(R 105 = min(run growth 105, 0.40 x 315), H 105), S 120))"
    )


def test_h14_long_floor_never_above_the_growth_caps() -> None:
    """v3: long_floor 0.95 asks A = floor(0.95 x 120) = 114, but no run or hike may pass 105
    in week 2 (growth from 90), so the floor is grid_down(min(114, 105, 120)) = 105."""
    scenario = strict(long_floor=0.95)
    (violation,) = only(check(scenario, clean_builder(scenario).build()), "H14")
    assert violation.week == 2
    assert "long floor 105 = grid_down(min(A 114 = 0.95 x target 120" in violation.message


def test_h14_long_floor_only_in_build_and_peak() -> None:
    """v3: long_floor 1.0 would ask week 1 (base, target 105) for 105 > its road_long 90,
    but the floor holds in build and peak weeks only: week 2 alone misses (floor 105)."""
    scenario = strict(long_floor=1.0)
    (violation,) = only(check(scenario, clean_builder(scenario).build()), "H14")
    assert violation.week == 2
    assert "long floor 105" in violation.message


def test_h14_long_floor_never_above_the_longest_slot() -> None:
    """v3: exceptions open every date of week 2 for am 60 / pm 75 only: S = 75, the floor
    grid_down(min(96, 105, 75)) = 75 and a trail_long 75 meets it."""
    exceptions = [
        {"date": day(offset).isoformat(), "am": 60, "pm": 75} for offset in range(MON2, SUN2 + 1)
    ]
    scenario = make_scenario(rules={"recipes": "strict"}, exceptions=exceptions)
    plan = clean_builder(scenario).clear(SAT2).add(SAT2, "trail_long", 75).build()
    assert check(scenario, plan) == []


def test_h14_long_floor_share_and_hikes() -> None:
    """v3: max_long_run_share 0.25 and week 1's road_long 75 (<= 0.25 x 315 = 78.75); week 2
    with trail_long 75 (315 min). R = min(105, floor(0.25 x 315) = 78) = 78. With the
    longest hike at 60, H = growth from max(60, week 1's hike 60) = 75: floor grid_down(78)
    = 75, met. With the longest hike at 90, H = 105 and the floor is 90: hikes count, and a
    hike could be that long, so the run falls short."""
    rules = {"recipes": "strict", "max_long_run_share": 0.25}

    def plan_for(scenario: Scenario) -> Plan:
        return (
            clean_builder(scenario)
            .clear(SAT1)
            .add(SAT1, "road_long", 75)
            .clear(SAT2)
            .add(SAT2, "trail_long", 75)
            .build()
        )

    short_hikes = make_scenario(rules=rules, athlete={"long_hike_minutes": 60})
    assert check(short_hikes, plan_for(short_hikes)) == []
    scenario = make_scenario(rules=rules)
    (violation,) = only(check(scenario, plan_for(scenario)), "H14")
    assert "long floor 90" in violation.message
    assert "max(R 78 = min(run growth 105, 0.25 x 315), H 105)" in violation.message


def test_h14_recipe_is_one_miss_per_week() -> None:
    """v3: week 2's trail_long 90 -> trail_easy 75 misses both parts of the recipe (no long
    session; 75 < floor 90): one (H14, week 2) miss, answered by one shortfall (H16's build
    long-session item, also missed, is listed)."""
    scenario = make_scenario()
    plan = with_shortfalls(
        clean_builder(scenario).clear(SAT2).add(SAT2, "trail_easy", 75).build(), ("H16", 2)
    )
    (violation,) = only(check(scenario, plan), "H14")
    assert "no long session (wants exactly one); longest counting session 75 min" in (
        violation.message
    )
    assert [(v.rule, v.week) for v in recipe_misses(scenario, plan)] == [("H14", 2), ("H16", 2)]
    assert check(scenario, with_shortfalls(plan, ("H14", 2))) == []


def test_h14_long_floor_counts_hikes_except_before_a_road_race() -> None:
    """v3: counting sessions are runs and hikes, only runs before a road race. No race,
    build band widened: week 2's trail_long 90 -> hike_long 90 meets the floor 90 (its
    runs are at most 60). Road 10K with long_goal_minutes 150 (target min(150, 90 + 15) =
    105, A = 84, R = 105, H = 0, floor 75; peak band widened): sat road_long 90 ->
    hike_long 90 leaves thu's trail_easy 60 as the longest counting session."""
    scenario = strict(ratio_bands={"build": [0.0, 1.0]})
    hiked = clean_builder(scenario).clear(SAT2).add(SAT2, "hike_long", 90).build()
    assert check(scenario, hiked) == []
    road = race_scenario(
        strict_recipes=True,
        rules={"long_goal_minutes": 150, "ratio_bands": {"peak_road": [0.0, 1.0]}},
    )
    assert check(road, race_builder(road).build()) == []
    plan = race_builder(road).clear(SAT1).add(SAT1, "hike_long", 90).build()
    (violation,) = only(check(road, plan), "H14")
    assert violation.message == (
        "week 1: longest counting session 60 min < long floor 75 = grid_down(min(A 84 = "
        "0.80 x target 105, max(R 105 = min(run growth 105, 0.40 x 315), H 0), S 120))"
    )


def test_h15_band() -> None:
    """Fri trail_easy 75 -> road_easy 75: road 240 / run 240 = 1.0 > 0.75 in base week 1
    (the hike on thu is still a trail session for H16)."""
    scenario = make_scenario()
    plan = clean_builder(scenario).clear(FRI1).add(FRI1, "road_easy", 75).build()
    (violation,) = only(check(scenario, plan), "H15")
    assert violation.week == 1
    assert "1.000" in violation.message


def test_h15_band_is_met_to_half_a_grid_step() -> None:
    """One build week, band 0.45-0.55: 135 run minutes want 60.75-74.25 road minutes, which
    no 15-minute plan holds; to half a step (53.25-81.75) road 75 of 135 (0.556) is within
    the band and road 90 of 135 (0.667) is not."""
    scenario = waiver_scenario(trail=True)
    for road, trails, breach in ((75, (30, 30), False), (90, (45,), True)):
        builder = PlanBuilder(scenario).add(SAT1, "road_long", road)
        for offset, minutes in zip((TUE1, THU1), trails, strict=False):
            builder.add(offset, "trail_easy", minutes)
        found = [v for v in check(scenario, builder.build()) if v.rule == "H15"]
        assert bool(found) is breach, (road, found)
    assert "90/135 = 0.667 outside [0.45, 0.55] by more than half a grid step" in (found[0].message)


def waiver_scenario(trail: bool) -> Scenario:
    """One build week for a beginner; trail (and hills) never reachable unless ``trail``."""
    changes: dict[str, Any] = {
        "weeks": 1,
        "phases": ["build"],
        "athlete": {
            "level": "beginner",
            "weekly_minutes": 120,
            "weekly_load": 480,
            "long_minutes": 60,
            "long_hike_minutes": 60,
        },
        "rules": {"sessions_per_week": [2, 4], "min_hikes_per_week": 0},
    }
    if not trail:
        changes["terrain"] = {"trail": [], "hills": []}
    return make_scenario(changes)


def waiver_plan(scenario: Scenario) -> Plan:
    """Tue road_easy 30 + thu strength_mobility 30 + sat road_long 60: 120 min <= 132, load
    480, road share 1.0, long run 60 <= 0.50 x 120; the long floor is grid_down(min(floor(0.8
    x 75) = 60, max(min(75, 60), 75), 120)) = 60, met."""
    return (
        PlanBuilder(scenario)
        .add(TUE1, "road_easy", 30)
        .add(THU1, "strength_mobility", 30)
        .add(SAT1, "road_long", 60)
        .build()
    )


def test_h15_phase_scope_band() -> None:
    """Beginner, scope phase, two build weeks of waiver_plan's sessions: the phase's road
    share (90 + 90)/(90 + 90) = 1.0 > 0.55, one breach named by the phase and its weeks."""
    one_week = waiver_scenario(trail=True)
    scenario = make_scenario(
        {
            "weeks": 2,
            "phases": ["build", "build"],
            "athlete": one_week.athlete.model_dump(mode="json"),
            "rules": {"sessions_per_week": [2, 4], "min_hikes_per_week": 0},
        }
    )
    assert waived_weeks(scenario) == {}
    builder = PlanBuilder(scenario)
    for tue, thu, sat in ((TUE1, THU1, SAT1), (TUE2, THU2, SAT2)):
        builder.add(tue, "road_easy", 30).add(thu, "strength_mobility", 30).add(
            sat, "road_long", 60
        )
    (violation,) = only(check(scenario, builder.build()), "H15")
    assert "phase build (weeks 1, 2)" in violation.message
    assert "180/180 = 1.000" in violation.message


def test_h15_phase_scope_of_one_week_reads_as_the_week() -> None:
    """A phase measured in one week is that week's share (a re-plan can waive a week, not a
    phase): the build week's road share 90/90 = 1.0 > 0.55, named by its week."""
    scenario = waiver_scenario(trail=True)
    (violation,) = only(check(scenario, waiver_plan(scenario)), "H15")
    assert violation.message.startswith("week 1 (build): road share 90/90 = 1.000")


def test_h15_waiver_must_be_listed() -> None:
    """No trail kind can be placed in week 1: the band is waived, but the waiver must be in
    shortfalls."""
    scenario = waiver_scenario(trail=False)
    assert set(waived_weeks(scenario)) == {1}
    plan = waiver_plan(scenario)
    (violation,) = only(check(scenario, plan), "H15")
    assert "not listed" in violation.message
    assert check(scenario, with_shortfalls(plan, ("H15", 1))) == []


def test_h16_build_recipe() -> None:
    """Week 2 without cross-training: wed bike_easy 60 -> hike_easy 60 (same load) and mon
    strength dropped (300 min). The missing strength session is H22's miss, listed."""
    scenario = make_scenario()
    plan = clean_builder(scenario).clear(MON2).clear(WED2).add(WED2, "hike_easy", 60).build()
    (violation,) = only(check(scenario, with_shortfalls(plan, ("H22", 2))), "H16")
    assert violation.week == 2
    assert "no cross-training session" in violation.message


def test_h16_base_recipe() -> None:
    """Base band widened to [0, 1] so only H16 speaks. Week 1: tue trail_easy 45, wed
    road_tempo 30, thu hike 60, fri trail_easy 75, sat trail_long 90, sun strength 30:
    1 road run < 2 (330 min, demanding wed and sat, easy runs 210 / 240)."""
    scenario = strict(ratio_bands={"base": [0.0, 1.0]})
    plan = (
        clean_builder(scenario)
        .clear(TUE1)
        .clear(WED1)
        .add(TUE1, "trail_easy", 45)
        .add(WED1, "road_tempo", 30)
        .clear(SAT1)
        .add(SAT1, "trail_long", 90)
        .build()
    )
    (violation,) = only(check(scenario, plan), "H16")
    assert violation.message == "week 1: base recipe: 1 road runs < 2"


RACE = SAT2  # sat 2027-01-16: the race week is mon-sat, 6 days

# Race scenarios: a 10 km race on sat 2027-01-16 -> taper 1 week; 2 weeks: week 1 peak,
# week 2 taper and race week (6 days). Baseline 300 min, load 1400, longest run 90.


def race_scenario(
    kind: str = "road",
    *,
    strict_recipes: bool = False,
    race: dict[str, Any] | None = None,
    athlete: dict[str, Any] | None = None,
    rules: dict[str, Any] | None = None,
    **more: Any,
) -> Scenario:
    """The 10K race scenario; ``race``, ``athlete`` and ``rules`` update its parts."""
    the_race = {"name": "10K", "date": day(RACE).isoformat(), "kind": kind, "distance_km": 10}
    return make_scenario(
        weeks=None,
        goal={"race": {**the_race, **(race or {})}},
        athlete={"weekly_minutes": 300, "weekly_load": 1400, **(athlete or {})},
        rules={"recipes": "strict" if strict_recipes else "soft", **(rules or {})},
        **more,
    )


def race_builder(scenario: Scenario) -> PlanBuilder:
    """Week 1 (peak): tue road_intervals 45, wed road_easy 45, thu trail_easy 60, fri
    road_easy 45, sat road_long 90, sun strength_mobility 30: 315 min <= 1.10 x 300, load
    1380 <= 1.10 x 1400, road 225 / run 285 = 0.79 in [0.70, 0.80]; long target min(60,
    90 + 15) = 60 (long goal 0.75 x 60 min race time, clamped up to 60; trail: 0.6 x 65,
    clamped to 60), so the long floor is grid_down(floor(0.80 x 60) = 48) = 45.
    Week 2 (taper): mon road_tempo 30 (5 days before the race), wed road_easy 60, fri
    road_recovery 30, sat race 60: 120 min in [0.40 x 315 x 6/7 = 108, 0.60 x 315 = 189];
    rest days in the 6 days before the race: tue and thu.
    A trail race moves wed to trail_easy 45 and sat to trail_long 90: load 1515 <= 1540,
    trail 195 / run 285 = 0.68 in [0.60, 0.70]."""
    builder = (
        PlanBuilder(scenario)
        .add(TUE1, "road_intervals", 45)
        .add(WED1, "road_easy", 45)
        .add(THU1, "trail_easy", 60)
        .add(FRI1, "road_easy", 45)
        .add(SAT1, "road_long", 90)
        .add(SUN1, "strength_mobility", 30)
        .add(MON2, "road_tempo", 30)
        .add(WED2, "road_easy", 60)
        .add(FRI2, "road_recovery", 30)
        .add(RACE, "race", 60, "am")
    )
    if scenario.race is not None and scenario.race.kind == "trail":
        builder.clear(WED1).clear(SAT1).add(WED1, "trail_easy", 45).add(SAT1, "trail_long", 90)
    return builder


def with_simulation(builder: PlanBuilder) -> PlanBuilder:
    """A trail race's peak simulation: thu trail_easy 60 -> trail_night 45 (300 min, trail
    180 / run 270 = 0.67, easy runs 180 / 270)."""
    return builder.clear(THU1).add(THU1, "trail_night", 45)


def test_race_plans_are_clean() -> None:
    scenario = race_scenario(strict_recipes=True)
    assert [(w.phase, w.days) for w in scenario.calendar] == [("peak", 7), ("taper", 6)]
    assert check(scenario, race_builder(scenario).build()) == []
    trail = race_scenario("trail", strict_recipes=True)
    assert check(trail, with_simulation(race_builder(trail)).build()) == []


def test_h16_simulation_in_trail_peak() -> None:
    """A trail race: the peak phase (week 1 here) holds no simulation session."""
    scenario = race_scenario("trail", strict_recipes=True)
    (violation,) = only(check(scenario, race_builder(scenario).build()), "H16")
    assert violation.week == 1
    assert violation.message == "week 1: peak recipe: no simulation session in the peak phase"


def hilly(elevation_gain_m: int, **more: Any) -> Scenario:
    """The trail 10K with ``elevation_gain_m`` of climbing, hills reachable every day."""
    return race_scenario(
        "trail",
        strict_recipes=True,
        race={"elevation_gain_m": elevation_gain_m},
        terrain={"hills": "all"},
        **more,
    )


def hill_builder(scenario: Scenario) -> PlanBuilder:
    """The trail race plan with its simulation, tue road_intervals 45 -> hill_repeats 45
    (hills) and wed trail_easy 45 -> road_easy 45: trail 180 / run 270 = 0.67."""
    builder = with_simulation(race_builder(scenario)).clear(TUE1).clear(WED1)
    return builder.add(TUE1, "hill_repeats", 45).add(WED1, "road_easy", 45)


def test_h16_hill_session_before_a_steep_trail_race() -> None:
    """v3: 250 m over 10 km is 25 m per km: peak week 1 needs a hill session. The simulation
    plan has none; the hill plan has hill repeats; at 249 m (24.9 per km) none is needed."""
    scenario = hilly(250)
    (violation,) = only(check(scenario, with_simulation(race_builder(scenario)).build()), "H16")
    assert violation.message == "week 1: peak recipe: no hill session"
    assert check(scenario, hill_builder(scenario).build()) == []
    flatter = hilly(249)
    assert check(flatter, with_simulation(race_builder(flatter)).build()) == []


def test_h16_items_of_a_week_are_one_miss() -> None:
    """v3: no simulation and no hill session in peak week 1: one (H16, 1) violation naming
    both."""
    scenario = hilly(250)
    (violation,) = only(check(scenario, race_builder(scenario).build()), "H16")
    assert violation.message == (
        "week 1: peak recipe: no simulation session in the peak phase; no hill session"
    )


def test_h16_long_hike_is_a_hill_session() -> None:
    """v3: the hike_long (flag climbing, trail terrain) is a hill session. Trail plan with
    its simulation and sat trail_long 90 -> hike_long 90 (the longest counting session, 90
    >= floor 45); tue road_intervals 45 -> 30, wed trail_easy 45 -> 60, fri road_easy 45 ->
    60 keep the runs 120 / 195 easy. Trail band widened: trail 105 / run 195 = 0.54."""
    scenario = hilly(300, rules={"ratio_bands": {"peak_trail": [0.0, 1.0]}})
    plan = (
        with_simulation(race_builder(scenario))
        .clear(TUE1)
        .clear(WED1)
        .clear(FRI1)
        .clear(SAT1)
        .add(TUE1, "road_intervals", 30)
        .add(WED1, "trail_easy", 60)
        .add(FRI1, "road_easy", 60)
        .add(SAT1, "hike_long", 90)
        .build()
    )
    assert check(scenario, plan) == []


def test_h16_hill_session_for_beginners_too() -> None:
    """v3: the hill item holds at every level. A beginner whose other rules are set like
    the intermediate defaults: the plan without a hill session misses H16 (and only the
    hill item: beginners have no base, build or simulation items); with hill repeats it
    is clean."""
    scenario = hilly(
        250,
        athlete={"level": "beginner"},
        rules={
            "sessions_per_week": [4, 6],
            "min_rest_days": 1,
            "hard_sessions": [1, 2],
            "max_doubles_per_week": 1,
            "max_long_run_share": 0.4,
            "min_easy_run_share": 0.6,
            "ratio_scope": "week",
        },
    )
    (violation,) = only(check(scenario, with_simulation(race_builder(scenario)).build()), "H16")
    assert violation.message == "week 1: peak recipe: no hill session"
    assert check(scenario, hill_builder(scenario).build()) == []


def test_h17_taper_cap() -> None:
    """Week 2 wed road_easy 60 -> 75, thu road_easy 60: 195 min > 0.60 x 315 = 189."""
    scenario = race_scenario()
    plan = (
        race_builder(scenario)
        .clear(WED2)
        .add(WED2, "road_easy", 75)
        .add(THU2, "road_easy", 60)
        .build()
    )
    (violation,) = only(check(scenario, plan), "H17")
    assert violation.message == "week 2: taper minutes 195 > 0.60 x 315 = 189"


def test_h17_recipe_prorated_lower_end() -> None:
    """Week 2 wed road_easy 60 -> 30: 90 min, short of 0.40 x 315 x 6/7 = 108 by a whole
    15-minute grid step or more (90 + 15 <= 108; hard 18 <= 0.20 x 90 = 18)."""
    scenario = race_scenario(strict_recipes=True)
    plan = race_builder(scenario).clear(WED2).add(WED2, "road_easy", 30).build()
    (violation,) = only(check(scenario, plan), "H17")
    assert violation.recipe
    assert violation.message == (
        "week 2: taper minutes 90 < 0.40 x 315 x 6/7 = 108 by a 15-minute grid step or more"
    )


def test_h17_recipe_is_met_to_the_grid_step_below() -> None:
    """Week 2 wed road_easy 60 -> 45: 105 min < 108, but 105 + 15 > 108: the nearest sum on
    the 15-minute grid below the floor meets it (docs/rules-interpretation.md, H17)."""
    scenario = race_scenario(strict_recipes=True)
    plan = race_builder(scenario).clear(WED2).add(WED2, "road_easy", 45).build()
    assert [v for v in check(scenario, plan) if v.rule == "H17"] == []


RACE3 = 19  # sat 2027-01-23: the race week of a 3-week plan is mon-sat, 6 days


def two_taper_weeks() -> Scenario:
    """v3: the road 10K on sat 2027-01-23 with phases peak, taper, taper (taper_volume
    [0.40, 0.70] so that week 2 may hold 210 <= 0.70 x 315 = 220.5)."""
    return race_scenario(
        strict_recipes=True,
        race={"date": day(RACE3).isoformat()},
        phases=["peak", "taper", "taper"],
        rules={"taper_volume": [0.4, 0.7]},
    )


def two_taper_builder(scenario: Scenario, race_week_wed: int) -> PlanBuilder:
    """Week 1 as in `race_builder`. Week 2 (taper, 7 days): tue road_tempo 30, wed road_easy
    60, thu trail_easy 45, sat road_easy 75: 210 min, road 165 / run 210 = 0.79. Week 3
    (race week, 5 days before race day): mon road_tempo 30, tue road_easy 45, wed road_easy
    ``race_week_wed``, fri road_recovery 30, sat race."""
    builder = race_builder(scenario)
    for offset in (MON2, WED2, FRI2, RACE):
        builder.clear(offset)
    return (
        builder.add(TUE2, "road_tempo", 30)
        .add(WED2, "road_easy", 60)
        .add(THU2, "trail_easy", 45)
        .add(SAT2, "road_easy", 75)
        .add(14, "road_tempo", 30)
        .add(15, "road_easy", 45)
        .add(16, "road_easy", race_week_wed)
        .add(18, "road_recovery", 30)
        .add(RACE3, "race", 60, "am")
    )


def test_h17_volume_falls_into_race_week() -> None:
    """v3: week 3 (race week, 5 training days) against week 2 (7 days, 210 min): 150 min
    is 150 x 7 = 1050 <= 210 x 5 = 1050, the same minutes per day; 165 is 1155 > 1050
    (while 165 <= 0.70 x 315 and >= 0.40 x 315 x 6/7 = 108)."""
    scenario = two_taper_weeks()
    assert [(w.phase, w.days) for w in scenario.calendar] == [
        ("peak", 7),
        ("taper", 7),
        ("taper", 6),
    ]
    assert check(scenario, two_taper_builder(scenario, 45).build()) == []
    (violation,) = only(check(scenario, two_taper_builder(scenario, 60).build()), "H17")
    assert violation.week == 3
    assert violation.message == (
        "week 3: taper minutes per day 165/5 > week 2's 210/7 (volume only falls into race week)"
    )


def test_h18_day_before_too_long() -> None:
    """Fri road_recovery 30 -> road_easy 45 the day before the race (> 30 min)."""
    scenario = race_scenario()
    plan = race_builder(scenario).clear(FRI2).add(FRI2, "road_easy", 45).build()
    (violation,) = only(check(scenario, plan), "H18")
    assert violation.date == day(FRI2)


def test_h18_hard_session_close_to_race() -> None:
    """Mon road_tempo moved to thu, 2 days before the race (hard count still 2)."""
    scenario = race_scenario()
    plan = race_builder(scenario).clear(MON2).add(THU2, "road_tempo", 30).build()
    (violation,) = only(check(scenario, plan), "H18")
    assert violation.date == day(THU2)


def test_h18_quiet_days_boundary() -> None:
    """v3: race_quiet_days 4 (default): the tempo on mon, 5 days before the race, is fine;
    on tue, 4 days before, it is not. With race_quiet_days 5 mon is inside too."""
    scenario = race_scenario()
    tuesday = race_builder(scenario).clear(MON2).add(TUE2, "road_tempo", 30).build()
    (violation,) = only(check(scenario, tuesday), "H18")
    assert violation.message == (
        "2027-01-12: demanding session road_tempo 4 day(s) before the race (race_quiet_days 4)"
    )
    five = race_scenario(rules={"race_quiet_days": 5})
    (violation,) = only(check(five, race_builder(five).build()), "H18")
    assert violation.date == day(MON2)


def test_h18_quiet_days_demanding_flag_not_long_hike() -> None:
    """v3: demanding, not hard-or-long. Trail race, taper week 2 plus a thu session, 2 days
    before the race: technical downhill 30 (flag demanding; runs 150, easy 90 = 0.60, hard
    24 <= 0.20 x 150) breaks H18; a long hike 60 there does not (a hike is never demanding;
    v2 forbade every long session): 180 min <= 0.60 x 300, the hike as long as the
    longest other session. Tue stays a rest day."""
    scenario = race_scenario("trail")
    plan = with_simulation(race_builder(scenario))
    downhill = plan.copy().add(THU2, "downhill_technique", 30).build()
    (violation,) = only(check(scenario, downhill), "H18")
    assert violation.message == (
        "2027-01-14: demanding session downhill_technique 2 day(s) before the race "
        "(race_quiet_days 4)"
    )
    hike = plan.copy().add(THU2, "hike_long", 60).build()
    assert check(scenario, hike) == []


def test_h18_rest_day_before_the_race() -> None:
    """v3: tue and thu, the rest days among sun 2027-01-10 .. fri 2027-01-15, filled with
    bike_easy 30 and swim_easy 30 (180 min <= 189): no rest day in the 6 days before."""
    scenario = race_scenario()
    plan = race_builder(scenario).add(TUE2, "bike_easy", 30).add(THU2, "swim_easy", 30).build()
    (violation,) = only(check(scenario, plan), "H18")
    assert violation.message == (
        "2027-01-10 to 2027-01-15: no rest day among the 6 days before the race"
    )
    one_rest = race_builder(scenario).add(TUE2, "bike_easy", 30).build()
    assert check(scenario, one_rest) == []


def test_h18_rest_day_window_inside_the_plan() -> None:
    """v3: a race on wed 2027-01-06, day 3 of the plan: only mon and tue are before it. Both
    held (mon road_easy 30, tue road_recovery 30) break H18; a rest day on mon is fine. (A
    3-day taper week: taper_volume lo 0.20 lets 30 min >= 0.20 x 300 x 3/7 = 25.7 pass; the
    race counts as the taper week's hard session.)"""
    scenario = race_scenario(
        race={"date": day(WED1).isoformat()}, rules={"taper_volume": [0.2, 0.6]}
    )
    builder = PlanBuilder(scenario).add(TUE1, "road_recovery", 30).add(WED1, "race", 60, "am")
    (violation,) = only(check(scenario, builder.copy().add(MON1, "road_easy", 30).build()), "H18")
    assert violation.message == (
        "2027-01-04 to 2027-01-05: no rest day among the 2 days before the race"
    )
    assert check(scenario, builder.build()) == []


def test_h18_race_missing_or_misplaced() -> None:
    scenario = race_scenario()
    missing = race_builder(scenario).clear(RACE).build()
    only(check(scenario, missing), "H18")
    no_race = make_scenario()
    extra = clean_builder(no_race).add(WED2, "race", 60, "am").build()
    only(check(no_race, extra), "H18")


def test_h18_race_day_holds_the_race_alone() -> None:
    scenario = race_scenario()
    plan = race_builder(scenario).add(RACE, "strength_mobility", 30, "pm").build()
    assert rules_of(check(scenario, plan)) == {"H18"}


def test_h19_injury() -> None:
    """An ankle injury excludes ankle stress: fri trail_easy and sat 2027-01-16 trail_long
    stress it (v3: the long trail run no longer carries downhill, so a knee injury keeps
    it)."""
    scenario = make_scenario(athlete={"injuries": ["ankle"]})
    violations = only(check(scenario, clean_builder(scenario).build()), "H19")
    assert [v.date for v in violations] == [day(FRI1), day(SAT2)]
    knee = make_scenario(athlete={"injuries": ["knee"]})
    assert check(knee, clean_builder(knee).build()) == []


def test_h20_pins() -> None:
    pin = {"date": day(WED1).isoformat(), "slot": "pm", "kind": "road_easy", "minutes": 30}
    scenario = make_scenario(pinned=[pin])
    assert check(scenario, clean_builder(scenario).build()) == []
    moved = make_scenario(pinned=[{**pin, "minutes": 60}])
    (violation,) = only(check(moved, clean_builder(moved).build()), "H20")
    assert "pinned road_easy 60 min, plan has road_easy 30 min" in violation.message


def night_run(builder: PlanBuilder) -> PlanBuilder:
    """Thu trail_easy 60 -> trail_night 60 (moderate, demanding, trail races only): easy
    runs 180 / 285 = 0.63; wed and fri hold easy runs."""
    return builder.clear(THU1).add(THU1, "trail_night", 60)


def test_h21_no_trail_only_kind_before_a_road_race() -> None:
    """v3: peak week 1 of the road 10K with a night trail run breaks H21; before the trail
    10K the same session is the peak simulation, no H21 (that plan's load, 1575 > 1.10 x
    1400, is H09's business)."""
    scenario = race_scenario(strict_recipes=True)
    (violation,) = only(check(scenario, night_run(race_builder(scenario)).build()), "H21")
    assert violation.date == day(THU1)
    assert violation.message == (
        "2027-01-07 trail_night: serves trail races only, in a peak week before a road race"
    )
    trail = race_scenario("trail", strict_recipes=True)
    assert rules_of(check(trail, night_run(race_builder(trail)).build())) == {"H09"}


def test_h21_taper_yes_base_no() -> None:
    """v3: H21 holds in build, peak and taper weeks. Taper: mon road_tempo -> trail_night 45
    (5 days before the race; the race is the taper week's hard session) breaks it. Base:
    with phases base, taper (base band widened) the night run of week 1 is fine."""
    scenario = race_scenario(strict_recipes=True)
    taper = race_builder(scenario).clear(MON2).add(MON2, "trail_night", 45).build()
    (violation,) = only(check(scenario, taper), "H21")
    assert violation.date == day(MON2)
    base = race_scenario(
        strict_recipes=True,
        phases=["base", "taper"],
        rules={"ratio_bands": {"base": [0.0, 1.0]}},
    )
    assert check(base, night_run(race_builder(base)).build()) == []


def test_h22_strength_every_full_week() -> None:
    """v3: week 1 without its strength session (sun rest: 300 min) misses H22."""
    scenario = strict()
    (violation,) = only(check(scenario, clean_builder(scenario).clear(SUN1).build()), "H22")
    assert violation.recipe
    assert violation.message == "week 1: 0 strength sessions < min_strength_per_week 1"


def test_h22_min_strength_per_week() -> None:
    """v3 override: min_strength_per_week 2 makes each week's single strength session a
    miss (1 < 2); 0 turns H22 off, so week 1 without strength is fine."""
    twice = strict(min_strength_per_week=2)
    violations = only(check(twice, clean_builder(twice).build()), "H22")
    assert [v.week for v in violations] == [1, 2]
    off = strict(min_strength_per_week=0)
    assert check(off, clean_builder(off).clear(SUN1).build()) == []


def test_h22_recovery_weeks_included() -> None:
    """v3: recovery week 2 with mon strength_mobility 45 -> nothing, wed road_easy 30 added
    and sat trail_easy 75 -> trail_long 90: 255 min, load 1065 in [1008, 1152], road 105 /
    run 195 = 0.54; trail_long 90 <= 0.40 x 255 and its growth cap."""
    scenario = recovery(recipes="strict")
    plan = (
        recovery_builder(scenario)
        .clear(MON2)
        .clear(SAT2)
        .add(WED2, "road_easy", 30)
        .add(SAT2, "trail_long", 90)
        .build()
    )
    (violation,) = only(check(scenario, plan), "H22")
    assert violation.week == 2


def test_h22_not_in_the_taper() -> None:
    """The race plans hold no strength session in their taper week 2 and are clean
    (test_race_plans_are_clean); with the sun strength of peak week 1 gone, week 1 misses."""
    scenario = race_scenario(strict_recipes=True)
    (violation,) = only(check(scenario, race_builder(scenario).clear(SUN1).build()), "H22")
    assert violation.week == 1


# ----- PLAN consistency ---------------------------------------------------------------


def test_plan_session_load_mismatch() -> None:
    scenario = make_scenario()
    plan = replace_session(scenario, clean_builder(scenario).build(), WED1, "pm", load=91)
    (violation,) = only(check(scenario, plan), "PLAN")
    assert "load 91 != 30 x rpe 3 = 90" in violation.message


def test_plan_session_attribute_mismatch() -> None:
    scenario = make_scenario()
    base = clean_builder(scenario).build()
    plan = replace_session(scenario, base, WED2, "pm", intensity="moderate")
    only(check(scenario, plan), "PLAN")
    unknown = replace_session(scenario, base, WED2, "pm", kind="moonwalk")
    only(check(scenario, unknown), "PLAN")
    hard = replace_session(scenario, base, TUE2, "pm", hard_minutes=19)
    only(check(scenario, hard), "PLAN")


def test_plan_session_flags_must_match_the_kind() -> None:
    """v3: the checker reads demanding, climbing, races and slots off the session, so each
    must be the kind's."""
    scenario = make_scenario()
    base = clean_builder(scenario).build()
    for update in (
        {"demanding": True},
        {"climbing": True},
        {"races": ("trail",)},
        {"slots": ("pm",)},
    ):
        plan = replace_session(scenario, base, THU2, "pm", **update)
        (violation,) = only(check(scenario, plan), "PLAN")
        assert f"{next(iter(update))} " in violation.message


def test_plan_days_coverage() -> None:
    scenario = make_scenario()
    plan = clean_builder(scenario).build()
    missing = rebuild(scenario, [d for d in plan.days if d.date != day(WED2)])
    (violation,) = only(check(scenario, missing), "PLAN")
    assert "missing" in violation.message
    twice = rebuild(scenario, (*plan.days, plan.days[-1]))
    only(check(scenario, twice), "PLAN")
    wrong = rebuild(
        scenario,
        [
            d.model_copy(update={"weekday": Weekday.MON}) if d.date == day(SUN2) else d
            for d in plan.days
        ],
    )
    only(check(scenario, wrong), "PLAN")


def test_plan_weeks_must_agree_with_days() -> None:
    scenario = make_scenario()
    plan = clean_builder(scenario).build()
    weeks = list(plan.weeks)
    weeks[0] = weeks[0].model_copy(update={"load": 1000, "road_share": 0.9})
    (load, share) = only(check(scenario, plan.model_copy(update={"weeks": tuple(weeks)})), "PLAN")
    assert "load 1000 but the days give 1440" in load.message
    assert "road_share" in share.message
    fewer = plan.model_copy(update={"weeks": plan.weeks[:1]})
    only(check(scenario, fewer), "PLAN")


# ----- recipes: soft vs strict, shortfalls ---------------------------------------------


def no_hard_week_1(scenario: Scenario) -> Plan:
    """Week 1 without a hard session: H05's lower end (1) is missed."""
    return clean_builder(scenario).clear(TUE1).add(TUE1, "road_easy", 45).build()


def test_soft_recipe_miss_must_be_listed() -> None:
    scenario = make_scenario()
    plan = no_hard_week_1(scenario)
    (violation,) = only(check(scenario, plan), "H05")
    assert violation.week == 1
    assert violation.recipe
    assert "hides" in violation.message
    assert check(scenario, with_shortfalls(plan, ("H05", 1))) == []
    # a shortfall for another rule or week does not cover it
    assert rules_of(check(scenario, with_shortfalls(plan, ("H05", 2), ("H07", 1)))) == {"H05"}


@pytest.mark.parametrize(("phase", "missed"), [("peak", []), ("build", [1])])
def test_h05_minimum_counts_a_peak_weeks_simulation_session(phase: str, missed: list[int]) -> None:
    """Week 1 without a hard session but with a night run (simulation, moderate) on fri: in
    a peak week it stands in for H05's one hard session, in a build week it does not."""
    scenario = make_scenario(phases=[phase, phase])
    plan = (
        clean_builder(scenario)
        .clear(TUE1)
        .add(TUE1, "road_easy", 45)
        .clear(FRI1)
        .add(FRI1, "trail_night", 75)
        .build()
    )
    h05 = [v for v in check(scenario, plan) if v.rule == "H05"]
    assert [v.week for v in h05] == missed
    assert all("hard sessions < hard_sessions lo 1" in v.message for v in h05)


def test_strict_recipe_miss_is_a_violation_even_if_listed() -> None:
    scenario = strict()
    plan = with_shortfalls(no_hard_week_1(scenario), ("H05", 1))
    (violation,) = only(check(scenario, plan), "H05")
    assert "hides" not in violation.message


def test_recipe_misses_ignore_mode_and_shortfalls() -> None:
    scenario = make_scenario()
    plan = with_shortfalls(no_hard_week_1(scenario), ("H05", 1))
    assert [(v.rule, v.week) for v in recipe_misses(scenario, plan)] == [("H05", 1)]
    assert recipe_misses(scenario, clean_builder(scenario).build()) == []


def test_safety_rules_are_not_excused_by_shortfalls() -> None:
    scenario = make_scenario(rules={"min_rest_days": 2})
    plan = with_shortfalls(clean_builder(scenario).build(), ("H04", 1))
    assert [v.week for v in only(check(scenario, plan), "H04")] == [1, 2]


def test_several_soft_misses_each_need_an_entry() -> None:
    """No hike (H08) and no hard session (H05) in week 1; only H05 listed."""
    scenario = make_scenario()
    plan = (
        clean_builder(scenario)
        .clear(TUE1)
        .clear(THU1)
        .add(TUE1, "road_easy", 45)
        .add(THU1, "bike_easy", 60)
        .build()
    )
    assert rules_of(check(scenario, plan)) == {"H05", "H08"}
    assert rules_of(check(scenario, with_shortfalls(plan, ("H05", 1)))) == {"H08"}


# ----- ordering and helpers -------------------------------------------------------------


def test_violations_are_sorted_by_week_rule_date() -> None:
    scenario = make_scenario(rules={"min_rest_days": 2, "hard_sessions": [0, 0]})
    plan = set_sessions(scenario, clean_builder(scenario).build(), SUN2, [])
    keys = [(v.week, v.rule, v.date or dt.date.min) for v in check(scenario, plan)]
    assert keys == sorted(keys)
    assert [k[:2] for k in keys] == [(1, "H04"), (1, "H05"), (2, "H04"), (2, "H05")]


def test_builder_plans_are_self_consistent() -> None:
    scenario = make_scenario()
    plan = clean_builder(scenario).build()
    assert len(plan.days) == 14
    assert plan.weeks[0].minutes == 330
    assert plan.weeks[0].load == 1440
    assert plan.weeks[1].road_share == 0.5
    assert plan.days[1].sessions[0].slot is Slot.PM
