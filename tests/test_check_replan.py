"""The checker on re-plans (rules.md, Re-planning: the past is a fact): hand-built plans and
logs, no solve.

Each `Row` is one row of the re-plan contract's figure table: a past that alone breaks one
weekly instance of the split week (the week holding today, today not its first day), and
four futures for it:

- ``quiet`` adds nothing to the instance's figure: the instance is waived. `broken_by_log`
  says what was done (``held``); listed in ``shortfalls`` as ``broken_by_log`` it is no
  violation, unlisted it is one saying the plan hides it.
- ``grows`` adds to the figure: a violation saying the days from today add to it.
- ``repairs`` (ratio parts only) brings the instance back within its bound: no violation.
- ``fine_past`` + ``fine_future``: the past alone holds the instance, the whole week breaks
  it: judged as in any plan (``fine``, the checker's usual message).

Dates: day offsets from Monday 2027-01-04 (plan_builder.day). Unless a row says otherwise
the scenario is ``one_week()`` (plan_builder's base: intermediate, no race, one base week,
am 60 / pm 120 a day, road and trail every day; baseline 350 min, load 1500, longest run
and hike 90) and today is thu 2027-01-07 (offset 3): the logged days are mon-wed.
Base-week caps: H03 1 double; H05 2 hard; H07 6 sessions; H09 minutes 1.10 x 350 = 385,
load 1.10 x 1500 = 1650; H12 1.30 x 1500 = 1950; H13 hard share 0.20, easy run share 0.60;
H14 growth max(1.10 x 90, 90 + 15) = 105, long run share 0.40; H15 road share
[0.65, 0.75].
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conftest import CliResult
from life import as_planned
from periodize.check import Violation, broken_by_log, check, recipe_misses, split_week
from periodize.log import TrainingLog
from periodize.plan import Plan, Shortfall, ShortfallType
from periodize.scenario import Scenario
from periodize.vocabulary import Slot
from plan_builder import BASE_SCENARIO, PlanBuilder, day, make_scenario, with_shortfalls

Placed = tuple[int, str, int] | tuple[int, str, int, str]
"""A session: day offset, kind, minutes and (default pm) slot."""

THU = 3
"""The default today: thu 2027-01-07."""

# ----- scenarios ----------------------------------------------------------------------


def one_week(**rules: Any) -> Scenario:
    """The base scenario as one base week (longest hike 90, sat pm 180 for the growth rows)."""
    return make_scenario(
        weeks=1,
        athlete={"long_hike_minutes": 90},
        availability={"sat": {"am": 60, "pm": 180}},
        rules=rules,
    )


def two_weeks(**rules: Any) -> Scenario:
    """The base scenario's two weeks: week 1 base, week 2 build (recovery week with
    ``recovery_every=2``)."""
    return make_scenario(athlete={"long_hike_minutes": 90}, rules=rules)


TRAIL_RACE = {"name": "Trail 10K", "kind": "trail", "distance_km": 10}


def race_on(offset: int, **rules: Any) -> Scenario:
    """A trail 10K (no climbing) on ``offset``, the weeks up to it; with the race on sun
    2027-02-07 (34) and ``taper_weeks`` 2: weeks 1-2 build, 3 peak, 4 taper, 5 taper and
    race week (training days: the 6 before race day)."""
    return make_scenario(
        weeks=None,
        athlete={"long_hike_minutes": 90},
        goal={"race": {**TRAIL_RACE, "date": day(offset).isoformat()}},
        rules=rules,
    )


CLEAN_WEEK: tuple[Placed, ...] = (
    (1, "road_intervals", 45),
    (2, "road_easy", 30),
    (3, "hike_easy", 60),
    (4, "trail_easy", 75),
    (5, "road_long", 90),
    (6, "strength_mobility", 30),
)
"""test_check's clean week 1: 330 min, load 1440, hard minutes 18, 6 sessions."""


def shifted(sessions: Sequence[Placed], days: int) -> tuple[Placed, ...]:
    """``sessions`` ``days`` later."""
    return tuple((offset + days, kind, minutes) for offset, kind, minutes, *_ in sessions)


def clean_weeks(*indices: int) -> tuple[Placed, ...]:
    """`CLEAN_WEEK` in each week of ``indices`` (history before a split week)."""
    return tuple(s for index in indices for s in shifted(CLEAN_WEEK, 7 * (index - 1)))


# ----- plans and logs -----------------------------------------------------------------


def build(scenario: Scenario, *groups: Sequence[Placed]) -> Plan:
    builder = PlanBuilder(scenario)
    for group in groups:
        for offset, kind, minutes, *slot in group:
            builder.add(offset, kind, minutes, slot[0] if slot else Slot.PM)
    race = scenario.race
    if race is not None:
        builder.add(race.date, "race", scenario.race_minutes(), Slot.AM)
    return builder.build()


def listing(plan: Plan, entries: Sequence[Violation], kind: ShortfallType) -> Plan:
    """``plan`` listing ``entries`` in its shortfalls as ``kind``."""
    listed = tuple(
        Shortfall(rule=v.rule, week=v.week, type=kind, message=v.message) for v in entries
    )
    return plan.model_copy(update={"shortfalls": plan.shortfalls + listed})


def with_recipes_listed(scenario: Scenario, plan: Plan) -> Plan:
    """``plan`` listing every recipe it misses (so only safety parts speak)."""
    misses = {(v.rule, v.week) for v in recipe_misses(scenario, plan) if v.week is not None}
    return with_shortfalls(plan, *sorted(misses))


