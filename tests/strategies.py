"""Hypothesis strategies for scenario dicts: valid ones across the input space, ones built
to be infeasible, and mangled ones for the loader.

Every strategy builds a plain dict (what a YAML file parses into) and the valid ones are
checked with `Scenario.model_validate` as they are drawn, so a strategy bug shows up as a
failure here rather than as a skipped example. Horizons and solve time limits follow the
Hypothesis profile selected by ``HYPOTHESIS_PROFILE`` (see conftest.py): ``ci`` keeps
horizons to 1-6 weeks and solves to about 2 s, ``thorough`` goes up to 30 weeks and 3 s.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from typing import Any

from hypothesis import strategies as st

from periodize.catalogue import RACE_KIND, merge_catalogue
from periodize.scenario import Scenario
from periodize.vocabulary import SLOTS, WEEKDAYS, Injury, Level, Phase, Terrain, Weekday

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
THOROUGH = PROFILE == "thorough"
MAX_WEEKS = 30 if THOROUGH else 6
"""The longest horizon drawn under the active profile."""
TIME_LIMIT_S = 3.0 if THOROUGH else 2.0
"""The solve time limit under the active profile."""

DAYS = [day.value for day in WEEKDAYS]
PLACE_TERRAINS = [t.value for t in Terrain if t is not Terrain.ANY]
FIRST_START = dt.date(2026, 1, 1)
START_SPAN_DAYS = 730

Data = dict[str, Any]


def _minutes(density: str) -> st.SearchStrategy[int]:
    if density == "sparse":
        return st.one_of(st.integers(0, 60), st.sampled_from([0, 20, 29, 30, 45]))
    if density == "generous":
        return st.one_of(st.integers(60, 240), st.sampled_from([120, 180, 240]))
    return st.integers(0, 240)


@st.composite
def slot_minutes(draw: st.DrawFn, density: str = "mixed") -> Data:
    """``{am: .., pm: ..}`` with each slot present or not (0-240 minutes)."""
    slots: Data = {}
    for slot in SLOTS:
        if draw(st.booleans()) or (density == "generous" and draw(st.booleans())):
            slots[slot.value] = draw(_minutes(density))
    return slots


@st.composite
def availability(draw: st.DrawFn, density: str | None = None) -> Data:
    """Minutes per weekday and slot; some days missing (sparse) or most days open
    (generous)."""
    density = density or draw(st.sampled_from(["sparse", "mixed", "generous"]))
    keep = {"sparse": 0.35, "mixed": 0.65, "generous": 0.9}[density]
    result: Data = {}
    for day in DAYS:
        if draw(st.floats(0, 1)) < keep:
            result[day] = draw(slot_minutes(density))
    return result


@st.composite
def terrain(draw: st.DrawFn) -> Data:
    """Terrain access: a pattern (everything, road only, no trail access, random)."""
    pattern = draw(st.sampled_from(["everything", "road_only", "no_trail", "random", "none"]))
    if pattern == "none":
        return {}
    if pattern == "everything":
        return dict.fromkeys(PLACE_TERRAINS, "all")
    if pattern == "road_only":
        return {"road": "all"}
    result: Data = {}
    for name in PLACE_TERRAINS:
        if pattern == "no_trail" and name in ("trail", "hills"):
            continue
        choice = draw(st.sampled_from(["missing", "all", "list"]))
        if choice == "all":
            result[name] = "all"
        elif choice == "list":
            result[name] = draw(st.lists(st.sampled_from(DAYS), unique=True, max_size=7))
    return result


@st.composite
def athlete(draw: st.DrawFn, level: str | None = None) -> Data:
    """Level, baseline and injuries."""
    weekly = draw(st.integers(0, 900))
    data: Data = {
        "level": level or draw(st.sampled_from([lv.value for lv in Level])),
        "weekly_minutes": weekly,
        "long_minutes": draw(st.integers(0, 300)),
    }
    if draw(st.booleans()):
        data["weekly_load"] = draw(st.integers(0, 7 * 1440 * 10))
    if draw(st.booleans()):
        data["long_hike_minutes"] = draw(st.integers(0, 480))
    injuries = draw(st.lists(st.sampled_from([i.value for i in Injury]), unique=True, max_size=2))
    if injuries or draw(st.booleans()):
        data["injuries"] = injuries
    return data


def _fraction(lo: int, hi: int) -> st.SearchStrategy[float]:
    """A fraction in basis points [lo, hi] with at most four decimals."""
    return st.integers(lo, hi).map(lambda points: points / 10_000)


@st.composite
def rule_overrides(draw: st.DrawFn, recipes: str | None = None) -> Data:
    """A ``rules:`` block with a random subset of overrides."""
    rules: Data = {}

    def maybe(name: str, strategy: st.SearchStrategy[Any]) -> None:
        if draw(st.integers(0, 3)) == 0:
            rules[name] = draw(strategy)

    lo = draw(st.integers(0, 9))
    maybe("sessions_per_week", st.integers(lo, 10).map(lambda hi: [lo, hi]))
    maybe("min_rest_days", st.integers(0, 3))
    hard_lo = draw(st.integers(0, 2))
    maybe("hard_sessions", st.integers(hard_lo, 3).map(lambda hi: [hard_lo, hi]))
    maybe("max_doubles_per_week", st.integers(0, 3))
    maybe("min_hikes_per_week", st.integers(0, 3))
    maybe("max_weekly_increase", _fraction(0, 3000))
    maybe("recovery_every", st.integers(2, 8))
    maybe("ratio_scope", st.sampled_from(["week", "phase"]))
    maybe("taper_weeks", st.integers(1, 3))
    maybe("acwr_max", _fraction(10_000, 20_000))
    maybe("min_easy_run_share", _fraction(0, 9000))
    maybe("long_floor", _fraction(0, 10_000))
    maybe("race_quiet_days", st.integers(1, 7))
    maybe("long_goal_minutes", st.integers(30, 400))
    maybe("min_strength_per_week", st.integers(0, 2))
    maybe(
        "long_increase",
        st.fixed_dictionaries({"fraction": _fraction(0, 3000), "minutes": st.integers(0, 40)}),
    )
    if recipes is not None:
        rules["recipes"] = recipes
    else:
        maybe("recipes", st.sampled_from(["soft", "strict"]))
    return rules


@st.composite
def horizon(draw: st.DrawFn, max_weeks: int, full_weeks: bool = False) -> Data:
    """``start`` and either ``weeks`` or a race (with or without ``weeks``), so that the plan
    has 1..max_weeks weeks. ``full_weeks`` keeps week 1 a full week."""
    start = FIRST_START + dt.timedelta(days=draw(st.integers(0, START_SPAN_DAYS)))
    data: Data = {"start": start.isoformat()}
    if draw(st.booleans()):
        data["weeks"] = draw(st.integers(1, max_weeks))
        return data
    first_day = 6 if full_weeks else 0
    days = draw(st.integers(first_day, 7 * max_weeks - 1))
    race: Data = {
        "name": draw(st.sampled_from(["Goal race", "Hill 25K", "City Marathon"])),
        "date": (start + dt.timedelta(days=days)).isoformat(),
        "kind": draw(st.sampled_from(["trail", "road"])),
        "distance_km": draw(st.one_of(st.integers(5, 170), st.floats(5, 170).map(_one_decimal))),
    }
    if draw(st.booleans()):
        race["elevation_gain_m"] = draw(st.integers(0, 10_000))
    data["goal"] = {"race": race}
    if draw(st.booleans()):
        data["weeks"] = math.ceil((days + 1) / 7)
    return data


def _one_decimal(value: float) -> float:
    return round(value, 1)


def _bounds(data: Data) -> tuple[dt.date, dt.date]:
    start = dt.date.fromisoformat(data["start"])
    race = data.get("goal", {}).get("race")
    if race is not None:
        return start, dt.date.fromisoformat(race["date"])
    return start, start + dt.timedelta(days=7 * data["weeks"] - 1)


@st.composite
def exceptions(
    draw: st.DrawFn, start: dt.date, end: dt.date, closing_only: bool = False
) -> list[Data]:
    """Date overrides inside the plan, each with no slots (a day off) or its own slots."""
    span = (end - start).days
    offsets = draw(st.lists(st.integers(0, span), unique=True, max_size=4))
    result: list[Data] = []
    for offset in offsets:
        entry: Data = {"date": (start + dt.timedelta(days=offset)).isoformat()}
        if not closing_only:
            entry.update(draw(slot_minutes()))
        result.append(entry)
    return result


def _validate(data: Data) -> Scenario:
    return Scenario.model_validate(data)


@st.composite
def pins(draw: st.DrawFn, data: Data, max_pins: int = 3) -> list[Data]:
    """Pins that `Scenario._check_pins` accepts: on open slots of plan dates other than race
    day, of a known non-race kind the athlete's injuries allow and the slot is one of its
    slots, on reachable terrain, with minutes in the kind's range and the slot."""
    scenario = _validate(data)
    catalogue = merge_catalogue(scenario.sessions)
    kinds = sorted(
        (k for k in catalogue.values() if k.id != RACE_KIND),
        key=lambda k: k.id,
    )
    race_day = scenario.race.date if scenario.race is not None else None
    options: list[tuple[dt.date, str, str, int, int]] = []
    for day in scenario.dates:
        if day == race_day:
            continue
        for slot in SLOTS:
            available = scenario.slot_minutes(day, slot)
            for kind in kinds:
                lo, hi = kind.minutes
                top = min(hi, available)
                if (
                    lo <= top
                    and kind.allows(slot)
                    and scenario.reachable(kind.terrain, day)
                    and not kind.excluded_by(scenario.athlete.injuries)
                ):
                    options.append((day, slot.value, kind.id, lo, top))
    if not options:
        return []
    chosen = draw(
        st.lists(
            st.sampled_from(options),
            max_size=max_pins,
            unique_by=lambda option: (option[0], option[1]),
        )
    )
    return [
        {
            "date": day.isoformat(),
            "slot": slot,
            "kind": kind,
            "minutes": draw(st.integers(lo, top)),
        }
        for day, slot, kind, lo, top in chosen
    ]


