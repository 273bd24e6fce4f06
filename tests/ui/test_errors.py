# SPDX-License-Identifier: GPL-3.0-or-later
"""The error presenter: plain words for expected problems, details and the log for bugs."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QMessageBox

from kaltim_desktop.errors import Issue, ValidationError
from kaltim_desktop.ui.errors import describe


def test_validation_errors_list_every_issue(ui_context):
    error = ValidationError(
        [
            Issue("nik", "nik.length", "error", "The NIK must have 16 digits."),
            Issue("name", "name.empty", "error", "Name is required."),
        ]
    )
    box = ui_context.errors.show(None, error)
    assert box.text() == "• The NIK must have 16 digits.\n• Name is required."
    assert box.icon() == QMessageBox.Icon.Warning
    assert not box.detailedText()
    box.close()


def test_a_bug_is_logged_with_its_traceback_and_shows_the_log_path(ui_context, caplog):
    try:
        {}["missing"]
    except KeyError as exc:
        error = exc
    with caplog.at_level(logging.ERROR):
        box = ui_context.errors.show(None, error)
    assert str(ui_context.log_file) in box.text()
    assert "KeyError" in box.detailedText()
    assert box.icon() == QMessageBox.Icon.Critical
    assert any(r.exc_info and r.exc_info[0] is KeyError for r in caplog.records)
    box.close()


def test_describe_translates_nothing_it_cannot_know():
    assert describe(RuntimeError("secret NIK 6472061505800001")) == "An unexpected error occurred."
