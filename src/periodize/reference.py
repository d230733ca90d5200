"""The parts of ``docs/`` that the code knows best, generated from it so they cannot drift.

The user documentation is hand-written Markdown with generated blocks between markers::

    <!-- BEGIN GENERATED: rules -->
    ...
    <!-- END GENERATED: rules -->

`generated_blocks` renders every block from the code (the rulebook's words, every
default and override of `periodize.rules`, the objective weights, the session catalogue,
the scenario and plan models' keys, the output formats, the command line's help) and
`SCHEMA_FILES` the JSON Schemas. ``python -m periodize.reference`` (``make docs``)
rewrites them in place; ``--check`` only reports stale files, and a test runs it.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import Enum
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from periodize.catalogue import RACE_KIND, SessionKind, builtin_kinds
from periodize.log import LogEntry, TrainingLog
from periodize.output import FORMATS
from periodize.plan import Plan
from periodize.rulebook import RULEBOOK, RuleText
from periodize.rules import SHORT_RACE_KM, RuleOverrides, Rules, resolve_rules
from periodize.scenario import ObjectiveWeights, Scenario
from periodize.vocabulary import Level

MARKER = re.compile(
    r"(<!-- BEGIN GENERATED: (?P<name>[a-z-]+) -->\n)"
    r"(?P<body>.*?)"
    r"(<!-- END GENERATED: (?P=name) -->)",
    re.DOTALL,
)
"""A generated block in a Markdown file."""

_RACES: dict[str, float | None] = {
    "no race": None,
    f"a race under {SHORT_RACE_KM:g} km": 10.0,
    f"a race of {SHORT_RACE_KM:g} km or more": 42.2,
}
"""The races whose defaults differ (H17's taper length): no race, short, long."""


# ----- values as words ----------------------------------------------------------------------


def value_text(value: object) -> str:
    """A default as a reader writes it in YAML: ``0.65-0.75`` for a band, ``3-4`` for a
    count range, ``soft`` for a word, ``fraction 0.1, minutes 15`` for a small mapping."""
    if value is None:
        return "derived (see the rule)"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, BaseModel):
        fields = value.model_dump()
        if set(fields) == {"lo", "hi"}:
            return f"{value_text(fields['lo'])}-{value_text(fields['hi'])}"
        return ", ".join(f"{name} {value_text(getattr(value, name))}" for name in fields)
    return str(value)


def default_text(key: str) -> str:
    """The default of the ``rules:`` key ``key`` for every level and race, said once where
    they agree: ``0.1``, ``beginner 2, intermediate 1, advanced 1``, or by race."""
    by_race: dict[str, str] = {}
    for race, distance in _RACES.items():
        values = {level: value_text(getattr(_resolved(level, distance), key)) for level in Level}
        if len(set(values.values())) == 1:
            by_race[race] = next(iter(values.values()))
        else:
            by_race[race] = ", ".join(f"{level.value} {text}" for level, text in values.items())
    if len(set(by_race.values())) == 1:
        return next(iter(by_race.values()))
    return "; ".join(f"{race}: {text}" for race, text in by_race.items())


def _resolved(level: Level, distance: float | None) -> Rules:
    return resolve_rules(level, RuleOverrides(), distance)


