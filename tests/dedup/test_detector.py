# SPDX-License-Identifier: GPL-3.0-or-later
"""Date keys, blocking, scoring levels and remembered decisions, on records in memory."""

from __future__ import annotations

from datetime import date

import pytest

from kaltim_desktop.dedup.blocking import date_blocks, name_blocks, nik_groups, undated_blocks
from kaltim_desktop.dedup.detector import find_candidates
from kaltim_desktop.dedup.records import make_record, nik_birth, swapped
from kaltim_desktop.dedup.scoring import ADJUDICATE_THRESHOLD, DUPLICATE_THRESHOLD
from kaltim_desktop.errors import Cancelled
from kaltim_desktop.progress import CancelToken

SAMARINDA = "64.72.06.1001"
OTHER_VILLAGE = "64.72.06.1002"
BERAU = "64.03.01.2001"
PASER = "64.01.01.2001"


def person(pid, name, born, *, nik=None, sex="M", village=SAMARINDA, household=None):
    return make_record(pid, nik, name, sex, born, village, household or f"h-{pid}", this_year=2026)


def pairs(records) -> set[frozenset[str]]:
    return {frozenset((c.first_id, c.second_id)) for c in find_candidates(records)}


def test_date_keys_swap_day_and_month_only_when_that_is_a_date() -> None:
    assert swapped(19800305) == 19800503
    assert swapped(19801305) is None or swapped(19800513) is None  # no 13th month
    assert swapped(19800513) is None
    assert swapped(19800707) is None  # the same date
    assert person("a", "Ani", date(1980, 3, 5)).dates == (19800305, 19800503)


def test_nik_birth_date_with_the_female_offset_and_the_declared_century() -> None:
    assert nik_birth("6472065708850002", None, 2026) == 19850817  # 57 = 17 + 40
    assert nik_birth("6472061505800001", None, 2026) == 19800515
    assert nik_birth("6472060103100003", None, 2026) == 20100301
    # A declared birth in 1925 puts "25" in the 1900s; without it, the latest year wins.
    assert nik_birth("6472060103250003", 19250301, 2026) == 19250301
    assert nik_birth("6472060103250003", None, 2026) == 20250301
    assert nik_birth("6472063102800001", None, 2026) is None  # 31 February
    assert nik_birth("12345", None, 2026) is None


def test_swapped_day_and_month_are_compared() -> None:
    a = person("a", "Siti Rahmah", date(1985, 3, 7), sex="F")
    b = person("b", "Siti Rahmah", date(1985, 7, 3), sex="F", village=BERAU)
    [found] = find_candidates([a, b])
    assert "birth_date_swapped" in found.reasons and found.level == "duplicate"


def test_the_nik_date_of_a_woman_meets_a_mistyped_birth_date() -> None:
    # Declared 18-08-1985 by mistake; her NIK says 17-08-1985 (57 = 17 + 40).
    a = person("a", "Siti Rahmah", date(1985, 8, 17), sex="F", village=BERAU)
    b = person("b", "Siti Rahmah", date(1985, 8, 28), nik="6472065708850002", sex="F")
    assert 19850817 in b.dates
    [found] = find_candidates([a, b])
    assert "birth_date_from_nik" in found.reasons
    assert found.score >= ADJUDICATE_THRESHOLD


def test_same_nik_is_always_a_duplicate_whatever_else_differs() -> None:
    a = person("a", "Ahmad Fauzi", date(1980, 5, 15), nik="6472061505800001")
    b = person("b", "Budi Santoso", date(1990, 1, 1), nik="6472061505800001", village=BERAU)
    c = person("c", "Agus", None, nik="6472061505800001", sex="F")
    found = find_candidates([a, b, c])
    assert {(x.first_id, x.second_id) for x in found} == {("a", "b"), ("a", "c"), ("b", "c")}
    assert all(x.level == "duplicate" and "same_nik" in x.reasons for x in found)
    assert all(x.score >= DUPLICATE_THRESHOLD for x in found)
    assert len(nik_groups([a, b, c], None)) == 1


