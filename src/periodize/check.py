"""The independent plan checker: every hard rule of rules.md, verified on a finished plan.

`check` re-derives every weekly figure from ``plan.days`` (it never trusts ``plan.weeks``,
which it only compares against its own sums) and applies each rule H01-H22 exactly as
docs/rules-interpretation.md reads it, in integer basis-point arithmetic. It shares no code
with the solver: it imports the domain (scenario, catalogue, calendar, rules, plan, targets,
vocabulary) and nothing from ``periodize.model`` or ``periodize.solve``. Whether a session
is demanding, climbing or road-specific it reads from the session's own flags (the plan
carries its kind's flags; `check_plan_sessions` holds them to the catalogue).

Each rule is one small pure function named by its ID, ``check_hNN_<name>(facts)``, taking
the precomputed `Facts` of a (scenario, plan) pair and returning its `Violation` list.

Safety parts are always violations. Recipe parts (the minimums marked *recipe* in rules.md)
go through `Facts.recipe`: under ``recipes: strict`` a miss is a violation; under soft
recipes a miss is fine only when ``plan.shortfalls`` lists it (same rule and week), and an
unlisted miss is a violation saying the plan hides it. H15 waivers likewise must be listed.
Inconsistencies of the plan itself (a session that does not match its kind, missing dates,
weekly aggregates that disagree with the days) are reported under the rule id ``PLAN``.

Re-plans (rules.md, Re-planning: the past is a fact): the weekly safety parts return a
`WeeklyBreach`, which also carries the part's *figure*. `check` with a log evaluates the
rules on the plan and on the split week's logged days alone (`past_alone`), pairs the split
week's breaches by (rule, part), and waives those the logged days alone break and the days
from today did not grow, if ``plan.shortfalls`` lists them as ``broken_by_log``;
`broken_by_log` gives exactly those instances.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from periodize.calendar import Week
from periodize.catalogue import RACE_KIND, SessionKind
from periodize.log import LogError, TrainingLog, logged_sessions
from periodize.plan import Day, Plan, Session, ShortfallType
from periodize.rules import BP, Band, Rules, bp
from periodize.scenario import Scenario
from periodize.targets import counts_for_long, long_targets, longest_counting_slot
from periodize.vocabulary import (
    CROSS_TRAINING,
    INJURY_STRESS,
    ROAD_TERRAINS,
    SLOTS,
    TRAIL_TERRAINS,
    Intensity,
    Level,
    Modality,
    Phase,
    RaceKind,
    RatioScope,
    RecipeMode,
    Terrain,
    Weekday,
)

PLAN_RULE = "PLAN"
"""Rule id of plan-consistency findings (the plan disagrees with itself or the catalogue)."""

SHARE_TOLERANCE = 1e-3
"""How far a reported road or trail share may be from the re-derived one."""

BASELINE_HARD_SHARE_PCT = 10
"""H10: before the start, hard minutes are 10 % of the baseline weekly minutes."""

RACE_REST_WINDOW = 6
"""H18: the days before race day among which one is a rest day."""

EVE_MAX_MINUTES = 30
"""H18: the day before the race holds at most one easy session this long."""


class Violation(BaseModel):
    """One broken rule: its id (``H01``..``H22`` or ``PLAN``), where, and the numbers.

    ``recipe`` is true for a recipe minimum (strict recipes, or a soft miss the plan does not
    list in its shortfalls); safety and plan-consistency findings have it false.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule: str
    week: int | None = None
    date: dt.date | None = None
    message: str
    recipe: bool = False


class WeeklyBreach(Violation):
    """A broken weekly safety instance (REPLAN figure table: H03 doubles, H04, H05 and H07
    caps, H09-H13, H14's weekly parts, H15 per week, H17): the violation and what a re-plan
    compares between the whole week and its logged days alone.

    ``part`` names the instance within its rule and week (H09's ``load`` and ``minutes``);
    ``figure`` is the number the days from today must not grow once the logged days alone
    broke the instance; ``held`` says what the week holds against which cap, and
    ``frozen`` what that leaves for the rest of the week, in an athlete's words. `check`
    returns plain `Violation` objects."""

    part: str
    figure: int
    held: str
    frozen: str


# --------------------------------------------------------------------------------------
# Facts: what the rules look at, derived once from the scenario and the plan's days.


def _is_race(session: Session) -> bool:
    return session.modality is Modality.RACE or session.kind == RACE_KIND


def _is_run(session: Session) -> bool:
    return session.modality is Modality.RUN


def _is_road_run(session: Session) -> bool:
    return _is_run(session) and session.terrain in ROAD_TERRAINS


def _is_trail_run(session: Session) -> bool:
    return _is_run(session) and session.terrain in TRAIL_TERRAINS


def _is_trail_session(session: Session) -> bool:
    return session.modality in (Modality.RUN, Modality.HIKE) and session.terrain in TRAIL_TERRAINS


def _is_demanding(session: Session) -> bool:
    """rules.md, demanding (H03, H06, H18): not a hike, and hard, a long run or of a kind
    flagged ``demanding``. The race is not a training session, so never demanding."""
    if _is_race(session) or session.modality is Modality.HIKE:
        return False
    return session.hard or (session.long and _is_run(session)) or session.demanding


def _is_strength(session: Session) -> bool:
    return session.modality is Modality.STRENGTH


def _is_hill_session(session: Session) -> bool:
    """rules.md, hill session (H16): on hills terrain or of a kind flagged ``climbing``."""
    return session.terrain is Terrain.HILLS or session.climbing


@dataclass(frozen=True)
class WeekFacts:
    """One week's days and the figures every rule reads, summed from the days (race out of
    every sum and count except ``hard_sessions``, which is H05's count)."""

    week: Week
    days: tuple[Day, ...]
    training: tuple[tuple[dt.date, Session], ...]
    minutes: int
    load: int
    hard_minutes: int
    sessions: int
    hard_sessions: int
    rest_days: int
    run_minutes: int
    easy_run_minutes: int
    road_minutes: int
    trail_minutes: int
    longest_run: int
    longest_hike: int
    hikes: int
    strength_sessions: int

    @property
    def index(self) -> int:
        return self.week.index

    def figure(self, name: str) -> int:
        """``minutes``, ``load`` (H09, H11, H12) or ``hard_minutes`` (H10)."""
        figures = {"minutes": self.minutes, "load": self.load, "hard_minutes": self.hard_minutes}
        return figures[name]


def _week_facts(week: Week, days: Sequence[Day]) -> WeekFacts:
    training = tuple((day.date, s) for day in days for s in day.sessions if not _is_race(s))
    sessions = [s for _, s in training]
    runs = [s for s in sessions if _is_run(s)]
    hikes = [s for s in sessions if s.modality is Modality.HIKE]
    return WeekFacts(
        week=week,
        days=tuple(days),
        training=training,
        minutes=sum(s.minutes for s in sessions),
        load=sum(s.load for s in sessions),
        hard_minutes=sum(s.hard_minutes for s in sessions),
        sessions=len(sessions),
        hard_sessions=sum(1 for day in days for s in day.sessions if s.hard),
        rest_days=sum(1 for day in days if not day.sessions),
        run_minutes=sum(s.minutes for s in runs),
        easy_run_minutes=sum(s.minutes for s in runs if s.intensity is Intensity.EASY),
        road_minutes=sum(s.minutes for s in runs if s.terrain in ROAD_TERRAINS),
        trail_minutes=sum(s.minutes for s in runs if s.terrain in TRAIL_TERRAINS),
        longest_run=max((s.minutes for s in runs), default=0),
        longest_hike=max((s.minutes for s in hikes), default=0),
        hikes=len(hikes),
        strength_sessions=sum(1 for s in sessions if _is_strength(s)),
    )


