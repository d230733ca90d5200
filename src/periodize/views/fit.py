"""The watch view: each session as a FIT workout file (Garmin's Flexible and Interoperable
Data Transfer protocol), ready to copy to a watch's ``NewFiles`` folder or import into
Garmin Connect, TrainingPeaks, intervals.icu and the like.

One file a session, named ``DATE-SLOT-KIND.fit``: a ``file_id`` (type workout), a
``workout`` (name, sport and sub-sport of the session, its description) and a
``workout_step`` for each step and each repeat (``repeat_until_steps_cmplt`` back to the
repeat's first step). Every step lasts its seconds; its target:

- bpm range when the athlete's zones are known (FIT's custom heart rate, bpm + 100);
- one zone: the watch's own heart-rate zone of that number;
- a zone range: percent of maximum heart rate, the ``max`` zone method's bounds (zones
  3-4: 70-90 %; the top of zone 5 is 99 %), which the watch reads against its own
  maximum;
- an RPE only (strength, race): an open target, the RPE in the step's notes.

Files are written with fit-tool (the ``fit`` extra: ``pip install 'periodize[fit]'``)
and are the same bytes for the same plan.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Iterator
from typing import Any

from fit_tool.fit_file_builder import FitFileBuilder
from fit_tool.profile.messages.file_id_message import FileIdMessage
from fit_tool.profile.messages.workout_message import WorkoutMessage
from fit_tool.profile.messages.workout_step_message import WorkoutStepMessage
from fit_tool.profile.profile_type import (
    FileType,
    Intensity,
    Manufacturer,
    Sport,
    SubSport,
    WorkoutStepDuration,
    WorkoutStepTarget,
)

from periodize.heart_rate import ZONE_PERCENTS
from periodize.plan import Plan, Session
from periodize.steps import Repeat, Step, StepType
from periodize.vocabulary import Modality, Terrain
from periodize.workouts import STEP_LABELS, target_text, workout_file_name, workout_title

WORKOUT_BPM_OFFSET = 100
"""FIT's ``workout_hr``: values up to 100 are percent of maximum heart rate, values above
are bpm + 100."""
TOP_PERCENT = 99
"""The top of zone 5 as percent of maximum heart rate: FIT reads 100 itself as the bpm
offset (Garmin's decoder names it so), so a range up to the maximum ends at 99 %."""
MAX_DESCRIPTION_BYTES = 200
"""A FIT string field holds at most 255 bytes; descriptions are cut well within it."""

SPORTS: dict[Modality, Sport] = {
    Modality.RUN: Sport.RUNNING,
    Modality.HIKE: Sport.HIKING,
    Modality.BIKE: Sport.CYCLING,
    Modality.SWIM: Sport.SWIMMING,
    Modality.STRENGTH: Sport.TRAINING,
    Modality.RACE: Sport.RUNNING,
}
"""The FIT sport of each modality."""
SUB_SPORTS: dict[tuple[Modality, Terrain], SubSport] = {
    (Modality.RUN, Terrain.ROAD): SubSport.STREET,
    (Modality.RUN, Terrain.TRACK): SubSport.TRACK,
    (Modality.RUN, Terrain.TRAIL): SubSport.TRAIL,
    (Modality.RUN, Terrain.HILLS): SubSport.TRAIL,
    (Modality.SWIM, Terrain.POOL): SubSport.LAP_SWIMMING,
    (Modality.STRENGTH, Terrain.GYM): SubSport.STRENGTH_TRAINING,
    (Modality.STRENGTH, Terrain.ANY): SubSport.STRENGTH_TRAINING,
}
"""The FIT sub-sport of a modality on a terrain; generic where none is listed."""
INTENSITIES: dict[StepType, Intensity] = {
    "warmup": Intensity.WARMUP,
    "steady": Intensity.ACTIVE,
    "work": Intensity.ACTIVE,
    "recovery": Intensity.RECOVERY,
    "cooldown": Intensity.COOLDOWN,
}
"""The FIT intensity of each step type (work and steady are both ``active``, told apart
by the step's name)."""


def sub_sport(session: Session) -> SubSport:
    """The session's FIT sub-sport (generic where none fits better)."""
    return SUB_SPORTS.get((session.modality, session.terrain), SubSport.GENERIC)


def _cut(text: str, limit: int) -> str:
    """``text`` within ``limit`` UTF-8 bytes, on a character boundary."""
    return text.encode("utf-8")[:limit].decode("utf-8", errors="ignore")


def zone_percents(zone: tuple[int, int]) -> tuple[int, int]:
    """A zone range as percent of maximum heart rate (``max`` method), as FIT holds it."""
    return ZONE_PERCENTS[zone[0] - 1], min(TOP_PERCENT, ZONE_PERCENTS[zone[1]])


def _target(message: Any, step: Step) -> None:
    """Set ``message``'s target from ``step`` (module doc)."""
    if step.bpm is not None:
        message.target_type = WorkoutStepTarget.HEART_RATE
        message.target_value = 0
        message.custom_target_heart_rate_low = step.bpm[0] + WORKOUT_BPM_OFFSET
        message.custom_target_heart_rate_high = step.bpm[1] + WORKOUT_BPM_OFFSET
    elif step.zone is not None and step.zone[0] == step.zone[1]:
        message.target_type = WorkoutStepTarget.HEART_RATE
        message.target_hr_zone = step.zone[0]
    elif step.zone is not None:
        message.target_type = WorkoutStepTarget.HEART_RATE
        message.target_value = 0
        low, high = zone_percents(step.zone)
        message.custom_target_heart_rate_low = low
        message.custom_target_heart_rate_high = high
    else:
        message.target_type = WorkoutStepTarget.OPEN


def _step_message(index: int, step: Step) -> WorkoutStepMessage:
    message = WorkoutStepMessage()
    message.message_index = index
    message.workout_step_name = STEP_LABELS[step.type]
    message.intensity = INTENSITIES[step.type]
    message.duration_type = WorkoutStepDuration.TIME
    message.duration_time = float(step.seconds)
    _target(message, step)
    message.notes = target_text(step)
    return message


def _repeat_message(index: int, first_step: int, count: int) -> WorkoutStepMessage:
    message = WorkoutStepMessage()
    message.message_index = index
    message.duration_type = WorkoutStepDuration.REPEAT_UNTIL_STEPS_CMPLT
    message.duration_step = first_step
    message.target_repeat_steps = count
    return message


def step_messages(session: Session) -> Iterator[WorkoutStepMessage]:
    """The session's ``workout_step`` messages, numbered in order."""
    index = 0
    for part in session.workout():
        if isinstance(part, Repeat):
            first = index
            for step in part.steps:
                yield _step_message(index, step)
                index += 1
            yield _repeat_message(index, first, part.count)
        else:
            yield _step_message(index, part)
        index += 1


def serial_number(scenario: str, date: dt.date, session: Session) -> int:
    """A stable, non-zero serial for the file (FIT's uint32z), from the plan's name, the
    date and the slot."""
    return zlib.crc32(f"{scenario}|{date}|{session.slot.value}".encode()) or 1


def workout_bytes(scenario: str, date: dt.date, session: Session) -> bytes:
    """The FIT workout file of ``session`` on ``date`` in the plan named ``scenario``."""
    file_id = FileIdMessage()
    file_id.type = FileType.WORKOUT
    file_id.manufacturer = Manufacturer.DEVELOPMENT.value
    file_id.product = 0
    file_id.serial_number = serial_number(scenario, date, session)
    created = dt.datetime.combine(date, dt.time(0, 0), tzinfo=dt.UTC)
    file_id.time_created = round(created.timestamp() * 1000)
    steps = list(step_messages(session))
    workout = WorkoutMessage()
    workout.workout_name = workout_title(session.kind, session.minutes)
    workout.sport = SPORTS[session.modality]
    workout.sub_sport = sub_sport(session)
    workout.num_valid_steps = len(steps)
    workout.workout_description = _cut(session.description, MAX_DESCRIPTION_BYTES)
    builder = FitFileBuilder(auto_define=True, min_string_size=16)
    builder.add(file_id)
    builder.add(workout)
    builder.add_all(steps)
    data: bytes = builder.build().to_bytes()
    return data


def workout_files(plan: Plan) -> dict[str, bytes]:
    """Every session of ``plan`` as a FIT workout, by file name, in calendar order."""
    return {
        workout_file_name(date, session.slot, session.kind, ".fit"): workout_bytes(
            plan.scenario, date, session
        )
        for date, session in plan.sessions()
    }
