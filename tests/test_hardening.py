"""Issue 17, hardening: every bad input a clear error, no hang, nothing written outside
its folder. A test (or more) per defect the issue reproduced, numbered as it numbers
them; the service's defects are in test_hardening_service.py, the fuzz test in
test_fuzz.py.
"""

from __future__ import annotations

import csv
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import SCENARIOS, CliResult
from periodize import cli
from periodize.batch.jobs import Job, SolveSettings, Verdict, solve_job
from periodize.loading import (
    MAX_LINE_CHARS,
    MAX_PROBLEMS,
    InputError,
    load_scenario,
    scenario_from_text,
    validate_data,
)
from periodize.model.rolling import rolling_plan
from periodize.model.run import Interrupt
from periodize.parsing import DocumentTooLarge, ParseLimits, parse_json, parse_yaml
from periodize.plan import Status
from periodize.scenario import Scenario
from periodize.solve import SolveOptions, solve
from processes import children, still_running

pytestmark = pytest.mark.slow  # solves, servers or processes: `make test-fast` skips the module

RunCli = Callable[..., CliResult]

HALF = SCENARIOS / "half-marathon-8-weeks.yaml"
"""Eight weeks: a solve that runs its whole time limit (used where one must be running)."""
TINY = """\
name: {name}
start: 2027-01-04
weeks: 1
athlete: {{level: beginner, weekly_minutes: 180, long_minutes: 60}}
availability: {{tue: {{pm: 60}}, thu: {{pm: 60}}, sat: {{am: 120}}}}
terrain: {{road: all, trail: [sat]}}
"""
"""One week, three open slots: solved within a second."""
QUICK = ("--time-limit", "1", "--workers", "1", "--quiet")
DEEP = "[" * 1000 + "]" * 1000
HUGE = "9" * 5000


def tiny(name: str = "Tiny") -> str:
    return TINY.format(name=name)


def half_with(old: str, new: str) -> str:
    """The half-marathon scenario with one line changed."""
    text = HALF.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


# ----- 1, 3, 5: parsing within limits ---------------------------------------------------


def test_deep_nesting_stops_where_the_depth_limit_is_reached() -> None:
    """1: a hundred thousand ``[`` took the YAML scanner time that grows faster than the
    length (and the composer a RecursionError); it now stops at level 33, column 34."""
    deep = "[" * 100_000 + "]" * 100_000
    with pytest.raises(InputError) as raised:
        parse_yaml(deep, "d.yaml")
    assert str(raised.value).startswith(
        "d.yaml: nested more than 32 levels deep at line 1, column 34;"
    )
    with pytest.raises(InputError, match=r"^d\.yaml: nested more than 32 levels deep"):
        parse_yaml("- " * 1000 + "x\n", "d.yaml")  # block nesting counts the same
    with pytest.raises(InputError, match=r"^d\.json: nested more than 32 levels deep"):
        parse_json(deep, "d.json")
    assert parse_yaml("[" * 32 + "]" * 32, "ok.yaml") is not None


def test_size_and_time_limits_stop_a_parse() -> None:
    flat = "a: [" + ", ".join(["1"] * 1000) + "]\n"
    with pytest.raises(DocumentTooLarge, match=r"^f\.yaml: 3004 bytes is more than the 100"):
        parse_yaml(flat, "f.yaml", ParseLimits(max_bytes=100))
    already_late = ParseLimits(time_s=-1.0)  # the deadline has passed before it starts
    with pytest.raises(DocumentTooLarge, match=r"^f\.yaml: took more than -1 s to read"):
        parse_yaml(flat, "f.yaml", already_late)
    with pytest.raises(DocumentTooLarge, match=r"took more than -1 s"):
        parse_json('{"a": [' + ", ".join(["1"] * 5000) + "]}", "f.json", already_late)
    assert parse_yaml(flat, "f.yaml") == {"a": [1] * 1000}


