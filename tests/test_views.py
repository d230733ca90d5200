"""The views of a plan: terminal table, Markdown, iCalendar and the HTML report.

One shipped scenario is solved once for the module; every view is checked against that
plan. The HTML report is loaded in a real headless Chromium (Debian's ``chromium`` and
``chromium-driver``; ``.ci/run`` installs them) and a screenshot is kept under
``tests/artifacts/`` (git-ignored).
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar
from rich.console import Console

from conftest import SCENARIOS, CliResult
from periodize.check import check
from periodize.cli import SolveStatus
from periodize.loading import load_scenario
from periodize.plan import Conflict, Plan, Shortfall, Status
from periodize.scenario import Scenario
from periodize.solve import Progress, SolveOptions, solve
from periodize.views import html, ics, markdown, table
from periodize.views.figures import (
    count,
    gap_text,
    grouped_shortfalls,
    kind_label,
    load_caps,
    ranges_text,
    terrain_band,
)
from periodize.vocabulary import Slot
from plan_builder import PlanBuilder, make_scenario

HALF_MARATHON = SCENARIOS / "half-marathon-8-weeks.yaml"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
#: Deterministic solves spend far more wall time than their deterministic limit (about
#: 7 s for 0.3 here), so the reproducibility test keeps the limit small.
DETERMINISTIC = SolveOptions(deterministic=True, time_limit_s=0.3)


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario(HALF_MARATHON)


@pytest.fixture(scope="module")
def plan(scenario: Scenario) -> Plan:
    """The half marathon solved once for the whole module (5 s, 2 workers)."""
    solved = solve(scenario, SolveOptions(time_limit_s=5, workers=2))
    assert solved.has_plan
    return solved


# ---------------------------------------------------------------------------- table


def test_table_lists_every_session_by_day(scenario: Scenario, plan: Plan) -> None:
    lines = table.to_text(scenario, plan, width=200).splitlines()
    for day in plan.days:
        row = next(line for line in lines if f"{day.weekday.value} {day.date:%d %b}" in line)
        for session in day.sessions:
            assert f"{session.slot.value} {session.kind} {session.minutes}'" in row
        if not day.sessions:
            assert "rest" in row


def test_table_coach_section_states_status_and_gap(scenario: Scenario, plan: Plan) -> None:
    text = table.to_text(scenario, plan, coach=True)
    assert (
        f"Solve: {plan.status.value}; gap {gap_text(plan)}; objective {plan.stats.objective}"
        in text
    )
    for shortfall in plan.shortfalls:
        assert shortfall.rule in text


def test_table_fits_a_narrow_terminal(scenario: Scenario, plan: Plan) -> None:
    text = table.to_text(scenario, plan, width=44)
    week_lines = [line for line in text.splitlines() if "·" in line]
    assert all(len(line.rstrip()) <= 44 for line in week_lines)
    # Figures wrap between each other, never inside one ("3 rest / days").
    assert not any(line.rstrip().endswith((" rest", " hard", " load")) for line in week_lines)


@pytest.mark.parametrize(("no_color", "coloured"), [("1", False), ("", True)])
def test_table_honours_no_color(
    scenario: Scenario, plan: Plan, monkeypatch: pytest.MonkeyPatch, no_color: str, coloured: bool
) -> None:
    # rich reads NO_COLOR when a Console is made, as the CLI's Console() is on a terminal.
    monkeypatch.setenv("NO_COLOR", no_color)
    stream = io.StringIO()
    Console(file=stream, force_terminal=True, width=100).print(table.render(scenario, plan))
    colour_codes = re.findall(r"\x1b\[(?:\d+;)*3[0-7](?:;\d+)*m", stream.getvalue())
    assert bool(colour_codes) is coloured


# ---------------------------------------------------------------------------- markdown


def test_markdown_lists_every_session(scenario: Scenario, plan: Plan) -> None:
    text = markdown.render(scenario, plan)
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    for date, session in plan.sessions():
        prefix = f"| {markdown.day_label(date)} | {session.slot.value} | "
        row = next(r for r in rows if r.startswith(prefix))
        assert kind_label(session.kind) in row
        assert f"| {session.minutes} |" in row
        assert f"| {session.rpe} |" in row
    assert len(rows) - 2 * len(plan.weeks) == len(plan.sessions()) + sum(
        1 for day in plan.days if not day.sessions
    )


def test_markdown_states_weeks_and_shortfalls(scenario: Scenario, plan: Plan) -> None:
    text = markdown.render(scenario, plan)
    assert text.startswith(f"# {plan.scenario}\n")
    for week in plan.weeks:
        assert f"## Week {week.index} · {week.phase.value}" in text
        band = terrain_band(scenario, plan, week)
        if band is not None:
            assert band.text() in text
    for shortfall in plan.shortfalls:
        assert f"({shortfall.rule}, week" in text
        assert shortfall.message.split(": ", 1)[1] in text


def test_markdown_coach_section_states_status_and_gap(scenario: Scenario, plan: Plan) -> None:
    athlete, coach = markdown.render(scenario, plan), markdown.render(scenario, plan, coach=True)
    assert "Status" not in athlete
    assert coach.startswith(athlete.rstrip("\n"))
    assert f"**Status:** {plan.status.value}, gap {gap_text(plan)}" in coach


def test_markdown_escapes_table_cells() -> None:
    assert markdown.cell("a | b\nc") == "a \\| b c"


# ---------------------------------------------------------------------------- calendar


def _events(text: str) -> list[Any]:
    return list(Calendar.from_ical(text).walk("VEVENT"))


def test_ics_has_one_event_per_session_at_its_slot_time(scenario: Scenario, plan: Plan) -> None:
    times = {Slot.AM: dt.time(6, 15), Slot.PM: dt.time(19, 30)}
    text = ics.render(scenario, plan, slot_times=times)
    assert "\r\n" in text
    calendar = Calendar.from_ical(text)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == ics.PRODID
    events = _events(text)
    sessions = plan.sessions()
    assert len(events) == len(sessions)
    for event, (date, session) in zip(events, sessions, strict=True):
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert start == dt.datetime.combine(date, times[session.slot])
        assert end - start == dt.timedelta(minutes=session.minutes)
        assert str(event["UID"]) == ics.event_uid(plan.scenario, date, session.slot)
        assert event.decoded("DTSTAMP") == dt.datetime(
            *plan.days[0].date.timetuple()[:3], tzinfo=dt.UTC
        )
        assert f"{session.minutes} min" in str(event["SUMMARY"])
        body = str(event["DESCRIPTION"])
        assert session.description in body
        assert f"RPE {session.rpe}" in body
        if "HR zone" in session.description:
            assert "HR zone" in body.split("Intensity:")[1]
        for item in session.gear:
            assert item in body
    assert len({str(e["UID"]) for e in events}) == len(events)


def test_ics_default_slot_times(scenario: Scenario, plan: Plan) -> None:
    for event in _events(ics.render(scenario, plan)):
        start = event.decoded("DTSTART")
        assert start.time() in (dt.time(7, 0), dt.time(18, 0))


def _uids_by_session(text: str) -> dict[tuple[dt.date, Slot], str]:
    """Each event's UID by its (date, slot), the slot read from the default start times."""
    slots = {time: slot for slot, time in ics.DEFAULT_SLOT_TIMES.items()}
    return {
        (e.decoded("DTSTART").date(), slots[e.decoded("DTSTART").time()]): str(e["UID"])
        for e in _events(text)
    }


