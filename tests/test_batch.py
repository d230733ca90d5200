"""``periodize batch``: many scenarios on the local process pool and on a real Dask
LocalCluster (worker processes on loopback), with a bad file, an infeasible scenario and
a worker killed mid-batch; resume; outputs that never look complete half-written;
worker-count advice.

Every scenario is one week long and solved in a second with one CP-SAT worker. The
worker kill is real: the test-only hook `CRASH_ONCE_ENV` makes the first solve of one
scenario SIGKILL its own process, so the pool breaks (or the Dask nanny restarts the
worker) and the retry path runs.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import SCENARIOS, CliResult
from periodize.batch.command import choose_parallelism
from periodize.batch.jobs import CRASH_ONCE_ENV, Job, Outcome, Verdict, usable_cores
from periodize.batch.outputs import RECORD_FILE, completed_outcome, write_outcome
from periodize.check import check
from periodize.loading import load_plan, scenario_from_text
from periodize.plan import Status

RunCli = Callable[..., CliResult]

SMALL = """\
name: Batch probe {index}
start: 2027-01-04
weeks: 1
athlete: {{level: beginner, weekly_minutes: {minutes}, long_minutes: 60}}
availability: {{tue: {{pm: 60}}, thu: {{pm: 60}}, sat: {{am: 120}}}}
terrain: {{road: all, trail: [sat]}}
"""
"""One week, three open slots: solved (feasible or optimal) within a second."""

STRICT = SMALL.format(index="strict", minutes=200) + "rules: {recipes: strict}\n"
"""Strict recipes: H08 wants 2 hikes and only sat's one slot has trail: infeasible."""

BAD = SMALL.format(index="bad", minutes=200) + "colour: blue\n"
"""An unknown key: an input error."""

GOOD = ("alpha", "bravo", "crash", "delta")
"""The scenarios that must get a plan; ``crash`` kills its worker on its first solve."""

SOLVE = ("--time-limit", "1", "--workers", "1", "--quiet")


def write_scenarios(folder: Path) -> Path:
    """Four good scenarios, a bad one and an infeasible one in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for index, name in enumerate(GOOD):
        text = SMALL.format(index=name, minutes=180 + 10 * index)
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    (folder / "bad.yaml").write_text(BAD, encoding="utf-8")
    (folder / "strict.yaml").write_text(STRICT, encoding="utf-8")
    return folder


def summary_rows(out: Path) -> list[dict[str, str]]:
    with (out / "summary.csv").open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def assert_complete_batch(folder: Path, out: Path, result: CliResult) -> list[dict[str, str]]:
    """Every good scenario has a checked plan and its views; the bad one its error and no
    output; the infeasible one its explanation; one summary row per scenario."""
    # the infeasible scenario (3) outranks the bad file (2)
    assert result.exit_code == 3, result.stderr
    assert "Traceback" not in result.stderr
    rows = summary_rows(out)
    assert [row["scenario"] for row in rows] == [
        "alpha",
        "bad",
        "bravo",
        "crash",
        "delta",
        "strict",
    ]
    by_name = {row["scenario"]: row for row in rows}
    for name in GOOD:
        assert by_name[name]["status"] in ("optimal", "feasible"), by_name[name]
        scenario = scenario_from_text((folder / f"{name}.yaml").read_text(encoding="utf-8"))
        plan = load_plan(out / name / "plan.json")
        assert plan.scenario == f"Batch probe {name}"
        assert plan.has_plan
        assert check(scenario, plan) == []
        assert (out / name / "plan.md").read_text(encoding="utf-8").startswith("#")
        assert (out / name / RECORD_FILE).is_file()
        assert by_name[name]["objective"] == str(plan.stats.objective)
        assert by_name[name]["worker"]
    assert by_name["bad"]["status"] == "error"
    assert "colour" in by_name["bad"]["message"]
    assert "unknown key 'colour'" in result.stderr  # the loader's one-liner, as it is
    assert not (out / "bad").exists()
    assert by_name["strict"]["status"] == "infeasible"
    assert "H08" in by_name["strict"]["message"]
    strict = load_plan(out / "strict" / "plan.json")
    assert strict.status is Status.INFEASIBLE
    assert any("H08" in conflict.rules for conflict in strict.conflicts)
    assert not (out / "strict" / "plan.md").exists()  # no views without a plan
    # no temporary file left behind anywhere
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    return rows


@pytest.fixture
def crash_marker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Arm the test-only hook: the first solve of ``crash`` kills its worker process."""
    marker = tmp_path / "crashed-once"
    monkeypatch.setenv(CRASH_ONCE_ENV, f"crash:{marker}")
    return marker


