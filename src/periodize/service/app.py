"""The FastAPI app: the library behind HTTP, under ``/v1``.

Bodies are read and validated here with the loader the command line uses
(`periodize.loading.validate_data`, `log_from_text`, `periodize.replan.validate_replan`),
so bad input gets 422 with the CLI's messages, one per problem. Solves, re-plans and
explanations go to the `WorkerPool`; the event loop only waits.
Every error is a `Problem` body; no request can kill the server.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hmac
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, MutableMapping
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPBearer
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from periodize.check import check
from periodize.loading import (
    DocumentTooLarge,
    InputError,
    log_from_data,
    problem_report,
    shorten,
    validate_data,
)
from periodize.log import TrainingLog
from periodize.parsing import decode_text, parse_json, parse_yaml
from periodize.plan import Plan
from periodize.replan import validate_replan
from periodize.scenario import Scenario
from periodize.service.jobs import Job, JobRegistry, QueueFull, Task, WorkerPool
from periodize.service.models import CheckResult, ExplainResult, Health, JobStatus, JobView, Problem
from periodize.service.settings import ServiceSettings

access_log = logging.getLogger("periodize.service.access")
log = logging.getLogger("periodize.service")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

HEALTH_PATH = "/v1/healthz"
SCENARIO_REF = {"$ref": "#/components/schemas/Scenario"}
PLAN_REF = {"$ref": "#/components/schemas/Plan"}
LOG_REF = {"$ref": "#/components/schemas/TrainingLog"}


def _package_version() -> str:
    try:
        return version("periodize")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0"


# ----- reading bodies -----------------------------------------------------------------


YAML_TYPES = frozenset({"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"})
"""Media types read as YAML (a scenario file as it is)."""
JSON_TYPES = frozenset({"application/json"})
"""Media types read as JSON (and any ``application/...+json``)."""


class UnsupportedMediaType(Exception):
    """A body whose Content-Type is neither JSON nor YAML (415). Refusing ``text/plain``,
    forms and a missing type keeps a browser page from posting a solve cross-site
    without a CORS preflight."""


def _media_kind(content_type: str) -> Literal["json", "yaml"]:
    """``json`` or ``yaml`` by the request's Content-Type, else `UnsupportedMediaType`."""
    media = content_type.split(";")[0].strip().lower()
    if media in YAML_TYPES:
        return "yaml"
    if media in JSON_TYPES or (media.startswith("application/") and media.endswith("+json")):
        return "json"
    shown = f"Content-Type {shorten(media, 60)!r}" if media else "no Content-Type"
    raise UnsupportedMediaType(
        f"the body has {shown}: send it as application/json or application/yaml"
    )


def _document_of(body: bytes, content_type: str, name: str, settings: ServiceSettings) -> Any:
    """Parse a body as YAML or JSON by its Content-Type, within the server's parse limits
    (`periodize.parsing`: size, depth, values, digits, time; no YAML aliases, since a few
    bytes of nested aliases expand to billions of values)."""
    kind = _media_kind(content_type)
    limits = settings.parse_limits
    if kind == "yaml":
        return parse_yaml(decode_text(body, name), name, limits)
    return parse_json(body, name, limits)


def _validated_scenario(data: Any, settings: ServiceSettings, name: str = "scenario") -> Scenario:
    """``data`` as a `Scenario` within the server's horizon limit, or `InputError`."""
    try:
        scenario = validate_data(Scenario, data, name)
        weeks = scenario.horizon_weeks
    except InputError:
        raise
    except RecursionError:
        raise InputError(f"{name}: the document is nested too deeply") from None
    except Exception as error:  # a validator bug must not become a 500
        log.exception("validating a scenario raised")
        raise InputError(f"{name}: cannot be validated ({type(error).__name__})") from None
    if weeks > settings.max_horizon_weeks:
        raise InputError(
            f"{name}: the plan spans {weeks} weeks; this server plans at most "
            f"{settings.max_horizon_weeks} (shorten weeks or move the race closer)"
        )
    return scenario


