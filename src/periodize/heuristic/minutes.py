"""Step 3 of a greedy week: the minutes. The long session is set to the week's long
target as far as H14's growth, its slot and `max_long_run_share` allow; hard sessions get
the level's nominal length (shortened so that minutes and hard minutes do not both rise,
H10); every other session scales with one easy-session length, chosen so that the week's
minutes come closest to `targets.target_minutes` (volume rises, not only intensity) with
every weekly cap holding: progression (H09), one lever (H10), recovery (H11), acute:chronic
(H12), intensity (H13: hard share and easy run share), long sessions (H14) and taper
(H17). Where no length works the long session gives way down to its floor, then the session
that stands in the way (or the least important one) is dropped and the week tried again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from periodize.catalogue import SessionKind
from periodize.heuristic.days import same_day_ok
from periodize.heuristic.frame import HARD_MINUTES, Placed, WeekFrame
from periodize.heuristic.roles import LONG_WEIGHT
from periodize.rules import BP, bp

MAX_SCALE, SCALE_STEP = 240, 5
"""The easy-session lengths tried, in minutes."""
DROP_ORDER = {
    "top-up": 0,
    "easy": 1,
    "cross": 2,
    "hike": 3,
    "simulation": 4,
    "road": 5,
    "trail": 6,
    "strength": 7,
    "hard": 8,
    "long": 9,
}
"""Which session goes first when a week cannot hold them all (lowest first)."""


def _totals(placed: Sequence[Placed]) -> tuple[int, int, int]:
    """The week's minutes, load and hard minutes."""
    minutes = load = hard = 0
    for p in placed:
        minutes += p.minutes
        load += p.minutes * p.rpe
        hard += p.minutes * p.work_share_pct // 100
    return minutes, load, hard


def _volume_problem(frame: WeekFrame, minutes: int, load: int) -> str | None:
    """H09, H11, H12 and H17: the week's minutes and load against its `Limits`."""
    limits = frame.limits
    for cap, rule in limits.minutes:
        if minutes > cap:
            return rule
    for cap, rule in limits.load:
        if load > cap:
            return rule
    return None


def _long_problem(frame: WeekFrame, placed: Sequence[Placed], minutes: int) -> str | None:
    """H14: one long session at most, at least as long as every other session of the week,
    a long run at most ``max_long_run_share`` of the week, runs and hikes within growth."""
    longs = [p for p in placed if p.kind.long]
    if len(longs) > 1:
        return "H14"
    share = bp(frame.facts.rules.max_long_run_share)
    for p in longs:
        if any(o.minutes > p.minutes for o in placed if o is not p):
            return "H14"
        if p.kind.is_run and BP * p.minutes > share * minutes:
            return "H14"
    run_cap, hike_cap = frame.growth_caps
    for p in placed:
        if p.fixed:
            continue
        if (p.kind.is_run and p.minutes > run_cap) or (p.kind.is_hike and p.minutes > hike_cap):
            return "H14"
    return None


def _intensity_problem(
    frame: WeekFrame, placed: Sequence[Placed], minutes: int, hard: int
) -> str | None:
    """H13 (hard share, easy run share) and H10 (not both minutes and hard minutes above the
    most of the four weeks before)."""
    rules = frame.facts.rules
    if BP * hard > bp(rules.max_hard_share) * minutes:
        return "H13-hard"
    run = sum(p.minutes for p in placed if p.kind.is_run)
    easy = sum(p.minutes for p in placed if p.kind.is_run and p.kind.is_easy)
    if run and BP * easy < bp(rules.min_easy_run_share) * run:
        return "H13-easy"
    limits = frame.limits
    if limits.levers and minutes > limits.most_minutes and hard > limits.most_hard:
        return "H10"
    return None


def week_problem(frame: WeekFrame, placed: Sequence[Placed]) -> str | None:
    """The first weekly cap the week breaks (a rule id, ``H13-hard`` or ``H13-easy`` for
    H13's two parts, ``length`` for a session outside its minutes range), or None when
    every cap holds (H05, H09, H10, H11, H12, H13, H14, H17)."""
    grid = frame.grid
    if any(not p.lo * grid <= p.minutes <= p.hi * grid for p in placed if not p.fixed):
        return "length"
    hard_cap = frame.facts.rules.hard_sessions.hi
    if frame.week.recovery:
        hard_cap = min(hard_cap, 1)
    race = 1 if frame.week.is_race_week else 0  # H05 counts the race as hard
    if sum(1 for p in placed if p.kind.hard) + race > hard_cap:
        return "H05"
    minutes, load, hard = _totals(placed)
    return (
        _volume_problem(frame, minutes, load)
        or _long_problem(frame, placed, minutes)
        or _intensity_problem(frame, placed, minutes, hard)
    )