# ----- the local process pool ----------------------------------------------------------


@pytest.mark.slow
def test_local_pool_survives_bad_infeasible_and_a_killed_worker(
    run_cli: RunCli, tmp_path: Path, crash_marker: Path
) -> None:
    folder = write_scenarios(tmp_path / "scenarios")
    out = tmp_path / "out"
    result = run_cli("batch", str(folder), "-o", str(out), "--jobs", "2", "--format", "md", *SOLVE)
    assert crash_marker.exists()  # the worker really was killed once
    rows = assert_complete_batch(folder, out, result)
    by_name = {row["scenario"]: row for row in rows}
    # the killed scenario's second attempt solved it; a first attempt always solves
    # the others, unless they shared the pool that broke (then they got a second)
    assert by_name["crash"]["attempts"] == "2"
    assert all(by_name[name]["attempts"] in ("1", "2") for name in GOOD)


def test_retries_are_bounded(run_cli: RunCli, tmp_path: Path, crash_marker: Path) -> None:
    """With --retries 0 the killed scenario ends as crashed (exit 5); the rest solve."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    for name in ("alpha", "crash"):
        (folder / f"{name}.yaml").write_text(SMALL.format(index=name, minutes=200), "utf-8")
    out = tmp_path / "out"
    result = run_cli("batch", str(folder), "-o", str(out), "--jobs", "1", "--retries", "0", *SOLVE)
    assert result.exit_code == 5, result.stderr
    by_name = {row["scenario"]: row for row in summary_rows(out)}
    assert by_name["crash"]["status"] == "crashed"
    assert by_name["crash"]["attempts"] == "1"
    assert not (out / "crash" / "plan.json").exists()
    assert by_name["alpha"]["status"] in ("optimal", "feasible")
    assert load_plan(out / "alpha" / "plan.json").has_plan


# ----- a Dask cluster ------------------------------------------------------------------


@pytest.mark.slow
def test_dask_cluster_survives_bad_infeasible_and_a_killed_worker(
    run_cli: RunCli, tmp_path: Path, crash_marker: Path
) -> None:
    """A real LocalCluster: two worker processes on loopback under nannies; the batch
    connects to its scheduler with --scheduler. The killed worker's task is rescheduled
    on the other worker (the nanny restarts the dead one)."""
    from distributed import LocalCluster

    folder = write_scenarios(tmp_path / "scenarios")
    out = tmp_path / "out"
    with LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        address = cluster.scheduler_address
        result = run_cli(
            "batch", str(folder), "-o", str(out), "--scheduler", address, "--format", "md", *SOLVE
        )
    assert address.startswith("tcp://127.0.0.1:")
    assert crash_marker.exists()  # the worker really was killed once
    rows = assert_complete_batch(folder, out, result)
    assert all(row["worker"].startswith("127.0.0.1:") for row in rows)  # Dask workers


@pytest.mark.slow
def test_local_cluster_option_bounds_retries(
    run_cli: RunCli, tmp_path: Path, crash_marker: Path
) -> None:
    """--local-cluster starts its own LocalCluster (worker processes on loopback) whose
    scheduler allows --retries dead workers per task: with 0, the scenario that kills its
    worker ends as crashed (exit 5, the highest code here); the others are unaffected."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    for name in ("alpha", "crash"):
        (folder / f"{name}.yaml").write_text(SMALL.format(index=name, minutes=200), "utf-8")
    (folder / "strict.yaml").write_text(STRICT, encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli(
        "batch", str(folder), "-o", str(out), "--local-cluster", "-j", "2", "--retries", "0",
        *SOLVE,
    )  # fmt: skip
    assert result.exit_code == 5, result.stderr
    assert crash_marker.exists()
    rows = summary_rows(out)
    assert [(row["scenario"], row["status"]) for row in rows][1:] == [
        ("crash", "crashed"),
        ("strict", "infeasible"),
    ]
    assert rows[0]["status"] in ("optimal", "feasible")
    assert rows[0]["worker"].startswith("127.0.0.1:")
    assert load_plan(out / "alpha" / "plan.json").has_plan
    assert not (out / "crash").exists()
    assert "crash.yaml: crashed: its worker died" in result.stderr


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.slow
def test_ctrl_c_keeps_what_is_done_and_resume_finishes(tmp_path: Path) -> None:
    """Ctrl-C (SIGINT to the batch's process group) mid-batch: exit 130, the finished
    scenarios are complete and in the summary, nothing else looks complete. --resume
    then keeps those untouched, solves again the one whose file changed meanwhile and
    solves the rest: every scenario ends with exactly one plan."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    for name in ("alpha", "bravo"):
        (folder / f"{name}.yaml").write_text(SMALL.format(index=name, minutes=200), "utf-8")
    (folder / "strict.yaml").write_text(STRICT, encoding="utf-8")
    # a 52-week scenario last: its week-by-week construction alone takes many seconds, so
    # the interrupt finds it running even when this process is slow to see alpha finish
    shutil.copy(SCENARIOS / "full-season-trail-70k.yaml", folder / "zulu.yaml")
    out = tmp_path / "out"
    command = [sys.executable, "-c", "from periodize.cli import main; main()", "batch"]
    command += [str(folder), "-o", str(out), "--jobs", "1", *SOLVE]
    # Ctrl-C's usual meaning in the child even when this run inherited SIGINT ignored (a
    # shell starts background jobs so, and Python then never raises KeyboardInterrupt).
    batch = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, start_new_session=True,
                             preexec_fn=_default_sigint)  # fmt: skip
    try:
        for _ in range(1200):  # until alpha is complete (at most two minutes)
            if (out / "alpha" / RECORD_FILE).exists() or batch.poll() is not None:
                break
            time.sleep(0.1)
        assert batch.poll() is None, batch.communicate()
        os.killpg(batch.pid, signal.SIGINT)
        _, stderr = batch.communicate(timeout=120)
    finally:
        if batch.poll() is None:
            os.killpg(batch.pid, signal.SIGKILL)
    assert batch.returncode == 130, stderr
    assert "run again with --resume" in stderr
    assert "Traceback" not in stderr
    done = {row["scenario"] for row in summary_rows(out)}
    assert "alpha" in done
    assert "zulu" not in done
    for name in ("alpha", "bravo", "strict", "zulu"):
        assert (out / name / RECORD_FILE).exists() == (name in done)
    kept = {name: (out / name / "plan.json").stat().st_mtime_ns for name in done - {"alpha"}}
    changed = SMALL.format(index="alpha changed", minutes=210)
    (folder / "alpha.yaml").write_text(changed, encoding="utf-8")

    resumed = subprocess.run(
        [*command, "--resume"], capture_output=True, text=True, check=False, timeout=300
    )
    assert resumed.returncode in (3, 4), resumed.stderr  # 4 if zulu gets no plan in 1 s
    rows = summary_rows(out)
    assert [row["scenario"] for row in rows] == ["alpha", "bravo", "strict", "zulu"]
    for row in rows:
        assert row["message"].startswith("kept from an earlier run") == (row["scenario"] in kept)
    for name, mtime in kept.items():
        assert (out / name / "plan.json").stat().st_mtime_ns == mtime
    assert load_plan(out / "alpha" / "plan.json").scenario == "Batch probe alpha changed"
    assert load_plan(out / "zulu" / "plan.json").scenario == "Full season to a 70K mountain race"
    assert all((out / row["scenario"] / RECORD_FILE).is_file() for row in rows)


# ----- outputs -------------------------------------------------------------------------


def test_a_write_interrupted_before_the_record_is_not_complete(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The record goes last: if writing stops at the plan JSON, resume solves again."""
    import periodize.batch.outputs

    job = Job("x.yaml", "x", "name: x\n")
    outcome = Outcome(
        "x",
        "x.yaml",
        Verdict.FEASIBLE,
        objective=1,
        files={"plan.md": "# x\n", "plan.json": "{}\n"},
    )
    write_outcome(tmp_path, outcome, job.digest)
    assert completed_outcome(tmp_path, job, ["md"]) is not None
    assert completed_outcome(tmp_path, job, ["md", "html"]) is None  # a view missing
    assert completed_outcome(tmp_path, Job("x.yaml", "x", "name: y\n"), ["md"]) is None

    real = periodize.batch.outputs.write_atomically

    def failing(path: Path, text: str | bytes) -> None:
        if path.name == "plan.json":
            raise OSError("disk full")
        real(path, text)

    monkeypatch.setattr(periodize.batch.outputs, "write_atomically", failing)
    with pytest.raises(OSError, match="disk full"):
        write_outcome(tmp_path, outcome, job.digest)
    assert not (tmp_path / "x" / RECORD_FILE).exists()
    assert completed_outcome(tmp_path, job, ["md"]) is None


def test_unknown_outcomes_are_solved_again_on_resume(tmp_path: Path) -> None:
    job = Job("x.yaml", "x", "name: x\n")
    outcome = Outcome("x", "x.yaml", Verdict.UNKNOWN, files={"plan.json": "{}\n"})
    write_outcome(tmp_path, outcome, job.digest)
    assert json.loads((tmp_path / "x" / RECORD_FILE).read_text("utf-8"))["status"] == "unknown"
    assert completed_outcome(tmp_path, job, []) is None


# ----- the command line ----------------------------------------------------------------


def test_missing_file_duplicate_names_and_empty_glob(run_cli: RunCli, tmp_path: Path) -> None:
    """Exit 2 for input problems; an oversubscribed --jobs warns on stderr."""
    out = tmp_path / "out"
    jobs = str(usable_cores() + 1)
    missing = run_cli("batch", str(tmp_path / "nowhere.yaml"), "-o", str(out), "-j", jobs, *SOLVE)
    assert missing.exit_code == 2
    assert "nowhere.yaml: no such file" in missing.stderr
    assert "warning:" in missing.stderr
    assert "cores" in missing.stderr
    assert summary_rows(out)[0]["status"] == "error"

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for sub in ("a", "b"):
        (tmp_path / sub / "same.yaml").write_text(STRICT, encoding="utf-8")
    twice = run_cli("batch", str(tmp_path / "a"), str(tmp_path / "b"), "-o", str(out), *SOLVE)
    assert twice.exit_code == 2
    assert "would both write to same/" in twice.stderr

    empty = run_cli("batch", str(tmp_path / "*.nothing"), "-o", str(out), *SOLVE)
    assert empty.exit_code == 2
    assert "no scenario file matches" in empty.stderr

    both = run_cli("batch", str(tmp_path / "a"), "-o", str(out), "--local-cluster",
                   "--scheduler", "tcp://127.0.0.1:1", *SOLVE)  # fmt: skip
    assert both.exit_code == 2


@pytest.mark.parametrize(
    ("cores", "jobs", "workers", "expected"),
    [
        (8, None, None, (8, 1)),  # one single-worker solve per core
        (8, None, 2, (4, 2)),
        (8, 2, None, (2, 4)),
        (8, 3, None, (3, 2)),
        (2, 4, None, (4, 1)),  # more solves than cores: one worker each, and a warning
        (1, None, 4, (1, 4)),
    ],
)
def test_choose_parallelism(
    cores: int, jobs: int | None, workers: int | None, expected: tuple[int, int]
) -> None:
    chosen = choose_parallelism(cores, jobs, workers)
    assert (chosen.jobs, chosen.workers) == expected
    assert (chosen.warning is not None) == (chosen.jobs * chosen.workers > cores)


def test_oversubscription_warning_names_a_fix() -> None:
    warning = choose_parallelism(4, 4, 2).warning
    assert warning is not None
    assert "8 threads on 4 cores" in warning
    assert "--jobs 2" in warning
    assert "--workers 1" in warning
    assert choose_parallelism(4, 2, 2).warning is None
    assert choose_parallelism(4, None, 8, deterministic=True).workers == 1
