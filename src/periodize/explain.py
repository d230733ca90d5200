"""Why a scenario is infeasible: the smallest set of rules that cannot hold together.

A feasibility-only copy of the model is built with every hard rule under its own guard
literal (`GuardMode.EXPLAIN`); the guards of the rules in force (safety rules, and the
recipes under ``recipes: strict``) are the assumptions. CP-SAT, with one worker and
presolve off, returns a core: guards that together are infeasible. The core is then
shrunk by deletion until dropping any member makes the rest feasible. Availability,
terrain and injuries are facts, never relaxed: they appear in the messages.

Each member gets a message with its numbers, and the explanation ends with one fix (a
rule override, or dropping a pin) that was checked to make the scenario feasible.

An explanation is never empty: when no plan exists even with every rule switched off (the
facts alone: in a re-plan, the logged days as the model places them), it says so in a
conflict of its own instead of shrinking to nothing; and `infeasible_conflicts` gives a
result the solver proved infeasible at least one conflict, naming the rules in force and
their weeks when no smaller set could be shown in time.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from periodize.calendar import Week
from periodize.model.build import BuiltModel, build_model
from periodize.model.guards import GuardKey, GuardMode
from periodize.model.objective import SCALE
from periodize.model.rolling import MISS_POINTS
from periodize.model.run import new_solver
from periodize.model.variables import Candidate, History, Sessions
from periodize.plan import Conflict, Plan
from periodize.scenario import Scenario
from periodize.vocabulary import SLOTS, Phase, RecipeMode, Terrain, Weekday

CHECK_TIME_S = 5.0
"""Time limit of one feasibility check while shrinking a core."""


@dataclass(frozen=True)
class Explanation:
    """A minimal set of conflicting rules: one message per member, and a checked fix.
    ``members`` is empty only when the facts alone leave no plan; ``details`` then holds
    the one conflict that says so (never empty, see `explain`)."""

    members: tuple[GuardKey, ...]
    details: tuple[Conflict, ...]
    fix: str | None
    minimal: bool
    wall_time_s: float

    def __post_init__(self) -> None:
        if not self.details or any(not d.rules or not d.message.strip() for d in self.details):
            raise ValueError("an explanation needs at least one conflict, with rules and words")

    @property
    def conflicts(self) -> tuple[Conflict, ...]:
        """The set as the plan's ``conflicts`` entry: every rule, and all the messages."""
        weeks = {d.week for d in self.details}
        message = "; ".join(d.message for d in self.details)
        if self.fix:
            message += f". Fix: {self.fix}"
        return (
            Conflict(
                rules=tuple(sorted({rule for d in self.details for rule in d.rules})),
                week=weeks.pop() if len(weeks) == 1 else None,
                message=message,
            ),
        )

    def lines(self) -> list[str]:
        """The explanation as lines of text for a terminal."""
        out = [d.message for d in self.details]
        if self.fix:
            out.append(f"fix: {self.fix}")
        if not self.minimal:
            out.append("(the set may not be minimal: a check ran out of time)")
        return out