def safety(violations: Sequence[Violation], rule: str) -> list[str]:
    """The messages of ``rule``'s safety violations."""
    return [v.message for v in violations if v.rule == rule and not v.recipe]


# ----- the figure table -------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One rule part broken by the log (see the module docstring)."""

    rule: str
    scenario: Scenario
    past: tuple[Placed, ...]
    quiet: tuple[Placed, ...]
    grows: tuple[Placed, ...]
    held: str
    fine_past: tuple[Placed, ...]
    fine_future: tuple[Placed, ...]
    fine: str
    today: int = THU
    history: tuple[Placed, ...] = ()
    repairs: tuple[Placed, ...] | None = None

    def plan(self, *groups: Sequence[Placed]) -> Plan:
        return with_recipes_listed(self.scenario, build(self.scenario, self.history, *groups))

    def check(self, plan: Plan) -> list[Violation]:
        today = day(self.today)
        return check(self.scenario, plan, done=as_planned(plan, today), today=today)

    def broken(self, plan: Plan) -> list[Violation]:
        today = day(self.today)
        return broken_by_log(self.scenario, plan, as_planned(plan, today), today)


ROWS: dict[str, Row] = {
    # H03: mon and tue doubles, 2 > 1; a single thu session adds none, a thu double one.
    "H03 doubles": Row(
        "H03",
        one_week(),
        past=(
            (0, "road_easy", 30, "am"),
            (0, "bike_easy", 60),
            (1, "road_easy", 30, "am"),
            (1, "bike_easy", 60),
        ),
        quiet=((4, "bike_easy", 45),),
        grows=((4, "road_easy", 30, "am"), (4, "bike_easy", 60)),
        held="week 1: the logged days already hold 2 doubles (2027-01-04, 2027-01-05), above "
        "H03's cap of 1 a week; nothing more this week adds a double",
        fine_past=((0, "road_easy", 30, "am"), (0, "bike_easy", 60)),
        fine_future=((4, "road_easy", 30, "am"), (4, "bike_easy", 60)),
        fine="week 1: 2 doubles (2027-01-04, 2027-01-08) > max_doubles_per_week 1",
    ),
    # H04 with min_rest_days 2 (at most 5 training days), today sun: mon-sat all trained.
    "H04 rest days": Row(
        "H04",
        one_week(min_rest_days=2),
        today=6,
        past=(
            (0, "road_easy", 30),
            (1, "bike_easy", 30),
            (2, "road_easy", 30),
            (3, "bike_easy", 30),
            (4, "road_easy", 30),
            (5, "bike_easy", 30),
        ),
        quiet=(),
        grows=((6, "swim_easy", 30),),
        held="week 1: the logged days already hold 6 training days, above H04's cap of 5 "
        "(2 rest days a week); nothing more this week adds a training day",
        fine_past=(
            (0, "road_easy", 30),
            (1, "bike_easy", 30),
            (2, "road_easy", 30),
            (3, "bike_easy", 30),
            (4, "road_easy", 30),
        ),
        fine_future=((6, "swim_easy", 30),),
        fine="week 1: 1 rest days < min_rest_days 2",
    ),
    # H05, today sat: mon intervals, wed tempo, fri intervals: 3 hard > 2.
    "H05 cap": Row(
        "H05",
        one_week(),
        today=5,
        past=((0, "road_intervals", 45), (2, "road_tempo", 30), (4, "road_intervals", 45)),
        quiet=((5, "bike_easy", 45),),
        grows=((5, "bike_easy", 45), (6, "road_tempo", 30)),
        held="week 1: the logged days already hold 3 hard sessions, above H05's cap of 2; "
        "nothing more this week adds a hard session",
        fine_past=((0, "road_intervals", 45), (2, "road_tempo", 30)),
        fine_future=((6, "road_tempo", 30),),
        fine="week 1: 3 hard sessions > hard_sessions hi 2",
    ),
    # H05 with the race: a trail 10K on sun 2027-01-10 (one taper and race week); mon
    # intervals and wed tempo (wed's is a quiet-day session: history) + the race = 3 > 2.
    # The race, in the future, counts in the logged days' figure.
    "H05 cap with the race": Row(
        "H05",
        race_on(6),
        past=((0, "road_intervals", 45), (2, "road_tempo", 30)),
        quiet=((4, "road_easy", 30),),
        grows=((4, "road_tempo", 30),),
        held="week 1: the logged days already hold 2 hard sessions, 3 with the race, above "
        "H05's cap of 2; nothing more this week adds a hard session",
        fine_past=((0, "road_intervals", 45),),
        fine_future=((4, "road_tempo", 30),),
        fine="week 1: 3 hard sessions > hard_sessions hi 2",
    ),
    # H07, today sun: mon-sat singles and a sat double: 7 sessions > 6.
    "H07 cap": Row(
        "H07",
        one_week(),
        today=6,
        past=(
            (0, "road_easy", 30),
            (1, "bike_easy", 30),
            (2, "road_easy", 30),
            (3, "bike_easy", 30),
            (4, "road_easy", 30),
            (5, "bike_easy", 30),
            (5, "swim_easy", 30, "am"),
        ),
        quiet=(),
        grows=((6, "road_easy", 30),),
        held="week 1: the logged days already hold 7 sessions, above H07's cap of 6; nothing "
        "more this week adds a session",
        fine_past=(
            (0, "road_easy", 30),
            (1, "bike_easy", 30),
            (2, "road_easy", 30),
            (3, "bike_easy", 30),
            (4, "road_easy", 30),
            (5, "bike_easy", 30),
        ),
        fine_future=((6, "road_easy", 30),),
        fine="week 1: 7 sessions > sessions_per_week hi 6",
    ),
    # H09 load: trail_loaded 120 (720) mon and wed, gym_strength 60 (360) tue: 1800 > 1650
    # in 300 min (<= 385). Every session adds load: the quiet future is empty.
    "H09 load": Row(
        "H09",
        one_week(),
        past=((0, "trail_loaded", 120), (1, "gym_strength", 60), (2, "trail_loaded", 120)),
        quiet=(),
        grows=((4, "road_easy", 30),),
        held="week 1: the logged days already hold 1,800 load, above H09's cap of 1,650; "
        "nothing more this week adds load",
        fine_past=((0, "trail_loaded", 120),),
        fine_future=((3, "gym_strength", 60), (4, "trail_loaded", 120)),
        fine="week 1: load 1800 > 1.10 x max(ref 1500, mean 1500) = 1650",
    ),
    # H09 minutes: swim 60 + bike 120 mon, bike 120 tue, hike 90 wed: 390 > 385 (load 1230).
    "H09 minutes": Row(
        "H09",
        one_week(),
        past=(
            (0, "swim_easy", 60, "am"),
            (0, "bike_easy", 120),
            (1, "bike_easy", 120),
            (2, "hike_easy", 90),
        ),
        quiet=(),
        grows=((4, "road_easy", 30),),
        held="week 1: the logged days already hold 390 minutes, above H09's cap of 385; "
        "nothing more this week adds minutes",
        fine_past=((0, "bike_easy", 120),),
        fine_future=((3, "bike_easy", 120), (4, "hike_easy", 90), (5, "swim_easy", 60)),
        fine="week 1: minutes 390 > 1.10 x max(ref 350, mean 350) = 385",
    ),
    # H10 in build week 2 after a clean week 1 (330 min, 18 hard): the most of the 4 weeks
    # before is 350 min and 35 hard minutes (baseline). Today thu of week 2 (10); mon
    # tempo 60 (36 hard), tue swim 60 + hike 120, wed bike 120: 360 min, 36 hard, both
    # above. max_weekly_increase 0.30 leaves H09 room (minutes cap 1.30 x 345 = 448.5)
    # for an easy thu run, which adds minutes, not hard minutes.
    "H10 one lever": Row(
        "H10",
        two_weeks(max_weekly_increase=0.3),
        today=10,
        history=clean_weeks(1),
        past=(
            (7, "road_tempo", 60),
            (8, "swim_easy", 60, "am"),
            (8, "hike_easy", 120),
            (9, "bike_easy", 120),
        ),
        quiet=((11, "bike_easy", 30),),
        grows=((11, "road_intervals", 45),),
        held="week 2: the logged days already hold 360 minutes and 36 hard minutes, both "
        "above the most of the 4 weeks before (350 and 35), where H10 lets only one rise; "
        "nothing more this week adds hard minutes",
        fine_past=((7, "road_tempo", 60),),
        fine_future=((10, "bike_easy", 120), (11, "hike_easy", 120), (12, "swim_easy", 60)),
        fine="week 2: raises both minutes (360 > 350) and hard minutes (36 > 35) above the "
        "most of the 4 weeks before it",
    ),
    # H11 in recovery week 2 after the clean week 1 (330 min, load 1440): load <= 0.80 x
    # 1440 = 1152, minutes <= 264, no double, sessions <= 5. Today thu of week 2 (10).
    "H11 load": Row(
        "H11",
        two_weeks(recovery_every=2),
        today=10,
        history=clean_weeks(1),
        past=((7, "trail_loaded", 120), (9, "trail_loaded", 90)),
        quiet=(),
        grows=((11, "road_easy", 30),),
        held="week 2: the logged days already hold 1,260 load, above H11's recovery-week cap "
        "of 1,152; nothing more this week adds load",
        fine_past=((7, "trail_loaded", 120),),
        fine_future=((11, "trail_loaded", 90),),
        fine="week 2: recovery load 1260 > 0.80 x 1440 = 1152",
    ),
    "H11 minutes": Row(
        "H11",
        two_weeks(recovery_every=2),
        today=10,
        history=clean_weeks(1),
        past=((7, "bike_easy", 120), (8, "hike_easy", 60), (9, "bike_easy", 90)),
        quiet=(),
        grows=((11, "road_easy", 30),),
        held="week 2: the logged days already hold 270 minutes, above H11's recovery-week "
        "cap of 264; nothing more this week adds minutes",
        fine_past=((7, "bike_easy", 120),),
        fine_future=((11, "hike_easy", 60), (12, "bike_easy", 90)),
        fine="week 2: recovery minutes 270 > 0.80 x 330 = 264",
    ),
    "H11 doubles": Row(
        "H11",
        two_weeks(recovery_every=2),
        today=10,
        history=clean_weeks(1),
        past=((7, "swim_easy", 30, "am"), (7, "bike_easy", 30)),
        quiet=((11, "bike_easy", 30),),
        grows=((11, "swim_easy", 30, "am"), (11, "bike_easy", 30)),
        held="week 2: the logged days already hold 1 double (2027-01-11) in a recovery week, "
        "where H11 allows none; nothing more this week adds a double",
        fine_past=((7, "bike_easy", 30),),
        fine_future=((11, "swim_easy", 30, "am"), (11, "bike_easy", 30)),
        fine="week 2: 1 double in recovery week 2 (2027-01-15: swim_easy, bike_easy), wants none",
    ),
    # Today sun of week 2 (13): mon-sat 6 sessions (195 min, load 615) > 5.
    "H11 sessions": Row(
        "H11",
        two_weeks(recovery_every=2),
        today=13,
        history=clean_weeks(1),
        past=(
            (7, "road_easy", 30),
            (8, "bike_easy", 30),
            (9, "swim_easy", 30),
            (10, "road_easy", 30),
            (11, "bike_easy", 30),
            (12, "hike_easy", 45),
        ),
        quiet=(),
        grows=((13, "swim_easy", 30),),
        held="week 2: the logged days already hold 6 sessions, above H11's recovery-week cap "
        "of 5; nothing more this week adds a session",
        fine_past=(
            (7, "road_easy", 30),
            (8, "bike_easy", 30),
            (9, "swim_easy", 30),
            (10, "road_easy", 30),
            (11, "bike_easy", 30),
        ),
        fine_future=((13, "swim_easy", 30),),
        fine="week 2: recovery week holds 6 sessions > sessions_per_week hi 6 - 1 = 5",
    ),
    # H12 with acwr_max 1.00 (cap 1500) and max_weekly_increase 0.50 (H09 2250): trail
    # loaded 120 + bike 90 + trail loaded 90 = 1530 load in 300 min.
    "H12": Row(
        "H12",
        one_week(acwr_max=1.0, max_weekly_increase=0.5),
        past=((0, "trail_loaded", 120), (1, "bike_easy", 90), (2, "trail_loaded", 90)),
        quiet=(),
        grows=((4, "road_easy", 30),),
        held="week 1: the logged days already hold 1,530 load, above H12's cap of 1,500 "
        "(1.00 x the mean of the 4 weeks before, 1,500); nothing more this week adds load",
        fine_past=((0, "trail_loaded", 120),),
        fine_future=((3, "bike_easy", 90), (4, "trail_loaded", 90)),
        fine="week 1: load 1530 > 1.00 x mean 1500 = 1500",
    ),
    # H13 hard share: mon tempo 30 (18 hard), tue easy 45: 18 > 0.20 x 75 = 15 (easy runs
    # 45 >= 0.60 x 75). Any session of 15 min or more repairs it: a thu ride of 30 makes
    # 18 <= 0.20 x 105 = 21; a thu tempo adds hard minutes (18 -> 36 > 21).
    "H13 hard share": Row(
        "H13",
        one_week(),
        past=((0, "road_tempo", 30), (1, "road_easy", 45)),
        quiet=(),
        repairs=((3, "bike_easy", 30),),
        grows=((4, "road_tempo", 30),),
        held="week 1: the logged days already hold 18 hard minutes of 75, above H13's hard "
        "share of 0.20; nothing more this week adds hard minutes",
        fine_past=((1, "road_easy", 45),),
        fine_future=((4, "road_tempo", 30),),
        fine="week 1: hard minutes 18 > 0.20 x 75 = 15",
    ),
    # H13 easy run share: mon trail_night 60, no easy run: 0 < 0.60 x 60. A ride adds no
    # run minutes; easy runs of 75 and 90 make 165 >= 0.60 x 225 = 135.
    "H13 easy run share": Row(
        "H13",
        one_week(),
        past=((0, "trail_night", 60),),
        quiet=((3, "bike_easy", 30),),
        repairs=((3, "road_easy", 75), (5, "trail_easy", 90)),
        grows=((4, "trail_night", 45),),
        held="week 1: the logged days already hold 60 of 60 run minutes not easy, below "
        "H13's easy run share of 0.60; nothing more this week adds running that is not easy",
        fine_past=((0, "road_easy", 45),),
        fine_future=((4, "trail_night", 60),),
        fine="week 1: easy run minutes 45 < 0.60 x run minutes 105 = 63",
    ),
    # H14: road_long 90 mon and trail_long 90 wed (tue hike 90: 270 min, long runs within
    # the share and the growth cap).
    "H14 one long session": Row(
        "H14",
        one_week(),
        past=((0, "road_long", 90), (1, "hike_easy", 90), (2, "trail_long", 90)),
        quiet=((4, "bike_easy", 60),),
        grows=((5, "hike_long", 90),),
        held="week 1: the logged days already hold 2 long sessions (road_long 2027-01-04, "
        "trail_long 2027-01-06), above H14's one a week; nothing more this week adds a long "
        "session",
        fine_past=((0, "road_long", 90), (1, "hike_easy", 90)),
        fine_future=((5, "trail_long", 90),),
        fine="week 1: 2 long sessions (road_long 2027-01-04, trail_long 2027-01-09)",
    ),
    # H14: road_long 60 mon below tue's ride of 90 (60 <= 0.40 x 150).
    "H14 long is longest": Row(
        "H14",
        one_week(),
        past=((0, "road_long", 60), (1, "bike_easy", 90)),
        quiet=((3, "swim_easy", 45),),
        grows=((3, "bike_easy", 120),),
        held="week 1: the logged days already hold a long session (road_long 60 min on "
        "2027-01-04) shorter than another session (90 min), where H14 wants the long session "
        "the week's longest; nothing more this week is longer than 90 min",
        fine_past=((0, "road_long", 60),),
        fine_future=((3, "bike_easy", 90),),
        fine="week 1: long session road_long 60 min on 2027-01-04 is shorter than another "
        "session of the week (90 min)",
    ),
    # H14: road_long 120 > 105 (hike and ride of 90: 120 <= 0.40 x 300). Sat pm holds 180,
    # so a night run of 135 can grow the longest run.
    "H14 run growth": Row(
        "H14",
        one_week(),
        past=((0, "road_long", 120), (1, "hike_easy", 90), (2, "bike_easy", 90)),
        quiet=((3, "swim_easy", 45),),
        grows=((5, "trail_night", 135),),
        held="week 1: the logged days already hold a 120-minute run, above H14's growth cap "
        "of 105 min (from the longest run before, 90 min); nothing more this week is a "
        "longer run",
        fine_past=((1, "hike_easy", 90), (2, "bike_easy", 90)),
        fine_future=((5, "road_long", 120),),
        fine="week 1: longest run 120 min > max(1.10 x 90, 90 + 15) = 105",
    ),
    "H14 hike growth": Row(
        "H14",
        one_week(),
        past=((0, "hike_long", 120),),
        quiet=((3, "hike_easy", 60),),
        grows=((5, "hike_easy", 150),),
        held="week 1: the logged days already hold a 120-minute hike, above H14's growth cap "
        "of 105 min (from the longest hike before, 90 min); nothing more this week is a "
        "longer hike",
        fine_past=((1, "road_easy", 45),),
        fine_future=((5, "hike_long", 120),),
        fine="week 1: longest hike 120 min > max(1.10 x 90, 90 + 15) = 105",
    ),
    # H14 long run share: road_long 90 in 150 min (> 60). A thu ride of 60 leaves 90 > 84;
    # rides thu and fri make 90 <= 0.40 x 270 = 108; a sat road_long 105 is the week's
    # longest long run (105 > 0.40 x 255 = 102; mon's 90 now within).
    "H14 long run share": Row(
        "H14",
        one_week(),
        past=((0, "road_long", 90), (1, "bike_easy", 60)),
        quiet=((3, "bike_easy", 60),),
        repairs=((3, "bike_easy", 60), (4, "bike_easy", 60)),
        grows=((5, "road_long", 105),),
        held="week 1: the logged days already hold a 90-minute long run (road_long on "
        "2027-01-04) in 150 minutes, above H14's long run share of 0.40; nothing more this "
        "week adds a longer long run",
        fine_past=((1, "bike_easy", 60),),
        fine_future=((5, "road_long", 90),),
        fine="week 1: long run 90 min > 0.40 x week minutes 150 = 60",
    ),
    # H15 (scope week), road share [0.65, 0.75], met to half a 15-minute step: road 135 of
    # 135 run minutes. A thu trail run of 30 leaves 135/165 (at most 0.75 x 165 + 7.5 =
    # 131.25 road minutes); of 45, 135/180 = 0.75.
    "H15 above band": Row(
        "H15",
        one_week(),
        past=((0, "road_easy", 75), (1, "road_easy", 60)),
        quiet=((3, "trail_easy", 30),),
        repairs=((3, "trail_easy", 45),),
        grows=((3, "road_easy", 30),),
        held="week 1: the logged days already hold 135 road minutes of 135 run minutes, above "
        "H15's road share band [0.65, 0.75]; nothing more this week adds road running",
        fine_past=((0, "trail_easy", 30), (1, "road_easy", 60)),
        fine_future=((3, "road_easy", 75),),
        fine="week 1 (base): road share 135/165 = 0.818 outside [0.65, 0.75] by more than "
        "half a grid step",
    ),
    # Below: trail 60, no road. A road run of 45 leaves 45/105 (the band wants at least
    # 0.65 x 105 - 7.5 = 60.75 road minutes; the trail minutes stay 60); road runs of 75
    # thu and fri make 150/210 = 0.71.
    "H15 below band": Row(
        "H15",
        one_week(),
        past=((0, "trail_easy", 60),),
        quiet=((3, "road_easy", 45),),
        repairs=((3, "road_easy", 75), (4, "road_easy", 75)),
        grows=((3, "trail_easy", 45),),
        held="week 1: the logged days already hold 0 road minutes of 60 run minutes, below "
        "H15's road share band [0.65, 0.75]; nothing more this week adds running off road",
        fine_past=((0, "road_easy", 60), (1, "trail_easy", 30)),
        fine_future=((3, "trail_easy", 45),),
        fine="week 1 (base): road share 60/135 = 0.444 outside [0.65, 0.75] by more than half "
        "a grid step",
    ),
    # H15 (scope phase): weeks 1 and 2 are one base phase, road share [0.65, 0.75]. Logged:
    # trail 60, no road. Road runs on thu (45) and in week 2 (30) leave 75/135 = 0.56; road
    # runs of 75 on thu and in week 2 make 150/210 = 0.71; a trail run in week 2 grows
    # what the log broke (the rest of the phase, not only of the week, adds to it).
    "H15 phase below band": Row(
        "H15",
        make_scenario(
            athlete={"long_hike_minutes": 90},
            phases=["base", "base"],
            rules={"ratio_scope": "phase"},
        ),
        past=((0, "trail_easy", 60),),
        quiet=((3, "road_easy", 45), (9, "road_easy", 30)),
        repairs=((3, "road_easy", 75), (9, "road_easy", 75)),
        grows=((3, "road_easy", 45), (10, "trail_easy", 45)),
        held="week 1: the logged days already hold 0 road minutes of 60 run minutes over the "
        "base phase, below H15's road share band [0.65, 0.75]; nothing more this phase adds "
        "running off road",
        fine_past=((0, "road_easy", 60), (1, "trail_easy", 30)),
        fine_future=((10, "trail_easy", 45),),
        fine="phase base (weeks 1, 2): road share 60/135 = 0.444 outside [0.65, 0.75] by more "
        "than half a grid step",
    ),
    # H17 taper cap: trail 10K on sun 2027-02-07, weeks 4-5 taper; clean weeks 1-3 (330
    # min each): week 4 at most 0.60 x 330 = 198. Today thu of week 4 (24): ride 90, road
    # 60, hike 60 = 210.
    "H17 taper cap": Row(
        "H17",
        race_on(34, taper_weeks=2),
        today=24,
        history=clean_weeks(1, 2, 3),
        past=((21, "bike_easy", 90), (22, "road_easy", 60), (23, "hike_easy", 60)),
        quiet=(),
        grows=((25, "road_easy", 30),),
        held="week 4: the logged days already hold 210 minutes, above H17's taper cap of 198 "
        "(0.60 x the 330 of the highest week before the taper); nothing more this week adds "
        "minutes",
        fine_past=((21, "bike_easy", 90),),
        fine_future=((24, "road_easy", 60), (25, "hike_easy", 60)),
        fine="week 4: taper minutes 210 > 0.60 x 330 = 198",
    ),
    # H17 falling: taper week 4 held 90 min over 7 days; race week 5 (6 training days),
    # today thu (31): ride 60 + road 45 = 105, and 105 x 7 > 90 x 6.
    "H17 falling": Row(
        "H17",
        race_on(34, taper_weeks=2),
        today=31,
        history=(*clean_weeks(1, 2, 3), (22, "road_easy", 45), (24, "road_easy", 45)),
        past=((28, "bike_easy", 60), (29, "road_easy", 45)),
        quiet=(),
        grows=((31, "road_easy", 30),),
        held="week 5: the logged days already hold 105 minutes over 6 days, more a day than "
        "the 90 over 7 days of taper week 4, where H17 wants volume to fall; nothing more "
        "this week adds minutes",
        fine_past=((28, "road_easy", 45),),
        fine_future=((31, "road_easy", 45),),
        fine="week 5: taper minutes per day 90/6 > week 4's 90/7 (volume only falls into race "
        "week)",
    ),
}

