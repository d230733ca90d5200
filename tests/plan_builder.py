"""Hand-built plans for checker tests (and mutation tests on solved plans).

`make_scenario` validates a tiny scenario from a base dict plus deep-merged changes;
`PlanBuilder` places sessions by date (or day offset from the start) and builds a `Plan`
whose ``weeks`` are summarised from its days, so a plan breaks only what its sessions break.
`rebuild`, `replace_session`, `set_sessions` and `with_shortfalls` edit an existing plan
(a solved one too) and re-summarise its weeks, for mutation tests.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from periodize.plan import Day, Plan, Session, Shortfall, Status, summarise_week
from periodize.scenario import Scenario
from periodize.vocabulary import Slot, Weekday

START = dt.date(2027, 1, 4)
"""A Monday: day 0 of every test scenario."""

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

BASE_SCENARIO: dict[str, Any] = {
    "name": "checker test",
    "start": START.isoformat(),
    "weeks": 2,
    "athlete": {
        "level": "intermediate",
        "weekly_minutes": 350,
        "weekly_load": 1500,
        "long_minutes": 90,
    },
    "availability": {day: {"am": 60, "pm": 120} for day in WEEKDAY_NAMES},
    "terrain": {
        "road": "all",
        "trail": "all",
        "track": ["tue"],
        "hills": ["sat"],
        "bike": "all",
        "pool": "all",
        "gym": "all",
    },
}


def _merge(base: dict[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in changes.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def make_scenario(changes: Mapping[str, Any] | None = None, **more: Any) -> Scenario:
    """`BASE_SCENARIO` with ``changes`` (and keyword changes) deep-merged; ``None`` drops a
    key."""
    data = _merge(BASE_SCENARIO, {**(changes or {}), **more})
    data = {k: v for k, v in data.items() if v is not None}
    return Scenario.model_validate(data)


def day(offset: int) -> dt.date:
    """The date ``offset`` days after `START`."""
    return START + dt.timedelta(days=offset)


When = dt.date | int


def _date(when: When) -> dt.date:
    return day(when) if isinstance(when, int) else when


def rebuild(
    scenario: Scenario,
    days: Iterable[Day],
    *,
    shortfalls: Sequence[Shortfall] = (),
    status: Status = Status.OPTIMAL,
    name: str | None = None,
) -> Plan:
    """A plan of ``days`` whose week summaries are derived from those days."""
    days = tuple(days)
    weeks = tuple(
        summarise_week(week, [d for d in days if week.contains(d.date)])
        for week in scenario.calendar
    )
    return Plan(
        scenario=name or scenario.name,
        status=status,
        weeks=weeks,
        days=days,
        shortfalls=tuple(shortfalls),
    )


def set_sessions(scenario: Scenario, plan: Plan, when: When, sessions: Sequence[Session]) -> Plan:
    """``plan`` with the sessions of one date replaced (weeks re-summarised)."""
    target = _date(when)
    days = [
        d.model_copy(update={"sessions": tuple(sessions)}) if d.date == target else d
        for d in plan.days
    ]
    return rebuild(scenario, days, shortfalls=plan.shortfalls, status=plan.status)


def replace_session(
    scenario: Scenario, plan: Plan, when: When, slot: Slot | str, **update: Any
) -> Plan:
    """``plan`` with the session in ``slot`` on ``when`` changed field by field (weeks
    re-summarised, so only the session itself may disagree with its kind)."""
    target, slot = _date(when), Slot(slot)
    (the_day,) = [d for d in plan.days if d.date == target]
    sessions = [s.model_copy(update=update) if s.slot is slot else s for s in the_day.sessions]
    return set_sessions(scenario, plan, target, sessions)


def with_shortfalls(plan: Plan, *pairs: tuple[str, int]) -> Plan:
    """``plan`` listing a shortfall for each (rule, week)."""
    listed = tuple(
        Shortfall(rule=rule, week=week, message=f"week {week}: {rule} missed")
        for rule, week in pairs
    )
    return plan.model_copy(update={"shortfalls": plan.shortfalls + listed})


class PlanBuilder:
    """Sessions placed by date, turned into a `Plan` covering every date of the scenario."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.placed: dict[dt.date, list[Session]] = {}

    def add(self, when: When, kind: str, minutes: int, slot: Slot | str = Slot.PM) -> PlanBuilder:
        """Place a session of ``kind`` (looked up in the scenario's catalogue)."""
        session = Session.of(self.scenario.catalogue[kind], Slot(slot), minutes)
        self.placed.setdefault(_date(when), []).append(session)
        return self

    def clear(self, when: When) -> PlanBuilder:
        """Make ``when`` a rest day."""
        self.placed.pop(_date(when), None)
        return self

    def copy(self) -> PlanBuilder:
        other = PlanBuilder(self.scenario)
        other.placed = {d: list(s) for d, s in self.placed.items()}
        return other

    def days(self) -> list[Day]:
        return [
            Day(date=d, weekday=Weekday.of(d), sessions=tuple(self.placed.get(d, ())))
            for d in self.scenario.dates
        ]

    def build(
        self, *, shortfalls: Sequence[Shortfall] = (), status: Status = Status.OPTIMAL
    ) -> Plan:
        return rebuild(self.scenario, self.days(), shortfalls=shortfalls, status=status)