def schema_text(schema: Mapping[str, Any], defs: Mapping[str, Any]) -> str:
    """What a JSON Schema property accepts, in words: ``whole number 0-7``, ``[lo, hi]
    shares 0-1``, ``soft or strict``, ``list of weekday``..."""
    if "$ref" in schema:
        name = str(schema["$ref"]).rsplit("/", 1)[-1]
        return _model_text(name, defs)
    if "anyOf" in schema:
        parts = [schema_text(part, defs) for part in schema["anyOf"] if part.get("type") != "null"]
        return " or ".join(dict.fromkeys(parts))
    if "enum" in schema:
        words = [str(v) for v in schema["enum"]]
        return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
    if "const" in schema:
        return str(schema["const"])
    kind = schema.get("type")
    if kind == "integer":
        return "whole number" + _range(schema)
    if kind == "number":
        return "number" + _range(schema)
    if kind == "string":
        formats = {"date": "date (YYYY-MM-DD)", "date-time": "date and time"}
        return formats.get(str(schema.get("format")), "text")
    if kind == "boolean":
        return "true or false"
    if kind == "array":
        items = schema.get("prefixItems")
        if items:
            inner = " / ".join(sorted({schema_text(item, defs) for item in items}))
            names = ("lo", "hi") if len(items) == 2 else tuple("x" for _ in items)
            return f"[{', '.join(names)}], {inner}"
        return "list of " + schema_text(schema.get("items", {}), defs)
    if kind == "object":
        values = schema.get("additionalProperties")
        if isinstance(values, Mapping):
            keys = schema.get("propertyNames")
            key_text = schema_text(keys, defs) if isinstance(keys, Mapping) else "name"
            return f"mapping of {key_text} to {schema_text(values, defs)}"
        return "mapping"
    return "any"


def _range(schema: Mapping[str, Any]) -> str:
    lo = schema.get("minimum", schema.get("exclusiveMinimum"))
    hi = schema.get("maximum", schema.get("exclusiveMaximum"))
    if lo is None and hi is None:
        return ""
    above = ">" if "exclusiveMinimum" in schema else ""
    return f" {above}{_number(lo)}-{_number(hi)}"


def _number(value: object) -> str:
    return f"{value:g}" if isinstance(value, int | float) else ""


def _model_text(name: str, defs: Mapping[str, Any]) -> str:
    """A referenced model in words: ``[lo, hi]`` pairs by their field names, small
    mappings by their keys."""
    schema = defs.get(name, {})
    if "enum" in schema:
        return schema_text(schema, defs)
    properties = schema.get("properties", {})
    if set(properties) == {"lo", "hi"}:
        return f"[lo, hi], {schema_text(properties['lo'], defs)}"
    return "{" + ", ".join(properties) + "}" if properties else name


# ----- tables ---------------------------------------------------------------------------------


def _row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = [_row(header), _row("---" for _ in header)]
    lines += [_row(row) for row in rows]
    return "\n".join(lines) + "\n"


def _override_schemas() -> tuple[dict[str, Any], dict[str, Any]]:
    schema = RuleOverrides.model_json_schema()
    return schema["properties"], schema.get("$defs", {})


def overrides_table() -> str:
    """Every key of a scenario's ``rules:`` block: what it accepts, its default, the rules
    it tunes."""
    properties, defs = _override_schemas()
    owners: dict[str, list[str]] = {}
    for rule in RULEBOOK.values():
        for key in rule.overrides:
            owners.setdefault(key, []).append(rule.id)
    rows = [
        (f"`{key}`", schema_text(schema, defs), default_text(key), ", ".join(owners.get(key, [])))
        for key, schema in properties.items()
    ]
    return _table(("key", "accepts", "default", "rules"), rows)


def objective_table() -> str:
    """Every key of a scenario's ``objective:`` block: the soft term and its weight."""
    defaults = ObjectiveWeights()
    rows = []
    for key, field in ObjectiveWeights.model_fields.items():
        rule = next((r for r in RULEBOOK.values() if r.weight == key), None)
        term = f"{rule.id} {rule.title}" if rule is not None else ""
        rows.append((f"`{key}`", term, str(getattr(defaults, key)), _range_of(field.metadata)))
    return _table(("key", "soft term", "default weight", "accepts"), rows)


def _range_of(metadata: Sequence[Any]) -> str:
    bounds = {name: getattr(m, name) for m in metadata for name in ("ge", "le") if hasattr(m, name)}
    lo, hi = bounds.get("ge"), bounds.get("le")
    return f"whole number {lo}-{hi}" if lo is not None and hi is not None else "whole number"