@dataclass(frozen=True)
class Facts:
    """A (scenario, plan) pair with the weekly figures re-derived from the plan's days.

    ``days`` maps each in-horizon date to its (first) `Day` in the plan; ``listed`` holds
    the (rule, week) pairs of ``plan.shortfalls`` that are recipe misses or waivers, and
    ``listed_broken`` those of type ``broken_by_log``; ``recipes`` is the recipe mode in
    force, except in ``soft_weeks`` (a re-plan's split week), whose recipes are soft.
    """

    scenario: Scenario
    plan: Plan
    rules: Rules
    weeks: tuple[WeekFacts, ...]
    days: Mapping[dt.date, Day]
    listed: frozenset[tuple[str, int | None]]
    listed_broken: frozenset[tuple[str, int | None]]
    recipes: RecipeMode
    soft_weeks: frozenset[int] = frozenset()

    @classmethod
    def of(
        cls,
        scenario: Scenario,
        plan: Plan,
        recipes: RecipeMode | None = None,
        soft_weeks: Iterable[int] = (),
    ) -> Facts:
        """Derive the facts; ``recipes`` overrides the scenario's recipe mode, and the
        recipes of ``soft_weeks`` are soft whatever the mode."""
        rules = scenario.resolved_rules
        days: dict[dt.date, Day] = {}
        for day in plan.days:
            if scenario.start <= day.date <= scenario.end:
                days.setdefault(day.date, day)
        weeks = tuple(
            _week_facts(week, [days[d] for d in week.dates() if d in days])
            for week in scenario.calendar
        )
        broken = ShortfallType.BROKEN_BY_LOG
        return cls(
            scenario=scenario,
            plan=plan,
            rules=rules,
            weeks=weeks,
            days=days,
            listed=frozenset((s.rule, s.week) for s in plan.shortfalls if s.type is not broken),
            listed_broken=frozenset((s.rule, s.week) for s in plan.shortfalls if s.type is broken),
            recipes=recipes if recipes is not None else rules.recipes,
            soft_weeks=frozenset(soft_weeks),
        )

    # ----- helpers shared by the rule functions -----

    @property
    def level(self) -> Level:
        return self.scenario.athlete.level

    def week_index(self, day: dt.date) -> int | None:
        """The index of the week holding ``day``, or None outside the plan."""
        if not self.scenario.start <= day <= self.scenario.end:
            return None
        return (day - self.scenario.start).days // 7 + 1

    @property
    def race_kind(self) -> RaceKind | None:
        race = self.scenario.race
        return race.kind if race is not None else None

    def baseline(self, name: str) -> int:
        """The athlete's recent weekly ``minutes`` or ``load``; ``hard_minutes`` before the
        start are a tenth of the weekly minutes, rounded down (H10)."""
        athlete = self.scenario.athlete
        figures = {
            "minutes": athlete.weekly_minutes,
            "load": athlete.baseline_load,
            "hard_minutes": athlete.weekly_minutes * BASELINE_HARD_SHARE_PCT // 100,
        }
        return figures[name]

    def figure(self, index: int, name: str) -> int:
        """Week ``index``'s minutes, load or hard minutes; the baseline for weeks before the
        start."""
        return self.weeks[index - 1].figure(name) if index >= 1 else self.baseline(name)

    def sum4(self, index: int, name: str) -> int:
        """The sum of ``name`` over the four weeks before week ``index``, baseline-filled."""
        return sum(self.figure(i, name) for i in range(index - 4, index))

    def most4(self, index: int, name: str) -> int:
        """The largest ``name`` of the four weeks before week ``index``, baseline-filled."""
        return max(self.figure(i, name) for i in range(index - 4, index))

    def last_non_recovery_before(self, index: int) -> WeekFacts | None:
        """The last plan week before ``index`` that is not a recovery week."""
        for facts in reversed(self.weeks[: index - 1]):
            if not facts.week.recovery:
                return facts
        return None

    def sessions(self) -> list[tuple[dt.date, Session]]:
        """Every in-horizon session with its date, in date order."""
        return [(d, s) for d in sorted(self.days) for s in self.days[d].sessions]

    def kind(self, session: Session) -> SessionKind | None:
        return self.scenario.catalogue.get(session.kind)

    def recipe(self, rule: str, week: int, what: str) -> list[Violation]:
        """A recipe miss of ``rule`` in ``week``: a violation under strict recipes (but in
        ``soft_weeks``), under soft recipes only when ``plan.shortfalls`` does not list it
        (as a recipe miss or waiver: a ``broken_by_log`` entry does not list a recipe)."""
        if self.recipes is RecipeMode.STRICT and week not in self.soft_weeks:
            return [Violation(rule=rule, week=week, message=f"week {week}: {what}", recipe=True)]
        if (rule, week) in self.listed:
            return []
        return [
            Violation(
                rule=rule,
                week=week,
                message=(
                    f"week {week}: {what}; recipe missed but not listed in shortfalls "
                    f"(the plan hides it)"
                ),
                recipe=True,
            )
        ]


def _v(rule: str, message: str, week: int | None = None, date: dt.date | None = None) -> Violation:
    return Violation(rule=rule, week=week, date=date, message=message)


def _f(fraction: float) -> str:
    """A fraction for messages: two decimals, more when it has them (0.10, 0.125)."""
    text = f"{fraction:.4f}".rstrip("0")
    whole, _, decimals = text.partition(".")
    return f"{whole}.{decimals.ljust(2, '0')}"


def _n(value: float) -> str:
    """A number for messages: whole when whole, else up to two decimals."""
    if value == int(value):
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _k(value: float) -> str:
    """A number for athletes' messages: `_n` with thousands separators (1,820)."""
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _many(count: int, what: str) -> str:
    """``count`` with ``what`` in the singular or plural: 1 double, 3 doubles."""
    return f"{count} {what}" if count == 1 else f"{count} {what}s"


def _breach(
    rule: str,
    part: str,
    w: WeekFacts,
    figure: int,
    message: str,
    *,
    held: str,
    frozen: str,
    date: dt.date | None = None,
) -> WeeklyBreach:
    """A broken weekly instance of ``rule`` in ``w`` (see `WeeklyBreach`)."""
    return WeeklyBreach(
        rule=rule,
        week=w.index,
        date=date,
        message=message,
        part=part,
        figure=figure,
        held=held,
        frozen=frozen,
    )


# --------------------------------------------------------------------------------------
# Safety and recipe rules, one function each.


def check_h01_availability(facts: Facts) -> list[Violation]:
    """H01: a session (race aside) sits in an available slot of its date, its minutes fit
    the slot and its kind's range, and are a multiple of ``grid_minutes`` (pins keep their
    pinned minutes)."""
    grid = facts.rules.grid_minutes
    pins = {(p.date, p.slot, p.kind, p.minutes) for p in facts.scenario.pinned}
    found: list[Violation] = []
    for day, s in facts.sessions():
        if _is_race(s):
            continue
        week = facts.week_index(day)
        where = f"{day} {s.slot} {s.kind} {s.minutes} min"
        available = facts.scenario.slot_minutes(day, s.slot)
        if available == 0:
            found.append(_v("H01", f"{where}: the {s.slot} slot is not available", week, day))
        elif s.minutes > available:
            found.append(_v("H01", f"{where}: {s.minutes} > {available} min available", week, day))
        kind = facts.kind(s)
        if kind is not None:
            lo, hi = kind.minutes
            if not lo <= s.minutes <= hi:
                found.append(
                    _v("H01", f"{where}: outside {s.kind}'s range {lo}-{hi} min", week, day)
                )
        pinned = (day, s.slot, s.kind, s.minutes) in pins
        if not pinned and s.minutes % grid:
            found.append(_v("H01", f"{where}: not a multiple of the {grid}-minute grid", week, day))
    return found


def check_h02_terrain(facts: Facts) -> list[Violation]:
    """H02: a session's terrain is reachable on its weekday (``any`` always; race exempt)."""
    found: list[Violation] = []
    for day, s in facts.sessions():
        if _is_race(s) or facts.scenario.reachable(s.terrain, day):
            continue
        weekdays = facts.scenario.reachable_weekdays(s.terrain)
        reach = "/".join(str(w) for w in weekdays) if weekdays else "never"
        found.append(
            _v(
                "H02",
                f"{day} {s.slot} {s.kind}: terrain {s.terrain} is not reachable on "
                f"{Weekday.of(day)} (reachable: {reach})",
                facts.week_index(day),
                day,
            )
        )
    return found


def check_h03_slots_and_doubles(facts: Facts) -> list[Violation]:
    """H03: at most one session per slot, and only in a slot its kind allows (``slots``);
    at most ``max_doubles_per_week`` doubles a week; never two demanding sessions, two
    sessions of one kind or two strength sessions in one day. Race day is exempt (more
    than the race there is H18)."""
    limit = facts.rules.max_doubles_per_week
    found: list[Violation] = []
    for w in facts.weeks:
        doubles: list[dt.date] = []
        for day in w.days:
            found += _h03_one_per_slot(day, w.index)
            if any(_is_race(s) for s in day.sessions):
                continue
            found += _h03_kind_slots(day, w.index)
            if len(day.sessions) >= 2:
                doubles.append(day.date)
            found += _h03_same_day_pairs(day, w.index)
        if len(doubles) > limit:
            dates = ", ".join(str(d) for d in doubles)
            found.append(
                _breach(
                    "H03",
                    "doubles",
                    w,
                    len(doubles),
                    f"week {w.index}: {len(doubles)} doubles ({dates}) > "
                    f"max_doubles_per_week {limit}",
                    held=f"{_many(len(doubles), 'double')} ({dates}), above H03's cap of "
                    f"{limit} a week",
                    frozen="nothing more this week adds a double",
                )
            )
    return found


def _h03_one_per_slot(day: Day, week: int) -> list[Violation]:
    slots = Counter(s.slot for s in day.sessions)
    return [
        _v("H03", f"{day.date}: {count} sessions in the {slot} slot", week, day.date)
        for slot, count in slots.items()
        if count > 1
    ]


def _h03_kind_slots(day: Day, week: int) -> list[Violation]:
    """H03: each session in a slot its kind allows (a night run is pm only)."""
    return [
        _v(
            "H03",
            f"{day.date} {s.slot} {s.kind}: the kind allows only "
            f"{'/'.join(str(slot) for slot in s.slots)}",
            week,
            day.date,
        )
        for s in day.sessions
        if s.slot not in s.slots
    ]


