"""solve() and ``periodize solve``: reproducibility, the plan JSON contract (plan.md), solve
statistics and the command line's exit codes.

Every solve here is of `SMALL`: one week, three open slots, road every day and trail on sat.
A beginner wants 2 hikes (H08), which only sat can hold, and sat holds one session: the plan
always lists at least the H08 shortfall, so the JSON carries a non-empty ``shortfalls``.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from ortools.sat.python import cp_model

from conftest import CliResult
from periodize.check import check
from periodize.loading import load_plan, scenario_from_text
from periodize.model.build import build_model
from periodize.model.objective import SCALE
from periodize.plan import Plan, Status
from periodize.scenario import Scenario
from periodize.solve import SolveOptions, _parameters, solve
from periodize.targets import target_loads, target_minutes

RunCli = Callable[..., CliResult]

SMALL = """\
name: Solve probe
start: 2027-01-04
weeks: 1
athlete: {level: beginner, weekly_minutes: 200, long_minutes: 60}
availability: {tue: {pm: 60}, thu: {pm: 60}, sat: {am: 120}}
terrain: {road: all, trail: [sat]}
"""

STRICT = SMALL.replace("name: Solve probe", "name: Strict probe") + "rules: {recipes: strict}\n"
"""`SMALL` with strict recipes: 2 hikes cannot fit in sat's single slot, so infeasible."""

OPTIONS = SolveOptions(time_limit_s=3, workers=2, seed=1)


@pytest.fixture(scope="module")
def small() -> Scenario:
    return scenario_from_text(SMALL)


@pytest.fixture(scope="module")
def small_plan(small: Scenario) -> Plan:
    return solve(small, OPTIONS)


