# SPDX-License-Identifier: GPL-3.0-or-later
"""RTLH (rumah tidak layak huni) assessment of a house from its surveyed condition.

The rules combine the Kemensos criteria (Permensos 20/2017: dangerous damage to roof or walls,
non-durable materials, a damaged floor, no toilet, under 7.2 m² per person) with the BPS
"hunian layak" proxy (durable roof/wall/floor materials, living space, improved drinking water,
adequate sanitation), as summarised in domain.md §3.1. Following BPS, wood and planks are
durable: the Kaltim RLH programme itself builds wooden type-45 houses, so wood alone never makes a
house unfit.

The verdict is advice for the officer, who decides. Floor areas are integers in square
decimetres (1 m² = 100 dm²) so the 7.2 m² boundary is computed exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from kaltim_desktop.domain import vocab
from kaltim_desktop.errors import Issue
from kaltim_desktop.i18n import N_, _

MIN_DM2_PER_PERSON = 720
"""7.2 m² of floor per person (Permensos 20/2017, BPS SDG 11.1.1), in dm²."""
MAX_PLAUSIBLE_AREA_DM2 = 100_000
"""Areas above 1,000 m² are most likely a unit mistake (cm² or a land area)."""
MIN_PLAUSIBLE_AREA_DM2 = 300
"""Areas below 3 m² are most likely typed in the wrong unit."""
MAX_PLAUSIBLE_OCCUPANTS = 30

# BPS durable ("layak") materials; everything else in the vocabularies, including "other", is
# not durable. Asbestos is not on the BPS roof list.
DURABLE_ROOF = frozenset({"concrete", "clay_tile", "wood_shingle", "metal_sheet"})
DURABLE_WALL = frozenset({"masonry", "plastered_bamboo", "wood_plank", "log"})
DURABLE_FLOOR = frozenset(
    {"marble_granite", "ceramic", "parquet_vinyl", "terrazzo", "wood_plank", "cement_brick"}
)
ADEQUATE_TOILETS = frozenset({"own", "shared"})

_VOCABULARY = {
    "roof_material": vocab.ROOF_MATERIAL,
    "roof_condition": vocab.CONDITION,
    "wall_material": vocab.WALL_MATERIAL,
    "wall_condition": vocab.CONDITION,
    "floor_material": vocab.FLOOR_MATERIAL,
    "floor_condition": vocab.CONDITION,
    "structure_condition": vocab.CONDITION,
    "toilet": vocab.TOILET,
    "water_source": vocab.WATER_SOURCE,
    "electricity": vocab.ELECTRICITY,
}

# Reason code -> explanation (translated when the verdict is made).
REASONS = {
    "roof_heavy_damage": N_("The roof is heavily damaged and may endanger the occupants."),
    "wall_heavy_damage": N_("The walls are heavily damaged and may endanger the occupants."),
    "structure_heavy_damage": N_(
        "The structure (foundation, columns, beams) is heavily damaged and unsafe."
    ),
    "roof_not_durable": N_(
        "The roof is not of a durable material (durable: concrete, clay tile, wood shingle, "
        "metal sheet)."
    ),
    "wall_not_durable": N_(
        "The walls are not of a durable material (durable: masonry, plastered bamboo, wood or "
        "planks, logs)."
    ),
    "floor_not_durable": N_(
        "The floor is not of a durable material (for example earth or bamboo); wood, cement "
        "and tiles are durable."
    ),
    "floor_heavy_damage": N_("The floor is heavily damaged."),
    "no_toilet": N_("The household has no toilet."),
    "public_toilet": N_(
        "The household only uses a public toilet; adequate sanitation needs its own or a shared "
        "toilet."
    ),
    "toilet_no_gooseneck": N_(
        "The toilet has no gooseneck (leher angsa) bowl, so sanitation is not adequate."
    ),
    "toilet_no_septic": N_(
        "The toilet has no septic tank or waste-water disposal, so sanitation is not adequate."
    ),
    "crowded": N_("The floor area is less than 7.2 m² per person."),
    "unimproved_water": N_(
        "Drinking water does not come from an improved source (piped, public tap, drilled or "
        "protected well, protected spring, rainwater). Bottled or refill water counts only "
        "when water for bathing and washing comes from an improved source."
    ),
    "no_electricity": N_("The house has no electricity."),
}


@dataclass(frozen=True)
class HouseCondition:
    """Surveyed condition of a house; ``None`` means "not recorded".

    Material, condition, toilet, water and electricity fields hold codes from
    :mod:`kaltim_desktop.domain.vocab`.
    """

    floor_area_dm2: int | None = None
    occupants: int | None = None
    roof_material: str | None = None
    roof_condition: str | None = None
    wall_material: str | None = None
    wall_condition: str | None = None
    floor_material: str | None = None
    floor_condition: str | None = None
    structure_condition: str | None = None
    toilet: str | None = None
    toilet_gooseneck: bool | None = None
    septic_tank: bool | None = None
    water_source: str | None = None
    electricity: str | None = None


@dataclass(frozen=True)
class Reason:
    """One reason why a house is not decent; ``message`` is already translated."""

    code: str
    message: str


@dataclass(frozen=True)
class Verdict:
    """The result of :func:`assess`.

    Attributes:
        decent: ``False`` when any reason applies (even with data missing), ``True`` when all
            data is there and no reason applies, ``None`` when data is missing and no reason
            was found.
        reasons: why the house is not decent, in a fixed order.
        missing: names of :class:`HouseCondition` fields needed for a full verdict that are
            missing or hold an unknown code.
    """

    decent: bool | None
    reasons: tuple[Reason, ...]
    missing: tuple[str, ...]


def _known(c: HouseCondition, name: str, missing: list[str]) -> str | None:
    """The field's code when it is a known one; otherwise note it as missing."""
    value = getattr(c, name)
    if value is None or value not in _VOCABULARY[name]:
        missing.append(name)
        return None
    return value


