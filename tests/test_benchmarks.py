"""The benchmark runner's pure parts: time to a gap from progress events, RESULTS.md
rendering (the "What was tried" section survives), the targets, and the instance
generator (same seed, same files; the committed files are the generator's)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import benchmarks.__main__ as runner
import pytest
import yaml
from benchmarks import coach_reading, instances, report, week_bounds
from benchmarks.__main__ import heuristic_objective, main

from conftest import ROOT
from periodize import check, load_scenario, solve
from periodize.heuristic import greedy_plan, greedy_sessions
from periodize.loading import scenario_from_text, validate_data
from periodize.scenario import Scenario
from periodize.solve import Progress, SolveOptions
from periodize.vocabulary import Modality, Phase, Slot


def _events() -> list[Progress]:
    return [
        Progress("construction", 0.4, 900.0, 0.0),
        Progress("recipes", 0.6, 0.0, 0.0),  # gap 0, but not the objective stage
        Progress("objective", 1.0, 500.0, 400.0),  # 20 %
        Progress("objective", 2.5, 404.0, 400.0),  # 0.99 %
        Progress("objective", 3.0, 400.0, 400.0),
    ]


def test_time_to_gap_reads_the_first_objective_event_within_the_gap() -> None:
    assert report.time_to_gap(_events()) == 2.5
    assert report.time_to_gap(_events(), 0.2) == 1.0
    assert report.time_to_gap(_events(), 0.0) == 3.0


def test_time_to_gap_ignores_other_stages_and_may_be_none() -> None:
    events = _events()[:3]
    assert report.time_to_gap(events) is None
    assert report.time_to_gap([]) is None


def test_time_to_gap_falls_back_to_the_wall_time_when_the_bound_closed_the_gap() -> None:
    events = _events()[:3]
    assert report.time_to_gap(events, final_gap=0.0, wall_s=4.2) == 4.2
    assert report.time_to_gap(events, final_gap=0.05, wall_s=4.2) is None


def test_first_plan_time_is_the_first_event() -> None:
    assert report.first_plan_time(_events()) == 0.4
    assert report.first_plan_time([]) is None


def _row(instance: str, weeks: int, **fields: object) -> report.Row:
    row: report.Row = {
        "instance": instance,
        "weeks": weeks,
        "seed": 1,
        "variables": 100,
        "constraints": 200,
        "build_s": 0.1,
        "first_plan_s": 0.5,
        "to_1pct_s": 1.0,
        "status": "optimal",
        "objective": 400,
        "bound": 400,
        "gap": 0.0,
        "wall_s": 1.5,
        "recipe_misses": 0,
        "violations": 0,
        "heuristic_objective": 600,
        "heuristic_violations": 2,
    }
    row.update(fields)
    return row


def _results() -> dict[float, list[report.Row]]:
    return {
        10.0: [_row("a", 4), _row("b", 16, status="feasible", gap=0.2, to_1pct_s=None)],
        30.0: [_row("c", 24, gap=0.005, to_1pct_s=12.0), _row("d", 36, to_1pct_s=20.0)],
        60.0: [_row("e", 52, gap=0.03, to_1pct_s=None, build_s=0.7, heuristic_objective="-")],
    }


def _render(existing: str | None = None) -> str:
    return report.render(
        _results(),
        command="python -m benchmarks",
        date="2027-01-01 00:00 UTC",
        machine_line="2 cores",
        workers=2,
        plots=[("Cactus plot", "plots/cactus.svg")],
        existing=existing,
    )


def test_render_keeps_the_what_was_tried_section() -> None:
    first = _render()
    assert report.DEFAULT_TRIED in first
    tried = "- Symmetry breaking on rest days: no gain (median 3 % slower).\n- Kept: hints."
    edited = first.replace(report.DEFAULT_TRIED, tried)
    again = _render(existing=edited)
    assert tried in again
    assert report.DEFAULT_TRIED not in again
    assert _render(existing=again) == again  # stable over regenerations


def test_render_holds_machine_command_tables_and_plots() -> None:
    text = _render()
    assert "2 cores" in text
    assert "`python -m benchmarks`" in text
    assert "## Time limit 10 s" in text
    assert "## Time limit 60 s" in text
    assert "![Cactus plot](plots/cactus.svg)" in text
    header = next(line for line in text.splitlines() if line.startswith("| instance"))
    for title in ("first plan s", "to 1 % s", "heuristic objective", "heuristic violations"):
        assert title in header


def test_targets_say_met_or_not_met_with_numbers() -> None:
    lines = report.target_lines(_results())
    text = "\n".join(lines)
    assert "Up to 16 weeks proven optimal within 10 s: **not met**: 1/2 optimal" in text
    assert "24 and 36 weeks: gap at most 1% within 30 s: **met**: 2/2 within" in text
    assert "52 weeks: gap at most 2% within 60 s: **not met**: 0/1 within (worst 3.00 %)" in text
    assert "First complete plan within 1 s: **met**" in text
    assert "Model build within 0.5 s for 52 weeks: **not met**: slowest 0.70 s" in text
    assert "Optimised plans without checker violations: **met**" in text
    assert "Heuristic baseline" in text
    assert "its objective against the optimised plan's: median +50 %" in text


def test_first_plan_target_counts_solves_that_ended_without_a_plan() -> None:
    rows = [_row("a", 4, status="unknown", first_plan_s=3.0), _row("b", 8, first_plan_s=None)]
    rows.append(_row("c", 8, status="infeasible", first_plan_s=None))
    lines = report.target_lines({10.0: rows})
    assert (
        "First complete plan within 1 s: **not met**: slowest none found, "
        "2 of 2 solves later or without one." in lines
    )


def test_targets_without_the_runs_say_not_measured() -> None:
    lines = report.target_lines({2.0: [_row("a", 8)]})
    assert any("not measured (no 10 s run)" in line for line in lines)


def test_growth_exponent_of_linear_and_quadratic_times() -> None:
    linear = report.growth_exponent([(4, 1.0), (8, 2.0), (16, 4.0)])
    quadratic = report.growth_exponent([(4, 1.0), (8, 4.0), (16, 16.0)])
    assert linear is not None
    assert abs(linear - 1.0) < 1e-9
    assert quadratic is not None
    assert abs(quadratic - 2.0) < 1e-9
    assert report.growth_exponent([(4, 1.0)]) is None


def test_table_formats_cells() -> None:
    assert report.cell("gap", 0.0123) == "1.23"
    assert report.cell("to_1pct_s", None) == ""
    assert report.cell("build_s", 0.456) == "0.46"
    assert report.cell("heuristic_objective", "-") == "-"


# ----- the instance generator ---------------------------------------------------------


def test_generator_is_reproducible() -> None:
    assert instances.generate(7) == instances.generate(7)
    assert instances.generate(7) != instances.generate(8)


def test_committed_instances_are_the_generators() -> None:
    folder = ROOT / "benchmarks" / "instances"
    committed = {path.name: path.read_text(encoding="utf-8") for path in folder.glob("*.yaml")}
    assert committed == instances.generate(instances.DEFAULT_SEED)


def test_generator_covers_the_design() -> None:
    designs = instances.designs()
    assert len(designs) == 28
    assert {d.weeks for d in designs} == set(instances.HORIZONS)
    assert {(d.level, d.goal) for d in designs} == {
        (level, goal) for level in instances.LEVELS for goal in instances.GOALS
    }
    assert {(d.level, d.availability) for d in designs} == {
        (level, a) for level in instances.LEVELS for a in instances.AVAILABILITY
    }
    for name, text in instances.generate(3).items():
        assert text.startswith("# Benchmark instance")
        scenario = validate_data(Scenario, yaml.safe_load(text), name)
        week = int(name[1:3])
        assert scenario.horizon_weeks == week


def test_generated_instances_are_certified_feasible(tmp_path: Path) -> None:
    paths = instances.write(instances.generate(5), tmp_path)
    assert len(paths) == 28
    assert instances.check_feasible(paths[:6], None) == []


# ----- the runner ---------------------------------------------------------------------


def test_heuristic_objective_of_the_greedy_plan_and_of_a_plan_the_model_rejects() -> None:
    scenario = load_scenario(ROOT / "benchmarks/instances/w04-2-intermediate-road-generous.yaml")
    sessions = greedy_sessions(scenario)
    value = heuristic_objective(scenario, sessions)
    assert isinstance(value, int)
    assert value > 0
    kind = scenario.catalogue["road_easy"]
    closed = next(
        day for day, date in enumerate(scenario.dates) if scenario.slot_minutes(date, Slot.AM) == 0
    )
    assert heuristic_objective(scenario, {**sessions, (closed, Slot.AM): (kind, 30)}) is None


@pytest.mark.slow
def test_runner_writes_results_csv_and_plots(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    results.write_text(f"old\n{report.START}\nkept by hand\n{report.END}\n", encoding="utf-8")
    csv_file = tmp_path / "rows.csv"
    instance = "benchmarks/instances/w04-2-intermediate-road-generous.yaml"
    code = main(
        [
            "--time-limit",
            "1",
            "--workers",
            "1",
            "--csv",
            str(csv_file),
            "--results",
            str(results),
            instance,
        ]
    )
    assert code == 0
    text = results.read_text(encoding="utf-8")
    assert "kept by hand" in text
    assert "w04-2-intermediate-road-generous" in text
    assert len(csv_file.read_text(encoding="utf-8").splitlines()) == 2
    rerendered = tmp_path / "again.md"
    assert main(["--from-csv", str(csv_file), "--results", str(rerendered)]) == 0
    again = rerendered.read_text(encoding="utf-8")
    table = [line for line in text.splitlines() if line.startswith("| w04")]
    assert table == [line for line in again.splitlines() if line.startswith("| w04")]
    assert sorted(p.name for p in (tmp_path / "plots").iterdir()) == [
        "cactus.svg",
        "gap.svg",
        "time-to-gap.svg",
    ]


def test_runner_goes_on_after_a_crash_and_fails(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def crash(*_args: object) -> report.Row:
        raise RuntimeError("boom")

    monkeypatch.setattr(runner, "run_one", crash)
    instance = "benchmarks/instances/w04-2-intermediate-road-generous.yaml"
    assert main(["--time-limit", "1", "--no-results", instance, instance]) == 1
    assert capsys.readouterr().out.count("error: RuntimeError") == 1  # listed once


WEEK_PROBE = """\
name: Week bound probe
start: 2027-01-04
weeks: 2
athlete: {level: beginner, weekly_minutes: 200, long_minutes: 60}
availability: {tue: {pm: 60}, thu: {pm: 60}, sat: {am: 120}}
terrain: {road: all, trail: [sat]}
"""


@pytest.mark.slow
def test_weekly_bounds_stay_below_the_plan_and_compose_a_plan() -> None:
    """The weekly bounds add up to at most the solved plan's objective (each week's model
    is a relaxation of the full one), and the weekly plans compose into sessions of the
    scenario's weeks only."""
    scenario = scenario_from_text(WEEK_PROBE)
    plan = solve(scenario, SolveOptions(time_limit_s=3, workers=2, seed=1))
    assert plan.stats.objective is not None
    bounds = [
        week_bounds.week_bound(scenario, week.index, seconds=2, workers=2, recipes=False)
        for week in scenario.calendar
    ]
    assert [bound.week for bound, _ in bounds] == [1, 2]
    assert all(bound.status == "optimal" for bound, _ in bounds)
    assert sum(bound.bound for bound, _ in bounds) <= plan.stats.objective + 1
    for bound, sessions in bounds:
        assert sessions
        assert {day // 7 + 1 for day, _ in sessions} == {bound.week}


def test_coach_reading_of_a_written_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The half marathon's greedy plan, written as JSON and read with ``--plans``: the row
    holds the checker's count and the longest counting session before the taper, worked
    out here from the plan's own days (runs count before a road race)."""
    path = ROOT / "scenarios" / "half-marathon-8-weeks.yaml"
    scenario = load_scenario(path)
    plan = greedy_plan(scenario)
    (tmp_path / f"{path.stem}.json").write_text(plan.to_json(), encoding="utf-8")
    assert coach_reading.main(["--plans", str(tmp_path), str(path)]) == 0
    header, _, row = capsys.readouterr().out.splitlines()
    assert header == coach_reading.HEADER
    cells = row.split(" | ")
    assert cells[:4] == [
        path.stem,
        "feasible",
        str(len(check(scenario, plan))),
        str(len(plan.shortfalls)),
    ]
    taper = {w.index for w in scenario.calendar if w.phase is Phase.TAPER}
    week_of = {d: w.index for w in scenario.calendar for d in w.dates()}
    longest = max(
        s.minutes
        for day in plan.days
        if week_of[day.date] not in taper
        for s in day.sessions
        if s.modality is Modality.RUN
    )
    assert cells[4].startswith(f"{longest}/")


def test_coach_reading_flags_a_long_session_below_the_contracts_share() -> None:
    """A reading whose longest session is 80 % of what was reachable is marked low; 85 %
    is not."""
    reading = coach_reading.Reading("x", "feasible", 0, 0, 80, 100, 300, 240, 320, (), (), ())
    assert "(80%) **low**" in reading.row()
    assert "**low**" not in dataclasses.replace(reading, longest=85).row()
