"""FIT workout export: every file read back with Garmin's own decoder (garmin-fit-sdk)
gives the session's steps, durations and targets, step by step."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from garmin_fit_sdk import Decoder, Stream

from conftest import SCENARIOS
from periodize.catalogue import builtin_kinds
from periodize.heart_rate import ZONE_PERCENTS, HeartRate, Zones
from periodize.heuristic import greedy_plan
from periodize.loading import load_scenario
from periodize.plan import Day, Plan, Session, Status
from periodize.steps import Repeat, Step
from periodize.views import fit
from periodize.vocabulary import Slot, Weekday
from periodize.workouts import workout_title

ZONES = HeartRate(max=188, rest=52).zones_bpm()
START = dt.date(2027, 1, 4)


def decode(data: bytes) -> dict[str, list[dict[str, Any]]]:
    """Garmin's decoder over ``data``: its messages; no decoding error allowed."""
    decoder = Decoder(Stream.from_byte_array(bytearray(data)))
    assert decoder.is_fit()
    assert Decoder(Stream.from_byte_array(bytearray(data))).check_integrity()
    messages, errors = decoder.read()
    assert errors == []
    return messages


def _target(step: Step) -> tuple[Any, ...]:
    """What FIT can say of a step's target (module doc of periodize.views.fit)."""
    if step.bpm is not None:
        return ("bpm", *step.bpm)
    if step.zone is not None and step.zone[0] == step.zone[1]:
        return ("zone", step.zone[0])
    if step.zone is not None:
        # the max method's bounds; zone 5's top is 99 % (FIT reads 100 as its bpm offset)
        low, high = ZONE_PERCENTS[step.zone[0] - 1], ZONE_PERCENTS[step.zone[1]]
        return ("percent", low, min(high, 99))
    return ("open",)


def expected_steps(session: Session) -> list[tuple[Any, ...]]:
    """The session's steps as the rows a FIT file should hold, repeats as back-links."""
    rows: list[tuple[Any, ...]] = []
    for part in session.workout():
        if isinstance(part, Repeat):
            first = len(rows)
            rows += [_row(step) for step in part.steps]
            rows.append(("repeat", first, part.count))
        else:
            rows.append(_row(part))
    return rows


def _row(step: Step) -> tuple[Any, ...]:
    intensity = {"steady": "active", "work": "active"}.get(step.type, step.type)
    name = fit.STEP_LABELS[step.type]
    return (name, intensity, float(step.seconds), _target(step))


def decoded_steps(messages: dict[str, list[dict[str, Any]]]) -> list[tuple[Any, ...]]:
    """The workout_step messages Garmin's decoder read, as the rows of `expected_steps`."""
    rows: list[tuple[Any, ...]] = []
    for index, message in enumerate(messages["workout_step_mesgs"]):
        assert message["message_index"] == index
        if message["duration_type"] == "repeat_until_steps_cmplt":
            rows.append(("repeat", message["duration_step"], message["repeat_steps"]))
            continue
        assert message["duration_type"] == "time"
        if message["target_type"] == "open":
            target: tuple[Any, ...] = ("open",)
        elif message.get("custom_target_heart_rate_low") is not None:
            low = message["custom_target_heart_rate_low"]
            high = message["custom_target_heart_rate_high"]
            target = ("bpm", low - 100, high - 100) if low > 100 else ("percent", low, high)
        else:
            assert message["target_type"] == "heart_rate"
            target = ("zone", message["target_hr_zone"])
        rows.append(
            (message["wkt_step_name"], message["intensity"], message["duration_time"], target)
        )
    return rows


def _plan_of(sessions: list[Session]) -> Plan:
    days = tuple(
        Day(
            date=START + dt.timedelta(days=i),
            weekday=Weekday.of(START + dt.timedelta(days=i)),
            sessions=(session,),
        )
        for i, session in enumerate(sessions)
    )
    return Plan(scenario="every kind", status=Status.FEASIBLE, days=days)


@pytest.mark.parametrize("zones", [ZONES, None], ids=["bpm", "zones"])
def test_every_kind_reads_back_step_by_step(zones: Zones | None) -> None:
    sessions = [
        Session.of(kind, Slot.PM, sum(kind.minutes) // 2, zones)
        for kind in sorted(builtin_kinds().values(), key=lambda kind: kind.id)
    ]
    plan = _plan_of(sessions)
    files = fit.workout_files(plan)
    assert len(files) == len(sessions)
    for (date, session), (name, data) in zip(plan.sessions(), files.items(), strict=True):
        assert name == f"{date}-pm-{session.kind}.fit"
        messages = decode(data)
        assert messages["file_id_mesgs"][0]["type"] == "workout"
        workout = messages["workout_mesgs"][0]
        assert workout["wkt_name"] == workout_title(session.kind, session.minutes)
        assert workout["num_valid_steps"] == len(messages["workout_step_mesgs"])
        assert decoded_steps(messages) == expected_steps(session), session.kind
        seconds = _seconds(messages["workout_step_mesgs"])
        assert seconds == session.minutes * 60


def _seconds(steps: list[dict[str, Any]]) -> float:
    """A workout's length from its FIT steps: repeats run their block ``count`` times."""
    total = 0.0
    lengths: list[float] = []
    for index, message in enumerate(steps):
        if message["duration_type"] == "repeat_until_steps_cmplt":
            block = sum(lengths[message["duration_step"] : index])
            total += block * (message["repeat_steps"] - 1)
            lengths.append(0.0)
        else:
            lengths.append(message["duration_time"])
            total += message["duration_time"]
    return total


@pytest.mark.parametrize(
    ("kind", "sport", "sub_sport"),
    [
        ("road_easy", "running", "street"),
        ("track_intervals", "running", "track"),
        ("trail_long", "running", "trail"),
        ("hill_repeats", "running", "trail"),
        ("hike_long", "hiking", "generic"),
        ("bike_easy", "cycling", "generic"),
        ("swim_easy", "swimming", "lap_swimming"),
        ("gym_strength", "training", "strength_training"),
    ],
)
def test_sport_and_sub_sport_of_the_session(kind: str, sport: str, sub_sport: str) -> None:
    session = Session.of(builtin_kinds()[kind], Slot.AM, builtin_kinds()[kind].minutes[0])
    workout = decode(fit.workout_bytes("x", START, session))["workout_mesgs"][0]
    assert (workout["sport"], workout["sub_sport"]) == (sport, sub_sport)


def test_a_shipped_plan_exports_byte_for_byte_the_same() -> None:
    scenario = load_scenario(SCENARIOS / "dolomites-50k-intermediate.yaml")
    plan = greedy_plan(scenario)
    first, second = fit.workout_files(plan), fit.workout_files(plan)
    assert first == second
    assert len(first) == len(plan.sessions())
    race_day = [name for name in first if name.endswith("-race.fit")]
    assert race_day == [f"{scenario.race.date}-am-race.fit"] if scenario.race else not race_day


def test_a_bpm_target_is_the_athletes_zone() -> None:
    # road_easy 40 min, max 188 and rest 52: zone 2 is 134-147 bpm (reserve method),
    # written as 234-247 (FIT's bpm + 100).
    session = Session.of(builtin_kinds()["road_easy"], Slot.AM, 40, ZONES)
    steps = decode(fit.workout_bytes("x", START, session))["workout_step_mesgs"]
    steady = next(s for s in steps if s["wkt_step_name"] == "Steady")
    assert (steady["custom_target_heart_rate_low"], steady["custom_target_heart_rate_high"]) == (
        234,
        247,
    )
