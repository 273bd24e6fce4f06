# SPDX-License-Identifier: GPL-3.0-or-later
"""Qt's standard buttons speak Indonesian although Qt ships no Indonesian catalogue."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox, QWizard

from kaltim_desktop import i18n
from kaltim_desktop.ui.qt_translations import install_qt_translations


@pytest.fixture
def indonesian(qapp):
    i18n.set_language("id")
    translator = install_qt_translations(qapp)
    yield
    qapp.removeTranslator(translator)
    i18n.set_language("en")


def test_standard_buttons_and_wizard_buttons_are_indonesian(qtbot, indonesian):
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Cancel | QDialogButtonBox.StandardButton.Save
    )
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "Batal"
    assert box.button(QDialogButtonBox.StandardButton.Save).text() == "Simpan"
    wizard = QWizard()
    qtbot.addWidget(wizard)
    assert wizard.buttonText(QWizard.WizardButton.NextButton) == "&Lanjut >"
    assert wizard.buttonText(QWizard.WizardButton.FinishButton) == "&Selesai"
    message = QMessageBox(QMessageBox.Icon.Question, "t", "?", QMessageBox.StandardButton.Yes)
    qtbot.addWidget(message)
    assert message.button(QMessageBox.StandardButton.Yes).text() == "&Ya"


def test_english_stays_english(qtbot, qapp):
    translator = install_qt_translations(qapp)
    try:
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        qtbot.addWidget(box)
        assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "Cancel"
    finally:
        qapp.removeTranslator(translator)