def _scenario_from_body(body: bytes, content_type: str, settings: ServiceSettings) -> Scenario:
    return _validated_scenario(_document_of(body, content_type, "scenario", settings), settings)


def _unknown_keys(data: dict[Any, Any], allowed: tuple[str, ...]) -> list[str]:
    """A line per key of the request ``data`` that is not ``allowed`` (at most
    `periodize.loading.MAX_PROBLEMS`, then a count)."""
    known = ", ".join(sorted(allowed))
    unknown = (
        f"unknown key {shorten(str(key), 60)!r} (allowed: {known})"
        for key in data
        if key not in allowed
    )
    report = problem_report("request", unknown)
    return report.splitlines() if report else []


def _check_body(body: bytes, content_type: str, settings: ServiceSettings) -> CheckResult:
    """Validate a check request ``{"scenario": ..., "plan": ...}`` and run the checker."""
    data = _document_of(body, content_type, "request", settings)
    if not isinstance(data, dict):
        found = "nothing" if data is None else type(data).__name__
        raise InputError(f"request: expected a mapping with keys scenario and plan, found {found}")
    problems = _unknown_keys(data, ("plan", "scenario"))
    scenario: Scenario | None = None
    plan: Plan | None = None
    try:
        scenario = _validated_scenario(data.get("scenario"), settings)
    except InputError as error:
        problems.append(str(error))
    try:
        plan = validate_data(Plan, data.get("plan"), "plan")
    except InputError as error:
        problems.append(str(error))
    except RecursionError:
        problems.append("plan: the document is nested too deeply")
    if problems or scenario is None or plan is None:
        raise InputError("\n".join(problems))
    try:
        violations = check(scenario, plan)
    except Exception as error:  # a checker bug on an odd plan must not become a 500
        log.exception("checking a plan raised")
        raise InputError(
            f"plan: cannot be checked against this scenario ({type(error).__name__}: {error})"
        ) from None
    return CheckResult(ok=not violations, violations=tuple(violations))


REPLAN_KEYS = ("scenario", "plan", "log", "today")


@dataclass(frozen=True)
class ReplanRequest:
    """A validated re-plan request: the scenario, the previous plan, what was done before
    ``today``, and ``today``."""

    scenario: Scenario
    plan: Plan
    log: TrainingLog
    today: dt.date


def _validated_log(data: Any) -> TrainingLog:
    """``data`` (a list of sessions) as a `TrainingLog`, validated by the command line's
    log loader."""
    if data is None:
        raise InputError(
            "log: required key is missing (the sessions done before today; [] for none)"
        )
    try:
        return log_from_data(data, "log")
    except InputError:
        raise
    except RecursionError:
        raise InputError("log: the document is nested too deeply") from None
    except Exception as error:  # a validator bug must not become a 500
        log.exception("validating a log raised")
        raise InputError(f"log: cannot be validated ({type(error).__name__})") from None


def _validated_today(data: Any) -> dt.date:
    """``data`` (``YYYY-MM-DD``, or a date read from YAML) as a date, or `InputError` in
    the words of ``periodize replan --today``."""
    if data is None:
        raise InputError("today: required key is missing (the first day to re-plan, YYYY-MM-DD)")
    if isinstance(data, dt.date) and not isinstance(data, dt.datetime):
        return data
    if not isinstance(data, str):
        found = type(data).__name__
        raise InputError(f"today: expected a date YYYY-MM-DD, found {found}")
    with suppress(ValueError):
        return dt.date.fromisoformat(data)
    raise InputError(f"today: {data!r} is not a date; use YYYY-MM-DD")