class Feasibility:
    """Feasibility checks of one scenario's guarded model under chosen assumptions."""

    def __init__(
        self,
        scenario: Scenario,
        deadline: float,
        built: BuiltModel | None = None,
        history: History | None = None,
        deterministic_s: float | None = None,
    ) -> None:
        self.built = built or build_model(scenario, GuardMode.EXPLAIN, history=history)
        guards = self.built.ctx.guards
        strict = scenario.resolved_rules.recipes is RecipeMode.STRICT
        self.guards: dict[GuardKey, cp_model.IntVar] = dict(guards.safety)
        if strict:
            self.guards.update(guards.recipe)
        self.deadline = deadline
        self.deterministic_s = deterministic_s
        """With a value, each check is limited in deterministic time instead of wall time
        (a deterministic solve must not depend on the machine's speed)."""

    def check(
        self, keys: Sequence[GuardKey], *, presolve: bool = True, whole: bool = False
    ) -> tuple[cp_model.CpSolverStatus, list[int]]:
        """Solve with ``keys`` assumed; the status and, if infeasible, the core (indices)."""
        model = self.built.model
        model.clear_assumptions()
        model.add_assumptions([self.guards[k] for k in keys])
        solver = new_solver()
        solver.parameters.num_workers = 1
        solver.parameters.cp_model_presolve = presolve
        left = self.deadline - time.perf_counter()
        # A shrinking step is capped; the first check (``whole``) may use all that is left,
        # so a slow proof of infeasibility is never reported as feasible.
        if self.deterministic_s is not None:
            solver.parameters.max_deterministic_time = self.deterministic_s
        else:
            limit = left if whole else min(CHECK_TIME_S, left)
            solver.parameters.max_time_in_seconds = max(0.1, limit)
        status = solver.solve(model)
        core = list(solver.sufficient_assumptions_for_infeasibility())
        return status, core if status == cp_model.INFEASIBLE else []


def holds_together(
    scenario: Scenario,
    keys: Sequence[GuardKey],
    *,
    time_limit_s: float = CHECK_TIME_S,
    deterministic: bool = False,
) -> bool | None:
    """Whether the rules of ``keys`` (with every other rule switched off) can all hold:
    True feasible, False infeasible, None unknown within the time limit (deterministic
    seconds with ``deterministic``: the same verdict on a busy machine as on an idle one)."""
    feasibility = Feasibility(
        scenario,
        time.perf_counter() + time_limit_s,
        deterministic_s=time_limit_s if deterministic else None,
    )
    status, _ = feasibility.check(list(keys), whole=True)
    if status == cp_model.INFEASIBLE:
        return False
    return True if status in (cp_model.FEASIBLE, cp_model.OPTIMAL) else None


def minimal_conflict(
    scenario: Scenario,
    *,
    time_limit_s: float = 30.0,
    history: History | None = None,
    deterministic: bool = False,
) -> tuple[tuple[GuardKey, ...], bool] | None:
    """The guards of a minimal infeasible set of rules, and whether minimality was proven;
    None when the scenario is feasible (or nothing could be shown in time). With a
    re-plan's ``history`` the past is a fact: only rules of today's week on are members.
    With ``deterministic`` each check has ``time_limit_s`` deterministic seconds and there
    is no wall-clock deadline."""
    deadline = time.perf_counter() + time_limit_s
    limit = time_limit_s if deterministic else None
    return shrink(Feasibility(scenario, deadline, history=history, deterministic_s=limit), deadline)


def shrink(feasibility: Feasibility, deadline: float) -> tuple[tuple[GuardKey, ...], bool] | None:
    """Core extraction (presolve off), then deletion until every member is needed. An
    empty set means that the model has no solution even with every guard off: the facts
    alone (the unguarded part of the model) are infeasible, no rule is to blame."""
    keys = sorted(feasibility.guards)
    by_index = {feasibility.guards[k].index: k for k in keys}
    # Presolve stays on: CP-SAT's core may then be loose, but every member is re-checked
    # by deletion below, and without presolve a counting argument can take minutes.
    status, core = feasibility.check(keys, whole=True)
    if status != cp_model.INFEASIBLE:
        return None
    members = sorted(by_index[i] for i in core if i in by_index) or keys
    minimal = True
    for member in list(members):
        trial = [k for k in members if k != member]
        if feasibility.deterministic_s is None and time.perf_counter() > deadline:
            minimal = False
            break
        status, smaller = feasibility.check(trial)
        if status == cp_model.INFEASIBLE:
            shrunk = sorted(by_index[i] for i in smaller if i in by_index)
            members = shrunk if shrunk and len(shrunk) < len(trial) else trial
        elif status != cp_model.FEASIBLE and status != cp_model.OPTIMAL:
            minimal = False
    return tuple(members), minimal