ROW_IDS = list(ROWS)
RATIO_ROWS = [name for name, row in ROWS.items() if row.repairs is not None]


@pytest.fixture(params=ROW_IDS)
def row(request: pytest.FixtureRequest) -> Row:
    return ROWS[request.param]


def test_waived_and_listed_is_no_violation(row: Row) -> None:
    """The past alone breaks the instance and the rest of the week adds nothing: waived.
    `broken_by_log` says what was done; listed as broken_by_log, nothing is a violation
    (every instance the log broke listed, every recipe miss listed)."""
    plan = row.plan(row.past, row.quiet)
    broken = row.broken(plan)
    assert [v.message for v in broken if v.rule == row.rule] == [row.held]
    assert all(v.message.startswith(f"week {v.week}: the logged days already") for v in broken)
    listed = listing(plan, broken, ShortfallType.BROKEN_BY_LOG)
    assert row.check(listed) == []


def test_waived_but_unlisted_is_hidden(row: Row) -> None:
    """The same plan listing every other broken_by_log instance: the unlisted one is a
    violation saying the plan hides it, with what the logged days hold."""
    plan = row.plan(row.past, row.quiet)
    others = [v for v in row.broken(plan) if v.rule != row.rule]
    (message,) = safety(row.check(listing(plan, others, ShortfallType.BROKEN_BY_LOG)), row.rule)
    held = row.held.split(": the logged days already hold ", 1)[1].split(";")[0]
    assert message.endswith(
        f"; broken by the log: the logged days hold {held}; not listed in shortfalls as "
        "broken_by_log (the plan hides it)"
    )


