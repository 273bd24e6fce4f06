# SPDX-License-Identifier: GPL-3.0-or-later
"""RTLH verdicts (domain.md §3.1) and checks of the recorded values."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaltim_desktop.domain.rtlh import REASONS, HouseCondition, assess, validate_condition

# The Kaltim programme's wooden type-45 house (6 x 7.5 m) for a family of four.
TYPE_45_WOOD = HouseCondition(
    floor_area_dm2=4500,
    occupants=4,
    roof_material="metal_sheet",
    roof_condition="good",
    wall_material="wood_plank",
    wall_condition="good",
    floor_material="wood_plank",
    floor_condition="good",
    structure_condition="good",
    toilet="own",
    toilet_gooseneck=True,
    septic_tank=True,
    water_source="piped_metered",
    electricity="pln_metered",
)


def reasons(c: HouseCondition) -> list[str]:
    return [r.code for r in assess(c).reasons]


def test_wooden_type_45_house_is_decent() -> None:
    verdict = assess(TYPE_45_WOOD)
    assert verdict.decent is True
    assert verdict.reasons == ()
    assert verdict.missing == ()
    assert validate_condition(TYPE_45_WOOD) == ()


def test_earth_floor_is_not_decent() -> None:
    verdict = assess(replace(TYPE_45_WOOD, floor_material="earth"))
    assert verdict.decent is False
    assert [r.code for r in verdict.reasons] == ["floor_not_durable"]
    assert verdict.reasons[0].message == REASONS["floor_not_durable"]


@pytest.mark.parametrize(
    ("occupants", "area_dm2", "crowded"),
    [(5, 3600, False), (5, 3599, True), (4, 2880, False), (4, 2879, True), (1, 720, False)],
)
def test_floor_area_boundary_is_exact(occupants: int, area_dm2: int, crowded: bool) -> None:
    c = replace(TYPE_45_WOOD, occupants=occupants, floor_area_dm2=area_dm2)
    assert reasons(c) == (["crowded"] if crowded else [])
    assert assess(c).decent is (not crowded)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"roof_condition": "heavy_damage"}, ["roof_heavy_damage"]),
        ({"wall_condition": "heavy_damage"}, ["wall_heavy_damage"]),
        ({"structure_condition": "heavy_damage"}, ["structure_heavy_damage"]),
        ({"roof_material": "thatch"}, ["roof_not_durable"]),
        ({"roof_material": "asbestos"}, ["roof_not_durable"]),
        ({"wall_material": "bamboo"}, ["wall_not_durable"]),
        ({"wall_material": "unplastered_brick"}, ["wall_not_durable"]),
        ({"floor_material": "bamboo"}, ["floor_not_durable"]),
        ({"floor_condition": "heavy_damage"}, ["floor_heavy_damage"]),
        (
            {"floor_material": "cement_brick", "floor_condition": "heavy_damage"},
            ["floor_heavy_damage"],
        ),
        ({"toilet": "none", "toilet_gooseneck": None, "septic_tank": None}, ["no_toilet"]),
        ({"toilet": "public"}, ["public_toilet"]),
        ({"toilet_gooseneck": False}, ["toilet_no_gooseneck"]),
        ({"septic_tank": False}, ["toilet_no_septic"]),
        ({"water_source": "unprotected_well"}, ["unimproved_water"]),
        ({"water_source": "river"}, ["unimproved_water"]),
        ({"water_source": "bottled"}, ["unimproved_water"]),
        ({"electricity": "none"}, ["no_electricity"]),
    ],
)
def test_each_reason(change: dict, expected: list[str]) -> None:
    verdict = assess(replace(TYPE_45_WOOD, **change))
    assert verdict.decent is False
    assert [r.code for r in verdict.reasons] == expected
    assert all(r.message for r in verdict.reasons)


@pytest.mark.parametrize(
    "change",
    [
        {"wall_material": "log"},
        {"wall_material": "masonry", "roof_material": "clay_tile", "floor_material": "ceramic"},
        {"roof_material": "concrete", "floor_material": "cement_brick"},
        {"wall_material": "plastered_bamboo", "roof_material": "wood_shingle"},
        {"roof_condition": "light_damage", "wall_condition": "light_damage"},
        {"toilet": "shared"},
        {"water_source": "drilled_well"},
        {"water_source": "rainwater"},
        {"electricity": "non_pln"},
        {"electricity": "pln_unmetered"},
    ],
)
def test_still_decent(change: dict) -> None:
    assert assess(replace(TYPE_45_WOOD, **change)).decent is True


def test_several_reasons_in_fixed_order() -> None:
    shack = replace(
        TYPE_45_WOOD,
        roof_material="thatch",
        wall_material="bamboo",
        floor_material="earth",
        toilet="none",
        water_source="river",
        electricity="none",
        floor_area_dm2=1800,
    )
    assert reasons(shack) == [
        "roof_not_durable",
        "wall_not_durable",
        "floor_not_durable",
        "no_toilet",
        "crowded",
        "unimproved_water",
        "no_electricity",
    ]


def test_missing_data_gives_no_verdict() -> None:
    verdict = assess(replace(TYPE_45_WOOD, water_source=None, floor_area_dm2=None))
    assert verdict.decent is None
    assert verdict.reasons == ()
    assert verdict.missing == ("floor_area_dm2", "water_source")


def test_empty_survey() -> None:
    verdict = assess(HouseCondition())
    assert verdict.decent is None
    assert "toilet" in verdict.missing and "occupants" in verdict.missing
    # Gooseneck and septic tank only matter once an own or shared toilet is known.
    assert "toilet_gooseneck" not in verdict.missing


def test_gooseneck_unknown_is_missing() -> None:
    verdict = assess(replace(TYPE_45_WOOD, toilet_gooseneck=None))
    assert verdict.decent is None
    assert verdict.missing == ("toilet_gooseneck",)


def test_a_reason_decides_even_with_missing_data() -> None:
    verdict = assess(replace(TYPE_45_WOOD, floor_material="earth", occupants=None))
    assert verdict.decent is False
    assert verdict.missing == ("occupants",)


def test_unknown_code_and_zero_occupants_count_as_missing() -> None:
    verdict = assess(replace(TYPE_45_WOOD, roof_material="straw", occupants=0))
    assert verdict.decent is None
    assert verdict.missing == ("occupants", "roof_material")


def issue_codes(c: HouseCondition) -> list[tuple[str, str, str]]:
    return [(i.field, i.code, i.severity) for i in validate_condition(c)]


def test_validate_condition_errors() -> None:
    assert issue_codes(replace(TYPE_45_WOOD, roof_material="straw")) == [
        ("roof_material", "rtlh.unknown_code", "error")
    ]
    assert issue_codes(replace(TYPE_45_WOOD, floor_area_dm2=-1)) == [
        ("floor_area_dm2", "rtlh.negative", "error")
    ]
    assert issue_codes(replace(TYPE_45_WOOD, occupants=-2)) == [
        ("occupants", "rtlh.negative", "error")
    ]
    assert issue_codes(replace(TYPE_45_WOOD, occupants=0)) == [
        ("occupants", "rtlh.occupants_zero", "error")
    ]


def test_validate_condition_warnings() -> None:
    assert issue_codes(replace(TYPE_45_WOOD, floor_area_dm2=100_000)) == []  # 1,000 m²
    assert issue_codes(replace(TYPE_45_WOOD, floor_area_dm2=100_001)) == [
        ("floor_area_dm2", "rtlh.implausible", "warning")
    ]
    assert issue_codes(replace(TYPE_45_WOOD, floor_area_dm2=45)) == [
        ("floor_area_dm2", "rtlh.implausible", "warning")
    ]
    assert issue_codes(replace(TYPE_45_WOOD, occupants=31)) == [
        ("occupants", "rtlh.implausible", "warning")
    ]
    assert issue_codes(replace(TYPE_45_WOOD, toilet="none")) == [
        ("toilet_gooseneck", "rtlh.inconsistent", "warning"),
        ("septic_tank", "rtlh.inconsistent", "warning"),
    ]
    assert validate_condition(HouseCondition()) == ()


@given(st.integers(0, 200_000), st.integers(1, 40))
def test_crowding_matches_exact_arithmetic(area_dm2: int, occupants: int) -> None:
    c = replace(TYPE_45_WOOD, floor_area_dm2=area_dm2, occupants=occupants)
    per_person_m2 = Fraction(area_dm2, 100) / occupants
    assert ("crowded" in reasons(c)) == (per_person_m2 < Fraction(72, 10))
