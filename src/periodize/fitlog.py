"""FIT activity files as a training log: what a watch recorded becomes the log a re-plan
reads (scenario.md, Training logs).

Each session of an activity file becomes one log entry:

- **date, slot**: the session's local start (the file's own local time when it gives it,
  else UTC); before noon is am. Two activities on one day take am and pm in order.
- **minutes**: the timer time (moving, pauses left out), rounded.
- **modality, terrain**: from sport and sub-sport (`SPORTS`): running on trail is a trail
  run, on track a track run, street, treadmill and the like road; a run whose sub-sport
  says nothing (generic) is a trail run when it climbed at least 25 m per km, else a road
  run; walking, hiking and mountaineering are hikes; cycling is bike; swimming is swim;
  training is strength. Other sports are skipped, named.
- **rpe**: from the average heart rate against the athlete's zones
  (`periodize.heart_rate.rpe_from_heart_rate`), else the RPE of the kind it matches.
- **kind**: the closest catalogue kind (`periodize.log.closest_kind`).
- **note**: file, sport, start, heart rate and climbing, so the log says where it came
  from.

An activity recorded twice (the same sport at overlapping times: a watch and a bike
computer on one ride, or a file given twice) counts once, the earlier start kept.

Every inference is kept in words (`Inferred.reasons`; ``periodize log`` prints them).
Files that are not activities (settings, workouts, monitoring), damaged, truncated or not
FIT at all are skipped with the reason (`Skipped`), never a traceback. Decoding uses
Garmin's FIT SDK (the ``fit`` extra: ``pip install 'periodize[fit]'``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from garmin_fit_sdk import Decoder, Stream
from garmin_fit_sdk.util import FIT_EPOCH_S

from periodize.heart_rate import rpe_from_heart_rate
from periodize.log import LogEntry, LogError, TrainingLog, closest_kind
from periodize.scenario import Scenario
from periodize.vocabulary import SLOTS, Modality, Slot, Terrain

MAX_FIT_BYTES = 50 * 1024 * 1024
"""A FIT file larger than this is skipped: a day's activity is a few megabytes at most."""
TRAIL_CLIMB_M_PER_KM = 25
"""A run of generic sub-sport that climbed this much per km was off road (rules.md uses
the same 25 m/km for a hilly race)."""
NOTE_LIMIT = 500

SPORTS: dict[str, tuple[Modality, Terrain | None]] = {
    "running": (Modality.RUN, None),
    "walking": (Modality.HIKE, Terrain.TRAIL),
    "hiking": (Modality.HIKE, Terrain.TRAIL),
    "mountaineering": (Modality.HIKE, Terrain.TRAIL),
    "cycling": (Modality.BIKE, Terrain.BIKE),
    "e_biking": (Modality.BIKE, Terrain.BIKE),
    "swimming": (Modality.SWIM, Terrain.POOL),
    "training": (Modality.STRENGTH, None),
}
"""The modality (and terrain, where the sport decides it) of each FIT sport."""
RUN_TERRAINS: dict[str, Terrain] = {
    "trail": Terrain.TRAIL,
    "track": Terrain.TRACK,
    "street": Terrain.ROAD,
    "treadmill": Terrain.ROAD,
    "indoor_running": Terrain.ROAD,
    "virtual_activity": Terrain.ROAD,
}
"""A run's terrain by sub-sport; other sub-sports look at the climbing."""


@dataclass(frozen=True)
class Skipped:
    """A file (or one of its sessions) that gave no log entry, and why."""

    source: str
    reason: str

    def text(self) -> str:
        return f"{self.source}: skipped: {self.reason}"