def _replan_body(body: bytes, content_type: str, settings: ServiceSettings) -> ReplanRequest:
    """Validate a re-plan request ``{"scenario", "plan", "log", "today"}``: each part as
    the command line validates its file (every problem reported), then the four together
    (`validate_replan`: the plan is the scenario's, the log lies before today...)."""
    data = _document_of(body, content_type, "request", settings)
    if not isinstance(data, dict):
        found = "nothing" if data is None else type(data).__name__
        raise InputError(
            f"request: expected a mapping with keys {', '.join(REPLAN_KEYS)}, found {found}"
        )
    problems = _unknown_keys(data, REPLAN_KEYS)
    scenario: Scenario | None = None
    plan: Plan | None = None
    log_: TrainingLog | None = None
    today: dt.date | None = None
    try:
        scenario = _validated_scenario(data.get("scenario"), settings)
    except InputError as error:
        problems.append(str(error))
    try:
        plan = validate_data(Plan, data.get("plan"), "plan")
    except InputError as error:
        problems.append(str(error))
    except RecursionError:
        problems.append("plan: the document is nested too deeply")
    try:
        log_ = _validated_log(data.get("log"))
    except InputError as error:
        problems.append(str(error))
    try:
        today = _validated_today(data.get("today"))
    except InputError as error:
        problems.append(str(error))
    if problems or scenario is None or plan is None or log_ is None or today is None:
        raise InputError("\n".join(problems))
    try:
        validate_replan(scenario, plan, log_, today)
    except InputError:
        raise
    except Exception as error:  # a validator bug on odd input must not become a 500
        log.exception("validating a re-plan raised")
        raise InputError(
            f"request: cannot be re-planned ({type(error).__name__}: {error})"
        ) from None
    return ReplanRequest(scenario=scenario, plan=plan, log=log_, today=today)


# ----- the guard: access log, authentication, body size --------------------------------


MAX_DETAIL_LINES = 100
"""A `Problem` lists at most this many messages (each cut to a few hundred characters):
an error body stays small whatever the request was."""
SINGLE_HEADERS = ("authorization", "content-type", "content-length")
"""Headers a request may send once: with two, which one counts would depend on who reads
them (this server, or a proxy in front of it)."""


