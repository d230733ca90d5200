"""Structured sessions: the steps of each session, scaled to its minutes exactly.

Every kind gets steps from its facts (modality, intensity, RPE, ``work_share``,
description), so a scenario's own kinds get them too; a kind may also bring its own
template (``steps:`` in the scenario, see `periodize.steps`). The shapes:

- **race**: one step at the kind's RPE (no heart-rate target on race day).
- **strength**: warm-up, the main set at the kind's RPE, cool-down (RPE targets: heart
  rate says little about lifting).
- **continuous** (``work_share`` 0): warm-up in zone 1, the main part in the kind's zone,
  cool-down in zone 1; short sessions and recovery runs are one steady step.
- **tempo** (``work_share`` 0.5 or more): warm-up, one block of the session's hard
  minutes, cool-down.
- **intervals** (``work_share`` under 0.5): warm-up, repeats of an effort and an easy
  recovery, cool-down. The efforts add up to the session's hard minutes exactly (each a
  multiple of 5 s); their length and the recovery follow the kind (`REPEATS`).

The main or work zone is the one the kind's description names (``HR zone 3-4``), else one
read from its RPE (`zone_for_rpe`). Targets carry bpm when the athlete's zones are known.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from periodize.catalogue import SessionKind
from periodize.heart_rate import Zones
from periodize.steps import Repeat, RepeatSpec, Step, StepSpec, StepType, Workout
from periodize.vocabulary import Modality, Slot

GRID_SECONDS = 5
"""Efforts and recoveries are whole multiples of 5 s; other steps whole minutes where
they can be."""

RECOVERY_GRID_SECONDS = 15
"""A recovery shortened to leave room for warm-up and cool-down is a whole multiple of
15 s (none when less is left)."""

_ZONE_IN_TEXT = re.compile(r"HR zone (\d)(?:\s*-\s*(\d))?")


@dataclass(frozen=True)
class RepeatShape:
    """How a kind's intervals look: the effort it aims at (seconds), the most efforts a
    session holds (longer efforts beyond), and the recovery after each effort as a
    multiple of it."""

    effort_seconds: int
    max_count: int
    recovery_ratio: float


REPEATS: dict[str, RepeatShape] = {
    # "5-8 reps of 3-4 min ... with equal easy jog between"
    "road_intervals": RepeatShape(210, 8, 1.0),
    # "6-10 x 400-800 m ... walk or jog recoveries": about 2 min, a shorter recovery
    "track_intervals": RepeatShape(120, 10, 0.75),
    # "6-10 uphill efforts of 1-3 min ...; walk or jog gently back down"
    "hill_repeats": RepeatShape(120, 10, 1.5),
    # "technical descending drills ...; climb back easy": short descents, long climbs
    "downhill_technique": RepeatShape(60, 12, 3.0),
}
"""Interval shapes of the built-in kinds, from their descriptions."""
DEFAULT_REPEAT = RepeatShape(180, 10, 1.0)
"""Intervals of a kind not in `REPEATS`: 3 min efforts, at most 10, equal recoveries."""
WARM_AND_COOL_SHARE = 0.2
WARM_AND_COOL_MINUTES = 10
"""Around intervals, warm-up and cool-down keep at least a fifth of the session and at
least 10 minutes together (recoveries shrink to leave them that)."""

WARM_ZONE = (1, 2)
EASY_ZONE = (1, 1)
RECOVERY_ZONE = (1, 2)


@dataclass(frozen=True)
class KindFacts:
    """What shapes a session's steps: the kind's facts, or a planned session's own
    fields (a plan read back from JSON without steps)."""

    kind: str
    modality: Modality
    rpe: int
    work_share_pct: int
    description: str
    template: tuple[StepSpec | RepeatSpec, ...] | None = None

    @classmethod
    def of(cls, kind: SessionKind) -> KindFacts:
        """The facts of ``kind``."""
        return cls(
            kind=kind.id,
            modality=kind.modality,
            rpe=kind.rpe,
            work_share_pct=kind.work_share_pct,
            description=kind.description,
            template=kind.steps,
        )


def zone_for_rpe(rpe: int) -> tuple[int, int]:
    """The heart-rate zone range of an effort of ``rpe`` (the inverse of
    `periodize.heart_rate.rpe_from_heart_rate`): RPE 1-2 zone 1, 3-4 zone 2, 5 zones 2-3,
    6 zone 3, 7 zones 3-4, 8 and up zones 4-5."""
    if rpe <= 2:
        return (1, 1)
    if rpe <= 4:
        return (2, 2)
    return {5: (2, 3), 6: (3, 3), 7: (3, 4)}.get(rpe, (4, 5))


def main_zone(facts: KindFacts) -> tuple[int, int]:
    """The zone of the kind's main part or efforts: the description's, else its RPE's."""
    found = _ZONE_IN_TEXT.search(facts.description)
    if found is None:
        return zone_for_rpe(facts.rpe)
    low = int(found.group(1))
    high = int(found.group(2) or low)
    return (min(low, high), max(low, high))