@dataclass(frozen=True)
class Activity:
    """One session of an activity file, as recorded."""

    source: str
    device: str
    sport: str
    sub_sport: str
    start_utc: dt.datetime
    utc_offset: dt.timedelta | None
    timer_seconds: float
    elapsed_seconds: float
    average_hr: int | None
    ascent_m: int | None
    distance_m: float | None

    @property
    def local_start(self) -> dt.datetime:
        """The start on the athlete's clock (UTC when the file does not say)."""
        start = self.start_utc + (self.utc_offset or dt.timedelta(0))
        return start.replace(tzinfo=None)

    @property
    def end_utc(self) -> dt.datetime:
        return self.start_utc + dt.timedelta(seconds=max(self.elapsed_seconds, self.timer_seconds))

    def same_as(self, other: Activity) -> bool:
        """Whether ``other`` is this activity recorded again: the same sport at the same
        time (a watch and a bike computer on one ride, or one file given twice)."""
        overlap = self.start_utc < other.end_utc and other.start_utc < self.end_utc
        return self.sport == other.sport and (overlap or self.start_utc == other.start_utc)

    @property
    def climb_m_per_km(self) -> float | None:
        if self.ascent_m is None or not self.distance_m:
            return None
        return self.ascent_m / (self.distance_m / 1000)


@dataclass(frozen=True)
class Inferred:
    """A log entry read from an activity, with each inference in words."""

    entry: LogEntry
    activity: Activity
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class FitLog:
    """What a set of FIT files gave: the entries (in time order) and the skipped files."""

    inferred: tuple[Inferred, ...]
    skipped: tuple[Skipped, ...]

    @property
    def log(self) -> TrainingLog:
        return TrainingLog(tuple(item.entry for item in self.inferred))


def fit_files(sources: Iterable[str | Path]) -> list[Path]:
    """The FIT files of ``sources``: each a file, or a folder whose ``.fit`` files are
    taken (not its sub-folders), in name order; each file once. Raises `LogError` for a
    source that does not exist or a folder without FIT files."""
    found: dict[Path, None] = {}
    for source in sources:
        path = Path(source)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".fit")
            if not files:
                raise LogError(f"{path}: no .fit files in this folder")
        elif path.exists():
            files = [path]
        else:
            raise LogError(f"{path}: no such file or folder")
        for file in files:
            found.setdefault(file, None)
    return list(found)


def read_activities(path: Path) -> tuple[list[Activity], list[Skipped]]:
    """The sessions of the activity file at ``path``; a file that is not one (or cannot be
    read) is one `Skipped` with the reason."""
    name = path.name
    try:
        size = path.stat().st_size
        if size > MAX_FIT_BYTES:
            return [], [Skipped(name, f"larger than {MAX_FIT_BYTES // 2**20} MB")]
        data = path.read_bytes()
    except OSError as error:
        return [], [Skipped(name, f"cannot be read ({error.strerror or error})")]
    messages, problem = decode(data)
    if problem is not None:
        return [], [Skipped(name, problem)]
    file_type = _first(messages, "file_id_mesgs").get("type")
    if file_type != "activity":
        what = "a FIT file without a file type" if file_type is None else f"a {file_type} file"
        return [], [Skipped(name, f"{what}, not an activity")]
    sessions = messages.get("session_mesgs") or []
    if not sessions:
        return [], [
            Skipped(name, "an activity without a session summary (the recording was cut off?)")
        ]
    offset = _utc_offset(_first(messages, "activity_mesgs"))
    device = _device(_first(messages, "file_id_mesgs"))
    activities: list[Activity] = []
    skipped: list[Skipped] = []
    for number, session in enumerate(sessions, start=1):
        where = name if len(sessions) == 1 else f"{name} session {number}"
        found = _activity(where, device, session, offset)
        if isinstance(found, Skipped):
            skipped.append(found)
        else:
            activities.append(found)
    return activities, skipped


def decode(data: bytes) -> tuple[Mapping[str, Any], str | None]:
    """Garmin's decoder over ``data``: the messages, and what is wrong when the file is
    not FIT, damaged or truncated (then the messages are not to be used)."""
    try:
        if not Decoder(Stream.from_byte_array(bytearray(data))).is_fit():
            return {}, "not a FIT file (no FIT header)"
        messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read()
    # The decoder raises what it likes on hostile input; any failure means "unreadable".
    except Exception as error:
        return {}, f"cannot be decoded ({error})"
    if errors:
        detail = str(errors[0]).removeprefix("FIT Runtime Error ")
        return {}, f"damaged or truncated ({detail})"
    return dict(messages), None