def _settings_lines(rule: RuleText) -> list[str]:
    properties, defs = _override_schemas()
    lines = []
    for key in rule.overrides:
        if key in properties:
            lines.append(
                f"- `rules: {key}`: {schema_text(properties[key], defs)}; default "
                f"{default_text(key)}"
            )
    if rule.weight is not None and rule.weight in ObjectiveWeights.model_fields:
        weight = getattr(ObjectiveWeights(), rule.weight)
        lines.append(f"- `objective: {rule.weight}`: the term's weight; default {weight}")
    return lines


def rules_reference() -> str:
    """Every rule of the catalogue: an overview table, then a section per rule with what
    it means, the keys that tune it (with their defaults from the code) and its source."""
    overview = _table(
        ("ID", "rule", "kind", "tuned by"),
        (
            (
                f"[{rule.id}](#{rule.id.lower()}-{_slug(rule.title)})",
                rule.title,
                rule.strength,
                ", ".join(f"`{k}`" for k in _tuned_by(rule)) or "-",
            )
            for rule in RULEBOOK.values()
        ),
    )
    sections = []
    for rule in RULEBOOK.values():
        lines = [
            f"### {rule.id} {rule.title}",
            "",
            f"*{rule.strength.capitalize()}.* {rule.meaning}",
        ]
        settings = _settings_lines(rule)
        if settings:
            lines += ["", *settings]
        lines += ["", f"Source: {rule.source}.", ""]
        sections.append("\n".join(lines))
    return overview + "\n" + "\n".join(sections)


def _tuned_by(rule: RuleText) -> list[str]:
    """The scenario keys that tune ``rule`` and exist in the code: ``rules.KEY`` and
    ``objective.KEY``."""
    properties, _ = _override_schemas()
    keys = [f"rules.{key}" for key in rule.overrides if key in properties]
    if rule.weight is not None and rule.weight in ObjectiveWeights.model_fields:
        keys.append(f"objective.{rule.weight}")
    return keys


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9 -]", "", title.lower()).replace(" ", "-")


_KIND_COLUMNS = ("id", "modality", "terrain", "intensity", "rpe", "minutes", "work_share")
_KIND_OWN = {*_KIND_COLUMNS, "description", "systems", "gear", "stresses"}


def catalogue_table() -> str:
    """The built-in session kinds: what each is, how hard and long, and its flags (every
    true flag of the kind, and any other field set away from its default)."""
    rows = []
    for kind in builtin_kinds().values():
        if kind.id == RACE_KIND:
            continue
        lo, hi = kind.minutes
        flags = [
            _field_text(kind, name) for name in SessionKind.model_fields if name not in _KIND_OWN
        ]
        rows.append(
            (
                f"`{kind.id}`",
                kind.modality.value,
                kind.terrain.value,
                kind.intensity.value,
                str(kind.rpe),
                f"{lo}-{hi}",
                f"{kind.work_share:g}",
                ", ".join(f for f in flags if f) or "-",
                ", ".join(s.value for s in kind.stresses) or "-",
                kind.description,
            )
        )
    header = ("id", "modality", "terrain", "intensity", "RPE", "minutes", "work share")
    return _table((*header, "flags", "stresses", "what it is"), rows)


def _field_text(kind: SessionKind, name: str) -> str:
    """A flag set on ``kind`` (``long``), or another field away from its default
    (``slots: pm``); empty when it is at its default."""
    value = getattr(kind, name)
    default = SessionKind.model_fields[name].default
    if value == default:
        return ""
    if isinstance(value, bool):
        return name
    if isinstance(value, tuple):
        return f"{name}: {'/'.join(value_text(v) for v in value)}"
    return f"{name}: {value_text(value)}"


def keys_table(model: type[BaseModel], *, skip: Sequence[str] = ()) -> str:
    """Every key of ``model`` and its parts as a dotted path (``athlete.level``), what it
    accepts, and whether it is required, from the model's JSON Schema."""
    schema = model.model_json_schema()
    defs = schema.get("$defs", {})
    rows: list[tuple[str, str, str]] = []
    _walk(schema, defs, "", rows, set(skip))
    return _table(("key", "accepts", "required"), rows)