def test_different_kk_and_region_do_not_prevent_a_match() -> None:
    a = person("a", "H. Moch. Ridwan", date(1970, 2, 3), household="kk-1")
    b = person("b", "Muhammad Ridwan", date(1970, 2, 3), village=BERAU, household="kk-2")
    [found] = find_candidates([a, b])
    assert found.level == "duplicate" and found.reasons[:2] == ("name", "birth_date")


def test_hard_negatives_are_not_candidates() -> None:
    twins = [
        person("t1", "Hasan", date(2010, 4, 4), nik="6472060404100001", household="h"),
        person("t2", "Husin", date(2010, 4, 4), nik="6472060404100002", household="h"),
    ]
    brothers = [
        person("b1", "Muhammad Rizky", date(2008, 6, 1), household="k"),
        person("b2", "Muhammad Rizal", date(2010, 6, 1), household="k"),
    ]
    namesakes = [
        person("n1", "Siti Aminah", date(1970, 1, 9), nik="6472064901700011", sex="F"),
        person("n2", "Siti Aminah", date(1984, 11, 23), nik="6472066311840012", sex="F"),
    ]
    assert pairs(twins + brothers + namesakes) == set()


def test_decided_pairs_are_never_returned() -> None:
    a = person("a", "Ahmad Fauzi", date(1980, 5, 15), nik="6472061505800001")
    b = person("b", "Ahmad Fauzi", date(1980, 5, 15), nik="6472061505800001", village=BERAU)
    c = person("c", "Ahmad Fauzi", date(1980, 5, 15), village=OTHER_VILLAGE)
    assert len(pairs([a, b, c])) == 3
    kept = find_candidates([a, b, c], decided=[frozenset(("b", "a")), frozenset(("c", "b"))])
    assert [(x.first_id, x.second_id) for x in kept] == [("a", "c")]


def test_focus_keeps_only_pairs_with_the_given_persons() -> None:
    records = [
        person("a", "Ahmad Fauzi", date(1980, 5, 15)),
        person("b", "Ahmad Fauzi", date(1980, 5, 15), village=BERAU),
        person("c", "Ahmad Fauzi", date(1980, 5, 15), village=OTHER_VILLAGE),
    ]
    found = find_candidates(records, focus={"c"})
    assert {(x.first_id, x.second_id) for x in found} == {("a", "c"), ("b", "c")}


def test_blocks_pair_only_what_they_should() -> None:
    same_name_near_date = [
        person("a", "Nurlina Daeng Sikki", date(1979, 1, 5), sex="F"),
        person("b", "Nurlina Daeng Sikki", date(1979, 1, 25), sex="F", village=BERAU),
        person("c", "Nurlina Daeng Sikki", date(1961, 7, 30), sex="F", village=PASER),
    ]
    assert list(date_blocks(same_name_near_date, None)) == []
    assert list(name_blocks(same_name_near_date, None)) == [(0, 1)]  # 1979-01: two parts agree
    undated = [
        person("a", "Jamilah Hakim", date(1982, 3, 18), sex="F"),
        person("b", "Jamulah Hakim", None, sex="F"),
        person("c", "Jamilah Hakim", None, sex="F", village=BERAU),
    ]
    assert list(undated_blocks(undated, None)) == [(0, 1)]


def test_progress_is_reported_and_a_cancel_stops_the_scan() -> None:
    records = [person(str(i), f"Orang {i}", date(1950 + i % 20, 1, 1)) for i in range(300)]
    token = CancelToken()
    find_candidates(records, progress=token)
    assert token.total == token.done == 20  # the date keys shared by more than one person
    token.cancel()
    with pytest.raises(Cancelled):
        find_candidates(records, progress=token)


def test_the_result_does_not_depend_on_the_order_of_the_records() -> None:
    import random

    from kaltim_desktop.dedup.synthetic import make_synthetic

    data = make_synthetic(1_500, seed=9)
    records = [
        make_record(p.id, p.nik, p.name, p.sex, p.birth_date, f.village_code, f.id, this_year=2026)
        for p, f in data.persons()
    ]
    first = find_candidates(records)
    random.Random(3).shuffle(records)
    assert find_candidates(records) == first and len(first) > 50
