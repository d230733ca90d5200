"""The CP-SAT model, rule by rule: for each hard rule a tiny scenario in which the rule is
binding, solved, with the outcome worked out by hand in a comment next to the assertion.

Every scenario derives from `PROBE`: a beginner (no H16, no taper H05 minimum), one week from
Monday 2027-01-04, road reachable every day, no hikes wanted (H08 off), every terrain band
[0, 1] (H15 off), no strength wanted (H22 off), no easy run share (H13's second part off)
and no long floor or long progression (H14's floor, S6 off), so that only the rule under
test and the ones named in a test shape the plan. Beginner defaults that matter below:
sessions 3-4 (H07), hard sessions 0-1 (H05), 2 rest days (H04), no doubles (H03), long run
share 0.50 (H14), phase scope (H15).
The objective keeps only the load trajectory (S2; S1 and S3 weigh 0), so a load target far
above what a week may hold pulls the week's load up to the cap under test: that is how a
cap is shown to bind.

Every solved plan must also pass the independent checker without a single violation.
H01, H02 and H19 prune the model's domains; they are tested through solved plans too.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

from periodize.check import check
from periodize.plan import Plan, Session, Status, WeekSummary
from periodize.scenario import Scenario
from periodize.solve import SolveOptions, solve
from periodize.vocabulary import WEEKDAYS, Intensity, Modality, Slot, Stress, Terrain
from plan_builder import day

# Day offsets from Monday 2027-01-04 (week 1) and Monday 2027-01-11 (week 2).
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
MON2, TUE2, WED2, THU2, FRI2, SAT2, SUN2 = range(7, 14)

NEUTRAL_BANDS = {name: [0.0, 1.0] for name in ("base", "build", "peak_trail", "peak_road")}

PROBE: dict[str, Any] = {
    "name": "rule probe",
    "start": day(MON).isoformat(),
    "weeks": 1,
    "athlete": {
        "level": "beginner",
        "weekly_minutes": 300,
        "weekly_load": 1200,
        "long_minutes": 60,
    },
    "availability": {},
    "terrain": {"road": "all"},
    "rules": {
        "min_hikes_per_week": 0,
        "ratio_bands": NEUTRAL_BANDS,
        "min_strength_per_week": 0,
        "min_easy_run_share": 0.0,
        "long_floor": 0.0,
    },
    "objective": {"systems_balance": 0, "variety": 0, "long_progression": 0},
}


def probe(
    *, athlete: dict[str, Any] | None = None, rules: dict[str, Any] | None = None, **top: Any
) -> Scenario:
    """`PROBE` with ``athlete`` and ``rules`` entries updated and other top-level keys
    replaced (a ``None`` value removes the key or rule)."""
    data = copy.deepcopy(PROBE)
    for section, changes in (("athlete", athlete), ("rules", rules)):
        for key, value in (changes or {}).items():
            if value is None:
                data[section].pop(key, None)
            else:
                data[section][key] = value
    for key, value in top.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return Scenario.model_validate(data)


def every_day(**slots: int) -> dict[str, dict[str, int]]:
    """The same slots on all seven weekdays."""
    return {weekday.value: dict(slots) for weekday in WEEKDAYS}


def closed(*offsets: int) -> list[dict[str, str]]:
    """Exceptions closing the given dates entirely."""
    return [{"date": day(offset).isoformat()} for offset in offsets]


def options(time_limit_s: float = 2.0) -> SolveOptions:
    return SolveOptions(time_limit_s=time_limit_s, workers=2, seed=1)


def solved(scenario: Scenario, time_limit_s: float = 2.0) -> Plan:
    """Solve ``scenario``; assert a plan came back and the checker finds nothing in it."""
    plan = solve(scenario, options(time_limit_s))
    assert plan.status in (Status.OPTIMAL, Status.FEASIBLE), plan.status
    violations = check(scenario, plan)
    assert violations == [], [f"{v.rule}: {v.message}" for v in violations]
    return plan


def assert_infeasible(scenario: Scenario, time_limit_s: float = 2.0) -> None:
    plan = solve(scenario, options(time_limit_s))
    assert plan.status is Status.INFEASIBLE
    assert plan.days == ()


def sessions_on(plan: Plan, offset: int) -> tuple[Session, ...]:
    (the_day,) = [d for d in plan.days if d.date == day(offset)]
    return the_day.sessions


def week(plan: Plan, index: int) -> WeekSummary:
    return plan.weeks[index - 1]


def training(plan: Plan) -> list[tuple[dt.date, Session]]:
    """Every session but the race, with its date."""
    return [(date, s) for date, s in plan.sessions() if s.modality is not Modality.RACE]


def missed(plan: Plan) -> set[tuple[str, int | None]]:
    """The recipe (rule, week) pairs the plan lists as missed (H15 waivers left out)."""
    return {(s.rule, s.week) for s in plan.shortfalls if s.rule != "H15"}


def longest_run(plan: Plan, index: int) -> int:
    start = day(7 * (index - 1))
    end = start + dt.timedelta(days=6)
    return max(
        (s.minutes for d, s in training(plan) if start <= d <= end and s.modality is Modality.RUN),
        default=0,
    )


# ----- H01 H02 H19: facts that prune the domains --------------------------------------


def test_h01_sessions_fit_open_slots_on_the_grid() -> None:
    """Every day opens pm 50; an exception closes wed, another opens fri for am 40 only.
    A 50-minute slot holds 45 (3 x 15), a 40-minute slot 30; baseline load 2000 pulls
    every session to the longest that fits: 5 x 45 + 30 = 255 minutes (H09 allows 440)."""
    scenario = probe(
        athlete={"weekly_minutes": 400, "weekly_load": 2000},
        availability=every_day(pm=50),
        exceptions=[*closed(WED), {"date": day(FRI).isoformat(), "am": 40}],
        rules={"sessions_per_week": [0, 7], "min_rest_days": 0},
    )
    plan = solved(scenario, 3.0)
    assert sessions_on(plan, WED) == ()
    (friday,) = sessions_on(plan, FRI)
    assert (friday.slot, friday.minutes) == (Slot.AM, 30)
    for offset in (MON, TUE, THU, SAT, SUN):
        (session,) = sessions_on(plan, offset)
        assert (session.slot, session.minutes) == (Slot.PM, 45)
    assert week(plan, 1).minutes == 255


def test_h02_trail_only_where_it_is_reachable() -> None:
    """Trail is reachable only on sat; strict H08 wants 2 hikes and a hike is on trail, so
    both go to sat, one per slot: the one double the week may hold."""
    scenario = probe(
        availability={**every_day(pm=60), "sat": {"am": 120, "pm": 120}},
        terrain={"road": "all", "trail": ["sat"]},
        rules={"min_hikes_per_week": 2, "max_doubles_per_week": 1, "recipes": "strict"},
    )
    plan = solved(scenario)
    on_trail = [(d, s) for d, s in training(plan) if s.terrain in (Terrain.TRAIL, Terrain.HILLS)]
    assert {d for d, _ in on_trail} == {day(SAT)}
    saturday = sessions_on(plan, SAT)
    assert [s.modality for s in saturday] == [Modality.HIKE, Modality.HIKE]


def test_h19_knee_injury_rules_out_downhill_practice_only() -> None:
    """Only trail is reachable; a knee injury excludes the one kind built around fast
    descending (downhill_technique). Long trail runs and long hikes stay open (v3: poles and
    walked descents spare the knee), so H14's long session is planned, not a shortfall."""
    scenario = probe(
        athlete={"injuries": ["knee"]},
        availability=every_day(pm=90),
        terrain={"trail": "all"},
    )
    plan = solved(scenario)
    assert training(plan)
    assert all(Stress.DOWNHILL not in s.stresses for _, s in training(plan))
    assert all(s.kind != "downhill_technique" for _, s in training(plan))
    assert any(s.long for _, s in training(plan))
    assert ("H14", 1) not in missed(plan)


