# SPDX-License-Identifier: GPL-3.0-or-later
"""The conflict dialog: base / version A / version B side by side, with the officer, laptop and
time of each, and the decision (choose a version, type a value, or accept a pair of changes).

Every decision runs one service call off the GUI thread; the dialog closes when it succeeds and
:attr:`ConflictDialog.decided` tells the page to reload.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kaltim_desktop.i18n import _
from kaltim_desktop.services.review_conflicts import (
    ConflictDetail,
    confirm_changes,
    resolve_conflict,
)
from kaltim_desktop.services.review_duplicates import unmask
from kaltim_desktop.services.review_values import CHOICES, DATE
from kaltim_desktop.ui.context import UiContext
from kaltim_desktop.ui.household_fields import DateField
from kaltim_desktop.ui.pages.programme_widgets import ServiceDialog, ask, vocab_combo
from kaltim_desktop.ui.review_text import (
    KIND_LABELS,
    field_label,
    label,
    laptop_text,
    value_text,
    when_text,
)

SHOWN_STYLE = "background: #fff4d6; border: 1px solid #d8a200; border-radius: 4px; padding: 6px"
CELL_STYLE = "border: 1px solid #c8c8c8; border-radius: 4px; padding: 6px"


def letter(index: int) -> str:
    return "ABCDEFGH"[index] if index < 8 else str(index + 1)


def value_label(text: str, style: str = CELL_STYLE) -> QLabel:
    cell = QLabel(text)
    cell.setWordWrap(True)
    cell.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    cell.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    cell.setStyleSheet(style)
    return cell


def confirm_unmask(parent: QWidget, on_yes: Callable[[], None]):
    """Ask before identity numbers are shown in full; the answer Yes is logged by the service."""
    return ask(
        parent,
        _("Show full NIK"),
        _(
            "The full NIK and KK numbers will be shown. This is recorded in the audit trail "
            "with your name and this review item. Show them?"
        ),
        on_yes,
    )


class ConflictDialog(QDialog):
    """One conflict (a field written on two laptops) or one pair of concurrent changes."""

    decided = Signal(object)
    """Emitted with the service's result once a decision is saved."""

    def __init__(self, ui: UiContext, detail: ConflictDetail, parent: QWidget | None = None):
        super().__init__(parent)
        self.ui, self.detail = ui, detail
        self.question = None
        self.editor: EditValueDialog | None = None
        item = detail.item
        self.setWindowTitle(label(KIND_LABELS, item.kind))
        self.setModal(True)
        heading = QLabel(
            f"<b>{label(KIND_LABELS, item.kind)}</b> — {item.label or item.entity_id}"
            + (f" — <b>{field_label(detail.field)}</b>" if detail.field else "")
        )
        heading.setWordWrap(True)
        where = QLabel(item.place)
        where.setWordWrap(True)
        hint = QLabel(
            _("Two laptops changed this at the same time. Choose the right value: your choice "
              "is sent to every laptop.")
            if detail.field else
            _("Two laptops changed this record at the same time; both changes were kept. "
              "Check them against the documents.")
        )  # fmt: skip
        hint.setWordWrap(True)
        self.value_cells: list[QLabel] = []
        self.choose_buttons: list[QPushButton] = []
        grid = self._grid()
        holder = QWidget()
        holder.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)

        self.unmask_button = QPushButton(_("Show NIK"))
        self.unmask_button.setVisible(detail.masked)
        self.unmask_button.clicked.connect(self.ask_unmask)
        self.edit_button = QPushButton(_("Edit…"))
        self.edit_button.setVisible(detail.input_kind is not None)
        self.edit_button.clicked.connect(self.edit)
        self.confirm_button = QPushButton(_("Keep as merged"))
        self.restore_button = QPushButton(_("Restore the record"))
        pair = not detail.field
        self.confirm_button.setVisible(pair)
        self.restore_button.setVisible(pair and item.kind == "deleted_edit")
        if item.kind == "deleted_edit":
            self.confirm_button.setText(_("Keep deleted"))
        self.confirm_button.clicked.connect(lambda: self.confirm(restore=False))
        self.restore_button.clicked.connect(lambda: self.confirm(restore=True))
        close = QPushButton(_("Close"))
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        for button in (self.unmask_button, self.edit_button, self.confirm_button,
                       self.restore_button):  # fmt: skip
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        for button in (*self.choose_buttons, self.edit_button, self.confirm_button,
                       self.restore_button):  # fmt: skip
            button.setEnabled(item.status == "open")
        if item.status == "info":  # merged without a question: nothing to decide
            for button in (self.edit_button, self.confirm_button, self.restore_button):
                button.setVisible(False)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(where)
        layout.addWidget(hint)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        self.resize(860, 440)

    def _grid(self) -> QGridLayout:
        detail, entity = self.detail, self.detail.item.entity
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        columns: list[tuple[str, Any, Any]] = []  # caption, value, head
        if detail.field:
            columns.append((_("Before (base)"), detail.base, None))
        else:
            columns.append((_("Stored now"), detail.current, None))
        for index, head in enumerate(detail.heads):
            columns.append((_("Version {letter}").format(letter=letter(index)), head.value, head))
        captions = [_("Value"), _("Officer"), _("Laptop"), _("Time")]
        for row, caption in enumerate(captions, start=1):
            grid.addWidget(QLabel(f"<b>{caption}</b>"), row, 0, Qt.AlignmentFlag.AlignTop)
        for column, (caption, value, head) in enumerate(columns, start=1):
            grid.addWidget(QLabel(f"<b>{caption}</b>"), 0, column)
            style = SHOWN_STYLE if head is not None and head.shown else CELL_STYLE
            cell = value_label(value_text(entity, detail.field, value), style)
            self.value_cells.append(cell)
            grid.addWidget(cell, 1, column)
            if head is None:
                continue
            officer = head.officer_name or (_("another office") if head.officer_id else "—")
            grid.addWidget(value_label(officer), 2, column)
            grid.addWidget(value_label(laptop_text(head)), 3, column)
            grid.addWidget(value_label(when_text(head.at)), 4, column)
            if head.shown:
                grid.addWidget(QLabel(_("⚠ shown for now on every laptop")), 5, column)
            if detail.field:
                button = QPushButton(_("Choose {letter}").format(letter=letter(column - 2)))
                button.clicked.connect(lambda _c=False, i=column - 2: self.choose(i))
                self.choose_buttons.append(button)
                grid.addWidget(button, 6, column)
        grid.setRowStretch(7, 1)
        for column in range(1, len(columns) + 1):
            grid.setColumnStretch(column, 1)
        return grid

    # ---- decisions ---------------------------------------------------------------------------

    def _run(self, call: Callable[[], Any], title: str) -> None:
        self.ui.runner.run(lambda _p: call(), title=title, on_done=self._done, parent=self)

    def _done(self, result: Any) -> None:
        self.decided.emit(result)
        self.accept()

    def choose(self, index: int) -> None:
        """Keep version ``index`` for this field on every laptop (after a question)."""
        db, actor, item_id = self.ui.db, self.ui.actor, self.detail.item.id
        self.question = ask(
            self,
            _("Choose version {letter}").format(letter=letter(index)),
            _("Keep version {letter} of this field on every laptop?").format(letter=letter(index)),
            lambda: self._run(
                lambda: resolve_conflict(db, actor, item_id, head=index), _("Saving the decision")
            ),
        )

    def confirm(self, *, restore: bool) -> None:
        db, actor, item_id = self.ui.db, self.ui.actor, self.detail.item.id
        self._run(
            lambda: confirm_changes(db, actor, item_id, restore=restore), _("Saving the decision")
        )

    def edit(self) -> EditValueDialog:
        self.editor = EditValueDialog(self.ui, self.detail, self)
        self.editor.accepted.connect(lambda: self._done(self.editor.result_value))
        self.editor.open()
        return self.editor

    def ask_unmask(self) -> None:
        self.question = confirm_unmask(self, self.show_numbers)

    def show_numbers(self) -> None:
        db, actor, item_id = self.ui.db, self.ui.actor, self.detail.item.id
        self.ui.runner.run(
            lambda _p: unmask(db, actor, item_id), title=_("Showing the NIK"),
            on_done=self._unmasked, parent=self,
        )  # fmt: skip

    def _unmasked(self, shown) -> None:
        entity, field = self.detail.item.entity, self.detail.field
        values = ([shown.base] if field else [None]) + list(shown.heads)
        for index, (cell, value) in enumerate(zip(self.value_cells, values, strict=False)):
            if index == 0 and not field:
                continue  # the stored values of a pair stay as they are
            if field:
                cell.setText(value_text(entity, field, value))
            else:
                masked = self.detail.heads[index - 1].value
                cell.setText(value_text(entity, "", {**masked, **value}))
        self.unmask_button.setEnabled(False)


