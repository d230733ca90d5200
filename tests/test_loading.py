"""loading.py: files and text into validated models, every failure an actionable InputError."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from periodize.loading import (
    InputError,
    load_plan,
    load_scenario,
    parse_document,
    read_text,
    scenario_from_text,
    validate_data,
)
from periodize.scenario import Scenario

MINIMAL = """\
name: Minimal
start: 2027-01-04
weeks: 4
athlete: {level: beginner, weekly_minutes: 150, long_minutes: 60}
availability: {sat: {am: 120}}
terrain: {road: all}
"""


def test_input_error_means_exit_code_2() -> None:
    assert InputError.exit_code == 2


def test_yaml_dates_and_numbers_parse() -> None:
    data = parse_document(MINIMAL, "m.yaml")
    assert data["start"] == dt.date(2027, 1, 4)
    assert data["weeks"] == 4


def test_json_is_read_as_yaml() -> None:
    assert parse_document('{"name": "x", "weeks": 3}', "m.json") == {"name": "x", "weeks": 3}


def test_malformed_yaml_names_the_file_line_and_column() -> None:
    with pytest.raises(InputError, match=r"^s\.yaml: malformed YAML at line 2, column 9: "):
        parse_document("name: x\nweeks: 4: 5\n", "s.yaml")


def test_impossible_date_stays_text_and_is_named_by_its_key() -> None:
    text = MINIMAL.replace("start: 2027-01-04", "start: 2027-02-30")
    assert parse_document(text, "m.yaml")["start"] == "2027-02-30"
    with pytest.raises(InputError, match=r"m\.yaml: start: Input should be a valid date"):
        scenario_from_text(text, "m.yaml")


def test_scenario_from_text() -> None:
    scenario = scenario_from_text(MINIMAL)
    assert isinstance(scenario, Scenario)
    assert scenario.horizon_weeks == 4


def test_every_problem_is_one_line_naming_its_key() -> None:
    text = MINIMAL.replace("weeks: 4", "weeks: 0").replace("level: beginner", "level: pro")
    with pytest.raises(InputError) as caught:
        scenario_from_text(text, "m.yaml")
    lines = str(caught.value).splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("m.yaml: weeks: Input should be greater than or equal to 1")
    assert lines[1].startswith("m.yaml: athlete.level: 'pro' is not one of 'beginner'")


def test_did_you_mean_for_enum_values() -> None:
    text = MINIMAL.replace("level: beginner", "level: begginer")
    with pytest.raises(InputError, match="did you mean 'beginner'"):
        scenario_from_text(text, "m.yaml")


def test_unknown_key_without_a_close_match_lists_the_allowed_ones() -> None:
    text = MINIMAL + "zzz: 1\n"
    with pytest.raises(InputError, match=r"zzz: unknown key 'zzz' \(allowed: athlete, "):
        scenario_from_text(text, "m.yaml")


def test_validate_data_refuses_a_non_mapping() -> None:
    with pytest.raises(
        InputError, match="expected a mapping of keys at the top level, found nothing"
    ):
        validate_data(Scenario, None, "empty.yaml")
    with pytest.raises(InputError, match="found int"):
        validate_data(Scenario, 3, "three.yaml")


def test_load_scenario_from_yaml_and_json_files(tmp_path: Path) -> None:
    yaml_path = tmp_path / "s.yaml"
    yaml_path.write_text(MINIMAL, encoding="utf-8")
    from_yaml = load_scenario(yaml_path)
    json_path = tmp_path / "s.json"
    json_path.write_text(from_yaml.model_dump_json(), encoding="utf-8")
    assert load_scenario(json_path) == from_yaml


def test_load_scenario_from_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(MINIMAL))
    assert read_text("-") == (MINIMAL, "<stdin>")
    monkeypatch.setattr("sys.stdin", io.StringIO(MINIMAL))
    assert load_scenario("-").name == "Minimal"


def test_unreadable_sources(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_scenario(tmp_path / "missing.yaml")
    with pytest.raises(InputError, match="is a directory, expected a scenario file"):
        load_scenario(tmp_path)
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00name")
    with pytest.raises(InputError, match="cannot be read"):
        load_scenario(binary)


def test_load_plan_names_malformed_json_position(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text('{"scenario": "x",\n  "status": }', encoding="utf-8")
    with pytest.raises(InputError, match=r"malformed JSON at line 2, column 13"):
        load_plan(path)


def test_load_plan_validates_its_keys(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"scenario": "x", "status": "great"}), encoding="utf-8")
    with pytest.raises(InputError, match="status: 'great' is not one of 'optimal'"):
        load_plan(path)
