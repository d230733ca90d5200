"""Batch throughput: plans per minute of ``periodize batch`` on generated 16-week scenarios.

    python -m benchmarks.batch_throughput [--count 100] [--seed 1] [--time-limit 2]
        [--workers 1] [--base FILE] [--runs local-1,local-2,dask-2] [--output FILE]
        [--cap-minutes M]

With ``--time-limit 2 --workers 1`` (the defaults) a 16-week solve takes longer than its
limit: the week-by-week construction alone takes about 4 s with 1 CP-SAT worker on a
2-core machine, and its plan is what such a solve returns (feasible, no bound).

Generates ``--count`` scenarios reproducibly from ``--seed`` by varying a shipped 16-week
scenario (start date, minutes of each available slot, level, race distance), then runs
``periodize batch`` on them once per configuration: the local pool with 1 and with 2
parallel solves, and a Dask LocalCluster with 2 worker processes. Each run's wall time
is the whole command's (process pool or cluster start included). Writes a Markdown table
with the machine, the date and the commands to ``--output`` (BATCH_RESULTS.md).
"""

from __future__ import annotations

import argparse
import copy
import csv
import datetime as dt
import os
import platform
import random
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "scenarios" / "road-marathon-trail-base.yaml"
RESULTS = Path(__file__).resolve().parent / "BATCH_RESULTS.md"
LEVELS = ("beginner", "intermediate", "intermediate", "advanced")
"""Levels to draw from (intermediate twice as often, as in the shipped scenario)."""
DISTANCES_KM = (21.1, 30.0, 42.2)
"""Road race distances to draw from."""
RUNS = {
    "local-1": ("local pool, 1 parallel solve", ["--jobs", "1"]),
    "local-2": ("local pool, 2 parallel solves", ["--jobs", "2"]),
    "dask-2": ("Dask LocalCluster, 2 worker processes", ["--local-cluster", "--jobs", "2"]),
}


def generate(base: Path, count: int, seed: int, folder: Path) -> list[Path]:
    """``count`` variations of ``base`` in ``folder``, the same for the same seed: the
    start (and race) moved by 0-40 weeks, each slot's minutes scaled by 0.8-1.25 (to
    5 minutes), a level, and a race distance."""
    source: dict[str, Any] = yaml.safe_load(base.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for index in range(count):
        scenario = copy.deepcopy(source)
        shift = dt.timedelta(weeks=rng.randrange(0, 41))
        scenario["name"] = f"Generated {index:03d} from {base.stem}"
        scenario["start"] = scenario["start"] + shift
        race = scenario["goal"]["race"]
        race["date"] = race["date"] + shift
        race["distance_km"] = rng.choice(DISTANCES_KM)
        scenario["athlete"]["level"] = rng.choice(LEVELS)
        for slots in scenario["availability"].values():
            for slot, minutes in slots.items():
                slots[slot] = max(30, round(minutes * rng.uniform(0.8, 1.25) / 5) * 5)
        path = folder / f"generated-{index:03d}.yaml"
        path.write_text(yaml.safe_dump(scenario, sort_keys=False), encoding="utf-8")
        paths.append(path)
    return paths


@dataclass(frozen=True)
class Measurement:
    """One run of the batch: what it was, how long it took, how each scenario ended."""

    run: str
    label: str
    command: str
    wall_s: float
    exit_code: int
    statuses: Counter[str]

    @property
    def plans(self) -> int:
        return self.statuses["optimal"] + self.statuses["feasible"]

    @property
    def scenarios(self) -> int:
        return sum(self.statuses.values())

    def per_minute(self, count: int) -> float:
        return count / (self.wall_s / 60) if self.wall_s else 0.0


def periodize_command() -> list[str]:
    """The ``periodize`` console script of this interpreter's environment."""
    beside = Path(sys.executable).parent / "periodize"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("periodize")
    if found is None:
        raise SystemExit("periodize is not installed: pip install -e .")
    return [found]


def measure(
    run: str, folder: Path, out: Path, solve_args: list[str], cap_s: float | None
) -> Measurement:
    """Run the batch of configuration ``run`` on ``folder``; time the whole command. A run
    still going after ``cap_s`` gets Ctrl-C (the batch keeps what it finished, as for any
    interruption): its rate is then over what was done in that time."""
    label, run_args = RUNS[run]
    command = [*periodize_command(), "batch", str(folder), "-o", str(out), *run_args]
    command += [*solve_args, "--quiet"]
    started = time.perf_counter()
    with (out.parent / f"{run}.log").open("w", encoding="utf-8") as log:
        batch = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True
        )
        try:
            code = batch.wait(timeout=cap_s)
        except subprocess.TimeoutExpired:
            os.killpg(batch.pid, signal.SIGINT)  # the batch and its workers
            code = batch.wait()
    wall = time.perf_counter() - started
    with (out / "summary.csv").open(encoding="utf-8", newline="") as stream:
        statuses = Counter(row["status"] for row in csv.DictReader(stream))
    shown = ["periodize", "batch", "SCENARIOS", "-o", "OUT", *command[5:]]
    return Measurement(run, label, shlex.join(shown), wall, code, statuses)