def _h03_same_day_pairs(day: Day, week: int) -> list[Violation]:
    """H03: never two demanding sessions, two sessions of one kind or two strength
    sessions in one day."""
    groups = {
        "demanding": [s.kind for s in day.sessions if _is_demanding(s)],
        "strength": [s.kind for s in day.sessions if _is_strength(s)],
    }
    found = [
        _v(
            "H03",
            f"{day.date}: {len(kinds)} {what} sessions in one day ({', '.join(kinds)})",
            week,
            day.date,
        )
        for what, kinds in groups.items()
        if len(kinds) >= 2
    ]
    for kind, count in Counter(s.kind for s in day.sessions).items():
        if count >= 2:
            found.append(
                _v("H03", f"{day.date}: {count} sessions of kind {kind} in one day", week, day.date)
            )
    return found


def check_h04_rest_days(facts: Facts) -> list[Violation]:
    """H04: each full week has at least ``min_rest_days`` days without any session."""
    need = facts.rules.min_rest_days
    return [
        _breach(
            "H04",
            "rest days",
            w,
            len(w.days) - w.rest_days,
            f"week {w.index}: {w.rest_days} rest days < min_rest_days {need}",
            held=f"{len(w.days) - w.rest_days} training days, above H04's cap of "
            f"{w.week.days - need} ({_many(need, 'rest day')} a week)",
            frozen="nothing more this week adds a training day",
        )
        for w in facts.weeks
        if w.week.full and w.rest_days < need
    ]


def check_h05_hard_sessions(facts: Facts) -> list[Violation]:
    """H05: hard sessions (race included) <= hi every week, <= min(hi, 1) in a recovery
    week; recipe: >= lo per full week and, for intermediate and advanced athletes, >= 1 in
    every taper week."""
    band = facts.rules.hard_sessions
    found: list[Violation] = []
    for w in facts.weeks:
        hi = min(band.hi, 1) if w.week.recovery else band.hi
        if w.hard_sessions > hi:
            found.append(_h05_cap_breach(w, hi))
        # The recipe's count: in a peak week a simulation session that is not hard counts.
        quality, what = w.hard_sessions, "hard sessions"
        if w.week.phase is Phase.PEAK:
            quality += sum(1 for _, s in w.training if s.simulation and not s.hard)
            what = "hard or simulation sessions"
        if w.week.full and quality < band.lo:
            found += facts.recipe("H05", w.index, f"{quality} {what} < hard_sessions lo {band.lo}")
        elif facts.level is not Level.BEGINNER and w.week.taper and quality < 1:
            found += facts.recipe("H05", w.index, "no hard session in a taper week (wants 1)")
    return found


def _h05_cap_breach(w: WeekFacts, hi: int) -> WeeklyBreach:
    """H05's cap broken in ``w`` (the race counted among the hard sessions)."""
    what = "recovery-week cap" if w.week.recovery else "hard_sessions hi"
    races = sum(1 for day in w.days for s in day.sessions if s.hard and _is_race(s))
    training = w.hard_sessions - races
    held = _many(training, "hard session") + (f", {w.hard_sessions} with the race" if races else "")
    cap = "recovery-week cap" if w.week.recovery else "cap"
    return _breach(
        "H05",
        "cap",
        w,
        w.hard_sessions,
        f"week {w.index}: {w.hard_sessions} hard sessions > {what} {hi}",
        held=f"{held}, above H05's {cap} of {hi}",
        frozen="nothing more this week adds a hard session",
    )


def check_h06_back_to_back(facts: Facts) -> list[Violation]:
    """H06: no two consecutive days both holding a demanding session (not a hike, and hard,
    a long run or flagged ``demanding``; the race is not a training session)."""
    found: list[Violation] = []
    demanding = {
        d: [s.kind for s in day.sessions if _is_demanding(s)] for d, day in facts.days.items()
    }
    for d in sorted(demanding):
        before = d - dt.timedelta(days=1)
        if demanding[d] and demanding.get(before):
            found.append(
                _v(
                    "H06",
                    f"{before} ({', '.join(demanding[before])}) and {d} "
                    f"({', '.join(demanding[d])}) are back-to-back demanding days",
                    facts.week_index(d),
                    d,
                )
            )
    return found


def check_h07_sessions(facts: Facts) -> list[Violation]:
    """H07: sessions (race out) <= hi every week; recipe: >= lo per full week, one fewer in
    a recovery week."""
    band = facts.rules.sessions_per_week
    found: list[Violation] = []
    for w in facts.weeks:
        if w.sessions > band.hi:
            found.append(
                _breach(
                    "H07",
                    "cap",
                    w,
                    w.sessions,
                    f"week {w.index}: {w.sessions} sessions > sessions_per_week hi {band.hi}",
                    held=f"{_many(w.sessions, 'session')}, above H07's cap of {band.hi}",
                    frozen="nothing more this week adds a session",
                )
            )
        lo = max(0, band.lo - 1) if w.week.recovery else band.lo
        if w.week.full and w.sessions < lo:
            found += facts.recipe("H07", w.index, f"{w.sessions} sessions < {lo} wanted")
    return found


def check_h08_hikes(facts: Facts) -> list[Violation]:
    """H08 (recipe): for a trail race or no race, full base and build weeks hold at least
    ``min_hikes_per_week`` hikes, one fewer in a recovery week."""
    race = facts.scenario.race
    if race is not None and race.kind is not RaceKind.TRAIL:
        return []
    found: list[Violation] = []
    for w in facts.weeks:
        if not w.week.full or w.week.phase not in (Phase.BASE, Phase.BUILD):
            continue
        need = facts.rules.min_hikes_per_week - (1 if w.week.recovery else 0)
        if w.hikes < need:
            found += facts.recipe("H08", w.index, f"{w.hikes} hikes < {need} wanted")
    return found


def check_h09_progression(facts: Facts) -> list[Violation]:
    """H09: load and minutes each at most (1 + max_weekly_increase) x max(ref, mean4):
    ``4 x 10000 x F <= (10000 + bp(inc)) x max(4 ref, sum4)``."""
    increase = facts.rules.max_weekly_increase
    factor = BP + bp(increase)
    found: list[Violation] = []
    for w in facts.weeks:
        previous = facts.last_non_recovery_before(w.index)
        for name in ("load", "minutes"):
            value = w.figure(name)
            ref = previous.figure(name) if previous is not None else facts.baseline(name)
            total = facts.sum4(w.index, name)
            if 4 * BP * value > factor * max(4 * ref, total):
                cap = factor * max(4 * ref, total) / (4 * BP)
                found.append(
                    _breach(
                        "H09",
                        name,
                        w,
                        value,
                        f"week {w.index}: {name} {value} > {_f(1 + increase)} x max(ref {ref}, "
                        f"mean {_n(total / 4)}) = {_n(cap)}",
                        held=f"{_k(value)} {name}, above H09's cap of {_k(cap)}",
                        frozen=f"nothing more this week adds {name}",
                    )
                )
    return found


def check_h10_one_lever(facts: Facts) -> list[Violation]:
    """H10: a full week other than week 1, recovery and taper weeks does not raise both its
    minutes above the most minutes and its hard minutes above the most hard minutes of the
    four weeks before it (recovery weeks included; before the start: weekly_minutes, and
    hard minutes floor(0.1 x weekly_minutes))."""
    found: list[Violation] = []
    for w in facts.weeks:
        if not w.week.full or w.index == 1 or w.week.recovery or w.week.taper:
            continue
        most_minutes = facts.most4(w.index, "minutes")
        most_hard = facts.most4(w.index, "hard_minutes")
        if w.minutes > most_minutes and w.hard_minutes > most_hard:
            found.append(
                _breach(
                    "H10",
                    "one lever",
                    w,
                    w.hard_minutes,
                    f"week {w.index}: raises both minutes ({w.minutes} > {most_minutes}) and "
                    f"hard minutes ({w.hard_minutes} > {most_hard}) above the most of the 4 "
                    f"weeks before it",
                    held=f"{_k(w.minutes)} minutes and {_k(w.hard_minutes)} hard minutes, both "
                    f"above the most of the 4 weeks before ({_k(most_minutes)} and "
                    f"{_k(most_hard)}), where H10 lets only one rise",
                    frozen="nothing more this week adds hard minutes",
                )
            )
    return found


def check_h11_recovery(facts: Facts) -> list[Violation]:
    """H11: a recovery week holds no double and at most ``sessions_per_week`` hi - 1
    sessions; after a week of positive load (the baseline before week 1) its load and its
    minutes are each at most hi x that week's; recipe: load >= lo x that week's load."""
    band = facts.rules.recovery_load
    most = max(0, facts.rules.sessions_per_week.hi - 1)
    found: list[Violation] = []
    for w in facts.weeks:
        if not w.week.recovery:
            continue
        if w.sessions > most:
            found.append(
                _breach(
                    "H11",
                    "sessions",
                    w,
                    w.sessions,
                    f"week {w.index}: recovery week holds {w.sessions} sessions > "
                    f"sessions_per_week hi {facts.rules.sessions_per_week.hi} - 1 = {most}",
                    held=f"{_many(w.sessions, 'session')}, above H11's recovery-week cap of {most}",
                    frozen="nothing more this week adds a session",
                )
            )
        found += _h11_doubles(w)
        if facts.figure(w.index - 1, "load") <= 0:
            continue  # a recovery week after a zero-load week is exempt from the bounds
        for name in ("load", "minutes"):
            value, before = w.figure(name), facts.figure(w.index - 1, name)
            if BP * value > bp(band.hi) * before:
                cap = bp(band.hi) * before / BP
                found.append(
                    _breach(
                        "H11",
                        name,
                        w,
                        value,
                        f"week {w.index}: recovery {name} {value} > {_f(band.hi)} x {before} = "
                        f"{_n(cap)}",
                        held=f"{_k(value)} {name}, above H11's recovery-week cap of {_k(cap)}",
                        frozen=f"nothing more this week adds {name}",
                    )
                )
        before = facts.figure(w.index - 1, "load")
        if BP * w.load < bp(band.lo) * before:
            found += facts.recipe(
                "H11",
                w.index,
                f"recovery load {w.load} < {_f(band.lo)} x {before} = "
                f"{_n(bp(band.lo) * before / BP)}",
            )
    return found


