"""Load test of the HTTP service: a burst of synchronous solves against `periodize serve`.

    python -m benchmarks.load_service [--requests 200] [--concurrency 16] [--workers 2]
        [--queue-size 8] [--time-limit 1] [--scenario FILE] [--max-seconds 600]

Starts ``periodize serve`` on 127.0.0.1 (a free port; loopback only) with ``--workers``
solver processes, then sends ``--requests`` ``POST /v1/plans`` at ``--concurrency`` at
once, each asking for ``--time-limit`` seconds. A request answered 503 is not retried;
its sender waits the Retry-After it was given before sending its next request (unless
``--no-wait-on-503``). While it runs, it samples the resident memory (RSS) of the server
and all its descendants (the workers) every 0.2 s. Results: docs/service.md.

Every request must end in 200 (a plan) or 503 (queue full, with Retry-After); none may be
lost (no answer, a transport error, another status), and the server must still answer
``/v1/healthz`` afterwards. Prints p50/p95 latency (all requests, and the 200s alone),
throughput, the 503 share and the peak RSS; exits 1 when a requirement fails. The whole
run is bounded by ``--max-seconds``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCENARIO = ROOT / "scenarios" / "half-marathon-8-weeks.yaml"
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Outcome:
    """What one request got: its status (0 when no answer) and how long it took."""

    status: int
    seconds: float
    error: str | None = None


@dataclass
class MemorySampler:
    """Peak and last RSS of a process tree, sampled from /proc."""

    root: int
    peak_bytes: int = 0
    last_bytes: int = 0
    samples: list[int] = field(default_factory=list)

    def tree(self) -> list[int]:
        pids, frontier = [self.root], [self.root]
        while frontier:
            pid = frontier.pop()
            for task in Path(f"/proc/{pid}/task").glob("*"):
                try:
                    children = (task / "children").read_text().split()
                except OSError:
                    continue
                for child in map(int, children):
                    pids.append(child)
                    frontier.append(child)
        return pids

    def sample(self) -> int:
        total = 0
        for pid in self.tree():
            try:
                total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
            except (OSError, IndexError, ValueError):
                continue
        self.last_bytes = total
        self.peak_bytes = max(self.peak_bytes, total)
        self.samples.append(total)
        return total

    async def run(self, every_s: float = 0.2) -> None:
        while True:
            self.sample()
            await asyncio.sleep(every_s)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_server(port: int, args: argparse.Namespace) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-c",
        "from periodize.cli import main; main()",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(args.workers),
        "--queue-size",
        str(args.queue_size),
        "--max-time-limit",
        str(max(args.time_limit, 0.1)),
        "--log-level",
        "warning",
    ]
    env = {k: v for k, v in os.environ.items() if k != "PERIODIZE_API_KEY"}
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)


async def wait_until_up(url: str, server: subprocess.Popen[bytes], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    async with httpx.AsyncClient(timeout=2) as client:
        while True:
            if server.poll() is not None:
                raise SystemExit(f"the server exited with {server.returncode} while starting")
            try:
                if (await client.get(f"{url}/v1/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("the server did not come up")
            await asyncio.sleep(0.1)


async def wait_for_workers(workers: int, sampler: MemorySampler) -> None:
    """Let the worker processes finish importing the solver (so startup is not timed)."""
    deadline = time.monotonic() + 60
    while len(sampler.tree()) < workers + 1 and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    await asyncio.sleep(3)


async def burst(url: str, body: bytes, args: argparse.Namespace) -> list[Outcome]:
    """``args.requests`` POSTs, ``args.concurrency`` in flight at once."""
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(args.requests):
        queue.put_nowait(index)
    outcomes: list[Outcome] = []
    limits = httpx.Limits(max_connections=args.concurrency)
    timeout = httpx.Timeout(args.request_timeout)
    headers = {"Content-Type": "application/json"}
    params = {"time_limit_s": args.time_limit}

    async def user(client: httpx.AsyncClient) -> None:
        while True:
            try:
                queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            started = time.perf_counter()
            try:
                response = await client.post(
                    f"{url}/v1/plans", content=body, headers=headers, params=params
                )
                outcome = Outcome(response.status_code, time.perf_counter() - started)
                retry_after = response.headers.get("Retry-After")
                if response.status_code == 503 and retry_after is None:
                    outcome.error = "503 without Retry-After"
            except httpx.HTTPError as error:
                outcome = Outcome(0, time.perf_counter() - started, type(error).__name__)
                retry_after = None
            outcomes.append(outcome)
            if outcome.status == 503 and args.wait_on_503 and retry_after is not None:
                await asyncio.sleep(float(retry_after))  # a polite client's next request

    async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:
        await asyncio.gather(*(user(client) for _ in range(args.concurrency)))
    return outcomes


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


async def main_async(args: argparse.Namespace) -> int:
    data = yaml.safe_load(Path(args.scenario).read_text(encoding="utf-8"))
    body = json.dumps(data, default=str).encode()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = start_server(port, args)
    sampler = MemorySampler(server.pid)
    sampling = asyncio.create_task(sampler.run())
    try:
        await wait_until_up(url, server, 60)
        await wait_for_workers(args.workers, sampler)
        idle_bytes = sampler.sample()
        started = time.perf_counter()
        outcomes = await asyncio.wait_for(burst(url, body, args), args.max_seconds)
        wall = time.perf_counter() - started
        async with httpx.AsyncClient(timeout=10) as client:
            health = await client.get(f"{url}/v1/healthz")
        alive = server.poll() is None and health.status_code == 200
    finally:
        sampling.cancel()
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()

    statuses = Counter(o.status for o in outcomes)
    errors = Counter(o.error for o in outcomes if o.error)
    lost = args.requests - sum(1 for o in outcomes if o.status in (200, 503) and not o.error)
    latencies = [o.seconds for o in outcomes]
    solved = [o.seconds for o in outcomes if o.status == 200]
    mib = 1024 * 1024
    print(f"periodize serve --workers {args.workers} --queue-size {args.queue_size}; ", end="")
    print(f"{args.requests} x POST /v1/plans ({Path(args.scenario).name}, ", end="")
    print(f"time_limit_s={args.time_limit:g}) at concurrency {args.concurrency}, loopback")
    print(
        f"statuses: {dict(sorted(statuses.items()))}"
        + (f"; errors: {dict(errors)}" if errors else "")
    )
    print(f"lost (no 200/503 answer): {lost}; server up afterwards: {alive}")
    print(f"wall time: {wall:.1f} s; throughput: {len(outcomes) / wall:.1f} requests/s, ", end="")
    print(f"{len(solved) / wall:.2f} plans/s")
    print(f"503 share: {statuses[503] / max(1, len(outcomes)):.1%}")
    print(
        f"latency, all: p50 {percentile(latencies, 0.5) * 1000:.0f} ms, "
        f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms"
    )
    if solved:
        print(
            f"latency, 200s: p50 {percentile(solved, 0.5) * 1000:.0f} ms, "
            f"p95 {percentile(solved, 0.95) * 1000:.0f} ms, "
            f"mean {statistics.fmean(solved) * 1000:.0f} ms"
        )
    print(
        f"RSS of server + workers: {idle_bytes / mib:.0f} MiB idle, peak "
        f"{sampler.peak_bytes / mib:.0f} MiB, {sampler.last_bytes / mib:.0f} MiB at the end"
    )
    ok = lost == 0 and alive and set(statuses) <= {200, 503}
    print("result: " + ("every request ended in 200 or 503" if ok else "FAILED"))
    return 0 if ok else 1


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load_service", description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--queue-size", type=int, default=8)
    parser.add_argument("--time-limit", type=float, default=1.0)
    parser.add_argument("--scenario", default=str(DEFAULT_SCENARIO))
    parser.add_argument("--request-timeout", type=float, default=120.0)
    parser.add_argument("--max-seconds", type=float, default=600.0)
    parser.add_argument(
        "--no-wait-on-503",
        dest="wait_on_503",
        action="store_false",
        help="After a 503 send the next request at once (default: wait Retry-After).",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    return asyncio.run(main_async(parse(argv)))


if __name__ == "__main__":
    sys.exit(main())
