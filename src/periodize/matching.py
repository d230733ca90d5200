"""Whether a plan file belongs to a scenario, before a command reads the one through the
other (``check``, ``render``).

A plan names the scenario it was solved from and lists every date of it; a plan of
another scenario, or of this scenario before its dates changed, would be judged or drawn
against the wrong calendar and say something false ("no violation"), so it is refused
as bad input with the reason and the fix.
"""

from __future__ import annotations

from periodize.errors import InputError
from periodize.plan import Plan
from periodize.scenario import Scenario


def plan_mismatch(scenario: Scenario, plan: Plan) -> str | None:
    """Why ``plan`` is not a plan of ``scenario`` (its name or its dates differ), or None
    when it is. A plan without days (infeasible, no plan in time) is judged by name only."""
    if plan.scenario != scenario.name:
        return f"it is a plan of {plan.scenario!r}, not of {scenario.name!r}"
    if not plan.days:
        return None
    planned = [day.date for day in plan.days]
    if planned != scenario.dates:
        return (
            f"it covers {planned[0]} to {planned[-1]} ({len(planned)} days), the scenario "
            f"{scenario.start} to {scenario.end} ({scenario.horizon_days} days): the scenario "
            "changed since the plan was solved"
        )
    return None


def ensure_plan_of(scenario: Scenario, plan: Plan, plan_name: str) -> None:
    """Raise `InputError` (one line, naming the fix) unless ``plan`` is a plan of
    ``scenario``."""
    reason = plan_mismatch(scenario, plan)
    if reason is not None:
        raise InputError(
            f"{plan_name}: {reason}; solve this scenario again, or pass the scenario the "
            "plan was solved from"
        )


def ensure_days(plan: Plan, plan_name: str, purpose: str) -> None:
    """Raise `InputError` when ``plan`` holds no days (infeasible, or no plan in time):
    there is nothing to ``purpose``."""
    if not plan.days:
        raise InputError(
            f"{plan_name}: the plan holds no days (status {plan.status.value}): nothing to "
            f"{purpose}; solve the scenario until it has a plan"
        )
