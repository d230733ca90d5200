"""Choice variables and the linear sums derived from them.

One candidate per (day, slot, kind) that the facts allow (see `domains`): a Boolean
``chosen`` and an integer ``units`` of grid minutes, linked by ``lo x chosen <= units <=
hi x chosen`` so the LP relaxation sees the link. Minutes, load and hard minutes of a
candidate are linear in ``units``; weekly sums are built once here and shared by every
rule and objective term.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from periodize.calendar import Week
from periodize.catalogue import SessionKind
from periodize.model.domains import (
    h01_grid_durations,
    h02_terrain_reachable,
    h03_slot_allowed,
    h19_injury_free,
    h21_serves_the_race,
)
from periodize.model.guards import Guards
from periodize.model.past import PastPart
from periodize.rules import Rules
from periodize.scenario import Scenario
from periodize.targets import counts_for_long
from periodize.vocabulary import SLOTS, Modality, Slot

Expr = cp_model.LinearExpr | int
"""A linear expression of the model, or a constant (no numpy scalars)."""

Sessions = dict[tuple[int, Slot], tuple[SessionKind, int]]
"""Sessions by (day index, slot): their kind and minutes."""


def linear_sum(terms: list[Expr]) -> Expr:
    """The sum of ``terms`` as a fresh expression (CP-SAT's `+=` on expressions can extend
    a shared one in place), or a plain int when every term is a constant."""
    if all(isinstance(term, int) for term in terms):
        return sum(terms)
    return cp_model.LinearExpr.sum(terms)


@dataclass(frozen=True)
class History:
    """A re-plan's past: the days before ``today`` (a day index) hold ``sessions`` exactly
    as they were done (H20), whatever the availability said; the rules of weeks wholly in
    the past are history, not constraints, and weekly rules of the week of ``today`` count
    its past days as they were."""

    today: int
    sessions: Sessions = field(default_factory=dict)

    def past_weeks(self, calendar: list[Week]) -> frozenset[int]:
        """The weeks whose every day is before today."""
        return frozenset(w.index for w in calendar if 7 * (w.index - 1) + w.days <= self.today)


@dataclass(frozen=True)
class Candidate:
    """A session of ``kind`` that may be placed on day ``day`` (index) in ``slot``."""

    day: int
    slot: Slot
    kind: SessionKind
    chosen: cp_model.IntVar
    minutes: Expr
    max_minutes: int
    hard_minutes: Expr
    pinned: bool = False
    units: cp_model.IntVar | None = None
    """The duration in grid units, when the candidate has a choice of durations."""

    @property
    def load(self) -> Expr:
        return self.kind.rpe * self.minutes


@dataclass
class WeekSums:
    """Linear expressions of one week's aggregates (race excluded)."""

    minutes: Expr = 0
    load: Expr = 0
    hard_minutes: Expr = 0
    sessions: Expr = 0
    hard_sessions: Expr = 0
    run_minutes: Expr = 0
    easy_run_minutes: Expr = 0
    road_minutes: Expr = 0
    trail_minutes: Expr = 0
    max_minutes: int = 0
    max_load: int = 0
    kind_minutes: dict[str, Expr] = field(default_factory=dict)
    """Minutes by ``kind@rpe`` (a kind's RPE is its catalogue one, or a logged one)."""
    kinds: dict[str, SessionKind] = field(default_factory=dict)
    """The kind of each ``kind_minutes`` key."""


