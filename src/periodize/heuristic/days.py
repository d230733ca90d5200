"""Step 2 of a greedy week: the days. Pins first, exactly as pinned (H20); then each role
in turn on the best day the rules leave it:

* the long session on the day and kind that hold the most of the week's long target (a
  run when it reaches as far as a hike; the default long day, `Scenario.long_day`, when
  it holds as much as any other);
* hard and other demanding sessions as far from each other as the week allows, never on
  consecutive days (H06, across week boundaries too) nor on the race's quiet days (H18);
* everything else on free days away from the preferred rest day.

Every placement keeps H03 (one session a slot, a slot the kind allows, doubles only where
the role allows one and the week has one left, none in a recovery week (H11); never two
demanding sessions, two of one kind or two strength sessions in a day) and H04 (the week's
rest days); the eve of the race stays a rest day (H18).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from periodize.catalogue import SessionKind
from periodize.heuristic.frame import KindTest, Placed, Role, WeekFrame
from periodize.heuristic.roles import hill_hard, road_easy, trail_easy
from periodize.rules import BP
from periodize.vocabulary import Modality, Slot, Weekday

Choice = tuple[int, Slot, SessionKind, range]
"""A placement: day, slot, kind and the grid durations the slot allows it."""


def same_day_ok(items: list[Placed], kind: SessionKind) -> bool:
    """H03: ``kind`` may join the sessions of a day: no second session of one kind, no
    second demanding session, no second strength session."""
    return not any(
        other.kind.id == kind.id
        or (other.kind.is_demanding and kind.is_demanding)
        or (other.kind.is_strength and kind.is_strength)
        for other in items
    )


@dataclass
class Board:
    """The week's placements so far, by day, with the demanding days around them."""

    frame: WeekFrame
    placed: list[Placed] = field(default_factory=list)
    by_day: dict[int, list[Placed]] = field(default_factory=dict)
    demanding: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.demanding = set(self.frame.history.demanding_days)

    @property
    def doubles(self) -> int:
        return sum(1 for items in self.by_day.values() if len(items) > 1)

    def add(self, item: Placed) -> None:
        self.placed.append(item)
        self.by_day.setdefault(item.day, []).append(item)
        if item.kind.is_demanding:
            self.demanding.add(item.day)

    def demanding_ok(self, day: int, kind: SessionKind) -> bool:
        """H06 and H18: a demanding session neither next to another demanding day nor on
        one of the race's quiet days."""
        if not kind.is_demanding:
            return True
        if day in self.frame.quiet_days:
            return False
        return day - 1 not in self.demanding and day + 1 not in self.demanding

    def day_open(self, day: int, double_ok: bool) -> bool:
        """Whether ``day`` may take one more session (H03's doubles, none in a recovery
        week (H11); H04's rest days)."""
        items = self.by_day.get(day, [])
        if items:
            return double_ok and len(items) == 1 and self.doubles < self.frame.max_doubles
        return len(self.by_day) < self.frame.max_active_days

    def kind_fits(self, day: int, slot: Slot, kind: SessionKind) -> bool:
        """Whether ``kind`` may go in ``slot`` on an open ``day`` next to what is there
        (H03, H06, H18)."""
        items = self.by_day.get(day, [])
        if any(item.slot is slot for item in items):
            return False
        return same_day_ok(items, kind) and self.demanding_ok(day, kind)

    def fits(self, day: int, slot: Slot, kind: SessionKind, double_ok: bool) -> bool:
        """Whether ``kind`` may go in ``slot`` on ``day`` (H03, H04, H06, H11, H18)."""
        return self.day_open(day, double_ok) and self.kind_fits(day, slot, kind)


def place_pins(board: Board) -> None:
    """H20: the week's pinned sessions, exactly as pinned."""
    frame = board.frame
    grid = frame.grid
    for (day, slot), pin in sorted(frame.facts.pins.items()):
        if day in frame.week.day_indices:
            kind = frame.scenario.catalogue[pin.kind]
            size = pin.minutes // grid
            board.add(Placed(day, slot, kind, "pin", 0, size, size, pin.minutes, fixed=True))


def _weekday(frame: WeekFrame, day: int) -> Weekday:
    return Weekday.of(frame.facts.dates[day])


def choose_long(board: Board, role: Role, modality: Modality | None = None) -> Choice | None:
    """Where the long session goes: the counting kind (rules.md) and day that reach the
    most of the week's long target (`WeekFrame.long_reach`), then the kind the role
    prefers, the default long day, away from the preferred rest day, the most time; only a
    kind of ``modality`` when one is given."""
    frame = board.frame
    long_day = frame.scenario.long_day
    rest_day = frame.scenario.preferences.rest_day
    best: tuple[tuple[int, int, int, int, bool, int, int], Choice] | None = None
    for rank, test in enumerate(role.tests):
        for day in frame.days:
            weekday = _weekday(frame, day)
            for slot, kind, units in frame.options[day]:
                if modality is not None and kind.modality is not modality:
                    continue
                if not test(kind) or not board.fits(day, slot, kind, role.double_ok):
                    continue
                reach = frame.long_reach(kind, units)
                if reach == 0:
                    continue
                counting = frame.facts.counts_for_long(kind)
                key = (
                    0 if counting else 1,
                    -reach,
                    rank,
                    0 if weekday == long_day else 1,
                    weekday == rest_day,
                    -units[-1],
                    day,
                )
                if best is None or key < best[0]:
                    best = (key, (day, slot, kind, units))
    return best[1] if best is not None else None


