"""Hypothesis strategies for training logs as life writes them: a solved plan's past,
perturbed.

`life_logs(plan, scenario, today)` starts from what ``plan`` planned before ``today`` and
applies a few of the things that happen to real athletes (`PERTURBATIONS`): a missed day,
a missed week, two weeks of illness, a session longer or shorter by up to 50 %, harder or
easier by up to 2 RPE, a hike done instead of a run (or any kind for another), an extra
session, a session on a day the scenario says is unavailable, the taper only half done
before race week. Entries are written as a user or a watch would write them: sometimes
without a slot, sometimes as modality and terrain instead of a kind. Each perturbation is
labelled (`Life.events`) so a test can report the mix with `hypothesis.event`; no
perturbation at all is the label ``as planned``.

Every log drawn is valid for `periodize.log.logged_sessions` with ``today``: dates in
[start, today), at most one entry per slot (two a day), slots given at most once a day,
kinds from the scenario's catalogue (never the race) or a modality and a terrain.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from hypothesis import strategies as st

from periodize.catalogue import SessionKind
from periodize.log import LogEntry, TrainingLog
from periodize.plan import Plan
from periodize.scenario import Scenario
from periodize.vocabulary import SLOTS, Modality, Slot

AS_PLANNED = "as planned"
"""The label of a log with no perturbation: every planned session done as planned."""

PERTURBATIONS = (
    "missed day",
    "missed week",
    "two weeks ill",
    "longer",
    "shorter",
    "harder",
    "easier",
    "swapped kind",
    "extra session",
    "unavailable day",
    "taper half done",
)
"""What life does to a plan, one label each."""

WRITINGS = ("no slot", "modality and terrain")
"""How an entry may be written without changing what was done (labels too)."""

MAX_CHANGE = 0.5
"""Longer or shorter by at most this share of the planned minutes."""
MAX_RPE_CHANGE = 2
EXTRA_MINUTES = (15, 180)
"""The range of an extra session's minutes."""

Days = dict[dt.date, dict[Slot, LogEntry]]
"""A log under construction: each past day's entries by slot."""


@dataclass(frozen=True)
class Life:
    """A drawn training log and what life did to the plan to get it."""

    log: TrainingLog
    events: tuple[str, ...]
    """The perturbations applied, in order (``("as planned",)`` when none), then how
    entries were written (`WRITINGS`) when that varied."""

    @property
    def as_planned(self) -> bool:
        """Whether the log is the plan's past exactly (no perturbation)."""
        return self.events[0] == AS_PLANNED


def planned_past(plan: Plan, today: dt.date) -> Days:
    """The sessions ``plan`` planned before ``today``, as log entries with their slots
    (the race is never before today: a plan ends on race day)."""
    days: Days = {}
    for day in plan.days:
        if day.date >= today:
            break
        days[day.date] = {
            s.slot: LogEntry(date=day.date, kind=s.kind, minutes=s.minutes, rpe=s.rpe, slot=s.slot)
            for s in day.sessions
            if not s.is_race
        }
    return days


def as_planned(plan: Plan, today: dt.date) -> TrainingLog:
    """The log of a past that went exactly as ``plan`` planned it."""
    return _log(planned_past(plan, today))


def _log(days: Days) -> TrainingLog:
    return TrainingLog(
        tuple(days[date][slot] for date in sorted(days) for slot in SLOTS if slot in days[date])
    )


def _training_kinds(scenario: Scenario) -> list[SessionKind]:
    return sorted((k for k in scenario.catalogue.values() if not k.is_race), key=lambda k: k.id)


# ----- perturbations: each changes ``days`` and says whether it applied -----------------

Perturb = Callable[[st.DrawFn, Scenario, Days], bool]


def _sessions(days: Days) -> list[tuple[dt.date, Slot]]:
    return [(date, slot) for date in sorted(days) for slot in SLOTS if slot in days[date]]


def _missed_day(draw: st.DrawFn, scenario: Scenario, days: Days) -> bool:
    busy = [date for date in sorted(days) if days[date]]
    if not busy:
        return False
    days[draw(st.sampled_from(busy))].clear()
    return True


def _missed_week(draw: st.DrawFn, scenario: Scenario, days: Days) -> bool:
    weeks = sorted({scenario.week_of(date).index for date in days})
    if not weeks:
        return False
    week = scenario.calendar[draw(st.sampled_from(weeks)) - 1]
    for date in week.dates():
        days.get(date, {}).clear()
    return True


ILLNESS_DAYS = 14