class EditValueDialog(ServiceDialog):
    """Type the field's value (checked by the service with the household form's rules)."""

    def __init__(self, ui: UiContext, detail: ConflictDetail, parent: QWidget | None = None):
        super().__init__(ui, _("Edit {field}").format(field=field_label(detail.field)), parent)
        self.detail = detail
        field = detail.field
        current = None if detail.masked else detail.current
        if field in CHOICES:
            self.input: QWidget = vocab_combo(CHOICES[field])
            index = self.input.findData(current)
            self.input.setCurrentIndex(max(index, 0))
        elif detail.input_kind == DATE:
            self.input = DateField()
            self.input.set_value(current)
        else:
            self.input = QLineEdit("" if current is None else str(current))
        self.form.addRow(field_label(field) + ":", self.input)
        hint = QLabel(_("The value is checked as in the household form, then written on every "
                        "laptop."))  # fmt: skip
        hint.setWordWrap(True)
        self.layout_.addWidget(hint)
        self.finish_layout()
        self.resize(460, 160)

    def value(self) -> Any:
        if isinstance(self.input, QComboBox):
            return self.input.currentData()
        return self.input.text()

    def work(self):
        db, actor, item_id, value = self.ui.db, self.ui.actor, self.detail.item.id, self.value()
        return lambda confirm: resolve_conflict(
            db, actor, item_id, value=value, confirm_warnings=confirm
        )
