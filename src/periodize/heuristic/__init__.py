"""A fast constructive planner: the seeds' weekly rhythms, filled greedily week by week.

`greedy_plan` builds a plan in milliseconds, without a solver. It is the baseline the
benchmarks compare the optimised plans against, and it serves as a CP-SAT solution hint
(`greedy_sessions` returns the ``(day, slot) -> (kind, minutes)`` form the model's
construction uses). It knows nothing of ``periodize.model``: it is domain code.

Each week is built in four steps, one module each:

1. **Roles** (`roles`): what the week wants, most important first: one long session, the
   level's hard sessions, H08's hikes, H22's strength, H16's phase items, easy runs up to
   the level's session count.
2. **Days** (`days`): pins exactly as pinned (H20); the long session on the day and kind
   that reach the most of the week's long target, the default long day first among equals;
   demanding sessions apart (H06) and off the race's quiet days (H18); no two demanding,
   same-kind or strength sessions in a day, kind slots kept, no doubles in a recovery week
   (H03, H11); the week's rest days (H04); the eve of the race at rest (H18).
3. **Minutes** (`minutes`): the long session grows toward the week's long target within
   H14's growth, the others scale so the week's minutes follow the target minutes, with
   every weekly cap holding (H09-H14, H17); a session that stands in the way is dropped.
4. **Terrain band** (`bands`): easy runs are resized, switched or added until the week's
   road (trail) share is in its phase band (H15), where the caps allow.

`frame` holds what the steps read: the plan's facts, the history of the weeks built so far
and one week's frame (its days, kinds (H19, H21), slots and the race's quiet days).

What it does not guarantee: recipe minimums (listed as shortfalls, as the solver does),
the terrain band of every week, and rules a pin can break (a pin that breaks a cap, say).
``periodize.check`` reports what is left; the benchmarks print the count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from periodize.catalogue import RACE_KIND, SessionKind
from periodize.heuristic.bands import repair_band
from periodize.heuristic.days import place_week
from periodize.heuristic.frame import History, Placed, PlanFacts, Role, WeekFrame
from periodize.heuristic.judge import make_room_for_long, week_score
from periodize.heuristic.minutes import fit_week
from periodize.heuristic.roles import week_roles
from periodize.plan import Day, Plan, Session, Status, summarise_week
from periodize.scenario import Scenario
from periodize.shortfalls import find_shortfalls
from periodize.vocabulary import Modality, RatioScope, Slot, Weekday

Sessions = dict[tuple[int, Slot], tuple[SessionKind, int]]
"""Sessions by (day index from the start, slot): kind and minutes."""


def _build(frame: WeekFrame, roles: list[Role], long_modality: Modality | None) -> list[Placed]:
    """One version of the week: days, minutes (with room made for the long session),
    terrain band."""
    placed = place_week(frame, roles, long_modality)
    fit_week(frame, placed)
    make_room_for_long(frame, placed)
    repair_band(frame, placed)
    return placed


def build_week(frame: WeekFrame) -> list[Placed]:
    """One week's sessions with their minutes: roles, days, minutes, terrain band. Where
    the first version misses a recipe or its band, the week is built again around a long
    session of each other modality (a long run instead of a long hike, say) and the best
    version kept (`judge.week_score`)."""
    roles = week_roles(frame)
    placed = _build(frame, roles, None)
    score = week_score(frame, placed)
    if score[:2] == (False, 0):
        return placed
    chosen = {p.kind.modality for p in placed if p.role == "long"}
    others = sorted({k.modality for k in frame.kinds if k.long} - chosen)
    for modality in others:
        other = _build(frame, roles, modality)
        other_score = week_score(frame, other)
        if other_score < score:
            placed, score = other, other_score
    return placed


def record_week(frame: WeekFrame, placed: Sequence[Placed]) -> None:
    """Extend the history with a finished week."""
    history = frame.history
    if frame.band is not None and frame.facts.rules.ratio_scope is RatioScope.PHASE:
        history.phase_runs[frame.week.phase] = frame.band_share(placed)
    history.minutes.append(sum(p.minutes for p in placed))
    history.loads.append(sum(p.load for p in placed))
    history.hard.append(sum(p.hard_minutes for p in placed))
    for p in placed:
        if p.kind.is_run:
            history.longest_run = max(history.longest_run, p.minutes)
        if p.kind.is_hike:
            history.longest_hike = max(history.longest_hike, p.minutes)
        if p.kind.is_demanding:
            history.demanding_days.add(p.day)
        if p.kind.simulation:
            history.simulated = True


def greedy_sessions(scenario: Scenario) -> Sessions:
    """The greedy plan's sessions by (day index from the start, slot): kind and minutes.
    The race session is not included (the model places it)."""
    facts = PlanFacts(scenario)
    athlete = scenario.athlete
    history = History(longest_run=athlete.long_minutes, longest_hike=athlete.baseline_long_hike)
    sessions: Sessions = {}
    for week in scenario.calendar:
        frame = WeekFrame(facts, history, week)
        placed = build_week(frame)
        record_week(frame, placed)
        for p in placed:
            sessions[(p.day, p.slot)] = (p.kind, p.minutes)
    return sessions


def greedy_plan(scenario: Scenario) -> Plan:
    """The greedy plan as a `Plan` with status ``feasible``: days (the race on race day),
    weekly summaries and shortfalls, built as `periodize.solve` builds its plans. It is not
    checked: run ``periodize.check`` on it to see which rules it misses."""
    sessions = greedy_sessions(scenario)
    return plan_from_sessions(scenario, sessions)


def plan_from_sessions(scenario: Scenario, sessions: Sessions) -> Plan:
    """A feasible-status `Plan` holding ``sessions`` (and the race on race day)."""
    zones = scenario.athlete.zones
    by_day: dict[int, list[Session]] = {}
    for (day, slot), (kind, minutes) in sessions.items():
        by_day.setdefault(day, []).append(Session.of(kind, slot, minutes, zones))
    race = scenario.race
    if race is not None:
        race_day = (race.date - scenario.start).days
        kind = scenario.catalogue[RACE_KIND]
        by_day[race_day] = [Session.of(kind, Slot.AM, scenario.race_minutes(), zones)]
    dates: list[dt.date] = scenario.dates
    days = tuple(
        Day(
            date=date,
            weekday=Weekday.of(date),
            sessions=tuple(sorted(by_day.get(index, []), key=lambda s: s.slot != Slot.AM)),
        )
        for index, date in enumerate(dates)
    )
    weeks = tuple(
        summarise_week(week, [d for d in days if week.contains(d.date)])
        for week in scenario.calendar
    )
    shortfalls = tuple(find_shortfalls(scenario, days))
    misses = sum(1 for s in shortfalls if s.rule != "H15")
    return Plan(
        scenario=scenario.name,
        status=Status.FEASIBLE,
        objective_terms={"S0": misses},
        weeks=weeks,
        days=days,
        shortfalls=shortfalls,
    )


__all__ = ["Sessions", "greedy_plan", "greedy_sessions", "plan_from_sessions"]
