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
