# SPDX-License-Identifier: GPL-3.0-or-later
"""What an import has applied but not yet written, and how it is written: in bulk.

:class:`~.apply.Applier` decides; :class:`Writes` buffers created rows, op rows, name tokens
and version vectors and writes them with the driver's ``executemany`` every
:data:`FLUSH_EVERY` ops (or sooner, when the applier must read what is buffered). A very large
import into a smaller database also drops the secondary indexes of the tables it writes and
builds them again before the commit.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kaltim_desktop.models import REPLICATED, SyncOp
from kaltim_desktop.sync.bulk import (
    column_keys,
    create_indexes,
    drop_secondary_indexes,
    insert_tuples,
)
from kaltim_desktop.sync.clocks import store_clocks
from kaltim_desktop.sync.projection import refresh_search_index

# The op rows are built as tuples in this column order (Applier._apply).
OP_COLUMNS = ("origin", "seq", "op_id", "hlc", "entity", "entity_id", "action", "base",
              "fields", "prev", "partition", "actor", "schema", "op_hash", "status")  # fmt: skip
if column_keys(SyncOp.__table__) != OP_COLUMNS:
    raise RuntimeError("sync_op columns changed")
FLUSH_EVERY = 10_000  # op rows buffered before they are written (bounds memory)
# An import of at least this many ops into a database holding fewer rebuilds the secondary
# indexes of the tables it writes at its end instead of inserting into them row by row.
BULK_MIN_OPS = 50_000
# The indexes the apply itself reads (stored regions and vectors, renames) stay.
READ_INDEXES = frozenset(("ix_sync_op_entity_id",))

Key = tuple[str, str]  # (entity, entity_id)


class Writes:
    """The buffers of one import's transaction (the applier appends to them directly: this
    runs once per op)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        # On SQLite created rows are built in the storage form and handed to the driver as is.
        self.stored = session.get_bind().dialect.name == "sqlite"
        self.creates: dict[str, list[tuple]] = defaultdict(list)  # entity → rows
        self.created_ids: set[str] = set()  # records whose create is still buffered
        self.op_rows: list[tuple] = []  # in OP_COLUMNS order
        self.names: list[tuple[str, str | None]] = []  # (person_id, name) of new persons
        self.renamed: dict[str, str | None] = {}  # person_id → new name
        self.clocks: dict[Key, dict[str, int]] = {}  # version vectors changed since the flush
        self._rebuild: list[str] = []  # indexes dropped by expect(), recreated by finish()

    def full(self) -> bool:
        return len(self.op_rows) >= FLUSH_EVERY

    def expect(self, ops: int) -> None:
        """Announce how many ops the import brings. A very large import into a database that
        holds fewer ops (a laptop's first download, a province's first year) drops the
        secondary indexes of the tables it writes; :meth:`finish` builds them again, in the
        same transaction (measured at 100,000 households: half the insert time)."""
        if ops < BULK_MIN_OPS or self._rebuild:
            return
        if ops < self.session.scalar(select(func.count()).select_from(SyncOp)):
            return
        tables = [*(model.__table__ for model in REPLICATED.values()), SyncOp.__table__]
        self._rebuild = drop_secondary_indexes(self.session, tables, keep=READ_INDEXES)

    def finish(self) -> None:
        """Write what is buffered and rebuild the indexes :meth:`expect` dropped."""
        self.flush()
        create_indexes(self.session, self._rebuild)
        self._rebuild = []

    def flush(self) -> None:
        """Insert buffered creates (parents first), name tokens, op rows and version vectors."""
        session = self.session
        for entity in REPLICATED:
            rows = self.creates.pop(entity, None)
            if rows:
                insert_tuples(session, REPLICATED[entity].__table__, rows, stored=self.stored)
        self.created_ids.clear()
        if self.names:
            refresh_search_index(session, self.names, new=True)
            self.names = []
        if self.renamed:
            refresh_search_index(session, list(self.renamed.items()))
            self.renamed = {}
        if self.op_rows:
            insert_tuples(session, SyncOp.__table__, self.op_rows)
            self.op_rows = []
        if self.clocks:
            store_clocks(session, self.clocks)
            self.clocks = {}
        session.flush()
