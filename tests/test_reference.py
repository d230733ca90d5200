"""The user documentation in docs/ follows the code: the generated parts are what the
code generates now, every key of the scenario, log and plan models is documented, the
worked examples are valid, the Python examples run, and no link leaves the repository."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from conftest import ROOT
from periodize.catalogue import SessionKindOverride
from periodize.log import LogEntry
from periodize.plan import Plan
from periodize.reference import (
    GENERATORS,
    overrides_example,
    stale_files,
    updated_text,
)
from periodize.rulebook import RULEBOOK
from periodize.rules import RuleOverrides
from periodize.scenario import ObjectiveWeights, Scenario

DOCS = ROOT / "docs"


def test_generated_docs_are_up_to_date() -> None:
    stale = stale_files(DOCS)
    assert stale == [], f"run `make docs`: {', '.join(str(p.relative_to(ROOT)) for p in stale)}"


def test_every_generated_block_is_used_once() -> None:
    text = "".join(path.read_text(encoding="utf-8") for path in DOCS.glob("*.md"))
    for name in GENERATORS:
        assert text.count(f"<!-- BEGIN GENERATED: {name} -->") == 1, name


def test_an_unknown_generated_block_is_an_error() -> None:
    with pytest.raises(KeyError, match="unknown generated block 'nope'"):
        updated_text("<!-- BEGIN GENERATED: nope -->\n<!-- END GENERATED: nope -->\n", {})


# ----- the rulebook covers the code -----------------------------------------------------------


def test_the_rulebook_has_every_rule_and_term() -> None:
    expected = [f"H{n:02d}" for n in range(1, 23)] + [f"S{n}" for n in range(7)]
    assert list(RULEBOOK) == expected
    titles = [rule.title for rule in RULEBOOK.values()]
    assert len(set(titles)) == len(titles)


def test_every_override_and_weight_belongs_to_a_rule() -> None:
    claimed = {key for rule in RULEBOOK.values() for key in rule.overrides}
    assert set(RuleOverrides.model_fields) <= claimed
    weights = {rule.weight for rule in RULEBOOK.values() if rule.weight}
    assert set(ObjectiveWeights.model_fields) <= weights


def test_each_rule_says_what_its_keys_do() -> None:
    for rule in RULEBOOK.values():
        for key in rule.overrides:
            assert f"`{key}`" in rule.meaning, (rule.id, key)


# ----- every key is documented with an example ----------------------------------------------


def _yaml_blocks(path: Path) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", path.read_text(encoding="utf-8"), re.DOTALL)


def _leaf_keys(model: type[BaseModel]) -> set[str]:
    """Every key name of ``model`` and the models it holds (JSON Schema properties)."""
    schema = model.model_json_schema()
    parts = [schema, *schema.get("$defs", {}).values()]
    return {key for part in parts for key in part.get("properties", {})}


def _written_keys(blocks: list[str]) -> set[str]:
    return set(re.findall(r"(?:^|[{,\s])([a-z_]+):", "\n".join(blocks), re.MULTILINE))


@pytest.mark.parametrize(
    ("page", "models"),
    [
        ("scenario.md", (Scenario, SessionKindOverride)),
        ("training-log.md", (LogEntry,)),
    ],
)
def test_every_key_has_a_worked_example(page: str, models: tuple[type[BaseModel], ...]) -> None:
    written = _written_keys(_yaml_blocks(DOCS / page))
    for model in models:
        missing = _leaf_keys(model) - written - {"lo", "hi"}  # a band is written [lo, hi]
        assert missing == set(), f"{page} has no example of {sorted(missing)}"


def test_every_plan_field_is_described() -> None:
    text = (DOCS / "plan-json.md").read_text(encoding="utf-8")
    described = text.split("<!-- BEGIN GENERATED")[0]
    missing = {key for key in _leaf_keys(Plan) if f"`{key}`" not in described}
    assert missing == set(), f"plan-json.md does not describe {sorted(missing)}"


def test_the_complete_scenario_example_is_valid() -> None:
    complete = _yaml_blocks(DOCS / "scenario.md")[0]
    scenario = Scenario.model_validate(yaml.safe_load(complete))
    assert scenario.horizon_weeks == 16


def test_the_overrides_example_is_valid() -> None:
    block = overrides_example().split("\n", 1)[1].rsplit("```", 1)[0]
    data: dict[str, Any] = yaml.safe_load(block)
    derived = {"long_goal_minutes"}  # no number by default: drawn from the race
    assert set(data["rules"]) == set(RuleOverrides.model_fields) - derived
    RuleOverrides.model_validate(data["rules"])


@pytest.mark.slow
def test_the_python_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each ```python block of python-api.md, in order, in one namespace (two short
    solves)."""
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    monkeypatch.chdir(tmp_path)
    blocks = re.findall(
        r"```python\n(.*?)```", (DOCS / "python-api.md").read_text(encoding="utf-8"), re.DOTALL
    )
    assert len(blocks) >= 3
    namespace: dict[str, Any] = {}
    for block in blocks:
        exec(compile(block, "python-api.md", "exec"), namespace)
    assert (tmp_path / "plan.md").read_text(encoding="utf-8").startswith("# ")


# ----- links ------------------------------------------------------------------------------


def _links(path: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
    return re.findall(r"\]\(([^)\s]+)\)", text)


@pytest.mark.parametrize(
    "page", ["README.md", "CHANGELOG.md", *[f"docs/{p.name}" for p in DOCS.glob("*.md")]]
)
def test_links_stay_inside_the_repository(page: str) -> None:
    path = ROOT / page
    for link in _links(path):
        if link.startswith(("http://", "https://", "#")):
            continue
        target = (path.parent / link.split("#")[0]).resolve()
        assert target.is_relative_to(ROOT), f"{page}: {link} leaves the repository"
        assert target.exists(), f"{page}: {link} does not exist"
