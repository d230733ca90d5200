"""Reading scenario (and plan) files into validated models, with errors a user can act on.

Every failure becomes an `InputError` whose message is one line per problem: the file,
the key path, what is wrong and how to fix it. Malformed YAML names line and column;
unknown keys get a "did you mean" suggestion.
"""

from __future__ import annotations

import csv
import difflib
import json
import re
import sys
import types
import typing
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from periodize.errors import InputError
from periodize.log import LogEntry, TrainingLog, log_rows_from_csv
from periodize.parsing import (
    FILE_LIMITS,
    DocumentTooLarge,
    ParseLimits,
    check_size,
    decode_text,
    json_ready,
    parse_json,
    parse_yaml,
)
from periodize.plan import Plan
from periodize.scenario import Scenario

M = TypeVar("M", bound=BaseModel)

__all__ = [
    "DocumentTooLarge",
    "InputError",
    "load_log",
    "load_plan",
    "load_scenario",
    "log_from_data",
    "log_from_text",
    "parse_document",
    "read_text",
    "scenario_from_text",
    "validate_data",
]


def read_text(source: str | Path, limits: ParseLimits = FILE_LIMITS) -> tuple[str, str]:
    """The text of ``source`` and a display name; ``-`` reads standard input. A file over
    ``limits.max_bytes`` is refused before it is read."""
    if str(source) == "-":
        try:
            text = sys.stdin.read(limits.max_bytes + 1)
        except UnicodeDecodeError:
            raise InputError("<stdin>: not UTF-8 text; save it as UTF-8") from None
        check_size(text, "<stdin>", limits)
        return text, "<stdin>"
    path = Path(source)
    try:
        with path.open("rb") as stream:
            data = stream.read(limits.max_bytes + 1)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, expected a scenario file") from None
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror or error})") from None
    check_size(data, str(path), limits)
    return decode_text(data, str(path)), str(path)


def parse_document(text: str, name: str, limits: ParseLimits = FILE_LIMITS) -> Any:
    """Parse YAML (a superset of JSON) into plain data within ``limits``; errors carry line
    and column (see `periodize.parsing`)."""
    return parse_yaml(text, name, limits)


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
        key = shorten(str(loc[-1]), 60) if loc else "?"
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
        got = shorten(str(error.get("input")), 60)
        options = [word.strip("' ") for word in expected.replace(" or ", ",").split(",")]
        close = difflib.get_close_matches(got, options, n=1, cutoff=0.5)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        if loc and loc[-1] == "[key]":
            where = _path(loc[:-2]) if len(loc) > 2 else _path(loc[:-1])
            return f"{where}: unknown key {got!r}{hint} (expected one of {expected})"
        return f"{where}: {got!r} is not one of {expected}{hint}"
    return f"{where}: {message}"


MAX_PROBLEMS = 20
"""At most this many problems of one document are listed, then how many more there are:
a document of a million unknown keys gets a short answer, not a longer document."""
MAX_LINE_CHARS = 300
"""A problem's line is cut to this many characters (a key or value may be huge)."""


def validate_data(model: type[M], data: Any, name: str) -> M:
    """Validate plain data (as a YAML or JSON document holds it) into ``model``, with
    strict types: a number must be a number (not ``"240"``, not ``true``), a flag a
    boolean. Failures become one `InputError` naming each key (at most `MAX_PROBLEMS`)."""
    if not isinstance(data, dict):
        found = "nothing" if data is None else type(data).__name__
        raise InputError(f"{name}: expected a mapping of keys at the top level, found {found}")
    return _validated(model, data, name)


def _validated(model: type[M], data: Any, name: str) -> M:
    """``data`` as ``model``: pydantic's usual validation gives the model and most messages;
    `_coerced` adds a message for each value it accepted only by converting its type."""
    text = _json_text(data, name)
    try:
        result = model.model_validate(data)
    except ValidationError as error:
        lax = list(_problems(model, error))
        # With a full page of problems already, the strict pass would only add to the count.
        strict_only = list(_coerced(model, text, lax)) if len(lax) < MAX_PROBLEMS else []
        raise InputError(problem_report(name, [*lax, *strict_only])) from None
    coerced = list(_coerced(model, text, []))
    if coerced:
        raise InputError(problem_report(name, coerced))
    return result


STRICT_ONLY_ERRORS = {
    "int_type": "expected a whole number",
    "float_type": "expected a number",
    "bool_type": "expected true or false",
    "date_type": "expected a date YYYY-MM-DD",
}
"""The errors of pydantic's strict mode that its usual (lax) mode would not raise: a value
whose JSON type is wrong for its key, which lax mode converts (``"240"`` or ``true`` to
240 or 1, ``1700000000`` to a date)."""