def _two_weeks_ill(draw: st.DrawFn, scenario: Scenario, days: Days) -> bool:
    if not days:
        return False
    dates = sorted(days)
    first = draw(st.sampled_from(dates[: max(1, len(dates) - ILLNESS_DAYS + 1)]))
    for offset in range(ILLNESS_DAYS):
        days.get(first + dt.timedelta(days=offset), {}).clear()
    return True


def _pick(draw: st.DrawFn, days: Days) -> tuple[dt.date, Slot] | None:
    sessions = _sessions(days)
    return draw(st.sampled_from(sessions)) if sessions else None


Change = Callable[[st.DrawFn, LogEntry], dict[str, object] | None]
"""A change of one entry: the fields to update (None: nothing changes)."""


def _change_one(change: Change) -> Perturb:
    """A perturbation that changes one drawn session of the past."""

    def perturb(draw: st.DrawFn, scenario: Scenario, days: Days) -> bool:
        picked = _pick(draw, days)
        if picked is None:
            return False
        date, slot = picked
        update = change(draw, days[date][slot])
        if update is None:
            return False
        days[date][slot] = days[date][slot].model_copy(update=update)
        return True

    return perturb


def _scaled_minutes(sign: int) -> Change:
    """Longer (``sign`` 1) or shorter (-1) by 1 % to `MAX_CHANGE` (at least a minute)."""

    def change(draw: st.DrawFn, entry: LogEntry) -> dict[str, object] | None:
        share = draw(st.integers(1, round(100 * MAX_CHANGE))) / 100
        step = max(1, math.floor(entry.minutes * share))
        minutes = min(1440, max(1, entry.minutes + sign * step))
        return {"minutes": minutes} if minutes != entry.minutes else None

    return change


def _shifted_rpe(sign: int) -> Change:
    """Harder (``sign`` 1) or easier (-1) by 1 to `MAX_RPE_CHANGE`, within 1-10."""

    def change(draw: st.DrawFn, entry: LogEntry) -> dict[str, object] | None:
        rpe = min(10, max(1, entry.rpe + sign * draw(st.integers(1, MAX_RPE_CHANGE))))
        return {"rpe": rpe} if rpe != entry.rpe else None

    return change


def _other_kind(draw: st.DrawFn, scenario: Scenario, kind_id: str | None) -> SessionKind:
    """Another training kind: a hike for a run when the catalogue has one, else any kind
    of another modality, else any other kind."""
    kinds = _training_kinds(scenario)
    kind = scenario.catalogue.get(kind_id) if kind_id is not None else None
    if kind is not None and kind.modality is Modality.RUN:
        hikes = [k for k in kinds if k.modality is Modality.HIKE]
        if hikes and draw(st.booleans()):
            return draw(st.sampled_from(hikes))
    modality = kind.modality if kind is not None else None
    others = [k for k in kinds if k.modality is not modality] or kinds
    return draw(st.sampled_from(others))


def _swapped_kind(draw: st.DrawFn, scenario: Scenario, days: Days) -> bool:
    def change(draw: st.DrawFn, entry: LogEntry) -> dict[str, object]:
        kind = _other_kind(draw, scenario, entry.kind)
        return {"kind": kind.id, "rpe": min(10, max(1, kind.rpe + draw(st.integers(-1, 1))))}

    return _change_one(change)(draw, scenario, days)


def _new_entry(draw: st.DrawFn, scenario: Scenario, date: dt.date, slot: Slot) -> LogEntry:
    kind = draw(st.sampled_from(_training_kinds(scenario)))
    minutes = draw(st.integers(*EXTRA_MINUTES))
    rpe = min(10, max(1, kind.rpe + draw(st.integers(-1, 1))))
    return LogEntry(date=date, kind=kind.id, minutes=minutes, rpe=rpe, slot=slot)


def _extra_session(draw: st.DrawFn, scenario: Scenario, days: Days) -> bool:
    free = [(date, slot) for date in sorted(days) for slot in SLOTS if slot not in days[date]]
    if not free:
        return False
    date, slot = draw(st.sampled_from(free))
    days[date][slot] = _new_entry(draw, scenario, date, slot)
    return True


def _unavailable_day(draw: st.DrawFn, scenario: Scenario, days: Days) -> bool:
    closed = [
        (date, slot)
        for date in sorted(days)
        for slot in SLOTS
        if slot not in days[date] and scenario.slot_minutes(date, slot) == 0
    ]
    if not closed:
        return False
    date, slot = draw(st.sampled_from(closed))
    days[date][slot] = _new_entry(draw, scenario, date, slot)
    return True


