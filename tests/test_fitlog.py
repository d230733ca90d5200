"""FIT activity files as the training log: real files of several devices and sports
(tests/data/fit, see its README) become log entries with every inference shown; files that
are not activities, damaged or truncated are skipped with the reason; `replan --done`
takes a folder of them."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fit_tool.fit_file_builder import FitFileBuilder
from fit_tool.profile.messages.activity_message import ActivityMessage
from fit_tool.profile.messages.file_id_message import FileIdMessage
from fit_tool.profile.messages.session_message import SessionMessage
from fit_tool.profile.profile_type import FileType, Manufacturer, Sport, SubSport

from conftest import CliResult
from periodize.check import check
from periodize.fitlog import read_activities, read_fit_log
from periodize.heuristic import greedy_plan
from periodize.loading import load_log, load_plan
from periodize.log import LogError
from periodize.scenario import Scenario

FIT_DATA = Path(__file__).resolve().parent / "data" / "fit"
ACTIVITIES = {
    "2013-02-06-12-11-14.fit",
    "2015-10-13-08-43-15.fit",
    "garmin-fenix-5-run.fit",
    "garmin-fenix-5-walk.fit",
    "garmin-fenix-5-bike.fit",
    "elemnt-bolt-no-application-id-inside-developer-data-id.fit",
    "event_timestamp.fit",
}
"""The activities of tests/data/fit; garmin-edge-820-bike.fit is the fenix 5's ride
recorded again by a bike computer, and counts once."""
JUNE_2017 = [
    "garmin-fenix-5-walk.fit",
    "garmin-fenix-5-run.fit",
    "garmin-fenix-5-bike.fit",
    "garmin-edge-820-bike.fit",
    "event_timestamp.fit",
]
SCENARIO: dict[str, Any] = {
    "name": "june 2017",
    "start": "2017-06-05",
    "weeks": 3,
    "athlete": {
        "level": "intermediate",
        "weekly_minutes": 200,
        "long_minutes": 60,
        # reserve zones: 120, 134, 147, 161, 174, 188 bpm
        "hr": {"max": 188, "rest": 52},
    },
    "availability": {
        "mon": {"am": 60, "pm": 60},
        "tue": {"am": 60, "pm": 60},
        "wed": {"pm": 60},
        "thu": {"pm": 60},
        "sat": {"am": 120},
        "sun": {"am": 120, "pm": 60},
    },
    "terrain": {"road": "all", "trail": "all", "bike": "all", "pool": "all"},
}


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return Scenario.model_validate(SCENARIO)


def _by_source(scenario: Scenario, *names: str) -> dict[str, Any]:
    found = read_fit_log(scenario, [FIT_DATA / name for name in names] or [FIT_DATA])
    return {item.activity.source: item for item in found.inferred}


def test_every_real_activity_becomes_an_entry(scenario: Scenario) -> None:
    found = read_fit_log(scenario, [FIT_DATA])
    assert {item.activity.source for item in found.inferred} == ACTIVITIES
    dates = [item.entry.date for item in found.inferred]
    assert dates == sorted(dates)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # Forerunner 110: generic run, 2625 s timer -> 44 min; 168 m over 4.84 km is 35 m/km
        # (>= 25: trail); average HR 147 is the bottom of zone 3 (147-161): RPE 5. Trail
        # runs that fit 44 min: trail_easy (RPE 4) and downhill_technique (6), equally
        # close; the easier one wins.
        (
            "2013-02-06-12-11-14.fit",
            {
                "date": "2013-02-06",
                "slot": "pm",
                "modality": "run",
                "terrain": "trail",
                "minutes": 44,
                "rpe": 5,
                "kind": "trail_easy",
            },
        ),
        # fenix 5 walk: hike; 45 s -> 1 min; HR 75 is below zone 1 (120): RPE 1;
        # 14:32 UTC is 07:32 on the watch's clock (UTC-7): am.
        (
            "garmin-fenix-5-walk.fit",
            {
                "date": "2017-06-11",
                "slot": "am",
                "modality": "hike",
                "terrain": "trail",
                "minutes": 1,
                "rpe": 1,
                "kind": "hike_easy",
            },
        ),
        # Edge 200 ride: no heart rate, so the RPE of the kind it matches (bike_easy, 3).
        (
            "2015-10-13-08-43-15.fit",
            {
                "date": "2015-10-13",
                "slot": "pm",
                "modality": "bike",
                "terrain": "bike",
                "minutes": 26,
                "rpe": 3,
                "kind": "bike_easy",
            },
        ),
        # Forerunner 735XT pool swim: 4371.56 s -> 73 min; HR 142 in zone 2 (134-147),
        # upper half: RPE 4.
        (
            "event_timestamp.fit",
            {
                "date": "2017-06-13",
                "slot": "am",
                "modality": "swim",
                "terrain": "pool",
                "minutes": 73,
                "rpe": 4,
                "kind": "swim_easy",
            },
        ),
        # Wahoo ELEMNT BOLT: a non-Garmin ride, 132 s -> 2 min, no heart rate.
        (
            "elemnt-bolt-no-application-id-inside-developer-data-id.fit",
            {
                "date": "2017-08-21",
                "slot": "am",
                "modality": "bike",
                "terrain": "bike",
                "minutes": 2,
                "rpe": 3,
                "kind": "bike_easy",
            },
        ),
    ],
)
def test_an_activity_reads_as(scenario: Scenario, name: str, expected: dict[str, Any]) -> None:
    item = _by_source(scenario, name)[name]
    entry = item.entry.model_dump(mode="json", exclude_none=True)
    assert {key: entry[key] for key in expected} == expected
    assert name in entry["note"]


def test_every_inference_is_shown(scenario: Scenario) -> None:
    item = _by_source(scenario, "2013-02-06-12-11-14.fit")["2013-02-06-12-11-14.fit"]
    text = "\n".join(item.reasons)
    assert "UTC (the file gives no local time)" in text
    assert "35 m/km climbed" in text
    assert "average heart rate 147 bpm" in text
    assert "kind trail_easy" in text


def test_without_zones_the_rpe_is_the_matched_kinds(scenario: Scenario) -> None:
    athlete = scenario.athlete.model_copy(update={"hr": None})
    bare = scenario.model_copy(update={"athlete": athlete})
    item = _by_source(bare, "2013-02-06-12-11-14.fit")["2013-02-06-12-11-14.fit"]
    # no RPE to go by: the lowest-RPE trail run that fits 44 min, trail_easy (RPE 4)
    assert (item.entry.kind, item.entry.rpe) == ("trail_easy", 4)
    assert any("no heart-rate zones" in reason for reason in item.reasons)


def test_two_activities_of_a_morning_take_both_slots(scenario: Scenario) -> None:
    # fenix 5 walk at 07:32 and run at 07:34, both am by the clock: the run takes pm.
    found = _by_source(scenario, "garmin-fenix-5-walk.fit", "garmin-fenix-5-run.fit")
    assert found["garmin-fenix-5-walk.fit"].entry.slot == "am"
    run = found["garmin-fenix-5-run.fit"]
    assert run.entry.slot == "pm"
    assert "slot pm: the day's other activity took the other slot" in run.reasons


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("Settings.fit", "a settings file, not an activity"),
        ("MonitoringFile.fit", "a monitoring_b file, not an activity"),
        ("WorkoutRepeatSteps.fit", "a workout file, not an activity"),
        ("Activity.fit", "14 s long: shorter than half a minute"),
        ("activity-filecrc.fit", "damaged or truncated (at byte: 771 CRC Error)"),
        ("activity-unexpected-eof.fit", "damaged or truncated (number of bytes provided"),
    ],
)
def test_files_that_are_no_activity_are_skipped_with_the_reason(name: str, reason: str) -> None:
    activities, skipped = read_activities(FIT_DATA / name)
    assert activities == []
    assert len(skipped) == 1
    assert skipped[0].source == name
    assert skipped[0].reason.startswith(reason)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "not a FIT file"),
        (b"date,minutes\n2027-01-04,40\n", "not a FIT file"),
        ((FIT_DATA / "garmin-fenix-5-run.fit").read_bytes()[:300], "damaged or truncated"),
    ],
    ids=["empty", "text", "cut"],
)
def test_not_fit_or_cut_short(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "x.fit"
    path.write_bytes(content)
    activities, skipped = read_activities(path)
    assert activities == []
    assert skipped[0].reason.startswith(reason)


def _activity_file(
    path: Path, sport: Sport, sub_sport: SubSport, minutes: int, hour: int = 6
) -> None:
    """A minimal activity file (file_id, session, activity) written with fit-tool."""
    start = dt.datetime(2017, 6, 14, hour, 30, tzinfo=dt.UTC)
    millis = round(start.timestamp() * 1000)
    file_id = FileIdMessage()
    file_id.type = FileType.ACTIVITY
    file_id.manufacturer = Manufacturer.DEVELOPMENT.value
    file_id.product = 0
    file_id.time_created = millis
    file_id.serial_number = 1
    session = SessionMessage()
    session.timestamp = millis + minutes * 60_000
    session.start_time = millis
    session.sport = sport
    session.sub_sport = sub_sport
    session.total_timer_time = minutes * 60.0
    session.total_elapsed_time = minutes * 60.0
    activity = ActivityMessage()
    activity.timestamp = millis + minutes * 60_000
    activity.num_sessions = 1
    builder = FitFileBuilder(auto_define=True)
    for message in (file_id, session, activity):
        builder.add(message)
    path.write_bytes(builder.build().to_bytes())


def test_a_sport_without_a_modality_is_skipped(scenario: Scenario, tmp_path: Path) -> None:
    _activity_file(tmp_path / "row.fit", Sport.ROWING, SubSport.GENERIC, 40)
    _activity_file(tmp_path / "run.fit", Sport.RUNNING, SubSport.TRACK, 40)
    found = read_fit_log(scenario, [tmp_path])
    assert [(i.entry.modality, i.entry.terrain) for i in found.inferred] == [("run", "track")]
    assert found.skipped[0].source == "row.fit"
    assert "rowing/generic is none of run, hike, bike, swim or strength" in found.skipped[0].reason


def test_the_same_activity_twice_counts_once(scenario: Scenario, tmp_path: Path) -> None:
    shutil.copy(FIT_DATA / "garmin-fenix-5-bike.fit", tmp_path / "a.fit")
    shutil.copy(FIT_DATA / "garmin-fenix-5-bike.fit", tmp_path / "b.fit")
    found = read_fit_log(scenario, [tmp_path])
    assert len(found.inferred) == 1
    assert found.skipped[0].reason == "the same cycling at the same time as a.fit: counted once"


def test_a_ride_on_a_watch_and_a_bike_computer_counts_once(scenario: Scenario) -> None:
    # fenix 5: 16:09:22-16:10:22 UTC; Edge 820: 16:10:15-16:11:20 UTC, both cycling.
    found = read_fit_log(
        scenario, [FIT_DATA / "garmin-edge-820-bike.fit", FIT_DATA / "garmin-fenix-5-bike.fit"]
    )
    assert [item.activity.source for item in found.inferred] == ["garmin-fenix-5-bike.fit"]
    assert [(s.source, s.reason) for s in found.skipped] == [
        (
            "garmin-edge-820-bike.fit",
            "the same cycling at the same time as garmin-fenix-5-bike.fit: counted once",
        )
    ]


def test_three_activities_on_a_day_ask_for_a_written_log(
    scenario: Scenario, tmp_path: Path
) -> None:
    for hour in (6, 12, 18):
        _activity_file(tmp_path / f"run-{hour}.fit", Sport.RUNNING, SubSport.STREET, 30, hour)
    with pytest.raises(LogError, match=r"2017-06-14: 3 activities .* write the log with"):
        read_fit_log(scenario, [tmp_path])


def test_missing_sources_are_errors(scenario: Scenario, tmp_path: Path) -> None:
    with pytest.raises(LogError, match="no such file or folder"):
        read_fit_log(scenario, [tmp_path / "nowhere.fit"])
    with pytest.raises(LogError, match=r"no \.fit files in this folder"):
        read_fit_log(scenario, [tmp_path])


# ---------------------------------------------------------------------------- CLI


def test_log_command_prints_a_log_that_reads_back(
    run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    result = run_cli("log", str(FIT_DATA))
    assert result.exit_code == 0, result.stderr
    assert "# garmin-fenix-5-run.fit (garmin fenix5)" in result.stdout
    assert "Settings.fit: skipped: a settings file, not an activity" in result.stderr
    assert "Traceback" not in result.stderr
    saved = tmp_path / "done.yaml"
    saved.write_text(result.stdout, encoding="utf-8")
    assert {entry.note.split(" ")[0] for entry in load_log(saved).entries if entry.note} == (
        ACTIVITIES
    )


def test_log_command_with_nothing_readable_exits_2(run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("log", str(FIT_DATA / "Settings.fit"), str(FIT_DATA / "activity-filecrc.fit"))
    assert result.exit_code == 2
    assert "Settings.fit: skipped" in result.stderr
    assert "activity-filecrc.fit: skipped: damaged" in result.stderr
    assert "no activity could be read" in result.stderr


@pytest.mark.slow  # a 3 s deterministic re-plan: about 12 s of wall time
def test_replan_takes_a_folder_of_fit_files(
    run_cli: Callable[..., CliResult], scenario: Scenario, tmp_path: Path
) -> None:
    watch = tmp_path / "watch"
    watch.mkdir()
    for name in [*JUNE_2017, "Settings.fit", "activity-filecrc.fit"]:
        shutil.copy(FIT_DATA / name, watch / name)
    scenario_file = tmp_path / "scenario.json"
    scenario_file.write_text(json.dumps(SCENARIO), encoding="utf-8")
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(greedy_plan(scenario).to_json(), encoding="utf-8")
    out = tmp_path / "replanned.json"
    result = run_cli(
        "replan", str(scenario_file), str(plan_file), "--done", str(watch),
        "--today", "2017-06-14", "--format", "json", "-o", str(out),
        "--time-limit", "3", "--deterministic", "--quiet",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "Settings.fit: skipped: a settings file, not an activity" in result.stderr
    assert "activity-filecrc.fit: skipped: damaged" in result.stderr
    assert "garmin-edge-820-bike.fit: skipped: the same cycling" in result.stderr
    plan = load_plan(out)
    past = {
        (day.date.isoformat(), s.slot.value, s.kind, s.minutes)
        for day in plan.days
        if day.date < dt.date(2017, 6, 14)
        for s in day.sessions
    }
    assert past == {
        ("2017-06-11", "am", "hike_easy", 1),
        ("2017-06-11", "pm", "road_recovery", 1),
        ("2017-06-12", "am", "bike_easy", 1),
        ("2017-06-13", "am", "swim_easy", 73),
    }
    log = read_fit_log(scenario, [watch]).log
    assert check(scenario, plan, done=log, today=dt.date(2017, 6, 14)) == []


def test_without_the_fit_extra_the_message_says_how_to_install(
    run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "garmin_fit_sdk", None)
    monkeypatch.delitem(sys.modules, "periodize.fitlog", raising=False)
    result = run_cli("log", str(FIT_DATA))
    assert result.exit_code == 2
    assert "garmin_fit_sdk, which is not installed: pip install 'periodize[fit]'" in result.stderr
    assert "Traceback" not in result.stderr
