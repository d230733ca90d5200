"""The independent checker on hand-built plans: a clean plan passes, and breaking exactly one
rule yields exactly that rule's ID.

The base scenario (plan_builder.BASE_SCENARIO): intermediate athlete, no race, 2 weeks from
Monday 2027-01-04 (week 1 base, week 2 build, no recovery week), every day am 60 / pm 120,
road and trail reachable every day; baseline 350 min, load 1500, longest run 90 (longest
hike 135). Level defaults: sessions 4-6, hard 1-2, 1 rest day, 1 double, 1 hike, long run
share 0.40, road share base 0.65-0.75 and build 0.45-0.55 per week.

Clean plan (all pm):
    week 1  tue road_intervals 45 (load 360, hard 18)   wed road_easy 45 (135)
            thu hike_easy 60 (180)   fri trail_easy 45 (180)   sat road_long 90 (360)
            sun trail_easy 45 (180)
            -> 330 min, load 1395, hard 18, 6 sessions, 1 hard, 1 rest day (mon),
               road 180 / run 270 = 0.667
    week 2  tue road_tempo 30 (210, hard 18)   wed bike_easy 60 (180)
            thu road_easy 60 (180)   fri hike_easy 60 (180)   sat trail_long 90 (450)
            -> 300 min, load 1200, hard 18, 5 sessions, 2 rest days,
               road 90 / run 180 = 0.50
H09 caps in week 1: minutes 1.10 x 350 = 385, load 1.10 x 1500 = 1650.
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
    make_scenario,
    rebuild,
    replace_session,
    set_sessions,
    with_shortfalls,
)

# Day offsets from Monday 2027-01-04.
MON1, TUE1, WED1, THU1, FRI1, SAT1, SUN1 = range(7)
MON2, TUE2, WED2, THU2, FRI2, SAT2, SUN2 = range(7, 14)


def clean_builder(scenario: Scenario) -> PlanBuilder:
    return (
        PlanBuilder(scenario)
        .add(TUE1, "road_intervals", 45)
        .add(WED1, "road_easy", 45)
        .add(THU1, "hike_easy", 60)
        .add(FRI1, "trail_easy", 45)
        .add(SAT1, "road_long", 90)
        .add(SUN1, "trail_easy", 45)
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
    assert ids == {f"H{i:02d}" for i in range(1, 21)} | {"PLAN"}


# ----- H01-H20: break exactly one rule ----------------------------------------------------


def test_h01_unavailable_date() -> None:
    """An exception empties wed 2027-01-06: the road_easy there sits in no slot."""
    scenario = make_scenario(exceptions=[{"date": day(WED1).isoformat()}])
    (violation,) = only(check(scenario, clean_builder(scenario).build()), "H01")
    assert violation.date == day(WED1)
    assert violation.week == 1


def test_h01_slot_too_short() -> None:
    """An exception leaves wed only pm 30: the road_easy 45 does not fit."""
    scenario = make_scenario(exceptions=[{"date": day(WED1).isoformat(), "pm": 30}])
    (violation,) = only(check(scenario, clean_builder(scenario).build()), "H01")
    assert "45 > 30" in violation.message


def test_h01_off_grid() -> None:
    """wed road_easy 50 min is not a multiple of 15 (week 1: 335 <= 385 min, load 1410)."""
    scenario = make_scenario()
    plan = clean_builder(scenario).clear(WED1).add(WED1, "road_easy", 50).build()
    only(check(scenario, plan), "H01")


def test_h01_pinned_minutes_are_off_grid_on_purpose() -> None:
    """A pin keeps its minutes: road_easy 50 pinned on wed is not a grid violation."""
    pin = {"date": day(WED1).isoformat(), "slot": "pm", "kind": "road_easy", "minutes": 50}
    scenario = make_scenario(pinned=[pin])
    plan = clean_builder(scenario).clear(WED1).add(WED1, "road_easy", 50).build()
    assert check(scenario, plan) == []


def test_h01_outside_kind_range() -> None:
    """road_easy's range is 20-75; a scenario override shortens it to 20-30, so the clean
    plan's 45- and 60-minute road_easy sessions break H01."""
    scenario = make_scenario(sessions=[{"id": "road_easy", "minutes": [20, 30]}])
    violations = only(check(scenario, clean_builder(scenario).build()), "H01")
    assert {v.date for v in violations} == {day(WED1), day(THU2)}


