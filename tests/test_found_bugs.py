"""Disagreements between the solver and the checker found while writing test_model_rules.py,
each a tiny scenario (YAML, so it can be pasted into a file for ``periodize solve``) whose
solved plan should pass the checker and does not.

Each test states the invariant, not a fix: every plan the solver returns passes the
checker (and lists exactly the checker's H15 waivers). Either side may be the one to change.
"""

from __future__ import annotations

import pytest

from periodize.check import check, waived_weeks
from periodize.loading import scenario_from_text
from periodize.plan import Plan
from periodize.scenario import Scenario
from periodize.solve import SolveOptions, solve

OPTIONS = SolveOptions(time_limit_s=3, workers=2, seed=1)

EVERY_DAY_PM_60 = (
    "{mon: {pm: 60}, tue: {pm: 60}, wed: {pm: 60}, thu: {pm: 60}, fri: {pm: 60}, "
    "sat: {pm: 60}, sun: {pm: 60}}"
)


def solved(text: str) -> tuple[Scenario, Plan]:
    scenario = scenario_from_text(text)
    return scenario, solve(scenario, OPTIONS)


def violations(scenario: Scenario, plan: Plan) -> list[str]:
    return [f"{v.rule}: {v.message}" for v in check(scenario, plan)]


# H05: the recovery-week cap ignores hard_sessions hi below 1.
# rules.md: hard sessions per week at most hi "(1 in a recovery week)"; the checker reads
# min(hi, 1) (check.check_h05_hard_sessions), the model caps a recovery week at 1 whatever
# hi is (model/safety.h05_hard_sessions: `cap = 1 if week.recovery else hi`).

H05_HI_ZERO = f"""\
name: no hard sessions, recovery every 2nd week
start: 2027-01-04
weeks: 2
athlete: {{level: beginner, weekly_minutes: 300, weekly_load: 1200, long_minutes: 60}}
availability: {EVERY_DAY_PM_60}
terrain: {{road: all}}
rules: {{hard_sessions: [0, 0], recovery_every: 2}}
"""


def test_h05_recovery_week_with_hi_zero_pinned_tempo() -> None:
    """A road_tempo pinned in recovery week 2 with hard_sessions [0, 0]: the checker's cap is
    min(0, 1) = 0, so the scenario is infeasible. Got: status optimal, and the checker says
    'H05: week 2: 1 hard sessions > recovery-week cap 0'."""
    text = H05_HI_ZERO + "pinned: [{date: 2027-01-13, slot: pm, kind: road_tempo, minutes: 30}]\n"
    scenario, plan = solved(text)
    assert not plan.has_plan or violations(scenario, plan) == []


@pytest.mark.slow
def test_h05_recovery_week_with_hi_zero_free() -> None:
    """No pin, default objective: the systems balance (S1) wants some anaerobic work, the model
    lets week 2 take one hard session, and the checker rejects the plan with the same H05
    finding."""
    scenario, plan = solved(H05_HI_ZERO)
    assert plan.has_plan
    assert violations(scenario, plan) == []


# H17: the taper cap's reference counts weeks after the taper.
# docs/rules-interpretation.md: Mx = "the highest weekly minutes of the weeks before the
# taper"; the checker takes the weeks before the first taper week. The model
# (model/safety.pre_taper_peak_minutes) and shortfalls.find_shortfalls take every
# non-taper week, later ones included, which matters with explicit phases.

H17_TAPER_BETWEEN_BASES = f"""\
name: a taper week between two base weeks
start: 2027-01-04
weeks: 3
phases: [base, taper, base]
athlete: {{level: beginner, weekly_minutes: 300, weekly_load: 1500, long_minutes: 60}}
availability: {EVERY_DAY_PM_60}
exceptions:
  - {{date: 2027-01-04, pm: 100}}
  - {{date: 2027-01-05}}
  - {{date: 2027-01-06}}
  - {{date: 2027-01-07}}
  - {{date: 2027-01-08}}
  - {{date: 2027-01-09}}
  - {{date: 2027-01-10}}
terrain: {{road: all, bike: all}}
pinned:
  - {{date: 2027-01-04, slot: pm, kind: bike_easy, minutes: 100}}
  - {{date: 2027-01-12, slot: pm, kind: road_easy, minutes: 45}}
  - {{date: 2027-01-14, slot: pm, kind: road_easy, minutes: 45}}
rules: {{sessions_per_week: [0, 7], min_rest_days: 0}}
"""


def test_h17_taper_reference_is_the_weeks_before_the_taper() -> None:
    """Week 1 holds only its pinned 100 minutes, so the taper week 2 may hold 0.60 x 100 = 60
    minutes; its pins alone are 90: infeasible by the checker's reading. Got: status optimal
    with week 2 = 135 = 0.60 x 225, week 3's minutes, and the checker says 'H17: week 2:
    taper minutes 135 > 0.60 x 100 = 60'."""
    scenario, plan = solved(H17_TAPER_BETWEEN_BASES)
    assert not plan.has_plan or violations(scenario, plan) == []


# H15: the plan lists a waiver for a week that has no band.
# shortfalls.h15_waivers skips only the race week; the checker (check.waived_weeks) and
# docs/rules-interpretation.md have no band, hence nothing to waive, in the peak and taper
# weeks of a plan without a race. The plan then says "terrain band waived" for a week
# whose band never existed.

H15_NO_RACE_PEAK = f"""\
name: explicit peak without a race, road only
start: 2027-01-04
weeks: 2
phases: [base, peak]
athlete: {{level: beginner, weekly_minutes: 300, long_minutes: 60}}
availability: {EVERY_DAY_PM_60}
terrain: {{road: all}}
"""


def test_h15_waivers_listed_are_the_checkers() -> None:
    """Road only, so base week 1 is waived (no trail run fits); week 2 is a peak week of a
    plan without a race, which has no band. Expected H15 shortfalls: week 1 only. Got:
    weeks 1 and 2."""
    scenario, plan = solved(H15_NO_RACE_PEAK)
    assert plan.has_plan
    listed = sorted(s.week for s in plan.shortfalls if s.rule == "H15" and s.week is not None)
    assert listed == sorted(waived_weeks(scenario)) == [1]
