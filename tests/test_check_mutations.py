"""The independent checker against mutations of one solved plan (issue 4) and of hand-built
plans (rule contract v3).

`MUTATION_SCENARIO` is solved once (module fixture); the plan passes the checker. Then each
mutation breaks one hard rule on a copy of it with the plan_builder helpers, and the checker
must name that rule. The v3 rules' new parts are also broken on hand-built plans (last
section), which do not depend on what the solver returns.

A mutation of the solved plan works on whatever plan the solver returned: it pads a week
with sessions until a cap is crossed, or takes away what a recipe needs (or, when the plan
already lists the miss, takes the listing away). The weeks are re-summarised after every
edit, so a mutated plan stays self-consistent (no PLAN finding) and breaks rules only.

The scenario: an intermediate athlete with a knee injury (H19 rules out the downhill kinds),
4 weeks from Monday 2027-01-04 to a 15 km trail race on sun 2027-01-31 (taper 1 week);
recovery every 2nd week. Calendar: week 1 build, week 2 build (recovery), week 3 peak,
week 4 taper and race week. Baseline 300 minutes, load 1300, longest run 75. Pool only on
mon; wed 2027-01-13 closed by an exception; strength_mobility 30 pinned on wed 2027-01-06 pm.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import CliResult
from periodize.check import check
from periodize.plan import Plan, Session, WeekSummary
from periodize.rules import BP
from periodize.scenario import Scenario
from periodize.solve import SolveOptions, solve
from periodize.vocabulary import SLOTS, Modality, Slot
from plan_builder import PlanBuilder, day, set_sessions, with_shortfalls

RunCli = Callable[..., CliResult]

RACE = 27  # sun 2027-01-31
BLOCKED = 9  # wed 2027-01-13: closed by an exception
PINNED = 2  # wed 2027-01-06: strength_mobility 30 pm

MUTATION_SCENARIO: dict[str, Any] = {
    "name": "Mutation trail 15K",
    "start": day(0).isoformat(),
    "athlete": {
        "level": "intermediate",
        "weekly_minutes": 300,
        "weekly_load": 1300,
        "long_minutes": 75,
        "injuries": ["knee"],
    },
    "availability": {
        "mon": {"pm": 60},
        "tue": {"pm": 90},
        "wed": {"pm": 60},
        "thu": {"pm": 90},
        "fri": {"pm": 60},
        "sat": {"am": 150},
        "sun": {"am": 120},
    },
    "exceptions": [{"date": day(BLOCKED).isoformat()}],
    "terrain": {"road": "all", "trail": "all", "bike": "all", "pool": ["mon"]},
    "goal": {
        "race": {
            "name": "Trail 15K",
            "date": day(RACE).isoformat(),
            "kind": "trail",
            "distance_km": 15,
            "elevation_gain_m": 500,
        }
    },
    "rules": {"recovery_every": 2},
    "pinned": [
        {
            "date": day(PINNED).isoformat(),
            "slot": "pm",
            "kind": "strength_mobility",
            "minutes": 30,
        }
    ],
}


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return Scenario.model_validate(MUTATION_SCENARIO)


@pytest.fixture(scope="module")
def plan(scenario: Scenario) -> Plan:
    solved = solve(scenario, SolveOptions(time_limit_s=4, workers=2, seed=1))
    assert solved.has_plan, solved.status
    return solved


# ----- editing helpers ----------------------------------------------------------------


def sessions_of(plan: Plan, offset: int) -> list[Session]:
    (the_day,) = [d for d in plan.days if d.date == day(offset)]
    return list(the_day.sessions)


def summary(plan: Plan, index: int) -> WeekSummary:
    return plan.weeks[index - 1]


def week_offsets(index: int) -> range:
    return range(7 * (index - 1), min(7 * index, RACE))


def session(scenario: Scenario, kind: str, minutes: int, slot: Slot | str = Slot.PM) -> Session:
    return Session.of(scenario.catalogue[kind], Slot(slot), minutes)


def put(
    scenario: Scenario, plan: Plan, offset: int, kind: str, minutes: int, slot: str = "pm"
) -> Plan:
    """``plan`` with the day's sessions replaced by one of ``kind``."""
    return set_sessions(scenario, plan, offset, [session(scenario, kind, minutes, slot)])


