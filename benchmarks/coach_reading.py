"""The shipped scenarios read as a coach would: the checks of the coach-grade contract.

    python -m benchmarks.coach_reading [--time-limit S] [--workers N] [--plans DIR] [SCENARIO ...]

Solves each scenario (default: every file in `scenarios/`) at the given time limit (the
library's default, 30 s, unless told) or, with ``--plans DIR``, reads DIR/NAME.json
instead, and prints one Markdown row per plan:

- the solve: status, checker violations, shortfalls (recipe misses and H15 waivers);
- *long*: the longest counting session before the taper against min(long goal, the most
  H14's growth lets the long target reach, the longest slot the calendar offers a
  counting session), as minutes and percent (the contract asks for at least 85 %);
- *volume*: the biggest week before the taper against the athlete's recent weekly minutes
  and the highest week of the target curve before the taper;
- *easy*: the weeks whose easy running is below H13's share of run minutes;
- *race*: demanding sessions (not hikes: hard, long or flagged) in the four days before
  the race;
- *recovery*: recovery weeks that are not shorter in minutes than the week before.

Everything is derived from the scenario and the plan (`periodize.coaching`), so a plan
written by `periodize solve -o` can be read again without solving.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from periodize import check, load_plan, load_scenario, solve
from periodize.coaching import coach_summary
from periodize.plan import Plan
from periodize.scenario import Scenario
from periodize.solve import SolveOptions
from periodize.targets import long_targets
from periodize.vocabulary import Modality, Phase

LONG_SHARE = 0.85
"""The contract's least share of the reachable long goal before the taper."""
QUIET_DAYS = 4
"""Days before the race that hold no demanding session."""


@dataclass(frozen=True)
class Reading:
    """One plan's row."""

    name: str
    status: str
    violations: int
    shortfalls: int
    longest: int
    reachable: int
    biggest: int
    baseline: int
    target_peak: int
    low_easy_weeks: tuple[int, ...]
    demanding_before_race: tuple[str, ...]
    recovery_not_shorter: tuple[int, ...]

    @property
    def long_share(self) -> float:
        return self.longest / self.reachable if self.reachable else 1.0

    def row(self) -> str:
        long = f"{self.longest}/{self.reachable} ({self.long_share:.0%})"
        if self.long_share < LONG_SHARE:
            long += " **low**"
        volume = f"{self.biggest} vs {self.baseline} recent, {self.target_peak} target"
        return " | ".join(
            [
                self.name,
                self.status,
                str(self.violations),
                str(self.shortfalls),
                long,
                volume,
                _weeks(self.low_easy_weeks),
                ", ".join(self.demanding_before_race) or "none",
                _weeks(self.recovery_not_shorter),
            ]
        )


HEADER = (
    "scenario | status | violations | shortfalls | long before taper (reachable) | "
    "biggest week before taper (min) | easy share low | demanding in last 4 days | "
    "recovery weeks not shorter"
)


def _weeks(weeks: Sequence[int]) -> str:
    return ", ".join(str(w) for w in weeks) or "none"


def read(name: str, scenario: Scenario, plan: Plan) -> Reading:
    """The coach's checks of ``plan`` (a plan with days or none)."""
    violations = len(check(scenario, plan)) if plan.has_plan else 0
    summary = coach_summary(scenario, plan)
    reachable = min(max(long_targets(scenario).values(), default=0), summary.longest_slot)
    before = [w for w in summary.weeks if w.phase is not Phase.TAPER]
    demanding = tuple(
        f"{day.days_before} d: {s.kind}"
        for day in summary.last_days
        if day.days_before <= QUIET_DAYS
        for s in day.sessions
        if not s.is_race and s.modality is not Modality.HIKE and (s.hard or s.long or s.demanding)
    )
    weeks = summary.weeks
    not_shorter = tuple(
        w.index
        for previous, w in itertools.pairwise(weeks)
        if w.recovery and plan.has_plan and w.minutes >= previous.minutes
    )
    return Reading(
        name=name,
        status=plan.status.value,
        violations=violations,
        shortfalls=len(plan.shortfalls),
        longest=summary.longest_before_taper,
        reachable=reachable,
        biggest=summary.biggest_week_before_taper,
        baseline=summary.baseline_minutes,
        target_peak=max((w.target_minutes for w in before), default=0),
        low_easy_weeks=tuple(
            w.index
            for w in weeks
            if w.easy_share is not None and w.easy_share + 1e-9 < summary.min_easy_share
        ),
        demanding_before_race=demanding,
        recovery_not_shorter=not_shorter,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.coach_reading")
    parser.add_argument("scenarios", nargs="*", type=Path, help="default: scenarios/*.yaml")
    parser.add_argument("--time-limit", type=float, default=SolveOptions().time_limit_s)
    parser.add_argument("--workers", type=int, default=SolveOptions().workers)
    parser.add_argument("--plans", type=Path, help="read DIR/NAME.json instead of solving")
    args = parser.parse_args(argv)
    paths = args.scenarios or sorted(Path("scenarios").glob("*.yaml"))
    print(HEADER)
    print("|".join(["---"] * (HEADER.count("|") + 1)))
    for path in paths:
        scenario = load_scenario(path)
        if args.plans is not None:
            plan = load_plan(args.plans / f"{path.stem}.json")
        else:
            options = SolveOptions(time_limit_s=args.time_limit, workers=args.workers)
            plan = solve(scenario, options)
        print(read(path.stem, scenario, plan).row(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
