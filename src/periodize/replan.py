"""`replan()`: the rest of a plan re-solved around what was really done.

The days before ``today`` become what the training log says (H20 in a re-plan); their
real loads are the references of the progression, long-session and acute:chronic caps
(H09, H12, H14) of the weeks to come; the rules of weeks wholly in the past are history,
not constraints. The future is solved with S5 (``objective: stability``) counting every
slot whose session differs from the previous plan, so the plan changes as little as the
new past allows. The result lists those changes. A past that went exactly as planned
leaves the plan as it was.
"""

from __future__ import annotations

import datetime as dt

from periodize.catalogue import SessionKind
from periodize.loading import InputError
from periodize.log import LogError, LoggedSession, TrainingLog, logged_sessions
from periodize.model.run import Interrupt, catching_sigint
from periodize.model.variables import History, Sessions
from periodize.plan import Change, Plan, Session, Shortfall, ShortfallType
from periodize.scenario import Scenario
from periodize.solve import ProgressHook, Replan, SolveOptions, _solve
from periodize.vocabulary import SLOTS, Slot


def replan(
    scenario: Scenario,
    previous: Plan,
    log: TrainingLog,
    today: dt.date,
    options: SolveOptions | None = None,
    *,
    progress: ProgressHook | None = None,
) -> Plan:
    """Re-solve ``previous`` (a plan of ``scenario``) from ``today`` on, around ``log``:
    what was done before today. Raises `InputError` when the plan, log or date do not fit
    the scenario; an infeasible future gives a plan with status ``infeasible`` and the
    rules that cannot hold around the real past in ``conflicts``."""
    options = options or SolveOptions()
    dates = scenario.dates
    past = validate_replan(scenario, previous, log, today)
    if _as_planned(previous, past, today) and _keeps_pins(scenario, previous, today):
        # The past went as planned, so the future stands as it is: every rule held for the
        # whole plan with this very past, and re-solving could only trade S5 for polish.
        return previous.model_copy(update={"replanned_from": today, "changes": ()})
    index = {date: i for i, date in enumerate(dates)}
    history = History(
        today=index[today],  # validate_replan: today is a date of the plan
        sessions={
            (index[date], s.slot): (s.kind, s.minutes) for date, day in past.items() for s in day
        },
    )
    before = _future_sessions(scenario, previous, today)
    with catching_sigint(Interrupt()) as interrupt:
        plan = _solve(scenario, options, progress, interrupt, Replan(history, before))
    return plan.model_copy(
        update={
            "replanned_from": today,
            "changes": changes(previous, plan, today),
            "shortfalls": tuple(
                sorted(
                    plan.shortfalls + broken_by_log(scenario, plan, log, today),
                    key=lambda s: (s.week or 0, s.rule),
                )
            ),
        }
    )


def broken_by_log(
    scenario: Scenario, plan: Plan, log: TrainingLog, today: dt.date
) -> tuple[Shortfall, ...]:
    """The rules of today's week that the logged days alone already broke (rules.md, "the
    past is a fact"): waived, with what was done, as the independent checker finds them on
    the finished plan (never read off the solver)."""
    if not plan.has_plan:
        return ()
    from periodize.check import broken_by_log as waived  # the checker is the oracle

    return tuple(
        Shortfall(rule=v.rule, week=v.week, type=ShortfallType.BROKEN_BY_LOG, message=v.message)
        for v in waived(scenario, plan, log, today)
    )


def validate_replan(
    scenario: Scenario, previous: Plan, log: TrainingLog, today: dt.date
) -> dict[dt.date, list[LoggedSession]]:
    """Check that ``previous``, ``log`` and ``today`` fit ``scenario`` (raises `InputError`
    naming the problem and the fix); the logged sessions of the days before today."""
    _fits(scenario, previous, today)
    try:
        return logged_sessions(scenario, log, today)
    except LogError as error:
        raise InputError(f"log: {error}") from None


def _as_planned(previous: Plan, past: dict[dt.date, list[LoggedSession]], today: dt.date) -> bool:
    """Whether every day before ``today`` was done exactly as ``previous`` planned it
    (kind, minutes and RPE; the slot is optional in a log)."""
    for day in previous.days:
        if day.date >= today:
            break
        planned = sorted((s.kind, s.minutes, s.rpe) for s in day.sessions)
        done = sorted((s.kind.id, s.minutes, s.kind.rpe) for s in past.get(day.date, []))
        if planned != done:
            return False
    return True


def _keeps_pins(scenario: Scenario, previous: Plan, today: dt.date) -> bool:
    """Whether ``previous`` holds every pin of ``scenario`` from ``today`` on (a pin added
    since the plan was solved asks for a re-solve even when the past went as planned)."""
    held = {
        (day.date, s.slot, s.kind, s.minutes)
        for day in previous.days
        if day.date >= today
        for s in day.sessions
    }
    return all(
        (pin.date, pin.slot, pin.kind, pin.minutes) in held
        for pin in scenario.pinned
        if pin.date >= today
    )


def _fits(scenario: Scenario, previous: Plan, today: dt.date) -> None:
    dates = scenario.dates
    if not scenario.start <= today <= dates[-1]:
        raise InputError(
            f"today {today} is outside the plan ({scenario.start} to {dates[-1]}); "
            "give a date within it"
        )
    if not previous.has_plan:
        raise InputError(
            f"the previous plan has no days (status {previous.status.value}); "
            "re-plan a solved plan, or solve the scenario afresh"
        )
    planned = [day.date for day in previous.days]
    if planned != dates:
        raise InputError(
            f"the previous plan covers {planned[0]} to {planned[-1]}, the scenario "
            f"{dates[0]} to {dates[-1]}; re-plan with the scenario the plan was solved from"
        )


def _future_sessions(scenario: Scenario, previous: Plan, today: dt.date) -> Sessions:
    """The previous plan's sessions from ``today`` on, by (day index, slot); the race and
    kinds the scenario no longer knows are left out (they cannot be kept anyway)."""
    found: Sessions = {}
    for number, day in enumerate(previous.days):
        if day.date < today:
            continue
        for session in day.sessions:
            kind: SessionKind | None = scenario.catalogue.get(session.kind)
            if kind is not None and not session.is_race:
                found[(number, session.slot)] = (kind, session.minutes)
    return found


def _label(session: Session | None) -> str | None:
    return None if session is None else f"{session.kind} {session.minutes} min"


def changes(previous: Plan, plan: Plan, today: dt.date) -> tuple[Change, ...]:
    """Every slot from ``today`` on whose session differs between ``previous`` and
    ``plan`` (kind or minutes; a session dropped or added)."""
    if not plan.has_plan:
        return ()
    before = {
        (day.date, s.slot): s for day in previous.days if day.date >= today for s in day.sessions
    }
    after = {(day.date, s.slot): s for day in plan.days if day.date >= today for s in day.sessions}
    found: list[Change] = []
    for day in plan.days:
        if day.date < today:
            continue
        for slot in SLOTS:
            old, new = _label(before.get((day.date, slot))), _label(after.get((day.date, slot)))
            if old != new:
                found.append(Change(date=day.date, slot=Slot(slot), before=old, after=new))
    return tuple(found)
