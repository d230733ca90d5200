"""Fuzzing every reader of untrusted text (issue 17): generated and mutated YAML and JSON,
deep nesting, huge numbers and odd bytes, fed to the loaders, the command line and a real
running service.

Each may only succeed or refuse cleanly: the loaders with an `InputError` whose every line
names the document; the command line with exit 0 (or 1 for a check that finds violations)
or 2 and no traceback; the service with a 2xx, or a 4xx `Problem` body, never a 5xx. Time
is bounded: every example has a Hypothesis deadline and every request a client timeout,
so a hang fails the test instead of stalling it.

The seeds are the shipped scenarios, a check body and a re-plan body; mutations work on
the text (bytes inserted, spans deleted or repeated, numbers swapped for huge or odd ones,
nesting opened thousands deep) or on the data (`strategies.mangled_dicts`, written as YAML
or JSON). The default profile runs a few dozen examples (seconds); ``make fuzz`` (the
``thorough`` profile) runs thousands, a few minutes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import shipped_scenario_paths
from periodize.cli import main
from periodize.loading import InputError, log_from_text, scenario_from_text, validate_data
from periodize.parsing import json_ready, parse_json
from periodize.plan import Plan
from periodize.service.settings import ServiceSettings
from plan_builder import BASE_SCENARIO, START, PlanBuilder, make_scenario
from service_server import RunningServer, serve
from strategies import mangled_dicts

DEADLINE = dt.timedelta(seconds=30)
"""Per example: far above what any of them takes (milliseconds; a solve a few seconds),
far below a hang."""
CLIENT_TIMEOUT_S = 30.0
FUZZ = {"deadline": DEADLINE, "derandomize": False}
HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]


def examples(ci: int, thorough: int) -> int:
    """How many examples a fuzz test runs under the active profile (conftest.py): a few
    seconds' worth under ``ci``, a minute or so each under ``thorough``."""
    return thorough if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else ci


# ----- the seeds -------------------------------------------------------------------------


def _tiny_scenario() -> dict[str, Any]:
    """One week, small enough that a valid body solves in about a second."""
    return {**BASE_SCENARIO, "weeks": 1}


def _check_body() -> dict[str, Any]:
    scenario = make_scenario()
    plan = PlanBuilder(scenario).add(0, "road_easy", 40).add(2, "road_easy", 45).build()
    return {"scenario": BASE_SCENARIO, "plan": plan.model_dump(mode="json")}


def _replan_body() -> dict[str, Any]:
    log = [{"date": START.isoformat(), "kind": "road_easy", "minutes": 40, "rpe": 3}]
    today = (START + dt.timedelta(days=2)).isoformat()
    return {**_check_body(), "log": log, "today": today}


SCENARIO_SEEDS = [path.read_text(encoding="utf-8") for path in shipped_scenario_paths()]
SCENARIO_SEEDS += [json.dumps(_tiny_scenario()), yaml.safe_dump(_tiny_scenario())]
CHECK_SEED = json.dumps(_check_body(), indent=1)
REPLAN_SEED = json.dumps(_replan_body(), indent=1)
LOG_SEED = yaml.safe_dump(_replan_body()["log"])

ODD = st.sampled_from(
    [
        "\0",
        "\ufeff",
        "\ud800",
        "\x85",
        "\u2028",
        "\t",
        "\r",
        "\r\n",
        "&a ",
        "*a",
        "!!binary ",
        "!!set ",
        "!!python/object/apply:os.system ",
        "<<: *a\n",
        "? ",
        "%YAML 1.1\n",
        "---\n",
        "...\n",
        "{",
        "[",
        "]",
        "}",
        ",",
        ": ",
        "- ",
        "#",
        "'",
        '"',
        "\\",
        '"\\ud800"',
        '"\\U0010ffff"',
        "0x",
        "0o17",
        "1:30:00",
        "1e999",
        "1.0e+999",
        ".nan",
        "-.inf",
        "NaN",
        "Infinity",
        "9" * 5000,
        "2027-02-30",
        "9999-12-31",
        "~",
        "null",
        "yes",
        "on",
        '"240"',
        "true",
    ]
)
NUMBERS = st.one_of(
    st.integers(20, 6000).map(lambda digits: "9" * digits),
    st.sampled_from(["-0", "1e400", "-1.0e+400", ".nan", "true", '"240"', "1_000", "0b1010"]),
    st.integers().map(str),
    st.floats().map(repr),
)
OPENERS = st.sampled_from(["[", "{", "{a: ", "- ", "[{a: ", "? ", '{"a": '])
NUMBER = re.compile(r"-?\d+(\.\d+)?")


@st.composite
def mutated(draw: st.DrawFn, seeds: list[str]) -> str:
    """A seed text with one to five mutations at random places."""
    text = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(1, 5))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "repeat", "number", "nest"]))
        if action == "insert":
            piece = draw(st.one_of(ODD, st.text(max_size=20)))
            text = text[:at] + piece + text[at:]
        elif action == "delete":
            end = draw(st.integers(at, min(len(text), at + 80)))
            text = text[:at] + text[end:]
        elif action == "repeat":
            end = draw(st.integers(at, min(len(text), at + 80)))
            text = text[:end] + text[at:end] * draw(st.integers(1, 50)) + text[end:]
        elif action == "number":
            found = NUMBER.search(text, at)
            if found is not None:
                text = text[: found.start()] + draw(NUMBERS) + text[found.end() :]
        else:
            text = text[:at] + draw(OPENERS) * draw(st.integers(1, 3000)) + text[at:]
    return text


