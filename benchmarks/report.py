"""The pure parts of the benchmark runner: result rows, time to a gap from progress events,
the issue's targets, the Markdown of RESULTS.md and its plots.

Nothing here solves: `benchmarks.__main__` runs the solves and hands the rows over.
"""

from __future__ import annotations

import math
import os
import platform
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from periodize.solve import Progress

TARGET_GAP = 0.01
"""The gap at which "time to 1 % gap" is read."""

COLUMNS: tuple[tuple[str, str], ...] = (
    ("instance", "instance"),
    ("weeks", "weeks"),
    ("seed", "seed"),
    ("variables", "variables"),
    ("constraints", "constraints"),
    ("build_s", "build s"),
    ("first_plan_s", "first plan s"),
    ("to_1pct_s", "to 1 % s"),
    ("status", "status"),
    ("objective", "objective"),
    ("bound", "bound"),
    ("gap", "gap %"),
    ("wall_s", "wall s"),
    ("recipe_misses", "recipe misses"),
    ("violations", "violations"),
    ("heuristic_objective", "heuristic objective"),
    ("heuristic_violations", "heuristic violations"),
)
"""CSV field names and the table headers of RESULTS.md, in order."""
CSV_FIELDS = ("time_limit_s", *(name for name, _ in COLUMNS), "heuristic_s")

Row = dict[str, object]

START, END = "<!-- what-was-tried:start -->", "<!-- what-was-tried:end -->"
DEFAULT_TRIED = (
    "Nothing recorded yet. Write here what was tried to meet the targets and what it gave;\n"
    "the runner keeps this section (between the markers) when it rewrites the file."
)


def time_to_gap(
    events: Iterable[Progress],
    target: float = TARGET_GAP,
    *,
    final_gap: float | None = None,
    wall_s: float | None = None,
) -> float | None:
    """Seconds until the objective stage first reported a gap of at most ``target``.

    The events are the solve's `Progress` reports. A solve can close its gap after its last
    improving solution (the bound moves, no new solution is reported); when no event shows
    the gap but the final plan's ``final_gap`` is within ``target``, the answer is the
    solve's ``wall_s`` (an upper bound on the moment it happened). None when the gap never
    came within ``target``."""
    for event in events:
        if event.stage != "objective":
            continue
        gap = event.gap
        if gap is not None and gap <= target:
            return round(event.elapsed_s, 3)
    if final_gap is not None and final_gap <= target and wall_s is not None:
        return round(wall_s, 3)
    return None


def first_plan_time(events: Iterable[Progress]) -> float | None:
    """Seconds until the first complete plan (the first progress event of any stage)."""
    for event in events:
        return round(event.elapsed_s, 3)
    return None


# ----- the machine -------------------------------------------------------------------


@dataclass(frozen=True)
class Machine:
    cores: int
    cpu: str
    ram_gib: float
    python: str
    ortools: str

    def line(self) -> str:
        return (
            f"{self.cores} cores, {self.cpu}, {self.ram_gib:.1f} GiB RAM; "
            f"Python {self.python}, OR-Tools {self.ortools}"
        )


def machine() -> Machine:
    """Cores, CPU model (``/proc/cpuinfo``), RAM (``/proc/meminfo``) and versions."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = 0.0
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                ram = int(line.split()[1]) / 1024**2
                break
    except OSError:
        pass
    try:
        from importlib.metadata import version

        ortools = version("ortools")
    except Exception:  # pragma: no cover - metadata missing
        ortools = "?"
    return Machine(os.cpu_count() or 1, cpu, ram, platform.python_version(), ortools)


# ----- formatting --------------------------------------------------------------------


def cell(name: str, value: object) -> str:
    """One table cell: empty for None, the gap in percent, seconds to two decimals."""
    if value is None or value == "":
        return ""
    if name == "gap" and isinstance(value, int | float):
        return f"{100 * value:.2f}"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def table(rows: Sequence[Row]) -> str:
    """The rows as a Markdown table with the runner's columns."""
    show_seed = len({row.get("seed") for row in rows}) > 1
    columns = [(n, h) for n, h in COLUMNS if show_seed or n != "seed"]
    lines = [
        "| " + " | ".join(h for _, h in columns) + " |",
        "|" + "|".join("---" if n in ("instance", "status") else "---:" for n, _ in columns) + "|",
    ]
    for row in rows:
        lines.append("| " + " | ".join(cell(n, row.get(n)) for n, _ in columns) + " |")
    return "\n".join(lines)