def test_waived_listed_as_a_recipe_is_still_hidden(row: Row) -> None:
    """Only a ``broken_by_log`` entry lists a waived instance."""
    plan = row.plan(row.past, row.quiet)
    broken = row.broken(plan)
    others = [v for v in broken if v.rule != row.rule]
    mine = [v for v in broken if v.rule == row.rule]
    plan = listing(listing(plan, others, ShortfallType.BROKEN_BY_LOG), mine, ShortfallType.RECIPE)
    (message,) = safety(row.check(plan), row.rule)
    assert message.endswith("(the plan hides it)")


def test_future_adding_to_the_figure_is_a_violation(row: Row) -> None:
    """The rest of the week adds to the figure the log already broke: not waived (not in
    `broken_by_log`), a violation saying so, however the shortfalls read."""
    plan = row.plan(row.past, row.grows)
    broken = row.broken(plan)
    assert row.held not in [v.message for v in broken]
    listed = listing(plan, broken, ShortfallType.BROKEN_BY_LOG)
    messages = safety(row.check(listed), row.rule)
    held = row.held.split(": the logged days already hold ", 1)[1].split(";")[0]
    grown = f"; broken by the log: the logged days hold {held}; the days from today add to it ("
    assert [m for m in messages if grown in m], messages


def test_past_that_holds_is_judged_as_usual(row: Row) -> None:
    """The logged days alone hold the instance, the whole week breaks it: the usual
    violation, and nothing for `broken_by_log`."""
    plan = row.plan(row.fine_past, row.fine_future)
    assert [v for v in row.broken(plan) if v.rule == row.rule] == []
    assert safety(row.check(plan), row.rule) == [row.fine]


