"""Guard literals: every rule's constraints hang on one literal per (rule, week or date).

In a normal solve a safety guard is the constant true (constraints are added plainly, no
enforcement literal), a recipe guard is a free Boolean whose falsity is the soft term S0
(``recipes: soft``) or the constant true (``strict``). In explain mode every guard is a
free Boolean, so that a feasibility model can switch rules off by assumption.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum

from ortools.sat.python import cp_model

from periodize.vocabulary import RecipeMode


class GuardMode(Enum):
    """How guards are made: for solving, or as assumptions for explanations."""

    SOLVE = "solve"
    EXPLAIN = "explain"


@dataclass(frozen=True, order=True, slots=True)
class GuardKey:
    """What a guard stands for: a rule, the week (or day index) it applies to, and whether
    it is the rule's recipe part (a minimum) or its safety part."""

    rule: str
    week: int | None = None
    day: int | None = None
    recipe: bool = False


@dataclass
class Guards:
    """The registry of guard literals of one model."""

    model: cp_model.CpModel
    mode: GuardMode
    recipes: RecipeMode
    safety: dict[GuardKey, cp_model.IntVar] = field(default_factory=dict)
    recipe: dict[GuardKey, cp_model.IntVar] = field(default_factory=dict)
    past_weeks: frozenset[int] = frozenset()
    """A re-plan's weeks wholly before today: their rules are off (history, not rules)."""
    split_week: int | None = None
    """A re-plan's week of today, when part of it is past: its recipes are soft even under
    ``recipes: strict`` (a week half done can miss a minimum because of what was done)."""
    _off: cp_model.IntVar | None = None

    def _history(self) -> cp_model.IntVar:
        """The guard of a past week's rules: a literal fixed to false, in no table (so it is
        neither an assumption to explain nor a recipe miss)."""
        if self._off is None:
            self._off = self.model.new_bool_var("guard_history")
            self.model.add(self._off == 0)
        return self._off

    def for_safety(self, rule: str, week: int | None = None, day: int | None = None) -> GuardLit:
        """The guard of a safety rule: None (always on) unless explaining."""
        if week in self.past_weeks:
            return self._history()
        if self.mode is GuardMode.SOLVE:
            return None
        return self._literal(self.safety, GuardKey(rule, week, day))

    def for_recipe(self, rule: str, week: int | None = None) -> GuardLit:
        """The guard of a recipe: free under soft recipes or when explaining, else None."""
        if week in self.past_weeks:
            return self._history()
        strict = self.recipes is RecipeMode.STRICT and week != self.split_week
        if self.mode is GuardMode.SOLVE and strict:
            return None
        return self._literal(self.recipe, GuardKey(rule, week, recipe=True))

    def _literal(self, table: dict[GuardKey, cp_model.IntVar], key: GuardKey) -> cp_model.IntVar:
        literal = table.get(key)
        if literal is None:
            part = "recipe" if key.recipe else "safety"
            day = f"_d{key.day}" if key.day is not None else ""
            name = f"guard_{key.rule}_{part}_w{key.week}{day}"
            literal = self.model.new_bool_var(name)
            table[key] = literal
        return literal

    def all(self) -> dict[GuardKey, cp_model.IntVar]:
        """Every guard literal, safety and recipe, by key."""
        return {**self.safety, **self.recipe}


GuardLit = cp_model.IntVar | None


def enforce(constraint: cp_model.Constraint, guard: GuardLit) -> cp_model.Constraint:
    """Make ``constraint`` conditional on ``guard`` (unconditional when there is none)."""
    if guard is not None:
        constraint.only_enforce_if(guard)
    return constraint


def enforce_all(constraints: Iterable[cp_model.Constraint], guard: GuardLit) -> None:
    """`enforce` for several constraints under one guard."""
    for constraint in constraints:
        enforce(constraint, guard)