def test_h02_terrain_unreachable() -> None:
    """Trail unreachable on sundays: sun 2027-01-10 trail_easy breaks H02."""
    scenario = make_scenario(terrain={"trail": ["mon", "tue", "wed", "thu", "fri", "sat"]})
    (violation,) = only(check(scenario, clean_builder(scenario).build()), "H02")
    assert violation.date == day(SUN1)


def test_h03_two_sessions_in_one_slot() -> None:
    """Wed's road_easy moved to tue pm, beside road_intervals: one slot, two sessions
    (1 double <= 1; wed becomes a second rest day)."""
    scenario = make_scenario()
    plan = clean_builder(scenario).clear(WED1).add(TUE1, "road_easy", 45).build()
    (violation,) = only(check(scenario, plan), "H03")
    assert "2 sessions in the pm slot" in violation.message


def test_h03_too_many_doubles() -> None:
    """Wed road_easy -> tue am, fri trail_easy -> thu am: 2 doubles > max 1."""
    scenario = make_scenario()
    plan = (
        clean_builder(scenario)
        .clear(WED1)
        .clear(FRI1)
        .add(TUE1, "road_easy", 45, "am")
        .add(THU1, "trail_easy", 45, "am")
        .build()
    )
    (violation,) = only(check(scenario, plan), "H03")
    assert "2 doubles" in violation.message


def test_h03_two_hard_sessions_in_one_day() -> None:
    """Tue am road_tempo 30 + pm road_intervals 45, wed rest, sun trail_easy 30:
    300 min, load 1410, hard 36 <= 0.20 x 300 = 60, 2 hard <= 2, road 165 / run 240 = 0.6875,
    1 double; week 2 raises neither minutes (300 = 300) nor anything else."""
    scenario = make_scenario()
    plan = (
        clean_builder(scenario)
        .clear(WED1)
        .clear(SUN1)
        .add(TUE1, "road_tempo", 30, "am")
        .add(SUN1, "trail_easy", 30)
        .build()
    )
    (violation,) = only(check(scenario, plan), "H03")
    assert "two hard sessions" in violation.message


def test_h04_rest_days() -> None:
    """min_rest_days 2: week 1 has 1 rest day (mon) < 2; week 2 has 2."""
    scenario = make_scenario(rules={"min_rest_days": 2})
    (violation,) = only(check(scenario, clean_builder(scenario).build()), "H04")
    assert violation.week == 1


def test_h05_too_many_hard_sessions() -> None:
    """hard_sessions [0, 0]: each week's 1 hard session > 0."""
    scenario = make_scenario(rules={"hard_sessions": [0, 0]})
    violations = only(check(scenario, clean_builder(scenario).build()), "H05")
    assert [v.week for v in violations] == [1, 2]


def test_h05_recovery_week_cap() -> None:
    """recovery_every 2 makes week 2 a recovery week: hard <= 1. Week 2: tue road_tempo 30
    (210), wed bike 60 (180), thu road_intervals 30 (240), fri hike 60 (180), sat trail_easy
    60 (240): 2 hard > 1; load 1050 in [0.70, 0.80] x 1395 = [976.5, 1116]; road 60 / run
    120 = 0.50; hard 30 <= 0.20 x 240."""
    scenario = make_scenario(rules={"recovery_every": 2})
    plan = (
        clean_builder(scenario)
        .clear(THU2)
        .clear(SAT2)
        .add(THU2, "road_intervals", 30)
        .add(SAT2, "trail_easy", 60)
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
        .add(TUE1, "trail_easy", 45)
        .add(FRI1, "road_intervals", 45)
        .build()
    )
    (violation,) = only(check(scenario, plan), "H06")
    assert violation.date == day(SAT1)


def test_h06_long_hike_is_not_demanding() -> None:
    """A long hike is not demanding: hike_long the day after the long run is fine for H06
    (it breaks H14, two long sessions, and H15 instead)."""
    scenario = make_scenario()
    plan = clean_builder(scenario).clear(SUN1).add(SUN1, "hike_long", 60).build()
    assert "H06" not in rules_of(check(scenario, plan))


