"""Shortfalls: the recipes a finished plan misses, each with the calendar fact behind it,
and H15's waivers.

Everything here is derived from the scenario and the plan's days, never from solver
internals: a recipe guard left false by an unfinished solve is not a shortfall if the
plan in fact meets the recipe. The rule readings are those of docs/rules-interpretation.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from periodize.calendar import Week
from periodize.catalogue import SessionKind
from periodize.plan import Day, Plan, Shortfall, ShortfallType, Status
from periodize.scenario import Scenario
from periodize.vocabulary import (
    ROAD_TERRAINS,
    SLOTS,
    TRAIL_TERRAINS,
    Intensity,
    Level,
    Phase,
    RaceKind,
    Slot,
    Terrain,
    Weekday,
)

KindTest = Callable[[SessionKind], bool]


def _days_fitting(scenario: Scenario, week: Week, test: KindTest) -> list[dt.date]:
    kinds = [k for k in scenario.allowed_kinds() if test(k)]
    return [day for day in week.dates() if any(scenario.fits(day, kind) for kind in kinds)]


def _weekday_list(days: Sequence[dt.date]) -> str:
    return ", ".join(Weekday.of(day).value for day in days) or "no day"


def _what_it_needs(scenario: Scenario, test: KindTest) -> str:
    """The calendar fact a session passing ``test`` needs: the shortest slot (on the duration
    grid) any allowed kind takes, and the terrains that would serve."""
    kinds = [k for k in scenario.allowed_kinds() if test(k)]
    if not kinds:
        return "no allowed session kind is one (the injuries exclude them all)"
    grid = scenario.resolved_rules.grid_minutes
    shortest = min(-(-k.minutes[0] // grid) * grid for k in kinds)
    terrains = sorted({k.terrain.value for k in kinds})
    where = (
        "on any day"
        if Terrain.ANY.value in terrains
        else f"on a day with {' or '.join(terrains)} access"
    )
    return f"it needs {shortest} minutes in one slot {where}"


def _has_band(scenario: Scenario, week: Week) -> bool:
    """Whether H15 measures ``week``: base and build always, peak and taper with a race."""
    return scenario.terrain_band(week.phase) is not None


def h15_waivers(scenario: Scenario) -> dict[int, str]:
    """H15: the weeks whose terrain band is waived, with the reason: no allowed run kind on
    road terrain, or none on trail terrain, can be placed on any of the week's dates."""
    waivers: dict[int, str] = {}
    for week in scenario.calendar:
        if week.is_race_week or not _has_band(scenario, week):
            continue
        road = _days_fitting(scenario, week, lambda k: k.is_run and k.terrain in ROAD_TERRAINS)
        trail = _days_fitting(scenario, week, lambda k: k.is_run and k.terrain in TRAIL_TERRAINS)
        missing = [name for name, days in (("road", road), ("trail", trail)) if not days]
        if missing:
            waivers[week.index] = (
                f"week {week.index}: terrain band waived: no {' or '.join(missing)} run can be "
                "placed on any day that week (terrain access and open slots)"
            )
    return waivers


Reason = Callable[[str, Week], str]
"""Why ``rule``'s recipe was missed in a week whose calendar alone does not rule it out."""

NOT_FOUND = "no plan meeting it was found within the time limit"


def not_found(_rule: str, _week: Week) -> str:
    """The reason that is always true of a missed recipe the calendar allows: the solve
    found no plan meeting it (it may not exist, or the time ran out before one was found)."""
    return NOT_FOUND


Misses = dict[tuple[str, int], list[str]]
"""What a plan misses of each recipe, by (rule, week): the checker's words, one or more."""


def missed_recipes(scenario: Scenario, days: Sequence[Day]) -> Misses:
    """The independent checker's recipe misses of the plan's ``days``
    (`periodize.check.recipe_misses`), grouped by (rule, week)."""
    from periodize.check import recipe_misses  # the checker is the oracle of recipe misses

    plan = Plan(scenario=scenario.name, status=Status.FEASIBLE, days=tuple(days))
    grouped: Misses = {}
    for violation in recipe_misses(scenario, plan):
        if violation.week is None:
            continue
        what = violation.message.removeprefix(f"week {violation.week}: ")
        grouped.setdefault((violation.rule, violation.week), []).append(what)
    return grouped


