"""Solve the benchmark instances and write the results: a table per time limit, a CSV and
benchmarks/RESULTS.md with plots.

    python -m benchmarks [--time-limit 10,30,60] [--workers N] [--seeds 1,2,3]
                         [--csv FILE] [--results FILE | --no-results] [GLOB ...]

GLOB defaults to the generated instances (``benchmarks/instances/*.yaml``, see
``python -m benchmarks.instances``) and the shipped ``scenarios/*.yaml``. Each instance is
solved once per time limit and seed. Every optimised plan goes through the independent
checker; a violation, or a solve that raises, makes the run exit 1 (the other solves go
on). Beside each solve the greedy planner of
`periodize.heuristic` gives the baseline: its objective (S1-S4, evaluated in the model with
every choice fixed to the greedy plan; ``-`` when the model rejects that plan) and its
checker violations.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import glob
import shlex
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

from ortools.sat.python import cp_model

from benchmarks import report
from periodize import check, load_scenario, solve
from periodize.heuristic import Sessions, greedy_sessions, plan_from_sessions
from periodize.model.build import build_model
from periodize.model.objective import SCALE
from periodize.scenario import Scenario
from periodize.solve import Progress, SolveOptions

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_GLOBS = ("benchmarks/instances/*.yaml", "scenarios/*.yaml")
DEFAULT_RESULTS = Path("benchmarks/RESULTS.md")
HEURISTIC_EVAL_S = 10.0
"""Time allowed to evaluate the greedy plan's objective in the model (all choices fixed)."""


def instance_paths(patterns: Sequence[str]) -> list[Path]:
    """The files matching ``patterns`` (globs relative to the working directory, else to
    the repository root), in order, each once."""
    found: dict[Path, None] = {}
    for pattern in patterns:
        matches = sorted(glob.glob(pattern)) or sorted(glob.glob(str(ROOT / pattern)))
        for match in matches:
            found.setdefault(Path(match), None)
    return list(found)