def _problem(status: int, *lines: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    shown = [shorten(line) for line in lines[:MAX_DETAIL_LINES]]
    if len(lines) > MAX_DETAIL_LINES:
        shown.append(f"... and {len(lines) - MAX_DETAIL_LINES} more")
    body = Problem(detail=tuple(shown)).model_dump(mode="json")
    return JSONResponse(body, status_code=status, headers=headers)


class Guard:
    """Pure ASGI middleware around every HTTP request: checks the API key (all paths
    but ``/v1/healthz``), refuses bodies over the size limit (413, by Content-Length or
    as they stream in), and writes one JSON access-log line per request. The key and the
    Authorization header are never logged."""

    def __init__(self, app: ASGIApp, settings: ServiceSettings) -> None:
        self.app = app
        self.settings = settings
        self._key = settings.api_key.encode() if settings.api_key else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        outcome = {"status": 0, "bytes": 0}

        async def send_logged(message: Message) -> None:
            if message["type"] == "http.response.start":
                outcome["status"] = int(message["status"])
            elif message["type"] == "http.response.body":
                outcome["bytes"] += len(message.get("body", b""))
            await send(message)

        try:
            await self._guarded(scope, receive, send_logged)
        finally:
            self._log(scope, outcome, time.perf_counter() - started)

    async def _guarded(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers: dict[str, bytes] = {}
        for raw_name, value in scope.get("headers", []):
            name = raw_name.decode("latin-1").lower()
            if name in headers and name in SINGLE_HEADERS:
                response = _problem(400, f"the request has more than one {name} header: send one")
                await response(scope, receive, send)
                return
            headers[name] = value
        public = self._key is None or scope.get("path") == HEALTH_PATH
        if not public and not self._authorized(headers.get("authorization", b"")):
            response = _problem(
                401,
                "missing or wrong API key: send the header Authorization: Bearer KEY",
                headers={"WWW-Authenticate": "Bearer"},
            )
            await response(scope, receive, send)
            return
        limit = self.settings.max_body_bytes
        declared = headers.get("content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await self._too_large(scope, receive, send)
            return
        await self.app(scope, self._bounded_body(receive), send)

    def _bounded_body(self, receive: Receive) -> Receive:
        """``receive``, refusing a body over the size limit (413) and one that has not
        arrived within the read timeout (408); what comes after the body (the client
        disconnecting) is passed on as it comes."""
        limit, timeout = self.settings.max_body_bytes, self.settings.read_timeout_s
        deadline = time.monotonic() + timeout
        received = 0
        complete = False

        async def receive_bounded() -> Message:
            nonlocal received, complete
            if complete:
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                raise HTTPException(
                    408,
                    f"the request body did not arrive within {timeout:g} s",
                    headers={"Connection": "close"},
                ) from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise HTTPException(413, self._too_large_text())
                complete = not message.get("more_body", False)
            else:
                complete = True
            return message

        return receive_bounded

    def _authorized(self, header: bytes) -> bool:
        assert self._key is not None
        scheme, _, token = header.partition(b" ")
        if scheme.lower() != b"bearer":
            return False
        return hmac.compare_digest(token.strip(), self._key)

    def _too_large_text(self) -> str:
        limit = self.settings.max_body_bytes
        return f"the request body is larger than this server's limit of {limit} bytes"

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        await _problem(413, self._too_large_text())(scope, receive, send)

    @staticmethod
    def _log(scope: Scope, outcome: dict[str, int], seconds: float) -> None:
        client = scope.get("client")
        access_log.info(
            json.dumps(
                {
                    "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "method": scope.get("method"),
                    "path": scope.get("path"),
                    "status": outcome["status"] or 500,
                    "bytes": outcome["bytes"],
                    "duration_ms": round(seconds * 1000, 1),
                    "client": client[0] if client else None,
                }
            )
        )


# ----- the app --------------------------------------------------------------------------


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "A header that may be sent once was sent twice."},
    413: {
        "model": Problem,
        "description": "The body is larger than the server accepts, or takes longer to "
        "parse than it allows.",
    },
    422: {
        "model": Problem,
        "description": "Bad input: one message per problem, as the command line prints them.",
    },
}
BODY: dict[int | str, dict[str, Any]] = {
    408: {"model": Problem, "description": "The body did not arrive within the read timeout."},
    415: {
        "model": Problem,
        "description": "The body is not sent as application/json or application/yaml.",
    },
}
BUSY: dict[int | str, dict[str, Any]] = {
    503: {
        "model": Problem,
        "description": "Every worker is busy and the queue is full; retry after the time "
        "given in Retry-After.",
        "headers": {
            "Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}
        },
    }
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "No job with this id (or it expired)."}
}
UNAUTHORIZED: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "Missing or wrong API key."}
}


def _scenario_body(description: str) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "description": description,
            "content": {
                "application/json": {"schema": SCENARIO_REF},
                "application/yaml": {"schema": SCENARIO_REF},
            },
        }
    }


CHECK_BODY = {
    "requestBody": {
        "required": True,
        "description": "The scenario and the plan (as `POST /v1/plans` returns it) to verify.",
        "content": {
            media: {
                "schema": {
                    "type": "object",
                    "required": ["scenario", "plan"],
                    "additionalProperties": False,
                    "properties": {"scenario": SCENARIO_REF, "plan": PLAN_REF},
                }
            }
            for media in ("application/json", "application/yaml")
        },
    }
}

