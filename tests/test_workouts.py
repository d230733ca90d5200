"""Structured sessions: steps that add up to the session exactly, for every kind and any
minutes, built-in shapes and scenario templates alike."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from conftest import SCENARIOS
from periodize.catalogue import builtin_kinds
from periodize.heart_rate import HeartRate
from periodize.heuristic import greedy_plan
from periodize.loading import InputError, load_scenario, scenario_from_text
from periodize.plan import Plan, Session
from periodize.steps import Repeat, RepeatSpec, Step, StepSpec, flat_steps, total_seconds
from periodize.views import html, ics, markdown
from periodize.vocabulary import Modality, Slot
from periodize.workouts import (
    KindFacts,
    fit_template,
    session_steps,
    workout_lines,
    workout_text,
    zone_for_rpe,
)

KINDS = sorted(builtin_kinds().values(), key=lambda kind: kind.id)
ZONES = HeartRate(max=188, rest=52).zones_bpm()


def _work_seconds(steps: tuple[Step | Repeat, ...]) -> int:
    return sum(step.seconds for step in flat_steps(steps) if step.type == "work")


@settings(max_examples=400)
@given(st.sampled_from(KINDS), st.integers(1, 1440))
def test_builtin_steps_add_up_to_the_session(kind: Any, minutes: int) -> None:
    steps = session_steps(KindFacts.of(kind), minutes)
    assert total_seconds(steps) == minutes * 60
    assert all(step.seconds >= 1 for step in flat_steps(steps))


@settings(max_examples=400)
@given(st.sampled_from([k for k in KINDS if k.work_share > 0 and not k.is_race]), st.data())
def test_work_steps_are_the_sessions_hard_minutes(kind: Any, data: st.DataObject) -> None:
    minutes = data.draw(st.integers(*kind.minutes))
    steps = session_steps(KindFacts.of(kind), minutes)
    assert _work_seconds(steps) == kind.hard_minutes(minutes) * 60


@settings(max_examples=400)
@given(
    st.builds(
        KindFacts,
        kind=st.sampled_from(["custom", "road_intervals", "hill_repeats"]),
        modality=st.sampled_from(list(Modality)),
        rpe=st.integers(1, 10),
        work_share_pct=st.integers(0, 100),
        description=st.sampled_from(["Custom kind", "Hard at HR zone 4-5", "HR zone 2"]),
    ),
    st.integers(1, 1440),
)
def test_any_kinds_derived_steps_add_up(facts: KindFacts, minutes: int) -> None:
    """A scenario's own kind without a template: steps from its facts, whatever they are."""
    steps = session_steps(facts, minutes, ZONES)
    assert total_seconds(steps) == minutes * 60
    assert all(step.seconds >= 1 for step in flat_steps(steps))
    if facts.modality not in (Modality.RACE, Modality.STRENGTH):
        assert _work_seconds(steps) == minutes * facts.work_share_pct // 100 * 60


def test_a_50_minute_tempo_is_not_a_45_minute_one() -> None:
    tempo = KindFacts.of(builtin_kinds()["road_tempo"])
    # work_share 0.6: 30 and 27 minutes of work; warm-up and cool-down share the rest.
    assert workout_text(session_steps(tempo, 50)) == (
        "Warm-up 10m Z1-Z2 · Work 30m Z3-Z4 · Cool-down 10m Z1"
    )
    forty_five = session_steps(tempo, 45)
    assert total_seconds(forty_five) == 45 * 60
    assert _work_seconds(forty_five) == 27 * 60


def test_road_intervals_are_equal_efforts_and_jogs() -> None:
    # 50 min, work_share 0.4: 20 min of efforts; 3.5 min aimed at -> 6 x 3m20s (200 s,
    # closer than 5 x 4m), equal jogs; warm-up and cool-down share the 10 min left.
    steps = session_steps(KindFacts.of(builtin_kinds()["road_intervals"]), 50)
    assert workout_text(steps) == (
        "Warm-up 5m Z1-Z2 · 6x (Work 3m20s Z4-Z5 + Recovery 3m20s Z1-Z2) · Cool-down 5m Z1"
    )