def test_h19_shin_injury_rules_out_every_run() -> None:
    """Every run kind stresses impact, which a shin injury excludes: the plan holds hikes
    and cross-training only."""
    scenario = probe(
        athlete={"injuries": ["shin"]},
        availability=every_day(pm=90),
        terrain={"road": "all", "trail": "all", "bike": "all"},
    )
    plan = solved(scenario)
    assert training(plan)
    assert all(Stress.IMPACT not in s.stresses for _, s in training(plan))
    assert all(s.modality is not Modality.RUN for _, s in training(plan))


# ----- H03 doubles and hard days ------------------------------------------------------

TWO_DOUBLE_DAYS = {"tue": {"am": 60, "pm": 60}, "thu": {"am": 60, "pm": 60}}


def h03_scenario(max_doubles: int, recipes: str) -> Scenario:
    """4 sessions (H07 [4, 4]), 1 hard one (H05 [1, 1]) and the week's long run (H14) in
    the four slots of tue and thu."""
    return probe(
        availability=TWO_DOUBLE_DAYS,
        rules={
            "sessions_per_week": [4, 4],
            "hard_sessions": [1, 1],
            "max_doubles_per_week": max_doubles,
            "min_rest_days": 0,
            "recipes": recipes,
        },
    )


def test_h03_two_doubles_one_demanding_session_each() -> None:
    """4 sessions in 4 slots on 2 days: both days are doubles (2 <= max 2). The hard
    session and the long run are both demanding, and no day holds two demanding sessions,
    so each day holds exactly one of them."""
    plan = solved(h03_scenario(2, "strict"))
    for offset in (TUE, THU):
        sessions = sessions_on(plan, offset)
        assert sorted(s.slot for s in sessions) == [Slot.AM, Slot.PM]
        assert sum(s.hard or (s.long and s.modality is Modality.RUN) for s in sessions) == 1
    assert week(plan, 1).rest_days == 5


def test_h03_doubles_cap_strict_is_infeasible() -> None:
    """With at most 1 double, 2 days hold at most 3 sessions < H07's 4."""
    assert_infeasible(h03_scenario(1, "strict"))


def test_h03_doubles_cap_soft_is_an_h07_shortfall() -> None:
    """The soft twin: 3 sessions (one double), and the miss is H07 in week 1."""
    plan = solved(h03_scenario(1, "soft"))
    assert week(plan, 1).sessions == 3
    assert missed(plan) == {("H07", 1)}
    (shortfall,) = [s for s in plan.shortfalls if s.rule == "H07"]
    assert shortfall.message.startswith("week 1: 3 sessions < 4 wanted")


def test_h03_two_strength_sessions_never_share_a_day() -> None:
    """Only Monday is open (am 45 + pm 45, a double allowed); two strength sessions are
    wanted (H22 via min_strength_per_week 2) and only strength kinds are reachable (gym and
    home): H03 forbids two strength sessions in one day, so one is planned and H22 is a
    listed miss."""
    scenario = probe(
        availability={"mon": {"am": 45, "pm": 45}},
        terrain={"gym": "all"},
        rules={"min_strength_per_week": 2, "max_doubles_per_week": 1, "sessions_per_week": [0, 4]},
    )
    plan = solved(scenario)
    assert [s.modality for _, s in training(plan)] == [Modality.STRENGTH]
    assert ("H22", 1) in missed(plan)


def test_h03_night_run_only_in_the_evening() -> None:
    """trail_night may take pm only (its slots): with only morning slots open on trail
    days, the strict simulation pin-free plan never holds it in the morning."""
    scenario = probe(
        availability=every_day(am=90),
        terrain={"trail": "all"},
        rules={"sessions_per_week": [0, 7], "min_rest_days": 0},
    )
    plan = solved(scenario)
    assert all(s.kind != "trail_night" for _, s in training(plan))


# ----- H04 rest days ------------------------------------------------------------------


