"""Shared fixtures: shipped scenarios and a command-line runner that goes through main()."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from periodize.cli import main
from periodize.loading import load_scenario
from periodize.scenario import Scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"


@dataclass
class CliResult:
    """What one command-line run printed and returned."""

    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run ``periodize ARGS...`` in-process through the real entry point."""

    def run(*args: str) -> CliResult:
        try:
            main(list(args))
            code = 0
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


def shipped_scenario_paths() -> list[Path]:
    """Every scenario file shipped in ``scenarios/``."""
    return sorted(SCENARIOS.glob("*.yaml"))


@pytest.fixture
def dolomites() -> Scenario:
    """The intermediate trail 50K example of scenario.md."""
    return load_scenario(SCENARIOS / "dolomites-50k-intermediate.yaml")


def _register_hypothesis_profiles() -> None:
    """Hypothesis profiles of the property tests (test_properties.py), chosen by the
    environment variable ``HYPOTHESIS_PROFILE``: ``ci`` (the default: few examples,
    horizons of 1-6 weeks, 2 s solves) or ``thorough`` (``make test-thorough``: many more
    examples, horizons up to 30 weeks, 3 s solves). Horizons and time limits live in
    strategies.py. A failure prints the falsifying example and a ``@reproduce_failure``
    blob to replay it; ``pytest --hypothesis-seed=N`` replays a whole run."""
    import os

    from hypothesis import HealthCheck, settings

    for name, count in (("ci", 10), ("thorough", 200)):
        settings.register_profile(
            name,
            max_examples=count,
            deadline=None,
            derandomize=False,
            print_blob=True,
            suppress_health_check=[HealthCheck.too_slow],
        )
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


_register_hypothesis_profiles()
