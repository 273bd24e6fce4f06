# SPDX-License-Identifier: GPL-3.0-or-later
"""Schema migrations on real files: every released schema upgrades with its rows intact, the
models agree with the migrations, a newer database is refused untouched, a failing migration
changes nothing, and the start-up backups are complete and pruned."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import textwrap
from contextlib import closing
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from kaltim_desktop import db as dbmod
from kaltim_desktop.db import (
    BACKUPS_KEPT,
    backup,
    check_integrity,
    current_revision,
    head_revision,
    make_engine,
    open_database,
    sqlite_url,
)
from kaltim_desktop.errors import DatabaseError, SchemaTooNew
from kaltim_desktop.models import Base
from kaltim_desktop.paths import migrations_dir
from kaltim_desktop.services.health import check
from kaltim_desktop.services.households import get_household

FIXTURES = sorted((Path(__file__).parent / "fixtures" / "db").glob("schema-*.sqlite"))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tables(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table (sorted), read without changing the file."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            name: sorted(conn.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
            for name in names
        }


def rows_as_dicts(path: Path, table: str) -> list[dict]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(row) for row in conn.execute(f'SELECT * FROM "{table}"')]


def schema(path: Path) -> list[tuple]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        return sorted(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))


@pytest.fixture
def fixture_copy(tmp_path) -> Path:
    """A copy of the newest fixture; the committed file itself is never opened for writing."""
    target = tmp_path / "kaltim.sqlite"
    shutil.copyfile(FIXTURES[-1], target)
    return target


def test_there_is_a_fixture_for_the_first_schema():
    assert [f.name for f in FIXTURES][:1] == ["schema-0001.sqlite"]
    assert all(f.stat().st_size < 1_000_000 for f in FIXTURES)


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda f: f.stem)
def test_fixture_upgrades_to_head_with_rows_intact(fixture, tmp_path):
    committed = sha256(fixture)
    path = tmp_path / "kaltim.sqlite"
    shutil.copyfile(fixture, path)
    before = {name: rows_as_dicts(path, name) for name in tables(path) if name != "alembic_version"}

    db = open_database(path, tmp_path / "backups")
    try:
        assert current_revision(path) == head_revision()
        # Rows keep every value they had; columns added later may only add values.
        for name, old_rows in before.items():
            columns = list(old_rows[0]) if old_rows else []
            new_rows = rows_as_dicts(path, name)
            assert len(new_rows) == len(old_rows), name
            kept = {repr([row[c] for c in columns]) for row in new_rows}
            for row in old_rows:
                assert repr([row[c] for c in columns]) in kept, (name, row.get("id"))
        # The services read the upgraded data.
        for household in before["household"]:
            detail = get_household(db, household["id"])
            assert detail.head_name == household["head_name"]
            assert detail.members
    finally:
        db.dispose()
    assert check_integrity(path) == []
    report = check(path)
    assert report.ok, report.problems
    assert report.counts["household"] == len(before["household"]) > 0
    assert sha256(fixture) == committed


def test_models_and_migrations_agree(tmp_path):
    path = tmp_path / "fresh.sqlite"
    open_database(path).dispose()
    engine = make_engine(sqlite_url(path))
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "render_as_batch": True}
            )
            diffs = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert diffs == []


def test_unknown_revision_is_refused_and_the_file_untouched(fixture_copy, tmp_path):
    with closing(sqlite3.connect(fixture_copy)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
        conn.commit()
    digest = sha256(fixture_copy)
    backups = tmp_path / "backups"
    with pytest.raises(SchemaTooNew):
        open_database(fixture_copy, backups)
    assert sha256(fixture_copy) == digest
    assert not backups.exists() or not list(backups.glob("*.sqlite"))


# ---- a migration that fails, or that rebuilds a parent table ---------------------------------


def extra_revision(tmp_path: Path, body: str) -> Path:
    """A copy of the migrations with one more revision on top of the head."""
    scripts = tmp_path / "migrations"
    shutil.copytree(migrations_dir(), scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "9000_test_only.py").write_text(
        textwrap.dedent(f'''\
        import sqlalchemy as sa
        from alembic import op

        revision = "9000"
        down_revision = "{head_revision()}"
        branch_labels = None
        depends_on = None


        def upgrade():
            # "always": force the move-and-copy that recreates the table, as a real column
            # change on SQLite does.
            with op.batch_alter_table("household", recreate="always") as batch:
                batch.add_column(sa.Column("test_extra", sa.String(10)))
        {textwrap.indent(textwrap.dedent(body), "    ")}
        '''),
        encoding="utf-8",
    )
    return scripts


def test_failing_migration_leaves_the_database_as_it_was(fixture_copy, tmp_path, monkeypatch):
    scripts = extra_revision(tmp_path, 'raise RuntimeError("migration failed halfway")')
    before_schema, before_rows = schema(fixture_copy), tables(fixture_copy)
    before_revision = current_revision(fixture_copy)
    monkeypatch.setattr(dbmod, "migrations_dir", lambda: scripts)

    with pytest.raises(DatabaseError, match="not been changed") as caught:
        open_database(fixture_copy, tmp_path / "backups")
    assert "halfway" in str(caught.value.__cause__)

    assert schema(fixture_copy) == before_schema
    assert tables(fixture_copy) == before_rows
    assert not [t for t in before_rows if t.startswith("_alembic_tmp_")]
    assert not [row for row in schema(fixture_copy) if row[1].startswith("_alembic_tmp_")]
    assert len(before_rows["membership"]) >= 6  # the fixture has rows to keep
    assert current_revision(fixture_copy) == before_revision

    # Trying again fails the same way, not on a leftover temporary table...
    with pytest.raises(DatabaseError) as caught:
        open_database(fixture_copy, tmp_path / "backups")
    assert "halfway" in str(caught.value.__cause__)
    # ...and this build, without the broken revision, starts normally.
    monkeypatch.undo()
    open_database(fixture_copy, tmp_path / "backups").dispose()
    assert tables(fixture_copy)["membership"] == before_rows["membership"]


def test_rebuilding_a_parent_table_keeps_its_children(fixture_copy, tmp_path, monkeypatch):
    """Foreign keys are off while migrating: recreating ``household`` must not touch the
    memberships, handovers and grants that reference it."""
    scripts = extra_revision(tmp_path, "pass")
    before = tables(fixture_copy)
    monkeypatch.setattr(dbmod, "migrations_dir", lambda: scripts)

    open_database(fixture_copy, tmp_path / "backups").dispose()

    after = tables(fixture_copy)
    assert current_revision(fixture_copy) == "9000"
    for child in ("membership", "house_assessment", "handover", "grant_award"):
        assert after[child] == before[child], child
    assert len(after["household"]) == len(before["household"])
    assert check_integrity(fixture_copy) == []


# ---- backups ------------------------------------------------------------------------------


def test_start_up_backup_is_a_complete_database(fixture_copy, tmp_path):
    """The backup taken before an upgrade is the database as it was, named by its revision."""
    backups = tmp_path / "backups"
    revision_before = current_revision(fixture_copy)
    before = tables(fixture_copy)
    open_database(fixture_copy, backups).dispose()
    (made,) = backups.glob("kaltim-*.sqlite")
    assert made.name.startswith("kaltim-") and made.name.endswith(f"-r{revision_before}.sqlite")
    assert check_integrity(made) == []
    assert current_revision(made) == revision_before
    assert tables(made) == before


def test_backup_captures_rows_still_in_the_wal(fixture_copy, tmp_path):
    open_database(fixture_copy).dispose()  # now in WAL mode
    writer = sqlite3.connect(fixture_copy)
    try:
        writer.execute("PRAGMA wal_autocheckpoint=0")
        writer.execute("INSERT INTO setting (key, value) VALUES ('test.only', 'in the wal')")
        writer.commit()
        assert Path(f"{fixture_copy}-wal").stat().st_size > 0
        plain = tmp_path / "plain-copy.sqlite"
        shutil.copyfile(fixture_copy, plain)  # what a naive file copy would keep
        made = backup(fixture_copy, tmp_path / "backups")
    finally:
        writer.close()
    assert ("test.only", "in the wal") in tables(made)["setting"]
    assert ("test.only", "in the wal") not in tables(plain)["setting"]


def test_only_the_newest_backups_are_kept(fixture_copy, tmp_path):
    backups = tmp_path / "backups"
    made = [backup(fixture_copy, backups, label="r0001") for _ in range(BACKUPS_KEPT + 2)]
    kept = sorted(backups.glob("kaltim-*.sqlite"))
    assert kept == made[-BACKUPS_KEPT:]
    for _ in range(3):
        open_database(fixture_copy, backups).dispose()
    assert len(list(backups.glob("kaltim-*.sqlite"))) == BACKUPS_KEPT