def _taper_sessions(scenario: Scenario, days: Days) -> list[tuple[dt.date, Slot]]:
    return [(date, slot) for date, slot in _sessions(days) if scenario.week_of(date).taper]


def _taper_half_done(draw: st.DrawFn, scenario: Scenario, days: Days) -> bool:
    """Every other session of the taper days before today skipped (which half: drawn;
    a lone taper session is skipped)."""
    taper = _taper_sessions(scenario, days)
    if not taper:
        return False
    first = draw(st.integers(0, 1)) if len(taper) > 1 else 0
    for date, slot in taper[first::2]:
        del days[date][slot]
    return True


PERTURB: dict[str, Perturb] = {
    "missed day": _missed_day,
    "missed week": _missed_week,
    "two weeks ill": _two_weeks_ill,
    "longer": _change_one(_scaled_minutes(+1)),
    "shorter": _change_one(_scaled_minutes(-1)),
    "harder": _change_one(_shifted_rpe(+1)),
    "easier": _change_one(_shifted_rpe(-1)),
    "swapped kind": _swapped_kind,
    "extra session": _extra_session,
    "unavailable day": _unavailable_day,
    "taper half done": _taper_half_done,
}
assert tuple(PERTURB) == PERTURBATIONS


# ----- how entries are written ------------------------------------------------------------


def _rewrite(draw: st.DrawFn, scenario: Scenario, days: Days) -> list[str]:
    """Drop the slot of some entries and name some by modality and terrain instead of a
    kind (what a watch knows); the labels of the writings used."""
    used: set[str] = set()
    for date, slot in _sessions(days):
        entry = days[date][slot]
        if draw(st.integers(0, 5)) == 0:
            entry = entry.model_copy(update={"slot": None})
            used.add("no slot")
        kind = scenario.catalogue.get(entry.kind) if entry.kind is not None else None
        if kind is not None and draw(st.integers(0, 7)) == 0:
            update = {"kind": None, "modality": kind.modality, "terrain": kind.terrain}
            entry = entry.model_copy(update=update)
            used.add("modality and terrain")
        days[date][slot] = entry
    return [writing for writing in WRITINGS if writing in used]


@st.composite
def life_logs(
    draw: st.DrawFn,
    plan: Plan,
    scenario: Scenario,
    today: dt.date,
    *,
    max_perturbations: int = 3,
    perturbations: Sequence[str] = PERTURBATIONS,
    rewrite: bool = True,
) -> Life:
    """A log of ``plan``'s days before ``today`` as life might have written it: up to
    ``max_perturbations`` drawn from ``perturbations`` (none: ``as planned``, about one
    draw in six; when the taper is reached, half the time its half done first; when none
    drawn applies, as in a past with no session, an extra session), entries sometimes
    without a slot or as modality and terrain (unless ``rewrite`` is false)."""
    days = planned_past(plan, today)
    events: list[str] = []
    if days and draw(st.integers(0, 5)) > 0:
        wanted = draw(
            st.lists(st.sampled_from(perturbations), min_size=1, max_size=max_perturbations)
        )
        taper = "taper half done"
        if taper in perturbations and _taper_sessions(scenario, days) and draw(st.booleans()):
            wanted.insert(0, taper)  # the race week reached: how much of the taper was done
        events = [name for name in wanted if PERTURB[name](draw, scenario, days)]
        if not events:  # nothing to miss or change (an empty past plan): life adds
            for name in ("extra session", "unavailable day"):
                if name in perturbations and PERTURB[name](draw, scenario, days):
                    events = [name]
                    break
    if not events:
        return Life(as_planned(plan, today), (AS_PLANNED,))
    if rewrite:
        events += _rewrite(draw, scenario, days)
    return Life(_log(days), tuple(events))


@st.composite
def todays(draw: st.DrawFn, scenario: Scenario) -> dt.date:
    """A re-plan's ``today``: a date after the start; now and then the first day of a
    week, and now and then a day of the race week (the taper reached)."""
    dates = scenario.dates[1:]
    if not dates:
        return scenario.start
    choice = draw(st.integers(0, 3))
    race_week = [d for d in dates if scenario.week_of(d).is_race_week]
    mondays = [w.start for w in scenario.calendar[1:]]
    if choice == 0 and race_week:
        return draw(st.sampled_from(race_week))
    if choice == 1 and mondays:
        return draw(st.sampled_from(mondays))
    return draw(st.sampled_from(dates))


__all__ = [
    "AS_PLANNED",
    "PERTURBATIONS",
    "WRITINGS",
    "Life",
    "as_planned",
    "life_logs",
    "planned_past",
    "todays",
]