def test_h04_rest_days_with_doubles() -> None:
    """H07 [6, 6] on 7 days of am 60 + pm 60, at most 2 doubles, at least 3 rest days:
    6 sessions need >= 6 - 2 = 4 training days, H04 allows <= 7 - 3 = 4, so exactly 4
    training days, 2 of them doubles, and 3 rest days."""
    scenario = probe(
        availability=every_day(am=60, pm=60),
        rules={
            "sessions_per_week": [6, 6],
            "min_rest_days": 3,
            "max_doubles_per_week": 2,
            "recipes": "strict",
        },
    )
    plan = solved(scenario)
    summary = week(plan, 1)
    assert (summary.sessions, summary.rest_days) == (6, 3)
    assert sum(1 for d in plan.days if len(d.sessions) == 2) == 2


# ----- H05 hard sessions --------------------------------------------------------------

RACE_DAY = SAT2  # sat 2027-01-16: a 10 km race; week 1 peak, week 2 taper (6 days)


def race_probe(**changes: Any) -> Scenario:
    """A 2-week plan to a 10 km road race on sat of week 2 (taper 1 week: H17)."""
    race = {"name": "10K", "date": day(RACE_DAY).isoformat(), "kind": "road", "distance_km": 10}
    return probe(weeks=None, goal={"race": race}, **changes)


@pytest.mark.parametrize(("hard_hi", "feasible"), [(1, False), (2, True)])
def test_h05_race_counts_as_hard(hard_hi: int, feasible: bool) -> None:
    """A road_tempo pinned on mon of race week: race + pin = 2 hard sessions, over a cap of 1
    (infeasible) and within a cap of 2, where the pin is then the week's only hard
    training session."""
    pin = {"date": day(MON2).isoformat(), "slot": "pm", "kind": "road_tempo", "minutes": 45}
    scenario = race_probe(
        athlete={"level": "intermediate"},
        availability=every_day(pm=60),
        pinned=[pin],
        rules={"hard_sessions": [1, hard_hi]},
    )
    if not feasible:
        assert_infeasible(scenario)
        return
    plan = solved(scenario)
    assert week(plan, 2).hard_sessions == 2
    hard = [(d, s.kind) for d, s in training(plan) if s.hard and d >= day(MON2)]
    assert hard == [(day(MON2), "road_tempo")]


def test_h05_recovery_week_allows_one_hard_session() -> None:
    """Week 2 is a recovery week (recovery_every 2): at most 1 hard session, though the
    recipe wants 2 (hard_sessions [2, 2]); week 1 holds its 2, week 2's miss is listed."""
    scenario = probe(
        weeks=2,
        availability=every_day(pm=60),
        rules={"hard_sessions": [2, 2], "recovery_every": 2},
    )
    plan = solved(scenario, 3.0)
    assert week(plan, 2).recovery
    assert week(plan, 1).hard_sessions == 2
    assert week(plan, 2).hard_sessions <= 1
    assert missed(plan) == {("H05", 2)}


def simulation_week(phase: str, pinned_kind: str) -> Scenario:
    """One intermediate week (hard sessions [1, 2]) under strict recipes: thu pm 60 holds a
    pinned trail session, sat am 120 is the only other slot and must hold the week's long
    session (H14's recipe), so no day is left for a hard one."""
    pin = {"date": day(THU).isoformat(), "slot": "pm", "kind": pinned_kind, "minutes": 60}
    return probe(
        athlete={"level": "intermediate", "long_minutes": 90},
        availability={"thu": {"pm": 60}, "sat": {"am": 120}},
        terrain={"road": "all", "trail": ["thu", "sat"]},
        phases=[phase],
        pinned=[pin],
        rules={"sessions_per_week": [2, 4], "hard_sessions": [1, 2], "recipes": "strict"},
    )


@pytest.mark.parametrize(
    ("phase", "pinned_kind", "feasible"),
    [("peak", "trail_night", True), ("peak", "trail_easy", False), ("build", "trail_night", False)],
)
def test_h05_a_peak_weeks_simulation_session_counts_toward_the_minimum(
    phase: str, pinned_kind: str, feasible: bool
) -> None:
    """H05 wants 1 hard session and neither day can hold one. In a peak week the pinned
    night run (a simulation kind, moderate) counts toward that minimum: feasible, with the
    night run and the long session the week's two sessions. An easy trail run counts for
    nothing, and in a build week neither does the night run: strict is infeasible."""
    scenario = simulation_week(phase, pinned_kind)
    if not feasible:
        assert_infeasible(scenario)
        return
    plan = solved(scenario)
    assert week(plan, 1).hard_sessions == 0
    assert [s.kind for s in sessions_on(plan, THU)] == ["trail_night"]
    assert [s.long for s in sessions_on(plan, SAT)] == [True]


# ----- H06 back-to-back ---------------------------------------------------------------


def test_h06_no_back_to_back_demanding_days() -> None:
    """mon, tue and wed open (pm 90), 3 sessions, 2 of them hard: hard days cannot touch,
    so they are mon and wed; tue holds the week's long session, which cannot be a long run
    (demanding) and so is a long hike on trail (reachable on tue only)."""
    scenario = probe(
        availability={"mon": {"pm": 90}, "tue": {"pm": 90}, "wed": {"pm": 90}},
        terrain={"road": "all", "trail": ["tue"]},
        rules={"sessions_per_week": [3, 3], "hard_sessions": [2, 2], "recipes": "strict"},
    )
    plan = solved(scenario)
    assert {d for d, s in training(plan) if s.hard} == {day(MON), day(WED)}
    (tuesday,) = sessions_on(plan, TUE)
    assert (tuesday.kind, tuesday.hard) == ("hike_long", False)


# ----- H07 sessions cap ---------------------------------------------------------------


def test_h07_sessions_cap() -> None:
    """7 open days of pm 45 and baseline load 2000: every extra session helps S2, so the
    plan holds exactly the cap of 4 sessions."""
    scenario = probe(
        athlete={"weekly_minutes": 400, "weekly_load": 2000},
        availability=every_day(pm=45),
        rules={"sessions_per_week": [0, 4], "min_rest_days": 0},
    )
    plan = solved(scenario)
    assert (week(plan, 1).sessions, week(plan, 1).rest_days) == (4, 3)