def _nines(digits: int) -> int:
    """An integer of ``digits`` nines (Python writes at most 4300 digits of one)."""
    return int("9" * digits)


JSON_DATA = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(25, 4000).map(_nines)
    | st.floats()
    | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=6) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=40,
)


def _as_json(data: Any) -> str:
    return json.dumps(json_ready(data))


def _as_yaml(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True)


def generated() -> st.SearchStrategy[str]:
    """Documents written from data: any JSON-like value, or a mangled scenario."""
    data = st.one_of(JSON_DATA, mangled_dicts())
    return st.one_of(data.map(_as_json), data.map(_as_yaml))


def documents(seeds: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(mutated(seeds), mutated(seeds), generated(), st.text(max_size=300))


def payloads(seeds: list[str]) -> st.SearchStrategy[bytes]:
    """Document texts as bytes (a lone surrogate makes them invalid UTF-8), or any bytes."""
    texts = documents(seeds).map(lambda text: text.encode("utf-8", "surrogatepass"))
    return st.one_of(texts, texts, st.binary(max_size=300))


# ----- the loaders -------------------------------------------------------------------------


def _plan_from_text(text: str, name: str) -> Plan:
    return validate_data(Plan, parse_json(text, name), name)


def _csv_log(text: str, name: str) -> Any:
    return log_from_text(text, name, csv_format=True)


READERS: list[Callable[[str, str], Any]] = [
    scenario_from_text,
    log_from_text,
    _csv_log,
    _plan_from_text,
]


def assert_clean_refusal(message: str, name: str) -> None:
    """An `InputError`'s message: lines that each name the document, no traceback."""
    assert message.strip()
    assert "Traceback" not in message
    assert all(line.startswith(f"{name}: ") for line in message.splitlines()), message


@settings(max_examples=examples(30, 4000), suppress_health_check=HEALTH, **FUZZ)
@given(
    text=st.one_of(
        documents(SCENARIO_SEEDS), documents([CHECK_SEED, REPLAN_SEED]), documents([LOG_SEED])
    )
)
def test_the_loaders_read_any_text_or_refuse_it_cleanly(text: str) -> None:
    for read in READERS:
        try:
            read(text, "doc")
        except InputError as error:
            assert_clean_refusal(str(error), "doc")
            event(f"{read.__name__}: refused")
        else:
            event(f"{read.__name__}: read")


# ----- the command line --------------------------------------------------------------------


def invoke(*args: str) -> tuple[int, str, str]:
    """``periodize ARGS`` in this process: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(list(args))
            code = 0
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 1
    return code, out.getvalue(), err.getvalue()


@contextlib.contextmanager
def written(payload: bytes, name: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(payload)
        yield path


@settings(max_examples=examples(20, 2000), suppress_health_check=HEALTH, **FUZZ)
@given(scenario=payloads(SCENARIO_SEEDS), plan=payloads([CHECK_SEED]))
def test_the_command_line_answers_any_file_in_one_line_per_problem(
    scenario: bytes, plan: bytes
) -> None:
    with written(scenario, "s.yaml") as path:
        code, _, err = invoke("validate", str(path))
        assert code in (0, 2), err
        assert "Traceback" not in err
        if code == 2:
            assert_clean_refusal(err, str(path))
        event(f"validate: exit {code}")
    with written(plan, "plan.json") as path:
        base = json.dumps(BASE_SCENARIO)
        with written(base.encode(), "base.json") as scenario_path:
            code, _, err = invoke("check", str(scenario_path), str(path))
        assert code in (0, 1, 2), err
        assert "Traceback" not in err
        if code == 2:
            assert_clean_refusal(err, str(path))
        event(f"check: exit {code}")


# ----- the service -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    """Authentication off (the default), one worker, short plans only: most mutated
    scenarios that still validate are refused for their horizon, the tiny seed solves."""
    settings_ = ServiceSettings(
        workers=1,
        queue_size=4,
        max_horizon_weeks=2,
        max_time_limit_s=1,
        default_time_limit_s=1,
        solver_threads=1,
        read_timeout_s=5,
    )
    with serve(settings_) as running:
        yield running


MEDIA = st.sampled_from(
    [
        "application/json",
        "application/yaml",
        "text/yaml; charset=utf-8",
        "application/problem+json",
        "text/plain",
        "application/x-www-form-urlencoded",
        "",
    ]
)
ENDPOINTS = st.sampled_from(
    [
        ("/v1/plans", SCENARIO_SEEDS),
        ("/v1/explain", SCENARIO_SEEDS),
        ("/v1/check", [CHECK_SEED]),
        ("/v1/replans", [REPLAN_SEED]),
    ]
)


@st.composite
def requests(draw: st.DrawFn) -> tuple[str, bytes, str]:
    path, seeds = draw(ENDPOINTS)
    return path, draw(payloads(seeds)), draw(MEDIA)


@settings(max_examples=examples(20, 2000), suppress_health_check=HEALTH, **FUZZ)
@given(request=requests())
def test_the_service_answers_any_body_with_a_2xx_or_a_4xx(
    server: RunningServer, request: tuple[str, bytes, str]
) -> None:
    path, body, media = request
    headers = {"Content-Type": media} if media else {}
    response = httpx.post(
        f"{server.url}{path}", content=body, headers=headers, timeout=CLIENT_TIMEOUT_S
    )
    assert response.status_code < 500, response.text
    event(f"{path}: {response.status_code}")
    if response.status_code >= 400:
        detail = response.json()["detail"]
        assert detail
        assert all(isinstance(line, str) and line for line in detail)