def assess(c: HouseCondition) -> Verdict:
    """Decide whether a house is decent (layak huni) per domain.md §3.1.

    Args:
        c: the surveyed condition.

    Returns:
        The :class:`Verdict` with every reason that applies and the fields still missing.
    """
    codes: list[str] = []
    missing: list[str] = []

    for part in ("roof", "wall", "structure"):
        if _known(c, f"{part}_condition", missing) == "heavy_damage":
            codes.append(f"{part}_heavy_damage")
    for part, durable in (("roof", DURABLE_ROOF), ("wall", DURABLE_WALL), ("floor", DURABLE_FLOOR)):
        material = _known(c, f"{part}_material", missing)
        if material is not None and material not in durable:
            codes.append(f"{part}_not_durable")
    # Permensos counts a damaged floor of any material (plank, cement, ceramic) as unfit.
    if _known(c, "floor_condition", missing) == "heavy_damage":
        codes.append("floor_heavy_damage")

    toilet = _known(c, "toilet", missing)
    if toilet == "none":
        codes.append("no_toilet")
    elif toilet == "public":
        codes.append("public_toilet")
    elif toilet in ADEQUATE_TOILETS:
        for name, code in (
            ("toilet_gooseneck", "toilet_no_gooseneck"),
            ("septic_tank", "toilet_no_septic"),
        ):
            flag = getattr(c, name)
            if flag is None:
                missing.append(name)
            elif not flag:
                codes.append(code)

    if c.floor_area_dm2 is None or c.floor_area_dm2 < 0:
        missing.append("floor_area_dm2")
    if c.occupants is None or c.occupants < 1:
        missing.append("occupants")
    # Exact integer form of "area / occupants < 7.2 m²".
    if (
        "floor_area_dm2" not in missing
        and "occupants" not in missing
        and c.floor_area_dm2 < MIN_DM2_PER_PERSON * c.occupants
    ):
        codes.append("crowded")

    water = _known(c, "water_source", missing)
    if water is not None and water not in vocab.IMPROVED_WATER:
        codes.append("unimproved_water")
    if _known(c, "electricity", missing) == "none":
        codes.append("no_electricity")

    reasons = tuple(Reason(code, _(REASONS[code])) for code in codes)
    order = [f.name for f in fields(HouseCondition)]
    missing_sorted = tuple(sorted(set(missing), key=order.index))
    if reasons:
        decent: bool | None = False
    elif missing_sorted:
        decent = None
    else:
        decent = True
    return Verdict(decent, reasons, missing_sorted)


def validate_condition(c: HouseCondition) -> tuple[Issue, ...]:
    """Check the recorded values themselves (not whether the house is decent).

    Errors: unknown codes, negative numbers, zero occupants. Warnings: implausible sizes and
    contradictions (gooseneck or septic tank recorded without a toilet).
    """
    issues: list[Issue] = []
    for name, vocabulary in _VOCABULARY.items():
        value = getattr(c, name)
        if value is not None and value not in vocabulary:
            issues.append(
                Issue(
                    name,
                    "rtlh.unknown_code",
                    "error",
                    _("Unknown value; choose one from the list."),
                )
            )

    area, occupants = c.floor_area_dm2, c.occupants
    if area is not None:
        if area < 0:
            issues.append(
                Issue(
                    "floor_area_dm2",
                    "rtlh.negative",
                    "error",
                    _("The floor area cannot be negative."),
                )
            )
        elif area > MAX_PLAUSIBLE_AREA_DM2:
            issues.append(
                Issue(
                    "floor_area_dm2",
                    "rtlh.implausible",
                    "warning",
                    _("A floor area above 1,000 m² is unlikely here; check the unit."),
                )
            )
        elif area < MIN_PLAUSIBLE_AREA_DM2:
            issues.append(
                Issue(
                    "floor_area_dm2",
                    "rtlh.implausible",
                    "warning",
                    _("A floor area below 3 m² is unlikely; check the unit."),
                )
            )
    if occupants is not None:
        if occupants < 0:
            issues.append(
                Issue(
                    "occupants",
                    "rtlh.negative",
                    "error",
                    _("The number of occupants cannot be negative."),
                )
            )
        elif occupants == 0:
            issues.append(
                Issue(
                    "occupants",
                    "rtlh.occupants_zero",
                    "error",
                    _("A house being assessed needs at least one occupant."),
                )
            )
        elif occupants > MAX_PLAUSIBLE_OCCUPANTS:
            issues.append(
                Issue(
                    "occupants",
                    "rtlh.implausible",
                    "warning",
                    _("More than {count} occupants is unlikely; please check.").format(
                        count=MAX_PLAUSIBLE_OCCUPANTS
                    ),
                )
            )

    if c.toilet in ("none", "public"):
        for name in ("toilet_gooseneck", "septic_tank"):
            if getattr(c, name):
                issues.append(
                    Issue(
                        name,
                        "rtlh.inconsistent",
                        "warning",
                        _("Recorded although the household has no toilet of its own or shared."),
                    )
                )
    return tuple(issues)
