"""The greedy planner's steps one at a time (`periodize.heuristic`'s modules): roles, days,
minutes, terrain band and the judge of a week, each on a week of a shipped scenario with
the outcome worked out next to the assertion."""

from __future__ import annotations

from periodize.heuristic.bands import repair_band
from periodize.heuristic.days import Board, same_day_ok
from periodize.heuristic.frame import History, Placed, PlanFacts, WeekFrame
from periodize.heuristic.judge import long_floor
from periodize.heuristic.minutes import fit_week, set_lengths, week_problem
from periodize.heuristic.roles import hard_count, week_roles
from periodize.scenario import Scenario
from periodize.vocabulary import Slot


def _frame(scenario: Scenario, index: int, history: History | None = None) -> WeekFrame:
    """Week ``index`` of ``scenario`` with a history of weeks at the baseline (300 minutes,
    1200 load, 30 hard minutes for the dolomites athlete) before it."""
    athlete = scenario.athlete
    if history is None:
        before = index - 1
        history = History(
            minutes=[athlete.weekly_minutes] * before,
            loads=[athlete.baseline_load] * before,
            hard=[athlete.weekly_minutes // 10] * before,
            longest_run=athlete.long_minutes,
            longest_hike=athlete.baseline_long_hike,
        )
    return WeekFrame(PlanFacts(scenario), history, scenario.calendar[index - 1])


def _session(frame: WeekFrame, day: int, slot: Slot, kind: str, role: str = "easy") -> Placed:
    found = frame.scenario.catalogue[kind]
    units = frame.facts.units(day, slot, found)
    assert units is not None, (day, slot, kind)
    return Placed(day, slot, found, role, 1.0, units[0], units[-1], units[0] * frame.grid)


# ----- roles ---------------------------------------------------------------------------


def test_hard_sessions_by_week(dolomites: Scenario) -> None:
    """H05 for an intermediate (1-2): one in base, build and peak weeks, one at most in a
    recovery week, one in the first taper week, none in race week (the race is hard)."""
    by_week = {w.index: hard_count(_frame(dolomites, w.index)) for w in dolomites.calendar}
    assert by_week[1] == 1  # base
    assert by_week[3] == 1  # recovery (every 3rd week here)
    assert by_week[15] == 1  # first taper week
    assert by_week[16] == 0  # race week


def test_roles_of_a_taper_week_and_of_a_loading_week(dolomites: Scenario) -> None:
    """No long session in the taper; a full week outside it wants H22's strength session."""
    taper = [role.name for role in week_roles(_frame(dolomites, 15))]
    build = [role.name for role in week_roles(_frame(dolomites, 7))]
    assert "long" not in taper
    assert "strength" not in taper
    assert build[0] == "long"
    assert build.count("strength") == dolomites.resolved_rules.min_strength_per_week == 1


# ----- days ----------------------------------------------------------------------------


def test_same_day_pairs(dolomites: Scenario) -> None:
    """H03: a hard run and strength may share a day; two demanding sessions, two sessions
    of one kind or two strength sessions may not."""
    frame = _frame(dolomites, 1)
    intervals = _session(frame, 1, Slot.PM, "road_intervals", "hard")  # Tuesday
    catalogue = dolomites.catalogue
    assert same_day_ok([intervals], catalogue["strength_mobility"])
    assert not same_day_ok([intervals], catalogue["road_tempo"])  # two demanding
    assert not same_day_ok([intervals], catalogue["road_intervals"])  # one kind twice
    gym = _session(frame, 0, Slot.PM, "gym_strength", "strength")
    assert not same_day_ok([gym], catalogue["strength_mobility"])  # two strength


def test_board_keeps_demanding_days_apart_and_recovery_weeks_single(dolomites: Scenario) -> None:
    """H06: no demanding session the day after one (Tuesday's intervals rule out
    Wednesday's tempo, not Thursday's); H11: no double in a recovery week (week 3)."""
    frame = _frame(dolomites, 1)
    board = Board(frame)
    board.add(_session(frame, 1, Slot.PM, "road_intervals", "hard"))
    tempo = dolomites.catalogue["road_tempo"]
    assert not board.fits(2, Slot.PM, tempo, double_ok=False)
    assert board.fits(3, Slot.PM, tempo, double_ok=False)
    recovery = _frame(dolomites, 3)
    assert recovery.week.recovery
    board = Board(recovery)
    board.add(_session(recovery, 15, Slot.PM, "road_easy"))  # Tuesday of week 3
    strength = dolomites.catalogue["strength_mobility"]
    assert not board.fits(15, Slot.AM, strength, double_ok=True)


def test_quiet_days_before_the_race(dolomites: Scenario) -> None:
    """H18: the race is on Sunday of week 16 (day 111); the 4 days before it hold no
    demanding session and the eve stays a rest day (not a training day at all)."""
    frame = _frame(dolomites, 16)
    assert frame.quiet_days == frozenset({107, 108, 109, 110})
    assert 110 not in frame.days
    board = Board(frame)
    intervals = dolomites.catalogue["road_intervals"]
    assert not board.fits(108, Slot.PM, intervals, double_ok=False)
    assert board.fits(106, Slot.PM, intervals, double_ok=False)


# ----- minutes -------------------------------------------------------------------------


def test_week_problem_names_the_easy_run_share(dolomites: Scenario) -> None:
    """H13: 45 minutes of intervals against 30 of easy running is 40 % easy (< 60 %); 45
    against 75 is 62.5 %. (A 60-minute bike keeps the hard share, 18 of 135 or more
    minutes, under 20 %.)"""
    frame = _frame(dolomites, 2)
    intervals = _session(frame, 8, Slot.PM, "road_intervals", "hard")  # Tuesday pm: 60
    easy = _session(frame, 13, Slot.AM, "road_easy")  # Sunday: 180
    bike = _session(frame, 12, Slot.AM, "bike_easy")  # Saturday
    intervals.minutes, easy.minutes, bike.minutes = 45, 30, 60
    assert week_problem(frame, [intervals, easy, bike]) == "H13-easy"
    easy.minutes = 75
    assert week_problem(frame, [intervals, easy, bike]) is None


def test_lengths_keep_the_long_run_a_share_of_the_week(dolomites: Scenario) -> None:
    """H14: a long run wanted at 120 minutes beside two easy runs of 60 is cut to
    0.40 / 0.60 x 120 = 80, on the grid 75 (0.38 of the week's 195); nothing is longer."""
    frame = _frame(dolomites, 2)
    long = _session(frame, 12, Slot.AM, "road_long", "long")  # Saturday
    tuesday = _session(frame, 8, Slot.PM, "road_easy")
    thursday = _session(frame, 10, Slot.PM, "road_easy")
    placed = [long, tuesday, thursday]
    set_lengths(frame, placed, scale=60, long_minutes=120, hard_minutes=45)
    assert (tuesday.minutes, thursday.minutes) == (60, 60)
    assert long.minutes == 75
    assert week_problem(frame, placed) is None


def test_fit_grows_the_long_hike_to_its_target(dolomites: Scenario) -> None:
    """S6: week 7 (the 5th loading week) has a long target of 150 + 5 x 15 = 225; with a
    history of baseline weeks (longest hike 150) H14's growth allows 165, and the week's
    caps leave room for it beside an easy run."""
    frame = _frame(dolomites, 7)
    assert frame.long_target == 225
    long = _session(frame, 47, Slot.AM, "hike_long", "long")
    easy = _session(frame, 44, Slot.PM, "road_easy")
    placed = [long, easy]
    fit_week(frame, placed)
    assert long.minutes == 165  # growth cap max(1.1 x 150, 150 + 15)
    assert week_problem(frame, placed) is None


# ----- terrain band and judge ----------------------------------------------------------


def test_band_repair_moves_a_week_into_its_band(dolomites: Scenario) -> None:
    """H15, base week measured alone: road share 65-75 %. Two road runs of 45 and no trail
    run is 100 % road; turning Sunday's easy road run into an easy trail run and sizing the
    runs brings it inside the band."""
    frame = _frame(dolomites, 1, History(longest_run=100, longest_hike=150))
    tuesday = _session(frame, 1, Slot.PM, "road_easy")
    sunday = _session(frame, 6, Slot.AM, "road_easy")
    thursday = _session(frame, 3, Slot.PM, "road_easy")
    for p in (tuesday, sunday, thursday):
        p.minutes = 45
    placed = [tuesday, sunday, thursday]
    assert not frame.in_band(placed)
    repair_band(frame, placed)
    assert frame.in_band(placed)
    assert any(p.kind.is_trail_run for p in placed)


def test_long_floor_worked_example(dolomites: Scenario) -> None:
    """H14's floor in week 7: A = floor(0.8 x 225) = 180; R = min(run growth 115, 0.4 x 400
    = 160) = 115; hikes count before a trail race: H = hike growth 165; S = 300 (Saturday
    am); floor = grid_down(min(180, max(115, 165), 300)) = 165."""
    frame = _frame(dolomites, 7)
    assert long_floor(frame, 400) == 165
