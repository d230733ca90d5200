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
from periodize.targets import (
    long_goal,
    long_targets,
    longest_counting_slot,
    modality_counts_for_long,
    target_minutes,
)
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
    longest_slot: int
    """The longest a counting session could be on the calendar in any loading week."""
    min_easy_share: float
    baseline_minutes: int
    weeks: tuple[WeekReading, ...]
    last_days: tuple[DayReading, ...]
    """The last `LAST_DAYS` days before race day, oldest first (empty without a race)."""

    @property
    def biggest_week_before_taper(self) -> int:
        """The most minutes of a week before the taper."""
        return max((w.minutes for w in self.weeks if w.phase is not Phase.TAPER), default=0)


def coach_summary(scenario: Scenario, plan: Plan) -> CoachSummary:
    """The coach's reading of ``plan`` (a plan with days) for ``scenario``."""
    targets, minutes_curve = long_targets(scenario), target_minutes(scenario)
    race_kind = scenario.race.kind if scenario.race is not None else None
    by_date = {day.date: day for day in plan.days}
    weeks: list[WeekReading] = []
    for week in scenario.calendar:
        sessions = [s for date in week.dates() if date in by_date for s in by_date[date].sessions]
        training = [s for s in sessions if not s.is_race]
        counting = [s for s in training if modality_counts_for_long(s.modality, race_kind)]
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
    loading = [w for w in scenario.calendar if w.index in targets]
    return CoachSummary(
        long_goal=long_goal(scenario),
        longest_before_taper=max(before_taper, default=0),
        longest_slot=max((longest_counting_slot(scenario, w) for w in loading), default=0),
        min_easy_share=scenario.resolved_rules.min_easy_run_share,
        baseline_minutes=scenario.athlete.weekly_minutes,
        weeks=tuple(weeks),
        last_days=tuple(last_days),
    )


COLUMNS = ("Week", "Phase", "Longest", "Long target", "Minutes", "Target", "Easy running")
"""The columns of `summary_rows`."""


def summary_rows(summary: CoachSummary) -> list[tuple[str, ...]]:
    """One row of text per week: the longest counting session (and its kind) against the
    long target, minutes against the target curve, and the easy share of running."""
    rows: list[tuple[str, ...]] = []
    for week in summary.weeks:
        phase = week.phase.value + (" (recovery)" if week.recovery else "")
        longest = f"{week.longest} min {week.longest_kind}" if week.longest_kind else "-"
        target = f"{week.long_target} min" if week.long_target is not None else "-"
        share = week.easy_share
        easy = "-" if share is None else f"{share:.0%} of {week.run_minutes} min"
        if share is not None and share + 1e-9 < summary.min_easy_share:
            easy += " (low)"
        rows.append(
            (
                str(week.index),
                phase,
                longest,
                target,
                f"{week.minutes} min",
                f"{week.target_minutes} min",
                easy,
            )
        )
    return rows


def headline(summary: CoachSummary) -> list[str]:
    """The summary in a few sentences: the long session against its goal (and the
    calendar's longest slot when it cannot hold the goal), the biggest week against the
    recent weeks, and the weeks whose easy running falls short."""
    lines = []
    goal, longest = summary.long_goal, summary.longest_before_taper
    share = f" ({longest / goal:.0%} of it)" if goal else ""
    lines.append(f"Longest session before the taper: {longest} min; long goal {goal} min{share}.")
    if 0 < summary.longest_slot < goal:
        lines.append(
            f"The longest slot the calendar offers a long session is {summary.longest_slot} "
            f"min, shorter than the {goal} min goal."
        )
    biggest, baseline = summary.biggest_week_before_taper, summary.baseline_minutes
    rise = f" ({(biggest - baseline) / baseline:+.0%})" if baseline else ""
    lines.append(
        f"Biggest week before the taper: {biggest} min; recent weeks {baseline} min{rise}."
    )
    low = [
        str(w.index)
        for w in summary.weeks
        if w.easy_share is not None and w.easy_share + 1e-9 < summary.min_easy_share
    ]
    wanted = f"{summary.min_easy_share:.0%}"
    if low:
        lines.append(f"Easy running below {wanted} of running in weeks {', '.join(low)}.")
    elif any(w.run_minutes for w in summary.weeks):
        lines.append(f"Easy running is at least {wanted} of running every week.")
    return lines


def last_days_lines(summary: CoachSummary) -> list[str]:
    """The last days before the race, one line each (empty without a race)."""
    return [
        f"{day.date.isoformat()} ({day.days_before} day{'s' if day.days_before > 1 else ''} "
        f"before): {day.text}"
        for day in summary.last_days
    ]
