# SPDX-License-Identifier: GPL-3.0-or-later
"""The province's duplicate scan and merge from the command line."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from kaltim_desktop.db import Database, make_engine, sqlite_url
from kaltim_desktop.models import Person, ReviewItem
from kaltim_desktop.services.households import save_household
from tests.conftest import family
from tests.sync.bundles.conftest import ADMIN
from tests.test_cli import PASSWORD, ok_json, run

pytestmark = pytest.mark.slow


def test_scan_finds_the_same_person_twice_and_merge_settles_it(tmp_path):
    data_dir = tmp_path / "province"
    ok_json(run(data_dir, "user", "add", "admin", "--name", "Admin", "--role", "admin",
                "--json", KALTIM_PASSWORD=PASSWORD))  # fmt: skip
    path = data_dir / "kaltim.sqlite"
    db = Database(make_engine(sqlite_url(path)), path)
    first = save_household(db, ADMIN, family())
    head = dataclasses.replace(family().members[0], name="Muhammad Ahmad Fauzi", nik=None)
    second = save_household(db, ADMIN, family(members=(head,), kk_number=None, rt=9),
                            confirm_warnings=True)  # fmt: skip
    auth = {"KALTIM_PASSWORD": PASSWORD}

    scan = ok_json(run(data_dir, "review", "scan", "--as", "admin", "--json", **auth))
    assert scan["duplicates_new"] == 1
    with db.read() as session:
        (item,) = session.scalars(select(ReviewItem).where(ReviewItem.kind == "duplicate"))
    pair = {first.members[0].person_id, second.members[0].person_id}
    assert {item.entity_id, item.other_id} == pair
    again = ok_json(run(data_dir, "review", "scan", "--as", "admin", "--json", **auth))
    assert again["duplicates_new"] == 0  # remembered, not raised twice

    loser, survivor = second.members[0].person_id, first.members[0].person_id
    merged = ok_json(run(data_dir, "review", "merge", "person", loser, survivor, "--as", "admin",
                         "--json", **auth))  # fmt: skip
    assert merged["survivor_id"] == survivor and merged["moved"] >= 1
    with db.read() as session:
        assert session.get(Person, loser).merged_into == survivor
    refused = run(data_dir, "review", "merge", "person", loser, survivor, "--as", "admin", **auth)
    assert refused.returncode != 0 and "merged already" in refused.stderr
    db.dispose()
