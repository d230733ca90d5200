"""Reading scenario (and plan) files into validated models, with errors a user can act on.

Every failure becomes an `InputError` whose message is one line per problem: the file,
the key path, what is wrong and how to fix it. Malformed YAML names line and column;
unknown keys get a "did you mean" suggestion.
"""

from __future__ import annotations

import difflib
import json
import sys
import types
import typing
from pathlib import Path
from typing import Any, TypeVar, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from periodize.errors import InputError as InputError  # re-exported: callers import it here
from periodize.log import LogEntry, TrainingLog, log_rows_from_csv
from periodize.plan import Plan
from periodize.scenario import Scenario

M = TypeVar("M", bound=BaseModel)


def read_text(source: str | Path) -> tuple[str, str]:
    """The text of ``source`` and a display name; ``-`` reads standard input."""
    if str(source) == "-":
        return sys.stdin.read(), "<stdin>"
    path = Path(source)
    try:
        return path.read_text(encoding="utf-8"), str(path)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, expected a scenario file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot be read ({error})") from None


class _ScenarioLoader(yaml.SafeLoader):
    """YAML's safe loader, except that a date-like scalar that is not a real date (say
    2027-02-30) stays a string, so validation names its key instead of YAML crashing."""

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_ScenarioLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", _ScenarioLoader.construct_yaml_timestamp
)