def source_state() -> str:
    """The commit measured, and the source files changed on top of it, if any."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--", "src"],
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout.split("\n")
    except OSError:
        return "an unknown commit"
    dirty = sorted(line[3:] for line in changed if line.strip())
    return f"commit {commit}" + (f" (uncommitted changes: {', '.join(dirty)})" if dirty else "")


def cpu_model() -> str:
    """The CPU's model name, from /proc/cpuinfo where there is one."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def report(measurements: list[Measurement], args: argparse.Namespace, load: str) -> str:
    """The results as Markdown: machine, date, commands, and the table."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    lines = [
        "# Batch throughput",
        "",
        "Generated by `python -m benchmarks.batch_throughput"
        + (f" {shlex.join(sys.argv[1:])}" if sys.argv[1:] else "")
        + "` (see its docstring).",
        "",
        f"- date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: {cores} cores ({os.cpu_count()} logical CPUs), {cpu_model()}, "
        f"{platform.system()} {platform.release()}; load average before the runs: {load}",
        f"- software: Python {platform.python_version()}, ortools {version('ortools')}, "
        f"distributed {version('distributed')}; periodize at {source_state()}",
        f"- scenarios: {args.count} generated with seed {args.seed} from "
        f"`{args.base.relative_to(ROOT) if args.base.is_relative_to(ROOT) else args.base}` "
        "(16 weeks; start date, slot minutes, level and race distance varied)",
        f"- each solve: `--time-limit {args.time_limit:g} --workers {args.workers}`",
        "- wall time: the whole `periodize batch` command, process pool or cluster start "
        "included; plans are scenarios solved optimal or feasible",
        "",
        "| configuration | plans | infeasible | no plan in time | other | wall (s) "
        "| plans / min | solves / min |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for m in measurements:
        other = m.scenarios - m.plans - m.statuses["infeasible"] - m.statuses["unknown"]
        lines.append(
            f"| {m.label} | {m.plans} | {m.statuses['infeasible']} | {m.statuses['unknown']} "
            f"| {other} | {m.wall_s:.1f} | {m.per_minute(m.plans):.1f} "
            f"| {m.per_minute(m.scenarios):.1f} |"
        )
    cut = [m for m in measurements if m.scenarios < args.count]
    if cut:
        lines += [
            "",
            "Runs stopped at `--cap-minutes` (rated over the scenarios they finished): "
            + ", ".join(f"{m.label} ({m.scenarios} of {args.count})" for m in cut),
        ]
    lines += ["", "Commands (SCENARIOS and OUT were temporary folders):", ""]
    lines += [f"- {m.label}: `{m.command}` (exit {m.exit_code})" for m in measurements]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.batch_throughput")
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=2.0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--base", type=Path, default=BASE)
    parser.add_argument("--runs", default=",".join(RUNS), help=f"of {', '.join(RUNS)}")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument(
        "--cap-minutes",
        type=float,
        help="stop a run after this long (Ctrl-C) and rate what it finished",
    )
    args = parser.parse_args()
    args.base = args.base.resolve()
    runs = [run.strip() for run in args.runs.split(",") if run.strip()]
    unknown = [run for run in runs if run not in RUNS]
    if unknown:
        parser.error(f"unknown run(s): {', '.join(unknown)}")
    solve_args = ["--time-limit", f"{args.time_limit:g}", "--workers", str(args.workers)]
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    measurements: list[Measurement] = []
    with tempfile.TemporaryDirectory(prefix="periodize-batch-bench-") as work:
        folder = Path(work) / "scenarios"
        generate(args.base, args.count, args.seed, folder)
        for run in runs:
            cap = args.cap_minutes * 60 if args.cap_minutes else None
            measurement = measure(run, folder, Path(work) / run, solve_args, cap)
            measurements.append(measurement)
            print(
                f"{measurement.label}: {measurement.plans} plans of {measurement.scenarios} "
                f"in {measurement.wall_s:.1f} s = "
                f"{measurement.per_minute(measurement.plans):.1f} plans/min "
                f"{dict(measurement.statuses)}",
                flush=True,
            )
    args.output.write_text(report(measurements, args, load), encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