# ----- targets -----------------------------------------------------------------------


def _has_plan(row: Row) -> bool:
    return row.get("status") in ("optimal", "feasible")


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _weeks(row: Row) -> int:
    value = row.get("weeks")
    return value if isinstance(value, int) else 0


def _limit_rows(by_limit: Mapping[float, Sequence[Row]], limit: float) -> Sequence[Row] | None:
    for key, rows in by_limit.items():
        if math.isclose(key, limit):
            return rows
    return None


def growth_exponent(points: Sequence[tuple[float, float]]) -> float | None:
    """The least-squares slope of log(time) against log(weeks): 1 is linear growth."""
    usable = [(math.log(w), math.log(max(t, 1e-3))) for w, t in points if w > 0]
    if len({x for x, _ in usable}) < 2:
        return None
    mean_x = statistics.fmean(x for x, _ in usable)
    mean_y = statistics.fmean(y for _, y in usable)
    num = sum((x - mean_x) * (y - mean_y) for x, y in usable)
    den = sum((x - mean_x) ** 2 for x, _ in usable)
    return num / den


def target_lines(by_limit: Mapping[float, Sequence[Row]]) -> list[str]:
    """One line per target of issue 5: met or not met, with the numbers."""
    lines: list[str] = []

    def verdict(ok: bool) -> str:
        return "**met**" if ok else "**not met**"

    rows10 = _limit_rows(by_limit, 10)
    if rows10 is None:
        lines.append("Up to 16 weeks proven optimal within 10 s: not measured (no 10 s run).")
    else:
        small = [r for r in rows10 if _weeks(r) <= 16 and _has_plan(r)]
        optimal = [r for r in small if r.get("status") == "optimal"]
        slowest = max((_number(r.get("wall_s")) or 0.0 for r in optimal), default=0.0)
        missed = sorted(str(r["instance"]) for r in small if r.get("status") != "optimal")
        lines.append(
            f"Up to 16 weeks proven optimal within 10 s: {verdict(len(optimal) == len(small))}"
            f": {len(optimal)}/{len(small)} optimal (slowest {slowest:.1f} s)"
            + (f"; not proven: {', '.join(missed)}" if missed else "")
            + "."
        )
    for weeks, limit, gap in (((24, 36), 30.0, 0.01), ((52,), 60.0, 0.02)):
        rows = _limit_rows(by_limit, limit)
        label = " and ".join(str(w) for w in weeks)
        what = f"{label} weeks: gap at most {gap:.0%} within {limit:g} s"
        if rows is None:
            lines.append(f"{what}: not measured (no {limit:g} s run).")
            continue
        chosen = [r for r in rows if _weeks(r) in weeks and _has_plan(r)]
        gaps = [_number(r.get("gap")) for r in chosen]
        within = [g for g in gaps if g is not None and g <= gap]
        worst = max((g if g is not None else math.inf for g in gaps), default=0.0)
        worst_text = "no bound" if math.isinf(worst) else f"{100 * worst:.2f} %"
        lines.append(
            f"{what}: {verdict(bool(chosen) and len(within) == len(chosen))}: "
            f"{len(within)}/{len(chosen)} within (worst {worst_text})."
        )
    every = [r for rows in by_limit.values() for r in rows]
    # every solve of a feasible instance should show a first plan, even one that ended
    # without a plan (status unknown)
    firsts = [_number(r.get("first_plan_s")) for r in every if r.get("status") != "infeasible"]
    slow_first = max((f if f is not None else math.inf for f in firsts), default=0.0)
    late = sum(1 for f in firsts if f is None or f > 1.0)
    lines.append(
        f"First complete plan within 1 s: {verdict(late == 0 and bool(firsts))}: "
        f"slowest {'none found' if math.isinf(slow_first) else f'{slow_first:.2f} s'}, "
        f"{late} of {len(firsts)} solves later or without one."
    )
    builds = [_number(r.get("build_s")) or 0.0 for r in every if _weeks(r) >= 52]
    if builds:
        lines.append(
            f"Model build within 0.5 s for 52 weeks: {verdict(max(builds) <= 0.5)}: "
            f"slowest {max(builds):.2f} s."
        )
    else:
        lines.append("Model build within 0.5 s for 52 weeks: not measured (no 52-week instance).")
    if by_limit:
        limit = max(by_limit)
        rows = [r for r in by_limit[limit] if _has_plan(r)]
        points = [
            (float(_weeks(r)), t) for r in rows if (t := _number(r.get("to_1pct_s"))) is not None
        ]
        never = len(rows) - len(points)
        slope = growth_exponent(points)
        if slope is None:
            lines.append(
                f"Time to 1 % gap at most linear in the horizon ({limit:g} s run): not "
                f"measurable ({len(points)} instances reached 1 %)."
            )
        else:
            ok = slope <= 1.0 and never == 0
            lines.append(
                f"Time to 1 % gap at most linear in the horizon ({limit:g} s run): "
                f"{verdict(ok)}: log-log slope {slope:.2f} over {len(points)} instances"
                + (f"; {never} never reached 1 %" if never else "")
                + "."
            )
    violations = sum(int(_number(r.get("violations")) or 0) for r in every)
    lines.append(
        f"Optimised plans without checker violations: {verdict(violations == 0)}: "
        f"{violations} violations over {len(every)} solves."
    )
    heuristic = [_number(r.get("heuristic_violations")) for r in every]
    counted = [v for v in heuristic if v is not None]
    ratios = []
    for r in every:
        h, o = _number(r.get("heuristic_objective")), _number(r.get("objective"))
        if h is not None and o is not None:
            ratios.append((h - o) / max(1.0, abs(o)))
    evaluated = len(ratios)
    text = (
        f"Heuristic baseline (reported): checker violations median "
        f"{statistics.median(counted):g}, max {max(counted):g}, "
        f"{sum(1 for v in counted if v == 0)}/{len(counted)} clean"
        if counted
        else "Heuristic baseline: not measured"
    )
    if ratios:
        text += (
            f"; its objective against the optimised plan's: median "
            f"{100 * statistics.median(ratios):+.0f} % (over {evaluated} plans the model accepts)"
        )
    lines.append(text + ".")
    return lines