def test_targets_carry_bpm_when_zones_are_known() -> None:
    steps = session_steps(KindFacts.of(builtin_kinds()["road_easy"]), 40, ZONES)
    main = next(step for step in flat_steps(steps) if step.type == "steady")
    assert main.zone == (2, 2)
    assert main.bpm == (134, 147)


def test_strength_and_race_have_rpe_targets() -> None:
    gym = session_steps(KindFacts.of(builtin_kinds()["gym_strength"]), 45, ZONES)
    assert all(s.zone is None and s.rpe is not None for s in flat_steps(gym))
    race = session_steps(KindFacts.of(builtin_kinds()["race"]), 300, ZONES)
    assert race == (Step(type="steady", seconds=18_000, rpe=9),)


def test_zone_follows_the_description_else_the_rpe() -> None:
    hike = KindFacts.of(builtin_kinds()["hike_easy"])  # "HR zone 1-2"
    steady = [s for s in flat_steps(session_steps(hike, 60)) if s.type == "steady"]
    assert steady[0].zone == (1, 2)
    assert zone_for_rpe(6) == (3, 3)  # trail_loaded names no zone
    loaded = KindFacts.of(builtin_kinds()["trail_loaded"])
    assert {s.zone for s in flat_steps(session_steps(loaded, 90)) if s.type == "steady"} == {(3, 3)}


step_specs = st.builds(
    StepSpec,
    type=st.sampled_from(["warmup", "steady", "work", "recovery", "cooldown"]),
    minutes=st.one_of(st.none(), st.floats(0.1, 90)),
    zone=st.just(2),
)
sized_specs = st.one_of(
    st.builds(StepSpec, type=st.just("work"), minutes=st.floats(0.1, 10), zone=st.just(4)),
    st.builds(StepSpec, type=st.just("recovery"), share=st.floats(0.01, 0.2), rpe=st.just(3)),
)
templates = st.lists(
    st.one_of(
        step_specs,
        st.builds(
            RepeatSpec,
            type=st.just("repeat"),
            count=st.integers(1, 20),
            steps=st.lists(sized_specs, min_size=1, max_size=3).map(tuple),
        ),
    ),
    min_size=1,
    max_size=6,
).filter(lambda parts: any(isinstance(p, StepSpec) for p in parts))


@pytest.mark.slow
@settings(max_examples=500)
@given(templates, st.integers(1, 1440))
def test_any_template_fits_any_session_exactly(
    template: list[StepSpec | RepeatSpec], minutes: int
) -> None:
    steps = fit_template(template, minutes * 60)
    assert total_seconds(steps) == minutes * 60
    assert all(step.seconds >= 1 for step in flat_steps(steps))
    assert all(isinstance(part, Step | Repeat) for part in steps)


def test_fixed_minutes_are_kept_and_the_rest_shared() -> None:
    template = (
        StepSpec(type="warmup", minutes=10, zone=1),
        RepeatSpec(
            type="repeat",
            count=4,
            steps=(
                StepSpec(type="work", minutes=4, zone=4),
                StepSpec(type="recovery", minutes=2, zone=2),
            ),
        ),
        StepSpec(type="steady", zone=2),
        StepSpec(type="cooldown", zone=1),
    )
    # 60 min: 10 + 4 x 6 = 34 fixed; the two flexible steps share 26: 13 and 13.
    steps = fit_template(template, 3600)
    assert [p.seconds for p in steps] == [600, 1440, 780, 780]


def test_a_template_too_long_for_the_session_shrinks_to_fit() -> None:
    template = (
        StepSpec(type="warmup", minutes=20, zone=1),
        StepSpec(type="work", minutes=20, zone=4),
    )
    # 30 min for 40 of fixed steps: both scaled by 3/4, 15 and 15.
    assert [p.seconds for p in fit_template(template, 1800)] == [900, 900]


