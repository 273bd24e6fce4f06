# SPDX-License-Identifier: GPL-3.0-or-later
"""An import reports its progress and can be cancelled: the part being applied is rolled back
whole (in this process or with its decoding worker), the parts before it stay imported, and
the officer is told which."""

from __future__ import annotations

import multiprocessing

import pytest

from kaltim_desktop.errors import Cancelled
from kaltim_desktop.services.sync_exchange import import_bundles
from kaltim_desktop.sync.bundles import decode_ahead, layout
from tests.sync.bundles.conftest import data_hash, replica_hash
from tests.sync.bundles.helpers import export_one, import_data, many_households


class CancelAtCheck:
    """A progress handle that records what it hears and cancels at its ``at``-th check."""

    def __init__(self, at: int) -> None:
        self.at, self.checks, self.updates = at, 0, []

    def update(self, done: int, total: int | None = None, message: str = "") -> None:
        self.updates.append((done, total, message))

    def check(self) -> None:
        self.checks += 1
        if self.checks == self.at:
            raise Cancelled("cancelled by the test")


@pytest.fixture(params=["in this process", "with the decoding worker"])
def several_members(request, monkeypatch):
    monkeypatch.setattr(layout, "CHUNK_OPS", 25)
    if request.param == "with the decoding worker":
        monkeypatch.setattr(decode_ahead, "AHEAD_MIN_OPS", 1)


def test_a_cancel_mid_apply_rolls_the_part_back_and_a_later_import_completes(
    province, laptop, several_members
):
    many_households(laptop, 12)
    bundle = export_one(laptop)
    before = data_hash(province.db)
    progress = CancelAtCheck(at=2)  # before the file, then after the 1st member

    with pytest.raises(Cancelled):
        import_bundles(province.db, province.data_dir, province.actor, [bundle],
                       progress=progress)  # fmt: skip

    assert data_hash(province.db) == before
    assert multiprocessing.active_children() == []  # the worker, if any, was shut down
    done = [done for done, _total, _message in progress.updates]
    total = progress.updates[0][1]
    assert done[0] == 0 and 0 < done[-1] < total  # it stopped part-way
    assert bundle.name in progress.updates[-1][2]
    result = import_data(province, bundle.read_bytes())
    assert result.status == "applied" and result.report["applied"] == total
    assert replica_hash(province.db) == replica_hash(laptop.db)


def test_the_progress_of_a_whole_import_reaches_its_op_count(province, laptop, several_members):
    many_households(laptop, 6)
    progress = CancelAtCheck(at=0)  # never cancels
    (result,) = import_bundles(province.db, province.data_dir, province.actor,
                               [export_one(laptop)], progress=progress)  # fmt: skip
    done = [done for done, _total, _message in progress.updates]
    assert result.status == "applied"
    assert done == sorted(done) and done[-1] == progress.updates[0][1] == result.report["applied"]


def test_a_cancel_between_files_keeps_the_files_before_and_says_so(province, laptop):
    many_households(laptop, 2)
    first = export_one(laptop)
    many_households(laptop, 2)
    second = export_one(laptop)  # cumulative: the first file's ops and the new ones
    before = data_hash(province.db)
    progress = CancelAtCheck(at=3)  # before the 1st file, after its member, before the 2nd

    with pytest.raises(Cancelled) as cancelled:
        import_bundles(province.db, province.data_dir, province.actor, [first, second],
                       progress=progress)  # fmt: skip

    assert "1 file was imported before; the rest was not changed" in cancelled.value.message
    assert data_hash(province.db) != before
    # The first file is imported, and only it: the second one still applies its new ops.
    assert import_data(province, first.read_bytes()).status == "already"
    result = import_data(province, second.read_bytes())
    assert result.status == "applied" and result.report["applied"] > 0
    assert replica_hash(province.db) == replica_hash(laptop.db)
