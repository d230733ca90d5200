"""Training logs (log.py, loading.load_log): validation with the scenario loader's quality
of messages, YAML and CSV alike, and the sessions a log puts in a plan's past."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from periodize.loading import InputError, load_log, log_from_text
from periodize.log import LogError, TrainingLog, logged_sessions
from periodize.scenario import Scenario
from periodize.vocabulary import Slot

YAML_LOG = """\
- {date: 2027-03-01, kind: road_easy, minutes: 40, rpe: 3}
- {date: 2027-03-03, modality: hike, terrain: trail, minutes: 95, rpe: 4, note: windy}
- {date: 2027-03-03, kind: gym_strength, minutes: 30, rpe: 5, slot: am}
"""

CSV_LOG = """\
date,kind,modality,terrain,minutes,rpe,slot,note
2027-03-01,road_easy,,,40,3,,
2027-03-03,,hike,trail,95,4,,windy
2027-03-03,gym_strength,,,30,5,am,
"""


@pytest.fixture
def scenario() -> Scenario:
    return Scenario.model_validate(
        {
            "name": "log fixture",
            "start": "2027-03-01",
            "weeks": 4,
            "athlete": {"level": "intermediate", "weekly_minutes": 240, "long_minutes": 60},
            "availability": {"tue": {"pm": 60}, "sat": {"am": 120}},
            "terrain": {"road": "all", "trail": ["sat"]},
        }
    )


def test_yaml_and_csv_logs_read_the_same(tmp_path: Path) -> None:
    (tmp_path / "log.yaml").write_text(YAML_LOG)
    (tmp_path / "log.csv").write_text(CSV_LOG)

    from_yaml, from_csv = load_log(tmp_path / "log.yaml"), load_log(tmp_path / "log.csv")

    assert from_yaml == from_csv
    assert len(from_yaml.entries) == 3
    assert from_yaml.entries[1].note == "windy"
    assert from_yaml.last_date() == dt.date(2027, 3, 3)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "- {date: 2027-03-01, minutes: 30, rpe: 3}",
            "entry 1 (2027-03-01): (top level): needs a kind",
        ),
        (
            "- {date: 2027-03-01, kind: road_easy, minutes: 3000, rpe: 3}",
            "entry 1 (2027-03-01): minutes: Input should be less than or equal to 1440",
        ),
        (
            "- {date: 2027-03-01, kind: road_easy, minutes: 30, rpe: 3, mood: good}",
            "unknown key 'mood'",
        ),
        ("- {date: 2027-03-01, kind: road_easy, minutes: 30, rpee: 3}", "did you mean 'rpe'?"),
        ("- {date: 2027-02-30, kind: road_easy, minutes: 30, rpe: 3}", "entry 1"),
        ("date: 2027-03-01", "expected a list of sessions"),
        ("- just a string", "entry 1: expected a mapping of keys, found str"),
        ("- {date: 2027-03-01, kind: road_easy, minutes: [30, rpe: 3}", "malformed YAML at line 1"),
    ],
)
def test_bad_logs_name_the_entry_and_the_key(text: str, expected: str) -> None:
    with pytest.raises(InputError) as raised:
        log_from_text(text, "log.yaml")
    assert expected in str(raised.value)
    assert str(raised.value).startswith("log.yaml: ")


def test_an_empty_log_is_all_rest() -> None:
    assert log_from_text("", "log.yaml").entries == ()


def test_logged_sessions_carry_the_logged_effort(scenario: Scenario) -> None:
    log = log_from_text(YAML_LOG)

    past = logged_sessions(scenario, log, dt.date(2027, 3, 8))

    easy = past[dt.date(2027, 3, 1)][0]
    assert (easy.kind.id, easy.minutes, easy.kind.rpe) == ("road_easy", 40, 3)
    # Without a kind, the closest catalogue kind of that modality and terrain by RPE.
    hike, strength = sorted(past[dt.date(2027, 3, 3)], key=lambda s: s.slot != Slot.PM)
    assert (hike.kind.modality.value, hike.kind.terrain.value, hike.kind.rpe) == (
        "hike",
        "trail",
        4,
    )
    # Both ranges hold 95 minutes, and rpe 4 is hike_long's, but a session is a long one
    # only when no other kind's range holds its minutes: hike_easy, at the logged rpe 4.
    assert hike.kind.id == "hike_easy"
    # A slot left open goes to the slot the day has free.
    assert (strength.slot, hike.slot) == (Slot.AM, Slot.PM)


def test_minutes_outside_a_kinds_range_pick_another_kind(scenario: Scenario) -> None:
    # 95 easy road minutes are past road_easy's 75: a long road run, whatever the RPE.
    log = log_from_text("- {date: 2027-03-02, modality: run, terrain: road, minutes: 95, rpe: 3}")
    (session,) = logged_sessions(scenario, log, dt.date(2027, 3, 8))[dt.date(2027, 3, 2)]
    assert session.kind.id == "road_long"


def test_the_logged_rpe_replaces_the_catalogue_rpe(scenario: Scenario) -> None:
    log = log_from_text("- {date: 2027-03-02, kind: road_easy, minutes: 50, rpe: 6}")
    (session,) = logged_sessions(scenario, log, dt.date(2027, 3, 8))[dt.date(2027, 3, 2)]
    assert session.kind.rpe == 6
    assert scenario.catalogue["road_easy"].rpe != 6


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("- {date: 2027-02-28, kind: road_easy, minutes: 30, rpe: 3}", "2027-03-08", "before"),
        ("- {date: 2027-03-08, kind: road_easy, minutes: 30, rpe: 3}", "2027-03-08", "on or after"),
        ("- {date: 2027-03-02, kind: yoga, minutes: 30, rpe: 3}", "2027-03-08", "unknown kind"),
        (
            "- {date: 2027-03-02, kind: road_easy, minutes: 30, rpe: 3}\n" * 3,
            "2027-03-08",
            "3 sessions, a day holds at most 2",
        ),
        (
            "- {date: 2027-03-02, kind: road_easy, minutes: 30, rpe: 3, slot: am}\n" * 2,
            "2027-03-08",
            "two sessions in the am slot",
        ),
    ],
)
def test_logs_that_do_not_fit_the_scenario(
    scenario: Scenario, text: str, today: str, expected: str
) -> None:
    log = log_from_text(text)
    with pytest.raises(LogError, match=expected):
        logged_sessions(scenario, log, dt.date.fromisoformat(today))


def test_training_log_round_trips_through_json() -> None:
    log = log_from_text(YAML_LOG)
    assert TrainingLog.model_validate_json(log.model_dump_json()) == log