@pytest.mark.parametrize("name", RATIO_ROWS)
def test_future_repairing_a_ratio_is_fine(name: str) -> None:
    """Ratio parts (H13, H14's long run share, H15): more easy, other or road minutes
    dilute what the log broke; the instance holds, nothing to waive or list."""
    row = ROWS[name]
    assert row.repairs is not None
    plan = row.plan(row.past, row.repairs)
    assert [v for v in row.broken(plan) if v.rule == row.rule] == []
    assert safety(row.check(plan), row.rule) == []


def test_the_rows_break_what_they_say_without_a_log(row: Row) -> None:
    """Without a log (a fresh plan) the quiet plan breaks the row's rule: the waiver is the
    re-plan's doing, not a blind spot."""
    plan = row.plan(row.past, row.quiet)
    assert safety(check(row.scenario, plan), row.rule)


# ----- what else a re-plan judges -----------------------------------------------------


def test_h06_pair_across_today_is_judged() -> None:
    """Contract item 2: a demanding logged wed forbids a demanding thu (today); a pair of
    logged days (tue, wed) is history. Without a log both pairs are violations."""
    scenario = one_week()
    today = day(THU)
    across = with_recipes_listed(
        scenario, build(scenario, [(2, "road_intervals", 45), (3, "road_tempo", 30)])
    )
    found = check(scenario, across, done=as_planned(across, today), today=today)
    assert [(v.rule, v.date, v.message) for v in found if v.rule == "H06"] == [
        (
            "H06",
            today,
            "2027-01-06 (road_intervals) and 2027-01-07 (road_tempo) are back-to-back "
            "demanding days",
        )
    ]
    past = with_recipes_listed(
        scenario, build(scenario, [(1, "road_intervals", 45), (2, "road_tempo", 30)])
    )
    assert safety(check(scenario, past, done=as_planned(past, today), today=today), "H06") == []
    assert len(safety(check(scenario, past), "H06")) == 1


