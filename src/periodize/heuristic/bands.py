"""Step 4 of a greedy week: the terrain band (H15). Easy runs are lengthened, shortened,
switched between road and trail, or added, until the week's road (or trail) share of run
minutes is inside its phase band, when that is possible without breaking a weekly cap
(`minutes.week_problem`) or a day rule (H03, H06, H18); the long run gives way last.
"""

from __future__ import annotations

from collections.abc import Callable

from periodize.catalogue import SessionKind
from periodize.heuristic.days import same_day_ok
from periodize.heuristic.frame import KindTest, Placed, WeekFrame
from periodize.heuristic.minutes import lower_bounds_met, week_problem
from periodize.rules import BP, bp
from periodize.vocabulary import SLOTS

BAND_STEPS = 24
"""Most adjustments the terrain band repair makes in one week."""
SQUEEZE_STEPS = 8
"""Most grid steps other sessions are shortened by to make room for a change."""

Undo = Callable[[], None]
Move = Callable[[], Undo | None]


def _distance(value: tuple[int, int], lo: int, hi: int) -> float:
    """How far a (part, run) share is outside the band [lo, hi] (basis points)."""
    part, run = value
    if run == 0:
        return 0.0
    share = BP * part / run
    return max(0.0, lo - share, share - hi)


def _day_ok(frame: WeekFrame, placed: list[Placed], p: Placed, kind: SessionKind) -> bool:
    """Whether ``p``'s day may hold ``kind`` in place of ``p`` (H03, H06, H18)."""
    others = [q for q in placed if q.day == p.day and q is not p]
    if not same_day_ok(others, kind):
        return False
    if not kind.is_demanding:
        return True
    if p.day in frame.quiet_days:
        return False
    demanding = set(frame.history.demanding_days)
    demanding |= {q.day for q in placed if q is not p and q.kind.is_demanding}
    return p.day - 1 not in demanding and p.day + 1 not in demanding


def squeeze(frame: WeekFrame, placed: list[Placed], keep: Placed) -> None:
    """Shorten sessions other than ``keep`` a grid step at a time until the week's caps
    hold: sessions that are neither runs nor long first, then runs, the long session last;
    the one with the most load first within each."""
    grid = frame.grid
    for _ in range(SQUEEZE_STEPS):
        if week_problem(frame, placed) is None:
            return
        shorter = [p for p in placed if p is not keep and not p.fixed and p.minutes > p.lo * grid]
        if not shorter:
            return
        max(shorter, key=lambda p: (not p.kind.long, not p.kind.is_run, p.load)).minutes -= grid


def settle_long_run(frame: WeekFrame, placed: list[Placed]) -> None:
    """H14: a long run shortened, a grid step at a time, until it is at most
    ``max_long_run_share`` of a week that got shorter."""
    share = bp(frame.facts.rules.max_long_run_share)
    grid = frame.grid
    for long in placed:
        if not long.kind.long or not long.kind.is_run or long.fixed:
            continue
        minutes = sum(p.minutes for p in placed)
        while BP * long.minutes > share * minutes and long.minutes > long.lo * grid:
            long.minutes -= grid
            minutes -= grid


def resize(frame: WeekFrame, placed: list[Placed], p: Placed, delta: int) -> Move:
    """A move that lengthens (shortens) ``p`` by ``delta`` minutes within its range; a
    longer session lengthens the long session with it (H14: the longest of the week) and
    shortens others while a cap is broken, a shorter one shortens the long run where the
    week got too short for it."""

    def move() -> Undo | None:
        new = p.minutes + delta
        if not p.lo * frame.grid <= new <= p.hi * frame.grid:
            return None
        before = [(q, q.minutes) for q in placed]
        p.minutes = new
        if delta > 0:
            for long in placed:  # H14: the long session stays the longest of the week
                if long.kind.long and long is not p and not long.fixed:
                    long.minutes = min(max(long.minutes, new), long.hi * frame.grid)
            squeeze(frame, placed, p)
        else:
            settle_long_run(frame, placed)

        def undo() -> None:
            for q, minutes in before:
                q.minutes = minutes

        return undo

    return move


def switch(frame: WeekFrame, placed: list[Placed], p: Placed, test: KindTest) -> Move:
    """A move that turns ``p`` into the first kind that passes ``test``, fits its slot and
    its day, at about the same load, then shortens other sessions while a cap is broken."""

    def move() -> Undo | None:
        for kind in frame.kinds:
            if kind.id == p.kind.id or not test(kind) or not _day_ok(frame, placed, p, kind):
                continue
            units = frame.facts.units(p.day, p.slot, kind)
            if units is None:
                continue
            same_load = p.minutes * p.kind.rpe // kind.rpe // frame.grid
            minutes = min(max(same_load, units[0]), units[-1]) * frame.grid
            before = [(q, q.minutes) for q in placed]
            old = (p.kind, p.lo, p.hi)
            p.retype(kind, units[0], units[-1])
            p.minutes = minutes
            squeeze(frame, placed, p)

            def undo(
                old: tuple[SessionKind, int, int] = old,
                before: list[tuple[Placed, int]] = before,
            ) -> None:
                p.retype(*old)
                for q, value in before:
                    q.minutes = value

            return undo
        return None

    return move


def _free_places(frame: WeekFrame, placed: list[Placed]) -> list[int]:
    """Days that may take one more session: free days while the week has rest days to
    spare (H04), then single days while it has doubles left (H03, H11)."""
    by_day: dict[int, list[Placed]] = {}
    for p in placed:
        by_day.setdefault(p.day, []).append(p)
    doubles = sum(1 for items in by_day.values() if len(items) > 1)
    days = frame.days
    free = [d for d in days if d not in by_day] if len(by_day) < frame.max_active_days else []
    if doubles < frame.max_doubles:
        free += [d for d in days if len(by_day.get(d, [])) == 1]
    return free


