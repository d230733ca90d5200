"""A real uvicorn server for the service tests: the app of `periodize.service.app` on a
socket bound to a free port on 127.0.0.1, run in a background thread."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import uvicorn
from fastapi import FastAPI

from periodize.service.app import create_app
from periodize.service.server import server_config
from periodize.service.settings import ServiceSettings

START_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class RunningServer:
    """A served app: its base URL, and the app itself (its worker pool)."""

    url: str
    app: FastAPI
    settings: ServiceSettings


@contextmanager
def serve(settings: ServiceSettings) -> Iterator[RunningServer]:
    """Serve an app built from ``settings`` until the block ends, then shut it down."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    app = create_app(settings)
    config = server_config(app, settings, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}"
    try:
        yield RunningServer(url, app, settings)
    finally:
        server.should_exit = True
        thread.join(START_TIMEOUT_S)
        listener.close()


def wait_until_up(url: str, timeout_s: float = START_TIMEOUT_S) -> None:
    """Poll ``url``/v1/healthz until it answers 200."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if httpx.get(f"{url}/v1/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not come up")
        time.sleep(0.1)