@st.composite
def scenario_dicts(
    draw: st.DrawFn,
    *,
    max_weeks: int = MAX_WEEKS,
    recipes: str | None = None,
    with_pins: bool = True,
) -> Data:
    """A valid scenario dict: level, availability (sparse to generous, days missing),
    exceptions, terrain patterns (no trail access among them), a trail or road race of
    5-170 km or none, 1..max_weeks weeks, rule overrides, preferences, pins and injuries.
    ``recipes`` forces the recipe mode."""
    data: Data = {"name": "generated"}
    data.update(draw(horizon(max_weeks)))
    data["athlete"] = draw(athlete())
    data["availability"] = draw(availability())
    data["terrain"] = draw(terrain())
    start, end = _bounds(data)
    if draw(st.booleans()):
        data["exceptions"] = draw(exceptions(start, end))
    rules = draw(rule_overrides(recipes))
    if rules:
        data["rules"] = rules
    if draw(st.integers(0, 2)) == 0:
        data["preferences"] = {
            "long_day": draw(st.sampled_from(DAYS)),
            "rest_day": draw(st.sampled_from(DAYS)),
        }
    if draw(st.integers(0, 5)) == 0:
        weeks = _validate(data).horizon_weeks
        phase = st.sampled_from([p.value for p in Phase])
        data["phases"] = draw(st.lists(phase, min_size=weeks, max_size=weeks))
    if with_pins and draw(st.integers(0, 2)) == 0:
        pinned = draw(pins(data))
        if pinned:
            data["pinned"] = pinned
    _validate(data)
    return data


