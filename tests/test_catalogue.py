"""catalogue.py and catalogue.yaml: the built-in session kinds, overrides and H19."""

from __future__ import annotations

from typing import Any

import pytest

from periodize.catalogue import (
    RACE_KIND,
    SessionKind,
    SessionKindOverride,
    builtin_kinds,
    merge_catalogue,
)
from periodize.scenario import Scenario
from periodize.vocabulary import Injury, Intensity, Modality, Terrain

KINDS = builtin_kinds()

# Every kind rules.md names ("Session kinds"), by its id in catalogue.yaml.
NAMED_BY_RULES = {
    "road_recovery": "easy/recovery road run",
    "road_easy": "easy/recovery road run",
    "road_tempo": "road tempo",
    "road_intervals": "track or road intervals",
    "track_intervals": "track or road intervals",
    "road_long": "long road run",
    "trail_easy": "easy trail run",
    "trail_long": "long trail run",
    "hill_repeats": "hill repeats",
    "downhill_technique": "technical downhill practice",
    "hike_easy": "easy hike",
    "hike_long": "long hike with elevation",
    "bike_easy": "bike",
    "swim_easy": "swim",
    "strength_mobility": "strength-and-mobility (ankles, hips, core)",
    "gym_strength": "strength-and-mobility (gym)",
    "trail_night": "night/simulation trail run",
    "trail_loaded": "night/simulation trail run",
    "race": "the race",
}

ALL_KINDS = sorted(KINDS)


def test_every_kind_rules_md_names_is_built_in() -> None:
    assert set(NAMED_BY_RULES) <= set(KINDS)


@pytest.mark.parametrize("kind_id", ALL_KINDS)
def test_numbers_are_in_range(kind_id: str) -> None:
    kind = KINDS[kind_id]
    assert kind.id == kind_id
    assert 1 <= kind.rpe <= 10
    lo, hi = kind.minutes
    assert 1 <= lo <= hi <= 1440
    assert 0.0 <= kind.work_share <= 1.0
    assert sum(kind.systems.values()) > 0
    assert kind.description


@pytest.mark.parametrize("kind_id", ALL_KINDS)
def test_work_share_matches_intensity(kind_id: str) -> None:
    kind = KINDS[kind_id]
    if kind.intensity is Intensity.EASY:
        assert kind.work_share == 0
    if kind.hard:
        assert kind.intensity is Intensity.HARD
        assert kind.work_share > 0


@pytest.mark.parametrize("kind_id", [k for k in ALL_KINDS if KINDS[k].long])
def test_long_kinds_have_low_minimums(kind_id: str) -> None:
    # rules.md: what makes a session long is H14, not a fixed number.
    assert KINDS[kind_id].minutes[0] <= 60


def test_the_kinds_rules_md_describes() -> None:
    assert {k for k, kind in KINDS.items() if kind.long} == {"road_long", "trail_long", "hike_long"}
    assert KINDS["road_long"].minutes[0] == 45
    assert KINDS["hike_long"].minutes[0] == 60
    assert {k for k, kind in KINDS.items() if kind.simulation} == {"trail_night", "trail_loaded"}
    assert {k for k, kind in KINDS.items() if kind.hard} == {
        "road_tempo",
        "road_intervals",
        "track_intervals",
        "hill_repeats",
        "race",
    }
    # Work shares named in rules.md "Units and words".
    assert KINDS["road_intervals"].work_share == 0.4
    assert KINDS["road_tempo"].work_share == 0.6
    assert KINDS["hill_repeats"].work_share == 0.4
    assert KINDS["strength_mobility"].terrain is Terrain.ANY
    assert {kind.modality for kind in KINDS.values()} == set(Modality)
    assert [k for k, kind in KINDS.items() if kind.is_race] == [RACE_KIND]


def test_classification_words_of_rules_md() -> None:
    assert KINDS["track_intervals"].is_road_run
    assert KINDS["hill_repeats"].is_trail_run
    assert not KINDS["hill_repeats"].is_road_run
    assert KINDS["hike_easy"].is_trail_session
    assert KINDS["hike_easy"].is_hike
    assert not KINDS["road_easy"].is_trail_session
    assert {k for k, kind in KINDS.items() if kind.is_cross_training} == {
        "bike_easy",
        "swim_easy",
        "strength_mobility",
        "gym_strength",
    }
    # H06: a demanding session is a hard one or a long run; a long hike is not.
    assert KINDS["road_tempo"].is_demanding
    assert KINDS["road_long"].is_demanding
    assert KINDS["trail_long"].is_demanding
    assert not KINDS["hike_long"].is_demanding
    assert not KINDS["road_easy"].is_demanding


