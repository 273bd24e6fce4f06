# SPDX-License-Identifier: GPL-3.0-or-later
"""The one place where errors meet the officer.

Expected problems (:class:`~kaltim_desktop.errors.KaltimError`: invalid input, not allowed, a
locked account, a cancelled job) are shown in plain words, in the user's language, and are not
logged as failures. Anything else is a bug: its traceback goes to the log file and the officer
sees a short apology, the technical details on demand, and where the log is, so that a support
officer can be sent the file. Message texts never carry personal data beyond what the screen
already shows to the same officer.
"""

from __future__ import annotations

import logging
import traceback
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from kaltim_desktop.errors import Cancelled, KaltimError, ValidationError
from kaltim_desktop.i18n import _

log = logging.getLogger(__name__)


def describe(error: BaseException) -> str:
    """The user-facing text of an expected error (a validation error lists its issues)."""
    if isinstance(error, ValidationError) and error.issues:
        lines = [issue.message for issue in error.issues]
        if len(lines) == 1:
            return lines[0]
        return "\n".join(f"• {line}" for line in lines)
    if isinstance(error, KaltimError):
        return error.message
    return _("An unexpected error occurred.")


class ErrorPresenter:
    """Shows errors as non-blocking message boxes; the newest one is :attr:`last_box`."""

    def __init__(self, log_file: Path) -> None:
        self.log_file = log_file
        self.last_box: QMessageBox | None = None

    def show(self, parent: QWidget | None, error: BaseException) -> QMessageBox:
        if isinstance(error, Cancelled):
            box = self._box(parent, QMessageBox.Icon.Information, _("Cancelled"), error.message)
        elif isinstance(error, KaltimError):
            log.info("refused: %s", type(error).__name__)
            box = self._box(parent, QMessageBox.Icon.Warning, _("Cannot continue"), describe(error))
        else:
            log.error("unexpected error", exc_info=(type(error), error, error.__traceback__))
            box = self._box(
                parent,
                QMessageBox.Icon.Critical,
                _("Unexpected error"),
                _(
                    "Something went wrong inside the application. Your saved data is safe. "
                    "Please send the log file to your support officer:\n{path}"
                ).format(path=self.log_file),
            )
            box.setDetailedText(
                "".join(traceback.format_exception(type(error), error, error.__traceback__))
            )
        box.open()
        self.last_box = box
        return box

    def _box(self, parent, icon, title: str, text: str) -> QMessageBox:
        return QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