SCENARIO = """
name: custom steps
start: 2027-01-04
weeks: 2
athlete: {level: intermediate, weekly_minutes: 200, long_minutes: 60,
          hr: {max: 188, rest: 52}}
availability: {tue: {pm: 60}, sat: {am: 90}}
terrain: {road: all}
sessions:
  - id: fartlek
    modality: run
    terrain: road
    intensity: hard
    rpe: 7
    minutes: [30, 60]
    work_share: 0.3
    hard: true
    systems: {cardiopulmonary: 3}
    description: Fartlek
    steps:
      - {type: warmup, minutes: 10, zone: 1}
      - type: repeat
        count: 6
        steps:
          - {type: work, minutes: 1, zone: [4, 5]}
          - {type: recovery, minutes: 2, zone: 2}
      - {type: cooldown, zone: 1}
"""


def test_a_scenario_kind_brings_its_own_steps() -> None:
    scenario = scenario_from_text(SCENARIO)
    session = Session.of(scenario.catalogue["fartlek"], Slot.PM, 45, scenario.athlete.zones)
    assert workout_text(session.steps) == (
        "Warm-up 10m Z1 (120-134 bpm) · 6x (Work 1m Z4-Z5 (161-188 bpm) + Recovery 2m Z2 "
        "(134-147 bpm)) · Cool-down 17m Z1 (120-134 bpm)"
    )


@pytest.mark.parametrize(
    ("steps", "problem"),
    [
        ("[{type: repeat, count: 3, steps: [{type: work, minutes: 1, zone: 4}]}]", "outside"),
        (
            "[{type: warmup, zone: 1}, {type: repeat, count: 3, steps: [{type: work, zone: 4}]}]",
            "needs minutes or share",
        ),
        ("[{type: warmup, minutes: 5, share: 0.1, zone: 1}]", "not both"),
        ("[{type: warmup, minutes: 5}]", "give a target"),
        ("[{type: warmup, minutes: 5, zone: [3, 2]}]", "lower zone comes first"),
        ("[{type: sprint, minutes: 5, zone: 5}]", "sprint"),
    ],
)
def test_bad_templates_are_input_errors(steps: str, problem: str) -> None:
    text = SCENARIO.split("    steps:")[0] + f"    steps: {steps}\n"
    with pytest.raises(InputError, match=problem):
        scenario_from_text(text)


def test_plan_json_carries_the_steps() -> None:
    kind = builtin_kinds()["road_intervals"]
    session = Session.of(kind, Slot.PM, 50, ZONES)
    plan = Plan(scenario="x", status="feasible")
    assert plan.status.value == "feasible"
    again = Session.model_validate_json(session.model_dump_json())
    assert again == session
    assert again.workout() == session.steps


def test_a_session_without_steps_gets_its_kinds() -> None:
    session = Session.of(builtin_kinds()["road_tempo"], Slot.AM, 50)
    bare = session.model_copy(update={"steps": ()})
    assert bare.workout() == session.steps


def test_step_models_reject_bad_values() -> None:
    with pytest.raises(ValidationError):
        Step(type="work", seconds=0, zone=(2, 2))
    with pytest.raises(ValidationError):
        Repeat(count=0, steps=(Step(type="work", seconds=60, rpe=5),))


def test_the_views_show_each_sessions_steps() -> None:
    scenario = load_scenario(SCENARIOS / "dolomites-50k-intermediate.yaml")
    plan = greedy_plan(scenario)
    hard = next(s for _, s in plan.sessions() if any(isinstance(p, Repeat) for p in s.steps))
    lines = workout_lines(hard.steps)
    assert f"Steps: {' · '.join(lines)}." in markdown.render(scenario, plan)
    calendar = ics.render(scenario, plan).replace("\r\n ", "")
    assert "\\n".join(f"- {line}" for line in lines) in calendar
    page = html.render(scenario, plan)
    assert "".join(f"<li>{line}</li>" for line in lines) in page