# ----- H08 hikes (strict vs soft) -----------------------------------------------------


def h08_scenario(recipes: str) -> Scenario:
    """2 hikes wanted; trail (hence a hike) is reachable only on sat, which has one slot."""
    return probe(
        availability={**every_day(pm=60), "sat": {"am": 120}},
        terrain={"road": "all", "trail": ["sat"]},
        rules={"min_hikes_per_week": 2, "recipes": recipes},
    )


def test_h08_strict_hikes_are_infeasible() -> None:
    assert_infeasible(h08_scenario("strict"))


def test_h08_soft_hikes_are_a_shortfall() -> None:
    plan = solved(h08_scenario("soft"))
    assert missed(plan) == {("H08", 1)}
    (shortfall,) = [s for s in plan.shortfalls if s.rule == "H08"]
    assert "< 2 wanted" in shortfall.message
    # One slot can hold a hike: a calendar fact, since two are wanted.
    assert "a hike fits only on sat am that week (1 of the 2 wanted)" in shortfall.message


# ----- H09 progression cap ------------------------------------------------------------


def test_h09_minutes_cap_week_one() -> None:
    """Baseline 200 minutes and load 2000: the load target wants ever more minutes, H09
    caps them at 1.10 x 200 = 220, i.e. 210 on the 15-minute grid (load cap 2200 is out of
    reach: 210 minutes x RPE <= 8)."""
    scenario = probe(
        athlete={"weekly_minutes": 200, "weekly_load": 2000},
        availability=every_day(pm=60),
        rules={"sessions_per_week": [0, 7], "min_rest_days": 0},
    )
    plan = solved(scenario, 3.0)
    assert week(plan, 1).minutes == 210


@pytest.fixture(scope="module")
def after_a_closed_week() -> tuple[Scenario, Plan]:
    """2 weeks, week 1 closed by exceptions (load 0), week 2 open every day pm 90 with no
    cap on sessions and no rest day needed; baseline load 1200 and 1000 minutes; one hard
    session wanted per week (H05 [1, 1])."""
    scenario = probe(
        weeks=2,
        athlete={"weekly_minutes": 1000, "weekly_load": 1200},
        availability=every_day(pm=90),
        exceptions=closed(*range(7)),
        rules={"hard_sessions": [1, 1], "sessions_per_week": [0, 7], "min_rest_days": 0},
    )
    return scenario, solved(scenario, 3.0)


def test_h09_load_cap_after_a_closed_week(after_a_closed_week: tuple[Scenario, Plan]) -> None:
    """Week 2: ref = week 1 = 0, sum4 = 1200 x 3 + 0 = 3600, cap = 1.10 x max(4 x 0, 3600)
    / 4 = 990 (H12 allows 1.30 x 900 = 1170). The S2 target of week 2 is min(1200 x (1 +
    0.30 x 0.5) = 1380, 1200 x 1.1^2 = 1452) = 1380, above the cap, so the load is the cap:
    990 (= 66 x 15, on the grid)."""
    _, plan = after_a_closed_week
    assert week(plan, 1).load == 0
    assert week(plan, 2).load == 990


# ----- H10 one lever ------------------------------------------------------------------


def test_h10_one_lever_after_a_closed_week(after_a_closed_week: tuple[Scenario, Plan]) -> None:
    """v3 compares with the most of the four weeks before, baseline-filled: weeks -2..0
    hold the baseline 1000 minutes (hard 0.1 x 1000 = 100), so week 2's minutes stay below
    1000 and its hard minutes may rise after the closed week: H05's one hard session is
    planned (under v2 the closed week locked hard minutes at 0 and H05 was missed)."""
    _, plan = after_a_closed_week
    assert 0 < week(plan, 2).minutes <= 1000
    assert week(plan, 2).hard_minutes > 0
    assert ("H05", 2) not in missed(plan)


def test_h10_one_lever_binds_against_the_four_weeks_before() -> None:
    """Two open weeks, baseline 100 minutes (hard 10): a load target far above the baseline
    pulls week 2 up. Week 2 may raise minutes above max(week 1, 100) or hard minutes above
    max(week 1's, 10), not both; the checker confirms it on the solved plan."""
    scenario = probe(
        weeks=2,
        athlete={"weekly_minutes": 100, "weekly_load": 3000},
        availability=every_day(pm=60),
        rules={
            "sessions_per_week": [0, 7],
            "min_rest_days": 0,
            "max_weekly_increase": 5.0,
            "acwr_max": 10.0,
        },
    )
    plan = solved(scenario, 3.0)
    one, two = week(plan, 1), week(plan, 2)
    raised_minutes = two.minutes > max(one.minutes, 100)
    raised_hard = two.hard_minutes > max(one.hard_minutes, 10)
    assert not (raised_minutes and raised_hard)


# ----- H11 recovery weeks -------------------------------------------------------------

PINNED_WEEK_ONE = [
    {"date": day(MON).isoformat(), "slot": "pm", "kind": "road_long", "minutes": 100},
    {"date": day(WED).isoformat(), "slot": "pm", "kind": "bike_easy", "minutes": 100},
    {"date": day(FRI).isoformat(), "slot": "pm", "kind": "bike_easy", "minutes": 100},
]
"""300 minutes, load 100 x 4 + 2 x 100 x 3 = 1000."""
PINNED_WEEK_ONE_EXCEPTIONS = [
    {"date": day(MON).isoformat(), "pm": 100},
    *closed(TUE),
    {"date": day(WED).isoformat(), "pm": 100},
    *closed(THU),
    {"date": day(FRI).isoformat(), "pm": 100},
    *closed(SAT, SUN),
]
"""Week 1 opens only the pinned slots, so it holds exactly the pins."""