def free_slots(scenario: Scenario, plan: Plan, index: int) -> list[tuple[int, Slot]]:
    """Unused slots of week ``index`` (race day and pinned day aside): open ones first."""
    slots = [
        (offset, slot)
        for offset in week_offsets(index)
        if offset != PINNED
        for slot in SLOTS
        if all(s.slot is not slot for s in sessions_of(plan, offset))
    ]
    return sorted(slots, key=lambda item: scenario.slot_minutes(day(item[0]), item[1]) == 0)


def pad(
    scenario: Scenario,
    plan: Plan,
    index: int,
    kind: str,
    minutes: int,
    until: Callable[[WeekSummary], bool],
) -> Plan:
    """Add sessions of ``kind`` to free slots of week ``index`` until ``until`` holds of
    the week."""
    for offset, slot in free_slots(scenario, plan, index):
        if until(summary(plan, index)):
            break
        extra = session(scenario, kind, minutes, slot)
        plan = set_sessions(scenario, plan, offset, [*sessions_of(plan, offset), extra])
    assert until(summary(plan, index)), "the mutation could not reach its target"
    return plan


def convert(
    scenario: Scenario,
    plan: Plan,
    index: int,
    kind: str,
    minutes: int,
    until: Callable[[WeekSummary], bool],
) -> Plan:
    """Replace whole days of week ``index`` (pinned day aside) by one session of ``kind``
    until ``until`` holds."""
    for offset in week_offsets(index):
        if until(summary(plan, index)):
            break
        if offset != PINNED and offset != BLOCKED:
            plan = put(scenario, plan, offset, kind, minutes)
    assert until(summary(plan, index)), "the mutation could not reach its target"
    return plan


def hide_recipe(
    scenario: Scenario, plan: Plan, rule: str, index: int, needed: Callable[[Session], bool]
) -> Plan:
    """Make the plan miss ``rule``'s recipe in week ``index`` without saying so: drop the
    shortfall when the plan lists one, else drop the sessions that meet the recipe."""
    listed = [s for s in plan.shortfalls if (s.rule, s.week) == (rule, index)]
    if listed:
        kept = tuple(s for s in plan.shortfalls if s not in listed)
        return plan.model_copy(update={"shortfalls": kept})
    for offset in week_offsets(index):
        held = sessions_of(plan, offset)
        if any(needed(s) for s in held):
            kept_sessions = [s for s in held if not needed(s)]
            plan = set_sessions(scenario, plan, offset, kept_sessions)
    return plan


# ----- the mutations, one per hard rule -----------------------------------------------


def break_h01(scenario: Scenario, plan: Plan) -> Plan:
    """Move a session of week 2 onto its closed wed 2027-01-13: the only session of its day,
    neither hard nor long, on a terrain reachable on a wed. Only H01 breaks: the week's sums
    and rest days stay the same."""
    offset, moved = next(
        (o, s)
        for o in week_offsets(2)
        for s in sessions_of(plan, o)
        if o != BLOCKED
        and len(sessions_of(plan, o)) == 1
        and not (s.hard or s.long)
        and scenario.reachable(s.terrain, day(BLOCKED))
    )
    plan = set_sessions(
        scenario, plan, offset, [s for s in sessions_of(plan, offset) if s != moved]
    )
    return set_sessions(scenario, plan, BLOCKED, [moved])


def break_h02(scenario: Scenario, plan: Plan) -> Plan:
    """A swim on tue of week 3: the pool is reachable on mon only."""
    return put(scenario, plan, 15, "swim_easy", 30)


def break_h03(scenario: Scenario, plan: Plan) -> Plan:
    """A second hard session on a day that holds one (in its other slot)."""
    found = [
        (o, s)
        for o in range(RACE)
        for s in sessions_of(plan, o)
        if s.hard and len(sessions_of(plan, o)) == 1
    ]
    offset, hard = found[0] if found else (1, session(scenario, "road_tempo", 30))
    other = Slot.AM if hard.slot is Slot.PM else Slot.PM
    extra = session(scenario, "road_intervals", 30, other)
    return set_sessions(scenario, plan, offset, [hard, extra])


