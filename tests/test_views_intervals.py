"""intervals.icu workout text: the format's lines, and durations that read back exactly
(per session and from the calendar-ordered bundle); the CLI's workout exports."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from garmin_fit_sdk import Decoder, Stream
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SCENARIOS, CliResult
from periodize.catalogue import builtin_kinds
from periodize.heuristic import greedy_plan
from periodize.loading import load_scenario
from periodize.plan import Plan, Session
from periodize.steps import Repeat
from periodize.views import intervals
from periodize.vocabulary import Slot
from periodize.workouts import workout_title

KINDS = sorted(builtin_kinds().values(), key=lambda kind: kind.id)
DOLOMITES = SCENARIOS / "dolomites-50k-intermediate.yaml"


def _durations(session: Session) -> list[tuple[int, tuple[int, ...]]]:
    return [
        (part.count, tuple(s.seconds for s in part.steps))
        if isinstance(part, Repeat)
        else (1, (part.seconds,))
        for part in session.workout()
    ]


def test_road_intervals_in_the_builders_format() -> None:
    session = Session.of(builtin_kinds()["road_intervals"], Slot.PM, 50)
    assert intervals.render_session(session) == (
        "Warm-up\n- 5m Z1-Z2 HR\n\n"
        "Main set 6x\n- Work 3m20s Z4-Z5 HR\n- Recovery 3m20s Z1-Z2 HR\n\n"
        "Cool-down\n- 5m Z1 HR\n"
    )


def test_rpe_only_steps_have_no_target() -> None:
    session = Session.of(builtin_kinds()["gym_strength"], Slot.PM, 45)
    text = intervals.render_session(session)
    assert "Work at RPE 6\n- 31m\n" in text
    assert "HR" not in text


@settings(max_examples=300)
@given(st.sampled_from(KINDS), st.integers(1, 1440))
def test_durations_round_trip(kind: object, minutes: int) -> None:
    session = Session.of(kind, Slot.AM, minutes)  # type: ignore[arg-type]
    parsed = intervals.parse_durations(intervals.render_session(session))
    assert parsed == _durations(session)
    assert sum(count * sum(steps) for count, steps in parsed) == minutes * 60


@pytest.mark.parametrize(
    ("token", "seconds"),
    [("10m", 600), ("3m20s", 200), ("1h5m", 3900), ("45s", 45), ("2h", 7200), ("Z2", None)],
)
def test_duration_tokens(token: str, seconds: int | None) -> None:
    assert intervals.parse_seconds(token) == seconds


def test_a_step_without_duration_is_an_error() -> None:
    with pytest.raises(ValueError, match="no duration"):
        intervals.parse_durations("Warm-up\n- Z2 HR\n")


@pytest.fixture(scope="module")
def plan() -> Plan:
    """The greedy plan of the Dolomites scenario: every session of a real season."""
    return greedy_plan(load_scenario(DOLOMITES))


def test_the_bundle_is_in_calendar_order_and_reads_back(plan: Plan) -> None:
    bundle = intervals.render_bundle(plan)
    workouts = intervals.split_bundle(bundle)
    headings = [
        f"{date} {s.slot.value} · {workout_title(s.kind, s.minutes)}" for date, s in plan.sessions()
    ]
    assert list(workouts) == headings
    for (_, session), text in zip(plan.sessions(), workouts.values(), strict=True):
        assert intervals.parse_durations(text) == _durations(session)


# ---------------------------------------------------------------------------- CLI


@pytest.fixture
def planned_cli(
    monkeypatch: pytest.MonkeyPatch, plan: Plan, run_cli: Callable[..., CliResult]
) -> Callable[..., CliResult]:
    """``periodize`` with the solve replaced by the greedy plan (no CP-SAT here)."""
    monkeypatch.setattr("periodize.cli.solve_scenario", lambda *args, **kwargs: plan)
    return run_cli


def test_cli_writes_a_fit_file_per_session(
    planned_cli: Callable[..., CliResult], plan: Plan, tmp_path: Path
) -> None:
    folder = tmp_path / "watch"
    stale = folder / "2000-01-03-am-road_easy.fit"
    other = folder / "notes.fit"
    folder.mkdir()
    stale.write_bytes(b"old export")
    other.write_bytes(b"not ours")
    result = planned_cli("solve", str(DOLOMITES), "--format", "fit", "-o", str(folder))
    assert result.exit_code == 0, result.stderr
    written = sorted(p.name for p in folder.iterdir())
    expected = sorted(f"{d}-{s.slot.value}-{s.kind}.fit" for d, s in plan.sessions())
    assert written == sorted([*expected, "notes.fit"])  # the stale export is gone, notes kept
    first = folder / expected[0]
    assert Decoder(Stream.from_file(str(first))).check_integrity()
    assert f"{folder}: {len(expected)} fit workout files" in result.stderr


def test_cli_intervals_to_a_folder_a_file_or_stdout(
    planned_cli: Callable[..., CliResult], plan: Plan, tmp_path: Path
) -> None:
    folder = tmp_path / "icu"
    result = planned_cli("solve", str(DOLOMITES), "--format", "intervals", "-o", f"{folder}/")
    assert result.exit_code == 0, result.stderr
    assert len(list(folder.glob("*.txt"))) == len(plan.sessions())
    bundle = tmp_path / "workouts.intervals.txt"
    result = planned_cli("solve", str(DOLOMITES), "--format", "intervals", "-o", str(bundle))
    assert result.exit_code == 0, result.stderr
    assert bundle.read_text(encoding="utf-8") == intervals.render_bundle(plan)
    result = planned_cli("solve", str(DOLOMITES), "--format", "intervals")
    assert result.stdout == intervals.render_bundle(plan)


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (("--format", "fit"), "writes a file per session, not one stdout: give a folder"),
        (("--format", "md", "-o", "{tmp}"), "is a folder; --format md writes one file"),
        (("--format", "fit", "-o", "{tmp}/plan.md"), "names a md file"),
        (("-o", "{tmp}/"), "a folder takes a workout format: --format fit or intervals"),
        (("-o", "{tmp}/watch.fit"), "writes a file per session, not one -o"),
    ],
)
def test_cli_output_mistakes_are_caught_before_solving(
    run_cli: Callable[..., CliResult], tmp_path: Path, args: tuple[str, ...], problem: str
) -> None:
    (tmp_path / "plan.md").write_text("x", encoding="utf-8")
    filled = [arg.format(tmp=tmp_path) for arg in args]
    result = run_cli("solve", str(DOLOMITES), *filled, "--time-limit", "0.1")
    assert result.exit_code == 2
    assert problem in result.stderr


def test_without_the_fit_extra_the_message_says_how_to_install(
    planned_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "fit_tool", None)
    monkeypatch.setitem(sys.modules, "fit_tool.fit_file_builder", None)
    monkeypatch.delitem(sys.modules, "periodize.views.fit", raising=False)
    result = planned_cli("solve", str(DOLOMITES), "--format", "fit", "-o", str(tmp_path))
    assert result.exit_code == 2
    assert "pip install 'periodize[fit]'" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_workouts_are_dated_by_the_plan(plan: Plan) -> None:
    assert plan.days[0].date == load_scenario(DOLOMITES).start
    assert all(isinstance(date, dt.date) for date, _ in plan.sessions())
