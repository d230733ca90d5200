"""Issue 17, hardening of the HTTP service: a test (or more) per defect the issue found,
numbered as it numbers them, against a real server on 127.0.0.1. Every answer to bad
input is a 4xx with a `Problem` body; the client timeouts only keep a broken server from
hanging the suite.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import yaml

from conftest import SCENARIOS
from periodize.client import Client
from periodize.loading import MAX_PROBLEMS, load_scenario
from periodize.service.models import JobStatus, JobView
from periodize.service.settings import ServiceSettings
from processes import children, still_running
from service_server import RunningServer, serve, wait_until_up

pytestmark = pytest.mark.slow  # solves, servers or processes: `make test-fast` skips the module

KEY = "hardening-key-51c0"
AUTH = {"Authorization": f"Bearer {KEY}"}
JSON = {**AUTH, "Content-Type": "application/json"}
YAML = {**AUTH, "Content-Type": "application/yaml"}
HALF = SCENARIOS / "half-marathon-8-weeks.yaml"
HUGE = "9" * 5000
TIMEOUT = 60
"""Seconds any one request of these tests may take before the suite gives up on it."""


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    """One solver worker, a key, the default 1 MiB body; a read timeout of one second and
    a parse time of 0.2 s, so the slow-client and slow-parse tests are quick."""
    settings = ServiceSettings(
        workers=1,
        queue_size=2,
        max_time_limit_s=300,
        solver_threads=1,
        read_timeout_s=1.0,
        parse_time_s=0.2,
        cancel_grace_s=2,
        api_key=KEY,
    )
    with serve(settings) as running:
        yield running


def half_data() -> dict[str, Any]:
    data = yaml.safe_load(HALF.read_text(encoding="utf-8"))
    plain: dict[str, Any] = json.loads(json.dumps(data, default=str))
    return plain


def post(server: RunningServer, path: str, body: bytes | str, headers: Any) -> httpx.Response:
    return httpx.post(f"{server.url}{path}", content=body, headers=headers, timeout=TIMEOUT)


def details(response: httpx.Response) -> list[str]:
    body: dict[str, list[str]] = response.json()
    return body["detail"]


def running(server: RunningServer) -> int:
    health: dict[str, int] = httpx.get(f"{server.url}/v1/healthz", timeout=TIMEOUT).json()
    return health["running"]


def until(condition: Any, wait_s: float = 30) -> bool:
    """Poll ``condition()`` until it holds or ``wait_s`` is over; its last value."""
    deadline = time.monotonic() + wait_s
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)
    return bool(condition())


# ----- 1: a small body that took the service down -----------------------------------------


def test_deeply_nested_yaml_bodies_are_refused_and_the_server_keeps_answering(
    server: RunningServer,
) -> None:
    """1: seven 200 kB bodies of ``[[[...]]]`` each ran a YAML parse with no limit in the
    default thread pool (20 s at 4000 levels, more beyond), stalling every endpoint that
    takes a body. Now each stops at the depth limit."""
    deep = "[" * 100_000 + "]" * 100_000
    with ThreadPoolExecutor(7) as pool:
        answers = list(pool.map(lambda _: post(server, "/v1/plans", deep, YAML), range(7)))
        assert httpx.get(f"{server.url}/v1/healthz", timeout=TIMEOUT).status_code == 200
    for answer in answers:
        assert answer.status_code == 422
        assert details(answer) == [
            "scenario: nested more than 32 levels deep at line 1, column 34; a scenario, plan "
            "or log needs fewer than 10: check the brackets and the indentation"
        ]


def test_a_large_flat_yaml_body_is_refused_past_the_parse_time(server: RunningServer) -> None:
    """1: a 1 MB flat YAML body cost 30-56 s of CPU. The parse now stops at the server's
    parse time (here 0.2 s; pure-Python YAML needs seconds for a megabyte)."""
    flat = "names: [" + ", ".join(["abcdefgh"] * 100_000) + "]\n"
    assert len(flat) < server.settings.max_body_bytes
    answer = post(server, "/v1/plans", flat, YAML)
    assert answer.status_code == 413
    assert details(answer) == [
        "scenario: took more than 0.2 s to read; a scenario, plan or log reads in "
        "milliseconds: send a smaller document (or JSON)"
    ]


# ----- 3: a 500 from a YAML integer --------------------------------------------------------


@pytest.mark.parametrize("path", ["/v1/plans", "/v1/replans", "/v1/check"])
def test_a_5000_digit_yaml_integer_is_422(server: RunningServer, path: str) -> None:
    """3: Python's int() refused it inside the YAML constructor: 500 (JSON was 422)."""
    body = f"weeks: {HUGE}\n" if path == "/v1/plans" else f"scenario: {{weeks: {HUGE}}}\n"
    name = "scenario" if path == "/v1/plans" else "request"
    answer = post(server, path, body, YAML)
    assert answer.status_code == 422
    assert details(answer) == [
        f"{name}: the number 99999999... (5000 characters) has more than 30 digits; no value "
        f"of a scenario, plan or log is that large (line 1, column {body.index('9') + 1})"
    ]