def find_shortfalls(
    scenario: Scenario,
    days: Sequence[Day],
    reason: Reason = not_found,
    misses: Misses | None = None,
) -> list[Shortfall]:
    """Every recipe (rule, week) the plan's ``days`` miss, each with a true reason, and
    every H15 waiver.

    The misses are the independent checker's (`missed_recipes`, or ``misses`` when the
    caller has them already), one per (rule, week). A reason names a calendar fact only
    when it alone rules the recipe out (the week's availability, terrain or injuries leave
    no place for it); otherwise ``reason`` says why (the solver confirms it, see
    `periodize.reasons`)."""
    grouped = missed_recipes(scenario, days) if misses is None else misses
    found: list[Shortfall] = []
    for (rule, index), whats in sorted(grouped.items()):
        week = scenario.calendar[index - 1]
        fact = calendar_fact(scenario, rule, week)
        why = fact if fact is not None else reason(rule, week)
        found.append(
            Shortfall(rule=rule, week=index, message=f"week {index}: {'; '.join(whats)}: {why}")
        )
    for index, text in h15_waivers(scenario).items():
        found.append(Shortfall(rule="H15", week=index, type=ShortfallType.WAIVER, message=text))
    return sorted(found, key=lambda s: (s.week or 0, s.rule))


def calendar_fact(scenario: Scenario, rule: str, week: Week) -> str | None:
    """The calendar fact that alone rules ``rule``'s recipe out in ``week``, or None when
    the week's availability, terrain and injuries leave room for it."""
    rules = scenario.resolved_rules
    if rule == "H07":
        return _h07_room(scenario, week)
    if rule == "H16":
        missing = [
            f"{label}: {fact}"
            for label, test in _h16_items(scenario, week)
            if (fact := _no_place(scenario, week, test, label)) is not None
        ]
        return "; ".join(missing) or None
    counted: dict[str, tuple[str, KindTest, int]] = {
        "H05": _h05_counted(scenario, week),
        "H08": ("a hike", lambda k: k.is_hike, _h08_need(scenario, week)),
        "H14": ("a long session", lambda k: k.long, 1),
        "H22": ("a strength session", lambda k: k.is_strength, rules.min_strength_per_week),
    }
    if rule in counted:
        label, test, need = counted[rule]
        return _no_room(scenario, week, test, label, need)
    return None


def _h05_counted(scenario: Scenario, week: Week) -> tuple[str, KindTest, int]:
    """H05's recipe item: a hard session, or in a peak week a simulation session too."""
    if week.phase is Phase.PEAK:
        return (
            "a hard or simulation session",
            lambda k: k.hard or k.simulation,
            _h05_need(scenario, week),
        )
    return ("a hard session", lambda k: k.hard, _h05_need(scenario, week))


def _h05_need(scenario: Scenario, week: Week) -> int:
    rules = scenario.resolved_rules
    need = rules.hard_sessions.lo if week.full else 0
    if week.taper and scenario.athlete.level is not Level.BEGINNER:
        need = max(need, 1)
    race = scenario.race
    return need - (1 if week.is_race_week and race is not None else 0)


def _h08_need(scenario: Scenario, week: Week) -> int:
    return scenario.resolved_rules.min_hikes_per_week - (1 if week.recovery else 0)


def _no_place(scenario: Scenario, week: Week, test: KindTest, what: str) -> str | None:
    """The calendar fact when no day of ``week`` can hold a session passing ``test``."""
    return _no_room(scenario, week, test, what, 1)


def _no_room(scenario: Scenario, week: Week, test: KindTest, what: str, need: int) -> str | None:
    """The calendar fact when ``week``'s open slots (one session each) that can hold a
    session passing ``test`` are fewer than ``need``: none at all, or too few."""
    slots = _slots_fitting(scenario, week, lambda k: test(k) and _specific(scenario, week, k))
    if len(slots) >= need:
        return None
    if not slots:
        return (
            f"no day that week has the time and terrain for {what}: "
            f"{_what_it_needs(scenario, test)}"
        )
    where = ", ".join(f"{Weekday.of(day).value} {slot.value}" for day, slot in slots)
    return (
        f"{what} fits only on {where} that week ({len(slots)} of the {need} wanted); "
        f"{_what_it_needs(scenario, test)}"
    )


