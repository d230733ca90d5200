"""``periodize batch --format fit|intervals``: each solved scenario gets its workout files,
one a session, in OUT/NAME/workouts/; a later run without them removes them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from garmin_fit_sdk import Decoder, Stream

from conftest import CliResult
from periodize.loading import load_plan

pytestmark = pytest.mark.slow  # solves, servers or processes: `make test-fast` skips the module

SCENARIO = """\
name: Batch workouts
start: 2027-01-04
weeks: 1
athlete: {level: beginner, weekly_minutes: 200, long_minutes: 60, hr: {max: 190}}
availability: {tue: {pm: 60}, thu: {pm: 60}, sat: {am: 120}}
terrain: {road: all, trail: [sat]}
"""
SOLVE = ("--time-limit", "1", "--workers", "1", "--jobs", "1", "--quiet")


def test_batch_writes_workouts_per_session(
    run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "week.yaml").write_text(SCENARIO, encoding="utf-8")
    out = tmp_path / "out"
    args = ("batch", str(folder), "-o", str(out), *SOLVE)
    result = run_cli(*args, "--format", "fit", "--format", "intervals")
    assert result.exit_code == 0, result.stderr
    plan = load_plan(out / "week" / "plan.json")
    names = {f"{date}-{s.slot.value}-{s.kind}" for date, s in plan.sessions()}
    assert names
    workouts = out / "week" / "workouts"
    assert {p.stem for p in workouts.glob("*.fit")} == names
    assert {p.stem for p in workouts.glob("*.txt")} == names
    for path in workouts.glob("*.fit"):
        messages, errors = Decoder(Stream.from_file(str(path))).read()
        assert errors == []
        assert messages["file_id_mesgs"][0]["type"] == "workout"
    result = run_cli(*args, "--format", "intervals")
    assert result.exit_code == 0, result.stderr
    assert not list(workouts.glob("*.fit"))
    assert {p.stem for p in workouts.glob("*.txt")} == names