@pytest.mark.slow
def test_ics_uids_are_stable_across_solves(scenario: Scenario, plan: Plan) -> None:
    first = ics.render(scenario, solve(scenario, DETERMINISTIC))
    second = ics.render(scenario, solve(scenario, DETERMINISTIC))
    assert first == second  # the same plan renders byte for byte the same
    assert _uids_by_session(first) == _uids_by_session(second)
    # A different plan of the same scenario keeps the UID of every (date, slot) the two
    # share, so re-importing it updates those events instead of adding copies.
    before, after = _uids_by_session(first), _uids_by_session(ics.render(scenario, plan))
    shared = before.keys() & after.keys()
    assert shared
    assert all(before[key] == after[key] for key in shared)


def test_clock_parsing() -> None:
    assert ics.parse_clock("6:05") == dt.time(6, 5)
    with pytest.raises(ValueError, match="HH:MM"):
        ics.parse_clock("25:00")


# ---------------------------------------------------------------------------- CLI


@pytest.fixture
def solved_cli(
    monkeypatch: pytest.MonkeyPatch, plan: Plan, run_cli: Callable[..., CliResult]
) -> Callable[..., CliResult]:
    """``periodize`` with the solve replaced by the module's plan (no second solve)."""
    monkeypatch.setattr("periodize.cli.solve_scenario", lambda *args, **kwargs: plan)
    return run_cli