def test_h07_too_many_sessions() -> None:
    """Wed am strength_mobility 30 on top: 7 sessions > 6 (360 <= 385 min, load 1545,
    1 double)."""
    scenario = make_scenario()
    plan = clean_builder(scenario).add(WED1, "strength_mobility", 30, "am").build()
    only(check(scenario, plan), "H07")


def test_h07_recipe_too_few_sessions() -> None:
    """sessions_per_week [6, 6]: week 2 has 5 < 6."""
    scenario = strict(sessions_per_week=[6, 6])
    (violation,) = only(check(scenario, clean_builder(scenario).build()), "H07")
    assert violation.week == 2


def test_h08_no_hike() -> None:
    """Thu hike_easy 60 -> bike_easy 60 (same load): 0 hikes < 1 in base week 1."""
    scenario = strict()
    plan = clean_builder(scenario).clear(THU1).add(THU1, "bike_easy", 60).build()
    (violation,) = only(check(scenario, plan), "H08")
    assert violation.week == 1


def test_h09_progression() -> None:
    """Wed road_easy 45 -> 75, thu hike 60 -> 90: 390 min > 1.10 x max(ref 350, mean 350)
    = 385 (load 1575 <= 1650; road 210 / run 300 = 0.70)."""
    scenario = make_scenario()
    plan = (
        clean_builder(scenario)
        .clear(WED1)
        .clear(THU1)
        .add(WED1, "road_easy", 75)
        .add(THU1, "hike_easy", 90)
        .build()
    )
    (violation,) = only(check(scenario, plan), "H09")
    assert violation.message == "week 1: minutes 390 > 1.10 x max(ref 350, mean 350) = 385"


def test_h10_one_lever() -> None:
    """Week 2 tempo 30 -> 45 (hard 18 -> 27) and bike 60 -> 90: 345 min > 330 and hard 27 >
    18. Other rules hold: 345 <= 1.10 x max(330, (3 x 350 + 330) / 4 = 345) = 379.5;
    27 <= 0.20 x 345; road 105 / run 195 = 0.538."""
    scenario = make_scenario()
    plan = (
        clean_builder(scenario)
        .clear(TUE2)
        .clear(WED2)
        .add(TUE2, "road_tempo", 45)
        .add(WED2, "bike_easy", 90)
        .build()
    )
    (violation,) = only(check(scenario, plan), "H10")
    assert violation.week == 2


def test_h11_recovery_load_cap() -> None:
    """recovery_every 2: week 2 is a recovery week with load 1200 > 0.80 x 1395 = 1116.
    (Its other recipes relax: H07 wants 3, H08 0 hikes, H14/H16 optional; H10 exempt.)"""
    scenario = make_scenario(rules={"recovery_every": 2})
    (violation,) = only(check(scenario, clean_builder(scenario).build()), "H11")
    assert "1200 > 0.80 x 1395 = 1116" in violation.message


def test_h11_recipe_lower_end() -> None:
    """recovery_every 2, week 2: tue road_tempo 30, wed bike 60, fri hike 60, sat
    trail_easy 30: load 690 < 0.70 x 1395 = 976.5 (road 30 / run 60 = 0.50, 4 sessions)."""
    scenario = strict(recovery_every=2)
    plan = clean_builder(scenario).clear(THU2).clear(SAT2).add(SAT2, "trail_easy", 30).build()
    (violation,) = only(check(scenario, plan), "H11")
    assert violation.recipe


def test_h11_exempt_after_zero_load_week() -> None:
    """A recovery week after a zero-load week is exempt from both ends of H11."""
    scenario = make_scenario(
        rules={"recovery_every": 2, "sessions_per_week": [0, 6], "min_hikes_per_week": 0}
    )
    builder = clean_builder(scenario)
    for offset in range(7):
        builder.clear(offset)
    plan = builder.build()
    assert "H11" not in rules_of(check(scenario, plan))