@dataclass
class ModelContext:
    """Everything a rule function needs: the model, the scenario's facts and the variables."""

    model: cp_model.CpModel
    scenario: Scenario
    rules: Rules
    calendar: list[Week]
    dates: list[dt.date]
    guards: Guards
    candidates: list[Candidate] = field(default_factory=list)
    by_day: dict[int, list[Candidate]] = field(default_factory=lambda: defaultdict(list))
    by_slot: dict[tuple[int, Slot], list[Candidate]] = field(
        default_factory=lambda: defaultdict(list)
    )
    by_week: dict[int, list[Candidate]] = field(default_factory=lambda: defaultdict(list))
    rest: dict[int, cp_model.IntVar] = field(default_factory=dict)
    weeks: dict[int, WeekSums] = field(default_factory=dict)
    race_day: int | None = None
    fixed: Sessions = field(default_factory=dict)
    """Sessions decided by an earlier step of a rolling construction, or done in a re-plan's
    past (day, slot)."""
    history: History | None = None
    """A re-plan's past (None for a plan from scratch)."""
    previous: Sessions | None = None
    """A re-plan's previous plan from today on, for S5 (None for a plan from scratch)."""
    split: PastPart | None = None
    """A re-plan's split week: the logged days of the week of today (`past`)."""
    held: list[cp_model.IntVar] = field(default_factory=list)
    """The split week's share rules that its logged days alone break: true when the
    future repairs the share, false when it is waived (the figure frozen); the solve makes
    as few false as it can before anything else (`past.held_or_frozen`)."""
    planned_days: set[int] | None = None
    """The days (indices) that get free candidates (None: every day); the others hold only
    fixed sessions and pins."""
    longest_before: dict[tuple[Modality, int], Expr] = field(default_factory=dict)
    """H14: the longest run (hike) of the weeks before a week (baseline-filled), by
    (modality, week index); set by the H14 safety rule, read by its recipe."""
    longest_counting: dict[int, Expr] = field(default_factory=dict)
    """The longest counting session of a week (rules.md), by week index; built once on
    demand by `longest_counting_session` and shared by H14's recipe and S6."""

    def week_days(self, week: Week) -> range:
        """Day indices of ``week``."""
        return week.day_indices

    def week_of_day(self, day: int) -> Week:
        return self.calendar[day // 7]

    @property
    def today(self) -> int:
        """A re-plan's first future day (index); 0 for a plan from scratch."""
        return self.history.today if self.history is not None else 0

    def past_of(self, week: Week) -> PastPart | None:
        """The logged part of ``week`` when it is the split week of a re-plan."""
        split = self.split
        return split if split is not None and split.week.index == week.index else None


def longest_counting_session(ctx: ModelContext, week: Week) -> Expr:
    """The week's longest counting session in minutes (rules.md: runs before a road race,
    runs and hikes otherwise; 0 when there is none), built once per week."""
    found = ctx.longest_counting.get(week.index)
    if found is not None:
        return found
    race = ctx.scenario.race
    race_kind = race.kind if race is not None else None
    counting = [c for c in ctx.by_week[week.index] if counts_for_long(c.kind, race_kind)]
    longest: Expr = 0
    if counting:
        top = max(c.max_minutes for c in counting)
        variable = ctx.model.new_int_var(0, top, f"longest_counting_{week.index}")
        ctx.model.add_max_equality(variable, [0, *(c.minutes for c in counting)])
        longest = variable
    ctx.longest_counting[week.index] = longest
    return longest


def _new_candidate(
    ctx: ModelContext, day: int, slot: Slot, kind: SessionKind, units: range
) -> Candidate:
    model, grid = ctx.model, ctx.rules.grid_minutes
    tag = f"{day}_{slot.value}_{kind.id}"
    chosen = model.new_bool_var(f"x_{tag}")
    count: Expr
    unit_var: cp_model.IntVar | None = None
    if len(units) == 1:
        count = units[0] * chosen
    else:
        unit_var = model.new_int_var_from_domain(
            cp_model.Domain.from_intervals([[0, 0], [units[0], units[-1]]]), f"u_{tag}"
        )
        model.add(unit_var >= units[0] * chosen)
        model.add(unit_var <= units[-1] * chosen)
        count = unit_var
    max_minutes = grid * units[-1]
    hard = _hard_minutes(ctx, kind, count, max_minutes, tag)
    return Candidate(day, slot, kind, chosen, grid * count, max_minutes, hard, units=unit_var)


def _hard_minutes(
    ctx: ModelContext, kind: SessionKind, count: Expr, max_minutes: int, tag: str
) -> Expr:
    """floor(minutes x work_share) for ``count`` grid units: linear when every grid step
    gives whole minutes, else an integer variable pinned between the two bounds of floor."""
    share, grid = kind.work_share_pct, ctx.rules.grid_minutes
    if share == 0:
        return 0
    if (grid * share) % 100 == 0:
        return (grid * share // 100) * count
    hard = ctx.model.new_int_var(0, max_minutes * share // 100, f"h_{tag}")
    ctx.model.add(100 * hard <= share * grid * count)
    ctx.model.add(share * grid * count <= 100 * hard + 99)
    return hard


def _constant_candidate(
    ctx: ModelContext, day: int, slot: Slot, kind: SessionKind, minutes: int, *, pinned: bool
) -> Candidate:
    """A candidate of known kind and minutes: a pin (H20 decides whether it happens) or a
    session fixed by an earlier step of a rolling construction (always happens)."""
    tag = "pinned" if pinned else "fixed"
    chosen = ctx.model.new_bool_var(f"x_{day}_{slot.value}_{kind.id}_{tag}")
    if not pinned:
        ctx.model.add(chosen == 1)
    return Candidate(
        day,
        slot,
        kind,
        chosen,
        minutes * chosen,
        minutes,
        kind.hard_minutes(minutes) * chosen,
        pinned=pinned,
    )


def make_variables(ctx: ModelContext) -> None:
    """Create every candidate, the rest-day Booleans and the weekly sums."""
    scenario = ctx.scenario
    kinds = [k for k in scenario.allowed_kinds() if h19_injury_free(scenario, k)]
    pins = {(pin.date, pin.slot): pin for pin in scenario.pinned}
    race = scenario.race
    today = ctx.today
    for day, date in enumerate(ctx.dates):
        if race is not None and date == race.date:
            ctx.race_day = day
            continue
        for slot in SLOTS:
            pin = pins.get((date, slot)) if day >= today else None  # the past is the log
            fixed = ctx.fixed.get((day, slot))
            if pin is not None:
                kind = scenario.catalogue[pin.kind]
                _register(ctx, _constant_candidate(ctx, day, slot, kind, pin.minutes, pinned=True))
                continue
            if fixed is not None:
                kind, minutes = fixed
                _register(ctx, _constant_candidate(ctx, day, slot, kind, minutes, pinned=False))
                continue
            if ctx.planned_days is not None and day not in ctx.planned_days:
                continue
            for kind in kinds:
                if not h03_slot_allowed(kind, slot) or not h02_terrain_reachable(
                    scenario, date, kind
                ):
                    continue
                if not h21_serves_the_race(scenario, ctx.week_of_day(day), kind):
                    continue
                units = h01_grid_durations(scenario, date, slot, kind)
                if units is None:
                    continue
                _register(ctx, _new_candidate(ctx, day, slot, kind, units))
    for day in range(len(ctx.dates)):
        if day != ctx.race_day:
            ctx.rest[day] = ctx.model.new_bool_var(f"rest_{day}")
    for week in ctx.calendar:
        ctx.weeks[week.index] = _week_sums(ctx, week.index, ctx.by_week[week.index])


def _register(ctx: ModelContext, candidate: Candidate) -> None:
    ctx.candidates.append(candidate)
    ctx.by_day[candidate.day].append(candidate)
    ctx.by_slot[(candidate.day, candidate.slot)].append(candidate)
    ctx.by_week[candidate.day // 7 + 1].append(candidate)


def _week_sums(ctx: ModelContext, week: int, candidates: list[Candidate]) -> WeekSums:
    """Weekly aggregates as integer variables. Each kind's minutes in the week get a
    variable of their own, and every weekly figure is a short sum over kinds: rules and
    objective terms then refer to a few variables instead of repeating long sums over
    candidates (presolve time grows with the number of terms)."""
    model = ctx.model
    per_slot_max: dict[tuple[int, Slot], int] = {}
    per_slot_load: dict[tuple[int, Slot], int] = {}
    by_kind: dict[str, list[Candidate]] = {}
    for c in candidates:
        key = (c.day, c.slot)
        per_slot_max[key] = max(per_slot_max.get(key, 0), c.max_minutes)
        per_slot_load[key] = max(per_slot_load.get(key, 0), c.max_minutes * c.kind.rpe)
        # Keyed by kind and RPE: a re-plan's logged sessions carry the RPE really felt,
        # so one kind may come with several RPEs (and loads) in a week.
        by_kind.setdefault(f"{c.kind.id}@{c.kind.rpe}", []).append(c)
    max_minutes, max_load = sum(per_slot_max.values()), sum(per_slot_load.values())
    slots = len(per_slot_max)

    def tied(name: str, upper: int, terms: list[Expr]) -> Expr:
        if not terms:
            return 0
        if len(terms) == 1:
            return terms[0]
        variable = model.new_int_var(0, upper, f"week{week}_{name}")
        model.add(variable == cp_model.LinearExpr.sum(terms))
        return variable

    kind_minutes: dict[str, Expr] = {}
    kinds: dict[str, SessionKind] = {}
    for kind_key, group in sorted(by_kind.items()):
        upper = sum(c.max_minutes for c in group)
        name = kind_key.replace("@", "_rpe")
        kind_minutes[kind_key] = tied(f"{name}_minutes", upper, [c.minutes for c in group])
        kinds[kind_key] = group[0].kind

    def minutes_of(test: Callable[[SessionKind], bool]) -> list[Expr]:
        return [kind_minutes[k] for k, kind in kinds.items() if test(kind)]

    hard_terms = [c.hard_minutes for c in candidates if c.kind.work_share_pct]
    return WeekSums(
        minutes=tied("minutes", max_minutes, list(kind_minutes.values())),
        load=tied("load", max_load, [kinds[k].rpe * m for k, m in kind_minutes.items()]),
        hard_minutes=tied("hard_minutes", max_minutes, hard_terms),
        sessions=tied("sessions", slots, [c.chosen for c in candidates]),
        hard_sessions=tied("hard_sessions", slots, [c.chosen for c in candidates if c.kind.hard]),
        run_minutes=tied("run_minutes", max_minutes, minutes_of(lambda k: k.is_run)),
        easy_run_minutes=tied(
            "easy_run_minutes", max_minutes, minutes_of(lambda k: k.is_run and k.is_easy)
        ),
        road_minutes=tied("road_minutes", max_minutes, minutes_of(lambda k: k.is_road_run)),
        trail_minutes=tied("trail_minutes", max_minutes, minutes_of(lambda k: k.is_trail_run)),
        max_minutes=max_minutes,
        max_load=max_load,
        kind_minutes=kind_minutes,
        kinds=kinds,
    )