def parse_document(text: str, name: str) -> Any:
    """Parse YAML (a superset of JSON) into plain data; errors carry line and column."""
    try:
        return yaml.load(text, Loader=_ScenarioLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown place"
        problem = error.problem or "malformed YAML"
        raise InputError(f"{name}: malformed YAML at {where}: {problem}") from None
    except yaml.YAMLError as error:
        raise InputError(f"{name}: malformed YAML: {error}") from None


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types an annotation may hold (Optional and unions opened)."""
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return [t for arg in get_args(annotation) for t in _unwrap(arg)]
    return [annotation]


def _model_at(root: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The model class that holds the key at the end of ``loc``, if it can be found."""
    current: list[Any] = [root]
    for part in loc[:-1]:
        following: list[Any] = []
        for candidate in current:
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                field = candidate.model_fields.get(str(part))
                if field is not None:
                    following.extend(_unwrap(field.annotation))
                continue
            origin = get_origin(candidate)
            if origin in (tuple, list, dict):
                args = [a for a in get_args(candidate) if a is not Ellipsis]
                if args:
                    following.extend(_unwrap(args[-1]))
        current = following
    for candidate in current:
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _path(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _describe(root: type[BaseModel], error: ErrorDetails) -> str:
    loc = tuple(error["loc"])
    where = _path(loc)
    kind = error["type"]
    if kind == "extra_forbidden":
        key = str(loc[-1]) if loc else "?"
        holder = _model_at(root, loc)
        known = sorted(holder.model_fields) if holder is not None else []
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.5)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        allowed = f" (allowed: {', '.join(known)})" if known and not close else ""
        return f"{where}: unknown key {key!r}{hint}{allowed}"
    if kind == "missing":
        return f"{where}: required key is missing"
    message = error["msg"]
    message = message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind == "enum":
        expected = str(error.get("ctx", {}).get("expected", ""))
        got = str(error.get("input"))
        options = [word.strip("' ") for word in expected.replace(" or ", ",").split(",")]
        close = difflib.get_close_matches(got, options, n=1, cutoff=0.5)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        if loc and loc[-1] == "[key]":
            where = _path(loc[:-2]) if len(loc) > 2 else _path(loc[:-1])
            return f"{where}: unknown key {got!r}{hint} (expected one of {expected})"
        return f"{where}: {got!r} is not one of {expected}{hint}"
    return f"{where}: {message}"


def validate_data(model: type[M], data: Any, name: str) -> M:
    """Validate plain data into ``model``; failures become one `InputError` naming each key."""
    if not isinstance(data, dict):
        found = "nothing" if data is None else type(data).__name__
        raise InputError(f"{name}: expected a mapping of keys at the top level, found {found}")
    try:
        return model.model_validate(data)
    except ValidationError as error:
        details = _closest_union_branches(error.errors())
        lines = _dedupe(_describe(model, detail) for detail in details)
        raise InputError("\n".join(f"{name}: {line}" for line in lines)) from None


def _is_union_tag(part: int | str) -> bool:
    """Whether a location part names a union member (``literal['all']``) rather than a key:
    keys of the contracts are identifiers, union tags are pydantic type names."""
    return isinstance(part, str) and part != "[key]" and not part.isidentifier()


def _closest_union_branches(details: list[ErrorDetails]) -> list[ErrorDetails]:
    """Where a value matched no member of a union, keep the errors of the member that got
    furthest (the deepest location), and drop the member tags from every location, so
    ``terrain.trail: [sta]`` reads as ``terrain.trail[0]: 'sta' is not one of ...``."""
    depth: dict[tuple[int | str, ...], int] = {}
    split: list[tuple[tuple[int | str, ...], int] | None] = []
    for detail in details:
        loc = tuple(detail["loc"])
        tags = [i for i, part in enumerate(loc) if _is_union_tag(part)]
        if not tags:
            split.append(None)
            continue
        prefix, rest = loc[: tags[0]], len(loc) - tags[0] - 1
        depth[prefix] = max(depth.get(prefix, 0), rest)
        split.append((prefix, rest))
    kept: list[ErrorDetails] = []
    for detail, where in zip(details, split, strict=True):
        if where is not None and where[1] < depth[where[0]]:
            continue
        loc = tuple(part for part in detail["loc"] if not _is_union_tag(part))
        kept.append({**detail, "loc": loc})
    return kept


def _dedupe(lines: typing.Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for line in lines:
        seen.setdefault(line, None)
    return list(seen)


def load_scenario(source: str | Path) -> Scenario:
    """Read and validate a scenario file (YAML or JSON; ``-`` for standard input)."""
    text, name = read_text(source)
    return validate_data(Scenario, parse_document(text, name), name)


def scenario_from_text(text: str, name: str = "<scenario>") -> Scenario:
    """Validate a scenario given as YAML or JSON text."""
    return validate_data(Scenario, parse_document(text, name), name)


def load_plan(source: str | Path) -> Plan:
    """Read a plan JSON file written by ``periodize solve --format json``."""
    text, name = read_text(source)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(
            f"{name}: malformed JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    return validate_data(Plan, data, name)


def log_from_text(text: str, name: str = "<log>", *, csv_format: bool = False) -> TrainingLog:
    """Validate a training log given as YAML (or JSON) text, or CSV with ``csv_format``:
    a list of sessions (scenario.md, Training logs). Errors name the entry and the key."""
    data: Any = log_rows_from_csv(text) if csv_format else parse_document(text, name)
    if data is None:
        data = []
    if not isinstance(data, list):
        found = type(data).__name__
        raise InputError(
            f"{name}: expected a list of sessions (- {{date: ..., minutes: ..., rpe: ...}}), "
            f"found {found}"
        )
    lines: list[str] = []
    for number, item in enumerate(data, start=1):
        where = f"entry {number}" + (
            f" ({item['date']})" if isinstance(item, dict) and "date" in item else ""
        )
        if not isinstance(item, dict):
            lines.append(f"{where}: expected a mapping of keys, found {type(item).__name__}")
            continue
        try:
            LogEntry.model_validate(item)
        except ValidationError as error:
            details = _closest_union_branches(error.errors())
            lines += [
                f"{where}: {line}" for line in _dedupe(_describe(LogEntry, d) for d in details)
            ]
    if lines:
        raise InputError("\n".join(f"{name}: {line}" for line in lines))
    return TrainingLog.model_validate(data)


def load_log(source: str | Path) -> TrainingLog:
    """Read and validate a training log file: YAML or JSON, or CSV when the name ends in
    ``.csv`` (``-`` for standard input, read as YAML)."""
    text, name = read_text(source)
    return log_from_text(text, name, csv_format=str(source).lower().endswith(".csv"))