def scenarios(**kwargs: Any) -> st.SearchStrategy[Scenario]:
    """Validated scenarios (see `scenario_dicts`)."""
    return scenario_dicts(**kwargs).map(_validate)


# ----- scenarios that cannot be satisfied ---------------------------------------------


def _open_slots_per_week(avail: Data) -> int:
    return sum(1 for slots in avail.values() for minutes in slots.values() if minutes > 0)


@st.composite
def infeasible_scenario_dicts(draw: st.DrawFn, *, max_weeks: int = MAX_WEEKS) -> Data:
    """A valid scenario that no plan can satisfy, for one of three reasons:

    * ``slots``: strict recipes ask for more sessions in week 1 (a full week) than the
      week has open slots (H07 recipe);
    * ``rest``: strict recipes ask for more sessions than the days left after the rest
      days (H04) can hold, even with the allowed doubles (H03, H07);
    * ``pins``: two hard sessions pinned on consecutive days (H06), whatever the recipes.
    """
    reason = draw(st.sampled_from(["slots", "rest", "pins"]))
    data: Data = {"name": f"infeasible-{reason}"}
    data.update(draw(horizon(max_weeks, full_weeks=True)))
    level = draw(st.sampled_from([lv.value for lv in Level]))
    data["athlete"] = draw(athlete(level))
    start, end = _bounds(data)
    rules: Data = {"recipes": "strict"}
    if reason == "slots":
        data["availability"] = draw(availability("sparse"))
        data["terrain"] = draw(terrain())
        open_slots = _open_slots_per_week(data["availability"])
        lo = draw(st.integers(open_slots + 1, max(open_slots + 1, 10)))
        if lo > 14:
            lo = 14
        rules["sessions_per_week"] = [lo, draw(st.integers(lo, 14))]
        if draw(st.booleans()):
            data["exceptions"] = draw(exceptions(start, end, closing_only=True))
        if open_slots >= 14:  # cannot happen with sparse availability, but stay sound
            data["availability"] = {}
    elif reason == "rest":
        data["availability"] = {day: {"am": 120, "pm": 120} for day in DAYS}
        data["terrain"] = dict.fromkeys(PLACE_TERRAINS, "all")
        rest = draw(st.integers(1, 5))
        doubles = draw(st.integers(0, 3))
        most = (7 - rest) + min(doubles, 7 - rest)
        rules.update(
            min_rest_days=rest,
            max_doubles_per_week=doubles,
            sessions_per_week=[most + 1, 14],
        )
    else:
        rules["recipes"] = draw(st.sampled_from(["soft", "strict"]))
        data["availability"] = {day: {"am": 90, "pm": 90} for day in DAYS}
        data["terrain"] = dict.fromkeys(PLACE_TERRAINS, "all")
        data.pop("goal", None)
        data["weeks"] = draw(st.integers(1, max_weeks))
        data["athlete"]["injuries"] = []
        weeks = data["weeks"]
        first = draw(st.integers(0, 7 * weeks - 2))
        day = dt.date.fromisoformat(data["start"]) + dt.timedelta(days=first)
        hard = ["road_tempo", "road_intervals", "track_intervals", "hill_repeats"]
        data["pinned"] = [
            {
                "date": (day + dt.timedelta(days=i)).isoformat(),
                "slot": draw(st.sampled_from(["am", "pm"])),
                "kind": draw(st.sampled_from(hard)),
                "minutes": draw(st.sampled_from([30, 45, 60])),
            }
            for i in range(2)
        ]
    data["rules"] = rules
    _validate(data)
    return data