def _first(messages: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    found = messages.get(key) or [{}]
    first: Mapping[str, Any] = found[0]
    return first


def _utc_offset(activity: Mapping[str, Any]) -> dt.timedelta | None:
    """The athlete's clock against UTC, from the activity message's local timestamp."""
    local, utc = activity.get("local_timestamp"), activity.get("timestamp")
    if not isinstance(local, int) or not local or not isinstance(utc, dt.datetime):
        return None
    local_as_utc = dt.datetime.fromtimestamp(local + FIT_EPOCH_S, dt.UTC)
    offset = local_as_utc - utc
    # Whole quarter hours within the world's time zones, else the field is not a clock.
    quarters = round(offset.total_seconds() / 900)
    return dt.timedelta(minutes=15 * quarters) if abs(quarters) <= 14 * 4 else None


def _device(file_id: Mapping[str, Any]) -> str:
    maker = file_id.get("manufacturer")
    product = file_id.get("garmin_product") or file_id.get("product_name")
    parts = [str(part) for part in (maker, product) if part not in (None, "")]
    return " ".join(parts) or "unknown device"


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _activity(
    where: str, device: str, session: Mapping[str, Any], offset: dt.timedelta | None
) -> Activity | Skipped:
    start = session.get("start_time")
    if not isinstance(start, dt.datetime):
        return Skipped(where, "the session has no start time")
    elapsed = _number(session.get("total_elapsed_time"))
    seconds = _number(session.get("total_timer_time")) or elapsed
    if seconds is None:
        return Skipped(where, "the session has no duration")
    if seconds < 30:
        return Skipped(where, f"{seconds:.0f} s long: shorter than half a minute")
    heart_rate = _number(session.get("avg_heart_rate"))
    ascent = _number(session.get("total_ascent"))
    return Activity(
        source=where,
        device=device,
        sport=str(session.get("sport") or "generic"),
        sub_sport=str(session.get("sub_sport") or "generic"),
        start_utc=start,
        utc_offset=offset,
        timer_seconds=seconds,
        elapsed_seconds=elapsed or seconds,
        average_hr=round(heart_rate) if heart_rate else None,
        ascent_m=round(ascent) if ascent is not None else None,
        distance_m=_number(session.get("total_distance")),
    )


def modality_and_terrain(activity: Activity) -> tuple[Modality, Terrain, str] | None:
    """The activity's modality and terrain, and why; None for a sport with no modality."""
    found = SPORTS.get(activity.sport)
    if found is None:
        return None
    modality, terrain = found
    sport = f"{activity.sport}/{activity.sub_sport}"
    if terrain is not None:
        return modality, terrain, f"{modality} on {terrain}: sport {sport}"
    if modality is Modality.STRENGTH:
        terrain = Terrain.GYM if activity.sub_sport == "strength_training" else Terrain.ANY
        return modality, terrain, f"strength ({terrain}): sport {sport}"
    by_sub_sport = RUN_TERRAINS.get(activity.sub_sport)
    if by_sub_sport is not None:
        return modality, by_sub_sport, f"run on {by_sub_sport}: sport {sport}"
    climb = activity.climb_m_per_km
    if climb is not None and climb >= TRAIL_CLIMB_M_PER_KM:
        return modality, Terrain.TRAIL, f"run on trail: sport {sport}, {climb:.0f} m/km climbed"
    said = f"{climb:.0f} m/km climbed" if climb is not None else "no climbing recorded"
    return modality, Terrain.ROAD, f"run on road: sport {sport}, {said}"


def infer_entry(scenario: Scenario, activity: Activity) -> Inferred | Skipped:
    """The log entry ``activity`` stands for (module doc), or why it has none."""
    found = modality_and_terrain(activity)
    if found is None:
        return Skipped(
            activity.source,
            f"sport {activity.sport}/{activity.sub_sport} is none of run, hike, bike, "
            "swim or strength: log it by hand if it should count",
        )
    modality, terrain, terrain_reason = found
    minutes = max(1, round(activity.timer_seconds / 60))
    start = activity.local_start
    clock = "local" if activity.utc_offset is not None else "UTC (the file gives no local time)"
    reasons = [
        f"{start:%Y-%m-%d %H:%M} {clock}, {minutes} min of timer time",
        terrain_reason,
    ]
    zones = scenario.athlete.zones
    try:
        if zones is not None and activity.average_hr:
            rpe = rpe_from_heart_rate(activity.average_hr, zones)
            position = zones.position(activity.average_hr)
            reasons.append(
                f"RPE {rpe}: average heart rate {activity.average_hr} bpm, zone "
                f"{position:.1f} of the {zones.method} zones"
            )
            kind = closest_kind(scenario, modality, terrain, minutes, rpe)
        else:
            kind = closest_kind(scenario, modality, terrain, minutes, None)
            rpe = kind.rpe
            why = "no heart-rate zones (athlete.hr)" if zones is None else "no heart rate"
            reasons.append(f"RPE {rpe}: {why}, so the RPE of {kind.id}")
    except LogError as error:
        return Skipped(activity.source, str(error))
    reasons.append(f"kind {kind.id}: the closest {modality} on {terrain} for {minutes} min")
    entry = LogEntry(
        date=start.date(),
        kind=kind.id,
        modality=modality,
        terrain=terrain,
        minutes=minutes,
        rpe=rpe,
        slot=Slot.AM if start.hour < 12 else Slot.PM,
        note=_note(activity)[:NOTE_LIMIT],
    )
    return Inferred(entry, activity, tuple(reasons))


def _note(activity: Activity) -> str:
    parts = [
        f"{activity.source} ({activity.device})",
        f"{activity.sport}/{activity.sub_sport}",
        f"start {activity.local_start:%H:%M}",
    ]
    if activity.average_hr:
        parts.append(f"avg HR {activity.average_hr}")
    if activity.ascent_m:
        parts.append(f"climbed {activity.ascent_m} m")
    return ", ".join(parts)


def _one_slot_each(inferred: Sequence[Inferred]) -> list[Inferred]:
    """Two activities on one day take am and pm in start order (a day holds one session a
    slot); more than two is a `LogError` (merge them in a written log)."""
    by_day: dict[dt.date, list[Inferred]] = {}
    for item in inferred:
        by_day.setdefault(item.entry.date, []).append(item)
    placed: list[Inferred] = []
    for date, items in sorted(by_day.items()):
        if len(items) > len(SLOTS):
            names = ", ".join(item.activity.source for item in items)
            raise LogError(
                f"{date}: {len(items)} activities ({names}); a day holds at most "
                f"{len(SLOTS)} sessions: write the log with `periodize log` to a file, "
                "merge entries there, and give that file to --done"
            )
        if len(items) == 2 and items[0].entry.slot == items[1].entry.slot:
            items = [
                _in_slot(item, slot, "the day's other activity took the other slot")
                for item, slot in zip(items, SLOTS, strict=True)
            ]
        placed += items
    return placed


def _in_slot(item: Inferred, slot: Slot, why: str) -> Inferred:
    if item.entry.slot == slot:
        return item
    entry = item.entry.model_copy(update={"slot": slot})
    return Inferred(entry, item.activity, (*item.reasons, f"slot {slot}: {why}"))


def read_fit_log(scenario: Scenario, sources: Iterable[str | Path]) -> FitLog:
    """The training log of the FIT activity files in ``sources`` (files or folders), for
    ``scenario`` (its heart-rate zones and catalogue). Raises `LogError` for a missing
    source, a folder without FIT files or a day with more activities than slots."""
    inferred: list[Inferred] = []
    skipped: list[Skipped] = []
    activities: list[Activity] = []
    for path in fit_files(sources):
        read, not_read = read_activities(path)
        activities += read
        skipped += not_read
    kept: list[Activity] = []
    for activity in sorted(activities, key=lambda a: (a.start_utc, a.source)):
        twin = next((other for other in kept if other.same_as(activity)), None)
        if twin is not None:
            why = f"the same {activity.sport} at the same time as {twin.source}: counted once"
            skipped.append(Skipped(activity.source, why))
        else:
            kept.append(activity)
    for activity in kept:
        found = infer_entry(scenario, activity)
        if isinstance(found, Skipped):
            skipped.append(found)
        else:
            inferred.append(found)
    return FitLog(tuple(_one_slot_each(inferred)), tuple(skipped))
