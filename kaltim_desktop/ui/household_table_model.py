# SPDX-License-Identifier: GPL-3.0-or-later
"""A lazy table model of households: rows arrive page by page as the view scrolls.

The view asks :meth:`canFetchMore` when it nears the last row; :meth:`fetchMore` reads the next
keyset page (:func:`~kaltim_desktop.services.household_list.list_households`, a few
milliseconds at any depth) and announces exactly the rows it appends. The first page of a new
query is read off the GUI thread by the page and handed over with :meth:`reset`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from kaltim_desktop.domain.formatting import format_date_long, format_rt_rw
from kaltim_desktop.domain.nik import mask_nik
from kaltim_desktop.i18n import N_, _
from kaltim_desktop.services.household_list import (
    HouseholdListRow,
    HouseholdPage,
    ListCursor,
    ListQuery,
)

FetchPage = Callable[[ListQuery, ListCursor], HouseholdPage]
Index = QModelIndex | QPersistentModelIndex

# (header, sort key or None, value of a row)
COLUMNS: tuple[tuple[str, str | None, Callable[[HouseholdListRow], str]], ...] = (
    (N_("Head of family"), "head_name", lambda r: r.head_name or "—"),
    (N_("NIK found"), None, lambda r: r.matched_nik_masked or ""),
    (N_("KK number"), "kk_number", lambda r: mask_nik(r.kk_number) if r.kk_number else ""),
    (N_("Village"), "region", lambda r: r.village_name),
    (N_("District"), None, lambda r: r.district_name),
    (N_("Regency/city"), None, lambda r: short_regency(r.regency_name)),
    (N_("RT/RW"), None, lambda r: format_rt_rw(r.rt, r.rw)),
    (N_("Members"), None, lambda r: str(r.member_count)),
    (N_("Registered"), "registered", lambda r: _date_text(r.registered_on)),
)
MEMBERS_COLUMN = 7
# Formatting a date with Babel costs a tenth of a millisecond, and registration dates repeat.
_date_text = lru_cache(maxsize=4096)(format_date_long)


def short_regency(name: str) -> str:
    """ "Kabupaten Kutai Kartanegara" → "Kab. Kutai Kartanegara", as officers write it."""
    return "Kab. " + name[len("Kabupaten ") :] if name.startswith("Kabupaten ") else name


_ID_ROLE = Qt.ItemDataRole.UserRole
# Plain ints: data() runs for every visible cell and role at each repaint, and comparing with
# enum members costs more than the rest of it.
_TEXT_ROLES = frozenset({int(Qt.ItemDataRole.DisplayRole), int(Qt.ItemDataRole.ToolTipRole)})


class HouseholdTableModel(QAbstractTableModel):
    """Rows of the household list, fetched lazily.

    Signals:
        sort_requested: the officer clicked a sortable column; the page reloads with the new
            :class:`ListQuery` (the model keeps showing the old rows until :meth:`reset`).
    """

    sort_requested = Signal(object)

    def __init__(self, fetch_page: FetchPage, parent=None) -> None:
        super().__init__(parent)
        self._fetch_page = fetch_page
        self._rows: list[HouseholdListRow] = []
        # The texts of a row, made once when it is first painted: a repaint asks for every
        # visible cell again, several roles each.
        self._texts: list[tuple[str, ...] | None] = []
        self._next: ListCursor | None = None
        self.query = ListQuery()
        self.truncated = False
        self._fetching = False

    # -- content -----------------------------------------------------------------------------

    def reset(self, query: ListQuery, first_page: HouseholdPage) -> None:
        """Show ``first_page`` of ``query``; later pages are fetched on demand."""
        self.beginResetModel()
        self.query = query
        self._rows = list(first_page.rows)
        self._texts = [None] * len(self._rows)
        self._next = first_page.next
        self.truncated = first_page.truncated
        self.endResetModel()

    def row_id(self, row: int) -> str | None:
        return self._rows[row].id if 0 <= row < len(self._rows) else None

    def row_of(self, household_id: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.id == household_id), -1)

    # -- Qt model API ------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and self._next is not None

    def fetchMore(self, parent: Index) -> None:
        if parent.isValid() or self._next is None or self._fetching:
            return
        page = self._fetch_page(self.query, self._next)
        if not page.rows:
            self._next = None
            return
        first = len(self._rows)
        # Announce exactly the rows appended: first .. first + n - 1. A slot of
        # rowsAboutToBeInserted may ask for more (model testers do): not until these are in.
        self._fetching = True
        try:
            self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
            self._rows.extend(page.rows)
            self._texts.extend([None] * len(page.rows))
            self._next = page.next
            self.endInsertRows()
        finally:
            self._fetching = False

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        number, column = index.row(), index.column()
        if int(role) in _TEXT_ROLES:
            texts = self._texts[number]
            if texts is None:
                texts = self._texts[number] = tuple(c[2](self._rows[number]) for c in COLUMNS)
            return texts[column]
        row = self._rows[number]
        if role == _ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.TextAlignmentRole and column == MEMBERS_COLUMN:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and row.deleted:
            return QBrush(QColor("#8a8a8a"))
        if role == Qt.ItemDataRole.FontRole and row.deleted:
            font = QFont()
            font.setStrikeOut(True)
            return font
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return _(COLUMNS[section][0])
            if role == Qt.ItemDataRole.ToolTipRole and COLUMNS[section][1] is None:
                return _("This column cannot be sorted.")
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS) or COLUMNS[column][1] is None:
            return
        query = replace(
            self.query,
            sort=COLUMNS[column][1],
            descending=order == Qt.SortOrder.DescendingOrder,
        )
        if query != self.query:
            self.sort_requested.emit(query)


def sort_column(query: ListQuery) -> int:
    """The column showing the sort key of ``query``."""
    return next(i for i, c in enumerate(COLUMNS) if c[1] == query.sort)