def _h11_doubles(w: WeekFacts) -> list[Violation]:
    """H11: no double in a recovery week (one weekly instance; the race is no session)."""
    doubles = {
        day.date: kinds
        for day in w.days
        if len(kinds := [s.kind for s in day.sessions if not _is_race(s)]) >= 2
    }
    if not doubles:
        return []
    listed = "; ".join(f"{d}: {', '.join(kinds)}" for d, kinds in doubles.items())
    return [
        _breach(
            "H11",
            "doubles",
            w,
            len(doubles),
            f"week {w.index}: {_many(len(doubles), 'double')} in recovery week {w.index} "
            f"({listed}), wants none",
            held=f"{_many(len(doubles), 'double')} ({', '.join(map(str, doubles))}) in a "
            f"recovery week, where H11 allows none",
            frozen="nothing more this week adds a double",
        )
    ]


def check_h12_acute_chronic(facts: Facts) -> list[Violation]:
    """H12: ``4 x 10000 x load <= bp(acwr_max) x sum4`` (baseline-filled)."""
    ratio = facts.rules.acwr_max
    found: list[Violation] = []
    for w in facts.weeks:
        total = facts.sum4(w.index, "load")
        if 4 * BP * w.load > bp(ratio) * total:
            cap = bp(ratio) * total / (4 * BP)
            found.append(
                _breach(
                    "H12",
                    "load",
                    w,
                    w.load,
                    f"week {w.index}: load {w.load} > {_f(ratio)} x mean {_n(total / 4)} = "
                    f"{_n(cap)}",
                    held=f"{_k(w.load)} load, above H12's cap of {_k(cap)} ({_f(ratio)} x the "
                    f"mean of the 4 weeks before, {_k(total / 4)})",
                    frozen="nothing more this week adds load",
                )
            )
    return found


def check_h13_intensity(facts: Facts) -> list[Violation]:
    """H13: ``10000 x hard_minutes <= bp(max_hard_share) x minutes``; and in a week with
    run minutes ``10000 x easy_run_minutes >= bp(min_easy_run_share) x run_minutes`` (easy
    run minutes: runs whose intensity is easy; hikes and rides cannot dilute the runs)."""
    share = facts.rules.max_hard_share
    easy = facts.rules.min_easy_run_share
    found: list[Violation] = []
    for w in facts.weeks:
        if BP * w.hard_minutes > bp(share) * w.minutes:
            found.append(
                _breach(
                    "H13",
                    "hard share",
                    w,
                    w.hard_minutes,
                    f"week {w.index}: hard minutes {w.hard_minutes} > {_f(share)} x "
                    f"{w.minutes} = {_n(bp(share) * w.minutes / BP)}",
                    held=f"{_k(w.hard_minutes)} hard minutes of {_k(w.minutes)}, above H13's "
                    f"hard share of {_f(share)}",
                    frozen="nothing more this week adds hard minutes",
                )
            )
        if w.run_minutes and BP * w.easy_run_minutes < bp(easy) * w.run_minutes:
            not_easy = w.run_minutes - w.easy_run_minutes
            found.append(
                _breach(
                    "H13",
                    "easy run share",
                    w,
                    not_easy,
                    f"week {w.index}: easy run minutes {w.easy_run_minutes} < {_f(easy)} x "
                    f"run minutes {w.run_minutes} = {_n(bp(easy) * w.run_minutes / BP)}",
                    held=f"{_k(not_easy)} of {_k(w.run_minutes)} run minutes not easy, below "
                    f"H13's easy run share of {_f(easy)}",
                    frozen="nothing more this week adds running that is not easy",
                )
            )
    return found


def _progression_ok(value: int, before: int, fraction: float, minutes: int) -> bool:
    return BP * value <= (BP + bp(fraction)) * before or value <= before + minutes


