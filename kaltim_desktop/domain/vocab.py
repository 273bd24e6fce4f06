# SPDX-License-Identifier: GPL-3.0-or-later
"""Closed vocabularies stored as short English codes; labels are translated for display.

Codes are what the database and the sync op log carry, so they never change once shipped;
add new codes instead of renaming old ones.
"""

from __future__ import annotations

from kaltim_desktop.i18n import N_

SEX = {"M": N_("Male"), "F": N_("Female")}

# Relation to the head of the family, as on the KK (DTKS codes 1-8).
RELATION = {
    "head": N_("Head of family"),
    "spouse": N_("Wife/husband"),
    "child": N_("Child"),
    "child_in_law": N_("Son/daughter-in-law"),
    "grandchild": N_("Grandchild"),
    "parent": N_("Parent/parent-in-law"),
    "helper": N_("Household helper"),
    "other": N_("Other"),
}

EDUCATION = {
    "none": N_("No schooling"),
    "sd": N_("Primary school (SD)"),
    "smp": N_("Junior secondary (SMP)"),
    "sma": N_("Senior secondary (SMA/SMK)"),
    "diploma": N_("Diploma (D1-D3)"),
    "bachelor": N_("Bachelor (D4/S1)"),
    "postgraduate": N_("Postgraduate (S2/S3)"),
}

DISABILITY = {
    "none": N_("None"),
    "physical": N_("Physical"),
    "sensory": N_("Sensory (sight, hearing, speech)"),
    "intellectual": N_("Intellectual"),
    "mental": N_("Mental"),
    "multiple": N_("Multiple"),
}

# House materials, following the BPS Susenas lists (domain.md §3.1).
ROOF_MATERIAL = {
    "concrete": N_("Concrete"),
    "clay_tile": N_("Clay tile (genteng)"),
    "wood_shingle": N_("Wood/shingle (sirap)"),
    "metal_sheet": N_("Metal sheet (seng)"),
    "asbestos": N_("Asbestos"),
    "thatch": N_("Leaves/thatch (ijuk, rumbia)"),
    "other": N_("Other"),
}
WALL_MATERIAL = {
    "masonry": N_("Masonry/GRC board"),
    "plastered_bamboo": N_("Plastered bamboo/wire matting"),
    "wood_plank": N_("Wood/plank"),
    "log": N_("Logs (batang kayu)"),
    "bamboo": N_("Bamboo"),
    "unplastered_brick": N_("Unplastered brick"),
    "other": N_("Other"),
}
FLOOR_MATERIAL = {
    "marble_granite": N_("Marble/granite"),
    "ceramic": N_("Ceramic tile"),
    "parquet_vinyl": N_("Parquet/vinyl/carpet"),
    "terrazzo": N_("Terrazzo/floor tile (ubin, tegel)"),
    "wood_plank": N_("Wood/plank"),
    "cement_brick": N_("Cement/red brick"),
    "bamboo": N_("Bamboo"),
    "earth": N_("Earth"),
    "other": N_("Other"),
}
CONDITION = {
    "good": N_("Good"),
    "light_damage": N_("Lightly damaged"),
    "heavy_damage": N_("Heavily damaged"),
}
TOILET = {
    "own": N_("Own toilet"),
    "shared": N_("Shared toilet"),
    "public": N_("Public toilet"),
    "none": N_("No toilet"),
}
WATER_SOURCE = {
    "piped_metered": N_("Piped water, metered (PDAM)"),
    "piped_retail": N_("Piped water, retail"),
    "public_tap": N_("Public tap/hydrant"),
    "drilled_well": N_("Drilled or pumped well"),
    "protected_well": N_("Protected well"),
    "protected_spring": N_("Protected spring"),
    "rainwater": N_("Rainwater"),
    "bottled": N_("Bottled/refill water"),
    "unprotected_well": N_("Unprotected well"),
    "unprotected_spring": N_("Unprotected spring"),
    "river": N_("River/lake"),
    "other": N_("Other"),
}
IMPROVED_WATER = frozenset(
    {
        "piped_metered",
        "piped_retail",
        "public_tap",
        "drilled_well",
        "protected_well",
        "protected_spring",
        "rainwater",
    }
)
ELECTRICITY = {
    "pln_metered": N_("PLN with meter"),
    "pln_unmetered": N_("PLN without meter"),
    "non_pln": N_("Non-PLN (generator, solar)"),
    "none": N_("No electricity"),
}

HANDOVER_STAGE = {
    "surveyed": N_("Surveyed"),
    "under_construction": N_("Under construction"),
    "completed": N_("Completed"),
    "handed_over": N_("Handed over"),
    "cancelled": N_("Cancelled"),
}
HOUSE_TYPE = {"type36_concrete": N_("Type 36 concrete"), "type45_wood": N_("Type 45 wood")}

GRANT_STAGE = {
    "proposed": N_("Proposed"),
    "verified": N_("Verified"),
    "approved": N_("Approved"),
    "disbursed": N_("Disbursed"),
    "void": N_("Void"),
}
GRANT_FORM = {
    "training": N_("Competency-based training"),
    "apprenticeship": N_("Domestic apprenticeship"),
    "tools_materials": N_("Tools and/or materials"),
    "cash": N_("Cash"),
}
AGENCY = {
    "disperindagkop": N_("Disperindagkop dan UMKM"),
    "dinsos": N_("Dinas Sosial"),
    "disnakertrans": N_("Disnakertrans"),
    "biro_adbang": N_("Biro Administrasi Pembangunan"),
    "dpupr": N_("Dinas PUPR"),
}
SKILL_CATEGORY = {
    "food_processing": N_("Food processing (pengolahan pangan)"),
    "rattan_craft": N_("Rattan craft (kerajinan rotan)"),
    "sewing": N_("Sewing"),
    "carpentry": N_("Carpentry"),
    "barbering": N_("Barbering"),
    "agriculture": N_("Agriculture and fisheries"),
    "other": N_("Other"),
}
ENROLMENT_STATUS = {
    "enrolled": N_("Enrolled"),
    "completed": N_("Completed"),
    "dropped": N_("Dropped out"),
}
ROLE = {"operator": N_("Operator"), "supervisor": N_("Supervisor"), "admin": N_("Administrator")}