@pytest.mark.parametrize(
    ("parse", "text", "message"),
    [
        (
            parse_yaml,
            f"n: {HUGE}",
            r"the number 99999999\.\.\. \(5000 characters\) has more than 30",
        ),
        (parse_yaml, f"n: -{HUGE}", r"has more than 30 digits; .* \(line 1, column 4\)"),
        (parse_yaml, "n: .nan", r"\.nan is not a finite number; write a number"),
        (parse_yaml, "n: -.inf", r"-\.inf is not a finite number"),
        (parse_yaml, "n: 1.0e+999", r"1\.0e\+999 is not a finite number"),
        (parse_yaml, 'n: "\\ud800"', r"a string holds a lone surrogate escape"),
        (parse_json, f'{{"n": {HUGE}}}', r"has more than 30 digits"),
        (parse_json, '{"n": NaN}', r"NaN is not a finite number"),
        (parse_json, '{"n": -Infinity}', r"-Infinity is not a finite number"),
        (parse_json, '{"n": 1e999}', r"inf is not a finite number"),
        (parse_json, '{"n": "\\ud800"}', r"a string holds a lone surrogate escape"),
    ],
)
def test_numbers_are_bounded_and_finite(
    parse: Callable[[str, str], object], text: str, message: str
) -> None:
    """3, 5: a 5000-digit integer raised ValueError (Python's 4300-digit limit) out of
    the YAML constructor: a 500 in the service, a traceback in the command line."""
    with pytest.raises(InputError, match=message):
        parse(text, "n")


def test_aliases_count_each_time_they_are_used() -> None:
    """Five lines of nested aliases stand for 100,000 values: over the limit, and
    refused outright where aliases are not accepted (the service)."""
    lines = ["a: &a [" + ", ".join(["x"] * 10) + "]"]
    for name, previous in zip("bcde", "abcd", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]")
    bomb = "\n".join(lines) + "\n"
    with pytest.raises(DocumentTooLarge, match=r"more than 100000 values"):
        parse_yaml(bomb, "b.yaml")
    with pytest.raises(InputError, match=r"YAML alias \*a at line 2, column 8: aliases are not"):
        parse_yaml(bomb, "b.yaml", ParseLimits(aliases=False))


# ----- 8 (in the loaders): strict types and bounded problem lists ----------------------------


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            "weekly_minutes: 240",
            "weekly_minutes: true",
            "athlete.weekly_minutes: expected a whole number, found true",
        ),
        (
            "weekly_minutes: 240",
            'weekly_minutes: "240"',
            "athlete.weekly_minutes: expected a whole number, found the text '240' "
            "(write a number or date without quotes)",
        ),
        (
            "distance_km: 21.1",
            'distance_km: "21.1"',
            "goal.race.distance_km: expected a number, found the text '21.1'",
        ),
        ("distance_km: 21.1", "distance_km: .nan", ".nan is not a finite number"),
        (
            "start: 2027-08-02",
            "start: 1817251200",
            "start: expected a date YYYY-MM-DD, found 1817251200",
        ),
    ],
)
def test_numbers_dates_and_flags_must_have_their_own_type(
    old: str, new: str, problem: str, run_cli: RunCli, tmp_path: Path
) -> None:
    """8: ``weekly_minutes: true`` and ``"240"`` were read as numbers, a Unix time as a
    date, and a NaN distance was reported as "should be less than or equal to 500"."""
    path = tmp_path / "s.yaml"
    path.write_text(half_with(old, new), encoding="utf-8")
    result = run_cli("validate", str(path))
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"{path}: ")
    assert problem in line


def test_strict_types_reach_every_document_the_loaders_read() -> None:
    flag = tiny() + 'sessions: [{id: road_easy, hard: "yes"}]\n'
    with pytest.raises(InputError, match=r"sessions\[0\]\.hard: expected true or false"):
        scenario_from_text(flag, "s.yaml")
    from periodize.loading import log_from_text

    with pytest.raises(InputError, match=r"entry 1 \(2027-01-05\): minutes: expected a whole"):
        log_from_text('[{date: 2027-01-05, kind: road_easy, minutes: "45", rpe: 3}]', "log.yaml")
    csv_log = "date,kind,minutes,rpe\n2027-01-05,road_easy,45,3\n"  # CSV cells are all text
    assert log_from_text(csv_log, "log.csv", csv_format=True).entries[0].minutes == 45


