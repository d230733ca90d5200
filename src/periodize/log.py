"""Training logs: what the athlete really did, the input of a re-plan (scenario.md).

A log is a list of sessions, one entry each: ``date``, ``kind`` (optional when
``modality`` and ``terrain`` say enough), ``modality``, ``terrain``, ``minutes``, ``rpe``,
optional ``slot`` and ``note``. Days of the log's range with no entry were rest days.

`logged_sessions` turns a log into the sessions of the plan's past: each entry becomes a
session of a catalogue kind (the named one, or the closest in modality, terrain and
effort), lasting the logged minutes and carrying the logged RPE, so that its load is what
the athlete really did (minutes x RPE).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, RootModel, model_validator

from periodize.catalogue import SessionKind
from periodize.scenario import Scenario
from periodize.vocabulary import SLOTS, Modality, Slot, Terrain

MAX_SESSIONS_PER_DAY = len(SLOTS)
"""A logged day holds at most one session per slot, like a planned one."""


class LogEntry(BaseModel):
    """One session that was really done."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    date: dt.date
    kind: str | None = None
    modality: Modality | None = None
    terrain: Terrain | None = None
    minutes: Annotated[int, Field(ge=1, le=1440)]
    rpe: Annotated[int, Field(ge=1, le=10)]
    slot: Slot | None = None
    note: Annotated[str, Field(max_length=500)] | None = None

    @model_validator(mode="after")
    def _says_what_it_was(self) -> LogEntry:
        if self.kind is None and (self.modality is None or self.terrain is None):
            raise ValueError(
                "needs a kind, or a modality and a terrain (e.g. modality: run, terrain: road)"
            )
        return self


class TrainingLog(RootModel[tuple[LogEntry, ...]]):
    """A training log: the sessions done, in any order."""

    model_config = ConfigDict(frozen=True)

    @property
    def entries(self) -> tuple[LogEntry, ...]:
        return self.root

    def last_date(self) -> dt.date | None:
        """The date of the latest entry (None for an empty log)."""
        return max((entry.date for entry in self.root), default=None)


class LogError(ValueError):
    """A log that does not fit its scenario (dates, kinds, too many sessions a day)."""


@dataclass(frozen=True)
class LoggedSession:
    """A logged session placed in the plan: its slot, kind (with the logged RPE) and
    minutes."""

    slot: Slot
    kind: SessionKind
    minutes: int


def is_fit_source(source: str | Path) -> bool:
    """Whether a ``--done`` source means FIT activities: a folder or a ``.fit`` file."""
    path = Path(source)
    return path.suffix.lower() == ".fit" or path.is_dir()


CSV_COLUMNS = ("date", "kind", "modality", "terrain", "minutes", "rpe", "slot", "note")


def log_rows_from_csv(text: str) -> list[dict[str, Any]]:
    """The rows of a CSV log as plain dicts (empty cells left out), for validation."""
    reader = csv.DictReader(io.StringIO(text))
    rows: list[dict[str, Any]] = []
    for row in reader:
        rows.append({key.strip(): value.strip() for key, value in row.items() if key and value})
    return rows


def closest_kind(
    scenario: Scenario, modality: Modality, terrain: Terrain, minutes: int, rpe: int | None
) -> SessionKind:
    """The catalogue kind a session of ``modality`` on ``terrain`` stands for: same
    modality and terrain (the modality alone if none matches), ``minutes`` within its range
    (or the nearest), then a kind that is not long (a session is a long one only when no
    other kind's range holds its minutes: a 60-minute easy run is not a second long run),
    then the closest RPE, then the lower RPE (a session nothing says was
    hard is taken as the easier kind; when ``rpe`` is not known, only this counts), then
    the id. Raises `LogError` when no kind has the modality."""
    kinds = [k for k in scenario.catalogue.values() if not k.is_race]
    matching = [k for k in kinds if k.modality is modality and k.terrain is terrain]
    if not matching:
        matching = [k for k in kinds if k.modality is modality]
    if not matching:
        raise LogError(
            f"no session kind has modality {modality} "
            f"(name a kind: periodize schema lists the catalogue)"
        )

    def distance(kind: SessionKind) -> tuple[int, bool, int, int, str]:
        lo, hi = kind.minutes
        outside = max(0, lo - minutes, minutes - hi)
        effort = abs(kind.rpe - rpe) if rpe is not None else 0
        return (outside, kind.long, effort, kind.rpe, kind.id)

    return min(matching, key=distance)


def _kind_of(scenario: Scenario, entry: LogEntry) -> SessionKind:
    if entry.kind is None:
        # _says_what_it_was: an entry without a kind has a modality and a terrain
        assert entry.modality is not None
        assert entry.terrain is not None
        try:
            kind = closest_kind(scenario, entry.modality, entry.terrain, entry.minutes, entry.rpe)
        except LogError as error:
            raise LogError(f"{entry.date}: {error}") from None
    else:
        found = scenario.catalogue.get(entry.kind)
        if found is None:
            known = ", ".join(sorted(scenario.catalogue))
            raise LogError(f"{entry.date}: unknown kind {entry.kind!r} (known kinds: {known})")
        kind = found
    return kind.model_copy(update={"rpe": entry.rpe})


def logged_sessions(
    scenario: Scenario, log: TrainingLog, today: dt.date
) -> dict[dt.date, list[LoggedSession]]:
    """The sessions of every day before ``today``, from ``log``: a day with no entry was a
    rest day. Raises `LogError` for an entry outside [start, today), an unknown kind, or a
    day with more sessions than slots (or two in one slot)."""
    days: dict[dt.date, list[LogEntry]] = {}
    for entry in log.entries:
        if entry.date < scenario.start:
            raise LogError(
                f"{entry.date}: before the plan's start {scenario.start}; "
                "drop the entry or start the scenario earlier"
            )
        if entry.date >= today:
            raise LogError(
                f"{entry.date}: on or after today ({today}); a log holds what was done "
                "before today: drop the entry or move today later"
            )
        days.setdefault(entry.date, []).append(entry)
    placed: dict[dt.date, list[LoggedSession]] = {}
    for date, entries in sorted(days.items()):
        if len(entries) > MAX_SESSIONS_PER_DAY:
            raise LogError(
                f"{date}: {len(entries)} sessions, a day holds at most "
                f"{MAX_SESSIONS_PER_DAY} (one per slot); merge them into one entry"
            )
        taken = [e.slot for e in entries if e.slot is not None]
        if len(taken) != len(set(taken)):
            raise LogError(f"{date}: two sessions in the {taken[0]} slot; give one the other slot")
        free = iter(slot for slot in SLOTS if slot not in taken)
        placed[date] = [
            LoggedSession(
                slot=entry.slot if entry.slot is not None else next(free),
                kind=_kind_of(scenario, entry),
                minutes=entry.minutes,
            )
            for entry in entries
        ]
    return placed