_REPLAN_SCHEMA = {
    "type": "object",
    "required": list(REPLAN_KEYS),
    "additionalProperties": False,
    "properties": {
        "scenario": SCENARIO_REF,
        "plan": PLAN_REF,
        "log": LOG_REF,
        "today": {
            "type": "string",
            "format": "date",
            "description": "The first day to re-plan; the log holds the days before it.",
        },
    },
}
REPLAN_BODY = {
    "requestBody": {
        "required": True,
        "description": "The scenario, the plan solved from it (as `POST /v1/plans` returns "
        "it), the training log of what was really done before `today`, and `today`.",
        "content": {
            media: {"schema": _REPLAN_SCHEMA} for media in ("application/json", "application/yaml")
        },
    }
}

TimeLimit = Annotated[
    float | None,
    Query(
        ge=0.1,
        allow_inf_nan=False,
        description="Seconds for the whole solve; capped by the server's maximum "
        "(default: the server's default).",
    ),
]
Seed = Annotated[int, Query(ge=0, le=2**31 - 1, description="CP-SAT's random seed.")]
Deterministic = Annotated[
    bool,
    Query(description="One worker and a deterministic time limit: same input, same plan."),
]


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    """The periodize API for ``settings``; the worker pool starts with the app's lifespan."""
    settings = settings or ServiceSettings()
    pool = WorkerPool(settings)
    registry = JobRegistry(settings.jobs_kept, settings.job_ttl_s)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await pool.start()
        try:
            yield
        finally:
            await pool.stop()

    # FastAPIOffline: Swagger UI (/docs) and ReDoc (/redoc) served from the installed
    # fastapi-offline package instead of a CDN, so the pages work without the internet.
    app = FastAPIOffline(
        static_url="/docs-assets",
        title="periodize",
        version=_package_version(),
        summary="Optimal multi-week hybrid training plans, over HTTP.",
        description=(
            "Solve training scenarios into plans with OR-Tools CP-SAT, synchronously "
            "(`POST /v1/plans`) or as jobs with progress and cancellation (`/v1/jobs`); "
            "re-plan the rest of a plan around a training log (`POST /v1/replans`); "
            "check a plan; explain an infeasible scenario. Bodies are the library's "
            "models (JSON). Errors are `Problem` bodies with one message per problem."
        ),
        lifespan=lifespan,
        separate_input_output_schemas=False,
    )
    app.state.settings = settings
    app.state.pool = pool
    app.state.jobs = registry
    protected: list[Any] = []
    if settings.api_key:
        protected = [Depends(HTTPBearer(auto_error=False, description="The API key."))]
    errors = {**ERRORS, **(UNAUTHORIZED if settings.api_key else {})}

    async def read_scenario(request: Request) -> Scenario:
        body, content_type = await _body_of(request)
        return await asyncio.to_thread(_scenario_from_body, body, content_type, settings)

    def task(
        kind: Literal["solve", "explain", "replan"],
        scenario: Scenario,
        time_limit_s: float | None,
        **more: Any,
    ) -> Task:
        return Task(
            kind=kind,
            scenario=scenario,
            time_limit_s=settings.time_limit(time_limit_s),
            threads=settings.threads_per_solve,
            **more,
        )

    async def finished(job: Job, request: Request | None = None) -> Job:
        """Wait for ``job`` to end; stop it when the client of ``request`` goes away
        first (its answer would go nowhere)."""
        waits: list[asyncio.Future[Any]] = [asyncio.ensure_future(job.done.wait())]
        if request is not None:
            waits.append(asyncio.ensure_future(_disconnected(request)))
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            pool.cancel(job)
            raise
        finally:
            for waiting in waits:
                waiting.cancel()
        if not job.status.finished:
            pool.cancel(job)
        return job

    def failure(job: Job, name: str = "scenario") -> JSONResponse:
        if job.retryable:
            return _problem(
                503,
                f"{name}: {job.error}; try again",
                headers={"Retry-After": str(settings.retry_after_s)},
            )
        return _problem(422, f"{name}: {job.error or job.status.value}")

    async def plan_of(submitted: Job, request: Request, name: str = "scenario") -> Response:
        """Wait for ``submitted`` and answer with its plan (or the failure)."""
        job = await finished(submitted, request)
        if job.plan is None:
            return failure(job, name)
        return Response(job.plan.model_dump_json(), media_type="application/json")

    def accepted(job: Job) -> JSONResponse:
        """Register the queued ``job`` and answer 202 with its view and URL."""
        registry.add(job)
        return JSONResponse(
            job.view().model_dump(mode="json"),
            status_code=202,
            headers={"Location": f"/v1/jobs/{job.id}"},
        )

    async def read_replan(request: Request) -> ReplanRequest:
        body, content_type = await _body_of(request)
        return await asyncio.to_thread(_replan_body, body, content_type, settings)

    def replan_task(
        replan: ReplanRequest, time_limit_s: float | None, seed: int, deterministic: bool
    ) -> Task:
        return task(
            "replan",
            replan.scenario,
            time_limit_s,
            seed=seed,
            deterministic=deterministic,
            previous=replan.plan,
            log=replan.log,
            today=replan.today,
        )

    @app.post(
        "/v1/plans",
        response_model=Plan,
        responses={**errors, **BODY, **BUSY},
        openapi_extra=_scenario_body("The scenario to solve."),
        dependencies=protected,
        tags=["plans"],
        summary="Solve a scenario and wait for the plan",
    )
    async def create_plan(
        request: Request,
        time_limit_s: TimeLimit = None,
        seed: Seed = 1,
        deterministic: Deterministic = False,
    ) -> Response:
        """Solve the scenario in the body and return the plan. The status says how the
        solve ended: `optimal`, `feasible` (with the gap), `infeasible` (with the
        conflicting rules in `conflicts`) or `unknown` (no plan within the time limit)."""
        scenario = await read_scenario(request)
        return await plan_of(
            pool.submit(
                task("solve", scenario, time_limit_s, seed=seed, deterministic=deterministic)
            ),
            request,
        )

    @app.post(
        "/v1/jobs",
        status_code=202,
        response_model=JobView,
        responses={**errors, **BODY, **BUSY},
        openapi_extra=_scenario_body("The scenario to solve."),
        dependencies=protected,
        tags=["jobs"],
        summary="Start solving a scenario; poll the job for progress and the plan",
    )
    async def create_job(
        request: Request,
        time_limit_s: TimeLimit = None,
        seed: Seed = 1,
        deterministic: Deterministic = False,
    ) -> JSONResponse:
        """Queue a solve and return the job at once (202, with its URL in Location)."""
        scenario = await read_scenario(request)
        return accepted(
            pool.submit(
                task("solve", scenario, time_limit_s, seed=seed, deterministic=deterministic)
            )
        )

    @app.post(
        "/v1/replans",
        response_model=Plan,
        responses={**errors, **BODY, **BUSY},
        openapi_extra=REPLAN_BODY,
        dependencies=protected,
        tags=["plans"],
        summary="Re-plan the rest of a plan around what was really done, and wait",
    )
    async def create_replan(
        request: Request,
        time_limit_s: TimeLimit = None,
        seed: Seed = 1,
        deterministic: Deterministic = False,
    ) -> Response:
        """Re-solve the plan from `today` on around the training log (what was done
        before `today`), changing as few future sessions as it can, like
        `periodize replan`. The plan carries `replanned_from` and the changed sessions
        in `changes`; a log that matches the plan gives back the same future. When the
        real past leaves no feasible future, the status is `infeasible` (still 200)
        with the conflicting rules in `conflicts`."""
        replan = await read_replan(request)
        return await plan_of(
            pool.submit(replan_task(replan, time_limit_s, seed, deterministic)), request, "request"
        )

    @app.post(
        "/v1/jobs/replans",
        status_code=202,
        response_model=JobView,
        responses={**errors, **BODY, **BUSY},
        openapi_extra=REPLAN_BODY,
        dependencies=protected,
        tags=["jobs"],
        summary="Start a re-plan; poll the job for progress and the plan",
    )
    async def create_replan_job(
        request: Request,
        time_limit_s: TimeLimit = None,
        seed: Seed = 1,
        deterministic: Deterministic = False,
    ) -> JSONResponse:
        """Queue a re-plan (the body of `POST /v1/replans`) and return the job at once
        (202, with its URL in Location); poll and cancel it like any job."""
        replan = await read_replan(request)
        return accepted(pool.submit(replan_task(replan, time_limit_s, seed, deterministic)))

    def known(job_id: str) -> Job:
        job = registry.get(job_id)
        if job is None:
            raise HTTPException(404, f"no job {job_id!r} (unknown, or finished too long ago)")
        return job

    @app.get(
        "/v1/jobs/{job_id}",
        response_model=JobView,
        responses={**errors, **NOT_FOUND},
        dependencies=protected,
        tags=["jobs"],
        summary="A job's status, progress and, once finished, its plan",
    )
    async def get_job(job_id: str) -> JobView:
        """The job: `queued`, `running` (with the best objective, bound and gap so far),
        `done` (with the plan), `cancelled` (with the best plan found before it stopped,
        if any) or `failed` (with the reason)."""
        return known(job_id).view()

    @app.delete(
        "/v1/jobs/{job_id}",
        response_model=JobView,
        responses={**errors, **NOT_FOUND},
        dependencies=protected,
        tags=["jobs"],
        summary="Cancel a job and get the best plan found so far",
    )
    async def cancel_job(job_id: str) -> JobView:
        """Stop the job. A running solve stops its search and returns the best plan found
        so far; a queued job ends without a plan; a finished job is left as it is."""
        job = known(job_id)
        pool.cancel(job)
        if not job.status.finished:
            with suppress(TimeoutError):
                await asyncio.wait_for(job.done.wait(), settings.cancel_grace_s + 5)
        return job.view()

    @app.post(
        "/v1/check",
        response_model=CheckResult,
        responses={**errors, **BODY},
        openapi_extra=CHECK_BODY,
        dependencies=protected,
        tags=["plans"],
        summary="Verify a plan against every hard rule, independently of the solver",
    )
    async def check_plan(request: Request) -> CheckResult:
        """Run the independent checker; `ok` is true when no rule is violated."""
        body, content_type = await _body_of(request)
        return await asyncio.to_thread(_check_body, body, content_type, settings)

    @app.post(
        "/v1/explain",
        response_model=ExplainResult,
        responses={**errors, **BODY, **BUSY},
        openapi_extra=_scenario_body("The scenario to explain."),
        dependencies=protected,
        tags=["plans"],
        summary="Explain why a scenario is infeasible",
    )
    async def explain_scenario(request: Request, time_limit_s: TimeLimit = None) -> Response:
        """A minimal set of rules that cannot hold together, with the numbers involved and
        a checked fix; `feasible` is true when every hard rule can hold."""
        scenario = await read_scenario(request)
        job = await finished(pool.submit(task("explain", scenario, time_limit_s)), request)
        if not isinstance(job.outcome, ExplainResult) or job.status is not JobStatus.DONE:
            return failure(job)
        return Response(job.outcome.model_dump_json(), media_type="application/json")

    scenario_schema = Scenario.model_json_schema()

    @app.get(
        "/v1/schema",
        response_model=dict[str, Any],
        responses=errors,
        dependencies=protected,
        tags=["meta"],
        summary="The scenario JSON Schema",
    )
    async def get_schema() -> dict[str, Any]:
        """The JSON Schema of a scenario (what `periodize schema` prints)."""
        return scenario_schema

    @app.get(HEALTH_PATH, response_model=Health, tags=["meta"], summary="Liveness and load")
    async def health() -> Health:
        """Always answers, without authentication: the pool's size and how busy it is."""
        return Health(
            workers=settings.workers,
            running=pool.running,
            queued=pool.queued,
            queue_size=settings.queue_size,
        )

    _install_error_handlers(app, settings)
    _install_openapi(app)
    app.add_middleware(Guard, settings=settings)
    return app


