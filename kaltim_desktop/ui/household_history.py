# SPDX-License-Identifier: GPL-3.0-or-later
"""The household page, "riwayat bantuan": who the household is and everything it received
(house handovers, business grants, trainings) on one screen."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kaltim_desktop.domain import vocab
from kaltim_desktop.domain.formatting import format_date_long, format_rupiah
from kaltim_desktop.domain.nik import mask_nik
from kaltim_desktop.i18n import _
from kaltim_desktop.services.household_history import HouseholdHistory


def _date(value) -> str:
    return format_date_long(value) if value else "—"


def _label(vocabulary: dict[str, str], code: str | None) -> str:
    return _(vocabulary[code]) if code in vocabulary else (code or "—")


class HistoryTable(QTableWidget):
    """A read-only table sized to its rows, so the page scrolls as a whole."""

    def __init__(self, headers: list[str], parent: QWidget | None = None) -> None:
        super().__init__(0, len(headers), parent)
        self.setHorizontalHeaderLabels(headers)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def set_rows(self, rows: list[tuple[str, ...]]) -> None:
        self.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                self.setItem(r, c, QTableWidgetItem(value))
        height = self.horizontalHeader().sizeHint().height() + 4
        height += sum(self.rowHeight(r) for r in range(len(rows))) or 24
        self.setFixedHeight(height)


class HouseholdHistoryView(QWidget):
    """Signals: edit_requested(id) (Ctrl+E), back_requested() (Esc)."""

    edit_requested = Signal(str)
    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.household_id: str | None = None
        self.heading = QLabel()
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.heading.setFont(font)
        self.address = QLabel()
        self.address.setWordWrap(True)
        self.house = QLabel()
        self.house.setWordWrap(True)
        self.members = HistoryTable(
            [_("Name"), _("NIK"), _("Relation to the head"), _("Date of birth")]
        )
        self.handovers = HistoryTable(
            [_("Stage"), _("Funder"), _("Building partner"), _("Cost"), _("Handed over on"),
             _("BAST number")]
        )  # fmt: skip
        self.grants = HistoryTable(
            [_("Period"), _("Recipient"), _("Form"), _("Amount"), _("Stage"), _("Disbursed on")]
        )
        self.trainings = HistoryTable(
            [_("Training"), _("Participant"), _("Dates"), _("Status"), _("Days attended")]
        )
        self.empty_labels: dict[str, QLabel] = {}
        self.edit_button = QPushButton(_("Edit household (Ctrl+E)"))
        self.back_button = QPushButton(_("Back to the list (Esc)"))

        content = QWidget()
        body = QVBoxLayout(content)
        body.addWidget(self.heading)
        body.addWidget(self.address)
        body.addWidget(self._group(_("Members"), self.members))
        body.addWidget(self._group(_("House condition"), self.house))
        for key, title, table in (
            ("handovers", _("House handovers"), self.handovers),
            ("grants", _("Business grants"), self.grants),
            ("trainings", _("Trainings"), self.trainings),
        ):
            self.empty_labels[key] = QLabel(_("None yet."))
            box = QVBoxLayout()
            box.addWidget(table)
            box.addWidget(self.empty_labels[key])
            group = QGroupBox(title)
            group.setLayout(box)
            body.addWidget(group)
        body.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.edit_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        self.setFocusProxy(self.edit_button)

        self.edit_button.clicked.connect(self._edit)
        self.back_button.clicked.connect(self.back_requested)
        for keys, slot in (("Ctrl+E", self._edit), ("Esc", self.back_requested.emit)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    @staticmethod
    def _group(title: str, widget: QWidget) -> QGroupBox:
        group = QGroupBox(title)
        box = QVBoxLayout(group)
        box.addWidget(widget)
        return group

    def _edit(self) -> None:
        if self.household_id:
            self.edit_requested.emit(self.household_id)

    def show_history(self, history: HouseholdHistory) -> None:
        d = history.detail
        self.household_id = d.id
        heading = d.head_name or _("Household without a head")
        if d.deleted:
            heading += " — " + _("deleted record")
        self.heading.setText(heading)
        facts = [d.address]
        if d.kk_number:
            facts.append(_("KK {number}").format(number=mask_nik(d.kk_number)))
        if d.dtsen_decile:
            facts.append(_("DTSEN decile {decile}").format(decile=d.dtsen_decile))
        self.address.setText(" · ".join(facts))
        self.members.set_rows([
            (m.name, mask_nik(m.nik) if m.nik else "—", _label(vocab.RELATION, m.relation),
             _date(m.birth_date))
            for m in d.members
        ])  # fmt: skip
        if d.assessment is None:
            self.house.setText(_("No house survey recorded yet."))
        else:
            verdict = {
                True: _("Decent house (layak huni)"),
                False: _("Not decent (RTLH)"),
                None: _("Verdict incomplete: some fields are missing"),
            }[d.assessment.decent]
            self.house.setText(
                verdict
                + " — "
                + _("surveyed on {date}").format(date=_date(d.assessment.assessed_on))
            )
        self._fill("handovers", self.handovers, [
            (_label(vocab.HANDOVER_STAGE, h.stage), h.funder or "—", h.building_partner or "—",
             format_rupiah(h.cost_rupiah) if h.cost_rupiah else "—", _date(h.handed_over_on),
             h.bast_number or "—")
            for h in history.handovers
        ])  # fmt: skip
        self._fill("grants", self.grants, [
            (str(g.period), g.recipient_name or "—", _label(vocab.GRANT_FORM, g.form),
             format_rupiah(g.amount_rupiah), _label(vocab.GRANT_STAGE, g.stage),
             _date(g.disbursed_on))
            for g in history.grants
        ])  # fmt: skip
        self._fill("trainings", self.trainings, [
            (t.title, t.person_name, f"{_date(t.start_date)} – {_date(t.end_date)}",
             _label(vocab.ENROLMENT_STATUS, t.status), str(t.attended_days))
            for t in history.trainings
        ])  # fmt: skip
        self.edit_button.setFocus()

    def _fill(self, key: str, table: HistoryTable, rows: list[tuple[str, ...]]) -> None:
        table.set_rows(rows)
        table.setVisible(bool(rows))
        self.empty_labels[key].setVisible(not rows)