def break_h04(scenario: Scenario, plan: Plan) -> Plan:
    """Fill every rest day of week 1 (needs 1)."""
    for offset in week_offsets(1):
        if not sessions_of(plan, offset):
            plan = put(scenario, plan, offset, "strength_mobility", 30)
    return plan


def break_h05(scenario: Scenario, plan: Plan) -> Plan:
    """A second hard session in the recovery week 2 (cap 1)."""
    return convert(scenario, plan, 2, "road_intervals", 30, lambda w: w.hard_sessions > 1)


def is_demanding(s: Session) -> bool:
    """rules.md v3: not a hike, and hard, a long run or of a kind flagged demanding."""
    if s.modality in (Modality.HIKE, Modality.RACE):
        return False
    return s.hard or (s.long and s.modality is Modality.RUN) or s.demanding


def break_h06(scenario: Scenario, plan: Plan) -> Plan:
    """A hard session the day after a demanding day."""
    demanding = [
        o
        for o in range(RACE - 4)
        if o + 1 not in (BLOCKED, PINNED) and any(is_demanding(s) for s in sessions_of(plan, o))
    ]
    if not demanding:  # no demanding day to follow: make one
        demanding = [0]
        plan = put(scenario, plan, 0, "road_intervals", 30)
    return put(scenario, plan, demanding[0] + 1, "road_intervals", 30)


def break_h07(scenario: Scenario, plan: Plan) -> Plan:
    """More than 6 sessions in week 1."""
    return pad(scenario, plan, 1, "strength_mobility", 30, lambda w: w.sessions > 6)


def break_h08(scenario: Scenario, plan: Plan) -> Plan:
    """No hike in build week 1, and no shortfall saying so."""
    return hide_recipe(scenario, plan, "H08", 1, lambda s: s.modality is Modality.HIKE)


def break_h09(scenario: Scenario, plan: Plan) -> Plan:
    """Week 1 minutes over 1.10 x 300 = 330 (ref and mean are the baseline)."""
    return pad(scenario, plan, 1, "bike_easy", 90, lambda w: w.minutes > 330)


def break_h10(scenario: Scenario, plan: Plan) -> Plan:
    """Peak week 3 above the most minutes and the most hard minutes of the four weeks
    before it (weeks -1 and 0 are the baseline: 300 minutes, 30 hard minutes)."""
    most_minutes = max(300, summary(plan, 1).minutes, summary(plan, 2).minutes)
    most_hard = max(30, summary(plan, 1).hard_minutes, summary(plan, 2).hard_minutes)
    plan = convert(scenario, plan, 3, "road_tempo", 60, lambda w: w.hard_minutes > most_hard)
    return pad(scenario, plan, 3, "bike_easy", 90, lambda w: w.minutes > most_minutes)


def break_h11(scenario: Scenario, plan: Plan) -> Plan:
    """Recovery week 2 above 0.80 x week 1's load."""
    load = summary(plan, 1).load
    return pad(scenario, plan, 2, "bike_easy", 90, lambda w: BP * w.load > 8000 * load)


def break_h12(scenario: Scenario, plan: Plan) -> Plan:
    """Week 1 load over 1.30 x the baseline 1300 = 1690."""
    return pad(scenario, plan, 1, "bike_easy", 90, lambda w: w.load > 1690)


def break_h13(scenario: Scenario, plan: Plan) -> Plan:
    """Week 1 days turned into tempo runs until hard minutes exceed 0.20 x minutes."""
    return convert(
        scenario, plan, 1, "road_tempo", 60, lambda w: BP * w.hard_minutes > 2000 * w.minutes
    )