async def _body_of(request: Request) -> tuple[bytes, str]:
    """The request's body and Content-Type, read once the type is known to be JSON or
    YAML (`UnsupportedMediaType` otherwise)."""
    content_type = request.headers.get("content-type", "")
    _media_kind(content_type)
    return await request.body(), content_type


async def _disconnected(request: Request) -> None:
    """Return when the client of ``request`` (whose body has been read) disconnects."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


def _install_error_handlers(app: FastAPI, settings: ServiceSettings) -> None:
    async def input_error(_request: Request, error: Exception) -> JSONResponse:
        return _problem(422, *str(error).splitlines())

    async def too_large(_request: Request, error: Exception) -> JSONResponse:
        return _problem(413, *str(error).splitlines())

    async def unsupported(_request: Request, error: Exception) -> JSONResponse:
        return _problem(415, str(error))

    async def invalid_request(_request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, RequestValidationError)
        lines = []
        for detail in error.errors():
            where = ".".join(str(part) for part in detail.get("loc", ()))
            lines.append(f"{where}: {detail.get('msg', 'invalid')}")
        return _problem(422, *(lines or ["the request is invalid"]))

    async def busy(_request: Request, _error: Exception) -> JSONResponse:
        return _problem(
            503,
            f"the server is busy: all {settings.workers} workers are solving and "
            f"{settings.queue_size} jobs wait; retry after {settings.retry_after_s} s",
            headers={"Retry-After": str(settings.retry_after_s)},
        )

    async def http_error(_request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, HTTPException)
        return _problem(error.status_code, str(error.detail), headers=error.headers)

    app.add_exception_handler(InputError, input_error)
    app.add_exception_handler(DocumentTooLarge, too_large)
    app.add_exception_handler(UnsupportedMediaType, unsupported)
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(QueueFull, busy)
    app.add_exception_handler(HTTPException, http_error)


def _install_openapi(app: FastAPI) -> None:
    """FastAPI's OpenAPI document, plus the scenario's schema (bodies read by hand, so
    that errors read like the command line's, are described with it)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = get_openapi(
            title=app.title,
            version=app.version,
            summary=app.summary,
            description=app.description,
            routes=app.routes,
            separate_input_output_schemas=False,
        )
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        schemas.update(_scenario_schemas(schemas))
        schemas.update(_model_schemas(TrainingLog, schemas))
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def _scenario_schemas(taken: dict[str, Any]) -> dict[str, Any]:
    """The scenario's JSON Schema as OpenAPI components: ``Scenario`` and its parts (see
    `_model_schemas`)."""
    return _model_schemas(Scenario, taken)


def _model_schemas(model: type[BaseModel], taken: dict[str, Any]) -> dict[str, Any]:
    """``model``'s JSON Schema as OpenAPI components: the model (by its class name) and
    its parts. A part named like a different component already in ``taken`` is renamed
    ``<Model><Name>`` (and referred to so), so the two never overwrite each other."""
    template = "#/components/schemas/{model}"
    root = model.__name__
    schema = model.model_json_schema(ref_template=template)
    parts: dict[str, Any] = {**schema.pop("$defs", {}), root: schema}
    clashes = [n for n, part in parts.items() if n in taken and taken[n] != part]
    if not clashes:
        return parts
    text = json.dumps(parts)
    for name in clashes:
        old, new = template.format(model=name), template.format(model=f"{root}{name}")
        text = text.replace(f'"{old}"', f'"{new}"')
    renamed: dict[str, Any] = json.loads(text)
    return {(f"{root}{n}" if n in clashes else n): part for n, part in renamed.items()}
