"""A small typed client for the periodize HTTP API (`periodize serve`).

`Client` is synchronous, `AsyncClient` asynchronous; both return the library's models
(`Plan`, and the service's `JobView`, `CheckResult`, `ExplainResult`, `Health`). A response
that is not a success raises `ServiceError` with the status and the server's messages::

    from periodize.client import Client

    with Client("http://127.0.0.1:8000", api_key="...") as client:
        plan = client.solve(scenario, time_limit_s=10)
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any, Self, TypeVar

from pydantic import BaseModel

from periodize.extras import missing_extra_message

try:
    import httpx
except ImportError as missing:  # one clear line instead of "No module named httpx"
    raise ImportError(missing_extra_message("service", "periodize.client", ["httpx"])) from missing

from periodize.log import LogEntry, TrainingLog
from periodize.plan import Plan
from periodize.scenario import Scenario
from periodize.service.models import (
    CheckResult,
    ExplainResult,
    Health,
    JobStatus,
    JobView,
    Problem,
)

__all__ = [
    "AsyncClient",
    "CheckResult",
    "Client",
    "ExplainResult",
    "Health",
    "JobStatus",
    "JobView",
    "ServiceError",
]

M = TypeVar("M", bound=BaseModel)
ScenarioLike = Scenario | Mapping[str, Any] | str
"""A scenario, its plain data, or the text of a scenario file (YAML or JSON)."""
PlanLike = Plan | Mapping[str, Any]
LogLike = TrainingLog | Sequence[LogEntry | Mapping[str, Any]]
"""A training log: a `TrainingLog`, or its entries as `LogEntry` models or plain data."""

DEFAULT_TIMEOUT_S = 120.0
"""How long a request may take: a synchronous solve waits for its whole time limit."""


class ServiceError(Exception):
    """The server answered with an error: its status, its messages (for 422, the same
    lines the command line prints) and, for 503, how long to wait before trying again."""

    def __init__(self, status_code: int, messages: tuple[str, ...], retry_after: float | None):
        super().__init__(f"HTTP {status_code}: " + "; ".join(messages))
        self.status_code = status_code
        self.messages = messages
        self.retry_after = retry_after


def _scenario_json(scenario: Scenario | Mapping[str, Any]) -> Any:
    if isinstance(scenario, Scenario):
        return scenario.model_dump(mode="json", exclude_unset=True)
    return dict(scenario)


def _scenario_body(scenario: ScenarioLike) -> dict[str, Any]:
    """The request arguments that carry ``scenario``: file text as YAML (a superset of
    JSON), anything else as JSON."""
    if isinstance(scenario, str):
        return {"content": scenario.encode(), "headers": {"Content-Type": "application/yaml"}}
    return {"json": _scenario_json(scenario)}


def _plan_json(plan: PlanLike) -> Any:
    return plan.model_dump(mode="json") if isinstance(plan, Plan) else dict(plan)


def _log_json(log: LogLike) -> list[Any]:
    entries = log.entries if isinstance(log, TrainingLog) else log
    return [
        entry.model_dump(mode="json", exclude_none=True)
        if isinstance(entry, LogEntry)
        else dict(entry)
        for entry in entries
    ]


def _replan_json(
    scenario: Scenario | Mapping[str, Any], plan: PlanLike, log: LogLike, today: dt.date | str
) -> dict[str, Any]:
    """The body of ``POST /v1/replans``."""
    return {
        "scenario": _scenario_json(scenario),
        "plan": _plan_json(plan),
        "log": _log_json(log),
        "today": today.isoformat() if isinstance(today, dt.date) else today,
    }


def _params(
    time_limit_s: float | None, seed: int | None = None, deterministic: bool = False
) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if time_limit_s is not None:
        params["time_limit_s"] = time_limit_s
    if seed is not None:
        params["seed"] = seed
    if deterministic:
        params["deterministic"] = "true"
    return params


def _headers(api_key: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_key}"} if api_key else {}


def _read(response: httpx.Response, model: type[M]) -> M:
    """The response body as ``model``, or `ServiceError`."""
    if response.is_success:
        return model.model_validate_json(response.content)
    try:
        messages = Problem.model_validate_json(response.content).detail
    except ValueError:
        messages = (response.text or response.reason_phrase,)
    retry = response.headers.get("Retry-After")
    retry_after = float(retry) if retry and retry.replace(".", "", 1).isdigit() else None
    raise ServiceError(response.status_code, messages, retry_after)


class Client:
    """Synchronous client: one `httpx.Client` with the base URL and the API key."""

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers=_headers(api_key),
            timeout=timeout_s,
            transport=transport,
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def solve(
        self,
        scenario: ScenarioLike,
        *,
        time_limit_s: float | None = None,
        seed: int | None = None,
        deterministic: bool = False,
    ) -> Plan:
        """Solve and wait: ``POST /v1/plans``."""
        response = self._http.post(
            "/v1/plans",
            **_scenario_body(scenario),
            params=_params(time_limit_s, seed, deterministic),
        )
        return _read(response, Plan)

    def submit(
        self,
        scenario: ScenarioLike,
        *,
        time_limit_s: float | None = None,
        seed: int | None = None,
        deterministic: bool = False,
    ) -> JobView:
        """Start a solve: ``POST /v1/jobs``; the job comes back queued or running."""
        response = self._http.post(
            "/v1/jobs",
            **_scenario_body(scenario),
            params=_params(time_limit_s, seed, deterministic),
        )
        return _read(response, JobView)

    def replan(
        self,
        scenario: Scenario | Mapping[str, Any],
        plan: PlanLike,
        log: LogLike,
        today: dt.date | str,
        *,
        time_limit_s: float | None = None,
        seed: int | None = None,
        deterministic: bool = False,
    ) -> Plan:
        """Re-plan ``plan`` from ``today`` on around ``log`` (what was done before
        today) and wait: ``POST /v1/replans``."""
        response = self._http.post(
            "/v1/replans",
            json=_replan_json(scenario, plan, log, today),
            params=_params(time_limit_s, seed, deterministic),
        )
        return _read(response, Plan)

    def submit_replan(
        self,
        scenario: Scenario | Mapping[str, Any],
        plan: PlanLike,
        log: LogLike,
        today: dt.date | str,
        *,
        time_limit_s: float | None = None,
        seed: int | None = None,
        deterministic: bool = False,
    ) -> JobView:
        """Start a re-plan: ``POST /v1/jobs/replans``; poll, wait and cancel it as a job."""
        response = self._http.post(
            "/v1/jobs/replans",
            json=_replan_json(scenario, plan, log, today),
            params=_params(time_limit_s, seed, deterministic),
        )
        return _read(response, JobView)

    def job(self, job_id: str) -> JobView:
        """A job's status, progress and plan: ``GET /v1/jobs/{id}``."""
        return _read(self._http.get(f"/v1/jobs/{job_id}"), JobView)

    def cancel(self, job_id: str) -> JobView:
        """Cancel a job; it comes back with the best plan found so far: ``DELETE``."""
        return _read(self._http.delete(f"/v1/jobs/{job_id}"), JobView)

    def wait(self, job_id: str, *, poll_s: float = 0.5, timeout_s: float | None = None) -> JobView:
        """Poll a job until it finishes (or ``timeout_s`` passes); its last view."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        while True:
            view = self.job(job_id)
            if view.status.finished or (deadline is not None and time.monotonic() > deadline):
                return view
            time.sleep(poll_s)

    def check(self, scenario: Scenario | Mapping[str, Any], plan: PlanLike) -> CheckResult:
        """Verify ``plan`` against every hard rule: ``POST /v1/check``."""
        body = {"scenario": _scenario_json(scenario), "plan": _plan_json(plan)}
        return _read(self._http.post("/v1/check", json=body), CheckResult)

    def explain(
        self, scenario: ScenarioLike, *, time_limit_s: float | None = None
    ) -> ExplainResult:
        """Why ``scenario`` is infeasible: ``POST /v1/explain``."""
        response = self._http.post(
            "/v1/explain", **_scenario_body(scenario), params=_params(time_limit_s)
        )
        return _read(response, ExplainResult)

    def schema(self) -> dict[str, Any]:
        """The scenario JSON Schema: ``GET /v1/schema``."""
        response = self._http.get("/v1/schema")
        if not response.is_success:
            _read(response, Problem)
        schema: dict[str, Any] = response.json()
        return schema

    def health(self) -> Health:
        """``GET /v1/healthz`` (no key needed)."""
        return _read(self._http.get("/v1/healthz"), Health)


class AsyncClient:
    """Asynchronous client: the same calls as `Client`, awaited."""

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            headers=_headers(api_key),
            timeout=timeout_s,
            transport=transport,
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        await self._http.aclose()

    async def solve(
        self,
        scenario: ScenarioLike,
        *,
        time_limit_s: float | None = None,
        seed: int | None = None,
        deterministic: bool = False,
    ) -> Plan:
        """Solve and wait: ``POST /v1/plans``."""
        response = await self._http.post(
            "/v1/plans",
            **_scenario_body(scenario),
            params=_params(time_limit_s, seed, deterministic),
        )
        return _read(response, Plan)

    async def submit(
        self,
        scenario: ScenarioLike,
        *,
        time_limit_s: float | None = None,
        seed: int | None = None,
        deterministic: bool = False,
    ) -> JobView:
        """Start a solve: ``POST /v1/jobs``."""
        response = await self._http.post(
            "/v1/jobs",
            **_scenario_body(scenario),
            params=_params(time_limit_s, seed, deterministic),
        )
        return _read(response, JobView)

    async def replan(
        self,
        scenario: Scenario | Mapping[str, Any],
        plan: PlanLike,
        log: LogLike,
        today: dt.date | str,
        *,
        time_limit_s: float | None = None,
        seed: int | None = None,
        deterministic: bool = False,
    ) -> Plan:
        """Re-plan ``plan`` from ``today`` on around ``log`` and wait: ``POST /v1/replans``."""
        response = await self._http.post(
            "/v1/replans",
            json=_replan_json(scenario, plan, log, today),
            params=_params(time_limit_s, seed, deterministic),
        )
        return _read(response, Plan)

    async def submit_replan(
        self,
        scenario: Scenario | Mapping[str, Any],
        plan: PlanLike,
        log: LogLike,
        today: dt.date | str,
        *,
        time_limit_s: float | None = None,
        seed: int | None = None,
        deterministic: bool = False,
    ) -> JobView:
        """Start a re-plan: ``POST /v1/jobs/replans``."""
        response = await self._http.post(
            "/v1/jobs/replans",
            json=_replan_json(scenario, plan, log, today),
            params=_params(time_limit_s, seed, deterministic),
        )
        return _read(response, JobView)

    async def job(self, job_id: str) -> JobView:
        """A job's status, progress and plan: ``GET /v1/jobs/{id}``."""
        return _read(await self._http.get(f"/v1/jobs/{job_id}"), JobView)

    async def cancel(self, job_id: str) -> JobView:
        """Cancel a job; it comes back with the best plan found so far."""
        return _read(await self._http.delete(f"/v1/jobs/{job_id}"), JobView)

    async def wait(
        self, job_id: str, *, poll_s: float = 0.5, timeout_s: float | None = None
    ) -> JobView:
        """Poll a job until it finishes (or ``timeout_s`` passes); its last view."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        while True:
            view = await self.job(job_id)
            if view.status.finished or (deadline is not None and time.monotonic() > deadline):
                return view
            await asyncio.sleep(poll_s)

    async def check(self, scenario: Scenario | Mapping[str, Any], plan: PlanLike) -> CheckResult:
        """Verify ``plan`` against every hard rule: ``POST /v1/check``."""
        body = {"scenario": _scenario_json(scenario), "plan": _plan_json(plan)}
        return _read(await self._http.post("/v1/check", json=body), CheckResult)

    async def explain(
        self, scenario: ScenarioLike, *, time_limit_s: float | None = None
    ) -> ExplainResult:
        """Why ``scenario`` is infeasible: ``POST /v1/explain``."""
        response = await self._http.post(
            "/v1/explain", **_scenario_body(scenario), params=_params(time_limit_s)
        )
        return _read(response, ExplainResult)

    async def schema(self) -> dict[str, Any]:
        """The scenario JSON Schema: ``GET /v1/schema``."""
        response = await self._http.get("/v1/schema")
        if not response.is_success:
            _read(response, Problem)
        schema: dict[str, Any] = response.json()
        return schema

    async def health(self) -> Health:
        """``GET /v1/healthz`` (no key needed)."""
        return _read(await self._http.get("/v1/healthz"), Health)