# ----- 8: the service's gaps -----------------------------------------------------------------


def test_a_client_that_disconnects_stops_its_solve(server: RunningServer) -> None:
    """8: the solve of a client that went away ran on to its time limit, holding a
    worker. Here one that would run five minutes ends as soon as its client leaves."""
    body = json.dumps(half_data()).encode()
    head = (
        f"POST /v1/plans?time_limit_s=300 HTTP/1.1\r\nHost: test\r\n"
        f"Authorization: Bearer {KEY}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    address = urlsplit(server.url)
    with socket.create_connection((address.hostname, address.port), timeout=TIMEOUT) as client:
        client.sendall(head + body)
        assert until(lambda: running(server) == 1)
    assert until(lambda: running(server) == 0)


def test_several_authorization_headers_are_refused(server: RunningServer) -> None:
    """8: with several Authorization headers the last one won (a proxy may read the
    first)."""
    wrong = ("Authorization", "Bearer not-the-key")
    right = ("Authorization", f"Bearer {KEY}")
    for headers in ([wrong, right], [right, wrong], [right, right]):
        answer = httpx.get(f"{server.url}/v1/schema", headers=headers, timeout=TIMEOUT)
        assert answer.status_code == 400
        assert details(answer) == ["the request has more than one authorization header: send one"]
    types = [*AUTH.items(), ("Content-Type", "text/plain"), ("Content-Type", "application/json")]
    answer = httpx.post(f"{server.url}/v1/plans", content=b"{}", headers=types, timeout=TIMEOUT)
    assert answer.status_code == 400
    assert httpx.get(f"{server.url}/v1/schema", headers=[right], timeout=TIMEOUT).is_success


def exchange(server: RunningServer, sent: bytes) -> bytes:
    """Send ``sent`` and nothing more; everything the server answers until it closes."""
    address = urlsplit(server.url)
    with socket.create_connection((address.hostname, address.port), timeout=TIMEOUT) as client:
        client.sendall(sent)
        received = b""
        while chunk := client.recv(65536):
            received += chunk
    return received


def test_a_request_head_that_arrives_slowly_is_cut_off(server: RunningServer) -> None:
    """8: a client sending its headers slowly (or nothing at all) held its connection
    with no read timeout."""
    partial = exchange(server, b"POST /v1/plans HTTP/1.1\r\nHost: test\r\nX-Slow: ")
    assert partial.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
    assert partial.endswith(b'{"detail": ["the request head did not arrive within 1 s"]}')
    assert exchange(server, b"").startswith(b"HTTP/1.1 408 ")


def test_a_request_body_that_arrives_slowly_is_cut_off(server: RunningServer) -> None:
    head = (
        f"POST /v1/plans HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {KEY}\r\n"
        "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
    ).encode()
    answer = exchange(server, head + b'{"name": ')
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert answer.endswith(b'{"detail":["the request body did not arrive within 1 s"]}')


def test_error_bodies_stay_small_whatever_the_request(server: RunningServer) -> None:
    """8: a 1 MB body of unknown keys got a 10.6 MB error response."""
    many = json.dumps({f"key{index}": index for index in range(30_000)})
    answer = post(server, "/v1/plans", many, JSON)
    assert answer.status_code == 422
    lines = details(answer)
    assert len(lines) == MAX_PROBLEMS + 1
    assert lines[-1].startswith("scenario: ... and ")
    assert len(answer.content) < 10_000
    more = json.dumps({f"k{index}": 0 for index in range(60_000)})
    assert len(more) < server.settings.max_body_bytes
    answer = post(server, "/v1/check", more, JSON)
    assert answer.status_code == 413
    assert details(answer) == [
        "request: more than 100000 values (lists, mappings and scalars, an alias counted each "
        "time it is used); a scenario, plan or log has far fewer"
    ]


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None],
)
def test_bodies_must_say_they_are_json_or_yaml(
    server: RunningServer, content_type: str | None
) -> None:
    """8: ``text/plain`` bodies were read as JSON: a browser page may post those (and
    forms) cross-site without a preflight, so with authentication off any page a user
    visited could start solves."""
    headers = {**AUTH, **({"Content-Type": content_type} if content_type else {})}
    answer = post(server, "/v1/plans", json.dumps(half_data()), headers)
    assert answer.status_code == 415
    [line] = details(answer)
    assert line.endswith(": send it as application/json or application/yaml")
    suffixed = post(server, "/v1/plans", "[]", {**AUTH, "Content-Type": "application/x+json"})
    assert suffixed.status_code == 422  # read as JSON: the list is the problem


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("true", "scenario: athlete.weekly_minutes: expected a whole number, found true"),
        (
            '"240"',
            "scenario: athlete.weekly_minutes: expected a whole number, found the text '240' "
            "(write a number or date without quotes)",
        ),
        ("NaN", "scenario: NaN is not a finite number; write a number such as 42 or 0.5"),
    ],
)
def test_numbers_must_be_numbers(server: RunningServer, value: str, problem: str) -> None:
    """8: ``weekly_minutes: true`` and ``"240"`` were accepted as numbers; a NaN distance
    was reported as "should be less than or equal to 500"."""
    text = json.dumps(half_data()).replace('"weekly_minutes": 240', f'"weekly_minutes": {value}')
    answer = post(server, "/v1/plans", text, JSON)
    assert answer.status_code == 422
    assert details(answer) == [problem]