def break_h14(scenario: Scenario, plan: Plan) -> Plan:
    """Two long sessions in week 1 (a long road run added, two if it had none)."""
    longs = sum(1 for o in week_offsets(1) for s in sessions_of(plan, o) if s.long)
    for offset, slot in free_slots(scenario, plan, 1)[: max(0, 2 - longs)]:
        extra = session(scenario, "road_long", 60, slot)
        plan = set_sessions(scenario, plan, offset, [*sessions_of(plan, offset), extra])
    return plan


def break_h15(scenario: Scenario, plan: Plan) -> Plan:
    """Week 1 (build, road 0.45-0.55 per week) padded with road runs past 0.65: past 0.55
    by more than half a 15-minute grid step of its 75+ run minutes (7.5 / 75 = 0.10)."""
    return pad(scenario, plan, 1, "road_easy", 60, lambda w: w.road_share > 0.65)


def break_h16(scenario: Scenario, plan: Plan) -> Plan:
    """No simulation session in the peak phase (charged to week 3), and no shortfall."""
    return hide_recipe(scenario, plan, "H16", 3, lambda s: s.simulation)


def break_h17(scenario: Scenario, plan: Plan) -> Plan:
    """Taper week 4 over 0.60 x the highest week before it."""
    top = max(w.minutes for w in plan.weeks[:3])
    return pad(scenario, plan, 4, "bike_easy", 90, lambda w: BP * w.minutes > 6000 * top)


def break_h18(scenario: Scenario, plan: Plan) -> Plan:
    """The race moved to the day before race day, into a slot left free there (same week:
    no sum changes)."""
    (race,) = sessions_of(plan, RACE)
    eve = sessions_of(plan, RACE - 1)
    slot = next(slot for slot in SLOTS if all(s.slot is not slot for s in eve))
    plan = set_sessions(scenario, plan, RACE - 1, [*eve, race.model_copy(update={"slot": slot})])
    return set_sessions(scenario, plan, RACE, [])


def break_h19(scenario: Scenario, plan: Plan) -> Plan:
    """Technical downhill practice (downhill stress) for an athlete with a knee injury (v3:
    the long trail run no longer carries downhill)."""
    return put(scenario, plan, 19, "downhill_technique", 30, "am")


def break_h20(scenario: Scenario, plan: Plan) -> Plan:
    """The pinned session dropped."""
    kept = [s for s in sessions_of(plan, PINNED) if s.kind != "strength_mobility"]
    return set_sessions(scenario, plan, PINNED, kept)


def break_h22(scenario: Scenario, plan: Plan) -> Plan:
    """No strength session in peak week 3, and no shortfall saying so."""
    return hide_recipe(scenario, plan, "H22", 3, lambda s: s.modality is Modality.STRENGTH)


def move_pin(scenario: Scenario, plan: Plan) -> Plan:
    """The pinned session moved to an open slot of a rest day of week 1: the week's sums and
    rest days stay the same, only H20 breaks."""
    (pinned,) = [s for s in sessions_of(plan, PINNED) if s.kind == "strength_mobility"]
    offset, slot = next(
        (o, slot)
        for o in week_offsets(1)
        if not sessions_of(plan, o)
        for slot in SLOTS
        if scenario.slot_minutes(day(o), slot) >= pinned.minutes
    )
    plan = break_h20(scenario, plan)
    return set_sessions(scenario, plan, offset, [pinned.model_copy(update={"slot": slot})])


MUTATIONS: dict[str, Callable[[Scenario, Plan], Plan]] = {
    "H01": break_h01,
    "H02": break_h02,
    "H03": break_h03,
    "H04": break_h04,
    "H05": break_h05,
    "H06": break_h06,
    "H07": break_h07,
    "H08": break_h08,
    "H09": break_h09,
    "H10": break_h10,
    "H11": break_h11,
    "H12": break_h12,
    "H13": break_h13,
    "H14": break_h14,
    "H15": break_h15,
    "H16": break_h16,
    "H17": break_h17,
    "H18": break_h18,
    "H19": break_h19,
    "H20": break_h20,
    "H22": break_h22,
}
"""Mutations of the solved plan. H21 needs a road race: it is broken on a hand-built plan
(`V3_MUTATIONS`)."""


# ----- the tests ----------------------------------------------------------------------