def _coerced(model: type[BaseModel], text: str, reported: list[str]) -> Iterator[str]:
    """A line for each value of the document ``text`` that has the wrong JSON type for its
    key (see `STRICT_ONLY_ERRORS`), at keys ``reported`` does not name already. Strict JSON
    mode is asked only for these: it refuses other things that are fine (a list where a
    validator of the model's turns it into a tuple), so its other errors mean nothing."""
    try:
        model.model_validate_json(text, strict=True)
    except ValidationError as error:
        named = {line.split(": ", 1)[0] for line in reported}
        for detail in _closest_union_branches(error.errors(include_url=False)):
            expected = STRICT_ONLY_ERRORS.get(detail["type"])
            where = _path(tuple(detail["loc"]))
            if expected is not None and where not in named:
                named.add(where)
                yield f"{where}: {expected}, found {_found(detail['input'])}"


def _found(value: Any) -> str:
    """How a wrongly typed value reads in a message."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"the text {shorten(value, 40)!r} (write a number or date without quotes)"
    if value is None:
        return "nothing (null)"
    if isinstance(value, int | float):
        return repr(value)
    return f"a {'list' if isinstance(value, list) else 'mapping'}"


def _json_text(data: Any, name: str) -> str:
    """``data`` as JSON text (see `json_ready`); `InputError` for a number that is not
    finite, which only a caller's own data can hold (the parsers refuse them)."""
    try:
        return json.dumps(json_ready(data), allow_nan=False)
    except ValueError:
        raise InputError(f"{name}: holds a number that is not finite (NaN or infinity)") from None


def _problems(model: type[BaseModel], error: ValidationError) -> Iterator[str]:
    """A line per distinct problem of ``error``, as `_describe` words it; past
    `MAX_PROBLEMS` lines, an empty line per further error (only counted, not described)."""
    details = _closest_union_branches(error.errors(include_url=False))
    seen: set[str] = set()
    for detail in details:
        if len(seen) >= MAX_PROBLEMS:
            yield ""
            continue
        line = _describe(model, detail)
        if line not in seen:
            seen.add(line)
            yield line


def problem_report(name: str, lines: Iterable[str]) -> str:
    """``lines`` as an `InputError` message: each prefixed with ``name``, kept to one line
    (a line break inside it, from a key or a value, is written ``\\n``) and cut to
    `MAX_LINE_CHARS`, at most `MAX_PROBLEMS` of them, then a line counting the rest."""
    shown: list[str] = []
    more = 0
    for line in lines:
        if len(shown) < MAX_PROBLEMS:
            one_line = LINE_BREAKS.sub(_escaped, line)  # a key or value may hold one
            shown.append(shorten(f"{name}: {one_line}"))
        else:
            more += 1
    if more:
        shown.append(f"{name}: ... and {more} more problem(s); fix the ones above first")
    return "\n".join(shown)


LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
"""What `str.splitlines` breaks a line at."""


def _escaped(found: re.Match[str]) -> str:
    return repr(found.group())[1:-1]


def shorten(text: str, limit: int = MAX_LINE_CHARS) -> str:
    """``text`` cut to ``limit`` characters (marked with an ellipsis when cut)."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


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
    return validate_data(Plan, parse_json(text, name), name)


def log_from_text(text: str, name: str = "<log>", *, csv_format: bool = False) -> TrainingLog:
    """Validate a training log given as YAML (or JSON) text, or CSV with ``csv_format``:
    a list of sessions (scenario.md, Training logs). Errors name the entry and the key.
    YAML and JSON numbers are strict, like a scenario's; CSV cells are all text, read as
    the numbers they spell."""
    if csv_format:
        check_size(text, name, FILE_LIMITS)
        try:
            data: Any = log_rows_from_csv(text)
        except csv.Error as error:
            raise InputError(f"{name}: malformed CSV: {error}") from None
    else:
        data = parse_document(text, name)
    return log_from_data(data, name, csv_format=csv_format)


def log_from_data(data: Any, name: str = "<log>", *, csv_format: bool = False) -> TrainingLog:
    """Validate a training log given as plain data (a list of sessions, as a YAML or JSON
    document holds it; the rows of a CSV file with ``csv_format``)."""
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
            f" ({shorten(str(item['date']), 40)})"
            if isinstance(item, dict) and "date" in item
            else ""
        )
        if not isinstance(item, dict):
            lines.append(f"{where}: expected a mapping of keys, found {type(item).__name__}")
            continue
        try:
            if csv_format:  # every cell is text: read as the numbers it spells
                LogEntry.model_validate(item)
            else:
                _validated(LogEntry, item, name)
        except ValidationError as error:
            lines += [f"{where}: {line}" for line in _problems(LogEntry, error)]
        except InputError as error:
            lines += [
                f"{where}: {line.removeprefix(f'{name}: ')}" for line in str(error).splitlines()
            ]
        if len(lines) > MAX_PROBLEMS:
            if number < len(data):
                lines.append(f"entries after entry {number} were not checked")
            break
    if lines:
        raise InputError(problem_report(name, lines))
    return TrainingLog.model_validate(data)


def load_log(source: str | Path) -> TrainingLog:
    """Read and validate a training log file: YAML or JSON, or CSV when the name ends in
    ``.csv`` (``-`` for standard input, read as YAML)."""
    text, name = read_text(source)
    return log_from_text(text, name, csv_format=str(source).lower().endswith(".csv"))
