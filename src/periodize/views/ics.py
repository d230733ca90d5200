"""The calendar view: the plan as an iCalendar file (RFC 5545), one event per session.

Each event starts at its slot's time of day (floating local time: the athlete's own clock)
and lasts the session's minutes; its description carries the session's guidance, its
intensity (RPE and heart-rate zone) and gear. UIDs derive from the scenario's name, the
date and the slot, and DTSTAMP from the plan's start, so the same plan renders byte for
byte the same and re-importing an updated plan updates its events instead of adding
copies.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping

from icalendar import Calendar, Event, vText

from periodize.plan import Plan, Session, WeekSummary
from periodize.scenario import Scenario
from periodize.views.figures import intensity_text, kind_label, week_contains
from periodize.vocabulary import Slot
from periodize.workouts import workout_lines

PRODID = "-//periodize//training plan//EN"
#: When each slot's session starts unless told otherwise (--am-time, --pm-time).
DEFAULT_SLOT_TIMES: Mapping[Slot, dt.time] = {Slot.AM: dt.time(7, 0), Slot.PM: dt.time(18, 0)}


def parse_clock(text: str) -> dt.time:
    """``HH:MM`` (24-hour clock) as a time; ValueError with a readable message otherwise."""
    found = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", text.strip())
    if found is None:
        raise ValueError(f"{text!r} is not a time of day; write HH:MM, e.g. 07:00 or 18:30")
    return dt.time(int(found.group(1)), int(found.group(2)))


def event_uid(scenario_name: str, date: dt.date, slot: Slot) -> str:
    """The stable UID of the session on ``date`` in ``slot`` of the named scenario."""
    slug = re.sub(r"[^a-z0-9]+", "-", scenario_name.lower()).strip("-")[:48].rstrip("-")
    digest = hashlib.sha256(scenario_name.encode("utf-8")).hexdigest()[:8]
    return f"{date:%Y%m%d}-{slot.value}-{slug or 'plan'}-{digest}@periodize"


def summary(scenario: Scenario, session: Session) -> str:
    """The event's title: kind and minutes (the race's name on race day)."""
    race = scenario.race
    if session.is_race and race is not None:
        return f"Race: {race.name} · {session.minutes} min"
    return f"{kind_label(session.kind)} · {session.minutes} min"


def description(scenario: Scenario, week: WeekSummary | None, session: Session) -> str:
    """The event's body: what to do, how hard, where, with what, and where it sits."""
    lines = [
        session.description,
        "",
        "Steps:",
        *(f"- {line}" for line in workout_lines(session.workout())),
        "",
        f"Intensity: {intensity_text(session)}",
        f"Terrain: {session.terrain.value}",
    ]
    if session.gear:
        lines.append(f"Gear: {', '.join(session.gear)}")
    if week is not None:
        tags = [week.phase.value] + (["recovery"] if week.recovery else [])
        lines.append(f"Week {week.index} ({', '.join(tags)}) of {scenario.name}")
    return "\n".join(lines)


def _event(
    scenario: Scenario,
    plan: Plan,
    date: dt.date,
    session: Session,
    start_time: dt.time,
    stamp: dt.datetime,
) -> Event:
    week = next((w for w in plan.weeks if week_contains(w, date)), None)
    start = dt.datetime.combine(date, start_time)
    event = Event()
    event.add("uid", event_uid(plan.scenario, date, session.slot))
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(minutes=session.minutes))
    event.add("summary", summary(scenario, session))
    event.add("description", description(scenario, week, session))
    event.add("categories", [session.modality.value, session.intensity.value])
    event.add("transp", "OPAQUE")
    return event


def to_calendar(
    scenario: Scenario, plan: Plan, *, slot_times: Mapping[Slot, dt.time] | None = None
) -> Calendar:
    """The plan as an ``icalendar.Calendar``: one VEVENT per session."""
    times = {**DEFAULT_SLOT_TIMES, **(slot_times or {})}
    first = plan.days[0].date if plan.days else scenario.start
    stamp = dt.datetime.combine(first, dt.time(0, 0), tzinfo=dt.UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", vText(plan.scenario))  # an X- property: escape it as text
    for date, session in plan.sessions():
        calendar.add_component(_event(scenario, plan, date, session, times[session.slot], stamp))
    return calendar


def render(
    scenario: Scenario, plan: Plan, *, slot_times: Mapping[Slot, dt.time] | None = None
) -> str:
    """The plan as iCalendar text (CRLF line endings, as RFC 5545 asks)."""
    ical: bytes = to_calendar(scenario, plan, slot_times=slot_times).to_ical()
    return ical.decode("utf-8")