def session_steps(facts: KindFacts, minutes: int, zones: Zones | None = None) -> Workout:
    """The steps of a ``minutes`` session of the kind ``facts`` describes; they add up
    to ``minutes`` exactly, and carry bpm when ``zones`` are known."""
    template = facts.template or builtin_template(facts, minutes)
    return with_bpm(fit_template(template, minutes * 60), zones)


def builtin_template(facts: KindFacts, minutes: int) -> tuple[StepSpec | RepeatSpec, ...]:
    """The template of a kind without its own, for a ``minutes`` session (module doc)."""
    if facts.modality is Modality.RACE:
        return (StepSpec(type="steady", rpe=facts.rpe),)
    if facts.modality is Modality.STRENGTH:
        return _strength(facts, minutes)
    hard_seconds = minutes * facts.work_share_pct // 100 * 60
    if hard_seconds == 0:
        return _continuous(facts, minutes)
    if facts.work_share_pct >= 50:
        return (
            StepSpec(type="warmup", zone=WARM_ZONE),
            StepSpec(type="work", minutes=hard_seconds / 60, zone=main_zone(facts)),
            StepSpec(type="cooldown", zone=EASY_ZONE),
        )
    return _intervals(facts, minutes * 60, hard_seconds)


def _strength(facts: KindFacts, minutes: int) -> tuple[StepSpec | RepeatSpec, ...]:
    warm_up = min(10, max(5, round(minutes / 5)))
    parts: list[StepSpec | RepeatSpec] = [
        StepSpec(type="warmup", minutes=warm_up, rpe=3),
        StepSpec(type="work", rpe=facts.rpe),
    ]
    if minutes >= 30:
        parts.append(StepSpec(type="cooldown", minutes=5, rpe=2))
    return tuple(parts)


def _continuous(facts: KindFacts, minutes: int) -> tuple[StepSpec | RepeatSpec, ...]:
    zone = main_zone(facts)
    if minutes < 25 or zone[1] <= 1:
        return (StepSpec(type="steady", zone=zone),)
    parts: list[StepSpec | RepeatSpec] = [
        StepSpec(type="warmup", minutes=min(15, max(5, round(minutes / 10))), zone=EASY_ZONE),
        StepSpec(type="steady", zone=zone),
    ]
    if minutes >= 40:
        parts.append(StepSpec(type="cooldown", minutes=5, zone=EASY_ZONE))
    return tuple(parts)


def repeat_count(hard_seconds: int, shape: RepeatShape) -> int:
    """How many efforts share ``hard_seconds``: at most ``shape.max_count``, each a
    multiple of `GRID_SECONDS`, each as close to ``shape.effort_seconds`` as can be (fewer
    on a tie). ``hard_seconds`` is a whole number of minutes, so one effort always fits."""
    units = hard_seconds // GRID_SECONDS
    counts = [n for n in range(1, min(units, shape.max_count) + 1) if units % n == 0]
    return min(counts, key=lambda n: (abs(hard_seconds / n - shape.effort_seconds), n))


