"""Reading YAML and JSON text into plain data within limits: size, depth, values, number
length and time.

Every document periodize reads (a scenario, plan or log file; a batch's scenarios; a
request body of the service) goes through `parse_yaml` or `parse_json` here, so that no
input can make a parse hang, recurse without end or raise anything but `InputError`:

- the size is checked before parsing (`ParseLimits.max_bytes`);
- the YAML scanner checks the nesting depth and the clock before every token, so a deep
  ``[[[[...`` stops at ``max_depth`` levels instead of costing time that grows faster
  than its length, and any parse stops at ``time_s`` (`DocumentTooLarge`);
- an integer literal longer than ``max_digits`` digits, a number that is not finite
  (``.nan``, ``NaN``, ``1e999``) and a string that is not text (a lone surrogate) are
  refused where they are read;
- the parsed data is walked once, without recursion, counting its values (an alias
  counts each time it is used) against ``max_values``.

The limits are generous for any real scenario, plan or log: the largest valid documents
(a 104-week plan) have depth 6 and some 25,000 values.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import time
from dataclasses import dataclass
from typing import Any

import yaml

from periodize.errors import InputError


class DocumentTooLarge(InputError):
    """A document over a size or time limit (the service answers 413)."""


@dataclass(frozen=True)
class ParseLimits:
    """How much one document may ask of the parser.

    ``max_bytes``: its size in UTF-8; ``max_depth``: nesting of lists and mappings;
    ``max_values``: scalars, lists and mappings in all (an alias's each time it is used);
    ``max_digits``: digits of an integer literal; ``time_s``: seconds for parsing and
    checking it; ``aliases``: whether YAML anchors and aliases (``&a``, ``*a``) are read.
    """

    max_bytes: int = 4 * 1024 * 1024
    max_depth: int = 32
    max_values: int = 100_000
    max_digits: int = 30
    time_s: float = 10.0
    aliases: bool = True


FILE_LIMITS = ParseLimits()
"""The limits of the files the command line reads."""

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def parse_yaml(text: str, name: str, limits: ParseLimits = FILE_LIMITS) -> Any:
    """Parse YAML (a superset of JSON) into plain data within ``limits``; every failure is
    an `InputError` naming ``name`` (and the line and column where YAML can tell)."""
    check_size(text, name, limits)
    deadline = time.monotonic() + limits.time_s
    loader: _BoundedLoader | None = None
    try:
        loader = _BoundedLoader(text)  # its reader refuses unprintable characters here
        loader.bounds = _Bounds(name, limits, deadline)
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown place"
        problem = error.problem or "malformed YAML"
        raise InputError(f"{name}: malformed YAML at {where}: {problem}") from None
    except yaml.reader.ReaderError as error:
        raise InputError(
            f"{name}: character {error.character!r} at position {error.position + 1} is not "
            "allowed in YAML: remove it"
        ) from None
    except yaml.YAMLError as error:
        raise InputError(f"{name}: malformed YAML: {_one_line(str(error))[:200]}") from None
    except RecursionError:  # the depth limit comes first; a guard all the same
        raise InputError(_too_deep(name, limits)) from None
    finally:
        if loader is not None:
            loader.dispose()
    check_values(data, name, limits, deadline)
    return data


def parse_json(text: str | bytes, name: str, limits: ParseLimits = FILE_LIMITS) -> Any:
    """Parse JSON into plain data within ``limits``; every failure is an `InputError`."""
    if isinstance(text, bytes):
        text = decode_text(text, name)
    check_size(text, name, limits)
    deadline = time.monotonic() + limits.time_s

    def bounded_int(digits: str) -> int:
        if len(digits.lstrip("-")) > limits.max_digits:
            raise InputError(_too_long_number(name, digits, limits))
        return int(digits)

    def refuse_constant(constant: str) -> Any:
        raise InputError(_not_finite(name, constant))

    try:
        data = json.loads(text, parse_int=bounded_int, parse_constant=refuse_constant)
    except json.JSONDecodeError as error:
        raise InputError(
            f"{name}: malformed JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    except RecursionError:
        raise InputError(_too_deep(name, limits)) from None
    check_values(data, name, limits, deadline)
    return data


def decode_text(data: bytes, name: str) -> str:
    """``data`` as UTF-8 text (a leading byte-order mark dropped), or `InputError`."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{name}: not UTF-8 text (byte {error.start + 1} cannot be read); save it as UTF-8"
        ) from None


