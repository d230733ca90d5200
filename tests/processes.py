"""Child processes as Linux's /proc shows them: for the tests that kill a parent and
look for what it left behind."""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path


def children(pid: int) -> list[int]:
    """The child processes of ``pid`` (Linux /proc)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(word) for word in path.read_text().split()] if path.exists() else []


def is_running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie is not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def still_running(pids: Iterable[int], wait_s: float) -> list[int]:
    """Those of ``pids`` still running after waiting up to ``wait_s`` for them to end."""
    pending = list(pids)
    deadline = time.monotonic() + wait_s
    while pending and time.monotonic() < deadline:
        time.sleep(0.1)
        pending = [pid for pid in pending if is_running(pid)]
    return [pid for pid in pending if is_running(pid)]