def _growth_cap(before: int, fraction: float, minutes: int) -> int:
    """H14: the longest a run (hike) may be after ``before``: floor(max(before x (1 +
    fraction), before + minutes))."""
    return max((BP + bp(fraction)) * before // BP, before + minutes)


def check_h14_long_sessions(facts: Facts) -> list[Violation]:
    """H14: at most one long session a week, at least as long as every other session of the
    week; longest run (hike) at most max(R (1 + f), R + m) over all earlier weeks and the
    baseline; a long run at most ``max_long_run_share`` of its week's minutes. Recipe: full,
    non-recovery base, build and peak weeks hold a long session, and in full non-recovery
    build and peak weeks the longest counting session reaches the week's long floor; one
    (H14, week) miss whichever part fails."""
    rules = facts.rules
    increase = rules.long_increase
    share = rules.max_long_run_share
    athlete = facts.scenario.athlete
    longest = {"run": athlete.long_minutes, "hike": athlete.baseline_long_hike}
    targets = long_targets(facts.scenario)
    found: list[Violation] = []
    for w in facts.weeks:
        longs = [(d, s) for d, s in w.training if s.long]
        found += _h14_long_session_caps(w, longs, share)
        misses: list[str] = []
        loading = w.week.full and not w.week.recovery
        if loading and w.week.phase in (Phase.BASE, Phase.BUILD, Phase.PEAK) and not longs:
            misses.append("no long session (wants exactly one)")
        if w.index in targets and w.week.phase in (Phase.BUILD, Phase.PEAK):
            miss = _h14_long_floor_miss(facts, w, targets[w.index], longest)
            if miss is not None:
                misses.append(miss)
        if misses:
            found += facts.recipe("H14", w.index, "; ".join(misses))
        for what, value in (("run", w.longest_run), ("hike", w.longest_hike)):
            before = longest[what]
            if value and not _progression_ok(value, before, increase.fraction, increase.minutes):
                cap = max((BP + bp(increase.fraction)) * before / BP, before + increase.minutes)
                found.append(
                    _breach(
                        "H14",
                        f"{what} growth",
                        w,
                        value,
                        f"week {w.index}: longest {what} {value} min > max("
                        f"{_f(1 + increase.fraction)} x {before}, {before} + {increase.minutes}) "
                        f"= {_n(cap)}",
                        held=f"a {value}-minute {what}, above H14's growth cap of {_n(cap)} min "
                        f"(from the longest {what} before, {before} min)",
                        frozen=f"nothing more this week is a longer {what}",
                    )
                )
            longest[what] = max(before, value)
    return found


def _h14_long_session_caps(
    w: WeekFacts, longs: list[tuple[dt.date, Session]], share: float
) -> list[Violation]:
    """H14 (safety): at most one long session, at least as long as every session of its
    week that is not long; a long run at most ``max_long_run_share`` of the week's
    minutes. The figures of the last two are the week's (REPLAN figure table): its longest
    session that is not long, and its longest long run."""
    found: list[Violation] = []
    if len(longs) > 1:
        kinds = ", ".join(f"{s.kind} {d}" for d, s in longs)
        found.append(
            _breach(
                "H14",
                "one long session",
                w,
                len(longs),
                f"week {w.index}: {len(longs)} long sessions ({kinds})",
                held=f"{len(longs)} long sessions ({kinds}), above H14's one a week",
                frozen="nothing more this week adds a long session",
            )
        )
    longest_other = max((s.minutes for _, s in w.training if not s.long), default=0)
    longest_long_run = max((s.minutes for _, s in longs if _is_run(s)), default=0)
    for d, s in w.training:
        if not s.long:
            continue
        # Against the sessions that are not long (longest_other): a second long session
        # is the "one long session" part's breach, not this one's.
        if s.minutes < longest_other:
            found.append(
                _breach(
                    "H14",
                    "long is longest",
                    w,
                    longest_other,
                    f"week {w.index}: long session {s.kind} {s.minutes} min on {d} is "
                    f"shorter than another session of the week ({longest_other} min)",
                    held=f"a long session ({s.kind} {s.minutes} min on {d}) shorter than "
                    f"another session ({longest_other} min), where H14 wants the long session "
                    f"the week's longest",
                    frozen=f"nothing more this week is longer than {longest_other} min",
                    date=d,
                )
            )
        if _is_run(s) and BP * s.minutes > bp(share) * w.minutes:
            found.append(
                _breach(
                    "H14",
                    "long run share",
                    w,
                    longest_long_run,
                    f"week {w.index}: long run {s.minutes} min > {_f(share)} x week "
                    f"minutes {w.minutes} = {_n(bp(share) * w.minutes / BP)}",
                    held=f"a {s.minutes}-minute long run ({s.kind} on {d}) in {_k(w.minutes)} "
                    f"minutes, above H14's long run share of {_f(share)}",
                    frozen="nothing more this week adds a longer long run",
                    date=d,
                )
            )
    return found


def _h14_long_floor_miss(
    facts: Facts, w: WeekFacts, target: int, longest: Mapping[str, int]
) -> str | None:
    """H14's recipe floor in a full non-recovery build or peak week, or None when met:
    floor = grid_down(min(A, max(R, H), S)) with A = floor(long_floor x target), R the run
    growth cap from ``longest["run"]`` (the longest run of every earlier week and the
    baseline) capped by floor(max_long_run_share x the week's minutes), H the hike growth
    cap where hikes count (else 0), S the longest slot a counting kind can take that week."""
    rules, race_kind = facts.rules, facts.race_kind
    fraction, minutes = rules.long_increase.fraction, rules.long_increase.minutes
    a = bp(rules.long_floor) * target // BP
    run_growth = _growth_cap(longest["run"], fraction, minutes)
    run_share = bp(rules.max_long_run_share) * w.minutes // BP
    r = min(run_growth, run_share)
    hikes_count = race_kind is not RaceKind.ROAD
    h = _growth_cap(longest["hike"], fraction, minutes) if hikes_count else 0
    s = longest_counting_slot(facts.scenario, w.week)
    grid = rules.grid_minutes
    floor = min(a, max(r, h), s) // grid * grid
    counting = [x.minutes for _, x in w.training if _counts_for_long(facts, x)]
    longest_counting = max(counting, default=0)
    if longest_counting >= floor:
        return None
    return (
        f"longest counting session {longest_counting} min < long floor {floor} = "
        f"grid_down(min(A {a} = {_f(rules.long_floor)} x target {target}, max(R {r} = "
        f"min(run growth {run_growth}, {_f(rules.max_long_run_share)} x {w.minutes}), "
        f"H {h}), S {s}))"
    )


def _counts_for_long(facts: Facts, session: Session) -> bool:
    """rules.md, counting session: a run, or a hike unless before a road race."""
    kind = facts.kind(session)
    return kind is not None and counts_for_long(kind, facts.race_kind)


def _band(scenario: Scenario, phase: Phase) -> tuple[str, Band] | None:
    """H15's measure (``road`` or ``trail`` share) and band for ``phase``, or None."""
    bands = scenario.resolved_rules.ratio_bands
    if phase is Phase.BASE:
        return "road", bands.base
    if phase is Phase.BUILD:
        return "road", bands.build
    race = scenario.race
    if race is None:
        return None
    if race.kind is RaceKind.TRAIL:
        return "trail", bands.peak_trail
    return "road", bands.peak_road


def _placeable(scenario: Scenario, kind: SessionKind, day: dt.date, grid: int) -> bool:
    """Whether ``kind`` fits on ``day``: its terrain is reachable and a slot is open for at
    least its shortest grid duration."""
    lo, hi = kind.minutes
    shortest = math.ceil(lo / grid) * grid
    if shortest > hi or not scenario.reachable(kind.terrain, day):
        return False
    return any(scenario.slot_minutes(day, slot) >= shortest for slot in SLOTS)


def waived_weeks(scenario: Scenario) -> dict[int, str]:
    """H15 waivers: weeks in which no allowed run kind of road or track (trail or hills)
    terrain can be placed on any date, with the reason. Only weeks with a band count: the
    race week and no-race peak or taper weeks are never waived (they have no band)."""
    grid = scenario.resolved_rules.grid_minutes
    runs = [k for k in scenario.allowed_kinds() if k.modality is Modality.RUN]
    groups = (("road or track", ROAD_TERRAINS), ("trail or hills", TRAIL_TERRAINS))
    waived: dict[int, str] = {}
    for week in scenario.calendar:
        if week.is_race_week or _band(scenario, week.phase) is None:
            continue
        missing = [
            label
            for label, terrains in groups
            if not any(
                _placeable(scenario, kind, day, grid)
                for kind in runs
                if kind.terrain in terrains
                for day in week.dates()
            )
        ]
        if missing:
            waived[week.index] = (
                f"week {week.index}: H15 waived: no allowed run kind on "
                f"{' nor '.join(missing)} terrain can be placed on any date of the week"
            )
    return waived


def _share_text(measure: str, part: int, whole: int, band: Band) -> str:
    return (
        f"{measure} share {part}/{whole} = {part / whole:.3f} outside "
        f"[{_f(band.lo)}, {_f(band.hi)}] by more than half a grid step"
    )


def check_h15_terrain_ratio(facts: Facts) -> list[Violation]:
    """H15: road (or trail) share of run minutes within the phase's band, to half a grid
    step of minutes either side, per week or over the phase's non-exempt weeks. Exempt:
    the race week, waived weeks, and weeks (phases) without run minutes; every waived week
    must be listed in ``plan.shortfalls`` as H15.

    A phase's instance belongs to its first non-exempt week, whatever that week runs (a
    re-plan judges it only when that week is not history, and the logged days of that week
    are then the phase's logged part); a phase of one such week reads as that week."""
    waived = waived_weeks(facts.scenario)
    found: list[Violation] = []
    for index, reason in waived.items():
        if ("H15", index) not in facts.listed:
            found.append(_v("H15", f"{reason}; the waiver is not listed in shortfalls", index))
    # Sessions last whole grid steps, so the band is met to half a step either side
    # (doubled, to stay in integers).
    step = facts.rules.grid_minutes * BP
    groups: dict[object, list[tuple[WeekFacts, str, Band]]] = {}
    for w in facts.weeks:
        measure_band = _band(facts.scenario, w.week.phase)
        if measure_band is None or w.week.is_race_week or w.index in waived:
            continue
        measure, bounds = measure_band
        key = w.week.phase if facts.rules.ratio_scope is RatioScope.PHASE else w.index
        groups.setdefault(key, []).append((w, measure, bounds))
    for group in groups.values():
        _, measure, band = group[0]
        whole = sum(w.run_minutes for w, _, _ in group)
        part = sum(w.road_minutes if measure == "road" else w.trail_minutes for w, _, _ in group)
        if not whole or (
            2 * bp(band.lo) * whole - step <= 2 * BP * part <= 2 * bp(band.hi) * whole + step
        ):
            continue
        found.append(_h15_breach([w for w, _, _ in group], measure, part, whole, band))
    return found


def _h15_breach(
    group: list[WeekFacts], measure: str, part: int, whole: int, band: Band
) -> WeeklyBreach:
    """H15: the ``measure`` share of a week (a ``group`` of one) or of a phase's weeks
    outside ``band`` by more than half a grid step, charged to the group's first week.
    Above the band the figure is the part's minutes, below it the other run minutes."""
    first = group[0]
    phase = first.week.phase
    if len(group) == 1:
        label, over, span = f"week {first.index} ({phase})", "", "week"
    else:
        indices = ", ".join(str(w.index) for w in group)
        label, over, span = f"phase {phase} (weeks {indices})", f" over the {phase} phase", "phase"
    # A share past the band by more than half a step is past its exact bound on that side.
    above = BP * part > bp(band.hi) * whole
    where = f"{'above' if above else 'below'} H15's {measure} share band"
    return _breach(
        "H15",
        "above band" if above else "below band",
        first,
        part if above else whole - part,
        f"{label}: {_share_text(measure, part, whole, band)}",
        held=f"{_k(part)} {measure} minutes of {_k(whole)} run minutes{over}, {where} "
        f"[{_f(band.lo)}, {_f(band.hi)}]",
        frozen=f"nothing more this {span} adds {measure} running"
        if above
        else f"nothing more this {span} adds running off {measure}",
    )


def check_h16_phase_recipes(facts: Facts) -> list[Violation]:
    """H16 (recipe). Intermediate and advanced, full non-recovery weeks: base >= 1 trail
    session and >= 2 road runs; build >= 1 long trail session / long road run / long
    session (trail race / road race / no race), >= 1 hard road run, >= 1 easy session and
    >= 1 cross-training session; trail race: >= 1 simulation session in the peak phase, a
    miss charged to the first full non-recovery peak week. Every level, full non-recovery
    build and peak weeks before a trail race with >= 25 m of climbing per km: >= 1 hill
    session. Beginners, full non-recovery base, build and peak weeks: >= 1 run (the
    seeds' beginner rhythm: two hikes and one light run) unless injuries exclude every
    run kind. The items of one week are one
    (H16, week) miss."""
    items: dict[int, list[str]] = {}
    if facts.level is not Level.BEGINNER:
        for w in facts.weeks:
            if w.week.full and not w.week.recovery:
                items.setdefault(w.index, []).extend(_h16_phase_items(facts, w))
        charged = _h16_simulation_miss(facts)
        if charged is not None:
            items.setdefault(charged, []).append("no simulation session in the peak phase")
    elif any(kind.is_run for kind in facts.scenario.allowed_kinds()):
        for w in facts.weeks:
            if _beginner_run_week(w.week) and not any(_is_run(s) for _, s in w.training):
                items.setdefault(w.index, []).append("no run")
    for index in _h16_hill_misses(facts):
        items.setdefault(index, []).append("no hill session")
    found: list[Violation] = []
    for index, missing in sorted(items.items()):
        if missing:
            phase = facts.weeks[index - 1].week.phase
            found += facts.recipe("H16", index, f"{phase} recipe: {'; '.join(missing)}")
    return found


def _beginner_run_week(week: Week) -> bool:
    """H16's beginner item: a full non-recovery base, build or peak week wants a run."""
    return week.full and not week.recovery and week.phase is not Phase.TAPER


def _h16_phase_items(facts: Facts, w: WeekFacts) -> list[str]:
    """H16's base and build items a full non-recovery week misses (intermediate and up)."""
    race = facts.scenario.race
    sessions = [s for _, s in w.training]
    missing: list[str] = []
    if w.week.phase is Phase.BASE:
        trail = sum(1 for s in sessions if _is_trail_session(s))
        road = sum(1 for s in sessions if _is_road_run(s))
        if trail < 1:
            missing.append("0 trail sessions < 1")
        if road < 2:
            missing.append(f"{road} road runs < 2")
    elif w.week.phase is Phase.BUILD:
        if race is None:
            long_ok, long_what = any(s.long for s in sessions), "long session"
        elif race.kind is RaceKind.TRAIL:
            long_ok = any(s.long and s.terrain in TRAIL_TERRAINS for s in sessions)
            long_what = "long trail session"
        else:
            long_ok = any(s.long and _is_road_run(s) for s in sessions)
            long_what = "long road run"
        checks = (
            (long_ok, long_what),
            (any(s.hard and _is_road_run(s) for s in sessions), "hard road run"),
            (any(s.intensity is Intensity.EASY for s in sessions), "easy session"),
            (any(s.modality in CROSS_TRAINING for s in sessions), "cross-training session"),
        )
        missing += [f"no {what}" for ok, what in checks if not ok]
    return missing


def _h16_simulation_miss(facts: Facts) -> int | None:
    """The week charged with a trail race's missing peak simulation, or None."""
    race = facts.scenario.race
    if race is None or race.kind is not RaceKind.TRAIL:
        return None
    peak = [w for w in facts.weeks if w.week.phase is Phase.PEAK]
    charged = next((w for w in peak if w.week.full and not w.week.recovery), None)
    simulated = any(s.simulation for w in peak for _, s in w.training)
    return charged.index if charged is not None and not simulated else None


def _h16_hill_misses(facts: Facts) -> list[int]:
    """Full non-recovery build and peak weeks without a hill session (hills terrain or a
    ``climbing`` kind; hikes count) before a trail race with >= 25 m climbing per km."""
    race = facts.scenario.race
    if race is None or not race.asks_for_hills:
        return []
    return [
        w.index
        for w in facts.weeks
        if w.week.full
        and not w.week.recovery
        and w.week.phase in (Phase.BUILD, Phase.PEAK)
        and not any(_is_hill_session(s) for _, s in w.training)
    ]


def check_h17_taper(facts: Facts) -> list[Violation]:
    """H17: each taper week's minutes ``10000 m <= bp(hi) Mx``, Mx the highest weekly
    minutes before the taper (baseline ``weekly_minutes`` if none); from the second taper
    week on, minutes per day no higher than the taper week before: ``m_w x days_(w-1) <=
    m_(w-1) x days_w`` (race week's days: those before race day); recipe ``7 x 10000 (m +
    grid) > bp(lo) x Mx x days`` (short of the prorated floor by less than a grid step)."""
    band = facts.rules.taper_volume
    taper = [w for w in facts.weeks if w.week.taper]
    if not taper:
        return []
    before = [w.minutes for w in facts.weeks if w.index < taper[0].index]
    peak = max(before) if before else facts.scenario.athlete.weekly_minutes
    found: list[Violation] = []
    for w in taper:
        if BP * w.minutes > bp(band.hi) * peak:
            cap = bp(band.hi) * peak / BP
            found.append(
                _breach(
                    "H17",
                    "taper cap",
                    w,
                    w.minutes,
                    f"week {w.index}: taper minutes {w.minutes} > {_f(band.hi)} x {peak} "
                    f"= {_n(cap)}",
                    held=f"{_k(w.minutes)} minutes, above H17's taper cap of {_k(cap)} "
                    f"({_f(band.hi)} x the {_k(peak)} of the highest week before the taper)",
                    frozen="nothing more this week adds minutes",
                )
            )
        # the recipe: within one grid step of the prorated floor (m + grid > floor)
        grid = facts.rules.grid_minutes
        if 7 * BP * (w.minutes + grid) <= bp(band.lo) * peak * w.week.days:
            low = bp(band.lo) * peak * w.week.days / (7 * BP)
            found += facts.recipe(
                "H17",
                w.index,
                f"taper minutes {w.minutes} < {_f(band.lo)} x {peak} x {w.week.days}/7 = {_n(low)} "
                f"by a {grid}-minute grid step or more",
            )
    for previous, w in itertools.pairwise(taper):
        days_before, days = _training_days(previous.week), _training_days(w.week)
        if w.minutes * days_before > previous.minutes * days:
            found.append(
                _breach(
                    "H17",
                    "falling",
                    w,
                    w.minutes,
                    f"week {w.index}: taper minutes per day {w.minutes}/{days} > week "
                    f"{previous.index}'s {previous.minutes}/{days_before} (volume only falls "
                    f"into race week)",
                    held=f"{_k(w.minutes)} minutes over {days} days, more a day than the "
                    f"{_k(previous.minutes)} over {days_before} days of taper week "
                    f"{previous.index}, where H17 wants volume to fall",
                    frozen="nothing more this week adds minutes",
                )
            )
    return found


def _training_days(week: Week) -> int:
    """H17: the days of ``week`` that can hold training (race week: those before race day)."""
    return week.days - 1 if week.is_race_week else week.days


def check_h18_race(facts: Facts) -> list[Violation]:
    """H18: exactly one race session, on race day, alone; the day before is rest or one
    easy session of at most 30 minutes; no demanding session on the ``race_quiet_days``
    days before; a rest day among the 6 days before (those inside the plan)."""
    race = facts.scenario.race
    races = [(d, s) for d, s in facts.sessions() if _is_race(s)]
    found: list[Violation] = []
    if race is None:
        return [
            _v(
                "H18",
                f"{d}: race session {s.kind} but the scenario has no race",
                facts.week_index(d),
                d,
            )
            for d, s in races
        ]
    day = race.date
    week = facts.week_index(day)
    for d, s in races:
        if d != day:
            found.append(
                _v("H18", f"{d}: race session {s.kind} off race day {day}", facts.week_index(d), d)
            )
    on_day = [s for d, s in races if d == day]
    if len(on_day) != 1:
        found.append(
            _v("H18", f"{day}: {len(on_day)} race sessions on race day (wants 1)", week, day)
        )
    race_day = facts.days.get(day)
    others = [s.kind for s in race_day.sessions if not _is_race(s)] if race_day else []
    if others:
        found.append(
            _v("H18", f"{day}: race day holds {', '.join(others)} besides the race", week, day)
        )
    return found + _h18_eve(facts, day) + _h18_quiet_days(facts, day) + _h18_rest_day(facts, day)


def _h18_eve(facts: Facts, race_day: dt.date) -> list[Violation]:
    """H18: the day before the race is rest or one easy session of at most 30 minutes."""
    eve = race_day - dt.timedelta(days=1)
    eve_day = facts.days.get(eve)
    if eve_day is None or not eve_day.sessions:
        return []
    s = eve_day.sessions[0]
    if (
        len(eve_day.sessions) == 1
        and s.intensity is Intensity.EASY
        and s.minutes <= EVE_MAX_MINUTES
    ):
        return []
    held = ", ".join(f"{x.kind} {x.intensity} {x.minutes} min" for x in eve_day.sessions)
    return [
        _v(
            "H18",
            f"{eve}: the day before the race holds {held} (wants rest or one easy session "
            f"<= {EVE_MAX_MINUTES} min)",
            facts.week_index(eve),
            eve,
        )
    ]


def _h18_quiet_days(facts: Facts, race_day: dt.date) -> list[Violation]:
    """H18: no demanding session on the ``race_quiet_days`` days before the race."""
    quiet = facts.rules.race_quiet_days
    found: list[Violation] = []
    for back in range(1, quiet + 1):
        d = race_day - dt.timedelta(days=back)
        held = facts.days.get(d)
        if held is None:
            continue
        found += [
            _v(
                "H18",
                f"{d}: demanding session {s.kind} {back} day(s) before the race "
                f"(race_quiet_days {quiet})",
                facts.week_index(d),
                d,
            )
            for s in held.sessions
            if _is_demanding(s)
        ]
    return found


def _h18_rest_day(facts: Facts, race_day: dt.date) -> list[Violation]:
    """H18: at least one rest day among the 6 days before race day (those in the plan)."""
    window = [
        d
        for back in range(1, RACE_REST_WINDOW + 1)
        if (d := race_day - dt.timedelta(days=back)) in facts.days
    ]
    if not window or any(not facts.days[d].sessions for d in window):
        return []
    eve = window[0]
    return [
        _v(
            "H18",
            f"{window[-1]} to {eve}: no rest day among the {len(window)} days before the race",
            facts.week_index(eve),
            eve,
        )
    ]


def check_h19_injuries(facts: Facts) -> list[Violation]:
    """H19: no session whose stresses match an athlete injury tag."""
    injuries = facts.scenario.athlete.injuries
    found: list[Violation] = []
    for d, s in facts.sessions():
        hit = [
            f"{tag} -> {INJURY_STRESS[tag]}" for tag in injuries if INJURY_STRESS[tag] in s.stresses
        ]
        if hit:
            found.append(
                _v(
                    "H19",
                    f"{d} {s.kind}: stresses an injury ({', '.join(hit)})",
                    facts.week_index(d),
                    d,
                )
            )
    return found


def check_h20_pins(facts: Facts) -> list[Violation]:
    """H20: each pinned session appears exactly: date, slot, kind and minutes."""
    found: list[Violation] = []
    for pin in facts.scenario.pinned:
        day = facts.days.get(pin.date)
        held = [s for s in day.sessions if s.slot is pin.slot] if day is not None else []
        if any(s.kind == pin.kind and s.minutes == pin.minutes for s in held):
            continue
        got = ", ".join(f"{s.kind} {s.minutes} min" for s in held) or "nothing"
        found.append(
            _v(
                "H20",
                f"{pin.date} {pin.slot}: pinned {pin.kind} {pin.minutes} min, plan has {got}",
                facts.week_index(pin.date),
                pin.date,
            )
        )
    return found


def _h21_excludes(scenario: Scenario, week: Week, races: Iterable[RaceKind]) -> bool:
    """H21: whether a session serving ``races`` (the plan's copy of its kind's flag) is
    ruled out in ``week``: before a road race, in build, peak and taper weeks, a kind that
    does not serve road races."""
    race = scenario.race
    if race is None or race.kind is not RaceKind.ROAD:
        return False
    return week.phase is not Phase.BASE and RaceKind.ROAD not in races


def check_h21_specificity(facts: Facts) -> list[Violation]:
    """H21: before a road race, no session in a build, peak or taper week of a kind that
    does not serve road races (its ``races`` lacks road: simulations, technical downhill)."""
    found: list[Violation] = []
    for w in facts.weeks:
        for d, s in w.training:
            if _h21_excludes(facts.scenario, w.week, s.races):
                found.append(
                    _v(
                        "H21",
                        f"{d} {s.kind}: serves {'/'.join(str(r) for r in s.races)} races only, "
                        f"in a {w.week.phase} week before a road race",
                        w.index,
                        d,
                    )
                )
    return found


def check_h22_strength(facts: Facts) -> list[Violation]:
    """H22 (recipe): at least ``min_strength_per_week`` strength sessions (default 1; 0
    turns H22 off) per full week outside the taper, recovery weeks included."""
    need = facts.rules.min_strength_per_week
    found: list[Violation] = []
    for w in facts.weeks:
        if w.week.full and not w.week.taper and w.strength_sessions < need:
            found += facts.recipe(
                "H22",
                w.index,
                f"{w.strength_sessions} strength sessions < min_strength_per_week {need}",
            )
    return found


# --------------------------------------------------------------------------------------
# Plan consistency (rule id PLAN).


def check_plan_sessions(facts: Facts) -> list[Violation]:
    """PLAN: every session matches its kind in the catalogue (modality, terrain, intensity,
    rpe, work_share, flags, races, slots, stresses); load = minutes x rpe; hard minutes =
    floor(minutes x work_share%)."""
    found: list[Violation] = []
    for day in facts.plan.days:
        week = facts.week_index(day.date)
        for s in day.sessions:
            where = f"{day.date} {s.slot} {s.kind}"
            kind = facts.kind(s)
            if kind is None:
                found.append(_v(PLAN_RULE, f"{where}: unknown session kind", week, day.date))
                rpe, pct = s.rpe, round(s.work_share * 100)
            else:
                rpe, pct = kind.rpe, kind.work_share_pct
                expected: dict[str, object] = {
                    "modality": kind.modality,
                    "terrain": kind.terrain,
                    "intensity": kind.intensity,
                    "rpe": kind.rpe,
                    "work_share": kind.work_share_pct,
                    "hard": kind.hard,
                    "long": kind.long,
                    "simulation": kind.simulation,
                    "demanding": kind.demanding,
                    "climbing": kind.climbing,
                    "races": frozenset(kind.races),
                    "slots": frozenset(kind.slots),
                    "stresses": frozenset(kind.stresses),
                }
                actual: dict[str, object] = {
                    "modality": s.modality,
                    "terrain": s.terrain,
                    "intensity": s.intensity,
                    "rpe": s.rpe,
                    "work_share": round(s.work_share * 100),
                    "hard": s.hard,
                    "long": s.long,
                    "simulation": s.simulation,
                    "demanding": s.demanding,
                    "climbing": s.climbing,
                    "races": frozenset(s.races),
                    "slots": frozenset(s.slots),
                    "stresses": frozenset(s.stresses),
                }
                for name, want in expected.items():
                    if actual[name] != want:
                        found.append(
                            _v(
                                PLAN_RULE,
                                f"{where}: {name} {actual[name]} but the kind says {want}",
                                week,
                                day.date,
                            )
                        )
            if s.load != s.minutes * rpe:
                found.append(
                    _v(
                        PLAN_RULE,
                        f"{where}: load {s.load} != {s.minutes} x rpe {rpe} = {s.minutes * rpe}",
                        week,
                        day.date,
                    )
                )
            hard = s.minutes * pct // 100
            if s.hard_minutes != hard:
                found.append(
                    _v(
                        PLAN_RULE,
                        f"{where}: hard minutes {s.hard_minutes} != floor("
                        f"{s.minutes} x {pct}%) = {hard}",
                        week,
                        day.date,
                    )
                )
    return found


def check_plan_days(facts: Facts) -> list[Violation]:
    """PLAN: ``days`` lists every date from start to end exactly once, with its weekday."""
    scenario = facts.scenario
    found: list[Violation] = []
    seen: Counter[dt.date] = Counter(day.date for day in facts.plan.days)
    for day in facts.plan.days:
        week = facts.week_index(day.date)
        if week is None:
            found.append(
                _v(
                    PLAN_RULE,
                    f"{day.date}: outside the plan ({scenario.start} to {scenario.end})",
                    None,
                    day.date,
                )
            )
        if day.weekday is not Weekday.of(day.date):
            found.append(
                _v(
                    PLAN_RULE,
                    f"{day.date}: weekday {day.weekday} but the date is a {Weekday.of(day.date)}",
                    week,
                    day.date,
                )
            )
    for date, count in seen.items():
        if count > 1:
            found.append(
                _v(PLAN_RULE, f"{date}: listed {count} times", facts.week_index(date), date)
            )
    for date in scenario.dates:
        if date not in seen:
            found.append(_v(PLAN_RULE, f"{date}: missing from days", facts.week_index(date), date))
    return found


def check_plan_weeks(facts: Facts) -> list[Violation]:
    """PLAN: ``plan.weeks`` matches the calendar and the sums re-derived from the days."""
    found: list[Violation] = []
    summaries = facts.plan.weeks
    if len(summaries) != len(facts.weeks):
        found.append(_v(PLAN_RULE, f"{len(summaries)} week summaries for {len(facts.weeks)} weeks"))
    for summary, w in zip(summaries, facts.weeks, strict=False):
        exact: dict[str, tuple[object, object]] = {
            "index": (summary.index, w.index),
            "start": (summary.start, w.week.start),
            "days": (summary.days, w.week.days),
            "phase": (summary.phase, w.week.phase),
            "recovery": (summary.recovery, w.week.recovery),
            "minutes": (summary.minutes, w.minutes),
            "load": (summary.load, w.load),
            "hard_minutes": (summary.hard_minutes, w.hard_minutes),
            "sessions": (summary.sessions, w.sessions),
            "hard_sessions": (summary.hard_sessions, w.hard_sessions),
            "rest_days": (summary.rest_days, w.rest_days),
        }
        for name, (said, derived) in exact.items():
            if said != derived:
                found.append(
                    _v(
                        PLAN_RULE,
                        f"week {w.index}: summary {name} {said} but the days give {derived}",
                        w.index,
                    )
                )
        run = w.run_minutes
        shares = {
            "road_share": (summary.road_share, w.road_minutes / run if run else 0.0),
            "trail_share": (summary.trail_share, w.trail_minutes / run if run else 0.0),
        }
        for name, (said_share, derived_share) in shares.items():
            if abs(said_share - derived_share) > SHARE_TOLERANCE:
                found.append(
                    _v(
                        PLAN_RULE,
                        f"week {w.index}: summary {name} {said_share} but the days "
                        f"give {derived_share:.4f}",
                        w.index,
                    )
                )
    return found


RULE_CHECKS: tuple[tuple[str, Callable[[Facts], list[Violation]]], ...] = (
    ("H01", check_h01_availability),
    ("H02", check_h02_terrain),
    ("H03", check_h03_slots_and_doubles),
    ("H04", check_h04_rest_days),
    ("H05", check_h05_hard_sessions),
    ("H06", check_h06_back_to_back),
    ("H07", check_h07_sessions),
    ("H08", check_h08_hikes),
    ("H09", check_h09_progression),
    ("H10", check_h10_one_lever),
    ("H11", check_h11_recovery),
    ("H12", check_h12_acute_chronic),
    ("H13", check_h13_intensity),
    ("H14", check_h14_long_sessions),
    ("H15", check_h15_terrain_ratio),
    ("H16", check_h16_phase_recipes),
    ("H17", check_h17_taper),
    ("H18", check_h18_race),
    ("H19", check_h19_injuries),
    ("H20", check_h20_pins),
    ("H21", check_h21_specificity),
    ("H22", check_h22_strength),
    (PLAN_RULE, check_plan_sessions),
    (PLAN_RULE, check_plan_days),
    (PLAN_RULE, check_plan_weeks),
)
"""Every check, by rule id, in catalogue order."""


def _sort_key(v: Violation) -> tuple[int, str, dt.date, str]:
    return (v.week if v.week is not None else 0, v.rule, v.date or dt.date.min, v.message)


def _plain(v: Violation) -> Violation:
    """``v`` as a plain `Violation` (a `WeeklyBreach` without its re-plan fields)."""
    if type(v) is Violation:
        return v
    return Violation(rule=v.rule, week=v.week, date=v.date, message=v.message, recipe=v.recipe)


def _run(facts: Facts, checks: Iterable[Callable[[Facts], list[Violation]]]) -> list[Violation]:
    found = [_plain(v) for check_rule in checks for v in check_rule(facts)]
    return sorted(found, key=_sort_key)


def _findings(facts: Facts) -> list[Violation]:
    """Every check's findings on ``facts``, `WeeklyBreach` ones with their re-plan fields."""
    return [v for _, check_rule in RULE_CHECKS for v in check_rule(facts)]


def check(
    scenario: Scenario,
    plan: Plan,
    *,
    done: TrainingLog | None = None,
    today: dt.date | None = None,
) -> list[Violation]:
    """Every violation of ``plan`` against ``scenario``'s hard rules (and plan consistency),
    sorted by (week, rule, date). A plan without days (infeasible, unknown) yields [].

    With a training log ``done`` (a re-plan's history) the days before ``today`` (default:
    the plan's ``replanned_from``, else the day after the log's last entry) must be what
    the log says (H20), and the past is a fact (rules.md, Re-planning): weeks wholly before
    today and day-scoped instances whose days are all before today are history, not judged;
    today's week is judged whole, its recipes soft even under ``recipes: strict``, except
    that a weekly instance its logged days alone break is waived when the days from today
    add nothing to its figure and ``plan.shortfalls`` lists it as ``broken_by_log`` (see
    `broken_by_log`). Later weeks have the real past in their references (H09-H12, H14,
    H17)."""
    if not plan.days and not plan.has_plan:
        return []
    if done is None:
        return _run(Facts.of(scenario, plan), (fn for _, fn in RULE_CHECKS))
    today = _replan_today(scenario, plan, done, today)
    split = split_week(scenario, today)
    facts = Facts.of(scenario, plan, soft_weeks=[split.index] if split is not None else [])
    found = [v for v in _findings(facts) if _judged(scenario, v, today)]
    if split is not None:
        logged = _breaches(Facts.of(scenario, past_alone(plan, today)), split)
        found = [
            v for found_one in found for v in _split_week_verdict(facts, split, found_one, logged)
        ]
    return sorted([_plain(v) for v in found] + check_history(facts, done, today), key=_sort_key)


def broken_by_log(
    scenario: Scenario, plan: Plan, done: TrainingLog, today: dt.date | None = None
) -> list[Violation]:
    """The instances of the re-plan's split week (the week holding ``today``, today not its
    first day) that the logged days alone already break and whose figure the days from
    today did not grow: what a re-plan waives and must list in ``shortfalls`` as
    ``broken_by_log`` (REPLAN contract, figure table). One `Violation` each (rule, week;
    the date of the session for H14's long session parts), its message what was done:
    ``week 4: the logged days already hold 1,820 load, above H09's cap of 1,540; nothing
    more this week adds load``. ``today`` defaults as in `check`; [] when no week is split
    or the plan has no days. The plan's days before today are taken as the log's (check
    verifies that, H20)."""
    if not plan.days:
        return []
    today = _replan_today(scenario, plan, done, today)
    split = split_week(scenario, today)
    if split is None:
        return []
    logged = _breaches(Facts.of(scenario, past_alone(plan, today)), split)
    found: list[Violation] = []
    for key, breach in _breaches(Facts.of(scenario, plan), split).items():
        alone = logged.get(key)
        if alone is not None and breach.figure <= alone.figure:
            found.append(
                Violation(
                    rule=breach.rule,
                    week=breach.week,
                    date=breach.date,
                    message=f"week {split.index}: the logged days already hold {alone.held}; "
                    f"{alone.frozen}",
                )
            )
    return sorted(found, key=_sort_key)


def _replan_today(
    scenario: Scenario, plan: Plan, done: TrainingLog, today: dt.date | None
) -> dt.date:
    """A re-plan's first day: ``today``, else the plan's ``replanned_from``, else the day
    after the log's last entry, else the plan's start."""
    return today or plan.replanned_from or _day_after(done) or scenario.start


def split_week(scenario: Scenario, today: dt.date) -> Week | None:
    """The week holding ``today`` when today is not its first day (it has logged days and
    days to plan), else None."""
    return next((w for w in scenario.calendar if w.start < today <= w.end), None)


def past_alone(plan: Plan, today: dt.date) -> Plan:
    """``plan`` with every session from ``today`` on removed but the race: what the logged
    days alone make of the split week's instances (a week's figures look only backwards,
    save H15's phase share, which the split week can only open: see
    `check_h15_terrain_ratio`)."""
    days = tuple(
        d.model_copy(update={"sessions": tuple(s for s in d.sessions if _is_race(s))})
        if today <= d.date
        else d
        for d in plan.days
    )
    return plan.model_copy(update={"days": days})


BreachKey = tuple[str, str]
"""A weekly instance within its week: rule and part (H14's parts that name a session
have the week's figure, so one key holds them all)."""


def _breaches(facts: Facts, week: Week) -> dict[BreachKey, WeeklyBreach]:
    """The `WeeklyBreach` findings of ``week`` on ``facts``, by instance."""
    return {
        (v.rule, v.part): v
        for v in _findings(facts)
        if isinstance(v, WeeklyBreach) and v.week == week.index
    }


def _judged(scenario: Scenario, v: Violation, today: dt.date) -> bool:
    """Whether a re-plan judges ``v``: not in a week wholly before today, and, unless it is
    a weekly instance, not dated before today (day-scoped instances carry their last day:
    an H06 pair its second day, H18's rest window the eve of the race)."""
    if v.week is not None and scenario.calendar[v.week - 1].end < today:
        return False
    return isinstance(v, WeeklyBreach) or v.date is None or v.date >= today


def _split_week_verdict(
    facts: Facts, split: Week, v: Violation, logged: Mapping[BreachKey, WeeklyBreach]
) -> list[Violation]:
    """A re-plan's verdict on ``v``: as it is, unless it is an instance of the ``split``
    week that the logged days alone break (``logged``). Then it is waived if the days from
    today did not grow its figure and the plan lists it as ``broken_by_log``; a violation
    saying so if they grew it or the plan does not list it."""
    if not isinstance(v, WeeklyBreach) or v.week != split.index:
        return [v]
    alone = logged.get((v.rule, v.part))
    if alone is None:
        return [v]
    if v.figure > alone.figure:
        why = f"the days from today add to it ({_k(alone.figure)} -> {_k(v.figure)})"
    elif (v.rule, v.week) not in facts.listed_broken:
        why = "not listed in shortfalls as broken_by_log (the plan hides it)"
    else:
        return []
    why = f"broken by the log: the logged days hold {alone.held}; {why}"
    return [_v(v.rule, f"{v.message}; {why}", v.week, v.date)]


def _day_after(log: TrainingLog) -> dt.date | None:
    last = log.last_date()
    return last + dt.timedelta(days=1) if last is not None else None


def check_history(facts: Facts, done: TrainingLog, today: dt.date) -> list[Violation]:
    """H20 in a re-plan: every day before ``today`` holds exactly the logged sessions (kind,
    minutes and RPE, in either slot: a log need not say which; a day without entries is a
    rest day)."""
    try:
        logged = logged_sessions(facts.scenario, done, today)
    except LogError as error:
        return [_v("H20", f"the log does not fit the plan: {error}")]
    found: list[Violation] = []
    for date, day in sorted(facts.days.items()):
        if date >= today:
            continue
        want = sorted(f"{s.kind.id} {s.minutes} min rpe {s.kind.rpe}" for s in logged.get(date, []))
        have = sorted(f"{s.kind} {s.minutes} min rpe {s.rpe}" for s in day.sessions)
        if want != have:
            found.append(
                _v(
                    "H20",
                    f"{date}: the log says {'; '.join(want) or 'rest'}, the plan has "
                    f"{'; '.join(have) or 'rest'}",
                    facts.week_index(date),
                    date,
                )
            )
    return found


def recipe_misses(scenario: Scenario, plan: Plan) -> list[Violation]:
    """Every recipe minimum ``plan`` misses, whatever the recipe mode and the shortfalls say:
    exactly the (rule, week) pairs a soft-recipe plan must list in ``shortfalls``."""
    if not plan.days:
        return []
    facts = Facts.of(scenario, plan, recipes=RecipeMode.STRICT)
    return [v for v in _run(facts, (fn for _, fn in RULE_CHECKS)) if v.recipe]
