"""Worker processes that end with the process that started them.

The batch's pool workers and the service's solver workers are spawned children. When
their parent ends without cleaning up (killed with SIGKILL, by the out-of-memory killer),
nothing tells them: a worker would finish its solve, then wait for ever on a queue that
nobody feeds, holding its memory, and multiprocessing's resource tracker would live on
with it. `exit_with_parent`, called first thing in the child, watches the parent's
sentinel (a pipe the parent holds open for as long as it lives) from a daemon thread and
ends the child the moment it closes.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from multiprocessing.connection import wait

EXIT_ORPHANED = 70
"""The exit code of a worker ended because its parent was gone."""


def exit_with_parent() -> bool:
    """End this process as soon as its multiprocessing parent has ended; False (nothing
    watched) when it has none, as in the main process."""
    parent = multiprocessing.parent_process()
    if parent is None or parent.sentinel is None:
        return False
    sentinel = parent.sentinel

    def watch() -> None:
        wait([sentinel])
        os._exit(EXIT_ORPHANED)  # no cleanup: whatever it would clean up belongs to the parent

    threading.Thread(target=watch, name="periodize-lifeline", daemon=True).start()
    return True