def test_solved_plan_is_clean(scenario: Scenario, plan: Plan) -> None:
    assert [(w.phase, w.recovery, w.days) for w in plan.weeks] == [
        ("build", False, 7),
        ("build", True, 7),
        ("peak", False, 7),
        ("taper", False, 7),
    ]
    assert check(scenario, plan) == []


def test_every_hard_rule_has_a_mutation() -> None:
    hand_built = {rule for rule, _ in V3_MUTATIONS.values()}
    assert set(MUTATIONS) | hand_built == {f"H{i:02d}" for i in range(1, 23)}


@pytest.mark.parametrize("rule", sorted(MUTATIONS))
def test_mutation_is_caught(scenario: Scenario, plan: Plan, rule: str) -> None:
    mutated = MUTATIONS[rule](scenario, plan)
    assert mutated != plan
    found = {v.rule for v in check(scenario, mutated)}
    assert rule in found, found
    assert "PLAN" not in found


@pytest.mark.parametrize(
    ("rule", "mutate"), [("H01", break_h01), ("H18", break_h18), ("H20", move_pin)]
)
def test_mutation_without_side_effects_is_caught_alone(
    scenario: Scenario, plan: Plan, rule: str, mutate: Callable[[Scenario, Plan], Plan]
) -> None:
    """Mutations that leave every weekly sum as it was break one rule, and the checker
    reports that rule and nothing else."""
    mutated = mutate(scenario, plan)
    assert [w.model_dump(exclude={"rest_days"}) for w in mutated.weeks] == [
        w.model_dump(exclude={"rest_days"}) for w in plan.weeks
    ]
    assert {v.rule for v in check(scenario, mutated)} == {rule}


def test_unlisted_soft_miss_is_caught_as_a_recipe(scenario: Scenario, plan: Plan) -> None:
    """Hiding a recipe miss is a recipe violation; listing it again answers it (other rules
    may still object: a week without its hike carries less load, which moves H09's
    reference for later weeks)."""
    hidden = break_h08(scenario, plan)
    (violation,) = [v for v in check(scenario, hidden) if v.rule == "H08"]
    assert violation.recipe
    assert violation.week == 1
    if ("H08", 1) not in {(s.rule, s.week) for s in hidden.shortfalls}:
        listed = with_shortfalls(hidden, ("H08", 1))
        assert "H08" not in {v.rule for v in check(scenario, listed)}


# ----- through the command line -------------------------------------------------------


def write_json(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture
def scenario_file(tmp_path: Path) -> str:
    return write_json(tmp_path / "scenario.json", json.dumps(MUTATION_SCENARIO))


def test_cli_check_clean_plan(
    run_cli: RunCli, scenario_file: str, plan: Plan, tmp_path: Path
) -> None:
    plan_file = write_json(tmp_path / "plan.json", plan.to_json())
    result = run_cli("check", scenario_file, plan_file)
    assert result.exit_code == 0, result.stdout
    assert result.stdout == ""
    assert "no violation" in result.stderr


@pytest.mark.parametrize("rule", ["H18", "H20"])
def test_cli_check_names_the_broken_rule(
    run_cli: RunCli, scenario_file: str, scenario: Scenario, plan: Plan, rule: str, tmp_path: Path
) -> None:
    mutated = MUTATIONS[rule](scenario, plan)
    plan_file = write_json(tmp_path / "plan.json", mutated.to_json())
    result = run_cli("check", scenario_file, plan_file)
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith(f"{rule} ") for line in lines), lines
    assert "violation" in result.stderr


