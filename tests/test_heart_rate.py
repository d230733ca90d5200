"""Heart-rate zones by method, and the RPE an average heart rate reads as."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from periodize.heart_rate import HeartRate, Zones, rpe_from_heart_rate


def test_reserve_method_is_karvonen() -> None:
    # max 188, rest 52: reserve 136; 50% -> 52 + 68 = 120, 60% -> 52 + 81.6 = 133.6 -> 134,
    # 70% -> 147.2 -> 147, 80% -> 160.8 -> 161, 90% -> 174.4 -> 174, 100% -> 188.
    zones = HeartRate(max=188, rest=52).zones_bpm()
    assert zones.bounds == (120, 134, 147, 161, 174, 188)
    assert zones.method == "reserve"


def test_max_method_is_percent_of_maximum() -> None:
    # 50..100% of 190: 95, 114, 133, 152, 171, 190
    zones = HeartRate(max=190).zones_bpm()
    assert zones.bounds == (95, 114, 133, 152, 171, 190)
    assert zones.method == "max"


def test_method_max_ignores_rest_when_named() -> None:
    assert HeartRate(max=190, rest=50, method="max").zones_bpm().bounds[0] == 95


def test_explicit_zones_are_used_as_given() -> None:
    zones = HeartRate(zones=(100, 120, 140, 155, 170, 185)).zones_bpm()
    assert zones.bpm(2, 3) == (120, 155)
    assert zones.method == "explicit"


@pytest.mark.parametrize(
    ("settings_", "problem"),
    [
        ({}, "give max"),
        ({"zones": [100, 120, 120, 155, 170, 185]}, "strictly ascending"),
        ({"zones": [100, 120, 140, 155, 170, 185], "method": "max"}, "exclude each other"),
        ({"max": 180, "method": "reserve"}, "needs rest"),
        ({"max": 130, "rest": 115}, "well below max"),
    ],
)
def test_bad_settings_name_the_fix(settings_: dict[str, object], problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        HeartRate.model_validate(settings_)


ZONES = Zones((120, 134, 147, 161, 174, 188), "reserve")


@pytest.mark.parametrize(
    ("bpm", "rpe"),
    [
        (100, 1),  # below zone 1
        (125, 1),  # zone 1, lower half (120-127)
        (130, 2),  # zone 1, upper half
        (140, 3),  # zone 2 (134-147), lower half
        (145, 4),
        (150, 5),  # zone 3 (147-161)
        (165, 7),  # zone 4 (161-174), lower half
        (172, 8),
        (180, 9),  # zone 5 (174-188), lower half
        (186, 10),
        (200, 10),  # above zone 5
    ],
)
def test_rpe_from_average_heart_rate(bpm: int, rpe: int) -> None:
    assert rpe_from_heart_rate(bpm, ZONES) == rpe


@settings(max_examples=200)
@given(st.floats(30, 250), st.floats(30, 250))
def test_rpe_rises_with_heart_rate(first: float, second: float) -> None:
    low, high = sorted((first, second))
    assert 1 <= rpe_from_heart_rate(low, ZONES) <= rpe_from_heart_rate(high, ZONES) <= 10