def race_week_plan(scenario: Scenario, rest: int | None) -> Plan:
    """Race week of `race_on(6)`: an easy session on each of mon-sat but ``rest``."""
    kinds = ("road_easy", "bike_easy", "swim_easy", "road_easy", "bike_easy", "road_easy")
    sessions = [(i, kind, 30) for i, kind in enumerate(kinds) if i != rest]
    return with_recipes_listed(scenario, build(scenario, sessions))


def test_h18_rest_window_reaching_today_is_judged() -> None:
    """H18's rest window (mon-sat before the sun race) is judged while any of its days is
    today or later, and holds if any of its days, past or future, is a rest day; with all
    its days past (today is race day) it is history."""
    scenario = race_on(6)
    rest_message = "2027-01-04 to 2027-01-09: no rest day among the 6 days before the race"

    def h18(plan: Plan, today: int) -> list[str]:
        found = check(scenario, plan, done=as_planned(plan, day(today)), today=day(today))
        return safety(found, "H18")

    no_rest = race_week_plan(scenario, rest=None)
    assert h18(no_rest, today=4) == [rest_message]
    assert h18(no_rest, today=5) == [rest_message]
    assert h18(race_week_plan(scenario, rest=1), today=4) == []  # a logged rest day holds it
    assert h18(race_week_plan(scenario, rest=5), today=4) == []  # a planned one too
    assert h18(no_rest, today=6) == []  # race day: the window is history
    assert safety(check(scenario, no_rest), "H18") == [rest_message]


