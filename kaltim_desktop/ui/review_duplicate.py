# SPDX-License-Identifier: GPL-3.0-or-later
"""The duplicate dialog: two persons (or households) side by side, NIK and KK masked but for
the last four digits until the reviewer asks to see them (a logged action), and the decision:
merge into the left or the right record, or "not a duplicate"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kaltim_desktop.domain import vocab
from kaltim_desktop.domain.formatting import format_date_long, format_rt_rw
from kaltim_desktop.i18n import _
from kaltim_desktop.services.review_cards import RecordCard
from kaltim_desktop.services.review_duplicates import (
    DuplicatePair,
    mark_distinct,
    merge_duplicate,
    unmask,
)
from kaltim_desktop.ui.context import UiContext
from kaltim_desktop.ui.pages.programme_widgets import ServiceDialog, ask
from kaltim_desktop.ui.review_dialogs import confirm_unmask, value_label
from kaltim_desktop.ui.review_text import (
    LEVEL_LABELS,
    REASON_LABELS,
    label,
    programme_text,
    when_text,
)

DIFFERENT_STYLE = "border: 1px solid #d8a200; background: #fff4d6; border-radius: 4px; padding: 4px"
SAME_STYLE = "border: 1px solid #c8c8c8; border-radius: 4px; padding: 4px"
ROWS = ("name", "sex", "born", "nik", "kk", "address", "head", "members", "programmes", "since")


def card_texts(card: RecordCard | None) -> dict[str, str]:
    """The rows of one card, in words."""
    if card is None:
        return dict.fromkeys(ROWS, "—") | {"name": _("(not on this laptop)")}
    born = ", ".join(
        p for p in (card.birth_place, format_date_long(card.birth_date) if card.birth_date else "")
        if p
    )  # fmt: skip
    address = card.place
    if card.rt:
        address = f"{format_rt_rw(card.rt, card.rw)}, {address}"
    state = []
    if card.deleted:
        state.append(_("deleted"))
    if card.merged_into:
        state.append(_("merged into another record"))
    return {
        "name": card.name + (f" ({', '.join(state)})" if state else ""),
        "sex": label(vocab.SEX, card.sex) or "—",
        "born": born or "—",
        "nik": card.nik_masked or "—",
        "kk": card.kk_masked or "—",
        "address": address or "—",
        "head": card.head_name or "—",
        "members": str(card.members),
        "programmes": "\n".join(programme_text(p) for p in card.programmes) or _("none"),
        "since": when_text(card.created_at),
    }


class DuplicateDialog(QDialog):
    """A duplicate pair and its decision."""

    decided = Signal(object)

    def __init__(self, ui: UiContext, pair: DuplicatePair, parent: QWidget | None = None):
        super().__init__(parent)
        self.ui, self.pair = ui, pair
        self.question = None
        self.distinct_dialog: DistinctDialog | None = None
        item = pair.item
        self.setWindowTitle(_("Possible duplicate"))
        self.setModal(True)
        facts = [label(LEVEL_LABELS, item.level)] if item.level else []
        if item.score is not None:
            facts.append(_("score {score}/100").format(score=item.score))
        if pair.reasons:
            facts.append(", ".join(label(REASON_LABELS, r) for r in pair.reasons))
        question = _("Are these the same?")
        heading = QLabel(f"<b>{question}</b> " + " — ".join(facts))
        heading.setWordWrap(True)

        texts = [card_texts(pair.first), card_texts(pair.second)]
        self.cells: list[dict[str, QLabel]] = [{}, {}]
        cards = QHBoxLayout()
        captions = {
            "name": _("Name:"), "sex": _("Sex:"), "born": _("Place, date of birth:"),
            "nik": _("NIK:"), "kk": _("KK number:"), "address": _("Address:"),
            "head": _("Head of household:"), "members": _("Members:"),
            "programmes": _("Programmes received:"), "since": _("Registered:"),
        }  # fmt: skip
        for side, title in enumerate((_("Left record"), _("Right record"))):
            box = QGroupBox(title)
            form = QFormLayout(box)
            for key in ROWS:
                differs = key not in ("since", "programmes") and texts[0][key] != texts[1][key]
                cell = value_label(texts[side][key], DIFFERENT_STYLE if differs else SAME_STYLE)
                self.cells[side][key] = cell
                form.addRow(captions[key], cell)
            cards.addWidget(box, 1)

        self.unmask_button = QPushButton(_("Show NIK"))
        self.unmask_button.clicked.connect(self.ask_unmask)
        self.merge_left = QPushButton(_("Merge into the left record"))
        self.merge_right = QPushButton(_("Merge into the right record"))
        self.distinct_button = QPushButton(_("Not a duplicate…"))
        close = QPushButton(_("Close"))
        close.clicked.connect(self.reject)
        open_ = item.status == "open" and None not in (pair.first, pair.second)
        for side, button in enumerate((self.merge_left, self.merge_right)):
            button.setEnabled(open_)
            button.clicked.connect(lambda _c=False, s=side: self.merge(s))
        self.distinct_button.setEnabled(item.status == "open")
        self.distinct_button.clicked.connect(self.not_duplicate)
        buttons = QHBoxLayout()
        for button in (self.unmask_button, self.merge_left, self.merge_right,
                       self.distinct_button):  # fmt: skip
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)

        hint = QLabel(_("Highlighted rows differ. NIK and KK show only their last four digits."))
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(hint)
        layout.addLayout(cards, 1)
        layout.addLayout(buttons)
        self.resize(1000, 560)

    def _run(self, call: Callable[[], Any], title: str, on_done=None) -> None:
        self.ui.runner.run(
            lambda _p: call(), title=title, on_done=on_done or self._done, parent=self
        )

    def _done(self, result: Any) -> None:
        self.decided.emit(result)
        self.accept()

    def ask_unmask(self) -> None:
        self.question = confirm_unmask(self, self.show_numbers)

    def show_numbers(self) -> None:
        db, actor, item_id = self.ui.db, self.ui.actor, self.pair.item.id
        self._run(lambda: unmask(db, actor, item_id), _("Showing the NIK"), self._unmasked)

    def _unmasked(self, shown) -> None:
        for side, numbers in enumerate((shown.first, shown.second)):
            nik, kk = (*numbers, None, None)[:2]
            self.cells[side]["nik"].setText(nik or "—")
            self.cells[side]["kk"].setText(kk or "—")
        self.unmask_button.setEnabled(False)

    def merge(self, side: int) -> None:
        """Merge the other record into the record on ``side`` (0 left, 1 right)."""
        winner = (self.pair.first, self.pair.second)[side]
        db, actor, item_id = self.ui.db, self.ui.actor, self.pair.item.id
        where = _("left") if side == 0 else _("right")
        self.question = ask(
            self,
            _("Merge records"),
            _(
                "Merge the other record into the {side} record ({name})? Its programmes and "
                "members move to the {side} record on every laptop; both ids stay traceable."
            ).format(side=where, name=winner.name),
            lambda: self._run(
                lambda: merge_duplicate(db, actor, item_id, winner.id), _("Merging the records")
            ),
        )

    def not_duplicate(self) -> DistinctDialog:
        self.distinct_dialog = DistinctDialog(self.ui, self.pair.item.id, self)
        self.distinct_dialog.accepted.connect(lambda: self._done(self.distinct_dialog.result_value))
        self.distinct_dialog.open()
        return self.distinct_dialog


class DistinctDialog(ServiceDialog):
    """ "Not a duplicate", with an optional note; remembered on every laptop."""

    def __init__(self, ui: UiContext, item_id: str, parent: QWidget | None = None):
        super().__init__(ui, _("Not a duplicate"), parent)
        self.item_id = item_id
        self.note = QLineEdit()
        self.note.setPlaceholderText(_("for example: different mothers, checked on the KK"))
        self.form.addRow(_("Note (optional):"), self.note)
        hint = QLabel(_("The two records stay apart and this pair is not flagged again."))
        hint.setWordWrap(True)
        self.layout_.addWidget(hint)
        self.finish_layout()
        self.resize(480, 150)

    def work(self):
        db, actor, item_id, note = self.ui.db, self.ui.actor, self.item_id, self.note.text()
        return lambda _confirm: mark_distinct(db, actor, item_id, note)
