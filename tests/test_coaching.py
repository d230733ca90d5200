"""coaching.py: a plan read as a coach reads it, on a hand-built plan whose numbers are
worked out in the comments, and the reading in the coach's section of every view."""

from __future__ import annotations

import datetime as dt

from periodize.coaching import coach_summary, headline, last_days_lines, summary_rows
from periodize.plan import Plan
from periodize.scenario import Scenario
from periodize.views import html, markdown, table
from plan_builder import PlanBuilder, make_scenario

RACE = {"race": {"name": "Half", "date": "2027-01-24", "kind": "road", "distance_km": 21.1}}
"""A 21.1 km road race on Sunday of week 3 (day 20)."""


def race_scenario() -> Scenario:
    """3 weeks to the race (phases peak, taper, taper), baseline 350 minutes, longest run
    90: baseline long 90 (runs only before a road race), race time 6 x 21.1 = 127 min, long
    goal max(60, 0.75 x 127 = 95) = 95; week 1 is the one loading week, its long target
    min(95, 90 + 15) = 95."""
    return make_scenario(weeks=None, goal=RACE, phases=["peak", "taper", "taper"])


def race_plan(scenario: Scenario) -> Plan:
    """Week 1: road_easy 60 + road_long 80 + road_tempo 40 (180 minutes, 140 easy of 180
    run minutes); week 2: road_easy 45 + hike_easy 60; week 3: road_easy 30 on Thursday."""
    builder = PlanBuilder(scenario)
    builder.add(0, "road_easy", 60).add(2, "road_tempo", 40).add(5, "road_long", 80, "am")
    builder.add(8, "road_easy", 45).add(12, "hike_easy", 60, "am")
    builder.add(17, "road_easy", 30)
    builder.add(20, "race", scenario.race_minutes(), "am")
    return builder.build()


def test_weeks_read_as_a_coach_reads_them() -> None:
    scenario = race_scenario()
    summary = coach_summary(scenario, race_plan(scenario))
    assert summary.long_goal == 95
    one, two, three = summary.weeks
    # Week 1: longest run 80 against a target of 95; 180 minutes; easy 140 of 180 runs.
    assert (one.longest, one.longest_kind, one.long_target) == (80, "road_long", 95)
    assert (one.minutes, one.run_minutes, one.easy_run_minutes) == (180, 180, 140)
    # Week 2 (taper): a hike does not count as the longest session before a road race.
    assert (two.longest, two.longest_kind, two.long_target) == (45, "road_easy", None)
    assert two.minutes == 105
    # Week 3: the race is left out of every weekly figure.
    assert (three.minutes, three.longest) == (30, 30)
    assert summary.longest_before_taper == 80
    assert summary.biggest_week_before_taper == 180


def test_last_ten_days_before_the_race() -> None:
    scenario = race_scenario()
    summary = coach_summary(scenario, race_plan(scenario))
    assert [d.days_before for d in summary.last_days] == list(range(10, 0, -1))
    assert summary.last_days[0].date == dt.date(2027, 1, 14)
    assert summary.last_days[-3].text == "road_easy 30 min (easy)"  # Thursday, 3 days out
    assert summary.last_days[-1].text == "rest"
    assert last_days_lines(summary)[-3] == "2027-01-21 (3 days before): road_easy 30 min (easy)"


def test_rows_and_headline_flag_low_easy_running() -> None:
    """Week 1 holds 140 easy of 180 run minutes (78 %): fine against 60 %. With a tempo
    run alone (0 % easy) the week is flagged, in its row and in the headline."""
    scenario = race_scenario()
    plan = race_plan(scenario)
    assert summary_rows(coach_summary(scenario, plan))[0][-1] == "78% of 180 min"
    hard = PlanBuilder(scenario).add(2, "road_tempo", 40).build()
    summary = coach_summary(scenario, hard)
    assert summary_rows(summary)[0][-1] == "0% of 40 min (low)"
    assert "Easy running below 60% of running in weeks 1." in headline(summary)


def test_headline_names_the_calendar_when_it_cannot_hold_the_goal() -> None:
    """Only 60-minute slots: no counting session can be longer than 60 minutes, below the
    95-minute goal, and the headline says so."""
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    scenario = make_scenario(
        weeks=None,
        goal=RACE,
        phases=["peak", "taper", "taper"],
        availability={day: {"am": 60, "pm": None} for day in days},
    )
    summary = coach_summary(scenario, PlanBuilder(scenario).build())
    assert summary.longest_slot == 60
    assert any("longest slot the calendar offers" in line for line in headline(summary))


def test_the_reading_is_in_every_view_coach_section() -> None:
    scenario = race_scenario()
    plan = race_plan(scenario)
    text = markdown.render(scenario, plan, coach=True)
    assert "A coach's reading" in text
    assert "| 1 | peak | 80 min road_long | 95 min | 180 min |" in text
    assert "A coach's reading" not in markdown.render(scenario, plan)
    page = html.render(scenario, plan, coach=True)
    assert 'id="coach-reading"' in page
    assert "The last ten days before the race" in page
    terminal = table.to_text(scenario, plan, coach=True, width=140)
    assert "A coach's reading" in terminal
    assert "80 min road_long" in terminal