def test_h12_acute_chronic() -> None:
    """acwr_max 0.9: week 1 load 1395 > 0.90 x mean 1500 = 1350; week 2 1200 <= 0.90 x
    (3 x 1500 + 1395) / 4 = 1326.4."""
    scenario = make_scenario(rules={"acwr_max": 0.9})
    (violation,) = only(check(scenario, clean_builder(scenario).build()), "H12")
    assert violation.message == "week 1: load 1395 > 0.90 x mean 1500 = 1350"


def test_h13_intensity() -> None:
    """max_hard_share 0.055: week 1 18 <= 0.055 x 330 = 18.15, week 2 18 > 0.055 x 300 =
    16.5."""
    scenario = make_scenario(rules={"max_hard_share": 0.055})
    (violation,) = only(check(scenario, clean_builder(scenario).build()), "H13")
    assert violation.week == 2


def test_h14_two_long_sessions() -> None:
    """Thu hike_easy -> hike_long 60: two long sessions in week 1 (and the hike_long is
    shorter than the road_long 90)."""
    scenario = make_scenario()
    plan = clean_builder(scenario).clear(THU1).add(THU1, "hike_long", 60).build()
    only(check(scenario, plan), "H14")


def test_h14_longest_run_progression() -> None:
    """Sat road_long 90 -> 120: 120 > max(1.10 x 90, 90 + 15) = 105 (360 min, load 1515,
    long share 120/360 = 0.33, road 210 / run 300 = 0.70)."""
    scenario = make_scenario()
    plan = clean_builder(scenario).clear(SAT1).add(SAT1, "road_long", 120).build()
    (violation,) = only(check(scenario, plan), "H14")
    assert "longest run 120 min > max(1.10 x 90, 90 + 15) = 105" in violation.message


def test_h14_long_run_share() -> None:
    """max_long_run_share 0.29: week 1 90 <= 0.29 x 330 = 95.7; week 2 90 > 0.29 x 300 = 87."""
    scenario = make_scenario(rules={"max_long_run_share": 0.29})
    (violation,) = only(check(scenario, clean_builder(scenario).build()), "H14")
    assert violation.week == 2


def test_h14_recipe_no_long_session() -> None:
    """Sat road_long 90 -> road_easy 75 and sun trail_easy 45 -> 30: no long session in base
    week 1 (300 min, load 1200, road 165 / run 240 = 0.6875)."""
    scenario = strict()
    plan = (
        clean_builder(scenario)
        .clear(SAT1)
        .clear(SUN1)
        .add(SAT1, "road_easy", 75)
        .add(SUN1, "trail_easy", 30)
        .build()
    )
    (violation,) = only(check(scenario, plan), "H14")
    assert violation.recipe


def test_h15_band() -> None:
    """Fri trail_easy -> road_easy 45: road 225 / run 270 = 0.833 > 0.75 in base week 1."""
    scenario = make_scenario()
    plan = clean_builder(scenario).clear(FRI1).add(FRI1, "road_easy", 45).build()
    (violation,) = only(check(scenario, plan), "H15")
    assert violation.week == 1
    assert "0.833" in violation.message


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
        },
        "rules": {"sessions_per_week": [2, 4], "min_hikes_per_week": 0},
    }
    if not trail:
        changes["terrain"] = {"trail": [], "hills": []}
    return make_scenario(changes)


def waiver_plan(scenario: Scenario) -> Plan:
    """Tue road_easy 60 + sat road_long 60: 120 min <= 132, load 420, road share 1.0."""
    return PlanBuilder(scenario).add(TUE1, "road_easy", 60).add(SAT1, "road_long", 60).build()


def test_h15_phase_scope_band() -> None:
    """Beginner, scope phase: the build phase's road share 120/120 = 1.0 > 0.55."""
    scenario = waiver_scenario(trail=True)
    assert waived_weeks(scenario) == {}
    (violation,) = only(check(scenario, waiver_plan(scenario)), "H15")
    assert "phase build" in violation.message


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
    """Week 2 wed bike_easy 60 -> hike_easy 60 (same load): no cross-training in build."""
    scenario = strict()
    plan = clean_builder(scenario).clear(WED2).add(WED2, "hike_easy", 60).build()
    (violation,) = only(check(scenario, plan), "H16")
    assert "cross-training" in violation.message