def add_run(frame: WeekFrame, placed: list[Placed], to_part: bool, side: KindTest) -> Move:
    """A move that adds a short easy run on the band's side (``to_part``) where the week
    has room for one more session, and shortens the longest other sessions until the week's
    caps hold."""

    def move() -> Undo | None:
        if len(placed) >= frame.max_sessions:
            return None
        for day in _free_places(frame, placed):
            on_day = [p for p in placed if p.day == day]
            taken = {p.slot for p in on_day}
            for slot in SLOTS:
                if (day, slot) in frame.facts.pins or slot in taken:
                    continue
                for kind in frame.kinds:
                    if not (kind.is_run and kind.is_easy and not kind.long):
                        continue
                    if side(kind) != to_part or not same_day_ok(on_day, kind):
                        continue
                    units = frame.facts.units(day, slot, kind)
                    if units is None:
                        continue
                    new = Placed(day, slot, kind, "easy", 1.0, units[0], units[-1])
                    new.minutes = units[0] * frame.grid
                    return _insert(frame, placed, new)
        return None

    return move


def _insert(frame: WeekFrame, placed: list[Placed], new: Placed) -> Undo:
    """Add ``new`` to the week and shorten other sessions until the caps hold; the undo."""
    before = [(p, p.minutes) for p in placed]
    placed.append(new)

    def undo() -> None:
        placed.remove(new)
        for p, minutes in before:
            p.minutes = minutes

    squeeze(frame, placed, new)
    return undo


def _moves(frame: WeekFrame, placed: list[Placed], side: KindTest, raise_part: bool) -> list[Move]:
    """The band's moves, in order of preference: lengthen easy runs on the side that is
    short, switch runs and easy non-runs to that side, switch hard runs, resize hard runs,
    add an easy run, shorten easy runs on the side that is long, shorten a long run on
    that side, and last, in a week that decides the band, turn a strength, cross-training
    or hike session into a run."""
    grid = frame.grid
    flexible = [p for p in placed if not p.fixed and not p.kind.hard and not p.kind.long]
    runs = [p for p in flexible if p.kind.is_run]
    moves: list[Move] = [resize(frame, placed, p, grid) for p in runs if side(p.kind) == raise_part]

    def wanted_run(k: SessionKind) -> bool:
        return k.is_run and k.is_easy and not k.long and not k.hard and side(k) == raise_part

    def easy_other(k: SessionKind) -> bool:
        return not k.is_run and k.is_easy and not k.long

    def wanted_hard(k: SessionKind) -> bool:
        return k.hard and k.is_run and side(k) == raise_part

    moves += [switch(frame, placed, p, wanted_run) for p in runs if side(p.kind) != raise_part]
    for p in flexible:  # H08's hikes stay hikes
        if not p.kind.is_run and p.kind.is_easy and p.role != "hike":
            moves.append(switch(frame, placed, p, wanted_run))
    moves += [switch(frame, placed, p, easy_other) for p in runs if side(p.kind) != raise_part]
    hard = [p for p in placed if p.kind.hard and not p.fixed and p.kind.is_run]
    moves += [switch(frame, placed, p, wanted_hard) for p in hard if side(p.kind) != raise_part]
    moves += [resize(frame, placed, p, grid if side(p.kind) == raise_part else -grid) for p in hard]
    moves.append(add_run(frame, placed, raise_part, side))
    moves += [resize(frame, placed, p, -grid) for p in runs if side(p.kind) != raise_part]
    for p in placed:
        if p.kind.long and not p.fixed and p.kind.is_run and side(p.kind) != raise_part:
            moves.append(resize(frame, placed, p, -grid))
    # H15 is a hard rule, recipes give way to it where the band is judged: a strength or
    # cross-training session (H22, H16) or one of H08's hikes becomes a run on the side
    # that is short
    for p in flexible if frame.band_decides else []:
        if not p.kind.is_run and (not p.kind.is_easy or p.role == "hike"):
            moves.append(switch(frame, placed, p, wanted_run))
    return moves


def repair_band(frame: WeekFrame, placed: list[Placed]) -> None:
    """H15: move the week's road (trail) share of run minutes (the phase's so far, where the
    band is measured over the phase) into its band, one move at a time, keeping a move only
    when every cap still holds and the share got closer."""
    band = frame.band
    if band is None:
        return
    side, lo, hi = band.counts, band.lo, band.hi

    def share() -> tuple[int, int]:
        return frame.band_share(placed)

    for _ in range(BAND_STEPS):
        part, run = share()
        if band.holds(part, run):
            return
        bounds_met = lower_bounds_met(frame, placed)
        applied = False
        # runs kept first; a week left without runs (which H15 exempts) only as a last
        # resort, in a week that decides the band
        for runless_ok in (False, True) if frame.band_decides else (False,):
            for move in _moves(frame, placed, side, BP * part < lo * run):
                undo = move()
                if undo is None:
                    continue
                now = share()
                # inside the band (to half a grid step) counts as closer, even where the
                # exact share moved away from it
                inside = band.holds(*now)
                closer = inside or _distance(now, lo, hi) < _distance((part, run), lo, hi)
                closer = closer and (now[1] > 0 or runless_ok)
                kept = lower_bounds_met(frame, placed) or not bounds_met
                if closer and kept and week_problem(frame, placed) is None:
                    applied = True
                    break
                undo()
            if applied:
                break
        if not applied:
            return