def heuristic_objective(scenario: Scenario, sessions: Sessions) -> int | None:
    """The S1-S4 objective (weighted, in points) of ``sessions``: the model with every
    candidate's choice and duration fixed to them, as `periodize.solve` maps a plan onto
    candidates for its hints. None when the model rejects the plan (a session with no
    candidate, or a hard rule broken)."""
    built = build_model(scenario)
    model, grid = built.model, built.ctx.rules.grid_minutes
    matched: set[tuple[int, object]] = set()
    for candidate in built.ctx.candidates:
        planned = sessions.get((candidate.day, candidate.slot))
        chosen = planned is not None and planned[0].id == candidate.kind.id
        model.add(candidate.chosen == int(chosen))
        if planned is not None and chosen:
            matched.add((candidate.day, candidate.slot))
            minutes = planned[1]
            if candidate.units is not None:
                model.add(candidate.units == minutes // grid)
            elif candidate.max_minutes != minutes:
                return None
        elif candidate.units is not None:
            model.add(candidate.units == 0)
    if len(matched) != len(sessions):
        return None
    model.minimize(built.objective)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = HEURISTIC_EVAL_S
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return round(solver.objective_value / SCALE)


def run_one(path: Path, scenario: Scenario, options: SolveOptions) -> report.Row:
    """Solve one instance; its result row."""
    events: list[Progress] = []
    started = time.perf_counter()
    plan = solve(scenario, options, progress=events.append)
    wall = time.perf_counter() - started
    violations = check(scenario, plan) if plan.has_plan else []
    for violation in violations:
        print(f"  VIOLATION {path.stem}: {violation.rule} {violation.message}", file=sys.stderr)
    heuristic_started = time.perf_counter()
    sessions = greedy_sessions(scenario)
    greedy = plan_from_sessions(scenario, sessions)
    heuristic_s = time.perf_counter() - heuristic_started
    greedy_violations = len(check(scenario, greedy))
    greedy_objective = heuristic_objective(scenario, sessions)
    gap = plan.stats.gap
    return {
        "time_limit_s": options.time_limit_s,
        "instance": path.stem,
        "weeks": scenario.horizon_weeks,
        "seed": options.seed,
        "variables": plan.stats.variables,
        "constraints": plan.stats.constraints,
        "build_s": plan.stats.build_time_s,
        "first_plan_s": report.first_plan_time(events),
        "to_1pct_s": report.time_to_gap(events, final_gap=gap, wall_s=wall)
        if plan.has_plan
        else None,
        "status": plan.status.value,
        "objective": plan.stats.objective,
        "bound": plan.stats.bound,
        "gap": gap,
        "wall_s": round(wall, 2),
        "recipe_misses": plan.objective_terms.get("S0"),
        "violations": len(violations),
        "heuristic_objective": "-" if greedy_objective is None else greedy_objective,
        "heuristic_violations": greedy_violations,
        "heuristic_s": round(heuristic_s, 3),
    }


def parse_floats(text: str) -> list[float]:
    return [float(part) for part in text.split(",") if part.strip()]


def parse_ints(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("patterns", nargs="*", metavar="GLOB", default=list(DEFAULT_GLOBS))
    parser.add_argument(
        "--time-limit",
        type=parse_floats,
        default=[10.0, 30.0, 60.0],
        metavar="S[,S...]",
        help="time limits in seconds; one table per limit (default 10,30,60)",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seeds", type=parse_ints, default=[1], metavar="N[,N...]")
    parser.add_argument("--seed", type=int, help="one seed (same as --seeds N)")
    parser.add_argument("--csv", type=Path, help="write every row to this CSV file")
    parser.add_argument("--results", type=Path, default=DEFAULT_RESULTS)
    parser.add_argument(
        "--no-results", action="store_true", help="do not rewrite RESULTS.md or the plots"
    )
    parser.add_argument(
        "--from-csv",
        type=Path,
        metavar="FILE",
        help="solve nothing: rewrite RESULTS.md and the plots from a CSV of an earlier run",
    )
    args = parser.parse_args(argv)
    if args.from_csv:
        with args.from_csv.open(encoding="utf-8") as stream:
            loaded = report.read_rows(stream)
        write_results(args.results, loaded, argv, args.workers)
        return 0
    seeds = [args.seed] if args.seed is not None else args.seeds
    paths = instance_paths(args.patterns)
    if not paths:
        print(f"no instance matches {' '.join(args.patterns)}", file=sys.stderr)
        return 2
    scenarios = [(path, load_scenario(path)) for path in paths]
    by_limit: dict[float, list[report.Row]] = {}
    names = [name for name, _ in report.COLUMNS]
    for limit in args.time_limit:
        print(f"\n## time limit {limit:g} s, {args.workers} workers\n" + " | ".join(names))
        rows = by_limit.setdefault(limit, [])
        for path, scenario in scenarios:
            for seed in seeds:
                options = SolveOptions(time_limit_s=limit, workers=args.workers, seed=seed)
                try:
                    row = run_one(path, scenario, options)
                except Exception as error:  # one crash must not lose the whole run
                    traceback.print_exc()
                    row = {
                        "time_limit_s": limit,
                        "instance": path.stem,
                        "weeks": scenario.horizon_weeks,
                        "seed": seed,
                        "status": f"error: {type(error).__name__}",
                    }
                rows.append(row)
                print(" | ".join(report.cell(n, row.get(n)) for n in names), flush=True)
    if args.csv:
        with args.csv.open("w", newline="", encoding="utf-8") as stream:
            writer = csv.DictWriter(stream, fieldnames=report.CSV_FIELDS)
            writer.writeheader()
            for rows in by_limit.values():
                writer.writerows(rows)
    if not args.no_results:
        write_results(args.results, by_limit, argv, args.workers)
    print()
    for line in report.target_lines(by_limit):
        print(line)
    every = [row for rows in by_limit.values() for row in rows]
    failed = sum(int(str(row.get("violations") or 0)) for row in every)
    errors = sum(1 for row in every if str(row.get("status", "")).startswith("error"))
    return 1 if failed or errors else 0


def write_results(
    results: Path,
    by_limit: dict[float, list[report.Row]],
    argv: Sequence[str] | None,
    workers: int,
) -> None:
    """Rewrite RESULTS.md and its plots (in ``plots/`` beside it)."""
    existing = results.read_text(encoding="utf-8") if results.exists() else None
    folder = results.parent / "plots"
    plots = report.plot(by_limit, folder)
    links = [(title, str(path.relative_to(results.parent))) for title, path in plots]
    words = list(sys.argv[1:] if argv is None else argv)
    command = "python -m benchmarks" + ("" if not words else " " + shlex.join(words))
    text = report.render(
        by_limit,
        command=command,
        date=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        machine_line=report.machine().line(),
        workers=workers,
        plots=links,
        existing=existing,
    )
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(text, encoding="utf-8")
    print(f"wrote {results} and {len(plots)} plots in {folder}")


if __name__ == "__main__":
    sys.exit(main())
