# SPDX-License-Identifier: GPL-3.0-or-later
"""The house handover screen driven through its widgets: a house recorded for a household
found by search, moved through every stage to the BAST, with the services' refusals shown."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from kaltim_desktop.services.handovers import get_handover, list_handovers
from kaltim_desktop.services.households import save_household
from kaltim_desktop.ui.pages.handovers import HandoversPage
from tests.conftest import family
from tests.ui.conftest import wait_tasks


def open_page(qtbot, ui) -> HandoversPage:
    page = HandoversPage(ui)
    qtbot.addWidget(page)
    page.resize(1150, 680)
    page.show()
    page.activated()
    wait_tasks(qtbot, ui)
    return page


def choose_household(qtbot, ui, picker, text: str) -> None:
    """Type in the search field, go down to the first result with the keyboard."""
    qtbot.keyClicks(picker.search, text)
    qtbot.waitUntil(lambda: picker.results.count() > 0)
    qtbot.keyClick(picker.search, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: picker.detail is not None)
    wait_tasks(qtbot, ui)


def save(qtbot, ui, dialog) -> None:
    """Ctrl+S in the dialog, as the officer would press it."""
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(
        dialog.focusWidget() or dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier
    )
    wait_tasks(qtbot, ui)


def test_record_a_handover_through_its_lifecycle(qtbot, ui_context):
    ui = ui_context
    household = save_household(ui.db, ui.actor, family(), confirm_warnings=True)
    page = open_page(qtbot, ui)
    assert page.table.rowCount() == 0
    assert not page.advance_button.isEnabled()

    dialog = page.new_handover()
    # Keyboard only: type, Enter takes the first result, Enter again goes on to the recipient
    # (the dialog is not saved half-filled).
    picker = dialog.picker
    qtbot.keyClicks(picker.search, "Ahmad Fauzi")
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: picker.results.count() > 0)
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: picker.detail is not None)
    wait_tasks(qtbot, ui)
    assert picker.results.hasFocus()
    qtbot.keyClick(picker.results, Qt.Key.Key_Return)
    assert dialog.recipient.hasFocus()
    assert dialog.isVisible()
    assert picker.detail.id == household.id
    assert dialog.recipient.count() == 4  # "choose later" and the three members
    qtbot.keyClicks(dialog.funder, "PT Mahakam Bara Sejahtera")
    qtbot.keyClicks(dialog.partner, "Kodim 0901/Samarinda")
    assert dialog.cost.text() == "115.000.000"
    save(qtbot, ui, dialog)
    assert not dialog.isVisible()

    assert page.table.rowCount() == 1
    assert page.table.item(0, 0).text() == "Ahmad Fauzi"
    assert page.table.item(0, 3).text() == "Surveyed"
    assert page.table.item(0, 7).text() == "Rp115.000.000"
    assert page.current is not None and page.current.stage == "surveyed"

    for expected in ("under_construction", "completed"):
        dialog = page.advance()
        save(qtbot, ui, dialog)
        assert page.current.stage == expected

    # The handover itself needs the recipient: without one the service refuses, the dialog
    # stays open and the officer reads why.
    dialog = page.advance()
    wait_tasks(qtbot, ui)
    assert dialog.stage == "handed_over"
    save(qtbot, ui, dialog)
    assert dialog.isVisible()
    assert "Choose the member who receives the house." in ui.errors.last_box.text()
    ui.errors.last_box.close()

    head = next(m for m in household.members if m.relation == "head")
    dialog.recipient.setCurrentIndex(dialog.recipient.findData(head.person_id))
    qtbot.keyClicks(dialog.bast_number, "027/BAST-RLH/2025")
    save(qtbot, ui, dialog)
    assert not dialog.isVisible()

    stored = list_handovers(ui.db, household.id)
    assert [h.stage for h in stored] == ["handed_over"]
    assert stored[0].bast_number == "027/BAST-RLH/2025"
    assert stored[0].recipient_person_id == head.person_id
    assert page.table.item(0, 3).text() == "Handed over"
    assert page.detail_labels["bast"].text() == "027/BAST-RLH/2025"
    assert not page.advance_button.isEnabled()
    assert not page.cancel_button.isEnabled()


def test_one_house_per_household_and_cancellation(qtbot, ui_context):
    ui = ui_context
    household = save_household(ui.db, ui.actor, family(), confirm_warnings=True)
    page = open_page(qtbot, ui)
    dialog = page.new_handover()
    choose_household(qtbot, ui, dialog.picker, "Ahmad")
    # A minor named as recipient is only a warning: the officer is asked, then it is saved.
    child = next(m for m in household.members if m.relation == "child")
    dialog.recipient.setCurrentIndex(dialog.recipient.findData(child.person_id))
    save(qtbot, ui, dialog)
    assert dialog.isVisible() and dialog.question is not None
    assert "at least 17 years old" in dialog.question.text()
    dialog.question.button(QMessageBox.StandardButton.Yes).click()
    wait_tasks(qtbot, ui)
    assert not dialog.isVisible()
    assert list_handovers(ui.db, household.id)[0].recipient_person_id == child.person_id

    second = page.new_handover()
    choose_household(qtbot, ui, second.picker, "Ahmad")
    save(qtbot, ui, second)
    assert second.isVisible()
    assert "one house per household" in ui.errors.last_box.text()
    ui.errors.last_box.close()
    second.reject()

    handover_id = page.current.id
    cancel = page.cancel()
    save(qtbot, ui, cancel)  # no reason: refused
    assert "Give the reason for the cancellation." in ui.errors.last_box.text()
    ui.errors.last_box.close()
    qtbot.keyClicks(cancel.reason, "Status lahan bersengketa")
    save(qtbot, ui, cancel)
    assert get_handover(ui.db, handover_id).stage == "cancelled"
    assert page.table.item(0, 3).text() == "Cancelled"
    assert not page.advance_button.isEnabled()

    page.stage_filter.setCurrentIndex(page.stage_filter.findData("surveyed"))
    wait_tasks(qtbot, ui)
    assert page.table.rowCount() == 0


def test_an_operator_is_not_offered_the_cancellation(qtbot, ui_context, ui_operator):
    page = open_page(qtbot, ui_context)
    assert not page.cancel_button.isHidden()  # an administrator
    # Another officer unlocks the session: the screen follows without being reopened.
    ui_context.actor = ui_operator
    ui_context.events.status_changed.emit()
    assert page.cancel_button.isHidden()
    assert not page.new_button.isHidden()


def test_filters_and_column_widths_are_remembered(qtbot, ui_context):
    page = open_page(qtbot, ui_context)
    page.stage_filter.setCurrentIndex(page.stage_filter.findData("completed"))
    page.region_filter.setCurrentIndex(page.region_filter.findData("64.72"))
    page.table.setColumnWidth(0, 233)
    wait_tasks(qtbot, ui_context)
    again = open_page(qtbot, ui_context)
    assert again.stage_filter.currentData() == "completed"
    assert again.region_filter.currentData() == "64.72"
    assert again.table.columnWidth(0) == 233


def test_open_household_from_a_handover_in_the_main_window(qtbot, ui_context):
    from kaltim_desktop.services.handovers import HandoverInput, create_handover
    from kaltim_desktop.ui.main_window import MainWindow

    ui = ui_context
    household = save_household(ui.db, ui.actor, family(), confirm_warnings=True)
    create_handover(
        ui.db,
        ui.actor,
        HandoverInput(
            household_id=household.id,
            funder=None,
            building_partner=None,
            house_type="type45_wood",
            cost_rupiah=115_000_000,
            surveyed_on=date.today(),
        ),
    )
    window = MainWindow(ui)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("handovers")
    wait_tasks(qtbot, ui)
    assert page.current is not None and page.current.household_id == household.id
    page.household_button.click()
    wait_tasks(qtbot, ui)
    assert window.current_key == "households"
    households = window.page("households")
    assert households.stack.currentWidget() is households.history