# ----- v3 rules on hand-built plans ---------------------------------------------------
#
# `V3_SCENARIO`: an intermediate athlete, 5 weeks from Monday 2027-01-04 to a trail 21K
# with 600 m of climbing (28.6 m per km: H16 wants hills) on sun 2027-02-07; taper 2 weeks
# (21 km), recovery every 2nd week: week 1 build, 2 build (recovery), 3 peak, 4 taper,
# 5 taper and race week (7 days, 6 before race day). Every day am 60 / pm 150, every
# terrain every day. Baseline 300 min, load 1300, longest run and hike 90. Race time
# 6.5 x (21 + 6) = 176 min, long goal 0.6 x 176 = 105: long targets 105 in weeks 1 and 3,
# long floors grid_down(floor(0.80 x 105) = 84) = 75 (the growth caps allow 105).
#
# `v3_builder` (all pm; day offsets from the start):
#   week 1  mon strength_mobility 30, tue road_intervals 45, wed trail_easy 75,
#           fri road_easy 30, sat hike_long 90 (the long session, a hike and a hill
#           session): 270 min, load 1260, road 75 / run 150 = 0.50, easy runs 105 / 150
#   week 2  mon strength_mobility 45, tue road_tempo 30, thu trail_easy 60, fri road_easy
#           30, sat hike_easy 45: 210 min <= 0.80 x 270 = 216, load 900 in [0.70, 0.80] x
#           1260 = [882, 1008], 5 sessions <= 6 - 1, no double
#   week 3  mon strength_mobility 30, tue hill_repeats 45, wed road_easy 45, thu
#           trail_night 45 (the simulation), fri road_easy 45, sat trail_long 75: 285 min
#           <= 1.10 x 270 = 297, load 1380 <= 1.10 x 1260 = 1386, trail 165 / run 255 =
#           0.65, easy runs 165 / 255 = 0.65
#   week 4  tue road_tempo 30, wed trail_easy 45, thu road_easy 30, sat trail_easy 45:
#           150 min in [0.40, 0.60] x 285 = [114, 171], trail 90 / 150 = 0.60
#   week 5  mon road_tempo 30 (6 days before the race), tue trail_easy 30, wed road_easy
#           30, sat road_recovery 30, sun race: 120 min, 120 x 7 <= 150 x 6; rest on thu
#           and fri

V3_RACE = 34  # sun 2027-02-07

V3_SCENARIO: dict[str, Any] = {
    "name": "v3 hand-built trail 21K",
    "start": day(0).isoformat(),
    "athlete": {
        "level": "intermediate",
        "weekly_minutes": 300,
        "weekly_load": 1300,
        "long_minutes": 90,
        "long_hike_minutes": 90,
    },
    "availability": {
        weekday: {"am": 60, "pm": 150}
        for weekday in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    },
    "terrain": dict.fromkeys(("road", "trail", "hills", "bike", "gym", "pool"), "all"),
    "goal": {
        "race": {
            "name": "Trail 21K",
            "date": day(V3_RACE).isoformat(),
            "kind": "trail",
            "distance_km": 21,
            "elevation_gain_m": 600,
        }
    },
    "rules": {"recovery_every": 2},
}

V3_SESSIONS: tuple[tuple[int, str, int], ...] = (
    # week 1, build
    (0, "strength_mobility", 30),
    (1, "road_intervals", 45),
    (2, "trail_easy", 75),
    (4, "road_easy", 30),
    (5, "hike_long", 90),
    # week 2, build, recovery
    (7, "strength_mobility", 45),
    (8, "road_tempo", 30),
    (10, "trail_easy", 60),
    (11, "road_easy", 30),
    (12, "hike_easy", 45),
    # week 3, peak
    (14, "strength_mobility", 30),
    (15, "hill_repeats", 45),
    (16, "road_easy", 45),
    (17, "trail_night", 45),
    (18, "road_easy", 45),
    (19, "trail_long", 75),
    # week 4, taper
    (22, "road_tempo", 30),
    (23, "trail_easy", 45),
    (24, "road_easy", 30),
    (26, "trail_easy", 45),
    # week 5, taper and race week
    (28, "road_tempo", 30),
    (29, "trail_easy", 30),
    (30, "road_easy", 30),
    (33, "road_recovery", 30),
)
"""`v3_builder`'s sessions (all pm) as (day offset, kind, minutes)."""


def v3_scenario() -> Scenario:
    return Scenario.model_validate(V3_SCENARIO)


def v3_builder(scenario: Scenario) -> PlanBuilder:
    builder = PlanBuilder(scenario)
    for offset, kind, minutes in V3_SESSIONS:
        builder.add(offset, kind, minutes)
    return builder.add(V3_RACE, "race", scenario.race_minutes(), "am")


