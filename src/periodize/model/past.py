"""A re-plan's split week: the week of today when today is not its first day.

Its days before today are the log (H20) and cannot change. rules.md ("Re-planning: the
past is a fact"): a weekly rule instance that those logged days alone already break is
waived, and the rest of the week adds nothing to the figure that is broken. `PastPart`
holds the logged figures of the split week (constants); the rule functions of `safety`
compare them with their caps:

- a cap (H03's doubles, H04, H05, H07, H09, H11, H12, H17) leaves the future the room
  ``max(0, cap - past)`` (`within_room`): the plain rule when the past is under the cap,
  nothing more when it is over;
- a share (H13's two, H14's long run share, H15 per week) can be repaired by the future
  (more easy minutes dilute a hard Monday): when the past alone breaks it, a *held*
  literal chooses between the rule and the frozen figure (`held_or_frozen`), and the
  solve makes as few of them false as it can before anything else (`build`).

The independent checker judges the same reading on the finished plan
(`periodize.check.broken_by_log`) and names the waivers in the plan's shortfalls.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from periodize.calendar import Week
from periodize.catalogue import SessionKind
from periodize.vocabulary import Modality, Slot

ROOM_TOP = 2**40
"""Upper bound of a room variable (scaled caps stay far below it)."""


@dataclass(frozen=True)
class Logged:
    """One logged session of the split week: day index, slot, kind (logged RPE), minutes."""

    day: int
    slot: Slot
    kind: SessionKind
    minutes: int

    @property
    def load(self) -> int:
        return self.kind.rpe * self.minutes

    @property
    def hard_minutes(self) -> int:
        return self.kind.hard_minutes(self.minutes)


@dataclass(frozen=True)
class PastPart:
    """The logged days of the split week ``week`` (days before ``today``, a day index)."""

    week: Week
    today: int
    sessions: tuple[Logged, ...]

    @property
    def days(self) -> range:
        """The week's days before today."""
        return range(self.week.day_indices.start, self.today)

    @property
    def minutes(self) -> int:
        return sum(s.minutes for s in self.sessions)

    @property
    def load(self) -> int:
        return sum(s.load for s in self.sessions)

    @property
    def hard_minutes(self) -> int:
        return sum(s.hard_minutes for s in self.sessions)

    @property
    def count(self) -> int:
        return len(self.sessions)

    @property
    def hard_sessions(self) -> int:
        return sum(1 for s in self.sessions if s.kind.hard)

    @property
    def run_minutes(self) -> int:
        return sum(s.minutes for s in self.sessions if s.kind.is_run)

    @property
    def easy_run_minutes(self) -> int:
        return sum(s.minutes for s in self.sessions if s.kind.is_run and s.kind.is_easy)

    @property
    def road_minutes(self) -> int:
        return sum(s.minutes for s in self.sessions if s.kind.is_road_run)

    @property
    def trail_minutes(self) -> int:
        return sum(s.minutes for s in self.sessions if s.kind.is_trail_run)

    def per_day(self) -> dict[int, int]:
        """Sessions per logged day (days with at least one)."""
        found: dict[int, int] = {}
        for s in self.sessions:
            found[s.day] = found.get(s.day, 0) + 1
        return found

    @property
    def doubles(self) -> int:
        return sum(1 for n in self.per_day().values() if n > 1)

    @property
    def training_days(self) -> int:
        return len(self.per_day())

    @property
    def longs(self) -> list[Logged]:
        return [s for s in self.sessions if s.kind.long]

    def longest(self, modality: Modality) -> int:
        """The longest logged session of ``modality`` (0 when none)."""
        return max((s.minutes for s in self.sessions if s.kind.modality is modality), default=0)


def split_week(
    calendar: list[Week], today: int, sessions: dict[tuple[int, Slot], tuple[SessionKind, int]]
) -> PastPart | None:
    """The split week of a re-plan whose future starts on day ``today`` (None when today is
    a week's first day or outside the plan); ``sessions`` are the logged ones by (day,
    slot)."""
    week = next((w for w in calendar if today in w.day_indices), None)
    if week is None or today == week.day_indices.start:
        return None
    logged = tuple(
        Logged(day, slot, kind, minutes)
        for (day, slot), (kind, minutes) in sorted(sessions.items(), key=lambda i: i[0])
        if week.day_indices.start <= day < today
    )
    return PastPart(week, today, logged)


def within_room(
    model: cp_model.CpModel,
    future: cp_model.LinearExprT,
    past: int,
    scale: int,
    cap: cp_model.LinearExprT,
    name: str,
) -> cp_model.Constraint:
    """``scale x (past + future) <= cap`` when the past is under the cap; ``future`` adds
    nothing when the past alone is over it. Written as ``scale x future <= max(0, cap -
    scale x past)``; the caller enforces the returned constraint under its guard."""
    if isinstance(cap, int):
        return model.add(scale * future <= max(0, cap - scale * past))
    room = model.new_int_var(0, ROOM_TOP, name)
    model.add_max_equality(room, [0, cap - scale * past])
    return model.add(scale * future <= room)