def _walk(
    schema: Mapping[str, Any],
    defs: Mapping[str, Any],
    prefix: str,
    rows: list[tuple[str, str, str]],
    skip: set[str],
) -> None:
    required = set(schema.get("required", []))
    for key, part in schema.get("properties", {}).items():
        path = f"{prefix}{key}"
        if path in skip:
            continue
        rows.append((f"`{path}`", schema_text(part, defs), "yes" if key in required else "no"))
        found = _model_schema(part, defs)
        if found is not None:
            target, step = found
            if set(target.get("properties", {})) - {"lo", "hi"}:
                _walk(target, defs, f"{path}{step}.", rows, skip)


def _model_schema(
    part: Mapping[str, Any], defs: Mapping[str, Any]
) -> tuple[Mapping[str, Any], str] | None:
    """The object schema ``part`` holds, and the step of the path to it: ``""`` for a
    model, ``[]`` through a list, ``.<key>`` through a mapping; None for a plain value."""
    if "$ref" in part:
        target = defs.get(str(part["$ref"]).rsplit("/", 1)[-1], {})
        return (target, "") if "properties" in target else None
    for option in part.get("anyOf", []):
        found = _model_schema(option, defs)
        if found is not None:
            return found
    items = part.get("items")
    if isinstance(items, Mapping):
        found = _model_schema(items, defs)
        return (found[0], "[]" + found[1]) if found is not None else None
    values = part.get("additionalProperties")
    if isinstance(values, Mapping):
        found = _model_schema(values, defs)
        names = part.get("propertyNames", {})
        key = str(names.get("$ref", "key")).rsplit("/", 1)[-1].lower()
        return (found[0], f".<{key}>" + found[1]) if found is not None else None
    return None


def _as_yaml_value(value: object) -> object:
    """A JSON-ready default as a scenario writes it: ``{lo, hi}`` pairs as ``[lo, hi]``."""
    if isinstance(value, dict):
        if set(value) == {"lo", "hi"}:
            return [value["lo"], value["hi"]]
        return {key: _as_yaml_value(inner) for key, inner in value.items()}
    return value


def _yaml_lines(values: Mapping[str, object], indent: str = "  ") -> list[str]:
    """Block-style YAML of a small mapping, lists written ``[lo, hi]`` on one line."""
    lines: list[str] = []
    for key, value in values.items():
        value = _as_yaml_value(value)
        if isinstance(value, dict):
            lines += [f"{indent}{key}:", *_yaml_lines(value, indent + "  ")]
        elif isinstance(value, list):
            lines.append(f"{indent}{key}: [{', '.join(_scalar(v) for v in value)}]")
        else:
            lines.append(f"{indent}{key}: {_scalar(value)}")
    return lines


def _scalar(value: object) -> str:
    return yaml.safe_dump(value).removesuffix("\n...\n").strip()


def _yaml_block(key: str, values: Mapping[str, object], comment: str) -> str:
    lines = [f"# {comment}", f"{key}:", *_yaml_lines(values)]
    return "```yaml\n" + "\n".join(lines) + "\n```\n"


def overrides_example() -> str:
    """A ``rules:`` block with every key at its default for an intermediate athlete
    before a marathon: a worked example of each key that follows the code."""
    resolved = resolve_rules(Level.INTERMEDIATE, RuleOverrides(), 42.2).model_dump(mode="json")
    values = {
        key: resolved[key]
        for key in RuleOverrides.model_fields
        if resolved.get(key) is not None  # a derived default (no number to show) is left out
    }
    return _yaml_block(
        "rules", values, "every key at its default for an intermediate athlete before a marathon"
    )


def objective_example() -> str:
    """An ``objective:`` block with every weight at its default."""
    return _yaml_block("objective", ObjectiveWeights().model_dump(), "every weight at its default")