# The road 10K of tests/test_check.py for H21: 2 weeks to sat 2027-01-16, week 1 peak,
# week 2 taper and race week. Week 1: tue road_intervals 45, wed road_easy 45, thu
# trail_easy 60, fri road_easy 45, sat road_long 90, sun strength_mobility 30 (315 min,
# road 225 / run 285 = 0.79); week 2: mon road_tempo 30, wed road_easy 60, fri
# road_recovery 30, sat race.

ROAD_SCENARIO: dict[str, Any] = {
    **V3_SCENARIO,
    "name": "v3 hand-built road 10K",
    "athlete": {**V3_SCENARIO["athlete"], "weekly_load": 1400},
    "availability": {
        weekday: {"am": 60, "pm": 120}
        for weekday in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    },
    "goal": {
        "race": {"name": "10K", "date": day(12).isoformat(), "kind": "road", "distance_km": 10}
    },
    "rules": {},
}


def road_scenario() -> Scenario:
    return Scenario.model_validate(ROAD_SCENARIO)


def road_builder(scenario: Scenario) -> PlanBuilder:
    return (
        PlanBuilder(scenario)
        .add(1, "road_intervals", 45)
        .add(2, "road_easy", 45)
        .add(3, "trail_easy", 60)
        .add(4, "road_easy", 45)
        .add(5, "road_long", 90)
        .add(6, "strength_mobility", 30)
        .add(7, "road_tempo", 30)
        .add(9, "road_easy", 60)
        .add(11, "road_recovery", 30)
        .add(12, "race", scenario.race_minutes(), "am")
    )


Mutation = Callable[[Scenario], PlanBuilder]


def swap(
    builder: PlanBuilder, offset: int, kind: str, minutes: int, slot: str = "pm"
) -> PlanBuilder:
    """``builder`` with the day's sessions replaced by one of ``kind``."""
    return builder.clear(offset).add(offset, kind, minutes, slot)