def _slots_fitting(scenario: Scenario, week: Week, test: KindTest) -> list[tuple[dt.date, Slot]]:
    """The (date, slot) pairs of ``week`` where some allowed kind passing ``test`` fits
    (H01 open minutes, H02 terrain, H03 the kind's slots, H19 injuries)."""
    kinds = [k for k in scenario.allowed_kinds() if test(k)]
    race = scenario.race
    return [
        (day, slot)
        for day in week.dates()
        if race is None or day != race.date
        for slot in SLOTS
        if any(
            kind.allows(slot)
            and scenario.reachable(kind.terrain, day)
            and scenario.grid_durations(day, slot, kind) is not None
            for kind in kinds
        )
    ]


def _specific(scenario: Scenario, week: Week, kind: SessionKind) -> bool:
    return scenario.serves_the_race(kind, week.phase)


def _h07_room(scenario: Scenario, week: Week) -> str | None:
    """H07's calendar fact: the week's open slots, rest days (H04) and doubles (H03) make
    room for fewer sessions than H07 wants (None when there is room)."""
    rules = scenario.resolved_rules
    need = rules.sessions_per_week.lo - (1 if week.recovery else 0)
    kinds = scenario.allowed_kinds()
    open_days = _days_fitting(scenario, week, lambda _kind: True)
    doubles = sum(
        1
        for day in open_days
        if all(
            any(
                k.allows(slot)
                and scenario.reachable(k.terrain, day)
                and scenario.grid_durations(day, slot, k)
                for k in kinds
            )
            for slot in SLOTS
        )
    )
    allowed_doubles = 0 if week.recovery else rules.max_doubles_per_week
    training_days = min(len(open_days), 7 - rules.min_rest_days)
    room = training_days + min(allowed_doubles, doubles, training_days)
    if room >= need:
        return None
    fact = (
        f"slots are open on {len(open_days)} days ({_weekday_list(open_days)}), "
        f"{rules.min_rest_days} of the 7 must be rest days (H04) and "
        f"{allowed_doubles} doubles are allowed (H03{', H11' if week.recovery else ''}): "
        f"room for {room}"
    )
    more = need - room
    if len(open_days) + more <= 7 - rules.min_rest_days:
        return fact + f"; an open slot on {more} more day{'s' if more > 1 else ''} would fix it"
    return fact + "; more doubles (max_doubles_per_week) would fix it"


def _h16_items(scenario: Scenario, week: Week) -> list[tuple[str, KindTest]]:
    """What H16 asks of ``week``, each with the kind test a session must pass."""
    race = scenario.race
    race_kind = race.kind if race is not None else None
    items: list[tuple[str, KindTest]] = []
    if scenario.athlete.level is not Level.BEGINNER:
        if week.phase is Phase.BASE:
            items += [
                ("a trail session", lambda k: k.is_trail_session),
                ("2 road runs", lambda k: k.is_road_run),
            ]
        elif week.phase is Phase.BUILD:
            items += [
                _build_long_item(race_kind),
                ("a quality road run", lambda k: k.hard and k.is_road_run),
                ("an easy session", lambda k: k.intensity is Intensity.EASY),
                ("a cross-training session", lambda k: k.is_cross_training),
            ]
    elif week.phase is not Phase.TAPER and any(k.is_run for k in scenario.allowed_kinds()):
        items.append(("a run", lambda k: k.is_run))
    if race is not None and race.asks_for_hills and week.phase in (Phase.BUILD, Phase.PEAK):
        items.append(("a hill session", lambda k: k.is_hill_session))
    return items


def _build_long_item(race_kind: RaceKind | None) -> tuple[str, KindTest]:
    if race_kind is RaceKind.TRAIL:
        return ("a long trail session", lambda k: k.long and k.is_trail_session)
    if race_kind is RaceKind.ROAD:
        return ("a long road run", lambda k: k.long and k.is_road_run)
    return ("a long session", lambda k: k.long)
