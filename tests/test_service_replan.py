"""Re-planning over HTTP (``POST /v1/replans``, ``POST /v1/jobs/replans``) end to end: a
real uvicorn server with an API key, spoken to with `periodize.client`. One 6-week plan is
solved through the server; each test builds a training log from it. Solves are short
(2 s, one CP-SAT thread); the checker with the log as history is the oracle."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

import periodize
from periodize.client import AsyncClient, Client, ServiceError
from periodize.log import LogEntry, TrainingLog
from periodize.plan import Plan
from periodize.scenario import Scenario
from periodize.service.models import JobStatus, JobView
from periodize.service.settings import ServiceSettings
from service_server import RunningServer, serve
from test_conflicts import assert_explained
from test_replan import SCENARIO as REPLAN_SCENARIO
from test_replan import TODAY

pytestmark = pytest.mark.slow  # solves, servers or processes: `make test-fast` skips the module

KEY = "replan-key-7c21"
SOLVE_S = 2.0
SCENARIO: dict[str, Any] = {**REPLAN_SCENARIO, "name": "service replan"}
"""The 6-week fixture of test_replan.py, under a name of its own."""


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    """Two workers, one CP-SAT thread each, and an API key. A re-plan body (scenario, plan
    and log: about 36 KB of YAML) takes about 0.25 s to parse on an idle machine, and
    under the suite's load it passed the default 0.5 s parse limit once (413); this module
    tests what a body means, so it gives the parser 5 s (test_hardening_service tests the
    limit itself)."""
    settings = ServiceSettings(
        workers=2,
        queue_size=8,
        solver_threads=1,
        default_time_limit_s=SOLVE_S,
        api_key=KEY,
        parse_time_s=5.0,
    )
    with serve(settings) as running:
        yield running


@pytest.fixture
def client(server: RunningServer) -> Iterator[Client]:
    with Client(server.url, api_key=KEY) as opened:
        yield opened


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return Scenario.model_validate(SCENARIO)


@pytest.fixture(scope="module")
def planned(server: RunningServer, scenario: Scenario) -> Plan:
    with Client(server.url, api_key=KEY) as client:
        plan = client.solve(scenario, time_limit_s=SOLVE_S)
    assert plan.has_plan
    return plan


def log_of(plan: Plan, keep: Callable[[dt.date], bool] = lambda _date: True) -> TrainingLog:
    """The sessions of ``plan`` before today on the days ``keep`` keeps, done as planned."""
    return TrainingLog(
        tuple(
            LogEntry(date=day.date, kind=s.kind, minutes=s.minutes, rpe=s.rpe, slot=s.slot)
            for day in plan.days
            if day.date < TODAY and keep(day.date)
            for s in day.sessions
        )
    )


def missed_week_3(scenario: Scenario) -> Callable[[dt.date], bool]:
    return lambda date: scenario.week_of(date).index != 3


def future(plan: Plan) -> list[Any]:
    return [
        (d.date, [(s.slot, s.kind, s.minutes) for s in d.sessions])
        for d in plan.days
        if d.date >= TODAY
    ]


def request_body(plan: Plan, log: list[dict[str, Any]], today: str) -> dict[str, Any]:
    return {"scenario": SCENARIO, "plan": plan.model_dump(mode="json"), "log": log, "today": today}


def test_a_log_that_matches_the_plan_gives_back_the_same_future(
    server: RunningServer, scenario: Scenario, planned: Plan
) -> None:
    log = log_of(planned)

    async def replan() -> Plan:
        async with AsyncClient(server.url, api_key=KEY) as client:
            return await client.replan(scenario, planned, log, TODAY, time_limit_s=SOLVE_S)

    again = asyncio.run(replan())

    assert again.replanned_from == TODAY
    assert again.changes == ()
    assert future(again) == future(planned)
    assert periodize.check(scenario, again, done=log) == []


def test_a_yaml_body_reads_like_the_files(
    server: RunningServer, scenario: Scenario, planned: Plan
) -> None:
    log = log_of(planned).model_dump(mode="json", exclude_none=True)
    text = yaml.safe_dump(request_body(planned, log, TODAY.isoformat()))
    response = httpx.post(
        f"{server.url}/v1/replans",
        content=text,
        headers={"Content-Type": "application/yaml", "Authorization": f"Bearer {KEY}"},
        timeout=60,
    )
    assert response.status_code == 200
    again = Plan.model_validate_json(response.content)
    assert again.changes == ()
    assert future(again) == future(planned)


def test_a_missed_week_gives_a_plan_the_checker_accepts_with_the_log(
    client: Client, scenario: Scenario, planned: Plan
) -> None:
    log = log_of(planned, missed_week_3(scenario))

    again = client.replan(scenario, planned, log, TODAY, time_limit_s=SOLVE_S)

    assert again.has_plan, again.conflicts
    assert again.replanned_from == TODAY
    assert again.stats.time_limit_s == SOLVE_S
    assert periodize.check(scenario, again, done=log) == []
    assert again.weeks[2].load == 0  # the past is the log: week 3 holds nothing
    assert all(change.date >= TODAY for change in again.changes)


def test_an_infeasible_replan_names_rules_and_says_why(
    server: RunningServer, scenario: Scenario, planned: Plan
) -> None:
    """Issue 16: never ``conflicts: [{"rules": [], "message": ""}]``. Two hard sessions
    pinned on consecutive days of week 5 after the plan was solved: the future alone
    cannot hold (H06), and the body says so."""
    pinned = {
        **SCENARIO,
        "pinned": [
            {"date": "2027-03-30", "slot": "pm", "kind": "road_intervals", "minutes": 60},
            {"date": "2027-03-31", "slot": "pm", "kind": "road_tempo", "minutes": 45},
        ],
    }
    log = log_of(planned, lambda date: date != dt.date(2027, 3, 2))
    body = request_body(planned, log.model_dump(mode="json"), TODAY.isoformat())
    body["scenario"] = pinned

    response = httpx.post(
        f"{server.url}/v1/replans",
        json=body,
        params={"time_limit_s": SOLVE_S},
        headers={"Authorization": f"Bearer {KEY}"},
        timeout=60,
    )

    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "infeasible"
    assert data["conflicts"]
    for conflict in data["conflicts"]:
        assert conflict["rules"]
        assert all(rule.strip() for rule in conflict["rules"])
        assert conflict["message"].strip()
    assert_explained(Plan.model_validate(data).conflicts)
    assert "H06" in {rule for conflict in data["conflicts"] for rule in conflict["rules"]}


def wait_for(client: Client, job_id: str, condition: Callable[[JobView], bool]) -> JobView:
    deadline = time.monotonic() + 60
    while True:
        view = client.job(job_id)
        if condition(view) or view.status.finished or time.monotonic() > deadline:
            return view
        time.sleep(0.1)


def test_a_replan_job_reports_progress_and_cancels_with_the_best_plan(
    client: Client, scenario: Scenario, planned: Plan
) -> None:
    """Every other day of the first week and a half skipped: far from proven optimal
    within the time limit (a 30 s solve ends with a gap above 0.5), so it is still
    running when cancelled."""
    today = dt.date(2027, 3, 10)
    log = log_of(planned, lambda date: date < today and date.day % 2 == 0)
    job = client.submit_replan(scenario, planned, log, today, time_limit_s=60)
    assert job.status in (JobStatus.QUEUED, JobStatus.RUNNING)
    assert job.time_limit_s == 60

    running = wait_for(
        client, job.id, lambda v: v.progress is not None and v.progress.stage != "construction"
    )
    assert running.status is JobStatus.RUNNING
    cancelled = client.cancel(job.id)

    assert cancelled.status is JobStatus.CANCELLED
    assert cancelled.plan is not None
    assert cancelled.plan.has_plan
    assert cancelled.plan.replanned_from == today
    assert periodize.check(scenario, cancelled.plan, done=log) == []


def test_a_log_entry_after_today_is_422_with_the_command_line_message(
    client: Client, scenario: Scenario, planned: Plan, run_cli: Any, tmp_path: Path
) -> None:
    late = LogEntry(date=TODAY + dt.timedelta(days=2), kind="road_easy", minutes=40, rpe=3)
    log = TrainingLog((*log_of(planned).entries, late))

    with pytest.raises(ServiceError) as raised:
        client.replan(scenario, planned, log, TODAY)

    assert raised.value.status_code == 422
    files = write_files(tmp_path, planned, log)
    cli = run_cli("replan", *files, "--today", TODAY.isoformat())
    assert cli.exit_code == 2
    assert list(raised.value.messages) == cli.stderr.splitlines()
    assert raised.value.messages == (
        "log: 2027-03-24: on or after today (2027-03-22); a log holds what was done before "
        "today: drop the entry or move today later",
    )


def write_files(tmp_path: Path, plan: Plan, log: TrainingLog | list[Any]) -> list[str]:
    """The scenario, plan and log as the command line reads them: SCENARIO PLAN --done LOG."""
    paths = [tmp_path / "scenario.json", tmp_path / "plan.json", tmp_path / "log.json"]
    entries = log.model_dump(mode="json") if isinstance(log, TrainingLog) else log
    for path, data in zip(paths, (SCENARIO, plan.model_dump(mode="json"), entries), strict=True):
        path.write_text(json.dumps(data), encoding="utf-8")
    return [str(paths[0]), str(paths[1]), "--done", str(paths[2])]


def test_a_bad_log_is_422_with_the_command_line_messages(
    server: RunningServer, planned: Plan, run_cli: Any, tmp_path: Path
) -> None:
    entries = [
        {"date": "2027-03-02", "kind": "road_easy", "minutes": 0, "rpe": 3},
        {"date": "2027-03-03", "minutes": 30, "rpe": 4, "slott": "pm"},
    ]
    response = httpx.post(
        f"{server.url}/v1/replans",
        json=request_body(planned, entries, TODAY.isoformat()),
        headers={"Authorization": f"Bearer {KEY}"},
        timeout=60,
    )
    assert response.status_code == 422
    messages = response.json()["detail"]
    files = write_files(tmp_path, planned, entries)
    cli = run_cli("replan", *files, "--today", TODAY.isoformat())
    assert cli.exit_code == 2
    log_path = files[-1]
    assert [m.removeprefix("log: ") for m in messages] == [
        line.removeprefix(f"{log_path}: ") for line in cli.stderr.splitlines()
    ]
    assert messages[0].startswith("log: entry 1 (2027-03-02): minutes:")
    assert len(messages) >= 2


def test_a_plan_today_or_request_that_do_not_fit_are_422(
    server: RunningServer, client: Client, scenario: Scenario, planned: Plan
) -> None:
    other = dict(SCENARIO, start="2027-02-22", weeks=7)
    with pytest.raises(ServiceError) as raised:
        client.replan(other, planned, [], "2027-03-22")
    assert raised.value.status_code == 422
    assert raised.value.messages == (
        "the previous plan covers 2027-03-01 to 2027-04-11, the scenario 2027-02-22 to "
        "2027-04-11; re-plan with the scenario the plan was solved from",
    )
    with pytest.raises(ServiceError) as raised:
        client.replan(scenario, planned, [], "2027-05-01")
    assert raised.value.messages == (
        "today 2027-05-01 is outside the plan (2027-03-01 to 2027-04-11); give a date within it",
    )
    with pytest.raises(ServiceError) as raised:
        client.replan(scenario, planned, [], "next monday")
    assert raised.value.messages == ("today: 'next monday' is not a date; use YYYY-MM-DD",)
    response = httpx.post(
        f"{server.url}/v1/replans",
        json={"scenario": SCENARIO, "plan": {}, "todya": "2027-03-22"},
        headers={"Authorization": f"Bearer {KEY}"},
        timeout=60,
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "request: unknown key 'todya' (allowed: log, plan, scenario, today)" in detail
    assert "plan: scenario: required key is missing" in detail
    assert any(line.startswith("log: required key is missing") for line in detail)
    assert any(line.startswith("today: required key is missing") for line in detail)


def test_replans_need_the_key(server: RunningServer, scenario: Scenario, planned: Plan) -> None:
    log = log_of(planned)
    body = request_body(planned, log.model_dump(mode="json"), TODAY.isoformat())
    for path in ("/v1/replans", "/v1/jobs/replans"):
        refused = httpx.post(f"{server.url}{path}", json=body, timeout=60)
        assert refused.status_code == 401
        assert refused.headers["WWW-Authenticate"] == "Bearer"
    with Client(server.url) as anonymous, pytest.raises(ServiceError) as raised:
        anonymous.replan(scenario, planned, log, TODAY)
    assert raised.value.status_code == 401
    with Client(server.url, api_key=KEY) as client:
        assert client.replan(scenario, planned, log, TODAY).changes == ()


def test_the_openapi_document_describes_the_replan_body(server: RunningServer) -> None:
    document = httpx.get(
        f"{server.url}/openapi.json", headers={"Authorization": f"Bearer {KEY}"}
    ).json()
    for path in ("/v1/replans", "/v1/jobs/replans"):
        operation = document["paths"][path]["post"]
        for media in ("application/json", "application/yaml"):
            schema = operation["requestBody"]["content"][media]["schema"]
            assert schema["required"] == ["scenario", "plan", "log", "today"]
            assert schema["properties"]["scenario"] == {"$ref": "#/components/schemas/Scenario"}
            assert schema["properties"]["plan"] == {"$ref": "#/components/schemas/Plan"}
            assert schema["properties"]["log"] == {"$ref": "#/components/schemas/TrainingLog"}
            assert schema["properties"]["today"]["format"] == "date"
        assert {"200", "202"} & set(operation["responses"])
        assert {"401", "422", "503"} <= set(operation["responses"])
    schemas = document["components"]["schemas"]
    assert schemas["TrainingLog"]["items"] == {"$ref": "#/components/schemas/LogEntry"}
    assert set(schemas["LogEntry"]["required"]) == {"date", "minutes", "rpe"}
    assert schemas["LogEntry"]["properties"]["date"]["format"] == "date"