def kill_the_worker_of(client: Client, server: RunningServer, job_id: str) -> list[int]:
    """Wait until the job runs, SIGKILL its worker (the only one), return its pid."""
    view = wait_for(client, job_id, lambda v: v.status is JobStatus.RUNNING)
    assert view.status is JobStatus.RUNNING
    pids: list[int] = server.app.state.pool.worker_pids
    assert len(pids) == 1
    os.kill(pids[0], signal.SIGKILL)
    return pids


def wait_for(client: Client, job_id: str, condition: Any, wait_s: float = 60) -> JobView:
    """Poll the job until ``condition(view)`` holds, it finishes, or the wait is over."""
    deadline = time.monotonic() + wait_s
    view = client.job(job_id)
    while not (condition(view) or view.status.finished) and time.monotonic() < deadline:
        time.sleep(0.1)
        view = client.job(job_id)
    return view


def test_a_job_whose_worker_dies_runs_again_once_then_fails(server: RunningServer) -> None:
    """8: a job whose worker died (killed for memory, a crash in native code, which may
    not happen twice) ended failed at once; it now runs once more on a fresh worker."""
    half = load_scenario(HALF)
    with Client(server.url, api_key=KEY) as client:
        once = client.submit(half, time_limit_s=2)
        killed = kill_the_worker_of(client, server, once.id)
        done = client.wait(once.id, poll_s=0.1, timeout_s=120)
        assert done.status is JobStatus.DONE, done.error
        assert done.plan is not None
        assert done.plan.has_plan
        assert server.app.state.pool.worker_pids not in ([], killed)

        twice = client.submit(half, time_limit_s=60)
        first = kill_the_worker_of(client, server, twice.id)
        wait_for(client, twice.id, lambda _: server.app.state.pool.worker_pids not in ([], first))
        kill_the_worker_of(client, server, twice.id)
        failed = client.wait(twice.id, poll_s=0.1, timeout_s=60)
        assert failed.status is JobStatus.FAILED
        assert failed.error is not None
        assert "worker process stopped" in failed.error
        assert "on each of 2 attempts" in failed.error
        assert client.health().status == "ok"


# ----- 7: the service's workers die with it -------------------------------------------------


def test_killing_the_server_leaves_no_worker_behind() -> None:
    """7 (the service's side): SIGKILL gives no chance to stop the solver workers; they
    now end with their parent."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-c", "from periodize.cli import main; main()", "serve"]
    process = subprocess.Popen(
        [*command, "--port", str(port), "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}")
        assert until(lambda: len(children(process.pid)) >= 3)  # two workers and the tracker
        workers = children(process.pid)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    assert still_running(workers, wait_s=30) == []
