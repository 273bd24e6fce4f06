# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared fixtures: a real SQLite file per test, copied from one migrated template."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

# Qt draws offscreen on one screen the size of the officers' laptops (1366×768), so that tests
# and screenshots see the layout they will get.
os.environ["QT_QPA_PLATFORM"] = (
    f"offscreen:configfile={Path(__file__).with_name('qt-screen-1366x768.json')}"
    if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen"
    else os.environ["QT_QPA_PLATFORM"]
)
os.environ.setdefault("KALTIM_LANG", "en")

from kaltim_desktop import i18n
from kaltim_desktop.db import Database, make_engine, open_database, sqlite_url
from kaltim_desktop.domain.rtlh import HouseCondition
from kaltim_desktop.services.context import Actor
from kaltim_desktop.services.household_rules import HouseholdInput, MemberInput

# A real Samarinda village (64.72.06.1001 Loa Bakung, Sungai Kunjang) and valid identity
# numbers for it.
VILLAGE = "64.72.06.1001"
HEAD_NIK = "6472061505800001"  # male, born 15-05-1980
WIFE_NIK = "6472065708850002"  # female (17+40), born 17-08-1985
CHILD_NIK = "6472060103100003"  # male, born 01-03-2010
KK = "6472060101150004"  # issued 01-01-2015


@pytest.fixture(autouse=True)
def english_messages():
    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "kaltim.sqlite"
    open_database(path).dispose()
    return path


@pytest.fixture
def db_path(template_db, tmp_path) -> Path:
    path = tmp_path / "kaltim.sqlite"
    shutil.copy(template_db, path)
    return path


@pytest.fixture
def db(db_path) -> Database:
    database = Database(make_engine(sqlite_url(db_path)), db_path)
    yield database
    database.dispose()


@pytest.fixture
def operator() -> Actor:
    return Actor(
        officer_id="00000000-0000-7000-8000-000000000001", username="operator", role="operator"
    )


@pytest.fixture
def supervisor() -> Actor:
    return Actor(
        officer_id="00000000-0000-7000-8000-000000000002", username="supervisor", role="supervisor"
    )


@pytest.fixture
def admin() -> Actor:
    return Actor(officer_id="00000000-0000-7000-8000-000000000003", username="admin", role="admin")


def wooden_house(**overrides) -> HouseCondition:
    """A decent wooden house (the programme's type 45): wood is durable, domain.md §3.1."""
    values = dict(
        floor_area_dm2=4500, occupants=4, roof_material="metal_sheet", roof_condition="good",
        wall_material="wood_plank", wall_condition="good", floor_material="wood_plank",
        floor_condition="good", structure_condition="good", toilet="own", toilet_gooseneck=True,
        septic_tank=True, water_source="piped_metered", electricity="pln_metered",
    )  # fmt: skip
    values.update(overrides)
    return HouseCondition(**values)


def family(**overrides) -> HouseholdInput:
    """A valid three-person household in Samarinda; override any field."""
    members = (
        MemberInput(
            name="Ahmad Fauzi",
            sex="M",
            relation="head",
            nik=HEAD_NIK,
            birth_place="Samarinda",
            birth_date=date(1980, 5, 15),
            domicile_since=date(1998, 1, 1),
            occupation="Nelayan",
        ),
        MemberInput(
            name="Siti Rahmah",
            sex="F",
            relation="spouse",
            nik=WIFE_NIK,
            birth_date=date(1985, 8, 17),
        ),
        MemberInput(
            name="Budi", sex="M", relation="child", nik=CHILD_NIK, birth_date=date(2010, 3, 1)
        ),
    )
    values = dict(
        village_code=VILLAGE,
        members=members,
        kk_number=KK,
        kk_as_of=date(2024, 1, 10),
        rt=3,
        rw=1,
        street="Jl. Pahlawan Gg. 5",
        phone="0812-3456-7890",
        dtsen_decile=2,
        dtsen_as_of=date(2025, 6, 30),
    )
    values.update(overrides)
    return HouseholdInput(**values)