def formats_table() -> str:
    """The output formats (`periodize.output.FORMATS`)."""
    rows = (
        (f"`{f.name}`", ", ".join(f"`{e}`" for e in f.extensions), f.summary)
        for f in FORMATS.values()
    )
    return _table(("--format", "-o extensions", "what it is"), rows)


def cli_help() -> str:
    """``periodize --help`` and every command's ``--help``, at a fixed width."""
    import click

    from periodize.cli import cli

    parts = []
    settings = {**cli.context_settings, "terminal_width": 88, "max_content_width": 88}
    root = click.Context(cli, info_name="periodize", **settings)
    parts.append(("periodize", cli.get_help(root)))
    for name in cli.list_commands(root):
        command = cli.get_command(root, name)
        assert command is not None
        context = click.Context(command, parent=root, info_name=name, **settings)
        parts.append((f"periodize {name}", command.get_help(context)))
    return "\n".join(f"### `{title}`\n\n```text\n{text}\n```\n" for title, text in parts)


GENERATORS: dict[str, Callable[[], str]] = {
    "rules": rules_reference,
    "overrides": overrides_table,
    "objective": objective_table,
    "catalogue": catalogue_table,
    "overrides-example": overrides_example,
    "objective-example": objective_example,
    "scenario-keys": lambda: keys_table(Scenario, skip=("sessions",)),
    "session-keys": lambda: keys_table(SessionKind),
    "log-keys": lambda: keys_table(LogEntry),
    "plan-keys": lambda: keys_table(Plan),
    "formats": formats_table,
    "cli": cli_help,
}
"""Each generated block by its marker name."""


def generated_blocks() -> dict[str, str]:
    """Every generated block's text, by marker name."""
    return {name: generate() for name, generate in GENERATORS.items()}


SCHEMA_FILES: dict[str, Callable[[], dict[str, Any]]] = {
    "reference/scenario.schema.json": Scenario.model_json_schema,
    "reference/plan.schema.json": Plan.model_json_schema,
    "reference/training-log.schema.json": TrainingLog.model_json_schema,
}
"""The JSON Schemas written under docs/, by path."""


def updated_text(text: str, blocks: Mapping[str, str]) -> str:
    """``text`` with the body of every generated block it has replaced from ``blocks``;
    a marker naming no known block is an error."""

    def replace(found: re.Match[str]) -> str:
        name = found.group("name")
        if name not in blocks:
            raise KeyError(f"unknown generated block {name!r}; known: {', '.join(blocks)}")
        return found.group(1) + blocks[name].rstrip("\n") + "\n" + found.group(4)

    return MARKER.sub(replace, text)


def expected_files(docs: Path) -> dict[Path, str]:
    """What every generated file and every Markdown file with generated blocks under
    ``docs`` should hold."""
    blocks = generated_blocks()
    expected: dict[Path, str] = {}
    for path in sorted(docs.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        if MARKER.search(text):
            expected[path] = updated_text(text, blocks)
    for name, schema in SCHEMA_FILES.items():
        expected[docs / name] = json.dumps(schema(), indent=2) + "\n"
    return expected


def stale_files(docs: Path) -> list[Path]:
    """The files under ``docs`` whose generated parts differ from the code's."""
    return [
        path
        for path, text in expected_files(docs).items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]


def write_docs(docs: Path) -> list[Path]:
    """Rewrite the stale files under ``docs``; the paths written."""
    stale = stale_files(docs)
    expected = expected_files(docs)
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(expected[path], encoding="utf-8")
    return stale


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m periodize.reference [--check] [DOCS]``: regenerate (or with --check,
    list) the generated parts of the documentation; exit 1 when --check finds any stale."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in arguments
    folders = [a for a in arguments if a != "--check"]
    docs = Path(folders[0]) if folders else Path("docs")
    changed = stale_files(docs) if check else write_docs(docs)
    for path in changed:
        print(f"{'stale' if check else 'wrote'}: {path}")
    return 1 if check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
