"""`periodize validate` and `periodize schema` through the real entry point.

Every bad-input class of scenario.md ("Validation must reject ...") has its own test: the
message names the key and the fix, the exit code is 2, and no traceback reaches stderr.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import CliResult, shipped_scenario_paths

RunCli = Callable[..., CliResult]

# A small valid scenario: 8 weeks from Monday 2027-01-04 to Sunday 2027-02-28.
VALID: dict[str, Any] = {
    "name": "Validation probe",
    "start": "2027-01-04",
    "weeks": 8,
    "athlete": {"level": "intermediate", "weekly_minutes": 240, "long_minutes": 80},
    "availability": {"mon": {"pm": 60}, "wed": {"pm": 60}, "sat": {"am": 180}},
    "terrain": {"road": "all", "trail": ["sat"]},
}


def scenario(**changes: Any) -> dict[str, Any]:
    """A deep copy of VALID with top-level keys replaced (None removes a key)."""
    data = copy.deepcopy(VALID)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def write(tmp_path: Path, content: dict[str, Any] | str, name: str = "bad.yaml") -> Path:
    path = tmp_path / name
    text = content if isinstance(content, str) else yaml.safe_dump(content, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def rejected(run_cli: RunCli, path: Path) -> str:
    """Validate ``path``; assert it is refused as bad input, return the message."""
    result = run_cli("validate", str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"{path}: ")
    return result.stderr


# ----- the happy path -------------------------------------------------------------------


@pytest.mark.parametrize("path", shipped_scenario_paths(), ids=lambda p: p.stem)
def test_each_shipped_scenario_validates(run_cli: RunCli, path: Path) -> None:
    result = run_cli("validate", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"{path}: valid - ")
    assert result.stderr == ""


def test_validate_all_shipped_scenarios_at_once(run_cli: RunCli) -> None:
    paths = [str(p) for p in shipped_scenario_paths()]
    result = run_cli("validate", *paths)
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.splitlines()) == len(paths)


def test_summary_names_horizon_goal_and_terrain(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("validate", str(write(tmp_path, VALID, "ok.yaml")))
    assert result.exit_code == 0
    assert "'Validation probe': 8 weeks from 2027-01-04 (no race)" in result.stdout
    assert "availability mon pm 60, wed pm 60, sat am 180" in result.stdout
    assert "terrain road all, trail sat" in result.stdout


def test_one_bad_file_among_good_ones_exits_2_and_reports_both(
    run_cli: RunCli, tmp_path: Path
) -> None:
    good = write(tmp_path, VALID, "good.yaml")
    bad = write(tmp_path, scenario(weeks=0), "bad.yaml")
    result = run_cli("validate", str(good), str(bad))
    assert result.exit_code == 2
    assert f"{good}: valid" in result.stdout
    assert f"{bad}: weeks:" in result.stderr


def test_missing_file(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("validate", str(tmp_path / "nowhere.yaml"))
    assert result.exit_code == 2
    assert "nowhere.yaml: no such file" in result.stderr


def test_validate_needs_a_file(run_cli: RunCli) -> None:
    assert run_cli("validate").exit_code == 2


# ----- every bad-input class of scenario.md ---------------------------------------------


def test_malformed_yaml_names_line_and_column(run_cli: RunCli, tmp_path: Path) -> None:
    path = write(tmp_path, "name: probe\nstart: 2027-01-04\n  weeks: 8\n")
    message = rejected(run_cli, path)
    assert "malformed YAML at line 3, column 8" in message
    assert "mapping values are not allowed here" in message


def test_malformed_yaml_unclosed_list(run_cli: RunCli, tmp_path: Path) -> None:
    path = write(tmp_path, "name: probe\nphases: [base, build\nweeks: 2\n")
    message = rejected(run_cli, path)
    # The list is still open when the colon after `weeks` (line 3, column 6) arrives.
    assert "malformed YAML at line 3, column 6: expected ',' or ']'" in message


def test_top_level_must_be_a_mapping(run_cli: RunCli, tmp_path: Path) -> None:
    message = rejected(run_cli, write(tmp_path, "- base\n- build\n"))
    assert "expected a mapping of keys at the top level, found list" in message


def test_unknown_top_level_key_suggests_the_right_one(run_cli: RunCli, tmp_path: Path) -> None:
    data = scenario()
    data["athelte"] = data.pop("athlete")
    message = rejected(run_cli, write(tmp_path, data))
    assert "athelte: unknown key 'athelte'; did you mean 'athlete'?" in message
    assert "athlete: required key is missing" in message


def test_unknown_nested_key_suggests_the_right_one(run_cli: RunCli, tmp_path: Path) -> None:
    data = scenario(rules={"max_weekly_increse": 0.1})
    message = rejected(run_cli, write(tmp_path, data))
    assert "rules.max_weekly_increse: unknown key" in message
    assert "did you mean 'max_weekly_increase'?" in message


def test_unknown_slot_lists_the_allowed_keys(run_cli: RunCli, tmp_path: Path) -> None:
    data = scenario(availability={"mon": {"evening": 60}})
    message = rejected(run_cli, write(tmp_path, data))
    assert "availability.mon.evening: unknown key 'evening' (allowed: am, pm)" in message


def test_wrong_type_names_the_key_and_the_expected_type(run_cli: RunCli, tmp_path: Path) -> None:
    data = scenario()
    data["athlete"]["weekly_minutes"] = "lots"
    message = rejected(run_cli, write(tmp_path, data))
    assert "athlete.weekly_minutes: Input should be a valid integer" in message


def test_wrong_type_for_terrain_access(run_cli: RunCli, tmp_path: Path) -> None:
    data = scenario(terrain={"road": "sometimes"})
    message = rejected(run_cli, write(tmp_path, data))
    assert "terrain road: 'sometimes' is neither 'all' nor a list of weekdays" in message


def test_impossible_date_names_the_key(run_cli: RunCli, tmp_path: Path) -> None:
    path = write(tmp_path, yaml.safe_dump(scenario()).replace("'2027-01-04'", "2027-02-30"))
    message = rejected(run_cli, path)
    assert "start: Input should be a valid date" in message


def test_negative_minutes(run_cli: RunCli, tmp_path: Path) -> None:
    data = scenario(availability={"mon": {"pm": -30}})
    message = rejected(run_cli, write(tmp_path, data))
    assert "availability.mon.pm: Input should be greater than or equal to 0" in message


def test_more_than_1440_minutes_in_a_slot(run_cli: RunCli, tmp_path: Path) -> None:
    data = scenario(availability={"mon": {"pm": 1500}})
    message = rejected(run_cli, write(tmp_path, data))
    assert "availability.mon.pm: Input should be less than or equal to 1440" in message


def test_more_than_1440_minutes_in_a_day(run_cli: RunCli, tmp_path: Path) -> None:
    data = scenario(availability={"mon": {"am": 800, "pm": 800}})
    message = rejected(run_cli, write(tmp_path, data))
    assert "availability.mon: am + pm exceeds the 1440 minutes of a day" in message


def test_unknown_weekday_in_availability(run_cli: RunCli, tmp_path: Path) -> None:
    data = scenario(availability={"mun": {"pm": 60}})
    message = rejected(run_cli, write(tmp_path, data))
    assert "availability: unknown key 'mun'; did you mean 'sun'?" in message
    assert "expected one of 'mon', 'tue'" in message


def test_unknown_weekday_in_terrain_access(run_cli: RunCli, tmp_path: Path) -> None:
    data = scenario(terrain={"road": "all", "trail": ["sta"]})
    message = rejected(run_cli, write(tmp_path, data))
    assert "terrain.trail[0]: 'sta' is not one of 'mon'" in message
    assert "did you mean 'sat'?" in message
    # Only the closest union member is reported, without pydantic's type names.
    assert "literal" not in message
    assert "tuple[" not in message


def test_unknown_weekday_in_preferences(run_cli: RunCli, tmp_path: Path) -> None:
    data = scenario(preferences={"long_day": "saturday"})
    message = rejected(run_cli, write(tmp_path, data))
    assert "preferences.long_day: 'saturday' is not one of 'mon'" in message


def test_unknown_terrain(run_cli: RunCli, tmp_path: Path) -> None:
    data = scenario(terrain={"raod": "all"})
    message = rejected(run_cli, write(tmp_path, data))
    assert "terrain: unknown key 'raod'; did you mean 'road'?" in message
    assert "'trail', 'hills'" in message


def test_unknown_terrain_of_a_session_kind(run_cli: RunCli, tmp_path: Path) -> None:
    data = scenario(sessions=[{"id": "road_easy", "terrain": "beach"}])
    message = rejected(run_cli, write(tmp_path, data))
    assert "sessions[0].terrain: 'beach' is not one of 'road'" in message


def test_unknown_pinned_kind_lists_the_known_kinds(run_cli: RunCli, tmp_path: Path) -> None:
    pin = {"date": "2027-01-04", "slot": "pm", "kind": "trail_sprint", "minutes": 45}
    message = rejected(run_cli, write(tmp_path, scenario(pinned=[pin])))
    assert "pinned trail_sprint on 2027-01-04 pm: unknown kind 'trail_sprint'" in message
    assert "known kinds: bike_easy, downhill_technique" in message


def test_race_cannot_be_pinned(run_cli: RunCli, tmp_path: Path) -> None:
    pin = {"date": "2027-01-04", "slot": "pm", "kind": "race", "minutes": 45}
    message = rejected(run_cli, write(tmp_path, scenario(pinned=[pin])))
    assert "unknown kind 'race'" in message


def test_unknown_injury_tag(run_cli: RunCli, tmp_path: Path) -> None:
    data = scenario()
    data["athlete"]["injuries"] = ["hip"]
    message = rejected(run_cli, write(tmp_path, data))
    assert "athlete.injuries[0]: 'hip' is not one of 'knee', 'ankle', 'shin'" in message


def _race(date: str, distance_km: float = 30) -> dict[str, Any]:
    return {
        "race": {"name": "Probe race", "date": date, "kind": "trail", "distance_km": distance_km}
    }


def test_race_before_start(run_cli: RunCli, tmp_path: Path) -> None:
    data = scenario(weeks=None, goal=_race("2026-12-06"))
    message = rejected(run_cli, write(tmp_path, data))
    assert "goal.race.date 2026-12-06 is before start 2027-01-04" in message
    assert "move the start earlier or the race later" in message


def test_weeks_disagreeing_with_the_race_date(run_cli: RunCli, tmp_path: Path) -> None:
    # 2027-01-04 to 2027-03-14 is 70 days, both included: 10 weeks.
    data = scenario(weeks=8, goal=_race("2027-03-14"))
    message = rejected(run_cli, write(tmp_path, data))
    assert "weeks: 8 disagrees with the race date" in message
    assert "drop weeks or set it to 10" in message


def test_no_race_and_no_weeks(run_cli: RunCli, tmp_path: Path) -> None:
    message = rejected(run_cli, write(tmp_path, scenario(weeks=None)))
    assert "weeks is required when there is no goal race" in message


def test_horizon_over_104_weeks(run_cli: RunCli, tmp_path: Path) -> None:
    message = rejected(run_cli, write(tmp_path, scenario(weeks=105)))
    assert "weeks: Input should be less than or equal to 104" in message


def test_race_more_than_104_weeks_away(run_cli: RunCli, tmp_path: Path) -> None:
    # 2027-01-04 to 2029-01-07 is 735 days: 105 weeks.
    data = scenario(weeks=None, goal=_race("2029-01-07"))
    message = rejected(run_cli, write(tmp_path, data))
    assert "the race is 105 weeks after the start; the horizon is at most 104 weeks" in message
    assert "start later" in message


def test_phases_of_the_wrong_length(run_cli: RunCli, tmp_path: Path) -> None:
    data = scenario(phases=["base", "base", "build"])
    message = rejected(run_cli, write(tmp_path, data))
    assert "phases has 3 entries but the plan has 8 weeks: give one phase per week" in message


def test_unknown_phase_name(run_cli: RunCli, tmp_path: Path) -> None:
    data = scenario(phases=["base"] * 7 + ["tapir"])
    message = rejected(run_cli, write(tmp_path, data))
    assert "phases[7]: 'tapir' is not one of 'base', 'build', 'peak' or 'taper'" in message
    assert "did you mean 'taper'?" in message


def test_pin_outside_the_plan(run_cli: RunCli, tmp_path: Path) -> None:
    pin = {"date": "2027-03-01", "slot": "pm", "kind": "road_easy", "minutes": 45}
    message = rejected(run_cli, write(tmp_path, scenario(pinned=[pin])))
    assert "pinned road_easy on 2027-03-01 pm is outside the plan" in message
    assert "(2027-01-04 to 2027-02-28): fix the date" in message


def test_pin_on_an_unavailable_day(run_cli: RunCli, tmp_path: Path) -> None:
    # 2027-01-05 is a Tuesday: no availability at all.
    pin = {"date": "2027-01-05", "slot": "pm", "kind": "road_easy", "minutes": 45}
    message = rejected(run_cli, write(tmp_path, scenario(pinned=[pin])))
    assert "pinned road_easy on 2027-01-05 pm: 45 min but the slot has 0 min available" in message
    assert "shorten the pin or add availability" in message


def test_pin_on_an_unavailable_slot_of_an_available_day(run_cli: RunCli, tmp_path: Path) -> None:
    # Monday 2027-01-04 has a pm slot only.
    pin = {"date": "2027-01-04", "slot": "am", "kind": "road_easy", "minutes": 45}
    message = rejected(run_cli, write(tmp_path, scenario(pinned=[pin])))
    assert "pinned road_easy on 2027-01-04 am: 45 min but the slot has 0 min available" in message


def test_pin_longer_than_its_slot(run_cli: RunCli, tmp_path: Path) -> None:
    pin = {"date": "2027-01-04", "slot": "pm", "kind": "road_easy", "minutes": 75}
    message = rejected(run_cli, write(tmp_path, scenario(pinned=[pin])))
    assert "75 min but the slot has 60 min available that date" in message


def test_pin_on_unreachable_terrain(run_cli: RunCli, tmp_path: Path) -> None:
    pin = {"date": "2027-01-04", "slot": "pm", "kind": "trail_easy", "minutes": 45}
    message = rejected(run_cli, write(tmp_path, scenario(pinned=[pin])))
    assert "terrain trail is not reachable on mon; add it under terrain:" in message


def test_duplicate_session_ids(run_cli: RunCli, tmp_path: Path) -> None:
    data = scenario(sessions=[{"id": "road_easy", "rpe": 3}, {"id": "road_easy", "rpe": 4}])
    message = rejected(run_cli, write(tmp_path, data))
    assert "sessions: duplicate session id 'road_easy': give each kind once" in message


def test_incomplete_new_session_kind(run_cli: RunCli, tmp_path: Path) -> None:
    data = scenario(sessions=[{"id": "sand_run", "modality": "run"}])
    message = rejected(run_cli, write(tmp_path, data))
    assert "new kind 'sand_run' needs description, intensity, minutes, rpe, systems" in message


def test_inconsistent_override_is_one_readable_line(run_cli: RunCli, tmp_path: Path) -> None:
    data = scenario(sessions=[{"id": "road_easy", "work_share": 0.3}])
    message = rejected(run_cli, write(tmp_path, data))
    assert "sessions: override of 'road_easy': work_share must be 0 for an easy kind" in message
    assert "errors.pydantic.dev" not in message
    assert len(message.strip().splitlines()) == 1


# ----- schema ---------------------------------------------------------------------------


def test_schema_prints_the_scenario_json_schema(run_cli: RunCli) -> None:
    result = run_cli("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["title"] == "Scenario"
    assert schema["type"] == "object"
    assert set(schema["properties"]) == {
        "name",
        "start",
        "weeks",
        "phases",
        "athlete",
        "availability",
        "exceptions",
        "terrain",
        "goal",
        "preferences",
        "rules",
        "objective",
        "sessions",
        "pinned",
    }
    assert set(schema["required"]) == {"name", "start", "athlete"}
    assert schema["additionalProperties"] is False
    assert {"Athlete", "Race", "Pin", "RuleOverrides"} <= set(schema["$defs"])
