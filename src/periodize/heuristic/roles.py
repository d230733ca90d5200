"""Step 1 of a greedy week: the roles it wants, most important first (the seeds' weekly
rhythms, *hike-run* and *trail-road*).

One long session (not in the taper), the hard sessions of the level, the hikes H08 asks
for, the strength sessions H22 asks for, H16's phase items (a trail session and road runs
in base, an easy and a cross-training session in build, a simulation in a trail peak),
then easy runs up to the level's session count, and strength or cross-training top-ups
tried last as doubles. Recovery weeks hold one session fewer and one hard session at most
(H05, H11); the taper keeps one hard session and no long one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from periodize.catalogue import SessionKind
from periodize.heuristic.frame import KindTest, Placed, Role, WeekFrame
from periodize.vocabulary import TRAIL_TERRAINS, Level, Phase, RaceKind

LONG_WEIGHT = 1.8
"""A long session's length relative to an easy session's (its length is set to the long
target where it has one; the weight orders it among the others)."""
STRENGTH_WEIGHT = 0.6
"""A strength session's length relative to an easy session's."""


def _long_run(k: SessionKind) -> bool:
    return k.long and k.is_run


def _long_hike(k: SessionKind) -> bool:
    return k.long and k.is_hike


def _long_road(k: SessionKind) -> bool:
    return k.long and k.is_road_run


def _long_trail(k: SessionKind) -> bool:
    return k.long and k.is_trail_run


def _any_long(k: SessionKind) -> bool:
    return k.long


def road_hard(k: SessionKind) -> bool:
    return k.hard and k.is_road_run


def trail_hard(k: SessionKind) -> bool:
    return k.hard and k.is_run and k.terrain in TRAIL_TERRAINS


def hill_hard(k: SessionKind) -> bool:
    """A hard hill session (H16's hill item)."""
    return k.hard and k.is_hill_session


def _any_hard(k: SessionKind) -> bool:
    return k.hard


def easy_hike(k: SessionKind) -> bool:
    return k.is_hike and not k.long


def _any_hike(k: SessionKind) -> bool:
    return k.is_hike


def road_easy(k: SessionKind) -> bool:
    return k.is_road_run and k.is_easy and not k.long


def trail_easy(k: SessionKind) -> bool:
    return k.is_trail_run and k.is_easy and not k.long


def _easy_any(k: SessionKind) -> bool:
    return k.is_easy and not k.long


def _cross(k: SessionKind) -> bool:
    return k.is_cross_training


def strength(k: SessionKind) -> bool:
    return k.is_strength


def _simulation(k: SessionKind) -> bool:
    return k.simulation


def long_tests(frame: WeekFrame) -> tuple[KindTest, ...]:
    """The long session's kinds, in order of preference. A road race's long road run; in
    a trail race's (or no race's) base and build the long hike, which counts toward the long
    goal, climbs (H16's hills) and leaves the run terrain band alone (H15); in a trail
    peak the long trail run."""
    race_kind, phase = frame.facts.race_kind, frame.week.phase
    if race_kind is RaceKind.ROAD:
        return (_long_road, _long_run, _any_long)
    if phase is Phase.PEAK and race_kind is RaceKind.TRAIL:
        return (_long_trail, _long_hike, _any_long)
    return (_long_hike, _long_trail, _long_run, _any_long)


def hard_count(frame: WeekFrame) -> int:
    """How many hard sessions the week plans (H05): the level's lower end, one more for an
    advanced athlete in build and peak, one in a beginner's build and peak; one at most in
    a recovery week; one in a taper week (none for beginners); none in race week, whose
    hard session is the race."""
    week, level = frame.week, frame.facts.level
    hard = frame.facts.rules.hard_sessions
    count = hard.lo
    if week.phase in (Phase.BUILD, Phase.PEAK) and not week.recovery:
        if level is Level.BEGINNER:
            count = max(count, 1)
        if level is Level.ADVANCED:
            count = max(count, min(hard.hi, 2))
    if week.recovery:
        count = min(count, 1)
    if week.taper:
        count = 0 if level is Level.BEGINNER else 1
    if week.is_race_week:
        count = 0
    return min(count, hard.hi)


def _hard_roles(frame: WeekFrame) -> list[Role]:
    """Road quality first in base and build (H16), trail or hill work in a trail peak."""
    first: tuple[KindTest, ...] = (road_hard, trail_hard, _any_hard)
    if frame.week.phase is Phase.PEAK and frame.facts.race_kind is RaceKind.TRAIL:
        first = (trail_hard, road_hard, _any_hard)
    later: tuple[KindTest, ...] = (trail_hard, road_hard, _any_hard)
    count = hard_count(frame)
    # pinned hard sessions count, and in a peak week a simulation session (H05's recipe)
    counted = _hard_or_simulation if frame.week.phase is Phase.PEAK else _any_hard
    wanted = fewer_than(counted, count)
    return [Role("hard", first if i == 0 else later, wanted=wanted) for i in range(count)]


def _hard_or_simulation(k: SessionKind) -> bool:
    return k.hard or k.simulation


def _simulation_roles(frame: WeekFrame) -> list[Role]:
    """A trail peak's simulation (H16), in the first full non-recovery peak week the phase
    lacks one. It comes before the hard sessions: it counts as one of them (H05)."""
    week = frame.week
    trail_peak = week.phase is Phase.PEAK and frame.facts.race_kind is RaceKind.TRAIL
    if trail_peak and week.full and not week.recovery and not frame.history.simulated:
        return [Role("simulation", (_simulation,))]
    return []


def _hike_roles(frame: WeekFrame) -> list[Role]:
    """H08: a trail race's or no race's base and build hikes (one fewer in recovery)."""
    race_kind, week = frame.facts.race_kind, frame.week
    if race_kind is RaceKind.ROAD or week.phase not in (Phase.BASE, Phase.BUILD):
        return []
    hikes = frame.facts.rules.min_hikes_per_week - (1 if week.recovery else 0)
    wanted = fewer_than(_any_hike, hikes)  # a long hike is one
    return [Role("hike", (easy_hike, _any_hike), 1.2, wanted=wanted) for _ in range(max(0, hikes))]


def strength_count(frame: WeekFrame) -> int:
    """H22: strength sessions per full week outside the taper, recovery weeks included."""
    week = frame.week
    if not week.full or week.taper:
        return 0
    return frame.facts.rules.min_strength_per_week


def _trail_session(k: SessionKind) -> bool:
    return k.is_trail_session


def _road_run(k: SessionKind) -> bool:
    return k.is_road_run


def _phase_roles(frame: WeekFrame) -> list[Role]:
    """H16's items for intermediate and advanced athletes (each only while the week lacks
    it); a trail peak's simulation is `_simulation_roles`."""
    week, level = frame.week, frame.facts.level
    roles: list[Role] = []
    detailed = level is not Level.BEGINNER and week.full and not week.recovery
    if detailed and week.phase is Phase.BASE:
        trail = fewer_than(_trail_session, 1)
        roles.append(Role("trail", (trail_easy, easy_hike, _trail_session), wanted=trail))
        road = fewer_than(_road_run, 2)
        roles += [Role("road", (road_easy, _road_run), wanted=road)] * 2
    if detailed and week.phase is Phase.BUILD:
        if strength_count(frame) == 0:  # else the strength session is the cross-training
            cross = fewer_than(_cross, 1)
            roles.append(Role("cross", (_cross,), 0.8, double_ok=True, wanted=cross))
        easy = fewer_than(lambda k: k.is_easy, 1)
        roles.append(Role("easy", (trail_easy, road_easy, _easy_any), wanted=easy))
    return roles


def _wanted_sessions(frame: WeekFrame) -> int:
    """The week's session count (H07): the level's lower end, one more in a non-beginner's
    build and peak, one fewer in a recovery week, prorated in a partial week."""
    week, level = frame.week, frame.facts.level
    lo = frame.facts.rules.sessions_per_week.lo
    wanted = lo
    building = week.phase in (Phase.BUILD, Phase.PEAK) and not week.recovery
    if building and level is not Level.BEGINNER:
        wanted = lo + 1
    if week.recovery:
        wanted = lo - 1
    if not week.full:
        wanted = round(wanted * week.days / 7)
    return max(0, min(frame.max_sessions, wanted))


def week_roles(frame: WeekFrame) -> list[Role]:
    """What the week wants, most important first: the long session; the hard sessions, each
    with the easy runs H13's easy run share asks for beside it; H08's hikes; H22's strength;
    a run where the week has none yet; H16's items; easy sessions up to the level's count;
    top-ups. A beginner's few sessions go to the long session, hikes, strength and a run
    first, the hard session (which the level's recipe does not ask for) after them."""
    week = frame.week
    roles: list[Role] = []
    if not week.taper:
        roles.append(Role("long", long_tests(frame), LONG_WEIGHT))
    # H13: as many easy runs as runs that are not easy, where the week has room
    hard = [
        *_simulation_roles(frame),
        *_hard_roles(frame),
        *[Role("easy", (road_easy, trail_easy), wanted=_short_of_easy_runs)] * 2,
    ]
    beginner = frame.facts.level is Level.BEGINNER
    if not beginner:
        roles += hard
    roles += _hike_roles(frame)
    double_strength = not week.recovery
    roles += [
        Role("strength", (strength,), STRENGTH_WEIGHT, double_ok=double_strength)
        for _ in range(strength_count(frame))
    ]
    roles.append(Role("easy", (road_easy, trail_easy), wanted=_without_runs))
    if beginner:
        roles += hard
    roles += _phase_roles(frame)
    lean = frame.lean
    fill = fewer_than(lambda k: True, _wanted_sessions(frame))
    for index in range(frame.max_sessions):
        first, second = road_easy, trail_easy
        if lean == "trail" or (lean == "mixed" and index % 2 == 0):
            first, second = trail_easy, road_easy
        roles.append(Role("easy", (first, second, easy_hike, _cross), wanted=fill))
    if week.full:
        # top-ups where the days ran out before the sessions did: doubles, tried last
        need = frame.facts.rules.sessions_per_week.lo - (1 if week.recovery else 0)
        top_up = fewer_than(lambda k: True, need)
        roles += [Role("top-up", (strength, _cross), STRENGTH_WEIGHT, True, top_up)] * need
    return roles


def _without_runs(placed: Sequence[Placed]) -> bool:
    """The week holds no run yet (a runner's week runs; H15 measures runs)."""
    return not any(p.kind.is_run for p in placed)


def fewer_than(test: KindTest, count: int) -> Callable[[Sequence[Placed]], bool]:
    """A role's `Role.wanted`: while the week holds fewer than ``count`` sessions passing
    ``test``."""

    def wanted(placed: Sequence[Placed]) -> bool:
        return sum(1 for p in placed if test(p.kind)) < count

    return wanted


def _short_of_easy_runs(placed: Sequence[Placed]) -> bool:
    """H13's easy run share: the week holds runs that are not easy and no more easy runs
    than those."""
    easy = sum(1 for p in placed if p.kind.is_run and p.kind.is_easy)
    other = sum(1 for p in placed if p.kind.is_run and not p.kind.is_easy)
    return other > 0 and easy <= other
