"""Re-planning (replan.py) around a training log: the past fixed to what was done, the
future re-solved within the caps of the real past, with as few changes as possible; and
the checker's --done mode, which is the oracle here (it accepts the log as history).

One plan of a 6-week scenario is solved once per module (deterministic); each test builds
a log from it: done as planned, a week missed, a long run skipped."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import ROOT, SCENARIOS, CliResult
from periodize.check import check
from periodize.loading import load_scenario
from periodize.log import LogEntry, TrainingLog, logged_sessions
from periodize.plan import Plan, ShortfallType, Status
from periodize.replan import changes, replan
from periodize.scenario import Scenario
from periodize.solve import SolveOptions, solve
from test_conflicts import assert_explained

pytestmark = pytest.mark.slow  # solves, servers or processes: `make test-fast` skips the module

OPTIONS = SolveOptions(time_limit_s=3.0, deterministic=True)

SCENARIO: dict[str, Any] = {
    "name": "replan fixture",
    "start": "2027-03-01",
    "weeks": 6,
    "athlete": {
        "level": "intermediate",
        "weekly_minutes": 240,
        "long_minutes": 70,
        "long_hike_minutes": 90,
    },
    "availability": {
        "tue": {"pm": 60},
        "wed": {"pm": 45},
        "thu": {"pm": 60},
        "sat": {"am": 150},
        "sun": {"am": 120},
    },
    "terrain": {"road": "all", "trail": ["sat", "sun"]},
    "goal": {
        "race": {
            "name": "Spring 21K",
            "date": "2027-04-11",
            "kind": "road",
            "distance_km": 21,
        }
    },
}
TODAY = dt.date(2027, 3, 22)  # Monday of week 4


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return Scenario.model_validate(SCENARIO)


@pytest.fixture(scope="module")
def planned(scenario: Scenario) -> Plan:
    plan = solve(scenario, OPTIONS)
    assert plan.has_plan
    return plan


def log_of(plan: Plan, today: dt.date, keep: Callable[[dt.date, Any], bool]) -> TrainingLog:
    """The log of ``plan``'s sessions before ``today`` that ``keep`` keeps, as planned."""
    return TrainingLog(
        tuple(
            LogEntry(date=day.date, kind=s.kind, minutes=s.minutes, rpe=s.rpe, slot=s.slot)
            for day in plan.days
            if day.date < today
            for s in day.sessions
            if keep(day.date, s)
        )
    )


def as_planned(plan: Plan, today: dt.date = TODAY) -> TrainingLog:
    return log_of(plan, today, lambda _date, _session: True)


def week_of(scenario: Scenario, date: dt.date) -> int:
    return scenario.week_of(date).index


def future(plan: Plan, today: dt.date = TODAY) -> list[Any]:
    return [
        (d.date, [(s.slot, s.kind, s.minutes) for s in d.sessions])
        for d in plan.days
        if d.date >= today
    ]


def test_a_log_that_matches_the_plan_gives_back_the_same_future(
    scenario: Scenario, planned: Plan
) -> None:
    log = as_planned(planned)

    again = replan(scenario, planned, log, TODAY, OPTIONS)

    assert future(again) == future(planned)
    assert again.changes == ()
    assert again.replanned_from == TODAY
    assert check(scenario, again, done=log) == []


@pytest.fixture(scope="module")
def missed_week(scenario: Scenario, planned: Plan) -> tuple[TrainingLog, Plan]:
    """Week 3 (the week before today) missed entirely, and the re-plan around it."""
    log = log_of(planned, TODAY, lambda date, _s: week_of(scenario, date) != 3)
    return log, replan(scenario, planned, log, TODAY, OPTIONS)


