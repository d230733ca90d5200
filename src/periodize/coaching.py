"""A coach's reading of a plan: the numbers a coach looks at before signing it.

For each week: the longest counting session against the week's long target, the minutes
against the target curve, and the easy share of running against H13's minimum; for a race
plan, the last ten days before the race at a glance. Everything is derived from the
scenario and the plan alone (no solver), so any plan can be read this way, and the views
print it in their coach section.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from periodize.plan import Plan, Session
from periodize.scenario import Scenario
from periodize.targets import counts_for_long, long_goal, long_targets, target_minutes
from periodize.vocabulary import Intensity, Modality, Phase

LAST_DAYS = 10
"""How many days before the race the summary shows."""


@dataclass(frozen=True)
class WeekReading:
    """One week as a coach reads it."""

    index: int
    phase: Phase
    recovery: bool
    longest: int
    """The longest counting session (minutes; 0 when none)."""
    longest_kind: str | None
    long_target: int | None
    """The week's long target (S6); None for recovery, taper and partial weeks."""
    minutes: int
    target_minutes: int
    run_minutes: int
    easy_run_minutes: int

    @property
    def easy_share(self) -> float | None:
        """Easy run minutes over run minutes (None without runs)."""
        return self.easy_run_minutes / self.run_minutes if self.run_minutes else None


@dataclass(frozen=True)
class DayReading:
    """One of the last days before the race: its sessions, or rest."""

    date: dt.date
    days_before: int
    sessions: tuple[Session, ...]

    @property
    def text(self) -> str:
        """``rest`` or the day's sessions, e.g. ``road_easy 30 min (easy)``."""
        if not self.sessions:
            return "rest"
        return " + ".join(f"{s.kind} {s.minutes} min ({s.intensity.value})" for s in self.sessions)


@dataclass(frozen=True)
class CoachSummary:
    """A plan read as a coach would (see the module docstring)."""

    long_goal: int
    longest_before_taper: int
    min_easy_share: float
    baseline_minutes: int
    weeks: tuple[WeekReading, ...]
    last_days: tuple[DayReading, ...]
    """The last `LAST_DAYS` days before race day, oldest first (empty without a race)."""

    @property
    def biggest_week_before_taper(self) -> int:
        """The most minutes of a week before the taper."""
        return max((w.minutes for w in self.weeks if w.phase is not Phase.TAPER), default=0)


def _is_counting(session: Session, scenario: Scenario) -> bool:
    race = scenario.race
    race_kind = race.kind if race is not None else None
    kind = scenario.catalogue.get(session.kind)
    if kind is not None:
        return counts_for_long(kind, race_kind)
    return session.modality is Modality.RUN or (
        session.modality is Modality.HIKE and race_kind is None
    )


def coach_summary(scenario: Scenario, plan: Plan) -> CoachSummary:
    """The coach's reading of ``plan`` (a plan with days) for ``scenario``."""
    targets, minutes_curve = long_targets(scenario), target_minutes(scenario)
    by_date = {day.date: day for day in plan.days}
    weeks: list[WeekReading] = []
    for week in scenario.calendar:
        sessions = [s for date in week.dates() if date in by_date for s in by_date[date].sessions]
        training = [s for s in sessions if not s.is_race]
        counting = [s for s in training if _is_counting(s, scenario)]
        longest = max(counting, key=lambda s: s.minutes, default=None)
        runs = [s for s in training if s.modality is Modality.RUN]
        weeks.append(
            WeekReading(
                index=week.index,
                phase=week.phase,
                recovery=week.recovery,
                longest=longest.minutes if longest else 0,
                longest_kind=longest.kind if longest else None,
                long_target=targets.get(week.index),
                minutes=sum(s.minutes for s in training),
                target_minutes=minutes_curve[week.index - 1],
                run_minutes=sum(s.minutes for s in runs),
                easy_run_minutes=sum(s.minutes for s in runs if s.intensity is Intensity.EASY),
            )
        )
    last_days: list[DayReading] = []
    race = scenario.race
    if race is not None:
        for back in range(LAST_DAYS, 0, -1):
            date = race.date - dt.timedelta(days=back)
            if date in by_date:
                last_days.append(DayReading(date, back, by_date[date].sessions))
    before_taper = [w.longest for w in weeks if w.phase is not Phase.TAPER]
    return CoachSummary(
        long_goal=long_goal(scenario),
        longest_before_taper=max(before_taper, default=0),
        min_easy_share=scenario.resolved_rules.min_easy_run_share,
        baseline_minutes=scenario.athlete.weekly_minutes,
        weeks=tuple(weeks),
        last_days=tuple(last_days),
    )