def test_h16_base_recipe() -> None:
    """Base band widened to [0, 1] so only H16 speaks. Week 1: tue trail_easy 45, wed
    road_tempo 30, thu hike 60, fri trail_easy 45, sat trail_long 90, sun trail_easy 45:
    1 road run < 2 (315 min, load 1380, demanding wed and sat)."""
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
    violations = check(scenario, plan)
    assert rules_of(violations) == {"H16"}, [v.message for v in violations]
    assert "1 road runs < 2" in violations[0].message


def test_h16_simulation_in_trail_peak() -> None:
    """A trail race: the peak phase (week 1 here) holds no simulation session. Thu
    trail_easy 60 -> trail_night 45 supplies one (270 min, load 1350, trail 180 / 270)."""
    scenario = race_scenario("trail", strict_recipes=True)
    plan = race_builder(scenario).build()
    (violation,) = only(check(scenario, plan), "H16")
    assert violation.week == 1
    ok = race_builder(scenario).clear(THU1).add(THU1, "trail_night", 45).build()
    assert check(scenario, ok) == []


RACE = SAT2  # sat 2027-01-16: the race week is mon-sat, 6 days

# Race scenarios: a 10 km race on sat 2027-01-16 -> taper 1 week; 2 weeks: week 1 peak,
# week 2 taper and race week (6 days). Baseline 300 min, load 1250, longest run 90.


def race_scenario(kind: str = "road", *, strict_recipes: bool = False) -> Scenario:
    return make_scenario(
        weeks=None,
        goal={
            "race": {
                "name": "10K",
                "date": day(RACE).isoformat(),
                "kind": kind,
                "distance_km": 10,
            }
        },
        athlete={"weekly_minutes": 300, "weekly_load": 1250},
        rules={"recipes": "strict" if strict_recipes else "soft"},
    )


def race_builder(scenario: Scenario) -> PlanBuilder:
    """Week 1 (peak): tue road_intervals 45, wed road_easy 45, thu trail_easy 60 (road race;
    a trail race gets 60 of trail), fri road_easy 45, sat road_long 90: 285 min, load 1230,
    road 225 / run 285 = 0.79 in [0.70, 0.80].
    Week 2 (taper): tue road_tempo 30, wed road_easy 45, fri road_recovery 30, sat race 60:
    105 min in [0.40 x 285 x 6/7 = 97.7, 0.60 x 285 = 171].
    A trail race moves wed to trail_easy 45 and sat to trail_long 90: load 1365 <= 1375,
    trail 195 / run 285 = 0.68 in [0.60, 0.70]."""
    builder = (
        PlanBuilder(scenario)
        .add(TUE1, "road_intervals", 45)
        .add(WED1, "road_easy", 45)
        .add(THU1, "trail_easy", 60)
        .add(FRI1, "road_easy", 45)
        .add(SAT1, "road_long", 90)
        .add(TUE2, "road_tempo", 30)
        .add(WED2, "road_easy", 45)
        .add(FRI2, "road_recovery", 30)
        .add(RACE, "race", 60, "am")
    )
    if scenario.race is not None and scenario.race.kind == "trail":
        builder.clear(WED1).clear(SAT1).add(WED1, "trail_easy", 45).add(SAT1, "trail_long", 90)
    return builder


def test_race_plans_are_clean() -> None:
    scenario = race_scenario()
    assert [(w.phase, w.days) for w in scenario.calendar] == [("peak", 7), ("taper", 6)]
    assert check(scenario, race_builder(scenario).build()) == []


def test_h17_taper_cap() -> None:
    """Week 2 wed road_easy 45 -> 75, thu road_easy 60: 195 min > 0.60 x 285 = 171."""
    scenario = race_scenario()
    plan = (
        race_builder(scenario)
        .clear(WED2)
        .add(WED2, "road_easy", 75)
        .add(THU2, "road_easy", 60)
        .build()
    )
    (violation,) = only(check(scenario, plan), "H17")
    assert violation.message == "week 2: taper minutes 195 > 0.60 x 285 = 171"


