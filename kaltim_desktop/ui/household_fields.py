# SPDX-License-Identifier: GPL-3.0-or-later
"""Small input widgets of the household screens: optional dates, code lists, issue labels."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from kaltim_desktop.domain.formatting import parse_typed_date
from kaltim_desktop.errors import Issue
from kaltim_desktop.i18n import _

ERROR_COLOUR = "#b3261e"
WARNING_COLOUR = "#8a5300"


class DateField(QLineEdit):
    """An optional date typed as day-month-year (``17-08-1985``, ``17.08.1985``, ``17081985``).

    Empty means "not recorded". :meth:`value` returns None for an empty field and raises
    ``ValueError`` for text that is not a real date.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(_("dd-mm-yyyy"))
        self.setMaxLength(10)

    def value(self) -> date | None:
        return parse_typed_date(self.text())

    def is_valid(self) -> bool:
        try:
            self.value()
        except ValueError:
            return False
        return True

    def set_value(self, value: date | None) -> None:
        self.setText(value.strftime("%d-%m-%Y") if value else "")


def fill_codes(combo: QComboBox, vocabulary: dict[str, str], *, empty: bool = True) -> None:
    """Fill ``combo`` with the translated labels of a vocabulary, codes as item data."""
    combo.clear()
    if empty:
        combo.addItem("—", None)
    for code, label in vocabulary.items():
        combo.addItem(_(label), code)


def select_code(combo: QComboBox, code: str | None) -> None:
    index = combo.findData(code)
    combo.setCurrentIndex(index if index >= 0 else 0)


def int_or_none(field: QLineEdit) -> int | None:
    text = field.text().strip()
    return int(text) if text.isdigit() else None


class IssueLabel(QLabel):
    """Shows the errors (red) and warnings (amber) of one field under it; hidden when clear."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.hide()
        self.issues: tuple[Issue, ...] = ()

    def show_issues(self, issues: tuple[Issue, ...] | list[Issue]) -> None:
        self.issues = tuple(issues)
        if not self.issues:
            self.clear()
            self.hide()
            return
        lines = []
        for issue in self.issues:
            colour = ERROR_COLOUR if issue.is_error else WARNING_COLOUR
            prefix = _("Error") if issue.is_error else _("Warning")
            lines.append(
                f'<span style="color:{colour}"><b>{prefix}:</b> {_escape(issue.message)}</span>'
            )
        self.setText("<br>".join(lines))
        self.show()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