def test_a_document_of_many_unknown_keys_gets_a_short_answer() -> None:
    """8: a 1 MB body of unknown keys got a 10.6 MB error: a line per key, each listing
    every allowed key. Now at most `MAX_PROBLEMS` lines, each cut, then a count."""
    data = parse_yaml(tiny(), "s.yaml")
    data.update({"x" * 10_000: 1}, **{f"k{index}": index for index in range(5000)})
    with pytest.raises(InputError) as raised:
        validate_data(Scenario, data, "s.yaml")
    lines = str(raised.value).splitlines()
    assert len(lines) == MAX_PROBLEMS + 1
    assert lines[0].startswith("s.yaml: xxxxxxxxxx")
    assert lines[0].endswith("...")
    assert lines[1].startswith("s.yaml: k0: unknown key 'k0' (allowed: athlete,")
    assert lines[-1] == "s.yaml: ... and 4981 more problem(s); fix the ones above first"
    assert all(len(line) <= MAX_LINE_CHARS for line in lines)


def test_a_problem_stays_on_one_line_whatever_its_key_holds() -> None:
    """Found by the fuzz test: a terrain key with a line break in it split its problem over
    two lines, the second not naming the file."""
    text = tiny() + 'terrain: {"road\\nx": null}\n'
    with pytest.raises(InputError) as raised:
        scenario_from_text(text, "s.yaml")
    lines = str(raised.value).splitlines()
    assert all(line.startswith("s.yaml: ") for line in lines)
    assert any("road\\nx" in line for line in lines)


# ----- 5: the command line -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (DEEP, "nested more than 32 levels deep at line 1, column 34"),
        (f"name: x\nweeks: {HUGE}\n", "has more than 30 digits"),
    ],
)
def test_validate_answers_a_bad_document_in_one_line(
    text: str, problem: str, run_cli: RunCli, tmp_path: Path
) -> None:
    """5: RecursionError and ValueError tracebacks, exit 1."""
    path = tmp_path / "d.yaml"
    path.write_text(text, encoding="utf-8")
    result = run_cli("validate", str(path))
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"{path}: ")
    assert problem in line