def _intervals(
    facts: KindFacts, total_seconds: int, hard_seconds: int
) -> tuple[StepSpec | RepeatSpec, ...]:
    shape = REPEATS.get(facts.kind, DEFAULT_REPEAT)
    count = repeat_count(hard_seconds, shape)
    effort = hard_seconds // count
    around = max(math.ceil(total_seconds * WARM_AND_COOL_SHARE), WARM_AND_COOL_MINUTES * 60)
    spare = total_seconds - hard_seconds - around
    wished = round(effort * shape.recovery_ratio / GRID_SECONDS) * GRID_SECONDS
    room = max(0, spare) // count
    recovery = wished if wished <= room else room - room % RECOVERY_GRID_SECONDS
    work = StepSpec(type="work", minutes=effort / 60, zone=main_zone(facts))
    inner = (
        (work,)
        if recovery == 0
        else (work, StepSpec(type="recovery", minutes=recovery / 60, zone=RECOVERY_ZONE))
    )
    return (
        StepSpec(type="warmup", zone=WARM_ZONE),
        RepeatSpec(type="repeat", count=count, steps=inner),
        StepSpec(type="cooldown", zone=EASY_ZONE),
    )


# ----- fitting a template to a session -----


def _ideal(spec: StepSpec, total: int) -> float | None:
    """A step's wished-for seconds: its minutes, its share of ``total``, or None."""
    if spec.minutes is not None:
        return spec.minutes * 60
    if spec.share is not None:
        return spec.share * total
    return None


def fit_template(template: Sequence[StepSpec | RepeatSpec], total: int) -> Workout:
    """``template`` stretched to ``total`` seconds exactly.

    Steps with minutes keep them and shares take their part; the steps without either
    share what is left equally. When fixed and shared steps alone fill the session (or
    nothing is left to share out), they are all scaled together to fill it. Lengths are
    rounded (whole minutes above two minutes, else 5 s); the last flexible step outside
    the repeats (else the last step outside them) takes up the rounding, so the steps add
    up to ``total``. Steps rounded to nothing are left out.
    """
    outer = [part for part in template if isinstance(part, StepSpec)]
    absorber = next((s for s in reversed(outer) if s.flexible), outer[-1])
    fixed = 0.0
    for part in template:
        if isinstance(part, RepeatSpec):
            fixed += part.count * sum(_ideal(s, total) or 0.0 for s in part.steps)
        else:
            fixed += _ideal(part, total) or 0.0
    flexible = sum(1 for s in outer if s.flexible)
    if flexible and fixed < total:
        scale, share = 1.0, (total - fixed) / flexible
    else:
        scale, share = (total / fixed if fixed else 0.0), 0.0

    def ideal(spec: StepSpec) -> float:
        wished = _ideal(spec, total)
        return share if wished is None else wished * scale

    def nice(spec: StepSpec) -> int:
        if spec.minutes is not None and scale == 1.0:
            return round(spec.minutes * 60)  # a fixed length, kept as given
        return _nice(ideal(spec))

    def floor(spec: StepSpec) -> int:
        return math.floor(ideal(spec))

    # Rounding to nice lengths may leave the absorber less than nothing in a short
    # session; rounding every other step down never does.
    for length in (nice, floor):
        fitted = _round_parts(template, absorber, length, total)
        if fitted is not None:
            return fitted
    raise AssertionError("rounding down never overshoots")  # pragma: no cover


def _nice(seconds: float) -> int:
    """A length as people write it: whole minutes from two minutes up, else a multiple
    of 5 s (at least 1 s)."""
    if seconds >= 120:
        return round(seconds / 60) * 60
    if seconds >= GRID_SECONDS:
        return round(seconds / GRID_SECONDS) * GRID_SECONDS
    return round(seconds)


