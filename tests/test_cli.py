"""The command line as a newcomer meets it: `example`, `solve -o`, `render`, `check`'s
refusals, `validate`'s summary, options from the environment, missing extras, and
``python -m periodize`` / ``--version`` without the solver loaded.

Most tests build their plans by hand (plan_builder); one walks the whole first hour
with a real, short solve.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from icalendar import Calendar

from conftest import SCENARIOS, CliResult
from periodize.loading import load_plan, load_scenario
from periodize.output import FORMATS, Format, RenderOptions
from periodize.plan import Plan, Status
from periodize.scenario import Scenario
from periodize.solve import SolveOptions
from plan_builder import BASE_SCENARIO, PlanBuilder, make_scenario

RunCli = Callable[..., CliResult]
HALF_MARATHON = SCENARIOS / "half-marathon-8-weeks.yaml"


def _scenario_file(tmp_path: Path, **changes: Any) -> tuple[Path, Scenario]:
    """A small valid scenario (plan_builder's, four weeks) written as YAML."""
    data = {**BASE_SCENARIO, "weeks": 4, **changes}
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path, make_scenario({"weeks": 4, **changes})


def _plan_file(tmp_path: Path, plan: Plan, name: str = "plan.json") -> Path:
    path = tmp_path / name
    path.write_text(plan.to_json(), encoding="utf-8")
    return path


def _small_plan(scenario: Scenario) -> Plan:
    builder = PlanBuilder(scenario).add(1, "road_easy", 45).add(3, "trail_easy", 60, "am")
    return builder.add(5, "hike_easy", 90, "am").add(9, "road_easy", 30).build()


# ----- python -m, --version, --help -----------------------------------------------------


def _python(*code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *code], capture_output=True, text=True, timeout=120, check=False
    )