# ----- CSV ---------------------------------------------------------------------------

_TEXT_FIELDS = {"instance", "status"}


def _parse(name: str, text: str) -> object:
    if text == "":
        return None
    if name in _TEXT_FIELDS:
        return text
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text  # "-": a heuristic plan the model rejects


def read_rows(lines: Iterable[str]) -> dict[float, list[Row]]:
    """Rows of a runner CSV, grouped by time limit (to re-render RESULTS.md)."""
    import csv

    by_limit: dict[float, list[Row]] = {}
    for record in csv.DictReader(lines):
        row: Row = {name: _parse(name, value) for name, value in record.items()}
        limit = float(record["time_limit_s"])
        by_limit.setdefault(limit, []).append(row)
    return by_limit


# ----- RESULTS.md --------------------------------------------------------------------


def tried_section(existing: str | None) -> str:
    """The hand-written "What was tried" text of an existing RESULTS.md (between the
    markers), or the placeholder."""
    if existing and START in existing and END in existing:
        inner = existing.split(START, 1)[1].split(END, 1)[0]
        return inner.strip("\n")
    return DEFAULT_TRIED


def render(
    by_limit: Mapping[float, Sequence[Row]],
    *,
    command: str,
    date: str,
    machine_line: str,
    workers: int,
    plots: Sequence[tuple[str, str]] = (),
    existing: str | None = None,
) -> str:
    """The whole RESULTS.md: machine, command, date, targets, one table per time limit,
    plots, and the preserved "What was tried" section."""
    parts = [
        "# Benchmark results",
        "",
        "Generated by the benchmark runner (`python -m benchmarks`); do not edit by hand,",
        'except the "What was tried" section, which the runner keeps.',
        "",
        f"- **Machine:** {machine_line}",
        f"- **Command:** `{command}`",
        f"- **Date:** {date}",
        f"- **Workers:** {workers}",
        "",
        "## Targets (issue 5)",
        "",
        *(f"- {line}" for line in target_lines(by_limit)),
        "",
        "Columns: times in seconds from the start of `solve()`; *first plan* is the first",
        "progress event (the completed construction); *to 1 %* the first objective-stage",
        "event with gap <= 1 % (the wall time when the gap closed without a new solution;",
        "empty when it never did); gap in percent; *heuristic* is `periodize.heuristic`'s",
        "greedy plan: its S1-S4 objective in the model (`-` where the model rejects the plan)",
        "and its checker violations.",
    ]
    for limit, rows in sorted(by_limit.items()):
        parts += ["", f"## Time limit {limit:g} s", "", table(rows)]
    if plots:
        parts += ["", "## Plots", ""]
        for title, path in plots:
            parts += [f"![{title}]({path})", ""]
        parts.pop()
    parts += ["", "## What was tried", "", START, tried_section(existing), END, ""]
    return "\n".join(parts)


