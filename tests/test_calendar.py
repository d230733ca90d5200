"""calendar.py: weeks, phases, recovery weeks and taper (rules.md, "Phases" and H11).

Expected phase lists are worked out by hand from rules.md: taper is the last
``taper_weeks`` weeks, peak the 3 before, build the 6 before that, base the rest; a short
horizon takes weeks from base, then build (down to 2), peak (down to 1), taper (down to 1);
under four weeks build goes, then peak (calendar.py's docstring). Without a race the first
half (rounded up) is base and the rest build.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from periodize.calendar import Week, build_calendar, derive_phases, phase_lengths
from periodize.scenario import Scenario
from periodize.vocabulary import Phase

BASE, BUILD, PEAK, TAPER = Phase.BASE, Phase.BUILD, Phase.PEAK, Phase.TAPER
MONDAY = dt.date(2027, 1, 4)


def phases(spec: str) -> list[Phase]:
    """``"base*2 build*1"`` -> [base, base, build]: expected lists written compactly."""
    result: list[Phase] = []
    for part in spec.split():
        name, count = part.split("*")
        result += [Phase(name)] * int(count)
    return result


def recovery_indices(weeks: list[Week]) -> list[int]:
    return [week.index for week in weeks if week.recovery]


# ----- phase_lengths and derive_phases, race plans --------------------------------------

RACE_PHASES_TAPER_2 = [
    (1, "taper*1"),  # 11 weeks wanted, 10 to remove: build 2, peak 1, taper 1, then build, peak
    (2, "peak*1 taper*1"),  # floors give 4, then build goes entirely
    (3, "build*1 peak*1 taper*1"),  # floors give 4, build loses one
    (4, "build*2 peak*1 taper*1"),  # every phase at its floor
    (5, "build*2 peak*1 taper*2"),  # build 6->2 and peak 3->1 remove the 6 extra weeks
    (8, "build*3 peak*3 taper*2"),  # 3 extra weeks come out of build only
    (11, "build*6 peak*3 taper*2"),  # exactly taper + peak + build: no base
    (16, "base*5 build*6 peak*3 taper*2"),
    (24, "base*13 build*6 peak*3 taper*2"),
    (104, "base*93 build*6 peak*3 taper*2"),
]


@pytest.mark.parametrize(("weeks", "expected"), RACE_PHASES_TAPER_2)
def test_race_phases_with_two_taper_weeks(weeks: int, expected: str) -> None:
    assert derive_phases(weeks, has_race=True, taper_weeks=2) == phases(expected)


RACE_PHASES_TAPER_1 = [
    (1, "taper*1"),
    (2, "peak*1 taper*1"),
    (5, "build*2 peak*2 taper*1"),  # 10 wanted: build 6->2 removes 4, peak 3->2 the 5th
    (8, "build*4 peak*3 taper*1"),
    (16, "base*6 build*6 peak*3 taper*1"),
    (24, "base*14 build*6 peak*3 taper*1"),
    (104, "base*94 build*6 peak*3 taper*1"),
]


@pytest.mark.parametrize(("weeks", "expected"), RACE_PHASES_TAPER_1)
def test_race_phases_with_one_taper_week(weeks: int, expected: str) -> None:
    assert derive_phases(weeks, has_race=True, taper_weeks=1) == phases(expected)


def test_long_taper_is_cut_down_to_one_week_before_build_goes() -> None:
    # taper 4 + peak 3 + build 6 = 13 wanted in 4 weeks: build 2, peak 1, taper 1.
    assert derive_phases(4, has_race=True, taper_weeks=4) == phases("build*2 peak*1 taper*1")
    # 12 weeks: one too few, base is empty and build loses one week.
    assert derive_phases(12, has_race=True, taper_weeks=4) == phases("build*5 peak*3 taper*4")


@pytest.mark.parametrize(
    ("weeks", "taper_weeks", "base", "build", "peak", "taper"),
    [
        (1, 2, 0, 0, 0, 1),
        (2, 2, 0, 0, 1, 1),
        (5, 2, 0, 2, 1, 2),
        (8, 2, 0, 3, 3, 2),
        (16, 2, 5, 6, 3, 2),
        (24, 2, 13, 6, 3, 2),
        (104, 2, 93, 6, 3, 2),
        (8, 1, 0, 4, 3, 1),
    ],
)
def test_phase_lengths(
    weeks: int, taper_weeks: int, base: int, build: int, peak: int, taper: int
) -> None:
    lengths = phase_lengths(weeks, taper_weeks)
    assert lengths == {BASE: base, BUILD: build, PEAK: peak, TAPER: taper}
    assert sum(lengths.values()) == weeks


def test_phase_lengths_needs_a_week() -> None:
    with pytest.raises(ValueError, match="at least one week"):
        phase_lengths(0, 2)


# ----- derive_phases, no race -----------------------------------------------------------


@pytest.mark.parametrize(
    ("weeks", "expected"),
    [
        (1, "base*1"),
        (2, "base*1 build*1"),
        (5, "base*3 build*2"),  # half of 5 rounded up
        (8, "base*4 build*4"),
        (12, "base*6 build*6"),
        (16, "base*8 build*8"),
        (24, "base*12 build*12"),
        (104, "base*52 build*52"),
    ],
)
def test_no_race_is_half_base_half_build(weeks: int, expected: str) -> None:
    assert derive_phases(weeks, has_race=False, taper_weeks=2) == phases(expected)


# ----- build_calendar: weeks, dates, partial weeks --------------------------------------


def calendar(
    end: dt.date,
    *,
    has_race: bool = True,
    taper_weeks: int = 2,
    recovery_every: int = 4,
    explicit: list[Phase] | None = None,
) -> list[Week]:
    return build_calendar(
        MONDAY,
        end,
        has_race=has_race,
        taper_weeks=taper_weeks,
        recovery_every=recovery_every,
        phases=explicit,
    )


@pytest.mark.parametrize("weeks", [1, 2, 5, 8, 16, 24, 104])
def test_full_weeks_tile_the_horizon(weeks: int) -> None:
    end = MONDAY + dt.timedelta(days=7 * weeks - 1)
    result = calendar(end)
    assert [week.index for week in result] == list(range(1, weeks + 1))
    assert all(week.full and week.days == 7 for week in result)
    assert result[0].start == MONDAY
    assert result[-1].end == end
    for before, after in itertools.pairwise(result):
        assert after.start == before.end + dt.timedelta(days=1)
    assert [week.is_race_week for week in result] == [False] * (weeks - 1) + [True]


def test_race_midweek_makes_a_partial_last_week() -> None:
    # Monday 2027-01-04 to Wednesday 2027-01-20: 17 days, weeks of 7, 7 and 3 days.
    race_day = dt.date(2027, 1, 20)
    weeks = calendar(race_day)
    assert [week.days for week in weeks] == [7, 7, 3]
    last = weeks[-1]
    assert not last.full
    assert last.is_race_week
    assert last.start == dt.date(2027, 1, 18)
    assert last.end == race_day
    assert last.dates() == [dt.date(2027, 1, 18), dt.date(2027, 1, 19), race_day]
    assert last.contains(race_day)
    assert not last.contains(dt.date(2027, 1, 21))
    assert not last.contains(dt.date(2027, 1, 17))
    assert [week.phase for week in weeks] == phases("build*1 peak*1 taper*1")


def test_race_on_a_saturday_leaves_a_six_day_week() -> None:
    # Monday 2027-01-04 to Saturday 2027-03-06 is 62 days: 8 full weeks and 6 days.
    weeks = calendar(dt.date(2027, 3, 6))
    assert len(weeks) == 9
    assert [week.days for week in weeks] == [7] * 8 + [6]
    assert weeks[-1].dates()[-1] == dt.date(2027, 3, 6)
    assert weeks[-1].phase is TAPER
    assert weeks[-1].taper


def test_race_on_the_start_date_is_a_one_day_taper() -> None:
    (week,) = calendar(MONDAY)
    assert week.days == 1
    assert week.dates() == [MONDAY]
    assert week.phase is TAPER
    assert week.is_race_week
    assert not week.recovery


def test_plan_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="ends before it starts"):
        calendar(MONDAY - dt.timedelta(days=1))


# ----- recovery weeks (H11) -------------------------------------------------------------


def test_recovery_every_fourth_week_outside_taper() -> None:
    # 16 weeks: base 1-5, build 6-11, peak 12-14, taper 15-16 -> recovery 4, 8, 12.
    weeks = calendar(MONDAY + dt.timedelta(days=16 * 7 - 1))
    assert recovery_indices(weeks) == [4, 8, 12]
    assert weeks[11].phase is PEAK


def test_recovery_every_third_week() -> None:
    # 16 weeks, every 3rd: 3, 6, 9, 12; week 15 is taper.
    weeks = calendar(MONDAY + dt.timedelta(days=16 * 7 - 1), recovery_every=3)
    assert recovery_indices(weeks) == [3, 6, 9, 12]


def test_recovery_never_falls_in_taper() -> None:
    # 12 weeks, taper 4: build 1-5, peak 6-8, taper 9-12; every 3rd would be 3, 6, 9, 12.
    weeks = calendar(MONDAY + dt.timedelta(days=12 * 7 - 1), taper_weeks=4, recovery_every=3)
    assert [week.phase for week in weeks] == phases("build*5 peak*3 taper*4")
    assert recovery_indices(weeks) == [3, 6]


def test_recovery_never_falls_on_the_race_week() -> None:
    # Explicit phases keep week 8 in base, yet it is the race week: no recovery there.
    weeks = calendar(MONDAY + dt.timedelta(days=8 * 7 - 1), explicit=[BASE] * 8)
    assert weeks[-1].is_race_week
    assert recovery_indices(weeks) == [4]


def test_without_a_race_the_last_week_may_recover() -> None:
    weeks = calendar(MONDAY + dt.timedelta(days=8 * 7 - 1), has_race=False)
    assert not any(week.is_race_week for week in weeks)
    assert recovery_indices(weeks) == [4, 8]
    assert [week.phase for week in weeks] == phases("base*4 build*4")


def test_104_week_race_plan() -> None:
    weeks = calendar(MONDAY + dt.timedelta(days=104 * 7 - 1))
    assert len(weeks) == 104
    assert recovery_indices(weeks) == list(range(4, 101, 4))  # 104 is taper
    assert [week.phase for week in weeks] == phases("base*93 build*6 peak*3 taper*2")


# ----- explicit phases ------------------------------------------------------------------


def test_explicit_phases_override_the_derived_ones() -> None:
    explicit = phases("base*2 peak*2 build*2 taper*2")
    weeks = calendar(MONDAY + dt.timedelta(days=8 * 7 - 1), explicit=explicit)
    assert [week.phase for week in weeks] == explicit
    # Recovery follows the given phases: week 4 (peak) recovers, week 8 (taper) does not.
    assert recovery_indices(weeks) == [4]


def test_explicit_phases_of_the_wrong_length_are_refused() -> None:
    with pytest.raises(ValueError, match="phases has 3 entries for 8 weeks"):
        calendar(MONDAY + dt.timedelta(days=8 * 7 - 1), explicit=[BASE, BUILD, PEAK])


# ----- the calendar of a scenario -------------------------------------------------------


def test_dolomites_calendar(dolomites: Scenario) -> None:
    # 16 weeks, race on Sunday 2027-04-25, recovery_every 3 (scenario override).
    weeks = dolomites.calendar
    assert [week.phase for week in weeks] == phases("base*5 build*6 peak*3 taper*2")
    assert recovery_indices(weeks) == [3, 6, 9, 12]
    assert weeks[-1].end == dt.date(2027, 4, 25)
    assert dolomites.week_of(dt.date(2027, 1, 10)).index == 1
    assert dolomites.week_of(dt.date(2027, 1, 11)).index == 2
    assert dolomites.week_of(dt.date(2027, 4, 25)).is_race_week


def test_scenario_phases_key_overrides_the_calendar(dolomites: Scenario) -> None:
    explicit = phases("base*8 build*4 peak*2 taper*2")
    changed = Scenario.model_validate(dolomites.model_dump() | {"phases": explicit})
    assert [week.phase for week in changed.calendar] == explicit