def recovery_scenario(availability: dict[str, Any], recipes: str) -> Scenario:
    """Week 1 pinned to load 1000; week 2 a recovery week (recovery_every 2)."""
    return probe(
        weeks=2,
        athlete={"weekly_minutes": 300, "weekly_load": 3000, "long_minutes": 90},
        availability=availability,
        terrain={"road": "all", "bike": "all"},
        exceptions=PINNED_WEEK_ONE_EXCEPTIONS,
        pinned=PINNED_WEEK_ONE,
        rules={"recovery_every": 2, "sessions_per_week": [1, 4], "recipes": recipes},
    )


def test_h11_recovery_load_and_minutes_caps() -> None:
    """Week 2 (recovery) load <= 0.80 x 1000 = 800 and minutes <= 0.80 x 300 = 240, with at
    most 4 - 1 = 3 sessions and no double. The S2 target (0.75 x 3000 = 2250) pulls load up
    as far as the caps allow: within one 15-minute step of the hardest kind (RPE 8, 120
    load) of the load cap."""
    plan = solved(recovery_scenario(every_day(pm=60), "soft"), 3.0)
    assert week(plan, 1).load == 1000
    two = week(plan, 2)
    assert two.recovery
    assert two.load <= 800
    assert two.minutes <= 240
    assert two.sessions <= 3
    assert two.load > 800 - 120


def test_h11_recovery_week_is_shorter_in_time() -> None:
    """Week 1 pinned at 300 minutes and load 1000; week 2 (recovery) is capped at 0.8 x 300
    = 240 minutes even when a low-RPE load could fill 800 with easy hours (bike, RPE 3:
    800 / 3 = 266 minutes)."""
    scenario = recovery_scenario(every_day(pm=60, am=60), "soft")
    plan = solved(scenario, 3.0)
    assert week(plan, 2).minutes <= 240
    days = [d for d in plan.days if d.date >= day(MON2)]
    assert all(len(d.sessions) <= 1 for d in days)  # no double in a recovery week


def test_h11_recovery_floor_strict_is_infeasible() -> None:
    """Week 2 opens mon pm 60 only: at most road_long 60 x 4 = 240 (tempo or intervals
    alone break H13) < 0.70 x 1000 = 700."""
    assert_infeasible(recovery_scenario({"mon": {"pm": 60}}, "strict"))


def test_h11_recovery_floor_soft_is_a_shortfall() -> None:
    plan = solved(recovery_scenario({"mon": {"pm": 60}}, "soft"))
    assert week(plan, 2).load < 700
    assert missed(plan) == {("H11", 2)}


# ----- H12 acute:chronic --------------------------------------------------------------


def test_h12_acute_chronic_cap() -> None:
    """Week 1 closed, H09 loosened to +50 %: week 2 load <= 1.30 x (1000 x 3 + 0) / 4 =
    975 (H09 would allow 1.50 x 750 = 1125); the target min(1000 x (1 + 0.30 x 0.5) = 1150,
    1000 x 1.5^2) = 1150 pulls the load to 975 (= 65 x 15)."""
    scenario = probe(
        weeks=2,
        athlete={"weekly_minutes": 1000, "weekly_load": 1000},
        availability=every_day(pm=90),
        exceptions=closed(*range(7)),
        rules={"max_weekly_increase": 0.5, "sessions_per_week": [0, 7], "min_rest_days": 0},
    )
    plan = solved(scenario, 3.0)
    assert week(plan, 2).load == 975


# ----- H13 intensity share ------------------------------------------------------------


def test_h13_hard_share_sets_the_long_run() -> None:
    """road_tempo is the only hard kind (road_intervals moved to unreachable track); 2
    sessions, 1 hard, on mon (pm 60) and wed (pm 90). A tempo of t minutes has 0.6 t hard
    minutes <= 0.20 x (t + L), so the long run L >= 2 t; H14 caps L at max(1.1 x 60,
    60 + 15) = 75 and L >= t: t = 30 (18 hard minutes) and L >= 60, not the 45 that would
    do without H13."""
    scenario = probe(
        availability={"mon": {"pm": 60}, "wed": {"pm": 90}},
        sessions=[{"id": "road_intervals", "terrain": "track"}],
        rules={
            "sessions_per_week": [2, 2],
            "hard_sessions": [1, 1],
            "max_long_run_share": 1.0,
            "recipes": "strict",
        },
    )
    plan = solved(scenario)
    (tempo,) = [s for _, s in training(plan) if s.hard]
    (long_run,) = [s for _, s in training(plan) if s.long]
    assert (tempo.kind, tempo.minutes, tempo.hard_minutes) == ("road_tempo", 30, 18)
    assert long_run.minutes >= 60
    summary = week(plan, 1)
    assert 10_000 * summary.hard_minutes <= 2_000 * summary.minutes


# ----- H14 longest run growth ---------------------------------------------------------


def test_h14_longest_run_grows_from_long_minutes() -> None:
    """One slot a week (sat am 240), baseline longest run 60 and load 2000: the long run is
    as long as H14 allows, max(1.1 x 60, 60 + 15) = 75 in week 1, then max(1.1 x 75,
    75 + 15) = 90 in week 2."""
    scenario = probe(
        weeks=2,
        athlete={"weekly_minutes": 200, "weekly_load": 2000},
        availability={"sat": {"am": 240}},
        rules={"sessions_per_week": [1, 2], "max_long_run_share": 1.0},
    )
    plan = solved(scenario)
    assert [longest_run(plan, 1), longest_run(plan, 2)] == [75, 90]
    assert all(s.kind == "road_long" for _, s in training(plan))


# ----- H15 terrain bands --------------------------------------------------------------


@pytest.mark.slow
def test_h15_band_per_week() -> None:
    """Bands [0.5, 0.5] in base and build, per week: every week with run minutes has as
    many road minutes as trail minutes."""
    scenario = probe(
        weeks=2,
        athlete={"weekly_load": 2000},
        availability=every_day(pm=60),
        terrain={"road": "all", "trail": "all"},
        rules={
            "ratio_scope": "week",
            "ratio_bands": {**NEUTRAL_BANDS, "base": [0.5, 0.5], "build": [0.5, 0.5]},
        },
    )
    plan = solved(scenario, 3.0)
    runs = [(d, s) for d, s in training(plan) if s.modality is Modality.RUN]
    assert runs
    for index in {1, 2}:
        road = sum(
            s.minutes
            for d, s in runs
            if d < day(7 * index) and d >= day(7 * index - 7) and s.terrain is Terrain.ROAD
        )
        whole = sum(s.minutes for d, s in runs if day(7 * index - 7) <= d < day(7 * index))
        # Half the run minutes, to half a 15-minute step: |2 road - whole| <= 15.
        assert abs(2 * road - whole) <= 15, (index, road, whole)