def _round_parts(
    template: Sequence[StepSpec | RepeatSpec],
    absorber: StepSpec,
    length: Callable[[StepSpec], int],
    total: int,
) -> Workout | None:
    """The template's steps with rounded lengths, the absorber taking the difference to
    ``total``; None when the rounding leaves the absorber less than nothing."""
    parts: list[Step | Repeat] = []
    place = 0
    for part in template:
        if part is absorber:
            place = len(parts)  # placed below, once the others are known
            continue
        if isinstance(part, RepeatSpec):
            steps = (_step(s, length(s)) for s in part.steps)
            kept = tuple(s for s in steps if s is not None)
            if kept:
                parts.append(Repeat(count=part.count, steps=kept))
        else:
            step = _step(part, length(part))
            if step is not None:
                parts.append(step)
    left = total - sum(part.seconds for part in parts)
    if left < 0:
        return None
    last = _step(absorber, left)
    if last is not None:
        parts.insert(place, last)
    return tuple(parts)


def _step(spec: StepSpec, seconds: int) -> Step | None:
    if seconds <= 0:
        return None
    return Step(type=spec.type, seconds=seconds, zone=spec.zone, rpe=spec.rpe)


def with_bpm(workout: Workout, zones: Zones | None) -> Workout:
    """``workout`` with each zone target's bpm range from ``zones`` (unchanged without)."""
    if zones is None:
        return workout

    def bpm(step: Step) -> Step:
        if step.zone is None:
            return step
        return step.model_copy(update={"bpm": zones.bpm(*step.zone)})

    return tuple(
        part.model_copy(update={"steps": tuple(bpm(s) for s in part.steps)})
        if isinstance(part, Repeat)
        else bpm(part)
        for part in workout
    )


STEP_LABELS: dict[StepType, str] = {
    "warmup": "Warm-up",
    "steady": "Steady",
    "work": "Work",
    "recovery": "Recovery",
    "cooldown": "Cool-down",
}


def duration_text(seconds: int) -> str:
    """``1h5m``, ``10m``, ``3m30s``, ``45s``: the duration notation of intervals.icu."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = (f"{hours}h" if hours else "") + (f"{minutes}m" if minutes else "")
    return text + (f"{secs}s" if secs or not text else "")


def target_text(step: Step) -> str:
    """``Z2 (133-148 bpm)``, ``Z3-Z4``, ``RPE 6``: what the step asks for."""
    parts: list[str] = []
    if step.zone is not None:
        low, high = step.zone
        parts.append(f"Z{low}" if low == high else f"Z{low}-Z{high}")
        if step.bpm is not None:
            parts[-1] += f" ({step.bpm[0]}-{step.bpm[1]} bpm)"
    if step.rpe is not None:
        parts.append(f"RPE {step.rpe}")
    return " ".join(parts)


def step_text(step: Step) -> str:
    """``Warm-up 10m Z1``."""
    return f"{STEP_LABELS[step.type]} {duration_text(step.seconds)} {target_text(step)}"


def workout_lines(workout: Workout) -> list[str]:
    """The steps, a line a part: ``Warm-up 10m Z1-Z2``, ``6x (Work 3m30s Z4-Z5 + Recovery
    3m30s Z1-Z2)``, ``Cool-down 9m Z1``."""
    lines = []
    for part in workout:
        if isinstance(part, Repeat):
            inner = " + ".join(step_text(s) for s in part.steps)
            lines.append(f"{part.count}x ({inner})")
        else:
            lines.append(step_text(part))
    return lines


def workout_text(workout: Workout) -> str:
    """The steps in one line, parts joined by `` · ``."""
    return " · ".join(workout_lines(workout))


def workout_file_name(date: dt.date, slot: Slot, kind: str, suffix: str) -> str:
    """``2027-01-04-pm-road_tempo.fit``: a session's workout file, sorting by date and
    slot (`periodize.output.WORKOUT_FILE_NAME` knows the pattern)."""
    return f"{date.isoformat()}-{slot.value}-{kind}{suffix}"


def workout_title(kind: str, minutes: int) -> str:
    """``Road tempo 50 min``: a workout's name on the watch."""
    return f"{kind.replace('_', ' ').capitalize()} {minutes} min"