def write(tmp_path: Path, text: str, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ----- the library --------------------------------------------------------------------


def test_deterministic_mode_is_byte_identical(small: Scenario) -> None:
    """One worker and a deterministic time limit: the same input gives the same JSON."""
    deterministic = SolveOptions(deterministic=True, time_limit_s=3)
    first = solve(small, deterministic)
    second = solve(small, deterministic)
    assert first.has_plan
    assert first.to_json() == second.to_json()
    assert first.stats.deterministic
    assert first.stats.workers == 1


def test_plan_is_clean_and_lists_its_shortfalls(small: Scenario, small_plan: Plan) -> None:
    assert check(small, small_plan) == []
    assert [d.date.isoformat() for d in small_plan.days][::6] == ["2027-01-04", "2027-01-10"]
    assert len(small_plan.days) == 7
    assert ("H08", 1) in {(s.rule, s.week) for s in small_plan.shortfalls}


def test_plan_json_round_trip(small: Scenario, small_plan: Plan, tmp_path: Path) -> None:
    """The JSON reads back into an equal plan, which the checker judges the same."""
    text = small_plan.to_json()
    again = Plan.model_validate_json(text)
    assert again == small_plan
    assert again.to_json() == text
    path = tmp_path / "plan.json"
    path.write_text(text, encoding="utf-8")
    assert load_plan(path) == small_plan
    assert check(small, again) == check(small, small_plan) == []


def test_plan_json_has_the_stable_core(small_plan: Plan) -> None:
    """plan.md's field names, at every level."""
    data = json.loads(small_plan.to_json())
    assert {
        "scenario",
        "status",
        "stats",
        "objective_terms",
        "weeks",
        "days",
        "shortfalls",
        "conflicts",
    } <= set(data)
    assert {"objective", "bound", "gap", "wall_time_s", "workers", "seed", "time_limit_s"} <= set(
        data["stats"]
    )
    (week,) = data["weeks"]
    assert {
        "index",
        "start",
        "phase",
        "recovery",
        "minutes",
        "load",
        "hard_minutes",
        "sessions",
        "hard_sessions",
        "rest_days",
        "road_share",
        "trail_share",
        "systems",
    } <= set(week)
    session = next(s for d in data["days"] for s in d["sessions"])
    assert {
        "slot",
        "kind",
        "modality",
        "terrain",
        "intensity",
        "rpe",
        "minutes",
        "load",
        "work_share",
        "hard_minutes",
        "hard",
        "long",
        "simulation",
        "stresses",
        "systems",
        "gear",
        "description",
    } <= set(session)
    assert {"rule", "week", "message"} <= set(data["shortfalls"][0])


def test_stats_are_filled(small_plan: Plan) -> None:
    """Status, objective, bound and gap of the final stage; model size; the settings."""
    stats = small_plan.stats
    assert small_plan.status in (Status.OPTIMAL, Status.FEASIBLE)
    assert stats.objective is not None
    assert stats.bound is not None
    assert stats.gap is not None
    assert 0 <= stats.bound <= stats.objective
    assert 0.0 <= stats.gap <= 1.0
    if small_plan.status is Status.OPTIMAL:
        assert stats.gap == 0.0
        assert stats.bound == stats.objective
    assert stats.variables > 0
    assert stats.constraints > 0
    assert (stats.workers, stats.seed, stats.time_limit_s) == (2, 1, 3)
    assert 0 < stats.wall_time_s < 30
    assert not stats.deterministic


def test_objective_terms_add_up(small_plan: Plan) -> None:
    """S0 counts the recipe shortfalls (H15 waivers are free); the objective is the weighted
    sum of S1-S4 and S6 (default weights 3, 2, 1, 1, 3), each term rounded to whole
    points."""
    terms = small_plan.objective_terms
    assert set(terms) == {"S0", "S1", "S2", "S3", "S4", "S6"}
    assert terms["S0"] == sum(1 for s in small_plan.shortfalls if s.rule != "H15")
    weighted = 3 * terms["S1"] + 2 * terms["S2"] + terms["S3"] + terms["S4"] + 3 * terms["S6"]
    assert small_plan.stats.objective is not None
    assert abs(small_plan.stats.objective - weighted) <= 5


@pytest.mark.slow
def test_soft_terms_split_by_week() -> None:
    """Each soft term is the sum of its weekly parts, and a week's S2 part is that week's
    own distance to the target load (SCALE x |load - target|) in a solved model."""
    scenario = scenario_from_text(SMALL.replace("weeks: 1", "weeks: 2"))
    built = build_model(scenario)
    built.model.minimize(built.objective)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = 2.0
    assert solver.solve(built.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    targets = target_loads(scenario)
    for term in built.terms:
        parts = sum(solver.value(part) for part in term.parts.values())
        assert parts == solver.value(term.expression)
    minutes_targets = target_minutes(scenario)
    s2 = next(term for term in built.terms if term.rule == "S2")
    assert set(s2.parts) == {1, 2}
    for week, part in s2.parts.items():
        load = solver.value(built.ctx.weeks[week].load)
        minutes = solver.value(built.ctx.weeks[week].minutes)
        # S2 = |load - target load| + 4 x |minutes - target minutes| (v3: volume counts)
        distance = abs(load - targets[week - 1]) + 4 * abs(minutes - minutes_targets[week - 1])
        assert solver.value(part) == SCALE * distance


@pytest.mark.parametrize(
    ("workers", "subsolvers"), [(1, []), (2, ["max_lp", "default_lp"]), (4, [])]
)
def test_two_workers_include_the_full_linear_relaxation(
    workers: int, subsolvers: list[str]
) -> None:
    """CP-SAT's own pair of workers has no ``max_lp`` (the full LP, where this model's bound
    comes from): a two-worker stage names its workers; other counts keep CP-SAT's choice."""
    solver = _parameters(SolveOptions(workers=workers), 1.0)
    assert list(solver.parameters.subsolvers) == subsolvers
    assert solver.parameters.num_workers == workers


def test_infeasible_plan_has_no_days() -> None:
    plan = solve(scenario_from_text(STRICT), OPTIONS)
    assert plan.status is Status.INFEASIBLE
    assert (plan.days, plan.weeks) == ((), ())
    assert check(scenario_from_text(STRICT), plan) == []


# ----- the command line ---------------------------------------------------------------


def test_cli_solve_json(run_cli: RunCli, tmp_path: Path) -> None:
    path = write(tmp_path, SMALL)
    result = run_cli("solve", str(path), "--format", "json", "--time-limit", "3", "--workers", "2")
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    plan = Plan.model_validate_json(result.stdout)
    assert plan.status in (Status.OPTIMAL, Status.FEASIBLE)
    assert plan.scenario == "Solve probe"
    assert len(plan.days) == 7
    assert check(scenario_from_text(SMALL), plan) == []


def test_cli_solve_output_file_then_check(run_cli: RunCli, tmp_path: Path) -> None:
    """``--output`` writes the plan there (nothing on stdout), and ``periodize check`` of
    that file passes."""
    path = write(tmp_path, SMALL)
    out = tmp_path / "plans" / "plan.json"
    result = run_cli(
        "solve",
        str(path),
        "--format",
        "json",
        "--time-limit",
        "3",
        "--workers",
        "2",
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    plan = Plan.model_validate_json(out.read_text(encoding="utf-8"))
    assert plan.has_plan
    assert [p.name for p in out.parent.iterdir()] == ["plan.json"]  # no temporary left
    checked = run_cli("check", str(path), str(out))
    assert checked.exit_code == 0, checked.stdout
    assert checked.stdout == ""


def test_cli_solve_deterministic_twice(run_cli: RunCli, tmp_path: Path) -> None:
    path = write(tmp_path, SMALL)
    args = ("solve", str(path), "--format", "json", "--time-limit", "3", "--deterministic")
    first, second = run_cli(*args), run_cli(*args)
    assert first.exit_code == second.exit_code == 0
    assert first.stdout == second.stdout


def test_cli_infeasible_exits_3(run_cli: RunCli, tmp_path: Path) -> None:
    """A one-line verdict on stderr naming the scenario, then (indented) the rules that
    cannot hold together: H08's two hikes against sat's single slot. No traceback; the
    plan (status infeasible, no days) still goes to stdout."""
    path = write(tmp_path, STRICT)
    result = run_cli("solve", str(path), "--format", "json", "--time-limit", "3", "--workers", "2")
    assert result.exit_code == 3
    assert "Traceback" not in result.stderr
    verdict, *conflicts = result.stderr.rstrip("\n").split("\n")
    assert verdict.startswith("Strict probe: infeasible")
    assert all(line.startswith("  ") for line in conflicts)
    assert "H08" in result.stderr
    plan = json.loads(result.stdout)
    assert (plan["status"], plan["days"]) == ("infeasible", [])


def test_cli_bad_scenario_exits_2(run_cli: RunCli, tmp_path: Path) -> None:
    path = write(tmp_path, SMALL + "colour: blue\n")
    result = run_cli("solve", str(path), "--format", "json", "--time-limit", "3")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert "colour" in result.stderr
    assert result.stderr.startswith(f"{path}: ")


def test_cli_missing_scenario_exits_2(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("solve", str(tmp_path / "nowhere.yaml"))
    assert result.exit_code == 2
    assert "no such file" in result.stderr
    assert "Traceback" not in result.stderr


def test_without_a_start_the_full_model_gives_the_first_plan(
    small: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When neither start gives a plan (the greedy plan off, the construction failing, as
    with a pin far ahead that empty weeks cannot carry), the full model is searched for a
    first plan with all the time left, and the stages go on from it."""
    solve_module = importlib.import_module("periodize.solve")  # the package exports solve()
    stages: list[str] = []
    monkeypatch.setattr(solve_module, "GREEDY_FIRST", False)
    monkeypatch.setattr(solve_module, "rolling_plan", lambda *args, **kwargs: (None, 0.0))
    plan = solve(
        small,
        SolveOptions(time_limit_s=3.0, workers=2, seed=1),
        progress=lambda p: stages.append(p.stage),
    )
    assert plan.has_plan
    assert "first plan" in stages
    assert check(small, plan) == []