def test_a_missed_week_keeps_every_later_week_within_the_real_caps(
    scenario: Scenario, planned: Plan, missed_week: tuple[TrainingLog, Plan]
) -> None:
    log, again = missed_week

    assert again.has_plan, again.conflicts
    assert check(scenario, again, done=log) == []
    # The past is the log: week 3 holds nothing.
    assert again.weeks[2].load == 0
    assert again.weeks[2].sessions == 0
    # H09 by hand for week 4, with the real loads (week 3 = 0): at most 1.1 x the larger
    # of the last non-recovery week's load and the mean of the four weeks before it
    # (the athlete's baseline before the start).
    rules = scenario.resolved_rules
    loads = [w.load for w in again.weeks]
    baseline = scenario.athlete.baseline_load
    last_four = ([baseline] * 4 + loads[:3])[-4:]
    reference = max(
        next(w.load for w in reversed(again.weeks[:3]) if not w.recovery), sum(last_four) / 4
    )
    assert loads[3] <= (1 + rules.max_weekly_increase) * reference
    # The plan changed where the past made it: sessions of the future are marked.
    assert again.changes
    assert again.changes == changes(planned, again, TODAY)
    assert all(c.date >= TODAY for c in again.changes)


def test_a_skipped_long_run_is_not_doubled_the_next_week(scenario: Scenario, planned: Plan) -> None:
    week = 3
    long_before = [
        s for d in planned.days if week_of(scenario, d.date) == week for s in d.sessions if s.long
    ]
    assert long_before, "the fixture plan has a long session in week 3"
    skipped = long_before[0]
    log = log_of(
        planned,
        TODAY,
        lambda date, s: not (week_of(scenario, date) == week and s.long),
    )

    again = replan(scenario, planned, log, TODAY, OPTIONS)

    assert again.has_plan
    assert check(scenario, again, done=log) == []
    # No catch-up: week 4's longest session is no longer than the plan had it,
    next_week = [s for d in again.days if week_of(scenario, d.date) == week + 1 for s in d.sessions]
    planned_next = [
        s for d in planned.days if week_of(scenario, d.date) == week + 1 for s in d.sessions
    ]
    longest_next = max((s.minutes for s in next_week if not s.is_race), default=0)
    assert longest_next <= max(s.minutes for s in planned_next if not s.is_race)
    # and the skipped minutes are not added on: no session reaches the skipped one's length
    # plus half again (a doubled long run would).
    assert longest_next < 1.5 * skipped.minutes
    assert sum(s.minutes for s in next_week) <= sum(s.minutes for s in planned_next) + 15


@pytest.mark.slow
def test_stability_changes_fewer_sessions_than_a_solve_without_it(
    planned: Plan, missed_week: tuple[TrainingLog, Plan]
) -> None:
    log, stable_plan = missed_week
    unstable = Scenario.model_validate({**SCENARIO, "objective": {"stability": 0}})

    free_plan = replan(unstable, planned, log, TODAY, OPTIONS)

    assert "S5" in stable_plan.objective_terms
    assert "S5" not in free_plan.objective_terms
    assert len(stable_plan.changes) < len(free_plan.changes)
    # S5 counts the changes it made, EVENT_POINTS (50) each.
    assert stable_plan.objective_terms["S5"] == 50 * len(stable_plan.changes)


@pytest.mark.slow
def test_when_the_past_cannot_carry_the_future_the_explanation_says_what_gives(
    scenario: Scenario, planned: Plan
) -> None:
    # A 120-minute long run pinned in week 4: the plan builds to it, but a log of three
    # short weeks (one 30-minute run each) leaves no room for it under the caps. (Recovery
    # every 5th week: under v3 a recovery week 4 would cap its minutes at 0.8 x week 3's,
    # too few for a 120-minute run at 40 % of the week, whatever the past.)
    data = {
        **SCENARIO,
        "pinned": [{"date": "2027-03-27", "slot": "am", "kind": "road_long", "minutes": 120}],
        "athlete": {**SCENARIO["athlete"], "long_minutes": 110},
        "rules": {**SCENARIO.get("rules", {}), "recovery_every": 5},
    }
    pinned = Scenario.model_validate(data)
    plan = solve(pinned, OPTIONS)
    assert plan.has_plan, plan.conflicts
    log = TrainingLog(
        tuple(
            LogEntry(
                date=dt.date(2027, 3, 2) + dt.timedelta(days=7 * w),
                kind="road_easy",
                minutes=30,
                rpe=3,
            )
            for w in range(3)
        )
    )

    again = replan(pinned, plan, log, TODAY, OPTIONS)

    assert again.status is Status.INFEASIBLE
    rules = {rule for conflict in again.conflicts for rule in conflict.rules}
    # The pin (H20) and a cap whose reference is the real, thin past (H09 progression,
    # H12 acute:chronic or H14 long-run growth) cannot both hold.
    assert "H20" in rules
    assert rules & {"H09", "H12", "H14"}
    # The past is a fact, not a member: every conflict is from today's week on.
    assert all(c.week is None or c.week >= week_of(pinned, TODAY) for c in again.conflicts)


