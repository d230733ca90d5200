"""The workout-builder view: each session in the plain-text format intervals.icu's
workout builder reads (and syncs on to Garmin, Wahoo, COROS and Suunto watches).

A step is a line ``- [cue] DURATION TARGET``: the duration as ``1h5m``, ``10m`` or
``3m20s``; the target a heart-rate zone or zone range (``Z2 HR``, ``Z3-Z4 HR``, read by
intervals.icu against the athlete's own zones there). A repeat is a header line ending in
``Nx`` followed by its steps, with a blank line before and after. Steps with only an RPE
(strength, race) have no target; their header says the RPE.

`render_session` is one session's workout; `render_bundle` all of them in calendar order,
each under a ``## DATE SLOT · NAME`` heading, for reading or pasting one by one.
`parse_durations` reads the durations back (the format has no other reader here).
"""

from __future__ import annotations

import re

from periodize.plan import Plan, Session
from periodize.steps import Repeat, Step
from periodize.workouts import STEP_LABELS, duration_text, workout_file_name, workout_title

_DURATION = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")
_REPEAT_HEADER = re.compile(r"(?:^|\s)(\d+)x$")


def target(step: Step) -> str:
    """``Z2 HR``, ``Z3-Z4 HR``, or nothing for an RPE-only step."""
    if step.zone is None:
        return ""
    low, high = step.zone
    return f"Z{low} HR" if low == high else f"Z{low}-Z{high} HR"


def step_line(step: Step, *, cue: bool) -> str:
    """``- 10m Z1 HR``, with the step's name first as a cue inside a repeat."""
    words = [STEP_LABELS[step.type]] if cue else []
    words += [duration_text(step.seconds), target(step)]
    return "- " + " ".join(word for word in words if word)


def _header(step: Step) -> str:
    label = STEP_LABELS[step.type]
    return f"{label} at RPE {step.rpe}" if step.zone is None and step.rpe else label


def render_session(session: Session) -> str:
    """One session's workout text."""
    blocks: list[str] = []
    for part in session.workout():
        if isinstance(part, Repeat):
            lines = [f"Main set {part.count}x"]
            lines += [step_line(step, cue=True) for step in part.steps]
        else:
            lines = [_header(part), step_line(part, cue=False)]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def session_files(plan: Plan) -> dict[str, str]:
    """Every session's workout text by file name (``DATE-SLOT-KIND.txt``)."""
    return {
        workout_file_name(date, session.slot, session.kind, ".txt"): render_session(session)
        for date, session in plan.sessions()
    }


def render_bundle(plan: Plan) -> str:
    """Every session's workout in calendar order, each under its heading."""
    parts = [f"# {plan.scenario}: workouts for intervals.icu\n"]
    for date, session in plan.sessions():
        heading = f"## {date} {session.slot.value} · {workout_title(session.kind, session.minutes)}"
        parts.append(f"{heading}\n\n{render_session(session)}")
    return "\n".join(parts)


def parse_seconds(token: str) -> int | None:
    """``3m20s`` as 200; None when ``token`` is not a duration."""
    found = _DURATION.match(token)
    if found is None or not any(found.groups()):
        return None
    hours, minutes, seconds = (int(group or 0) for group in found.groups())
    return hours * 3600 + minutes * 60 + seconds


def parse_durations(text: str) -> list[tuple[int, tuple[int, ...]]]:
    """The durations of one workout's text as (count, step seconds) groups: a step
    outside repeats is ``(1, (seconds,))``. Raises ValueError for a step line without a
    duration."""
    groups: list[tuple[int, tuple[int, ...]]] = []
    repeat: tuple[int, list[int]] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            if repeat is not None:
                groups.append((repeat[0], tuple(repeat[1])))
                repeat = None
            continue
        if not line.startswith("- "):
            found = _REPEAT_HEADER.search(line)
            if found is not None:
                repeat = (int(found.group(1)), [])
            continue
        seconds = [s for s in (parse_seconds(word) for word in line[2:].split()) if s]
        if not seconds:
            raise ValueError(f"no duration in step {line!r}")
        if repeat is not None:
            repeat[1].append(seconds[0])
        else:
            groups.append((1, (seconds[0],)))
    if repeat is not None:
        groups.append((repeat[0], tuple(repeat[1])))
    return groups


def split_bundle(text: str) -> dict[str, str]:
    """A bundle's workouts by heading (without ``## ``)."""
    found: dict[str, str] = {}
    for chunk in text.split("\n## ")[1:]:
        heading, _, body = chunk.partition("\n")
        found[heading] = body
    return found
