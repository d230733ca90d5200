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
from periodize.plan import Day, Session, Shortfall, ShortfallType
from periodize.rules import BP, bp
from periodize.scenario import Scenario
from periodize.vocabulary import (
    CROSS_TRAINING,
    ROAD_TERRAINS,
    SLOTS,
    TRAIL_TERRAINS,
    Intensity,
    Level,
    Modality,
    Phase,
    RaceKind,
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


def _where_it_fits(scenario: Scenario, week: Week, test: KindTest, what: str) -> str:
    days = _days_fitting(scenario, week, test)
    if not days:
        return (
            f"no day that week has the time and terrain for {what}: "
            f"{_what_it_needs(scenario, test)}"
        )
    return (
        f"{what} fits only on {_weekday_list(days)} that week, and the other rules "
        "(rest days, no back-to-back demanding days, load caps, the terrain band, the "
        "week's other recipes) left no room for it"
    )


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


def _training(days: Sequence[Day]) -> list[Session]:
    return [s for day in days for s in day.sessions if not s.is_race]


def find_shortfalls(scenario: Scenario, days: Sequence[Day]) -> list[Shortfall]:
    """Every recipe (rule, week) the plan's ``days`` miss, and every H15 waiver."""
    rules = scenario.resolved_rules
    calendar = scenario.calendar
    by_week: dict[int, list[Day]] = {w.index: [] for w in calendar}
    for day in days:
        by_week[scenario.week_of(day.date).index].append(day)
    minutes = {i: sum(s.minutes for s in _training(d)) for i, d in by_week.items()}
    loads = {i: sum(s.load for s in _training(d)) for i, d in by_week.items()}
    first_taper = next((w.index for w in calendar if w.taper), len(calendar) + 1)
    loading = [w for w in calendar if w.index < first_taper]
    peak_minutes = (
        max(minutes[w.index] for w in loading) if loading else scenario.athlete.weekly_minutes
    )
    found: list[Shortfall] = []

    def miss(rule: str, week: Week, message: str) -> None:
        found.append(Shortfall(rule=rule, week=week.index, message=f"week {week.index}: {message}"))

    race = scenario.race
    level = scenario.athlete.level

    def _room(week: Week, need: int) -> str:
        """H07's calendar fact: how many sessions the week's open slots make room for, and
        what would make room for ``need``."""
        kinds = scenario.allowed_kinds()
        open_days = _days_fitting(scenario, week, lambda _kind: True)
        doubles = sum(
            1
            for day in open_days
            if all(
                any(
                    scenario.reachable(k.terrain, day) and scenario.grid_durations(day, slot, k)
                    for k in kinds
                )
                for slot in SLOTS
            )
        )
        training_days = min(len(open_days), 7 - rules.min_rest_days)
        room = training_days + min(rules.max_doubles_per_week, doubles, training_days)
        fact = (
            f"slots are open on {len(open_days)} days ({_weekday_list(open_days)}), "
            f"{rules.min_rest_days} of the 7 must be rest days (H04) and "
            f"{rules.max_doubles_per_week} doubles are allowed (H03): room for {room}"
        )
        if room >= need:
            return fact + ", but the other rules (load caps, hard-day spacing) left no room"
        more = need - room
        if len(open_days) + more <= 7 - rules.min_rest_days:
            return fact + f"; an open slot on {more} more day{'s' if more > 1 else ''} would fix it"
        return fact + "; more doubles (max_doubles_per_week) would fix it"

    for week in calendar:
        sessions = _training(by_week[week.index])
        race_hard = 1 if week.is_race_week and race is not None else 0
        # H05 recipe
        need = rules.hard_sessions.lo if week.full else 0
        if week.taper and level is not Level.BEGINNER:
            need = max(need, 1)
        hard = sum(1 for s in sessions if s.hard) + race_hard
        if hard < need:
            fact = _where_it_fits(scenario, week, lambda k: k.hard, "a hard session")
            miss("H05", week, f"{hard} hard sessions, H05 wants {need}: {fact}")
        # H07 recipe
        need = rules.sessions_per_week.lo - (1 if week.recovery else 0)
        if week.full and len(sessions) < need:
            miss("H07", week, f"{len(sessions)} sessions, H07 wants {need}: {_room(week, need)}")
        # H08 recipe
        if (
            (race is None or race.kind is RaceKind.TRAIL)
            and week.full
            and week.phase in (Phase.BASE, Phase.BUILD)
        ):
            need = rules.min_hikes_per_week - (1 if week.recovery else 0)
            hikes = sum(1 for s in sessions if s.modality is Modality.HIKE)
            if hikes < need:
                fact = _where_it_fits(scenario, week, lambda k: k.is_hike, "a hike")
                miss("H08", week, f"{hikes} hikes, H08 wants {need}: {fact}")
        # H11 recipe
        if week.recovery and week.index > 1:
            before = loads[week.index - 1]
            floor = bp(rules.recovery_load.lo)
            if before > 0 and BP * loads[week.index] < floor * before:
                miss(
                    "H11",
                    week,
                    f"recovery load {loads[week.index]} is below "
                    f"{rules.recovery_load.lo:g} x {before} (the week before)",
                )
        # H14 recipe
        needs_long = week.full and not week.recovery and week.phase is not Phase.TAPER
        if needs_long and not any(s.long for s in sessions):
            fact = _where_it_fits(scenario, week, lambda k: k.long, "a long session")
            miss("H14", week, f"no long session, H14 wants one: {fact}")
        # H16 recipe
        if level is not Level.BEGINNER and week.full and not week.recovery:
            missing = _h16_missing(scenario, week, sessions)
            if missing:
                miss("H16", week, "H16 wants " + "; ".join(missing))
        # H17 recipe
        if week.taper:
            floor = bp(rules.taper_volume.lo)
            if 7 * BP * minutes[week.index] < floor * week.days * peak_minutes:
                miss(
                    "H17",
                    week,
                    f"taper minutes {minutes[week.index]} are below {rules.taper_volume.lo:g} x "
                    f"{peak_minutes} (the highest week before the taper)"
                    + (f", prorated to {week.days} days" if not week.full else ""),
                )
    simulation = _h16_simulation_miss(scenario, by_week)
    if simulation is not None:
        found.append(simulation)
    for index, reason in h15_waivers(scenario).items():
        found.append(Shortfall(rule="H15", week=index, type=ShortfallType.WAIVER, message=reason))
    return sorted(found, key=lambda s: (s.week or 0, s.rule))


def _h16_missing(scenario: Scenario, week: Week, sessions: list[Session]) -> list[str]:
    race = scenario.race
    parts: list[tuple[str, Callable[[Session], bool], KindTest]] = []
    if week.phase is Phase.BASE:
        trail_session: KindTest = lambda k: k.is_trail_session  # noqa: E731
        parts.append(
            (
                "a trail session",
                lambda s: (
                    s.modality in (Modality.RUN, Modality.HIKE) and s.terrain in TRAIL_TERRAINS
                ),
                trail_session,
            )
        )
        road_runs = sum(
            1 for s in sessions if s.modality is Modality.RUN and s.terrain in ROAD_TERRAINS
        )
        if road_runs < 2:
            fact = _where_it_fits(scenario, week, lambda k: k.is_road_run, "a road run")
            missing = [f"2 road runs (plan has {road_runs}: {fact})"]
        else:
            missing = []
    elif week.phase is Phase.BUILD:
        missing = []
        kind = race.kind if race else None
        parts.append(_build_long_part(kind))
        parts.append(
            (
                "a quality road run",
                lambda s: s.hard and s.modality is Modality.RUN and s.terrain in ROAD_TERRAINS,
                lambda k: k.hard and k.is_road_run,
            )
        )
        parts.append(
            (
                "an easy session",
                lambda s: s.intensity is Intensity.EASY,
                lambda k: k.intensity is Intensity.EASY,
            )
        )
        parts.append(
            (
                "a cross-training session",
                lambda s: s.modality in CROSS_TRAINING,
                lambda k: k.is_cross_training,
            )
        )
    else:
        return []
    for label, has, test in parts:
        if not any(has(s) for s in sessions):
            missing.append(f"{label} ({_where_it_fits(scenario, week, test, label)})")
    return missing


def _build_long_part(
    race_kind: RaceKind | None,
) -> tuple[str, Callable[[Session], bool], KindTest]:
    if race_kind is RaceKind.TRAIL:
        return (
            "a long trail session",
            lambda s: s.long and s.terrain in TRAIL_TERRAINS,
            lambda k: k.long and k.is_trail_session,
        )
    if race_kind is RaceKind.ROAD:
        return (
            "a long road run",
            lambda s: s.long and s.modality is Modality.RUN and s.terrain in ROAD_TERRAINS,
            lambda k: k.long and k.is_road_run,
        )
    return ("a long session", lambda s: s.long, lambda k: k.long)


def _h16_simulation_miss(scenario: Scenario, by_week: dict[int, list[Day]]) -> Shortfall | None:
    race = scenario.race
    if scenario.athlete.level is Level.BEGINNER or race is None or race.kind is not RaceKind.TRAIL:
        return None
    peak = [w for w in scenario.calendar if w.phase is Phase.PEAK]
    charged = next((w for w in peak if w.full and not w.recovery), None)
    if charged is None:
        return None
    if any(s.simulation for w in peak for s in _training(by_week[w.index])):
        return None
    days = [d for w in peak for d in _days_fitting(scenario, w, lambda k: k.simulation)]
    fact = (
        f"a simulation session fits on {len(days)} days of the peak phase"
        if days
        else "no day of the peak phase has the time and terrain for one"
    )
    return Shortfall(
        rule="H16",
        week=charged.index,
        message=f"week {charged.index}: H16 wants a simulation session in the peak phase: {fact}",
    )