def test_python_dash_m_is_the_command_line() -> None:
    result = _python("-m", "periodize", "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("periodize, version ")
    result = _python("-m", "periodize", "example")
    assert result.returncode == 0, result.stderr
    assert "half-marathon-8-weeks: " in result.stdout


@pytest.mark.parametrize("argument", ["--version", "--help"])
def test_version_and_help_load_no_solver(argument: str) -> None:
    """--version and --help answer from click alone: OR-Tools, pandas, pydantic, rich,
    FastAPI and Dask stay unloaded (what made them take 1.5 s)."""
    probe = (
        "import sys\n"
        "from periodize.cli import main\n"
        "try:\n"
        f"    main([{argument!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('ortools', 'pandas', 'pydantic', 'rich', 'fastapi', 'distributed', 'numpy')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    result = _python("-c", probe)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_help_lists_every_command() -> None:
    result = _python("-m", "periodize", "--help")
    for command in ("batch", "check", "example", "render", "serve", "solve", "validate"):
        assert re.search(rf"^  {command}\s", result.stdout, re.MULTILINE), command


def test_the_flat_api_names_the_functions() -> None:
    import periodize
    import periodize.check
    import periodize.replan
    import periodize.solve

    # Importing the modules must not hide the functions of the same name.
    assert callable(periodize.solve)
    assert callable(periodize.check)
    assert callable(periodize.replan)
    from periodize import SolveOptions as Options
    from periodize import solve

    assert solve is periodize.solve
    assert Options is SolveOptions
    assert set(periodize.__all__) <= set(dir(periodize))
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = periodize.nothing  # type: ignore[attr-defined]


# ----- example ----------------------------------------------------------------------------


def test_example_lists_the_shipped_scenarios(run_cli: RunCli) -> None:
    result = run_cli("example")
    assert result.exit_code == 0
    names = [line.split(":")[0] for line in result.stdout.splitlines()]
    assert names == sorted(path.stem for path in SCENARIOS.glob("*.yaml"))
    assert "half-marathon-8-weeks: Intermediate runner with a solid summer" in result.stdout


def test_example_writes_a_starting_point_and_keeps_yours(run_cli: RunCli, tmp_path: Path) -> None:
    mine = tmp_path / "mine.yaml"
    result = run_cli("example", "half-marathon-8-weeks", "-o", str(mine))
    assert result.exit_code == 0, result.stderr
    assert mine.read_text(encoding="utf-8") == HALF_MARATHON.read_text(encoding="utf-8")
    assert run_cli("validate", str(mine)).exit_code == 0
    mine.write_text("# my edits\n", encoding="utf-8")
    again = run_cli("example", "half-marathon-8-weeks", "-o", str(mine))
    assert again.exit_code == 2
    assert "exists" in again.stderr
    assert "--force" in again.stderr
    assert mine.read_text(encoding="utf-8") == "# my edits\n"
    assert run_cli("example", "half-marathon-8-weeks", "-o", str(mine), "--force").exit_code == 0
    assert mine.read_text(encoding="utf-8").startswith("# Intermediate runner")


def test_example_to_stdout_and_unknown_names(run_cli: RunCli) -> None:
    result = run_cli("example", "parent-three-days")
    assert result.stdout == (SCENARIOS / "parent-three-days.yaml").read_text(encoding="utf-8")
    wrong = run_cli("example", "half-marathon")
    assert wrong.exit_code == 2
    assert wrong.stderr.count("\n") == 1
    assert "did you mean half-marathon-8-weeks?" in wrong.stderr


# ----- the first hour, end to end ----------------------------------------------------------


def _sessions_of(plan: Plan) -> list[tuple[dt.date, str, str, int]]:
    return [(date, s.slot.value, s.kind, s.minutes) for date, s in plan.sessions()]


@pytest.mark.slow
def test_a_newcomers_first_hour(run_cli: RunCli, tmp_path: Path) -> None:
    """From a shipped example to one's own scenario, a solved plan, and the same plan as
    Markdown, calendar and HTML: every view shows exactly the plan JSON's sessions."""
    mine, plan_json = tmp_path / "mine.yaml", tmp_path / "plan.json"
    assert run_cli("example", "half-marathon-8-weeks", "-o", str(mine)).exit_code == 0
    text = mine.read_text(encoding="utf-8").replace(
        "name: Riverside half marathon in 8 weeks", "name: My first half"
    )
    mine.write_text(text, encoding="utf-8")
    solved = run_cli(
        "solve", str(mine), "-o", str(plan_json), "--time-limit", "3", "--workers", "2", "-q"
    )
    assert solved.exit_code == 0, solved.stderr
    outputs = [tmp_path / name for name in ("plan.md", "plan.ics", "plan.html")]
    rendered = run_cli("render", str(mine), str(plan_json), *[f"-o{path}" for path in outputs])
    assert rendered.exit_code == 0, rendered.stderr
    plan = load_plan(plan_json)
    assert plan.scenario == "My first half"
    sessions = _sessions_of(plan)
    assert sessions

    markdown = outputs[0].read_text(encoding="utf-8")
    rows = re.findall(
        r"^\| \w{3} (\d+) (\w{3}) \| (am|pm) \| \*\*[^|]*\*\* \| (\d+) \|", markdown, re.M
    )
    assert [(slot, int(minutes)) for _, _, slot, minutes in rows] == [
        (slot, minutes) for _, slot, _, minutes in sessions
    ]
    events = list(Calendar.from_ical(outputs[1].read_text(encoding="utf-8")).walk("VEVENT"))
    assert [
        (e.decoded("DTSTART").date(), (e.decoded("DTEND") - e.decoded("DTSTART")).seconds // 60)
        for e in events
    ] == [(date, minutes) for date, _, _, minutes in sessions]
    page = outputs[2].read_text(encoding="utf-8")
    assert [int(m) for m in re.findall(r'data-minutes="(\d+)"', page)] == [
        minutes for *_, minutes in sessions
    ]
    checked = run_cli("check", str(mine), str(plan_json))
    assert checked.exit_code == 0, checked.stdout


# ----- -o and --format ----------------------------------------------------------------------


@pytest.fixture
def no_solve(monkeypatch: pytest.MonkeyPatch) -> list[SolveOptions]:
    """Replace the solve with a hand-built plan of the scenario; record its options."""
    asked: list[SolveOptions] = []

    def fake(scenario: Scenario, options: SolveOptions, progress: Any = None) -> Plan:
        asked.append(options)
        return _small_plan(scenario)

    monkeypatch.setattr("periodize.cli.solve_scenario", fake)
    return asked


def test_output_format_follows_the_extension(
    run_cli: RunCli, tmp_path: Path, no_solve: list[SolveOptions]
) -> None:
    scenario_path, _ = _scenario_file(tmp_path)
    page = tmp_path / "plan.html"
    result = run_cli("solve", str(scenario_path), "-o", str(page))
    assert result.exit_code == 0, result.stderr
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    several = [tmp_path / name for name in ("a.json", "a.md", "a.ics", "a.txt")]
    result = run_cli("solve", str(scenario_path), *[f"--output={path}" for path in several])
    assert result.exit_code == 0, result.stderr
    assert len(no_solve) == 2  # one solve for four files
    assert json.loads(several[0].read_text(encoding="utf-8"))["scenario"] == "checker test"
    assert several[1].read_text(encoding="utf-8").startswith("# checker test")
    assert several[2].read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")
    assert "Week 1 · base" in several[3].read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--format", "md", "-o", "plan.html"], "--format md but -o plan.html names a html file"),
        (["-o", "plan.out"], "the extension .out names no format"),
        (["-o", "plan"], "the extension (none) names no format"),
    ],
)
def test_a_format_the_file_name_contradicts_is_refused_before_solving(
    run_cli: RunCli,
    tmp_path: Path,
    no_solve: list[SolveOptions],
    monkeypatch: pytest.MonkeyPatch,
    arguments: list[str],
    message: str,
) -> None:
    scenario_path, _ = _scenario_file(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = run_cli("solve", str(scenario_path), *arguments)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stderr.count("\n") == 1
    assert no_solve == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.yaml"]


def test_an_explicit_format_names_a_file_of_any_extension(
    run_cli: RunCli, tmp_path: Path, no_solve: list[SolveOptions]
) -> None:
    scenario_path, _ = _scenario_file(tmp_path)
    target = tmp_path / "plan.out"
    assert (
        run_cli("solve", str(scenario_path), "--format", "json", "-o", str(target)).exit_code == 0
    )
    assert json.loads(target.read_text(encoding="utf-8"))["status"] == "optimal"


def test_options_take_their_defaults_from_the_environment(
    run_cli: RunCli, tmp_path: Path, no_solve: list[SolveOptions], monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario_path, _ = _scenario_file(tmp_path)
    monkeypatch.setenv("PERIODIZE_TIME_LIMIT", "7.5")
    monkeypatch.setenv("PERIODIZE_WORKERS", "3")
    monkeypatch.setenv("PERIODIZE_DETAIL", "coach")
    result = run_cli("solve", str(scenario_path), "--format", "md")
    assert result.exit_code == 0, result.stderr
    assert (no_solve[0].time_limit_s, no_solve[0].workers) == (7.5, 3)
    assert "## Coach's notes" in result.stdout
    assert run_cli("solve", str(scenario_path), "--time-limit", "2").exit_code == 0
    assert no_solve[1].time_limit_s == 2.0  # the option wins over the environment
    monkeypatch.setenv("PERIODIZE_TIME_LIMIT", "soon")
    bad = run_cli("solve", str(scenario_path))
    assert bad.exit_code == 2
    assert "--time-limit" in bad.stderr


@pytest.fixture
def solved_files(tmp_path: Path) -> tuple[str, str]:
    """A scenario file and a hand-built plan of it, as paths for the command line."""
    scenario_path, scenario = _scenario_file(tmp_path)
    return str(scenario_path), str(_plan_file(tmp_path, _small_plan(scenario)))


def test_views_are_all_rendered_before_any_file_is_written(
    run_cli: RunCli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    solved_files: tuple[str, str],
) -> None:
    def broken(scenario: Scenario, plan: Plan, options: RenderOptions) -> str:
        raise RuntimeError("view failed")

    monkeypatch.setitem(FORMATS, "html", Format("html", (".html",), "broken", broken))
    markdown, page = tmp_path / "a.md", tmp_path / "a.html"
    with pytest.raises(RuntimeError, match="view failed"):
        run_cli("render", *solved_files, "-o", str(markdown), "-o", str(page))
    assert not markdown.exists()  # rendered first, but never written
    assert run_cli("render", *solved_files, "-o", str(markdown)).exit_code == 0
    assert markdown.exists()


def test_a_new_format_is_one_registry_entry(
    run_cli: RunCli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    solved_files: tuple[str, str],
) -> None:
    def sessions_csv(scenario: Scenario, plan: Plan, options: RenderOptions) -> bytes:
        return "".join(f"{d},{s.kind}\n" for d, s in plan.sessions()).encode()

    monkeypatch.setitem(FORMATS, "csv", Format("csv", (".csv",), "sessions", sessions_csv))
    target = tmp_path / "sessions.csv"
    result = run_cli("render", *solved_files, "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert target.read_bytes().splitlines()[0] == b"2027-01-05,road_easy"


# ----- render and check refuse another scenario's plan ---------------------------------------


def test_render_writes_the_plan_it_is_given(run_cli: RunCli, tmp_path: Path) -> None:
    scenario_path, scenario = _scenario_file(tmp_path)
    plan = _small_plan(scenario)
    plan_path = _plan_file(tmp_path, plan)
    result = run_cli("render", str(scenario_path), str(plan_path), "--format", "md")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("**Road easy**") == 2
    assert "Hike easy" in result.stdout


def _other_plans(tmp_path: Path, scenario: Scenario) -> dict[str, tuple[Path, str]]:
    """Plan files that are not plans of ``scenario``, and what the refusal must say."""
    other = make_scenario({"name": "someone else", "weeks": 4})
    shifted = make_scenario({"weeks": 4, "start": "2027-01-11"})
    infeasible = Plan(scenario=scenario.name, status=Status.INFEASIBLE)
    return {
        "other name": (
            _plan_file(tmp_path, _small_plan(other), "other.json"),
            "it is a plan of 'someone else', not of 'checker test'",
        ),
        "other dates": (
            _plan_file(tmp_path, PlanBuilder(shifted).build(), "shifted.json"),
            "it covers 2027-01-11 to 2027-02-07 (28 days), the scenario 2027-01-04 to 2027-01-31",
        ),
        "no days": (
            _plan_file(tmp_path, infeasible, "infeasible.json"),
            "the plan holds no days (status infeasible): nothing to check",
        ),
    }


@pytest.mark.parametrize("case", ["other name", "other dates", "no days"])
def test_check_refuses_a_plan_of_another_scenario(
    run_cli: RunCli, tmp_path: Path, case: str
) -> None:
    scenario_path, scenario = _scenario_file(tmp_path)
    plan_path, message = _other_plans(tmp_path, scenario)[case]
    result = run_cli("check", str(scenario_path), str(plan_path))
    assert result.exit_code == 2
    assert result.stderr == f"{plan_path}: {message}" + result.stderr.split(message, 1)[1]
    assert result.stderr.count("\n") == 1
    assert "no violation" not in result.stderr + result.stdout


def test_check_refuses_an_infeasible_plan_of_another_shipped_scenario(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """The issue's case: strict.json, the infeasible result of another scenario."""
    strict = Plan(scenario="Weekend-only beginner - strict recipes", status=Status.INFEASIBLE)
    path = _plan_file(tmp_path, strict, "strict.json")
    result = run_cli("check", str(HALF_MARATHON), str(path))
    assert result.exit_code == 2
    assert "not of 'Riverside half marathon in 8 weeks'" in result.stderr


@pytest.mark.parametrize("case", ["other name", "other dates"])
def test_render_refuses_a_plan_of_another_scenario(
    run_cli: RunCli, tmp_path: Path, case: str
) -> None:
    scenario_path, scenario = _scenario_file(tmp_path)
    plan_path, message = _other_plans(tmp_path, scenario)[case]
    result = run_cli("render", str(scenario_path), str(plan_path), "-o", str(tmp_path / "x.md"))
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (tmp_path / "x.md").exists()


# ----- validate ---------------------------------------------------------------------------------


def test_validate_names_the_phases_and_recovery_weeks(run_cli: RunCli) -> None:
    path = SCENARIOS / "dolomites-50k-intermediate.yaml"
    result = run_cli("validate", str(path))
    assert result.exit_code == 0, result.stderr
    scenario = load_scenario(path)
    expected = []
    for phase in ("base", "build", "peak", "taper"):
        indices = [w.index for w in scenario.calendar if w.phase.value == phase]
        if indices:
            span = f"{indices[0]}-{indices[-1]}" if len(indices) > 1 else str(indices[0])
            expected.append(f"{span} {phase}")
    assert f"weeks {', '.join(expected)}" in result.stdout
    recovery = ", ".join(str(w.index) for w in scenario.calendar if w.recovery)
    assert f"recovery weeks {recovery};" in result.stdout


# ----- optional extras -------------------------------------------------------------------------


def _without(monkeypatch: pytest.MonkeyPatch, *modules: str) -> None:
    """Make ``modules`` look uninstalled to `periodize.extras`."""
    import periodize.extras

    real = periodize.extras.find_spec

    def find_spec(name: str) -> Any:
        return None if name in modules else real(name)

    monkeypatch.setattr(periodize.extras, "find_spec", find_spec)


def test_serve_without_the_service_extra_says_what_to_install(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    _without(monkeypatch, "fastapi", "fastapi_offline")
    result = run_cli("serve", "--port", "0")
    assert result.exit_code == 2
    assert result.stderr == (
        "periodize serve needs the optional service dependencies (fastapi, fastapi_offline "
        "not installed): pip install 'periodize[service]'\n"
    )


def test_a_cluster_without_the_cluster_extra_says_what_to_install(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _without(monkeypatch, "distributed")
    result = run_cli("batch", str(HALF_MARATHON), "-o", str(tmp_path / "out"), "--local-cluster")
    assert result.exit_code == 2
    assert "pip install 'periodize[cluster]'" in result.stderr
    assert not (tmp_path / "out").exists()


def test_the_client_without_httpx_says_what_to_install() -> None:
    probe = (
        "import sys\n"
        "sys.modules['httpx'] = None\n"
        "try:\n"
        "    import periodize.client\n"
        "except ImportError as error:\n"
        "    print(error)\n"
    )
    result = _python("-c", probe)
    assert "periodize.client needs the optional service dependencies (httpx not installed): " in (
        result.stdout
    )
    assert "pip install 'periodize[service]'" in result.stdout


def test_replan_refuses_a_plan_of_another_scenario(run_cli: RunCli, tmp_path: Path) -> None:
    scenario_path, scenario = _scenario_file(tmp_path)
    plan_path, message = _other_plans(tmp_path, scenario)["other name"]
    log = tmp_path / "log.yaml"
    log.write_text("- {date: 2027-01-05, kind: road_easy, minutes: 45, rpe: 3}\n", encoding="utf-8")
    result = run_cli(
        "replan", str(scenario_path), str(plan_path), "--done", str(log), "--today", "2027-01-11"
    )
    assert result.exit_code == 2
    assert message in result.stderr