def _score(board: Board, kind: SessionKind, day: int, slot: Slot, units: range) -> float:
    """How well ``kind`` sits on ``day`` (lower is better): time in the slot, demanding
    sessions far from each other, not the same kind on consecutive days, a day of its own,
    the morning slot first, not the preferred rest day."""
    frame = board.frame
    score = -min(units[-1] * frame.grid, 60) / 10
    if kind.is_demanding:
        gap = min((abs(day - d) for d in board.demanding), default=7)
        score -= 20 * min(gap, 3)
    if any(p.kind.id == kind.id and abs(p.day - day) == 1 for p in board.placed):
        score += 40
    if board.by_day.get(day):
        score += 500
    if slot is Slot.PM:
        score += 0.5
    if _weekday(frame, day) == frame.scenario.preferences.rest_day:
        score += 300
    return score + _keeps_for_runs(frame, kind, day)


def _keeps_for_runs(frame: WeekFrame, kind: SessionKind, day: int) -> float:
    """H15: days that can hold runs are kept for runs, and days that can hold a run on the
    scarcer terrain (road or trail, whichever fewer days offer) for runs on it: a penalty
    for anything else there."""
    sides = frame.run_sides[day]
    if not sides or kind.long:
        return 0.0
    if not (kind.is_road_run or kind.is_trail_run):
        return 25.0 * len(sides)
    side = "road" if kind.is_road_run else "trail"
    scarce = frame.scarce_side
    return 5.0 if scarce is not None and scarce in sides and side != scarce else 0.0


def _band_side_first(board: Board, tests: tuple[KindTest, ...]) -> tuple[KindTest, ...]:
    """An easy run's tests with the terrain the week's band is short of first (H15): the
    runs placed so far, weighted by their nominal length, against the band's middle."""
    band = board.frame.band
    if band is None:
        return tests
    runs = [p for p in board.placed if p.kind.is_run]
    total = sum(p.weight for p in runs)
    part = sum(p.weight for p in runs if band.counts(p.kind))
    part_first = 2 * BP * part <= (band.lo + band.hi) * total
    road_first = part_first == (band.measure == "road")
    first, second = (road_easy, trail_easy) if road_first else (trail_easy, road_easy)
    rest = tuple(t for t in tests if t not in (road_easy, trail_easy))
    return (first, second, *rest)


def _role_tests(board: Board, role: Role) -> tuple[KindTest, ...]:
    """The role's kind tests; a hard session asks for hills first where H16 wants a hill
    session and the week has none yet; an easy run asks first for the terrain the week's
    band is short of."""
    hills = any(p.kind.is_hill_session for p in board.placed)
    if role.name == "hard" and board.frame.wants_hills and not hills:
        return (hill_hard, *role.tests)
    if role.name == "easy" and (road_easy in role.tests or trail_easy in role.tests):
        return _band_side_first(board, role.tests)
    return role.tests


def choose_day(board: Board, role: Role) -> Choice | None:
    """Where a session of ``role`` goes: the first of its kind tests that fits anywhere,
    on the best-scored day and slot."""
    frame = board.frame
    days = [day for day in frame.days if board.day_open(day, role.double_ok)]
    for test in _role_tests(board, role):
        best: tuple[float, Choice] | None = None
        for day in days:
            for slot, kind, units in frame.options[day]:
                if not test(kind) or not board.kind_fits(day, slot, kind):
                    continue
                score = _score(board, kind, day, slot, units)
                if best is None or score < best[0]:
                    best = (score, (day, slot, kind, units))
        if best is not None:
            return best[1]
    return None


def _wanted(board: Board, role: Role) -> bool:
    """Whether the week still wants a session of ``role`` (top-ups and H08's hikes stop
    once the week has enough)."""
    return role.wanted is None or role.wanted(board.placed)


def place_week(
    frame: WeekFrame, roles: list[Role], long_modality: Modality | None = None
) -> list[Placed]:
    """The week's sessions on their days (minutes not yet set): pins, then each role in
    order while the week has room (H07, H11); the long session of ``long_modality`` when
    one is given."""
    board = Board(frame)
    place_pins(board)
    for role in roles:
        if len(board.placed) >= frame.max_sessions:
            break
        if not _wanted(board, role):
            continue
        if role.name == "long":
            choice = choose_long(board, role, long_modality)
        else:
            choice = choose_day(board, role)
        if choice is None:
            continue
        day, slot, kind, units = choice
        board.add(Placed(day, slot, kind, role.name, role.weight, units[0], units[-1]))
    return board.placed