def test_h18_quiet_day_session_on_a_logged_day_is_history() -> None:
    """A demanding session on a logged quiet day (thu, 3 days before the sun race) is
    history once today is fri; with today thu it is judged (it is today's)."""
    scenario = race_on(6)
    plan = with_recipes_listed(scenario, build(scenario, [(3, "road_tempo", 30)]))
    message = (
        "2027-01-07: demanding session road_tempo 3 day(s) before the race (race_quiet_days 4)"
    )
    for today, expected in ((4, []), (3, [message])):
        found = check(scenario, plan, done=as_planned(plan, day(today)), today=day(today))
        assert safety(found, "H18") == expected


def test_day_scoped_item_on_a_logged_day_is_not_reported() -> None:
    """Contract item 2: a hill session logged on a tue (hills reachable on sat only: H02)
    and two demanding sessions in one logged day (H03) are history; the same on today are
    judged."""
    scenario = one_week()
    sessions: list[Placed] = [
        (1, "hill_repeats", 45),
        (2, "road_tempo", 30, "am"),
        (2, "road_long", 90),
    ]
    plan = with_recipes_listed(scenario, build(scenario, sessions))
    fresh = check(scenario, plan)
    assert safety(fresh, "H02")
    assert safety(fresh, "H03")
    replanned = check(scenario, plan, done=as_planned(plan, day(THU)), today=day(THU))
    assert safety(replanned, "H02") == safety(replanned, "H03") == []
    on_today = check(scenario, plan, done=as_planned(plan, day(1)), today=day(1))
    assert safety(on_today, "H02")
    assert safety(on_today, "H03")


def test_split_week_recipes_are_soft_under_strict() -> None:
    """Contract item 4: under ``recipes: strict`` a re-plan's split week (week 1, today
    thu) misses H22 (no strength session) as a soft recipe: listed as a recipe it is
    fine, unlisted (or listed only as broken_by_log) it is hidden. Week 2, after the split
    week, stays strict: its miss is a violation even when listed. Without a log both weeks
    are strict."""
    scenario = two_weeks(recipes="strict")
    sessions = [s for s in clean_weeks(1, 2) if s[1] != "strength_mobility"]
    plan = build(scenario, sessions)
    today = day(THU)
    log = as_planned(plan, today)

    def h22(plan: Plan, **replan: Any) -> list[tuple[int | None, bool, str]]:
        found = check(scenario, plan, **replan)
        return [(v.week, v.recipe, v.message) for v in found if v.rule == "H22"]

    week1 = "week 1: 0 strength sessions < min_strength_per_week 1"
    week2 = "week 2: 0 strength sessions < min_strength_per_week 1"
    hidden = f"{week1}; recipe missed but not listed in shortfalls (the plan hides it)"
    assert h22(plan, done=log, today=today) == [(1, True, hidden), (2, True, week2)]
    as_broken = listing(
        plan, [Violation(rule="H22", week=1, message="x")], ShortfallType.BROKEN_BY_LOG
    )
    assert h22(as_broken, done=log, today=today) == [(1, True, hidden), (2, True, week2)]
    listed = with_shortfalls(plan, ("H22", 1), ("H22", 2))
    assert h22(listed, done=log, today=today) == [(2, True, week2)]
    assert h22(listed) == [(1, True, week1), (2, True, week2)]


