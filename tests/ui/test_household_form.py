# SPDX-License-Identifier: GPL-3.0-or-later
"""The household form, driven like an officer does: by keyboard, with real validation, real
duplicate search and a real database underneath."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit

from kaltim_desktop.services.household_list import ListQuery, count_households
from kaltim_desktop.services.household_rules import MemberInput
from kaltim_desktop.services.households import get_household, save_household
from kaltim_desktop.ui import household_form
from kaltim_desktop.ui.pages.households import HouseholdsPage
from tests.conftest import CHILD_NIK, HEAD_NIK, KK, VILLAGE, WIFE_NIK, family
from tests.ui.conftest import wait_tasks


@pytest.fixture
def page(qtbot, ui_context):
    page = HouseholdsPage(ui_context)
    qtbot.addWidget(page)
    page.resize(1300, 720)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    page.activated()
    wait_tasks(qtbot, ui_context)
    return page


def focused():
    return QApplication.focusWidget()


def target(qtbot):
    """The widget with the keyboard focus; after a dialog closes, its window gets the focus
    back a moment later."""
    qtbot.waitUntil(lambda: focused() is not None, timeout=2000)
    return focused()


def type_text(qtbot, text: str) -> None:
    qtbot.keyClicks(target(qtbot), text)


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(target(qtbot), key, modifier)


def tab_to(qtbot, widget, limit: int = 60) -> None:
    """Press Tab until ``widget`` has the focus (the tab order is part of what is tested)."""
    for _ in range(limit):
        if focused() is widget:
            return
        press(qtbot, Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {widget!r}")


def add_member_by_keyboard(qtbot, form, *, name, nik, sex, birth, relation=None):
    tab_to(qtbot, form.members.add_button)
    press(qtbot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: form.members.dialog is not None and form.members.dialog.isVisible())
    dialog = form.members.dialog
    qtbot.waitUntil(lambda: focused() is dialog.name)  # the dialog opens where one types
    type_text(qtbot, name)
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, nik)
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is dialog.sex
    type_text(qtbot, sex)  # "M"ale / "F"emale: a combo box selects by first letters
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is dialog.relation
    if relation:
        type_text(qtbot, relation)
    press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Tab)  # place of birth stays empty
    assert focused() is dialog.birth_date
    type_text(qtbot, birth)
    press(qtbot, Qt.Key.Key_Return)
    return dialog


def test_register_household_with_members_by_keyboard_alone(qtbot, page, ui_context):
    page.new_household()  # Ctrl+N of the main window (tested with the window)
    form = page.form
    assert page.stack.currentWidget() is form
    assert focused() is form.region.regency.lineEdit() or focused() is form.region.regency
    type_text(qtbot, "samarinda")
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "sungai kunjang")
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "loa bakung")
    press(qtbot, Qt.Key.Key_Tab)
    assert form.region.village_code() == VILLAGE
    assert focused() is form.rt
    type_text(qtbot, "3")
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "1")
    tab_to(qtbot, form.street)
    type_text(qtbot, "Jl. Pahlawan Gg. 5")
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is form.kk_number
    type_text(qtbot, KK)
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "10-01-2024")
    dialog = add_member_by_keyboard(
        qtbot, form, name="Ahmad Fauzi", nik=HEAD_NIK, sex="M", birth="15-05-1980"
    )
    qtbot.waitUntil(lambda: not dialog.isVisible())
    add_member_by_keyboard(
        qtbot, form, name="Siti Rahmah", nik=WIFE_NIK, sex="F", birth="17-08-1985", relation="W"
    )
    add_member_by_keyboard(qtbot, form, name="Budi", nik=CHILD_NIK, sex="M", birth="01-03-2010")
    assert [m.relation for m in form.members.members] == ["head", "spouse", "child"]
    assert form.members.table.item(1, 0).text() == "Siti Rahmah"
    with qtbot.waitSignal(form.saved, timeout=10_000) as saved:
        press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    household = get_household(ui_context.db, saved.args[0])
    assert (household.village_code, household.rt, household.rw) == (VILLAGE, 3, 1)
    assert household.kk_number == KK and household.kk_as_of == date(2024, 1, 10)
    assert [m.name for m in household.members] == ["Ahmad Fauzi", "Siti Rahmah", "Budi"]
    assert household.head_name == "Ahmad Fauzi"
    assert form.issues.text() == "Saved." and not form.dirty
    # Saving the same form again updates the record; it never registers the family twice.
    with qtbot.waitSignal(form.saved, timeout=10_000):
        press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert count_households(ui_context.db, ListQuery()) == 1
    assert len(get_household(ui_context.db, saved.args[0]).members) == 3
    # Esc leaves the saved form for the household's page.
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.history, timeout=5000)
    assert page.history.heading.text() == "Ahmad Fauzi"


def fill(form, members, kk=KK):
    form.region.set_code(VILLAGE)
    form.kk_number.setText(kk)
    form.kk_as_of.set_value(date(2024, 1, 10))
    form.members.set_members(members)
    form.dirty = True


HEAD = MemberInput(name="Ahmad Fauzi", sex="M", relation="head", nik=HEAD_NIK,
                   birth_date=date(1980, 5, 15))  # fmt: skip


def test_invalid_nik_blocks_the_member_and_invalid_kk_blocks_saving(qtbot, page, ui_context):
    page.new_household()
    form = page.form
    fill(form, [HEAD], kk="6472060101150")  # 13 digits
    tab_to(qtbot, form.members.add_button)
    press(qtbot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: form.members.dialog is not None)
    dialog = form.members.dialog
    qtbot.waitUntil(lambda: focused() is dialog.name)
    type_text(qtbot, "Budi")
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "6472060103100000")  # serial 0000: never a real NIK
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "M")
    press(qtbot, Qt.Key.Key_Return)
    assert dialog.isVisible() and focused() is dialog.nik  # blocked, back on the NIK
    assert "serial number" in dialog.nik_issues.text() and "Error" in dialog.nik_issues.text()
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert len(form.members.members) == 1
    assert "16 digits" in form.kk_issues.text()
    press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_tasks(qtbot, ui_context)
    assert "KK number:" in form.issues.text() and "16 digits" in form.issues.text()
    assert focused() is form.kk_number
    assert count_households(ui_context.db, ListQuery()) == 0


def test_suspicious_nik_is_saved_only_after_confirming_the_warning(qtbot, page, ui_context):
    page.new_household()
    form = page.form
    # The NIK says male (day 15), the officer declares female: a warning, not an error.
    fill(form, [])
    dialog = add_member_by_keyboard(
        qtbot, form, name="Ahmad Fauzi", nik=HEAD_NIK, sex="F", birth="15-05-1980"
    )
    assert not dialog.isVisible() and "Warning" in dialog.nik_issues.text()
    press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: form.prompt is not None and form.prompt.isVisible())
    assert "sex encoded in the NIK" in form.prompt.informativeText()
    assert "Member 1 (Ahmad Fauzi), NIK" in form.prompt.informativeText()
    press(qtbot, Qt.Key.Key_Escape)  # back to the form: nothing saved
    qtbot.waitUntil(lambda: form.prompt is None)
    assert count_households(ui_context.db, ListQuery()) == 0 and form.save_button.isEnabled()
    press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: form.prompt is not None and form.prompt.isVisible())
    save = next(b for b in form.prompt.buttons() if b.property("answer") == "save")
    with qtbot.waitSignal(form.saved, timeout=10_000):
        save.click()
    assert count_households(ui_context.db, ListQuery()) == 1


def test_duplicate_prompt_opens_the_existing_record(qtbot, page, ui_context):
    existing = save_household(ui_context.db, ui_context.actor, family(), confirm_warnings=True)
    page.new_household()
    form = page.form
    # Same name in the same village, no NIK given: possibly the same family.
    fill(form, [MemberInput(name="Ahmad Fauzi", sex="M", relation="head")], kk="")
    form.save_button.click()
    qtbot.waitUntil(lambda: form.prompt is not None and form.prompt.isVisible(), timeout=5000)
    assert form.prompt.windowTitle() == "Possible existing record"
    assert "Ahmad Fauzi" in form.prompt.informativeText()
    assert not form.save_button.isEnabled()  # no second save while the question is open
    press(qtbot, Qt.Key.Key_Return)  # the default answer: open the existing record
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.history, timeout=5000)
    assert page.history.household_id == existing.id
    assert count_households(ui_context.db, ListQuery()) == 1


def test_duplicate_nik_saved_as_new_after_both_questions(qtbot, page, ui_context):
    save_household(ui_context.db, ui_context.actor, family(), confirm_warnings=True)
    page.new_household()
    form = page.form
    other_kk = "6472060101160005"
    fill(form, [HEAD], kk=other_kk)
    form.save_button.click()
    qtbot.waitUntil(lambda: form.prompt is not None and form.prompt.isVisible(), timeout=5000)
    assert "NIK 6472********0001" in form.prompt.informativeText()
    answer(form.prompt, "save")
    # The database finds the NIK registered for another person: confirm that too.
    qtbot.waitUntil(lambda: form.prompt is not None and form.prompt.isVisible(), timeout=5000)
    assert "already registered for another person" in form.prompt.informativeText()
    with qtbot.waitSignal(form.saved, timeout=10_000):
        answer(form.prompt, "save")
    assert count_households(ui_context.db, ListQuery()) == 2


def answer(box, value: str) -> None:
    next(b for b in box.buttons() if b.property("answer") == value).click()


def test_second_click_on_save_never_creates_a_second_record(qtbot, page, ui_context):
    page.new_household()
    form = page.form
    fill(form, [HEAD])
    saved = []
    form.saved.connect(saved.append)
    form.save_button.click()
    form.save_button.click()  # while the first save is still running
    form.save()
    wait_tasks(qtbot, ui_context)
    qtbot.waitUntil(lambda: len(saved) == 1, timeout=5000)
    assert count_households(ui_context.db, ListQuery()) == 1


def test_unsaved_changes_guard(qtbot, page, ui_context, monkeypatch):
    page.new_household()
    form = page.form
    asked = []
    monkeypatch.setattr(household_form, "ask_discard", lambda parent: asked.append(1) or False)
    form.street.setFocus()
    type_text(qtbot, "Jl. Baru")
    press(qtbot, Qt.Key.Key_Escape)
    assert asked == [1] and page.stack.currentWidget() is form  # kept
    assert not page.confirm_leave()
    monkeypatch.setattr(household_form, "ask_discard", lambda parent: asked.append(2) or True)
    press(qtbot, Qt.Key.Key_Escape)
    assert asked == [1, 1, 2] and page.stack.currentWidget() is page.list_view


def test_live_house_verdict_and_editing_keeps_members(qtbot, page, ui_context):
    existing = save_household(ui_context.db, ui_context.actor, family(), confirm_warnings=True)
    page.edit_household(existing.id)
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.form, timeout=5000)
    form = page.form
    assert [m.person_id for m in form.members.members] == [m.person_id for m in existing.members]
    panel = form.house
    panel.floor_area.setFocus()
    type_text(qtbot, "20")
    tab_to(qtbot, panel.combos["toilet"])
    type_text(qtbot, "No t")  # "No toilet"
    assert "Not decent (RTLH)" in panel.verdict.text()
    assert "no toilet" in panel.verdict.text()
    assert isinstance(panel.combos["toilet"], QComboBox)
    assert isinstance(form.rt, QLineEdit)
    with qtbot.waitSignal(form.saved, timeout=10_000):
        press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    stored = get_household(ui_context.db, existing.id)
    assert stored.assessment.condition.toilet == "none"
    assert stored.assessment.condition.floor_area_dm2 == 2000
    assert stored.assessment.decent is False
    assert len(stored.members) == 3