@pytest.mark.parametrize(
    ("kind_id", "minutes", "hard_minutes"),
    [
        ("road_tempo", 50, 30),  # 50 x 0.6
        ("road_intervals", 45, 18),  # 45 x 0.4
        ("road_intervals", 47, 18),  # 18.8 rounded down
        ("downhill_technique", 45, 9),  # 45 x 0.2
        ("road_easy", 60, 0),
    ],
)
def test_hard_minutes_round_down(kind_id: str, minutes: int, hard_minutes: int) -> None:
    assert KINDS[kind_id].hard_minutes(minutes) == hard_minutes


# ----- scenario overrides ---------------------------------------------------------------

NEW_KIND: dict[str, Any] = {
    "id": "sand_run",
    "modality": "run",
    "terrain": "road",
    "intensity": "easy",
    "rpe": 4,
    "minutes": [30, 60],
    "systems": {"aerobic_metabolic": 2, "musculoskeletal": 2},
    "description": "Easy run on soft sand.",
}


def override(**fields: Any) -> SessionKindOverride:
    return SessionKindOverride.model_validate(fields)


def test_override_merges_field_by_field() -> None:
    merged = merge_catalogue([override(id="road_easy", rpe=4, minutes=[30, 90])])
    road_easy, original = merged["road_easy"], KINDS["road_easy"]
    assert road_easy.rpe == 4
    assert road_easy.minutes == (30, 90)
    assert road_easy.model_dump(exclude={"rpe", "minutes"}) == original.model_dump(
        exclude={"rpe", "minutes"}
    )
    # The built-in catalogue itself is untouched.
    assert builtin_kinds()["road_easy"].rpe == 3
    assert merged.keys() == KINDS.keys()


def test_new_kind_with_every_field_is_added() -> None:
    merged = merge_catalogue([override(**NEW_KIND)])
    assert set(merged) == set(KINDS) | {"sand_run"}
    assert merged["sand_run"].terrain is Terrain.ROAD
    assert merged["sand_run"].work_share == 0
    assert merged["sand_run"].gear == ()


@pytest.mark.parametrize(
    "missing", ["modality", "terrain", "intensity", "rpe", "minutes", "systems", "description"]
)
def test_new_kind_needs_all_fields(missing: str) -> None:
    fields = {k: v for k, v in NEW_KIND.items() if k != missing}
    with pytest.raises(ValueError, match=rf"new kind 'sand_run' needs .*{missing}"):
        merge_catalogue([override(**fields)])


def test_inconsistent_new_kind_names_the_kind() -> None:
    with pytest.raises(ValueError, match="new kind 'sand_run': work_share must be 0"):
        merge_catalogue([override(**NEW_KIND | {"work_share": 0.2})])


def test_inconsistent_override_names_the_kind() -> None:
    with pytest.raises(ValueError, match="override of 'road_tempo': a kind flagged hard"):
        merge_catalogue([override(id="road_tempo", intensity="moderate")])


def test_minutes_range_must_be_ordered() -> None:
    with pytest.raises(ValueError, match="must not exceed"):
        SessionKind.model_validate(NEW_KIND | {"minutes": [60, 30]})


def test_dolomites_adds_trail_intervals(dolomites: Scenario) -> None:
    kind = dolomites.catalogue["trail_intervals"]
    assert kind.terrain is Terrain.HILLS
    assert kind.hard
    assert kind.hard_minutes(60) == 24


# ----- H19: injuries --------------------------------------------------------------------

RUNS = {k for k, kind in KINDS.items() if kind.modality is Modality.RUN}


@pytest.mark.parametrize(
    ("injury", "excluded"),
    [
        # knee -> downhill stress: only the kind built around descending (v3)
        (Injury.KNEE, {"downhill_technique"}),
        # ankle -> ankle stress: every trail run
        (
            Injury.ANKLE,
            {"trail_easy", "trail_long", "downhill_technique", "trail_night", "trail_loaded"},
        ),
        # shin and stress fracture -> impact: every run, hikes and cross-training stay
        (Injury.SHIN, RUNS),
        (Injury.STRESS_FRACTURE, RUNS),
    ],
)
def test_h19_excludes_kinds_stressing_an_injury(injury: Injury, excluded: set[str]) -> None:
    assert {k for k, kind in KINDS.items() if kind.excluded_by([injury])} == excluded


def test_h19_nothing_is_excluded_without_injuries() -> None:
    assert not any(kind.excluded_by([]) for kind in KINDS.values())


def test_h19_allowed_kinds_of_a_scenario(dolomites: Scenario) -> None:
    allowed = {kind.id for kind in dolomites.allowed_kinds()}
    assert allowed == (set(KINDS) - {RACE_KIND}) | {"trail_intervals"}
    knee = dolomites.model_copy(
        update={"athlete": dolomites.athlete.model_copy(update={"injuries": (Injury.KNEE,)})}
    )
    knee_allowed = [kind.id for kind in knee.allowed_kinds()]
    assert knee_allowed == sorted(knee_allowed)
    assert set(knee_allowed) == allowed - {"downhill_technique"}