# ----- plots -------------------------------------------------------------------------


def _legend(plt: Any) -> None:
    """A legend, when something was drawn."""
    if plt.gca().get_legend_handles_labels()[0]:
        plt.legend()


def plot(by_limit: Mapping[float, Sequence[Row]], folder: Path) -> list[tuple[str, Path]]:
    """SVG plots: time to 1 % gap and final gap against the horizon (log scales), and a
    cactus plot. Returns (title, path) pairs."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    matplotlib.rcParams["svg.hashsalt"] = "periodize-benchmarks"
    folder.mkdir(parents=True, exist_ok=True)
    made: list[tuple[str, Path]] = []
    metadata = {"Date": None}

    def save(figure: object, name: str, title: str) -> None:
        path = folder / name
        plt.savefig(path, format="svg", metadata=metadata, bbox_inches="tight")
        plt.close("all")
        made.append((title, path))

    limits = sorted(by_limit)
    plt.figure(figsize=(6, 4))
    for limit in limits:
        points = [
            (_weeks(r), t)
            for r in by_limit[limit]
            if (t := _number(r.get("to_1pct_s"))) is not None
        ]
        if points:
            xs, ys = [x for x, _ in points], [y for _, y in points]
            plt.scatter(xs, ys, label=f"limit {limit:g} s", s=18)
    plt.xscale("log")
    plt.yscale("log")
    plt.xlabel("horizon (weeks)")
    plt.ylabel("time to 1 % gap (s)")
    plt.title("Time to 1 % gap against horizon")
    plt.grid(True, which="both", alpha=0.3)
    _legend(plt)
    save(plt.gcf(), "time-to-gap.svg", "Time to 1 % gap against horizon")

    plt.figure(figsize=(6, 4))
    for limit in limits:
        points = [
            (_weeks(r), max(100 * g, 1e-3))
            for r in by_limit[limit]
            if (g := _number(r.get("gap"))) is not None
        ]
        if points:
            xs, ys = [x for x, _ in points], [y for _, y in points]
            plt.scatter(xs, ys, label=f"limit {limit:g} s", s=18)
    plt.xscale("log")
    plt.yscale("log")
    plt.axhline(1.0, color="grey", linestyle="--", linewidth=0.8)
    plt.xlabel("horizon (weeks)")
    plt.ylabel("final gap (%; 0 drawn at 0.001)")
    plt.title("Final gap against horizon")
    plt.grid(True, which="both", alpha=0.3)
    _legend(plt)
    save(plt.gcf(), "gap.svg", "Final gap against horizon")

    plt.figure(figsize=(6, 4))
    for limit in limits:
        times = sorted(t for r in by_limit[limit] if (t := _number(r.get("to_1pct_s"))) is not None)
        if times:
            plt.step(times, range(1, len(times) + 1), where="post", label=f"limit {limit:g} s")
    plt.xscale("log")
    plt.xlabel("time (s)")
    plt.ylabel("instances within 1 % gap")
    plt.title("Cactus plot: instances solved to 1 % gap against time")
    plt.grid(True, which="both", alpha=0.3)
    _legend(plt)
    save(plt.gcf(), "cactus.svg", "Cactus plot")
    return made