def test_no_split_week_when_today_starts_a_week() -> None:
    """Today on a monday: no week is split, nothing is broken by the log; the weeks before
    are history (week 1's H09 load 1800 > 1650 is not judged) and week 2 is judged whole
    with week 1 as its reference: 2520 load > 1.10 x 1800 = 1980 and 420 minutes > 1.10 x
    max(300, 337.5) = 371.25."""
    scenario = two_weeks()
    loaded = ((0, "trail_loaded", 120), (1, "gym_strength", 60), (2, "trail_loaded", 120))
    more = ((11, "trail_loaded", 120),)
    plan = with_recipes_listed(scenario, build(scenario, loaded, shifted(loaded, 7), more))
    today = day(7)
    assert split_week(scenario, today) is None
    assert split_week(scenario, day(8)) == scenario.calendar[1]
    log = as_planned(plan, today)
    assert broken_by_log(scenario, plan, log, today) == []
    assert [v.week for v in check(scenario, plan) if v.rule == "H09"] == [1, 2, 2]
    replanned = check(scenario, plan, done=log, today=today)
    assert [v.week for v in replanned if v.rule == "H09"] == [2, 2]


def test_weeks_after_the_split_week_are_judged_as_usual() -> None:
    """Week 1 split (today thu), its H09 load broken by the log (1800 > 1650) and listed;
    week 2 breaks H09's load too (2520 > 1.10 x week 1's 1800 = 1980): its own, plain
    violation, never weighed against week 1's logged days."""
    scenario = two_weeks()
    loaded = ((0, "trail_loaded", 120), (1, "gym_strength", 60), (2, "trail_loaded", 120))
    more = ((11, "trail_loaded", 120),)
    plan = with_recipes_listed(scenario, build(scenario, loaded, shifted(loaded, 7), more))
    today = day(THU)
    log = as_planned(plan, today)
    broken = broken_by_log(scenario, plan, log, today)
    assert [(v.rule, v.week) for v in broken if v.rule == "H09"] == [("H09", 1)]
    listed = listing(plan, broken, ShortfallType.BROKEN_BY_LOG)
    assert safety(check(scenario, listed, done=log, today=today), "H09") == [
        "week 2: load 2520 > 1.10 x max(ref 1800, mean 1575) = 1980",
        "week 2: minutes 420 > 1.10 x max(ref 300, mean 337.5) = 371.25",
    ]


def test_broken_by_log_defaults_today_like_check() -> None:
    """Without ``today``: the plan's ``replanned_from``, else the day after the log."""
    row = ROWS["H09 load"]
    plan = row.plan(row.past, row.quiet)
    log = as_planned(plan, day(THU))
    expected = [v.message for v in row.broken(plan)]
    assert [v.message for v in broken_by_log(row.scenario, plan, log)] == expected
    replanned = plan.model_copy(update={"replanned_from": day(THU)})
    assert [v.message for v in broken_by_log(row.scenario, replanned, TrainingLog(()))] == (
        expected
    )


# ----- the command line -------------------------------------------------------------

RunCli = Callable[..., CliResult]


def write_case(tmp_path: Path, plan: Plan, today: dt.date) -> tuple[str, str, str]:
    """The H09 load row's scenario, ``plan`` and its log as files."""
    scenario = {
        **BASE_SCENARIO,
        "weeks": 1,
        "athlete": {**BASE_SCENARIO["athlete"], "long_hike_minutes": 90},
        "availability": {**BASE_SCENARIO["availability"], "sat": {"am": 60, "pm": 180}},
    }
    scenario_file, plan_file, log_file = (
        tmp_path / "scenario.json",
        tmp_path / "plan.json",
        tmp_path / "log.yaml",
    )
    scenario_file.write_text(json.dumps(scenario))
    plan_file.write_text(plan.to_json())
    log_file.write_text(
        "".join(
            f"- {{date: {e.date}, kind: {e.kind}, minutes: {e.minutes}, rpe: {e.rpe}}}\n"
            for e in as_planned(plan, today).entries
        )
    )
    return str(scenario_file), str(plan_file), str(log_file)


def test_cli_check_done_accepts_listed_waivers(tmp_path: Path, run_cli: RunCli) -> None:
    """``periodize check --done LOG --today D``: the H09 load the log broke, listed as
    broken_by_log: exit 0; unlisted: exit 1 naming it."""
    row = ROWS["H09 load"]
    plan = row.plan(row.past, row.quiet)
    today = day(THU)
    listed = listing(plan, row.broken(plan), ShortfallType.BROKEN_BY_LOG)
    files = write_case(tmp_path, listed, today)
    result = run_cli("check", *files[:2], "--done", files[2], "--today", today.isoformat())
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "no violation of any hard rule" in result.stderr
    files = write_case(tmp_path, plan, today)
    result = run_cli("check", *files[:2], "--done", files[2], "--today", today.isoformat())
    assert result.exit_code == 1
    assert result.stdout.startswith(
        "H09 week 1: week 1: load 1800 > 1.10 x max(ref 1500, mean 1500) = 1650; broken by "
        "the log: the logged days hold 1,800 load, above H09's cap of 1,650; not listed in "
        "shortfalls as broken_by_log (the plan hides it)\n"
    )