def test_h15_band_narrower_than_a_grid_step_is_met_to_half_a_step() -> None:
    """Pinned: trail 30 tue, trail 30 thu, road 75 sat, three sessions at most: 75 of 135
    run minutes on road, 0.556 against a band of 0.45-0.55. The band's exact minutes,
    60.75-74.25, hold no multiple of 15, so read literally no plan of 135 run minutes
    meets it; to half a step (53.25-81.75) 75 does, and the week solves."""
    pins = [
        {"date": day(TUE).isoformat(), "slot": "pm", "kind": "trail_easy", "minutes": 30},
        {"date": day(THU).isoformat(), "slot": "pm", "kind": "trail_easy", "minutes": 30},
        {"date": day(SAT).isoformat(), "slot": "pm", "kind": "road_easy", "minutes": 75},
    ]
    scenario = probe(
        availability=every_day(pm=90),
        terrain={"road": "all", "trail": "all"},
        pinned=pins,
        rules={
            "sessions_per_week": [3, 3],
            "ratio_bands": {**NEUTRAL_BANDS, "base": [0.45, 0.55]},
        },
    )
    plan = solved(scenario)
    assert week(plan, 1).road_share == pytest.approx(75 / 135, abs=1e-4)


def test_h15_waiver_without_trail() -> None:
    """Default bands (base road 0.65-0.75) but only road is reachable: the week is waived,
    listed as an H15 shortfall, and its road share is 1."""
    scenario = probe(availability=every_day(pm=60), rules={"ratio_bands": None})
    plan = solved(scenario)
    assert week(plan, 1).road_share == 1.0
    (waiver,) = [s for s in plan.shortfalls if s.rule == "H15"]
    assert waiver.week == 1
    assert "trail" in waiver.message


# ----- H16 phase recipes --------------------------------------------------------------


def h16_scenario(terrain: dict[str, Any], recipes: str) -> Scenario:
    """An intermediate athlete, 2 weeks without a race: week 1 base, week 2 build."""
    return probe(
        weeks=2,
        athlete={"level": "intermediate"},
        availability=every_day(pm=90),
        terrain=terrain,
        rules={"recipes": recipes},
    )


@pytest.mark.slow
def test_h16_base_and_build_recipes() -> None:
    """Strict: base holds a trail session and 2 road runs; build a long session, a hard road
    run, an easy session and a cross-training session."""
    scenario = h16_scenario({"road": "all", "trail": "all", "bike": "all"}, "strict")
    plan = solved(scenario, 3.0)
    base = [s for d, s in training(plan) if d < day(MON2)]
    build = [s for d, s in training(plan) if d >= day(MON2)]
    assert any(s.terrain is Terrain.TRAIL for s in base)
    assert sum(1 for s in base if s.modality is Modality.RUN and s.terrain is Terrain.ROAD) >= 2
    assert any(s.long for s in build)
    assert any(s.hard and s.modality is Modality.RUN and s.terrain is Terrain.ROAD for s in build)
    assert any(s.intensity is Intensity.EASY for s in build)
    assert any(s.modality in (Modality.BIKE, Modality.SWIM, Modality.STRENGTH) for s in build)


def test_h16_strict_without_trail_is_infeasible() -> None:
    assert_infeasible(h16_scenario({"road": "all", "bike": "all"}, "strict"))


@pytest.mark.slow
def test_h16_soft_without_trail_is_a_shortfall() -> None:
    plan = solved(h16_scenario({"road": "all", "bike": "all"}, "soft"), 3.0)
    assert missed(plan) == {("H16", 1)}
    (shortfall,) = [s for s in plan.shortfalls if s.rule == "H16"]
    assert "a trail session" in shortfall.message


# ----- H17 taper and H18 race ---------------------------------------------------------

RACE_WEEK_ONE_PINS = [
    {"date": day(MON).isoformat(), "slot": "pm", "kind": "road_easy", "minutes": 75},
    {"date": day(TUE).isoformat(), "slot": "pm", "kind": "road_tempo", "minutes": 60},
    {"date": day(THU).isoformat(), "slot": "pm", "kind": "road_easy", "minutes": 75},
    {"date": day(SAT).isoformat(), "slot": "pm", "kind": "road_long", "minutes": 90},
]
"""The peak week: 300 minutes, 4 sessions, 1 hard, 1 long (H07, H05, H14 met)."""
RACE_WEEK_ONE_EXCEPTIONS = [
    {"date": day(MON).isoformat(), "pm": 75},
    {"date": day(TUE).isoformat(), "pm": 60},
    *closed(WED),
    {"date": day(THU).isoformat(), "pm": 75},
    *closed(FRI),
    {"date": day(SAT).isoformat(), "pm": 90},
    *closed(SUN),
]


def taper_scenario(race_week_availability: dict[str, Any]) -> Scenario:
    """The race scenario with the peak week pinned to 300 minutes and a baseline load of
    3000: the peak week's target is min(3000 x 1.15, 3000 x 1.10) = 3300 and the taper's
    0.5 x 3300 x 6/7 = 1414, which pulls the taper week up."""
    return race_probe(
        athlete={
            "level": "intermediate",
            "weekly_minutes": 300,
            "weekly_load": 3000,
            "long_minutes": 90,
        },
        availability=race_week_availability,
        exceptions=RACE_WEEK_ONE_EXCEPTIONS,
        pinned=RACE_WEEK_ONE_PINS,
    )