def check_size(text: str | bytes, name: str, limits: ParseLimits) -> None:
    """`DocumentTooLarge` when ``text`` is over ``limits.max_bytes`` (in UTF-8)."""
    size = len(text) if isinstance(text, bytes) else _utf8_size(text, limits.max_bytes)
    if size > limits.max_bytes:
        raise DocumentTooLarge(
            f"{name}: {size} bytes is more than the {limits.max_bytes} this reads; "
            "a scenario, plan or log is far smaller: check that this is the right file"
        )


def _utf8_size(text: str, limit: int) -> int:
    """The UTF-8 size of ``text``, counted only as far as needed to tell it from ``limit``."""
    if len(text) > limit:
        return len(text)  # at least one byte a character
    return len(text.encode("utf-8", "surrogatepass"))


def check_values(data: Any, name: str, limits: ParseLimits, deadline: float) -> None:
    """Walk ``data`` once, level by level and without recursion: at most ``max_depth``
    levels and ``max_values`` values, finite numbers, text without lone surrogates; within
    the time. (Whole levels go through C-speed list operations: a megabyte of values takes
    milliseconds.)"""
    level: list[Any] = [data]
    depth = count = 0
    while level:
        count += len(level)
        if count > limits.max_values:
            raise DocumentTooLarge(
                f"{name}: more than {limits.max_values} values (lists, mappings and scalars, "
                "an alias counted each time it is used); a scenario, plan or log has far fewer"
            )
        if time.monotonic() > deadline:
            raise DocumentTooLarge(_too_slow(name, limits))
        below: list[Any] = []
        texts: list[str] = []
        numbers: list[float] = []
        for value in level:
            kind = type(value)
            if kind is dict:
                below.extend(value.keys())
                below.extend(value.values())
            elif kind in (list, tuple, set, frozenset):
                below.extend(value)
            elif kind is str:
                texts.append(value)
            elif kind is float:
                numbers.append(value)
        if below and depth >= limits.max_depth:
            raise InputError(_too_deep(name, limits))
        if not all(map(math.isfinite, numbers)):
            raise InputError(
                _not_finite(name, repr(next(n for n in numbers if not math.isfinite(n))))
            )
        if _LONE_SURROGATE.search("".join(texts)):
            raise InputError(
                f"{name}: a string holds a lone surrogate escape (such as \\ud800), "
                "which is not text: remove it"
            )
        level, depth = below, depth + 1


class _Bounds:
    """What one parse may use: its limits and the monotonic time it must end by."""

    def __init__(self, name: str, limits: ParseLimits, deadline: float) -> None:
        self.name, self.limits, self.deadline = name, limits, deadline

    def check_clock(self) -> None:
        if time.monotonic() > self.deadline:
            raise DocumentTooLarge(_too_slow(self.name, self.limits))