def test_replan_rejects_a_plan_of_another_scenario(scenario: Scenario, planned: Plan) -> None:
    from periodize.loading import InputError

    other = Scenario.model_validate({**SCENARIO, "start": "2027-03-08", "weeks": 5})
    with pytest.raises(InputError, match="re-plan with the scenario the plan was solved from"):
        replan(other, planned, TrainingLog(()), dt.date(2027, 3, 22), OPTIONS)
    with pytest.raises(InputError, match="outside the plan"):
        replan(scenario, planned, TrainingLog(()), dt.date(2027, 6, 1), OPTIONS)


# ----- command line -----------------------------------------------------------------


def write_inputs(folder: Path, plan: Plan) -> tuple[Path, Path]:
    """The fixture scenario and ``plan`` as files in ``folder``, for the command line."""
    scenario_file = folder / "s.json"
    scenario_file.write_text(json.dumps(SCENARIO))
    plan_file = folder / "plan.json"
    plan_file.write_text(plan.to_json())
    return scenario_file, plan_file


def write_log(path: Path, log: TrainingLog) -> Path:
    lines = [
        f"- {{date: {e.date}, kind: {e.kind}, minutes: {e.minutes}, rpe: {e.rpe}}}"
        for e in log.entries
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_cli_replan_then_check_with_the_log(
    tmp_path: Path,
    scenario: Scenario,
    planned: Plan,
    run_cli: Callable[..., CliResult],
) -> None:
    scenario_file, plan_file = write_inputs(tmp_path, planned)
    log_file = write_log(
        tmp_path / "log.yaml",
        log_of(planned, TODAY, lambda date, _s: week_of(scenario, date) != 3),
    )
    out = tmp_path / "replanned.json"

    result = run_cli(
        "replan", str(scenario_file), str(plan_file), "--done", str(log_file),
        "--today", TODAY.isoformat(), "--format", "json", "-o", str(out),
        "--deterministic", "--time-limit", "3",
    )  # fmt: skip

    assert result.exit_code == 0, result.stderr
    data = json.loads(out.read_text())
    assert data["replanned_from"] == TODAY.isoformat()
    assert data["changes"]
    count = len(data["changes"])
    assert f"{count} session{'' if count == 1 else 's'} changed from {TODAY}" in result.stderr
    checked = run_cli("check", str(scenario_file), str(out), "--done", str(log_file))
    assert checked.exit_code == 0, checked.stdout
    # The old plan does not match the log: week 3 was planned, not done (H20).
    stale = run_cli(
        "check", str(scenario_file), str(plan_file), "--done", str(log_file),
        "--today", TODAY.isoformat(),
    )  # fmt: skip
    assert stale.exit_code == 1
    assert "H20" in stale.stdout
    assert "the log says rest" in stale.stdout


def test_cli_bad_log_and_dates_are_input_errors(
    tmp_path: Path, planned: Plan, run_cli: Callable[..., CliResult]
) -> None:
    scenario_file, plan_file = write_inputs(tmp_path, planned)
    bad = tmp_path / "log.yaml"
    bad.write_text("- {date: 2027-03-02, minutes: 30, rpe: 3}\n")
    late = tmp_path / "late.yaml"
    late.write_text("- {date: 2027-03-25, kind: road_easy, minutes: 30, rpe: 3}\n")

    for args, expected in (
        (("--done", str(bad), "--today", "2027-03-22"), "needs a kind"),
        (("--done", str(late), "--today", "2027-03-22"), "on or after today"),
        (("--done", str(bad), "--today", "2027-03-32"), "is not a date"),
    ):
        result = run_cli("replan", str(scenario_file), str(plan_file), *args)
        assert result.exit_code == 2, result
        assert expected in result.stderr
        assert "Traceback" not in result.stderr
    lonely = run_cli("check", str(scenario_file), str(plan_file), "--today", "2027-03-22")
    assert lonely.exit_code == 2
    assert "--today needs --done" in lonely.stderr


# ----- issue 16: what a new user met ------------------------------------------------
# Generated logs and scenarios: test_properties.py (properties 8 and 9, tests/life.py).


def run_logged_longer_by_a_watch(scenario: Scenario, plan: Plan) -> TrainingLog:
    """Issue 16 (b): the plan done as planned, except a short run of week 3 done as 60
    minutes at RPE 4 and logged as a watch writes it (a run on road, no kind). The log
    reads it as the closest kind, a long run, so week 3 holds two long runs."""
    run = next(
        (d.date, s)
        for d in plan.days
        if week_of(scenario, d.date) == 3
        for s in d.sessions
        if s.modality.value == "run" and not s.long and s.minutes < 60
    )
    entries = []
    for entry in as_planned(plan).entries:
        if (entry.date, entry.slot) == (run[0], run[1].slot):
            entry = LogEntry(date=entry.date, modality="run", terrain="road", minutes=60, rpe=4)
        entries.append(entry)
    return TrainingLog(tuple(entries))


def test_a_run_logged_longer_never_gives_an_empty_conflict(
    scenario: Scenario, planned: Plan
) -> None:
    log = run_logged_longer_by_a_watch(scenario, planned)

    again = replan(scenario, planned, log, TODAY, OPTIONS)

    assert again.has_plan, again.conflicts
    assert check(scenario, again, done=log) == []


@pytest.mark.parametrize("today", [dt.date(2027, 3, 19), dt.date(2027, 3, 21)])
def test_a_run_logged_longer_in_todays_week_is_planned_around(
    scenario: Scenario, planned: Plan, today: dt.date
) -> None:
    """Issue 16 (b) inside today's week (Friday, Sunday of week 3): every run of week 3
    logged half as long again (so the week may pass its caps). The re-plan is feasible,
    lists what the log alone broke as broken_by_log, and passes the checker."""
    entries = [
        LogEntry(
            date=e.date,
            kind=e.kind,
            minutes=e.minutes * 3 // 2 if e.kind is not None and "road" in e.kind else e.minutes,
            rpe=e.rpe,
            slot=e.slot,
        )
        for e in log_of(planned, today, lambda _d, _s: True).entries
    ]
    log = TrainingLog(tuple(entries))

    again = replan(scenario, planned, log, today, OPTIONS)

    assert again.has_plan, again.conflicts
    assert check(scenario, again, done=log, today=today) == []
    broken = [s for s in again.shortfalls if s.type is ShortfallType.BROKEN_BY_LOG]
    assert all(s.week == 3 and s.message.startswith("week 3: the logged days") for s in broken)


def test_an_illness_week_then_a_pinned_interval_session_replans(scenario: Scenario) -> None:
    """Issue 16 (a): nothing done in week 2 (illness), then a group interval session
    pinned on Tuesday of week 3. Under v2's H10 any hard session after an empty week raised
    both levers; v3 compares with the most of the four weeks before, so the re-plan from
    Monday of week 3 is feasible, keeps the pin and names no H10 conflict."""
    pinned = Scenario.model_validate(
        {
            **SCENARIO,
            "pinned": [
                {"date": "2027-03-16", "slot": "pm", "kind": "road_intervals", "minutes": 60}
            ],
        }
    )
    plan = solve(pinned, OPTIONS)
    assert plan.has_plan
    today = dt.date(2027, 3, 15)
    log = log_of(plan, today, lambda date, _s: week_of(pinned, date) != 2)

    again = replan(pinned, plan, log, today, OPTIONS)

    assert again.has_plan, again.conflicts
    tuesday = next(d for d in again.days if d.date == dt.date(2027, 3, 16))
    assert [(s.kind, s.minutes) for s in tuesday.sessions] == [("road_intervals", 60)]
    assert check(pinned, again, done=log, today=today) == []


def test_the_command_line_replans_a_run_logged_longer(
    tmp_path: Path, scenario: Scenario, planned: Plan, run_cli: Callable[..., CliResult]
) -> None:
    scenario_file, plan_file = write_inputs(tmp_path, planned)
    log_file = tmp_path / "log.json"
    log = run_logged_longer_by_a_watch(scenario, planned)
    log_file.write_text(log.model_dump_json(exclude_none=True))

    result = run_cli(
        "replan", str(scenario_file), str(plan_file), "--done", str(log_file),
        "--today", TODAY.isoformat(), "--deterministic", "--time-limit", "3",
        "-o", str(tmp_path / "again.json"),
    )  # fmt: skip

    assert result.exit_code == 0, result.stderr
    again = Plan.model_validate_json((tmp_path / "again.json").read_text())
    assert check(scenario, again, done=log) == []


def test_an_infeasible_future_names_rules_of_the_future(scenario: Scenario, planned: Plan) -> None:
    # Two hard sessions pinned on consecutive days of week 5 (added after the plan was
    # solved): the future alone cannot hold them (H06), whatever was done.
    pinned = Scenario.model_validate(
        {
            **SCENARIO,
            "pinned": [
                {"date": "2027-03-30", "slot": "pm", "kind": "road_intervals", "minutes": 60},
                {"date": "2027-03-31", "slot": "pm", "kind": "road_tempo", "minutes": 45},
            ],
        }
    )
    log = log_of(planned, TODAY, lambda date, _s: date != dt.date(2027, 3, 2))

    again = replan(pinned, planned, log, TODAY, OPTIONS)

    assert again.status is Status.INFEASIBLE
    assert_explained(again.conflicts)
    rules = {rule for conflict in again.conflicts for rule in conflict.rules}
    assert rules == {"H06", "H20"}
    assert all(c.week is None or c.week >= week_of(scenario, TODAY) for c in again.conflicts)


@pytest.mark.slow
def test_one_kind_logged_at_two_efforts_counts_each_load(scenario: Scenario, planned: Plan) -> None:
    """Found by a random-log property (now property 8 of test_properties.py): two logged
    sessions of one kind at different RPEs in today's week were counted at the first one's
    RPE, so the model's weekly load fell short of the real one and the re-plan broke H09 in
    the checker's eyes."""
    today = dt.date(2027, 3, 4)  # Thursday of week 1
    log = TrainingLog(
        (
            LogEntry(date=dt.date(2027, 3, 1), kind="bike_easy", minutes=60, rpe=2),
            LogEntry(date=dt.date(2027, 3, 2), kind="bike_easy", minutes=120, rpe=6),
            LogEntry(date=dt.date(2027, 3, 3), kind="bike_easy", minutes=30, rpe=2),
        )
    )

    again = replan(scenario, planned, log, today, OPTIONS)

    assert again.has_plan
    assert again.weeks[0].load >= 60 * 2 + 120 * 6 + 30 * 2
    assert check(scenario, again, done=log) == []


def test_the_readme_month_of_real_life_is_a_log_of_its_scenario() -> None:
    """README, "A month of real life": the log there fits the shipped half-marathon
    scenario before 2027-08-30 and reads as the text says (week 2 empty, the hike read as
    hike_easy)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### A month of real life", 1)[1]
    block = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    log = TrainingLog.model_validate(yaml.safe_load(block))
    half = load_scenario(SCENARIOS / "half-marathon-8-weeks.yaml")

    placed = logged_sessions(half, log, dt.date(2027, 8, 30))

    assert all(week_of(half, date) in (1, 3, 4) for date in placed)
    (hike,) = placed[dt.date(2027, 8, 28)]
    assert hike.kind.id == "hike_easy"
    (long_run,) = placed[dt.date(2027, 8, 22)]
    assert long_run.minutes * long_run.kind.rpe == 360
