# SPDX-License-Identifier: GPL-3.0-or-later
"""The training screen driven through its widgets: a training created, members of a household
enrolled, attendance ticked with the keyboard, completion recorded (and refused without any
attendance)."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from kaltim_desktop.services.context import set_setting
from kaltim_desktop.services.households import save_household
from kaltim_desktop.services.programme_lists import training_attendance
from kaltim_desktop.services.trainings import list_participants, list_trainings
from kaltim_desktop.ui.pages.programme_widgets import select_data, set_date
from kaltim_desktop.ui.pages.trainings import PRESENT_COLUMN, TrainingsPage
from tests.conftest import family
from tests.ui.conftest import wait_tasks
from tests.ui.test_handovers_page import choose_household, save

START = date.today() - timedelta(days=4)
END = date.today() - timedelta(days=1)


def open_page(qtbot, ui) -> TrainingsPage:
    page = TrainingsPage(ui)
    qtbot.addWidget(page)
    page.resize(1150, 680)
    page.show()
    page.activated()
    wait_tasks(qtbot, ui)
    return page


def row_of(page: TrainingsPage, name: str) -> int:
    return next(r for r in range(page.people.rowCount()) if page.people.item(r, 0).text() == name)


def test_enrol_mark_attendance_and_complete(qtbot, ui_context):
    ui = ui_context
    save_household(ui.db, ui.actor, family(), confirm_warnings=True)
    page = open_page(qtbot, ui)
    assert page.table.rowCount() == 0
    assert not page.box.isEnabled()

    dialog = page.new_training()
    qtbot.keyClicks(dialog.title_edit, "Pelatihan Pengolahan Pangan Angkatan 1")
    select_data(dialog.category, "food_processing")
    select_data(dialog.agency, "disperindagkop")
    set_date(dialog.start, START)
    set_date(dialog.end, END)
    dialog.hours.setValue(40)
    save(qtbot, ui, dialog)  # no regency yet: refused with the reason
    assert dialog.isVisible()
    assert "Choose the regency or city" in ui.errors.last_box.text()
    ui.errors.last_box.close()
    select_data(dialog.regency, "64.72")
    save(qtbot, ui, dialog)
    assert not dialog.isVisible()
    assert page.table.rowCount() == 1
    assert page.table.item(0, 0).text() == "Pelatihan Pengolahan Pangan Angkatan 1"
    assert "Kota Samarinda" in page.info.text()
    assert page.training is not None and page.box.isEnabled()

    enrol = page.enrol()
    choose_household(qtbot, ui, enrol.picker, "Ahmad")
    assert enrol.members.count() == 3
    save(qtbot, ui, enrol)  # nobody ticked: the dialog says what to do
    assert enrol.isVisible() and "Tick the members" in enrol.picker.status.text()
    for row in range(2):  # the head and his wife; Space ticks the current member
        enrol.members.setCurrentRow(row)
        qtbot.keyClick(enrol.members, Qt.Key.Key_Space)
    save(qtbot, ui, enrol)
    assert not enrol.isVisible()
    assert page.people.rowCount() == 2
    assert page.table.item(0, 2).text() == "2"

    # Attendance on the first day, ticked with Space on the head's row.
    set_date(page.day, START)
    wait_tasks(qtbot, ui)
    head_row = row_of(page, "Ahmad Fauzi")
    page.people.setFocus()
    page.people.setCurrentCell(head_row, 0)  # on the name: Space still ticks "present"
    qtbot.keyClick(page.people, Qt.Key.Key_Space)
    wait_tasks(qtbot, ui)
    training_id = page.training.id
    days = {
        p.name: training_attendance(ui.db, training_id)[p.enrolment_id]
        for p in list_participants(ui.db, training_id)
    }
    assert days == {"Ahmad Fauzi": (START,), "Siti Rahmah": ()}
    head_row = row_of(page, "Ahmad Fauzi")
    assert page.people.item(head_row, PRESENT_COLUMN).checkState() == Qt.CheckState.Checked
    assert page.people.item(head_row, 3).text() == "1"

    # The wife attended no day: completing her is refused with the reason.
    page.people.selectRow(row_of(page, "Siti Rahmah"))
    dialog = page.complete()
    save(qtbot, ui, dialog)
    assert "Record at least one day of attendance first." in ui.errors.last_box.text()
    ui.errors.last_box.close()
    dialog.reject()

    page.people.selectRow(row_of(page, "Ahmad Fauzi"))
    dialog = page.complete()
    save(qtbot, ui, dialog)
    assert not dialog.isVisible()
    statuses = {p.name: (p.status, p.completed_on) for p in list_participants(ui.db, training_id)}
    assert statuses["Ahmad Fauzi"] == ("completed", END)
    assert statuses["Siti Rahmah"] == ("enrolled", None)
    head_row = row_of(page, "Ahmad Fauzi")
    assert page.people.item(head_row, 1).text() == "Completed"
    # A completed participant's attendance can no longer be ticked.
    assert not page.people.item(head_row, PRESENT_COLUMN).flags() & Qt.ItemFlag.ItemIsEnabled
    assert [t.participants for t in list_trainings(ui.db)] == [2]

    # The wife drops out, after a confirmation; she no longer counts as a participant.
    page.people.selectRow(row_of(page, "Siti Rahmah"))
    page.drop()
    assert "Siti Rahmah" in page.question.text()
    page.question.button(QMessageBox.StandardButton.Yes).click()
    wait_tasks(qtbot, ui)
    statuses = {p.name: p.status for p in list_participants(ui.db, training_id)}
    assert statuses == {"Ahmad Fauzi": "completed", "Siti Rahmah": "dropped"}
    assert page.people.item(row_of(page, "Siti Rahmah"), 1).text() == "Dropped out"
    assert page.table.item(0, 2).text() == "1"


def test_a_new_training_starts_in_the_laptops_regency(qtbot, ui_context):
    ui = ui_context
    with ui.db.transaction() as session:
        set_setting(session, "installation.regency", "64.03")
    page = open_page(qtbot, ui)
    dialog = page.new_training()
    wait_tasks(qtbot, ui)
    assert dialog.regency.currentData() == "64.03"
    assert dialog.regency.currentText() == "Kabupaten Berau"
    assert dialog.title_edit.hasFocus()