def explain(
    scenario: Scenario,
    *,
    time_limit_s: float = 30.0,
    history: History | None = None,
    deterministic: bool = False,
) -> Explanation | None:
    """Explain why ``scenario`` is infeasible; None when it is feasible. With a re-plan's
    ``history``, why the rest of the plan cannot hold around what was done. With
    ``deterministic`` every check is limited in deterministic time, never by the clock:
    the same scenario gets the same explanation however busy the machine."""
    started = time.perf_counter()
    found = minimal_conflict(
        scenario, time_limit_s=time_limit_s, history=history, deterministic=deterministic
    )
    if found is None:
        return None
    members, minimal = found
    if not members:
        facts = (facts_conflict(scenario, history),)
        return Explanation((), facts, None, minimal, time.perf_counter() - started)
    details = tuple(conflict_of(scenario, key) for key in members)
    left = max(1.0, time_limit_s - (time.perf_counter() - started))
    fix = _checked_fix(scenario, members, left, history, deterministic=deterministic)
    return Explanation(members, details, fix, minimal, time.perf_counter() - started)


def infeasible_conflicts(
    scenario: Scenario,
    *,
    time_limit_s: float = 30.0,
    history: History | None = None,
    deterministic: bool = False,
) -> tuple[Conflict, ...]:
    """The ``conflicts`` of a result the solver proved infeasible: `explain`'s, or, when
    it shows no set within ``time_limit_s`` (a slow proof, a check cut short), one
    conflict that names every rule in force and the weeks it covers. Never empty; every
    conflict has rules and a message."""
    explanation = explain(
        scenario, time_limit_s=time_limit_s, history=history, deterministic=deterministic
    )
    if explanation is not None:
        return explanation.conflicts
    return (unexplained_conflict(scenario, history, time_limit_s),)


def _weeks_text(weeks: Sequence[int]) -> str:
    """``week 4`` or ``weeks 4-9`` (the span of ``weeks``, which is not empty)."""
    first, last = min(weeks), max(weeks)
    return f"week {first}" if first == last else f"weeks {first}-{last}"


FACTS = ("H01", "H02", "H19")
"""The facts a model never relaxes: availability, terrain access, injuries."""


