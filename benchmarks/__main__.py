"""Solve every shipped scenario and print a results table (and optionally a CSV).

    python -m benchmarks [--time-limit S] [--workers N] [--seed N] [--csv FILE] [GLOB]

Every plan goes through the independent checker; a violation makes the run exit 1.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

from periodize import check, load_scenario, solve
from periodize.solve import SolveOptions

COLUMNS = (
    "instance",
    "weeks",
    "variables",
    "constraints",
    "build_s",
    "status",
    "objective",
    "bound",
    "gap",
    "wall_s",
    "recipe_misses",
    "violations",
)


def run(pattern: str, options: SolveOptions) -> list[dict[str, object]]:
    """Solve each scenario matching ``pattern``; one result row each."""
    rows: list[dict[str, object]] = []
    for path in sorted(Path().glob(pattern)):
        scenario = load_scenario(path)
        started = time.perf_counter()
        plan = solve(scenario, options)
        wall = time.perf_counter() - started
        violations = check(scenario, plan) if plan.has_plan else []
        rows.append(
            {
                "instance": path.stem,
                "weeks": scenario.horizon_weeks,
                "variables": plan.stats.variables,
                "constraints": plan.stats.constraints,
                "build_s": plan.stats.build_time_s,
                "status": plan.status.value,
                "objective": plan.stats.objective,
                "bound": plan.stats.bound,
                "gap": plan.stats.gap,
                "wall_s": round(wall, 1),
                "recipe_misses": plan.objective_terms.get("S0"),
                "violations": len(violations),
            }
        )
        print(" | ".join(str(rows[-1][c]) for c in COLUMNS), flush=True)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("pattern", nargs="?", default="scenarios/*.yaml")
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--csv", type=Path)
    args = parser.parse_args()
    options = SolveOptions(time_limit_s=args.time_limit, workers=args.workers, seed=args.seed)
    print(" | ".join(COLUMNS))
    rows = run(args.pattern, options)
    if args.csv:
        with args.csv.open("w", newline="", encoding="utf-8") as stream:
            writer = csv.DictWriter(stream, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
    return 1 if any(row["violations"] for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