def test_h17_taper_cap() -> None:
    """The taper week (6 days, race sat) may hold at most 0.60 x 300 = 180 minutes, and the
    pull makes it hold exactly that (H17's floor is 0.40 x 300 x 6/7 = 102.9)."""
    plan = solved(taper_scenario(every_day(pm=90)), 3.0)
    assert [(w.phase, w.days) for w in plan.weeks] == [("peak", 7), ("taper", 6)]
    assert week(plan, 1).minutes == 300
    assert week(plan, 2).minutes == 180


def test_h17_taper_floor_to_the_grid_step_below() -> None:
    """Race week opens thu pm 60 and fri pm 120 only: at most 60 + 30 (the eve) = 90
    minutes, under H17's floor 0.40 x 300 x 6/7 = 102.9 but within one 15-minute grid step
    of it (90 + 15 > 102.9): no miss, and the pull makes the week exactly 90."""
    plan = solved(taper_scenario({"thu": {"pm": 60}, "fri": {"pm": 120}}), 3.0)
    assert week(plan, 2).minutes == 90
    assert ("H17", 2) not in missed(plan)


def test_h18_race_eve_and_taper_floor() -> None:
    """Race week opens thu pm 45 and fri pm 120 only. Fri is the eve: one easy session of at
    most 30 minutes though the slot holds 120 (the pull makes it exactly 30); thu, 2 days
    out, no hard or long session. Race week holds at most 45 + 30 = 75 minutes, short of
    H17's floor 0.40 x 300 x 6/7 = 102.9 by a 15-minute grid step or more (75 + 15 <=
    102.9), a listed miss."""
    plan = solved(taper_scenario({"thu": {"pm": 45}, "fri": {"pm": 120}}), 3.0)
    (race,) = sessions_on(plan, RACE_DAY)
    assert race.kind == "race"
    (eve,) = sessions_on(plan, FRI2)
    assert (eve.intensity, eve.minutes) == (Intensity.EASY, 30)
    (thursday,) = sessions_on(plan, THU2)
    assert not thursday.hard
    assert not thursday.long
    assert week(plan, 2).minutes <= 75
    assert ("H17", 2) in missed(plan)


# ----- H20 pins -----------------------------------------------------------------------


def test_h20_pin_is_kept_exactly() -> None:
    """A road_easy of 50 minutes pinned on wed pm: off the 15-minute grid, so only the pin
    can put it there; every other session is on the grid."""
    pin = {"date": day(WED).isoformat(), "slot": "pm", "kind": "road_easy", "minutes": 50}
    plan = solved(probe(availability=every_day(pm=60), pinned=[pin]))
    pinned = [s for s in sessions_on(plan, WED) if s.slot is Slot.PM]
    assert [(s.kind, s.minutes) for s in pinned] == [("road_easy", 50)]
    others = [s for d, s in training(plan) if d != day(WED)]
    assert all(s.minutes % 15 == 0 for s in others)


# ----- v3: easy running, long floor, hills, falling taper, quiet race days ------------


def test_h13_easy_runs_are_the_stated_share_of_running() -> None:
    """A load target far above the week (load 3000 on 300 minutes) pulls toward hard runs;
    H13's second part keeps easy run minutes >= 0.60 x run minutes, whatever hikes and rides
    the week also holds (they do not count as running)."""
    scenario = probe(
        athlete={"level": "intermediate", "weekly_load": 3000},
        availability=every_day(pm=60),
        terrain={"road": "all", "trail": "all", "bike": "all"},
        rules={"min_easy_run_share": 0.6, "hard_sessions": [0, 2]},
    )
    plan = solved(scenario, 3.0)
    runs = [s for _, s in training(plan) if s.modality is Modality.RUN]
    assert runs
    easy = sum(s.minutes for s in runs if s.intensity is Intensity.EASY)
    assert 10 * easy >= 6 * sum(s.minutes for s in runs)


def long_floor_scenario(availability: dict[str, Any], recipes: str) -> Scenario:
    """2 weeks without a race (week 1 base, week 2 build), road only, baseline longest run
    60 (hike 90): baseline long 90, long goal 90 + 30 = 120; long targets 105 and 120. The
    long floor of the build week is min(0.8 x 120 = 96, what H14's growth and share allow,
    the longest slot), on the 15-minute grid."""
    return probe(
        weeks=2,
        athlete={"weekly_minutes": 300, "weekly_load": 1200},
        availability=availability,
        rules={
            "long_floor": 0.8,
            "max_long_run_share": 1.0,
            "sessions_per_week": [1, 4],
            "recipes": recipes,
        },
        objective={"systems_balance": 0, "variety": 0, "load_trajectory": 0},
    )


def test_h14_long_floor_in_a_build_week() -> None:
    """sat am 240: week 1's longest run may reach max(1.1 x 60, 60 + 15) = 75, week 2's
    max(1.1 x 75, 75 + 15) = 90 over it; the floor is grid_down(min(96, 90, 240)) = 90, so
    strict recipes need a 90-minute run in week 2 (no other term pulls it up)."""
    plan = solved(long_floor_scenario({"sat": {"am": 240}}, "strict"))
    assert longest_run(plan, 2) >= 90


def test_h14_long_floor_never_asks_more_than_the_longest_slot() -> None:
    """Only 60-minute slots: the floor is min(96, ..., 60) = 60, so a 60-minute long run
    meets it and no H14 miss is listed, though the long target is 120."""
    plan = solved(long_floor_scenario(every_day(pm=60), "soft"))
    assert longest_run(plan, 2) == 60
    assert ("H14", 2) not in missed(plan)


def test_s6_long_progression_grows_the_long_run_to_its_cap() -> None:
    """S6 alone (S2 off): the long targets 105 and 120 are out of H14's reach, so the long
    run goes as far as H14 allows, 75 then 90 (4 points a missing minute)."""
    scenario = long_floor_scenario({"sat": {"am": 240}}, "soft")
    scenario = Scenario.model_validate(
        scenario.model_dump(mode="json")
        | {
            "objective": {
                "systems_balance": 0,
                "variety": 0,
                "load_trajectory": 0,
                "preferences": 0,
                "long_progression": 3,
            }
        }
    )
    plan = solved(scenario)
    assert [longest_run(plan, 1), longest_run(plan, 2)] == [75, 90]
    assert plan.objective_terms["S6"] == 4 * ((105 - 75) + (120 - 90))