def facts_conflict(scenario: Scenario, history: History | None) -> Conflict:
    """The conflict when no plan exists even with every rule switched off. In a re-plan
    the logged days are the facts that cannot be kept (H20 holds the days before today to
    the log): a log alone should never do this, so the message asks for a report."""
    if history is not None and history.sessions:
        weeks = sorted({day // 7 + 1 for day, _ in history.sessions})
        today = scenario.start + dt.timedelta(days=history.today)
        return Conflict(
            rules=("H20",),
            week=weeks[0] if len(weeks) == 1 else None,
            message=(
                f"{_weeks_text(weeks)}: no plan keeps the days logged before {today} as "
                "logged (H20), even with every other rule switched off; this is a defect "
                "of periodize, not of the log: please report it with the log"
            ),
        )
    return Conflict(
        rules=FACTS,
        message=(
            "plan: no plan fits the calendar's facts (availability, terrain access, "
            "injuries) even with every rule switched off"
        ),
    )


def unexplained_conflict(
    scenario: Scenario, history: History | None, time_limit_s: float
) -> Conflict:
    """A conflict for an infeasibility no smaller set of rules was shown for: every rule
    with an instance in force (from today's week on in a re-plan), over its weeks."""
    built = build_model(scenario, GuardMode.EXPLAIN, history=history)
    guards = built.ctx.guards
    keys = list(guards.safety)
    if scenario.resolved_rules.recipes is RecipeMode.STRICT:
        keys += list(guards.recipe)
    weeks = [key.week for key in keys if key.week is not None]
    first = 1 if history is None else history.today // 7 + 1
    where = _weeks_text(weeks) if weeks else f"weeks {first}-{len(scenario.calendar)}"
    rules = tuple(sorted({key.rule for key in keys})) or FACTS
    return Conflict(
        rules=rules,
        week=weeks[0] if weeks and min(weeks) == max(weeks) else None,
        message=(
            f"{where}: no plan keeps every rule in force ({', '.join(rules)}); no smaller "
            f"set of them was shown within {time_limit_s:g} s (run periodize explain with "
            "a longer --time-limit to find it)"
        ),
    )


# ----- messages -----


def _open_days(scenario: Scenario, week: Week) -> str:
    parts = []
    for day in week.dates():
        minutes = [scenario.slot_minutes(day, slot) for slot in SLOTS]
        if any(minutes):
            parts.append(f"{Weekday.of(day).value} {'+'.join(str(m) for m in minutes if m)}")
    return ", ".join(parts) or "none"


def _terrain_days(scenario: Scenario, terrain: Terrain) -> str:
    days = scenario.reachable_weekdays(terrain)
    return ", ".join(d.value for d in days) or "never"


def _band(scenario: Scenario, week: Week | None) -> str:
    """H15's band for ``week`` as text, e.g. 'road 0.65-0.75'."""
    found = scenario.terrain_band(week.phase) if week is not None else None
    if found is None:
        return ""
    measure, band = found
    return f"{measure} {band.lo:g}-{band.hi:g}"


def _h17_recipe_text(scenario: Scenario, week: Week | None) -> str:
    rules = scenario.resolved_rules
    share = rules.taper_volume.lo
    first = next((w.index for w in scenario.calendar if w.taper), 0)
    if week is not None and first == 1:
        reference = scenario.athlete.weekly_minutes
        floor = share * reference * week.days / 7
        need = max(0, math.floor(floor) - rules.grid_minutes + 1)
        return (
            f"H17 wants {need} min in this taper week ({share:g} x the baseline {reference} "
            f"min x {week.days}/7 days = {floor:.1f}, less one {rules.grid_minutes}-minute grid "
            "step)"
        )
    return f"H17 wants taper weeks at {share:.0%} of the highest week before the taper"


def _rule_text(scenario: Scenario, key: GuardKey, week: Week | None) -> str:
    rules = scenario.resolved_rules
    recovery = week is not None and week.recovery
    peak = week is not None and week.phase is Phase.PEAK
    texts: dict[tuple[str, bool], Callable[[], str]] = {
        ("H03", False): lambda: (
            f"H03 allows one session per slot, {rules.max_doubles_per_week} doubles a week, and "
            "never two demanding, two strength or two same-kind sessions in a day"
        ),
        ("H04", False): lambda: f"H04 needs {rules.min_rest_days} rest days",
        ("H05", False): lambda: (
            f"H05 allows at most "
            f"{min(1, rules.hard_sessions.hi) if recovery else rules.hard_sessions.hi} "
            "hard sessions (the race counts as one)"
        ),
        ("H05", True): lambda: (
            f"H05 wants at least {rules.hard_sessions.lo} hard sessions"
            + (" (a simulation session counts in a peak week)" if peak else "")
        ),
        ("H06", False): lambda: "H06 forbids demanding sessions on consecutive days",
        ("H07", False): lambda: f"H07 allows at most {rules.sessions_per_week.hi} sessions",
        ("H07", True): lambda: (
            f"H07 needs {rules.sessions_per_week.lo - (1 if recovery else 0)} sessions"
        ),
        ("H08", True): lambda: (
            f"H08 needs {rules.min_hikes_per_week - (1 if recovery else 0)} hikes "
            f"(trail reachable on {_terrain_days(scenario, Terrain.TRAIL)})"
        ),
        ("H09", False): lambda: (
            f"H09 caps load and minutes at +{rules.max_weekly_increase:.0%} over recent weeks "
            f"(baseline {scenario.athlete.weekly_minutes} min, load "
            f"{scenario.athlete.baseline_load})"
        ),
        ("H10", False): lambda: (
            "H10 forbids raising minutes and hard minutes together above the four weeks before"
        ),
        ("H11", False): lambda: (
            f"H11 caps a recovery week's load and minutes at {rules.recovery_load.hi:.0%} of the "
            f"week before, with no double and at most {rules.sessions_per_week.hi - 1} sessions"
        ),
        ("H11", True): lambda: (
            f"H11 wants a recovery week at {rules.recovery_load.lo:.0%} of the week before"
        ),
        ("H12", False): lambda: (
            f"H12 caps load at {rules.acwr_max:g} x the mean of the four weeks before"
        ),
        ("H13", False): lambda: (
            f"H13 caps hard minutes at {rules.max_hard_share:.0%} and wants at least "
            f"{rules.min_easy_run_share:.0%} of running easy"
        ),
        ("H14", False): lambda: (
            f"H14 limits long sessions (one a week, the longest run +{rules.long_increase.minutes}"
            f" min or +{rules.long_increase.fraction:.0%} over {scenario.athlete.long_minutes})"
        ),
        ("H14", True): lambda: (
            "H14 wants one long session"
            + (
                f" reaching {rules.long_floor:.0%} of the week's long target"
                if week is not None and week.phase in (Phase.BUILD, Phase.PEAK)
                else ""
            )
        ),
        ("H15", False): lambda: (
            f"H15 keeps the {week.phase.value if week else ''} terrain share in its band "
            f"{_band(scenario, week)} "
            f"(road on {_terrain_days(scenario, Terrain.ROAD)}, trail on "
            f"{_terrain_days(scenario, Terrain.TRAIL)})"
        ),
        ("H16", True): lambda: (
            f"H16 wants the {week.phase.value if week else ''} recipe's sessions "
            f"(trail on {_terrain_days(scenario, Terrain.TRAIL)}, hills on "
            f"{_terrain_days(scenario, Terrain.HILLS)})"
        ),
        ("H17", False): lambda: (
            f"H17 caps taper weeks at {rules.taper_volume.hi:.0%} of the highest week before "
            "the taper, and minutes per day fall from one taper week to the next"
        ),
        ("H17", True): lambda: _h17_recipe_text(scenario, week),
        ("H18", False): lambda: (
            "H18 allows the day before the race rest or one easy session of at most 30 min, "
            f"no demanding session in the {rules.race_quiet_days} days before, and wants a rest "
            "day among the 6 days before"
        ),
        ("H20", False): lambda: f"H20 keeps the pin on day {key.day}",
        ("H21", False): lambda: (
            "H21 keeps trail-only kinds (simulations, downhill drills) out of a road race's "
            "build, peak and taper"
        ),
        ("H22", True): lambda: (
            f"H22 wants {rules.min_strength_per_week} strength session"
            f"{'s' if rules.min_strength_per_week > 1 else ''} a week"
        ),
    }
    text = texts.get((key.rule, key.recipe))
    return text() if text is not None else key.rule


def conflict_of(scenario: Scenario, key: GuardKey, *, with_facts: bool = True) -> Conflict:
    """One rule's part in a conflict, in words with its numbers and (``with_facts``) the
    week's open slots."""
    week = scenario.calendar[key.week - 1] if key.week is not None else None
    date = scenario.dates[key.day] if key.day is not None else None
    text = _rule_text(scenario, key, week)
    if key.rule == "H20" and date is not None:
        pins = [p for p in scenario.pinned if p.date == date]
        if pins:
            pinned = ", ".join(f"{p.kind} {p.minutes} min ({p.slot.value})" for p in pins)
            text = f"H20 pins {pinned} on {date}"
    where = f"week {key.week}" if week is not None else "plan"
    if date is not None and key.rule != "H20":
        where += f" ({date})"
    facts = ""
    if week is not None and with_facts:
        facts = f"; availability that week: {_open_days(scenario, week)}"
    part = " (recipe)" if key.recipe else ""
    return Conflict(
        rules=(key.rule,),
        week=key.week,
        date=date,
        message=f"{where}: {text}{part}{facts}",
    )


# ----- fixes -----


def _override(scenario: Scenario, key: GuardKey) -> tuple[str, dict[str, Any]] | None:
    """A relaxation of ``key``'s rule as scenario data, with its one-line description."""
    data = scenario.model_dump(mode="json", exclude_none=True)
    rules = scenario.resolved_rules
    overrides: dict[str, Any] = dict(data.get("rules", {}))
    match (key.rule, key.recipe):
        case ("H04", False) if rules.min_rest_days > 0:
            overrides["min_rest_days"] = rules.min_rest_days - 1
            text = f"set min_rest_days: {rules.min_rest_days - 1}"
        case ("H07", True) if rules.sessions_per_week.lo > 0:
            lo, hi = rules.sessions_per_week.lo - 1, rules.sessions_per_week.hi
            overrides["sessions_per_week"] = [lo, hi]
            text = f"set sessions_per_week: [{lo}, {hi}]"
        case ("H07", False):
            lo, hi = rules.sessions_per_week.lo, min(14, rules.sessions_per_week.hi + 1)
            overrides["sessions_per_week"] = [lo, hi]
            text = f"set sessions_per_week: [{lo}, {hi}]"
        case ("H05", True) if rules.hard_sessions.lo > 0:
            lo, hi = rules.hard_sessions.lo - 1, rules.hard_sessions.hi
            overrides["hard_sessions"] = [lo, hi]
            text = f"set hard_sessions: [{lo}, {hi}]"
        case ("H08", True) if rules.min_hikes_per_week > 0:
            overrides["min_hikes_per_week"] = rules.min_hikes_per_week - 1
            text = f"set min_hikes_per_week: {rules.min_hikes_per_week - 1}"
        case ("H22", True) if rules.min_strength_per_week > 0:
            overrides["min_strength_per_week"] = rules.min_strength_per_week - 1
            text = f"set min_strength_per_week: {rules.min_strength_per_week - 1}"
        case ("H05", False):
            lo, hi = rules.hard_sessions.lo, min(14, rules.hard_sessions.hi + 1)
            overrides["hard_sessions"] = [lo, hi]
            text = f"set hard_sessions: [{lo}, {hi}] (the race counts as a hard session)"
        case ("H03", False):
            overrides["max_doubles_per_week"] = rules.max_doubles_per_week + 1
            text = f"set max_doubles_per_week: {rules.max_doubles_per_week + 1}"
        case ("H13", False):
            share = min(1.0, round(rules.max_hard_share + 0.1, 4))
            overrides["max_hard_share"] = share
            text = f"set max_hard_share: {share}"
        case ("H20", False) if key.day is not None:
            date = scenario.dates[key.day]
            data["pinned"] = [p for p in data.get("pinned", []) if p["date"] != date.isoformat()]
            return f"drop the pin on {date}", data
        case (_, True):
            overrides["recipes"] = "soft"
            text = "set recipes: soft (misses become explained shortfalls)"
        case _:
            return None
    data["rules"] = overrides
    return text, data


def _feasible(
    data: dict[str, Any], time_limit_s: float, history: History | None, deterministic: bool
) -> bool:
    try:
        scenario = Scenario.model_validate(data)
    except ValueError:
        return False
    checker = Feasibility(
        scenario,
        time.perf_counter() + time_limit_s,
        history=history,
        deterministic_s=time_limit_s if deterministic else None,
    )
    status, _ = checker.check(sorted(checker.guards), whole=True)
    return status in (cp_model.FEASIBLE, cp_model.OPTIMAL)


def _checked_fix(
    scenario: Scenario,
    members: Sequence[GuardKey],
    time_limit_s: float,
    history: History | None = None,
    *,
    deterministic: bool = False,
) -> str | None:
    """The first relaxation of a member that makes the scenario feasible (each check
    within twice a check's time: deterministic seconds with ``deterministic``, and then
    no deadline on the clock)."""
    deadline = time.perf_counter() + time_limit_s
    tried: set[str] = set()
    proposals = [_override(scenario, key) for key in members]
    if any(key.recipe for key in members):
        data = scenario.model_dump(mode="json", exclude_none=True)
        data["rules"] = {**data.get("rules", {}), "recipes": "soft"}
        proposals.append(("set recipes: soft (misses become explained shortfalls)", data))
    for proposal in proposals:
        if proposal is None or proposal[0] in tried:
            continue
        text, data = proposal
        tried.add(text)
        left = deadline - time.perf_counter()
        if deterministic:
            left = CHECK_TIME_S * 2
        elif left <= 0:
            break
        if _feasible(data, min(CHECK_TIME_S * 2, left), history, deterministic):
            return text
    return None


# ----- why a day looks as it does -----


@dataclass(frozen=True)
class Alternative:
    """Another way to fill the day, and the rules that forbid it (empty: allowed)."""

    description: str
    forbidden_by: tuple[Conflict, ...]


@dataclass(frozen=True)
class DayExplanation:
    """Why a solved plan's day is what it is: the hard rules that bind there and the soft
    terms it serves against the best different choice for that day."""

    date: dt.date
    sessions: tuple[str, ...]
    alternatives: tuple[Alternative, ...]
    best_alternative: tuple[str, ...] | None
    term_costs: dict[str, tuple[int, int]]
    """Per soft term: (the plan's value, the best alternative's value), in points."""

    def lines(self) -> list[str]:
        """The explanation as lines of text for a terminal."""
        planned = ", ".join(self.sessions) or "rest"
        out = [f"{self.date} ({Weekday.of(self.date).value}): {planned}"]
        for alternative in self.alternatives:
            if alternative.forbidden_by:
                rules = "; ".join(c.message for c in alternative.forbidden_by)
                out.append(f"  {alternative.description} would break: {rules}")
            else:
                out.append(f"  {alternative.description} is allowed by every hard rule")
        if self.best_alternative is None:
            out.append("  no other choice for this day keeps every hard rule")
        else:
            choice = ", ".join(self.best_alternative) or "rest"
            out.append(f"  best different choice: {choice}")
            for term, (planned_cost, other_cost) in sorted(self.term_costs.items()):
                delta = other_cost - planned_cost
                unit = "recipe misses" if term == "S0" else "points"
                if delta:
                    out.append(
                        f"    {term}: {planned_cost} here vs {other_cost} ({delta:+d} {unit})"
                    )
        return out


def _plan_sessions(scenario: Scenario, plan: Plan, skip: int) -> Sessions:
    """The plan's training sessions by (day index, slot), leaving out day ``skip``."""
    fixed: Sessions = {}
    for day in plan.days:
        index = (day.date - scenario.start).days
        if index == skip:
            continue
        for session in day.sessions:
            if not session.is_race:
                fixed[(index, session.slot)] = (scenario.catalogue[session.kind], session.minutes)
    return fixed


def explain_day(
    scenario: Scenario, plan: Plan, date: dt.date, *, time_limit_s: float = 30.0
) -> DayExplanation:
    """Explain ``date`` of a solved ``plan``: which alternatives (rest, a hard session, a
    long session) a hard rule forbids there, and what the best different choice would
    cost in each soft term. Every other day stays as planned."""
    if not scenario.start <= date <= scenario.end:
        raise ValueError(f"{date} is outside the plan ({scenario.start} to {scenario.end})")
    deadline = time.perf_counter() + time_limit_s
    index = (date - scenario.start).days
    fixed = _plan_sessions(scenario, plan, index)
    planned_day = next(d for d in plan.days if d.date == date)
    planned = [s for s in planned_day.sessions if not s.is_race]
    labels = tuple(f"{s.slot.value} {s.kind} {s.minutes} min" for s in planned)

    def day_model(mode: GuardMode) -> BuiltModel:
        return build_model(scenario, mode, fixed=fixed, planned_days={index})

    def is_planned(c: Candidate) -> bool:
        return any(s.slot is c.slot and s.kind == c.kind.id for s in planned)

    tests: list[tuple[str, str | None]] = [("a rest day", None)] if planned else []
    tests += [
        (description, flag)
        for description, flag in (("a hard session", "hard"), ("a long session", "long"))
        if not any(getattr(s, flag) for s in planned)
    ]
    alternatives: list[Alternative] = []
    for description, flag in tests:
        alternative = _alternative(scenario, day_model, index, description, flag, deadline)
        if alternative is not None:
            alternatives.append(alternative)

    best, costs = _best_alternative(scenario, day_model, index, is_planned, deadline)
    return DayExplanation(date, labels, tuple(alternatives), best, costs)


def _alternative(
    scenario: Scenario,
    day_model: Callable[[GuardMode], BuiltModel],
    index: int,
    description: str,
    flag: str | None,
    deadline: float,
) -> Alternative | None:
    """Force the day to rest (``flag`` None) or to hold a session whose kind has ``flag``
    set, and find the minimal set of rules that forbids it; None when no such session fits
    the day at all (a fact of the week, not a rule)."""
    built = day_model(GuardMode.EXPLAIN)
    day_candidates = built.ctx.by_day.get(index, [])
    if flag is None:
        for c in day_candidates:
            built.model.add(c.chosen == 0)
    else:
        chosen = [c.chosen for c in day_candidates if getattr(c.kind, flag)]
        if not chosen:
            return None
        built.model.add(sum(chosen) >= 1)
    found = shrink(Feasibility(scenario, deadline, built), deadline)
    if found is None:
        return Alternative(description, ())
    members, _ = found
    if not members:  # the facts and the other days as planned forbid it, no rule does
        week = scenario.week_of(scenario.dates[index]).index
        conflict = facts_conflict(scenario, None).model_copy(
            update={
                "week": week,
                "message": (
                    f"week {week}: with the other days as planned, no plan has it even "
                    "with every rule switched off"
                ),
            }
        )
        return Alternative(description, (conflict,))
    return Alternative(description, tuple(conflict_of(scenario, key) for key in members))


def _best_alternative(
    scenario: Scenario,
    day_model: Callable[[GuardMode], BuiltModel],
    index: int,
    is_planned: Callable[[Candidate], bool],
    deadline: float,
) -> tuple[tuple[str, ...] | None, dict[str, tuple[int, int]]]:
    """The best choice for the day that differs from the plan's, and every soft term's
    value under the plan's choice and under that one."""
    values: list[dict[str, int]] = []
    best: tuple[str, ...] | None = None
    for differ in (False, True):
        built = day_model(GuardMode.SOLVE)
        candidates = built.ctx.by_day.get(index, [])
        mine = [c.chosen for c in candidates if is_planned(c)]
        others = [c.chosen for c in candidates if not is_planned(c)]
        if differ:
            built.model.add(sum(mine) - sum(others) <= len(mine) - 1)
        else:
            for literal in others:
                built.model.add(literal == 0)
            for literal in mine:
                built.model.add(literal == 1)
        built.model.minimize(SCALE * MISS_POINTS * built.recipe_misses + built.objective)
        solver = new_solver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = max(
            0.5, min(CHECK_TIME_S, deadline - time.perf_counter())
        )
        status = solver.solve(built.model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None, {}
        terms = {t.rule: round(solver.value(t.expression) / SCALE) for t in built.terms}
        terms["S0"] = int(solver.value(built.recipe_misses))
        values.append(terms)
        if differ:
            best = tuple(
                f"{c.slot.value} {c.kind.id} {solver.value(c.minutes)} min"
                for c in candidates
                if solver.boolean_value(c.chosen)
            )
    planned_terms, other_terms = values
    return best, {k: (planned_terms[k], other_terms.get(k, 0)) for k in planned_terms}