V3_MUTATIONS: dict[str, tuple[str, Mutation]] = {
    # H03: a pm-only kind (the night run) in the am slot.
    "kind slot": ("H03", lambda s: swap(v3_builder(s), 17, "trail_night", 45, "am")),
    # H03: the hill repeats moved beside the long run: two demanding sessions in a day.
    "demanding pair": (
        "H03",
        lambda s: v3_builder(s).clear(15).add(19, "hill_repeats", 45, "am"),
    ),
    # H03: week 1's trail_easy 75 split into am 30 and pm 45 the same day.
    "same kind": (
        "H03",
        lambda s: v3_builder(s).clear(2).add(2, "trail_easy", 30, "am").add(2, "trail_easy", 45),
    ),
    # H03: two strength sessions in a day (week 3 grows past H09's cap too).
    "two strength": (
        "H03",
        lambda s: swap(v3_builder(s), 14, "strength_mobility", 30, "am").add(
            14, "gym_strength", 30
        ),
    ),
    # H06: the night run (demanding by flag only) moved the day after the hill repeats.
    "demanding by flag": (
        "H06",
        lambda s: swap(swap(v3_builder(s), 16, "trail_night", 45), 17, "road_easy", 45),
    ),
    # H10: week 3 at 315 min > 300 and 54 hard minutes > 30 (the baseline-filled maxima of
    # the four weeks before): wed road_easy 45 -> road_tempo 60, fri road_easy 45 -> 60.
    # H09 and others object too.
    "both levers": (
        "H10",
        lambda s: swap(swap(v3_builder(s), 16, "road_tempo", 60), 18, "road_easy", 60),
    ),
    # H11: recovery week 2 at 225 min > 0.80 x 270 = 216 (load 945 within its bounds).
    "recovery minutes": ("H11", lambda s: swap(v3_builder(s), 12, "hike_easy", 60)),
    # H11: a double in recovery week 2 (fri road_easy moved beside tue's tempo run).
    "recovery double": (
        "H11",
        lambda s: v3_builder(s).clear(11).add(8, "road_easy", 30, "am"),
    ),
    # H11: 6 sessions in recovery week 2 (thu trail_easy 60 split over thu and sun).
    "recovery sessions": (
        "H11",
        lambda s: swap(v3_builder(s), 10, "trail_easy", 30).add(13, "trail_easy", 30),
    ),
    # H13: taper week 4's sat trail_easy -> trail_night: easy runs 75 / 150 < 0.60.
    "easy run share": ("H13", lambda s: swap(v3_builder(s), 26, "trail_night", 45)),
    # H14 (recipe): week 3's trail_long 75 -> 60, below the floor 75, not listed.
    "long floor": ("H14", lambda s: swap(v3_builder(s), 19, "trail_long", 60)),
    # H16 (recipe): week 1 without a hill session (hike_long -> trail_long, wed trail_easy
    # -> hike_easy keeps a hike and the road share).
    "hill session": (
        "H16",
        lambda s: swap(swap(v3_builder(s), 5, "trail_long", 90), 2, "hike_easy", 75),
    ),
    # H17: race week 135 min: 135 x 7 > 150 x 6.
    "falling volume": ("H17", lambda s: swap(v3_builder(s), 29, "trail_easy", 45)),
    # H18: the tempo run on wed, 4 days before the race.
    "quiet days": (
        "H18",
        lambda s: swap(swap(v3_builder(s), 28, "road_easy", 30), 30, "road_tempo", 30),
    ),
    # H18: a session on each of the 6 days before the race (H17's cap objects too).
    "rest day": (
        "H18",
        lambda s: v3_builder(s).add(31, "bike_easy", 30).add(32, "swim_easy", 30),
    ),
    # H21: a night trail run in the road 10K's peak week.
    "specificity": ("H21", lambda s: swap(road_builder(s), 3, "trail_night", 60)),
    # H22 (recipe): week 3's strength session -> bike_easy 30, not listed.
    "strength": ("H22", lambda s: swap(v3_builder(s), 14, "bike_easy", 30)),
}
"""Hand-built mutations of the v3 rules: name -> (rule broken, plan builder)."""

CAUGHT_ALONE = frozenset(V3_MUTATIONS) - {"two strength", "both levers", "rest day"}
"""The mutations that break their rule and nothing else."""


def scenario_for(rule: str) -> Scenario:
    return road_scenario() if rule == "H21" else v3_scenario()


def test_v3_base_plans_are_clean() -> None:
    scenario = v3_scenario()
    assert [(w.phase, w.recovery, w.days) for w in scenario.calendar] == [
        ("build", False, 7),
        ("build", True, 7),
        ("peak", False, 7),
        ("taper", False, 7),
        ("taper", False, 7),
    ]
    assert scenario.race is not None
    assert scenario.race.climbing_per_km >= 25
    assert check(scenario, v3_builder(scenario).build()) == []
    road = road_scenario()
    assert [(w.phase, w.days) for w in road.calendar] == [("peak", 7), ("taper", 6)]
    assert check(road, road_builder(road).build()) == []


@pytest.mark.parametrize("name", sorted(V3_MUTATIONS))
def test_v3_mutation_is_caught(name: str) -> None:
    rule, mutate = V3_MUTATIONS[name]
    scenario = scenario_for(rule)
    found = {v.rule for v in check(scenario, mutate(scenario).build())}
    assert rule in found, found
    assert "PLAN" not in found
    if name in CAUGHT_ALONE:
        assert found == {rule}


@pytest.mark.parametrize("name", ["long floor", "hill session", "strength"])
def test_v3_recipe_mutations_are_recipe_misses(name: str) -> None:
    """A hidden recipe miss is a recipe violation, and listing its (rule, week) answers it."""
    rule, mutate = V3_MUTATIONS[name]
    scenario = scenario_for(rule)
    plan = mutate(scenario).build()
    (violation,) = [v for v in check(scenario, plan) if v.rule == rule]
    assert violation.recipe
    assert violation.week is not None
    assert check(scenario, with_shortfalls(plan, (rule, violation.week))) == []