def hill_race(terrain: dict[str, Any], recipes: str) -> Scenario:
    """A beginner's 4-week plan to a 20 km trail race with 1000 m (50 m per km, hilly) on
    sun of week 4: weeks 1-2 build, 3 peak, 4 taper (one taper week below 21 km)."""
    race = {
        "name": "hill 20K",
        "date": day(27).isoformat(),
        "kind": "trail",
        "distance_km": 20,
        "elevation_gain_m": 1000,
    }
    return probe(
        weeks=None,
        goal={"race": race},
        availability=every_day(pm=90),
        terrain=terrain,
        rules={"recipes": recipes, "sessions_per_week": [1, 4]},
    )


def test_h16_hill_session_every_build_and_peak_week() -> None:
    """Hills reachable on sat: strict recipes put a hill session (hill repeats, or a
    climbing kind) in each of weeks 1-3, beginners included."""
    plan = solved(hill_race({"road": "all", "hills": ["sat"]}, "strict"), 3.0)
    assert [w.phase for w in plan.weeks] == ["build", "build", "peak", "taper"]
    for index in (1, 2, 3):
        start, end = day(7 * (index - 1)), day(7 * index - 1)
        assert any(
            s.terrain is Terrain.HILLS or s.climbing for d, s in training(plan) if start <= d <= end
        )


@pytest.mark.slow
def test_h16_hill_session_without_hills_is_a_calendar_shortfall() -> None:
    """No hills and no trail (so no climbing hike): the hill item cannot be placed in any
    build or peak week; each is one H16 miss, explained by the calendar."""
    plan = solved(hill_race({"road": "all"}, "soft"), 3.0)
    assert {("H16", 1), ("H16", 2), ("H16", 3)} <= missed(plan)
    message = next(s.message for s in plan.shortfalls if (s.rule, s.week) == ("H16", 1))
    assert "a hill session: no day that week has the time and terrain" in message


def falling_taper() -> Scenario:
    """A 3-week plan to a 30 km trail race on sun of week 3 (two taper weeks, 2 and 3),
    everything open, a load target far above what may be done."""
    race = {"name": "30K", "date": day(20).isoformat(), "kind": "trail", "distance_km": 30}
    return probe(
        weeks=None,
        goal={"race": race},
        athlete={"weekly_load": 4000},
        availability=every_day(pm=90),
        terrain={"road": "all", "trail": "all"},
        phases=["peak", "taper", "taper"],
        rules={"sessions_per_week": [0, 5], "min_rest_days": 1},
    )


def test_h17_volume_falls_into_race_week() -> None:
    """Race week's training days are its 6 days before race day: its minutes per day are at
    most the first taper week's (minutes_3 x 7 <= minutes_2 x 6)."""
    plan = solved(falling_taper(), 3.0)
    assert [w.phase for w in plan.weeks] == ["peak", "taper", "taper"]
    assert 7 * week(plan, 3).minutes <= 6 * week(plan, 2).minutes


def test_h18_quiet_days_and_a_rest_day_before_the_race() -> None:
    """No demanding session (hard, long run, or a kind flagged demanding) in the 4 days
    before race day, and at least one rest day among the 6 days before it."""
    plan = solved(falling_taper(), 3.0)
    race_day = day(20)
    for back in range(1, 5):
        for session in sessions_on(plan, 20 - back):
            assert not session.hard
            assert not session.demanding
            assert not (session.long and session.modality is Modality.RUN)
    window = [d for d in plan.days if race_day - dt.timedelta(days=6) <= d.date < race_day]
    assert any(not d.sessions for d in window)


def road_race_with_trail(pins: list[dict[str, Any]] | None = None) -> Scenario:
    """The 2-week 10 km road race probe (week 1 peak, week 2 taper) with trail open every
    day, so that trail-only kinds could be placed."""
    return race_probe(
        athlete={"level": "intermediate"},
        availability=every_day(pm=90),
        terrain={"road": "all", "trail": "all"},
        pinned=pins or [],
    )


def test_h21_no_trail_only_kinds_before_a_road_race() -> None:
    plan = solved(road_race_with_trail(), 3.0)
    assert all("road" in s.races for _, s in training(plan))


def test_h21_a_pinned_trail_simulation_before_a_road_race_is_infeasible() -> None:
    """A night trail run pinned in the peak week of a road race breaks H21."""
    pin = {"date": day(WED).isoformat(), "slot": "pm", "kind": "trail_night", "minutes": 60}
    plan = solve(road_race_with_trail([pin]), options(3.0))
    assert plan.status is Status.INFEASIBLE
    assert any("H21" in conflict.rules for conflict in plan.conflicts)


def test_h22_a_strength_session_every_full_week() -> None:
    scenario = probe(
        weeks=2,
        availability=every_day(pm=60),
        rules={"min_strength_per_week": 1, "recipes": "strict"},
    )
    plan = solved(scenario, 3.0)
    for index in (1, 2):
        start, end = day(7 * (index - 1)), day(7 * index - 1)
        assert any(s.modality is Modality.STRENGTH for d, s in training(plan) if start <= d <= end)


def test_s4_default_long_day_is_the_weekend_day_with_most_time() -> None:
    """No preferred long day: Sunday has more time than Saturday, so the long session
    (which fits every open day) goes on Sunday."""
    scenario = probe(
        availability={"wed": {"pm": 120}, "sat": {"am": 120}, "sun": {"am": 150}},
        rules={"sessions_per_week": [1, 3]},
        objective={"systems_balance": 0, "variety": 0, "preferences": 5},
    )
    plan = solved(scenario)
    (long_day,) = [d for d, s in training(plan) if s.long]
    assert long_day == day(SUN)
