# SPDX-License-Identifier: GPL-3.0-or-later
"""Two real installations for bundle tests: the province office and an enrolled laptop of
Samarinda (64.72), each with its own database file and key directory."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from kaltim_desktop.db import Database, make_engine, sqlite_url
from kaltim_desktop.models import REPLICATED, Device, PersonNameToken, RecordClock, SyncOp
from kaltim_desktop.services.context import Actor, set_setting
from kaltim_desktop.services.sync_trust import (
    approve_request,
    enroll,
    province_init,
    request_enrolment,
)

ADMIN = Actor(officer_id="00000000-0000-7000-8000-0000000000aa", username="admin", role="admin")


@dataclass
class Site:
    name: str
    db: Database
    data_dir: Path
    actor: Actor = ADMIN

    @property
    def inbox(self) -> Path:
        path = self.data_dir / "inbox"
        path.mkdir(exist_ok=True)
        return path


def make_site(template_db: Path, root: Path, name: str) -> Site:
    data_dir = root / name
    data_dir.mkdir(parents=True)
    path = data_dir / "kaltim.sqlite"
    shutil.copy(template_db, path)
    return Site(name, Database(make_engine(sqlite_url(path)), path), data_dir)


def set_regency(site: Site, code: str) -> None:
    with site.db.transaction() as session:
        set_setting(session, "installation.regency", code)


def enrol_laptop(province: Site, laptop: Site, regency: str) -> None:
    set_regency(laptop, regency)
    request = request_enrolment(laptop.db, laptop.data_dir, laptop.actor, laptop.data_dir / "out")
    approval = approve_request(
        province.db, province.data_dir, province.actor, request.path, request.fingerprint,
        province.data_dir / "requests",
    )  # fmt: skip
    enroll(laptop.db, laptop.data_dir, laptop.actor, approval.path)


@pytest.fixture
def province(template_db, tmp_path) -> Site:
    site = make_site(template_db, tmp_path, "province")
    province_init(site.db, site.data_dir, site.actor, tmp_path / "safe" / "escrow.txt")
    yield site
    site.db.dispose()


@pytest.fixture
def laptop(template_db, tmp_path, province) -> Site:
    site = make_site(template_db, tmp_path, "laptop")
    enrol_laptop(province, site, "64.72")
    yield site
    site.db.dispose()


def data_hash(db: Database) -> str:
    """A hash of every data table (records, op log, clocks, device counters).

    Sync bookkeeping (import history, peers) is left out on purpose: a refused bundle is
    recorded in the history, but must not change any data.
    """
    tables = [
        *(m.__table__ for m in REPLICATED.values()),
        PersonNameToken.__table__,
        RecordClock.__table__,
        SyncOp.__table__,
        Device.__table__,
    ]
    digest = hashlib.sha256()
    with db.read() as session:
        for table in tables:
            rows = sorted(repr(tuple(r)) for r in session.execute(select(table)).all())
            digest.update(table.name.encode())
            for row in rows:
                digest.update(row.encode())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def big_pair(template_db, tmp_path_factory):
    """A province and a laptop whose first bundle spans several 64 KiB age chunks (shared by a
    module's tests, which must only refuse bundles, never apply them).

    Columnar ops compress so well that a few hundred households fit in one chunk, so the part
    also carries a file (random bytes, like a photo) after its ops."""
    import os

    from kaltim_desktop.sync.bundles import writer
    from kaltim_desktop.sync.replay import read_ops
    from tests.sync.bundles.helpers import many_households, sender_of, to_province

    root = tmp_path_factory.mktemp("pair")
    province = make_site(template_db, root, "province")
    province_init(province.db, province.data_dir, province.actor, root / "safe" / "escrow.txt")
    laptop = make_site(template_db, root, "laptop")
    enrol_laptop(province, laptop, "64.72")
    many_households(laptop, 300)
    photo = os.urandom(200_000)
    blob = writer.BlobSource(hashlib.sha256(photo).hexdigest(), len(photo), lambda: photo)
    with laptop.db.read() as session:
        ops = list(read_ops(session))
    (part,) = writer.write_set(
        laptop.data_dir / "usb", sender_of(laptop), to_province(province), ops,
        {"vv_applied": {}}, blobs=[blob],
    )  # fmt: skip
    yield province, laptop, part.path
    province.db.dispose()
    laptop.db.dispose()


def replica_hash(db: Database) -> str:
    """Records and op log only: what must be identical on every replica after sync."""
    tables = [*(m.__table__ for m in REPLICATED.values()), SyncOp.__table__,
              PersonNameToken.__table__]  # fmt: skip
    digest = hashlib.sha256()
    with db.read() as session:
        for table in tables:
            digest.update(table.name.encode())
            for row in sorted(repr(tuple(r)) for r in session.execute(select(table)).all()):
                digest.update(row.encode())
    return digest.hexdigest()


def clone(site: Site, name: str) -> Site:
    """A copy of ``site``'s database (same keys): to replay one history many ways."""
    import sqlite3
    from contextlib import closing

    path = site.data_dir / f"{name}.sqlite"
    with closing(sqlite3.connect(site.db.path)) as src, closing(sqlite3.connect(path)) as dst:
        src.backup(dst)
    return Site(name, Database(make_engine(sqlite_url(path)), path), site.data_dir, site.actor)


@pytest.fixture
def trio(province, laptop, template_db, tmp_path):
    """Province and two Samarinda laptops that both hold the same family."""
    other = make_site(template_db, tmp_path, "laptop2")
    enrol_laptop(province, other, "64.72")
    from kaltim_desktop.services.households import save_household
    from tests.conftest import family
    from tests.sync.bundles.helpers import send  # it imports this module

    saved = save_household(laptop.db, laptop.actor, family())
    send(laptop, province, province)
    send(province, other, province)
    send(province, laptop, province)  # registry and acknowledgements
    yield province, laptop, other, saved
    other.db.dispose()
