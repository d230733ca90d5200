"""The benchmark instance set: a seeded, reproducible generator of scenario files.

    python -m benchmarks.instances [--seed N] [--out benchmarks/instances] [--check S]

Writes 28 scenarios, four per horizon of 4, 8, 12, 16, 24, 36 and 52 weeks, to
``benchmarks/instances/`` (any ``*.yaml`` there is replaced). Across each horizon's four the
design rotates the level (beginner, intermediate, advanced), the goal (trail race, road
race, no race) and the availability (sparse: four or five short days; generous: six or
seven days, doubles possible), so every level meets every goal and both availabilities over
the set. The random generator (seeded) draws the rest: baseline minutes, the free minutes of
each day, which weekdays reach trail, hills, track, pool and gym, the race distance and
climbing, and preferences. The same seed writes the same files, byte for byte. Each file
opens with a comment saying how it was made, and is validated with
`periodize.loading.validate_data` before it is written and read back with `load_scenario`.
Every instance is certified feasible: the plan without training sessions passes the
independent checker (soft recipes list their misses; every safety rule holds for it).
With ``--check S`` each is also solved for S seconds with one worker, and the generator
fails if a solve proves one infeasible. The rules are never loosened to get there.

Together with the shipped ``scenarios/*.yaml`` these are the ~40 instances of issue 5.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from periodize.loading import load_scenario, validate_data
from periodize.scenario import Scenario

HORIZONS = (4, 8, 12, 16, 24, 36, 52)
PER_HORIZON = 4
LEVELS = ("beginner", "intermediate", "advanced")
GOALS = ("trail", "road", "none")
AVAILABILITY = ("sparse", "generous")
DEFAULT_SEED = 1
DEFAULT_OUT = Path(__file__).resolve().parent / "instances"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FIRST_MONDAY = dt.date(2027, 1, 4)

Data = dict[str, Any]


@dataclass(frozen=True)
class Design:
    """The fixed part of one instance: horizon, level, goal and availability."""

    weeks: int
    level: str
    goal: str
    availability: str
    index: int

    @property
    def name(self) -> str:
        return f"w{self.weeks:02d}-{self.index}-{self.level}-{self.goal}-{self.availability}"


def designs() -> list[Design]:
    """Four designs per horizon; level, goal and availability rotate so that each level
    meets each goal and both availabilities over the set."""
    found: list[Design] = []
    for h, weeks in enumerate(HORIZONS):
        for i in range(PER_HORIZON):
            k = h * PER_HORIZON + i
            found.append(
                Design(
                    weeks=weeks,
                    level=LEVELS[k % 3],
                    goal=GOALS[(k // 3 + k) % 3],
                    availability=AVAILABILITY[(k + h) % 2],
                    index=i + 1,
                )
            )
    return found


# Baselines by level: weekly minutes, longest run, minutes of a long weekend slot.
_BASELINE = {
    "beginner": ((120, 200), (40, 70)),
    "intermediate": ((210, 360), (70, 120)),
    "advanced": ((360, 600), (110, 180)),
}


def _availability(rng: random.Random, kind: str, level: str) -> Data:
    """Minutes per weekday and slot. Sparse: two or three short weekday sessions and the
    weekend; generous: five or six weekdays (some with both slots) and the weekend."""
    weekend_long = {"beginner": (150, 210), "intermediate": (180, 270), "advanced": (240, 330)}
    lo, hi = weekend_long[level]
    result: Data = {}
    weekdays = list(DAYS[:5])
    if kind == "sparse":
        open_days = sorted(rng.sample(weekdays, rng.choice((2, 3))), key=DAYS.index)
        for day in open_days:
            result[day] = {rng.choice(("am", "pm")): rng.choice((30, 45, 60))}
        result["sat"] = {"am": rng.randrange(lo, hi + 1, 15)}
        if rng.random() < 0.7:
            result["sun"] = {"am": rng.randrange(90, 181, 15)}
    else:
        closed = rng.sample(weekdays, rng.choice((0, 1)))
        for day in weekdays:
            if day in closed:
                continue
            slots: Data = {}
            if rng.random() < 0.5 or level == "advanced":
                slots["am"] = rng.choice((45, 60, 75))
            if rng.random() < 0.8 or not slots:
                slots["pm"] = rng.choice((60, 75, 90))
            result[day] = slots
        result["sat"] = {"am": rng.randrange(lo, hi + 1, 15), "pm": 60}
        result["sun"] = {"am": rng.randrange(150, 241, 15)}
    return {day: result[day] for day in DAYS if day in result}


def _terrain(rng: random.Random, open_days: Sequence[str]) -> Data:
    """Road everywhere; trail at the weekend and on one or two open weekdays; hills, track,
    pool and gym on a day or two; bike on every day or at the weekend."""
    weekdays = [d for d in open_days if d not in ("sat", "sun")]
    trail = sorted(
        {"sat", "sun", *rng.sample(weekdays, min(len(weekdays), rng.choice((1, 2))))},
        key=DAYS.index,
    )
    terrain: Data = {"road": "all", "trail": trail}
    terrain["hills"] = sorted({rng.choice(["sat", "sun", *weekdays])}, key=DAYS.index)
    if weekdays:
        terrain["track"] = [rng.choice(weekdays)]
        terrain["pool"] = sorted(set(rng.sample(weekdays, min(2, len(weekdays)))), key=DAYS.index)
        terrain["gym"] = sorted(set(rng.sample(weekdays, min(2, len(weekdays)))), key=DAYS.index)
    terrain["bike"] = "all" if rng.random() < 0.5 else ["sat", "sun"]
    return terrain


def _race(rng: random.Random, goal: str, level: str, race_date: dt.date) -> Data:
    if goal == "road":
        distance = rng.choice((10, 15, 21.1, 42.2) if level != "beginner" else (10, 15, 21.1))
        return {
            "name": f"City {distance:g}K",
            "date": race_date,
            "kind": "road",
            "distance_km": distance,
        }
    distances = {"beginner": (15, 30), "intermediate": (25, 60), "advanced": (50, 120)}
    lo, hi = distances[level]
    distance = rng.randrange(lo, hi + 1, 5)
    climb = rng.randrange(20, 61, 5) * distance // 10 * 10  # 20-60 m per km
    return {
        "name": f"Mountain {distance}K",
        "date": race_date,
        "kind": "trail",
        "distance_km": distance,
        "elevation_gain_m": climb,
    }


def instance(design: Design, rng: random.Random) -> Data:
    """One scenario dict for ``design``, its free parts drawn from ``rng``."""
    (weekly_lo, weekly_hi), (long_lo, long_hi) = _BASELINE[design.level]
    weekly = rng.randrange(weekly_lo, weekly_hi + 1, 10)
    long = rng.randrange(long_lo, long_hi + 1, 5)
    start = FIRST_MONDAY + dt.timedelta(weeks=rng.randrange(0, 52))
    availability = _availability(rng, design.availability, design.level)
    athlete: Data = {"level": design.level, "weekly_minutes": weekly, "long_minutes": long}
    if rng.random() < 0.5:
        athlete["long_hike_minutes"] = round(long * rng.choice((1.25, 1.5, 2.0)) / 5) * 5
    data: Data = {"name": f"Benchmark {design.name}", "start": start}
    if design.goal == "none":
        data["weeks"] = design.weeks
    data["athlete"] = athlete
    data["availability"] = availability
    data["terrain"] = _terrain(rng, list(availability))
    if design.goal != "none":
        # A Sunday race ends a full last week; now and then a Saturday race, one day short.
        last = start + dt.timedelta(days=7 * design.weeks - 1)
        if rng.random() < 0.3:
            last -= dt.timedelta(days=1)
        data["goal"] = {"race": _race(rng, design.goal, design.level, last)}
    long_days = [d for d in ("sat", "sun") if d in availability]
    rest_days = [d for d in DAYS if d not in availability] or ["mon", "fri"]
    data["preferences"] = {"long_day": rng.choice(long_days), "rest_day": rng.choice(rest_days)}
    return data


def _header(design: Design, seed: int) -> str:
    goal = {"trail": "a trail race", "road": "a road race", "none": "no race"}[design.goal]
    return (
        f"# Benchmark instance {design.name}: generated by `python -m benchmarks.instances "
        f"--seed {seed}`\n"
        f"# (benchmarks/instances.py). Design: {design.weeks} weeks, {design.level}, {goal}, "
        f"{design.availability} availability;\n"
        "# baseline, free minutes, terrain, race and preferences drawn from the seeded "
        "generator.\n# Do not edit by hand: change the generator and regenerate.\n"
    )


def _dump(data: Data) -> str:
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=None, width=100)


def generate(seed: int = DEFAULT_SEED) -> dict[str, str]:
    """Every instance as ``{file name: YAML text}``, validated; the same seed gives the same
    texts."""
    rng = random.Random(seed)
    files: dict[str, str] = {}
    for design in designs():
        data = instance(design, rng)
        text = _header(design, seed) + _dump(data)
        validate_data(Scenario, yaml.safe_load(text), design.name)
        files[f"{design.name}.yaml"] = text
    return files


def write(files: dict[str, str], out: Path) -> list[Path]:
    """Replace the ``*.yaml`` files of ``out`` with ``files``; the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.yaml"):
        old.unlink()
    paths = []
    for name, text in sorted(files.items()):
        path = out / name
        path.write_text(text, encoding="utf-8")
        load_scenario(path)  # reads back through the loader the CLI uses
        paths.append(path)
    return paths


