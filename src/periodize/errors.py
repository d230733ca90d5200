"""The error every command turns into one line and exit code 2: bad input.

It lives apart from `periodize.loading` (which re-exports it) so that the command line
can catch it without importing pydantic, the scenario models or the solver.
"""

from __future__ import annotations


class InputError(Exception):
    """Bad input: a file that cannot be read, parsed or validated. Exit code 2."""

    exit_code = 2