# ----- mangled input for the loader ---------------------------------------------------

_JUNK: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.sampled_from([-1, -30, 0, 1441, 10**6, -(10**9)]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            "all",
            "mon",
            "monday",
            "2027-02-30",
            "0001-01-01",
            "9999-12-31",
            "not a date",
            "strict",
            "trail",
            "race",
            "road_easy",
            "[1, 2]",
        ]
    ),
    st.dates().map(dt.date.isoformat),
    st.dates(),
    st.lists(st.integers(-5, 20), max_size=3),
    st.lists(st.text(max_size=4), max_size=3),
    st.dictionaries(st.text(max_size=6), st.integers(-5, 5), max_size=2),
)


FAR_DATES = ["0001-01-01", "0001-01-02", "9999-12-31", "9999-12-25", "9999-11-01", "9998-06-01"]
"""Dates at the ends of the calendar, where date arithmetic overflows."""

_KEYS: st.SearchStrategy[Any] = st.one_of(
    st.sampled_from(["weeks", "am", "pm", "kind", "date", "tpyo", "mon", "trail", "level"]),
    st.text(max_size=8),
    st.integers(-3, 3),
    st.none(),
    st.booleans(),
    st.dates(),
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path into nested dicts and lists."""
    found: list[tuple[Any, ...]] = []
    if isinstance(value, dict):
        for key, child in value.items():
            found.append((*prefix, key))
            found.extend(_paths(child, (*prefix, key)))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found.append((*prefix, index))
            found.extend(_paths(child, (*prefix, index)))
    return found


def _container(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


@st.composite
def mangled_dicts(draw: st.DrawFn) -> Any:
    """A valid scenario dict, then a few mutations: keys removed, unknown keys added, values
    replaced by junk of the wrong type, minutes made negative or absurd, dates pushed to
    the ends of the calendar; now and then not a dict at all."""
    if draw(st.integers(0, 19)) == 0:
        return draw(_JUNK)
    data: Any = draw(scenario_dicts(max_weeks=4))
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(data)
        action = draw(
            st.sampled_from(["remove", "add", "replace", "negate", "far_date", "far_start"])
        )
        if action == "far_start":
            data["start"] = draw(st.sampled_from(FAR_DATES))
            continue
        if action == "add" or not paths:
            holders = [p for p in paths if isinstance(_container(data, (*p, None)), dict)]
            target = _container(data, (*draw(st.sampled_from(holders)), None)) if holders else data
            if isinstance(target, dict):
                key = draw(_KEYS)
                target[key] = draw(_JUNK)
            continue
        path = draw(st.sampled_from(paths))
        holder = _container(data, path)
        key = path[-1]
        if action == "remove":
            del holder[key]
        elif action == "replace":
            holder[key] = draw(_JUNK)
        elif action == "negate":
            value = holder[key]
            if isinstance(value, int | float) and not isinstance(value, bool):
                holder[key] = -value - draw(st.integers(1, 10**6))
            else:
                holder[key] = -draw(st.integers(1, 10**6))
        else:
            holder[key] = draw(st.sampled_from(FAR_DATES))
    return data


__all__ = [
    "MAX_WEEKS",
    "PROFILE",
    "THOROUGH",
    "TIME_LIMIT_S",
    "Weekday",
    "availability",
    "infeasible_scenario_dicts",
    "mangled_dicts",
    "pins",
    "scenario_dicts",
    "scenarios",
]