class _BoundedLoader(yaml.SafeLoader):
    """YAML's safe loader within `ParseLimits`: the depth and the clock checked before
    every token and every value built, integers of bounded length, finite floats, aliases
    refused where the limits say so. A date-like scalar that is not a real date (say
    2027-02-30) stays a string, so validation names its key instead of YAML crashing."""

    bounds: _Bounds

    def fetch_more_tokens(self) -> None:
        self.bounds.check_clock()
        depth = self.flow_level + len(self.indents)
        if depth > self.bounds.limits.max_depth:
            where = f" at line {self.line + 1}, column {self.column + 1}"
            raise InputError(_too_deep(self.bounds.name, self.bounds.limits, where))
        super().fetch_more_tokens()

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        if not self.bounds.limits.aliases and self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            mark = event.start_mark
            where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            anchor = getattr(event, "anchor", "")
            raise InputError(
                f"{self.bounds.name}: YAML alias *{anchor}{where}: aliases are not accepted "
                "here; write the value out"
            )
        node = super().compose_node(parent, index)
        assert node is not None  # an event was there to compose
        return node

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        self.bounds.check_clock()
        return super().construct_object(node, deep)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        text = str(self.construct_scalar(node))
        digits = text.replace("_", "").lstrip("+-")
        if len(digits) > self.bounds.limits.max_digits:
            mark = node.start_mark
            raise InputError(
                _too_long_number(self.bounds.name, text, self.bounds.limits)
                + f" (line {mark.line + 1}, column {mark.column + 1})"
            )
        value: int = super().construct_yaml_int(node)
        return value

    def construct_yaml_float(self, node: yaml.ScalarNode) -> float:
        value: float = super().construct_yaml_float(node)
        if not math.isfinite(value):
            mark = node.start_mark
            raise InputError(
                _not_finite(self.bounds.name, str(self.construct_scalar(node)))
                + f" (line {mark.line + 1}, column {mark.column + 1})"
            )
        return value

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            return self.construct_scalar(node)


_BoundedLoader.add_constructor("tag:yaml.org,2002:int", _BoundedLoader.construct_yaml_int)
_BoundedLoader.add_constructor("tag:yaml.org,2002:float", _BoundedLoader.construct_yaml_float)
_BoundedLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", _BoundedLoader.construct_yaml_timestamp
)


def _too_deep(name: str, limits: ParseLimits, where: str = "") -> str:
    return (
        f"{name}: nested more than {limits.max_depth} levels deep{where}; a scenario, plan or "
        "log needs fewer than 10: check the brackets and the indentation"
    )


def _too_slow(name: str, limits: ParseLimits) -> str:
    return (
        f"{name}: took more than {limits.time_s:g} s to read; a scenario, plan or log reads "
        "in milliseconds: send a smaller document (or JSON)"
    )


def _too_long_number(name: str, digits: str, limits: ParseLimits) -> str:
    shown = digits if len(digits) <= 12 else f"{digits[:8]}... ({len(digits)} characters)"
    return (
        f"{name}: the number {shown} has more than {limits.max_digits} digits; "
        "no value of a scenario, plan or log is that large"
    )


def _not_finite(name: str, text: str) -> str:
    return f"{name}: {text} is not a finite number; write a number such as 42 or 0.5"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def json_ready(data: Any) -> Any:
    """``data`` (as `parse_yaml` or `parse_json` gave it) with only JSON's types: dates as
    ISO text, mapping keys as text, sets as lists, anything else as its text. Iterative:
    the depth is bounded already, but a deep copy should not recurse all the same."""
    root: list[Any] = [None]
    stack: list[tuple[Any, Any, Any]] = [(data, root, 0)]
    while stack:
        value, holder, slot = stack.pop()
        if isinstance(value, dict):
            copy: Any = {}
            for key, item in value.items():
                text = _key_text(key)
                copy[text] = None
                stack.append((item, copy, text))
        elif isinstance(value, list | tuple | set | frozenset):
            items = list(value)
            copy = [None] * len(items)
            stack.extend((item, copy, index) for index, item in enumerate(items))
        elif value is None or isinstance(value, bool | int | float | str):
            copy = value
        elif isinstance(value, dt.date):  # a datetime too: a date field then refuses it
            copy = value.isoformat()
        else:  # bytes of !!binary and the like: text that validation can name
            copy = str(value)
        holder[slot] = copy
    return root[0]


def _key_text(key: Any) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, bool) or key is None:
        return json.dumps(key)
    if isinstance(key, dt.date):
        return key.isoformat()
    return str(key)