def test_a_scenario_name_with_a_newline_renders_as_a_calendar(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """5: the name went raw into X-WR-CALNAME and icalendar refused the newline, after
    the solve."""
    path = tmp_path / "s.yaml"
    path.write_text(tiny('"Two\\nlines"'), encoding="utf-8")
    result = run_cli("solve", str(path), "--format", "ics", *QUICK)
    assert result.exit_code == 0, result.stderr
    assert "X-WR-CALNAME:Two\\nlines\r\n" in result.stdout


def test_an_output_that_cannot_be_written_is_refused_before_the_solve(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """5: ``-o`` into a folder that cannot be written gave a PermissionError traceback
    after the whole solve. (A file where the folder should be stands for a read-only
    folder: the tests may run as root, whom permissions do not stop.)"""
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    target = blocker / "plan.json"
    result = run_cli("solve", str(HALF), "-o", str(target), "--time-limit", "600")
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"{target}: cannot be written (")
    assert line.endswith("): choose another --output")


def test_an_output_that_fails_after_the_solve_is_one_line(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The folder can also go away during the solve: the write fails, still one line."""
    monkeypatch.setattr(cli, "ensure_writable", lambda _path: None)
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    path = tmp_path / "s.yaml"
    path.write_text(tiny(), encoding="utf-8")
    result = run_cli("solve", str(path), "-o", str(blocker / "plan.json"), *QUICK)
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"{blocker / 'plan.json'}: cannot be written (")


# ----- 2, 4: the batch ------------------------------------------------------------------------


def summary(out: Path) -> dict[str, dict[str, str]]:
    with (out / "summary.csv").open(encoding="utf-8", newline="") as stream:
        return {row["scenario"]: row for row in csv.DictReader(stream)}


def test_batch_output_names_never_leave_the_output_folder(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """2: ``...yaml`` had the output name ``..``: its error row deleted ``./plan.json``;
    ``..yaml`` wrote into OUT itself. Such names are now error rows that write nothing."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "...yaml").write_text("name: [\n", encoding="utf-8")
    (folder / "..yaml").write_text(tiny("Dot"), encoding="utf-8")
    (folder / "summary.csv.yaml").write_text(tiny("Summary"), encoding="utf-8")
    (folder / "good.yaml").write_text(tiny("Good"), encoding="utf-8")
    (tmp_path / "plan.json").write_text("keep me", encoding="utf-8")
    result = run_cli("batch", "in", "-o", "out", "--jobs", "1", *QUICK)
    assert result.exit_code == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert (tmp_path / "plan.json").read_text(encoding="utf-8") == "keep me"
    rows = summary(tmp_path / "out")
    for name in ("..", ".", "summary.csv"):
        assert rows[name]["status"] == "error"
        assert "cannot write its outputs" in rows[name]["message"]
        assert "rename the file" in rows[name]["message"]
    assert rows["good"]["status"] in ("optimal", "feasible")
    written = sorted(str(p.relative_to(tmp_path / "out")) for p in (tmp_path / "out").rglob("*"))
    assert written == ["good", "good/plan.json", "good/result.json", "summary.csv"]


def test_one_bad_file_is_one_row_of_a_local_batch(run_cli: RunCli, tmp_path: Path) -> None:
    """4: a >4300-digit integer or deep nesting aborted the whole local batch (exit 1, a
    traceback, no summary, no outputs)."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "huge.yaml").write_text(f"name: x\nweeks: {HUGE}\n", encoding="utf-8")
    (folder / "deep.yaml").write_text(DEEP, encoding="utf-8")
    (folder / "good.yaml").write_text(tiny("Good"), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("batch", str(folder), "-o", str(out), "--jobs", "2", *QUICK)
    assert result.exit_code == 2, result.stderr
    assert "Traceback" not in result.stderr
    rows = summary(out)
    assert rows["huge"]["status"] == "error"
    assert "more than 30 digits" in rows["huge"]["message"]
    assert rows["deep"]["status"] == "error"
    assert "nested more than 32 levels" in rows["deep"]["message"]
    assert rows["good"]["status"] in ("optimal", "feasible")
    assert (out / "good" / "plan.json").is_file()


def test_a_scenario_folder_that_cannot_be_written_is_one_row(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """4: a read-only subfolder aborted the whole batch. (A file in its place stands for
    it, as above.)"""
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("blocked", "free"):
        (folder / f"{name}.yaml").write_text(tiny(name), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "blocked").write_text("in the way", encoding="utf-8")
    result = run_cli("batch", str(folder), "-o", str(out), "--jobs", "1", *QUICK)
    assert result.exit_code == 2, result.stderr
    assert "Traceback" not in result.stderr
    rows = summary(out)
    assert rows["blocked"]["status"] == "error"
    assert rows["blocked"]["message"].startswith(f"{folder / 'blocked.yaml'}: cannot write ")
    assert rows["free"]["status"] in ("optimal", "feasible")
    assert (out / "free" / "plan.json").is_file()


def test_an_output_folder_that_cannot_be_written_stops_the_batch_first(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """4: a read-only output folder aborted the batch with a traceback; now exit 2 and
    one line, before anything is solved."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "free.yaml").write_text(tiny(), encoding="utf-8")
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way", encoding="utf-8")
    out = blocker / "out"
    result = run_cli("batch", str(folder), "-o", str(out), *QUICK)
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"{out}: cannot write there (")
    assert line.endswith("): choose another --output-dir")


def test_a_worker_contains_every_exception_of_its_scenario(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bad = solve_job(Job("huge.yaml", "huge", f"weeks: {HUGE}\n"), SolveSettings())
    assert bad.verdict is Verdict.ERROR
    assert "more than 30 digits" in bad.message

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr("periodize.batch.jobs.solve", broken)
    failed = solve_job(Job("t.yaml", "t", tiny()), SolveSettings())
    assert failed.verdict is Verdict.FAILED
    assert failed.message == "RecursionError: maximum recursion depth exceeded"


# ----- 6: Ctrl-C -------------------------------------------------------------------------------


def test_an_interrupt_before_a_construction_step_reads_nothing_from_it() -> None:
    """6: `run_search` skips the search once the interrupt is set, and the week-by-week
    construction then read the time of a solver that never ran: ``RuntimeError: solve()
    has not been called.``"""
    scenario = load_scenario(HALF)
    interrupted = Interrupt(requested=True)
    sessions, spent = rolling_plan(
        scenario, step_time_s=0.25, workers=1, seed=1, deterministic=False, interrupt=interrupted
    )
    assert sessions is None
    assert spent == 0.0


@pytest.mark.parametrize("delay_s", [0.2, 0.6, 1.0, 1.5, 2.5])
def test_ctrl_c_at_any_stage_of_a_solve_ends_it_cleanly(delay_s: float) -> None:
    """6: Ctrl-C about 1.5 s into this solve (during the construction) raised. Each run
    interrupts a solve that would run for minutes, at a different stage."""
    scenario = load_scenario(HALF)
    timer = threading.Timer(delay_s, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        plan = solve(scenario, SolveOptions(time_limit_s=300, workers=1))
    finally:
        timer.join()
    assert plan.status in (Status.FEASIBLE, Status.UNKNOWN)
    assert plan.has_plan == (plan.status is Status.FEASIBLE)


# ----- 7: workers die with their parent ---------------------------------------------------


def test_killing_a_batch_leaves_no_worker_behind(tmp_path: Path) -> None:
    """7: after SIGKILL of the batch, its pool workers and multiprocessing's resource
    tracker (about 290 MB) ran on for over a minute."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("one", "two"):
        (folder / f"{name}.yaml").write_text(HALF.read_text(encoding="utf-8"), encoding="utf-8")
    command = [sys.executable, "-c", "from periodize.cli import main; main()", "batch"]
    options = [str(folder), "-o", str(tmp_path / "out"), "--jobs", "2", "--time-limit", "300"]
    process = subprocess.Popen(
        [*command, *options, "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        workers = wait_for_children(process.pid, 3)  # two workers and the tracker
        assert len(workers) >= 3
    finally:
        process.kill()
        process.wait(timeout=30)
    assert still_running(workers, wait_s=30) == []


def wait_for_children(pid: int, count: int, wait_s: float = 60) -> list[int]:
    """The children of ``pid`` once there are ``count`` of them (or the wait is over)."""
    deadline = time.monotonic() + wait_s
    found = children(pid)
    while len(found) < count and time.monotonic() < deadline:
        time.sleep(0.2)
        found = children(pid)
    return found


# ----- 9: file modes -----------------------------------------------------------------------


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.usefixtures("umask_022")
def test_output_files_get_the_mode_the_umask_gives(run_cli: RunCli, tmp_path: Path) -> None:
    """9: every ``-o`` file and every batch file was created 0600 whatever the umask
    (the temporary file's mode); an existing file keeps its own."""
    path = tmp_path / "s.yaml"
    path.write_text(tiny(), encoding="utf-8")
    plan = tmp_path / "plan.json"
    assert run_cli("solve", str(path), "-o", str(plan), "--format", "json", *QUICK).exit_code == 0
    assert stat.S_IMODE(plan.stat().st_mode) == 0o644
    plan.chmod(0o640)
    assert run_cli("solve", str(path), "-o", str(plan), "--format", "json", *QUICK).exit_code == 0
    assert stat.S_IMODE(plan.stat().st_mode) == 0o640
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "one.yaml").write_text(tiny(), encoding="utf-8")
    out = tmp_path / "out"
    assert run_cli("batch", str(folder), "-o", str(out), "--format", "md", *QUICK).exit_code == 0
    files = [p for p in out.rglob("*") if p.is_file()]
    assert sorted(p.name for p in files) == ["plan.json", "plan.md", "result.json", "summary.csv"]
    assert {stat.S_IMODE(p.stat().st_mode) for p in files} == {0o644}