def test_h17_recipe_prorated_lower_end() -> None:
    """Week 2 wed road_easy 45 -> 30: 90 min < 0.40 x 285 x 6/7 = 97.71 (hard 18 <= 0.20 x
    90 = 18)."""
    scenario = race_scenario(strict_recipes=True)
    plan = race_builder(scenario).clear(WED2).add(WED2, "road_easy", 30).build()
    (violation,) = only(check(scenario, plan), "H17")
    assert violation.recipe


def test_h18_day_before_too_long() -> None:
    """Fri road_recovery 30 -> road_easy 45 the day before the race (> 30 min)."""
    scenario = race_scenario()
    plan = race_builder(scenario).clear(FRI2).add(FRI2, "road_easy", 45).build()
    (violation,) = only(check(scenario, plan), "H18")
    assert violation.date == day(FRI2)


def test_h18_hard_session_close_to_race() -> None:
    """Tue road_tempo moved to thu, 2 days before the race (hard count still 2)."""
    scenario = race_scenario()
    plan = race_builder(scenario).clear(TUE2).add(THU2, "road_tempo", 30).build()
    (violation,) = only(check(scenario, plan), "H18")
    assert violation.date == day(THU2)


def test_h18_race_missing_or_misplaced() -> None:
    scenario = race_scenario()
    missing = race_builder(scenario).clear(RACE).build()
    only(check(scenario, missing), "H18")
    no_race = make_scenario()
    extra = clean_builder(no_race).add(SUN2, "race", 60).build()
    only(check(no_race, extra), "H18")


def test_h18_race_day_holds_the_race_alone() -> None:
    scenario = race_scenario()
    plan = race_builder(scenario).add(RACE, "strength_mobility", 30, "pm").build()
    assert rules_of(check(scenario, plan)) == {"H18"}


def test_h19_injury() -> None:
    """A knee injury excludes downhill stress: week 2's trail_long stresses it."""
    scenario = make_scenario(athlete={"injuries": ["knee"]})
    (violation,) = only(check(scenario, clean_builder(scenario).build()), "H19")
    assert violation.date == day(SAT2)


def test_h20_pins() -> None:
    pin = {"date": day(WED1).isoformat(), "slot": "pm", "kind": "road_easy", "minutes": 45}
    scenario = make_scenario(pinned=[pin])
    assert check(scenario, clean_builder(scenario).build()) == []
    moved = make_scenario(pinned=[{**pin, "minutes": 60}])
    (violation,) = only(check(moved, clean_builder(moved).build()), "H20")
    assert "pinned road_easy 60 min, plan has road_easy 45 min" in violation.message


# ----- PLAN consistency ---------------------------------------------------------------


def test_plan_session_load_mismatch() -> None:
    scenario = make_scenario()
    plan = replace_session(scenario, clean_builder(scenario).build(), WED1, "pm", load=136)
    (violation,) = only(check(scenario, plan), "PLAN")
    assert "load 136 != 45 x rpe 3 = 135" in violation.message


def test_plan_session_attribute_mismatch() -> None:
    scenario = make_scenario()
    base = clean_builder(scenario).build()
    plan = replace_session(scenario, base, WED2, "pm", intensity="moderate")
    only(check(scenario, plan), "PLAN")
    unknown = replace_session(scenario, base, WED2, "pm", kind="moonwalk")
    only(check(scenario, unknown), "PLAN")
    hard = replace_session(scenario, base, TUE2, "pm", hard_minutes=19)
    only(check(scenario, hard), "PLAN")


def test_plan_days_coverage() -> None:
    scenario = make_scenario()
    plan = clean_builder(scenario).build()
    missing = rebuild(scenario, [d for d in plan.days if d.date != day(SUN2)])
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
    assert "load 1000 but the days give 1395" in load.message
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
    only(check(scenario, plan), "H04")


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
    assert [k[:2] for k in keys] == [(1, "H04"), (1, "H05"), (2, "H05")]


def test_builder_plans_are_self_consistent() -> None:
    scenario = make_scenario()
    plan = clean_builder(scenario).build()
    assert len(plan.days) == 14
    assert plan.weeks[0].minutes == 330
    assert plan.weeks[0].load == 1395
    assert plan.weeks[1].road_share == 0.5
    assert plan.days[1].sessions[0].slot is Slot.PM