def certified_feasible(scenario: Scenario) -> bool:
    """Whether the plan without training sessions (the race alone, recipe misses listed as
    shortfalls) passes the independent checker: a certificate that the scenario is
    feasible, found without a solver."""
    from periodize import check
    from periodize.heuristic import plan_from_sessions

    return not check(scenario, plan_from_sessions(scenario, {}))


def check_feasible(paths: Sequence[Path], time_limit_s: float | None) -> list[str]:
    """Certify each instance feasible (`certified_feasible`) and, with a time limit, solve it
    briefly with one worker; the names of those not certified or proven infeasible. A
    solve that finds no plan in its time (status unknown) is reported, not failed: the
    certificate already shows a plan exists."""
    from periodize import solve
    from periodize.solve import SolveOptions

    failures = []
    for path in paths:
        scenario = load_scenario(path)
        certified = certified_feasible(scenario)
        status = "-"
        if time_limit_s is not None:
            options = SolveOptions(time_limit_s=time_limit_s, workers=1)
            status = solve(scenario, options).status.value
        print(f"{path.stem}: certificate {'ok' if certified else 'FAILED'}, solve {status}")
        if not certified or status == "infeasible":
            failures.append(path.stem)
    return failures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.instances", description=__doc__)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument(
        "--check", type=float, metavar="S", help="solve each instance for S seconds"
    )
    args = parser.parse_args(argv)
    paths = write(generate(args.seed), args.out)
    print(f"wrote {len(paths)} instances to {args.out}")
    failures = check_feasible(paths, args.check)
    if failures:
        print(f"not feasible: {', '.join(failures)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