@pytest.mark.parametrize(
    ("output_format", "opening"),
    [("md", "# "), ("ics", "BEGIN:VCALENDAR"), ("html", "<!DOCTYPE html>"), ("json", "{")],
)
def test_cli_writes_each_format(
    solved_cli: Callable[..., CliResult], tmp_path: Path, output_format: str, opening: str
) -> None:
    target = tmp_path / f"plan.{output_format}"
    result = solved_cli("solve", str(HALF_MARATHON), "--format", output_format, "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert target.read_text(encoding="utf-8").startswith(opening)
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left behind


def test_cli_slot_times(solved_cli: Callable[..., CliResult], plan: Plan) -> None:
    result = solved_cli(
        "solve", str(HALF_MARATHON), "--format", "ics", "--am-time", "05:45", "--pm-time", "20:00"
    )
    assert result.exit_code == 0, result.stderr
    starts = {e.decoded("DTSTART").time() for e in _events(result.stdout)}
    assert starts <= {dt.time(5, 45), dt.time(20, 0)}
    assert len(_events(result.stdout)) == len(plan.sessions())


def test_cli_rejects_a_bad_slot_time(solved_cli: Callable[..., CliResult]) -> None:
    result = solved_cli("solve", str(HALF_MARATHON), "--format", "ics", "--pm-time", "6pm")
    assert result.exit_code == 2
    assert "--pm-time" in result.stderr
    assert "HH:MM" in result.stderr


# ---------------------------------------------------------------------------- HTML


def test_html_is_self_contained(scenario: Scenario, plan: Plan) -> None:
    page = html.render(scenario, plan, coach=True)
    assert '<meta name="viewport"' in page
    assert "<script" not in page
    assert "@import" not in page
    for reference in re.findall(r'(?:src|href)="([^"]*)"', page):
        assert reference.startswith(("data:", "#")), reference
    assert not re.findall(r"url\((?!data:)", page)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """A headless Chromium driven by the system chromedriver."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if chromium is None or driver_path is None:
        pytest.skip("needs chromium and chromedriver (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _screenshot(driver: Any, path: Path) -> None:
    """A full-page PNG of what the browser shows."""
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip}
    )
    path.write_bytes(base64.b64decode(shot["data"]))


_CHART_FACTS = """
const chart = document.getElementById(arguments[0]);
const box = chart.getBoundingClientRect();
const marks = [...chart.querySelectorAll(arguments[1])].map(e => {
  const b = e.getBBox(); return {week: e.dataset.week, width: b.width, height: b.height};
});
return {width: box.width, height: box.height, marks: marks};
"""


@pytest.mark.slow
def test_html_in_a_browser(browser: Any, scenario: Scenario, plan: Plan, tmp_path: Path) -> None:
    page = tmp_path / "plan.html"
    page.write_text(html.render(scenario, plan, coach=True), encoding="utf-8")
    browser.set_window_size(1280, 900)
    browser.get(page.as_uri())
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []
    assert browser.title.startswith(plan.scenario)
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0

    weeks = len(plan.weeks)
    load = browser.execute_script(_CHART_FACTS, "chart-load", "rect.bar")
    assert load["width"] > 200
    assert load["height"] > 80
    assert len(load["marks"]) == weeks
    for mark, week in zip(load["marks"], plan.weeks, strict=True):
        assert (mark["height"] > 0) == (week.load > 0)
    caps = browser.find_elements("css selector", "#chart-load line.cap")
    assert [round(float(c.get_attribute("data-cap"))) for c in caps] == [
        round(c) for c in load_caps(scenario, plan)
    ]
    target = browser.find_element("css selector", "#chart-load polyline.target")
    assert len(target.get_attribute("points").split()) == weeks

    terrain = browser.execute_script(_CHART_FACTS, "chart-terrain", "rect.share")
    assert len(terrain["marks"]) == weeks
    assert browser.find_elements("css selector", "#chart-terrain rect.band")
    systems = browser.execute_script(_CHART_FACTS, "chart-systems", "rect.sys")
    assert {m["week"] for m in systems["marks"]} == {str(w.index) for w in plan.weeks if w.load}
    assert all(m["height"] > 0 for m in systems["marks"])

    sessions = browser.find_elements("css selector", "#calendar details.session")
    assert len(sessions) == len(plan.sessions())
    assert browser.find_element("id", "gap").text == gap_text(plan)

    ARTIFACTS.mkdir(exist_ok=True)
    _screenshot(browser, tmp_path / "plan.png")
    assert (tmp_path / "plan.png").read_bytes().startswith(b"\x89PNG")
    shutil.copy(tmp_path / "plan.png", ARTIFACTS / "half-marathon-report.png")

    # On a phone the page reflows to one column: nothing sticks out sideways.
    browser.set_window_size(390, 844)
    browser.get(page.as_uri())
    width = browser.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert width[0] <= width[1]
    _screenshot(browser, tmp_path / "plan-phone.png")
    shutil.copy(tmp_path / "plan-phone.png", ARTIFACTS / "half-marathon-report-phone.png")


# ---------------------------------------------------------------------------- progress


def test_live_status_reports_elapsed_best_bound_and_gap() -> None:
    status = SolveStatus()
    assert "building the model" in status.__rich__()
    status.report(Progress(stage="objective", elapsed_s=1.0, objective=200, bound=150))
    line = status.__rich__()
    assert line.startswith("objective: ")
    assert "best 200, bound 150, gap 25.0%" in line


# ---------------------------------------------------------------------------- two readers

#: Words of the solver, not of training: none may reach the athlete's views.
SOLVER_WORDS = re.compile(
    r"\b(objective|bound|gap|optimal|feasible|infeasible|worker|workers|S[0-6]|None)\b"
)


def _visible_text(page: str) -> str:
    """The words an HTML page shows: no style block, no tags."""
    page = re.sub(r"<style>.*?</style>", "", page, flags=re.DOTALL)
    return re.sub(r"<[^>]+>", " ", page)


def _athlete_views(scenario: Scenario, plan: Plan) -> dict[str, str]:
    return {
        "table": table.to_text(scenario, plan, width=200),
        "md": markdown.render(scenario, plan),
        "ics": ics.render(scenario, plan),
        "html": _visible_text(html.render(scenario, plan)),
    }


def test_athlete_views_speak_training_not_solver(scenario: Scenario, plan: Plan) -> None:
    for name, text in _athlete_views(scenario, plan).items():
        assert SOLVER_WORDS.findall(text) == [], name
    coach = _visible_text(html.render(scenario, plan, coach=True))
    assert "Coach's notes" in coach
    assert plan.status.value in coach


def _weekend_scenario(**changes: Any) -> Scenario:
    """Four weeks (base, base, build, build) without a race."""
    return make_scenario({"weeks": 4, **changes})


def _phase_plan(scenario: Scenario) -> Plan:
    """Base week 1 all road (100 %), base week 2 mostly trail (38 %): 69 % over the base
    phase, inside its 65-75 % band though week 1 alone is not."""
    builder = PlanBuilder(scenario).add(1, "road_easy", 60).add(3, "road_easy", 60)
    builder.add(8, "road_easy", 45).add(10, "trail_easy", 75)
    return builder.build()


@pytest.mark.parametrize("scope", ["phase", "week"])
def test_views_judge_the_terrain_band_as_the_checker_does(scope: str) -> None:
    scenario = _weekend_scenario(rules={"ratio_scope": scope})
    plan = _phase_plan(scenario)
    h15 = [v for v in check(scenario, plan) if v.rule == "H15"]
    first = terrain_band(scenario, plan, plan.weeks[0])
    assert first is not None
    # Week 1 is outside its band on its own; over the phase the share is 165/240.
    assert first.share == 1.0
    assert first.judged_share == (165 / 240 if scope == "phase" else 1.0)
    assert first.within is (scope == "phase")
    assert (h15 == []) is (scope == "phase")
    text = markdown.render(scenario, plan)
    page = html.render(scenario, plan)
    if scope == "phase":
        assert "road 100% this week, 69% over the base phase (band 65%-75%), within" in text
        assert "outside the band" not in text
        assert " outside" not in page.split('id="chart-terrain"')[1].split("</svg>")[0]
        assert 'class="phase-share"' in page
    else:
        assert "road 100% (band 65%-75%), outside the band" in text
        assert "share measure-road outside" in page


def test_repeated_shortfalls_are_one_line_naming_the_weeks() -> None:
    scenario = _weekend_scenario()
    plan = (
        PlanBuilder(scenario)
        .add(1, "road_easy", 60)
        .build(
            shortfalls=[
                Shortfall(
                    rule="H08", week=week, message=f"week {week}: 0 hikes, H08 wants 1: no trail"
                )
                for week in (1, 2, 3)
            ]
            + [Shortfall(rule="H14", week=2, message="week 2: no long session, H14 wants one: x")]
        )
    )
    groups = grouped_shortfalls(plan)
    assert [(g.rule, g.weeks, g.message) for g in groups] == [
        ("H08", (1, 2, 3), "0 hikes, H08 wants 1: no trail"),
        ("H14", (2,), "no long session, H14 wants one: x"),
    ]
    text = markdown.render(scenario, plan)
    assert "- **Hikes** (H08, weeks 1-3): 0 hikes, H08 wants 1: no trail" in text
    assert text.count("0 hikes") == 1
    assert "- **Long session** (H14, week 2): no long session" in text
    lines = table.to_text(scenario, plan, width=200)
    assert "Hikes (H08), weeks 1-3: 0 hikes" in lines
    assert _visible_text(html.render(scenario, plan)).count("0 hikes") == 1


def test_counts_agree_with_their_nouns() -> None:
    assert count(1, "rest day") == "1 rest day"
    assert count(2, "rest day") == "2 rest days"
    assert count(0, "session") == "0 sessions"
    assert ranges_text([9, 3, 5, 6, 7, 4]) == "3-7, 9"
    assert ranges_text([1, 2, 5]) == "1, 2, 5"
    scenario = _weekend_scenario()
    plan = PlanBuilder(scenario).add(1, "road_easy", 60).build()
    for text in (table.to_text(scenario, plan), markdown.render(scenario, plan)):
        assert "1 session" in text
        assert "1 sessions" not in text
        assert "1 rest days" not in text


def test_a_plan_without_days_says_why_in_every_view() -> None:
    scenario = _weekend_scenario()
    plan = Plan(
        scenario=scenario.name,
        status=Status.INFEASIBLE,
        conflicts=(Conflict(rules=("H04", "H07"), week=1, message="week 1: 5 rest days"),),
    )
    views = _athlete_views(scenario, plan)
    for name in ("table", "md", "html"):
        assert "No plan fits these weeks" in views[name] or "no plan fits" in views[name], name
        assert "Rest days (H04), Sessions per week (H07)" in views[name], name
        assert SOLVER_WORDS.findall(views[name]) == [], name
    coach = table.to_text(scenario, plan, coach=True)
    assert "Solve: infeasible;" in coach
    assert "None" not in coach
    assert "0 weeks" not in views["md"]


def test_html_without_runs_says_so_instead_of_a_blank_chart() -> None:
    scenario = _weekend_scenario()
    plan = PlanBuilder(scenario).add(1, "hike_easy", 60).add(9, "bike_easy", 60).build()
    page = html.render(scenario, plan)
    assert 'id="chart-terrain"' not in page
    assert "No runs in this plan" in page
    with_runs = html.render(scenario, _phase_plan(scenario))
    assert 'id="chart-terrain"' in with_runs
    assert "No runs in this plan" not in with_runs