def _long_session(placed: Sequence[Placed]) -> Placed | None:
    return next((p for p in placed if p.role == "long" and not p.fixed), None)


def set_lengths(
    frame: WeekFrame, placed: list[Placed], scale: int, long_minutes: int, hard_minutes: int
) -> None:
    """Every session's minutes for the easy-session length ``scale`` and the long session's
    least ``long_minutes``: hard sessions ``hard_minutes``, every other session (the long
    one too, when that is longer) its weight x ``scale``, within its range and H14's growth;
    then the long session at
    least as long as every other and, for a long run, at most ``max_long_run_share`` of the
    week (H14)."""
    grid = frame.grid
    run_cap, hike_cap = frame.growth_caps[0] // grid, frame.growth_caps[1] // grid
    hard_units = hard_minutes // grid
    long = _long_session(placed)
    for p in placed:
        if p.fixed:
            continue
        if p is long:  # at least its share of the target, longer where the week grows
            units = max(long_minutes, round(p.weight * scale)) // grid
        elif p.kind.hard:
            units = hard_units
        else:
            units = round(p.weight * scale) // grid
        units = max(p.lo, min(p.hi, units))
        if p.kind.is_run:
            units = min(units, run_cap)
        elif p.kind.is_hike:
            units = min(units, hike_cap)
        p.minutes = units * grid
    if long is None:
        return
    share = bp(frame.facts.rules.max_long_run_share)
    others = [p for p in placed if p is not long]
    for _ in range(4):
        if long.kind.is_run and share < BP:
            rest = sum(p.minutes for p in others)
            long.minutes = min(long.minutes, share * rest // (BP - share) // grid * grid)
        changed = False
        for p in others:
            if not p.fixed and p.minutes > long.minutes:
                p.minutes = max(p.lo * grid, long.minutes // grid * grid)
                changed = True
        if not changed:
            return


def shorten_hard(frame: WeekFrame, placed: list[Placed]) -> None:
    """H13 and H10: hard minutes at most ``max_hard_share`` of the week's minutes and, where
    the week's minutes rise above the most of the four weeks before, at most the most hard
    minutes of those weeks; a grid step at a time off the longest hard session, where
    possible."""
    limits = frame.limits
    share = bp(frame.facts.rules.max_hard_share)
    grid = frame.grid
    hard = [p for p in placed if p.work_share_pct and not p.fixed]
    if not hard:
        return
    while True:
        minutes, _, hard_minutes = _totals(placed)
        too_hard = BP * hard_minutes > share * minutes
        if limits.levers and minutes > limits.most_minutes:
            too_hard = too_hard or hard_minutes > limits.most_hard
        longer = [p for p in hard if p.minutes > p.lo * grid]
        if not too_hard or not longer:
            return
        max(longer, key=lambda p: p.minutes).minutes -= grid


def _volume_bounds_met(frame: WeekFrame, minutes: int, load: int) -> bool:
    """The recipes' lower bounds on a week's volume: H11's recovery load and H17's taper
    minutes (prorated in a partial week)."""
    limits = frame.limits
    return minutes >= limits.least_minutes and load >= limits.least_load


def lower_bounds_met(frame: WeekFrame, placed: Sequence[Placed]) -> bool:
    """Whether the week meets the recipes' lower bounds on its volume (H11, H17)."""
    minutes, load, _ = _totals(placed)
    return _volume_bounds_met(frame, minutes, load)


VOLUME_PROBLEMS = frozenset({"H09", "H11", "H12", "H17"})
"""Caps on the week's volume: more minutes never mend them."""
LONG_PROBLEMS = VOLUME_PROBLEMS | {"H14", "length"}
"""Problems a shorter long session may mend."""


def _saturated(frame: WeekFrame, placed: Sequence[Placed], scale: int) -> bool:
    """Whether no session that scales can grow any more (each is held below its weight x
    ``scale`` by its range, its slot or a cap)."""
    grid = frame.grid
    return all(
        round(p.weight * scale) >= p.minutes + grid
        for p in placed
        if not p.fixed and not p.kind.hard
    )


ScaleKey = tuple[bool, int, int, int]
"""How good a choice of lengths is (lower is better): volume recipes missed, minutes off
target, load off target, easy length."""


def best_scale(
    frame: WeekFrame, placed: list[Placed], long_minutes: int, hard_minutes: int
) -> tuple[tuple[ScaleKey, int] | None, set[str]]:
    """The easy-session length whose week keeps every cap, meets the volume recipes where it
    can, and comes closest to the week's target minutes, then to its target load (the
    terrain band is `bands`' step); or None when no length
    keeps every cap (with its `ScaleKey`); and the problems the lengths tried ran into.
    Lengths are tried from the shortest up and no further once more minutes cannot help.
    Leaves the lengths set for the last length tried."""
    best: tuple[ScaleKey, int] | None = None
    problems: set[str] = set()
    tried: list[int] = []
    scaled = [p for p in placed if not p.fixed and not p.kind.hard]
    grid = frame.grid
    units: list[int] = []
    for scale in range(0, MAX_SCALE + 1, SCALE_STEP):
        now = [round(p.weight * scale) // grid for p in scaled]
        if now == units:
            continue  # no session's length moves at this easy length
        units = now
        set_lengths(frame, placed, scale, long_minutes, hard_minutes)
        shorten_hard(frame, placed)
        lengths = [p.minutes for p in placed]
        if lengths == tried:
            if _saturated(frame, placed, scale):
                break  # every session that scales is as long as it may be
            continue  # the same week as the last length tried
        tried = lengths
        problem = week_problem(frame, placed)
        if problem is not None:
            problems.add(problem)
            if problem in VOLUME_PROBLEMS:
                break
            continue
        minutes, load, _ = _totals(placed)
        met = _volume_bounds_met(frame, minutes, load)
        key = (not met, abs(minutes - frame.target_minutes), abs(load - frame.target_load), scale)
        if best is None or key < best[0]:
            best = (key, scale)
        if met and minutes >= frame.target_minutes:
            break
    return best, problems


def _apply(frame: WeekFrame, placed: list[Placed], lengths: tuple[int, int, int]) -> None:
    """Set the lengths of a (long minutes, hard minutes, easy scale) choice."""
    long_minutes, hard_minutes, scale = lengths
    set_lengths(frame, placed, scale, long_minutes, hard_minutes)
    shorten_hard(frame, placed)


def _long_ladder(frame: WeekFrame, long: Placed | None) -> list[int]:
    """The long session's lengths to try, longest first: from what the week wants down to
    the kind's shortest (a shorter long session misses at most H14's floor, one recipe,
    where a dropped session may miss several)."""
    if long is None:
        return [0]
    grid = frame.grid
    wanted = frame.long_reach(long.kind, range(long.lo, long.hi + 1))
    wanted = max(wanted, long.lo * grid)
    return list(range(wanted, long.lo * grid - 1, -grid))


DropTest = Callable[[Placed], bool]
_IN_THE_WAY: dict[str, DropTest] = {
    "H13-easy": lambda p: p.kind.is_run and not p.kind.is_easy,
    "H13-hard": lambda p: p.work_share_pct > 0,
    "H10": lambda p: p.work_share_pct > 0,
    "H05": lambda p: p.kind.hard,
}
"""The sessions that stand in the way of a cap, by the problem `week_problem` names."""


def _demote_long(frame: WeekFrame, placed: list[Placed]) -> Callable[[], None] | None:
    """Turn the long session into an easy session of its modality that fits its slot and
    day (a long run that the week is too short for becomes an easy run: H14 holds the long
    run to a share of the week); the undo, or None when there is no such kind."""
    long = _long_session(placed)
    if long is None:
        return None
    others = [p for p in placed if p.day == long.day and p is not long]
    kinds = [
        k
        for k in frame.kinds
        if k.modality is long.kind.modality and k.is_easy and not k.long and same_day_ok(others, k)
    ]
    for kind in sorted(kinds, key=lambda k: k.terrain is not long.kind.terrain):
        units = frame.facts.units(long.day, long.slot, kind)
        if units is None:
            continue
        was = (long.kind, long.lo, long.hi)
        long.retype(kind, units[0], units[-1])
        long.role, long.weight = "easy", 1.0

        def undo(demoted: Placed = long, was: tuple[SessionKind, int, int] = was) -> None:
            demoted.retype(*was)
            demoted.role, demoted.weight = "long", LONG_WEIGHT

        return undo
    return None


def _drop_one(frame: WeekFrame, placed: list[Placed], problem: str | None) -> bool:
    """Drop one session: the least important whose absence lets the week keep every cap,
    among those standing in the way of ``problem`` first (the long session is made an easy
    one before it is dropped); else the least important of those (else of all). False when
    nothing can go (only pins are left)."""
    droppable = [p for p in placed if not p.fixed]
    if not droppable:
        return False
    test = _IN_THE_WAY.get(problem or "")
    in_the_way = [p for p in droppable if test(p)] if test is not None else []
    if not in_the_way and problem == "H13-hard":
        return False  # a dropped easy session leaves a harder week
    order = sorted(droppable, key=lambda p: (p not in in_the_way, DROP_ORDER.get(p.role, 0)))
    for candidate in order:
        if candidate.role == "long":
            undo = _demote_long(frame, placed)
            if undo is not None:
                if _choose_lengths(frame, placed) is not None:
                    return True
                undo()
        index = placed.index(candidate)
        placed.remove(candidate)
        if _choose_lengths(frame, placed) is not None:
            return True
        placed.insert(index, candidate)
    placed.remove(order[0])
    return True


def _hard_ladder(frame: WeekFrame, placed: Sequence[Placed]) -> list[int]:
    """The hard sessions' lengths to try: the level's nominal length, then shorter ones down
    to the shortest a hard session of the week may be (a shorter hard session costs less
    than a shorter long one); [0] for a week without one."""
    grid = frame.grid
    shortest = [p.lo * grid for p in placed if p.kind.hard and not p.fixed]
    if not shortest:
        return [0]
    nominal = max(HARD_MINUTES[frame.facts.level] // grid * grid, min(shortest))
    return list(range(nominal, min(shortest) - 1, -grid))


def _with_long(
    frame: WeekFrame, placed: list[Placed], long_minutes: int, hard_ladder: Sequence[int]
) -> tuple[tuple[int, int, int] | None, set[str]]:
    """The (long minutes, hard minutes, easy scale) with this long session's length that
    keeps every cap and has the best `ScaleKey` (shorter hard sessions leave load for
    volume: S2 weighs minutes four times as much as load), the longer hard sessions on a
    tie; and the problems met on the way."""
    seen: set[str] = set()
    best: tuple[tuple[ScaleKey, int], tuple[int, int, int]] | None = None
    for hard_minutes in hard_ladder:
        found, problems = best_scale(frame, placed, long_minutes, hard_minutes)
        seen |= problems
        if found is not None:
            key, scale = found
            if best is None or (key, -hard_minutes) < best[0]:
                best = ((key, -hard_minutes), (long_minutes, hard_minutes, scale))
            if key[:2] == (False, 0):
                break  # on target: shorter hard sessions cannot do better
    return (best[1] if best is not None else None), seen


def _choose_lengths(frame: WeekFrame, placed: list[Placed]) -> tuple[int, int, int] | None:
    """The (long minutes, hard minutes, easy scale) that keeps every cap with the longest
    long session, then the longest hard sessions, then the best easy scale (`best_scale`);
    None when none does. A shorter long session mends volume caps, so the longest that
    works is found by bisection between what the week wants and the kind's shortest; where
    only H14's own parts stand in the way (another session longer than the long one), each
    length is tried."""
    hard_ladder = _hard_ladder(frame, placed)
    ladder = _long_ladder(frame, _long_session(placed))
    found, problems = _with_long(frame, placed, ladder[0], hard_ladder)
    if found is not None or len(ladder) == 1 or not problems & LONG_PROBLEMS:
        return found
    shortest, problems = _with_long(frame, placed, ladder[-1], hard_ladder)
    if shortest is None:
        if not problems <= {"H14", "length"}:
            return None
        for long_minutes in ladder[1:-1]:
            found, _ = _with_long(frame, placed, long_minutes, hard_ladder)
            if found is not None:
                return found
        return None
    low, high = 0, len(ladder) - 1  # ladder[low] fails, ladder[high] works
    while high - low > 1:
        middle = (low + high) // 2
        found, _ = _with_long(frame, placed, ladder[middle], hard_ladder)
        if found is not None:
            high, shortest = middle, found
        else:
            low = middle
    return shortest


def fit_week(frame: WeekFrame, placed: list[Placed]) -> None:
    """Set the week's minutes (see the module's docstring); may drop sessions from
    ``placed``."""
    while True:
        lengths = _choose_lengths(frame, placed)
        if lengths is not None:
            _apply(frame, placed, lengths)
            return
        shortest = _long_ladder(frame, _long_session(placed))[-1]
        _apply(frame, placed, (shortest, frame.grid, 0))
        if not _drop_one(frame, placed, week_problem(frame, placed)):
            return
