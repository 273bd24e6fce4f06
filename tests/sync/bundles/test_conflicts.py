# SPDX-License-Identifier: GPL-3.0-or-later
"""Two laptops edit the same family while offline (sync-design §3.16 cases 16-18), with real
bundles through the province: the same values and the same review items on all three
replicas, and a resolution at the province that closes the conflict everywhere."""

from __future__ import annotations

import json

from kaltim_desktop.models import Household, Person
from tests.sync.bundles.conftest import replica_hash
from tests.sync.bundles.helpers import edit, items, row, send


def everyone(trio_sites, province) -> None:
    """Deliver everything: both laptops to the province, then the province to both."""
    _province, first, second = trio_sites
    send(first, province, province)
    send(second, province, province)
    send(province, first, province)
    send(province, second, province)


def test_concurrent_same_field_edits_converge_to_one_value_and_one_conflict(trio):
    province, first, second, saved = trio
    edit(first, "household", saved.id, {"phone": "081211110001"})
    edit(second, "household", saved.id, {"phone": "081311110002"})
    everyone((province, first, second), province)
    phones = {row(site, Household, saved.id).phone for site in (province, first, second)}
    assert len(phones) == 1  # the same provisional value everywhere
    assert items(province) == items(first) == items(second)
    (item,) = [i for i in items(province) if i[1] == "conflict"]
    assert item[2:6] == ("open", "household", saved.id, "phone")
    heads = json.loads(item[6])["heads"]
    assert {h["value"] for h in heads} == {"081211110001", "081311110002"}
    assert heads[0]["value"] == phones.pop()  # the winner is listed first
    assert replica_hash(province.db) == replica_hash(first.db) == replica_hash(second.db)

    # The province settles it; the resolution reaches both laptops and closes the item there.
    edit(province, "household", saved.id, {"phone": "081311110002"}, action="resolve")
    send(province, first, province)
    send(province, second, province)
    for site in (province, first, second):
        assert row(site, Household, saved.id).phone == "081311110002"
        (conflict,) = [i for i in items(site) if i[1] == "conflict"]
        assert conflict[2] == "resolved"
    assert replica_hash(province.db) == replica_hash(first.db) == replica_hash(second.db)


def test_concurrent_edits_of_different_fields_merge_as_a_parallel_update(trio):
    province, first, second, saved = trio
    edit(first, "household", saved.id, {"phone": "081211110001"})
    edit(second, "household", saved.id, {"street": "Jl. Pramuka Gg. 3"})
    everyone((province, first, second), province)
    for site in (province, first, second):
        household = row(site, Household, saved.id)
        assert (household.phone, household.street) == ("081211110001", "Jl. Pramuka Gg. 3")
    assert items(province) == items(first) == items(second)
    (item,) = items(province)
    assert item[1:3] == ("parallel", "info")
    assert replica_hash(province.db) == replica_hash(first.db) == replica_hash(second.db)


def test_concurrent_identity_edits_always_go_to_review(trio):
    province, first, second, saved = trio
    head = saved.members[0].person_id
    edit(first, "person", head, {"name": "Achmad Fauzi"})
    edit(second, "person", head, {"occupation": "Petani"})
    everyone((province, first, second), province)
    (item,) = items(province)
    assert item[1:3] == ("identity", "open")
    assert items(first) == items(second) == items(province)
    for site in (province, first, second):
        person = row(site, Person, head)
        assert (person.name, person.occupation) == ("Achmad Fauzi", "Petani")


def test_update_against_delete_keeps_the_delete_and_the_edits(trio):
    province, first, second, saved = trio
    edit(first, "household", saved.id, {}, action="delete")
    edit(second, "household", saved.id, {"phone": "081311110002", "rt": 9})
    everyone((province, first, second), province)
    for site in (province, first, second):
        household = row(site, Household, saved.id)
        assert household.deleted  # no silent resurrection
        assert (household.phone, household.rt) == ("081311110002", 9)  # edits preserved
    (item,) = items(province)
    assert item[1:3] == ("deleted_edit", "open")
    assert items(first) == items(second) == items(province)
    assert replica_hash(province.db) == replica_hash(first.db) == replica_hash(second.db)


def test_the_province_relays_the_changes_of_every_other_origin(trio):
    """The province's bundle to one laptop merges several origins' runs: each op keeps its
    own origin (they were once all labelled with the last origin read, and so lost)."""
    province, first, second, saved = trio
    edit(second, "household", saved.id, {"street": "Jl. Pramuka Gg. 3"})
    send(second, province, province)
    edit(province, "household", saved.id, {"phone": "081311110002"})
    send(province, first, province)
    household = row(first, Household, saved.id)
    assert (household.street, household.phone) == ("Jl. Pramuka Gg. 3", "081311110002")
    send(first, province, province)  # the laptop reports what it applied
    send(province, second, province)
    assert replica_hash(province.db) == replica_hash(first.db) == replica_hash(second.db)
