# SPDX-License-Identifier: GPL-3.0-or-later
"""The review page on a real database: tabs with their counts, the conflict dialog (base and
versions side by side, choose or edit), the duplicate dialog (NIK masked, unmask asked for and
logged, not a duplicate, merge), held changes, and the navigation entry for supervisors only.

Review items are written straight into their table (their derivation is tested in tests/sync).
Set ``KALTIM_SCREENSHOT_DIR`` to save screenshots at the laptop size.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from kaltim_desktop.models import (
    AuditEntry,
    DuplicateDecision,
    Household,
    Person,
    ReviewItem,
    SyncHeldOp,
)
from kaltim_desktop.services.context import set_setting
from kaltim_desktop.services.handover_rules import HandoverInput
from kaltim_desktop.services.handovers import create_handover
from kaltim_desktop.services.household_rules import MemberInput
from kaltim_desktop.services.households import save_household
from kaltim_desktop.sync.canonical import canonical_json
from kaltim_desktop.ui.main_window import MainWindow
from kaltim_desktop.ui.pages import review_held
from kaltim_desktop.ui.pages.review import ReviewPage
from kaltim_desktop.ui.review_dialogs import ConflictDialog, EditValueDialog
from kaltim_desktop.ui.review_duplicate import DistinctDialog, DuplicateDialog
from tests.conftest import HEAD_NIK, KK, VILLAGE, family
from tests.ui.conftest import wait_tasks

SCREENSHOT = os.environ.get("KALTIM_SCREENSHOT_DIR")
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
OTHER_NIK = "6472061505800009"


def hlc(moment: datetime) -> str:
    return f"{int(moment.timestamp() * 1000):013d}:0000"


def put_item(db, item_id, kind, entity, entity_id, *, status="open", detail=None, **fields):
    with db.transaction() as session:
        session.add(
            ReviewItem(
                id=item_id, kind=kind, status=status, entity=entity, entity_id=entity_id,
                region=VILLAGE, detail=canonical_json(detail or {}), created_at=T0,
                updated_at=T0, **fields,
            )
        )  # fmt: skip


def seed(ui):
    """Two registrations of one man, a conflict on the first household's RT, a duplicate pair
    of the two heads, a province rule and a parallel update."""
    with ui.db.transaction() as session:
        set_setting(session, "installation.regency", "64.72")
    first = save_household(ui.db, ui.actor, family(), confirm_warnings=True)
    again = MemberInput(name="Ahmad Fauzy", sex="M", relation="head", nik=OTHER_NIK,
                        birth_place="Samarinda", birth_date=date(1980, 5, 15))  # fmt: skip
    second = save_household(ui.db, ui.actor, family(members=(again,), kk_number=None, rt=7),
                            confirm_warnings=True)  # fmt: skip
    create_handover(ui.db, ui.actor, HandoverInput(
        first.id, "CSR PT Bank Kaltimtara", "Kodim 0901/Samarinda", "type45_wood", 115_000_000,
        date(2025, 2, 3)), confirm_warnings=True)  # fmt: skip
    heads = [
        {"origin": f"L-7C2A{n}#1", "seq": 40 + n, "hlc": hlc(T0 + timedelta(minutes=n * 90)),
         "actor": ui.actor.officer_id if n == 0 else "elsewhere", "action": "update",
         "value": value}
        for n, value in enumerate((4, 5))
    ]  # fmt: skip
    put_item(ui.db, "conflict", "conflict", "household", first.id, field="rt",
             detail={"heads": heads, "base": 3})  # fmt: skip
    left, right = (next(m.person_id for m in d.members if m.relation == "head")
                   for d in (first, second))  # fmt: skip
    put_item(ui.db, "dup", "duplicate", "person", left, other_id=right, level="adjudicate",
             score=91, detail={"reasons": ["name", "birth_date", "region"]})  # fmt: skip
    put_item(ui.db, "rule", "invariant", "household", second.id, field="handovers",
             detail={"rule": "handovers", "handovers": ["h-1", "h-2"]})  # fmt: skip
    parallel = [
        {"origin": f"L-7C2A{n}#1", "seq": 60 + n, "hlc": hlc(T0 + timedelta(hours=n)),
         "actor": None, "action": "update", "fields": fields}
        for n, fields in enumerate(({"rt": 4}, {"phone": "+6281234567890"}))
    ]  # fmt: skip
    put_item(ui.db, "info", "parallel", "household", first.id, status="info",
             detail={"ops": parallel})  # fmt: skip
    return first, second, left, right


def open_page(qtbot, ui) -> ReviewPage:
    page = ReviewPage(ui)
    qtbot.addWidget(page)
    page.resize(1100, 650)
    page.show()
    page.activated()
    wait_tasks(qtbot, ui)
    return page


def open_item(qtbot, ui, page, group, row=0):
    page.show_group(group)
    wait_tasks(qtbot, ui)
    item_list = page.lists[group]
    item_list.table.selectRow(row)
    item_list.open_button.click()
    wait_tasks(qtbot, ui)
    return page.dialog


def answer_yes(qtbot, box) -> None:
    assert box is not None and box.isVisible()
    box.button(QMessageBox.StandardButton.Yes).click()


def shot(widget, name) -> None:
    if SCREENSHOT:
        widget.grab().save(str(Path(SCREENSHOT) / name))


def test_the_tabs_list_the_items_with_their_counts(qtbot, ui_context):
    ui = ui_context
    seed(ui)
    page = open_page(qtbot, ui)
    tabs = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    assert tabs == ["Conflicts (1)", "Duplicates (1)", "Province rules (1)",
                    "Held and quarantined", "Information (1)"]  # fmt: skip
    table = page.lists["conflicts"].table
    assert table.rowCount() == 1
    cells = [table.item(0, c).text() for c in range(table.columnCount())]
    assert cells[:3] == ["Ahmad Fauzi", "Conflict", "RT"] and "Loa Bakung" in cells[3]
    assert page.lists["conflicts"].count_label.text() == "1–1 of 1"
    page.show_group("duplicates")
    wait_tasks(qtbot, ui)
    duplicates = page.lists["duplicates"].table
    assert duplicates.item(0, 0).text() == "Ahmad Fauzi ↔ Ahmad Fauzy"
    assert [duplicates.item(0, c).text() for c in (1, 2, 3)] == [
        "Person", "needs a decision", "91"
    ]  # fmt: skip


def test_a_broken_province_rule_opens_its_household(qtbot, ui_context):
    ui = ui_context
    _first, second, *_people = seed(ui)
    page = open_page(qtbot, ui)
    page.show_group("invariants")
    wait_tasks(qtbot, ui)
    rules = page.lists["invariants"]
    assert rules.table.item(0, 1).text() == "Two active house handovers for one household"
    assert not rules.open_button.isVisible() and rules.household_button.isEnabled()
    with qtbot.waitSignal(ui.events.open_household, timeout=1000) as opened:
        rules.household_button.click()
    assert opened.args == [second.id]


def test_a_conflict_shows_base_and_versions_and_choosing_one_resolves_it(qtbot, ui_context):
    ui = ui_context
    first, *_rest = seed(ui)
    page = open_page(qtbot, ui)
    dialog = open_item(qtbot, ui, page, "conflicts")
    assert isinstance(dialog, ConflictDialog)
    assert [c.text() for c in dialog.value_cells] == ["3", "4", "5"]
    assert not dialog.unmask_button.isVisible() and dialog.edit_button.isVisible()
    texts = {label.text() for label in dialog.findChildren(type(dialog.value_cells[0]))}
    assert {"Admin Kabupaten", "another office", "L-7C2A0", "L-7C2A1"} <= texts
    assert "⚠ shown for now on every laptop" in texts  # on version B, the later clock
    shot(dialog, "review-conflict.png")
    dialog.choose_buttons[1].click()
    answer_yes(qtbot, dialog.question)
    wait_tasks(qtbot, ui)
    assert not dialog.isVisible()
    with ui.db.read() as session:
        assert session.get(Household, first.id).rt == 5
        assert session.get(ReviewItem, "conflict").status == "resolved"
    wait_tasks(qtbot, ui)
    assert page.tabs.tabText(0) == "Conflicts"  # nothing open any more


def test_a_parallel_update_opens_with_enter_and_without_a_decision(qtbot, ui_context):
    ui = ui_context
    seed(ui)
    page = open_page(qtbot, ui)
    page.show_group("information")
    wait_tasks(qtbot, ui)
    table = page.lists["information"].table
    table.setFocus()
    table.selectRow(0)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    wait_tasks(qtbot, ui)
    dialog = page.dialog
    assert isinstance(dialog, ConflictDialog)
    assert [c.text() for c in dialog.value_cells[1:]] == ["RT: 4", "Phone number: +6281234567890"]
    assert not dialog.confirm_button.isVisible() and not dialog.edit_button.isVisible()


def test_a_pair_of_identity_changes_is_kept_as_merged(qtbot, ui_context):
    ui = ui_context
    _first, _second, left, _right = seed(ui)
    ops = [
        {"origin": f"L-7C2A{n}#1", "seq": 70 + n, "hlc": hlc(T0 + timedelta(hours=n)),
         "actor": None, "action": "update", "fields": fields}
        for n, fields in enumerate(({"name": "Ahmad Fauzi"}, {"nik": HEAD_NIK}))
    ]  # fmt: skip
    put_item(ui.db, "identity", "identity", "person", left, detail={"ops": ops})
    page = open_page(qtbot, ui)
    dialog = open_item(qtbot, ui, page, "conflicts", row=1)
    assert dialog.detail.item.id == "identity"
    assert dialog.value_cells[2].text() == "NIK: ************0001"
    assert dialog.confirm_button.isVisible() and not dialog.restore_button.isVisible()
    assert not dialog.choose_buttons and not dialog.edit_button.isVisible()
    dialog.show_numbers()
    wait_tasks(qtbot, ui)
    assert dialog.value_cells[2].text() == f"NIK: {HEAD_NIK}"
    dialog.confirm_button.click()
    wait_tasks(qtbot, ui)
    assert not dialog.isVisible()
    with ui.db.read() as session:
        assert session.get(ReviewItem, "identity").status == "resolved"


def test_a_typed_value_is_checked_and_saved(qtbot, ui_context):
    ui = ui_context
    first, *_rest = seed(ui)
    page = open_page(qtbot, ui)
    dialog = open_item(qtbot, ui, page, "conflicts")
    editor = dialog.edit()
    assert isinstance(editor, EditValueDialog) and editor.input.text() == "3"
    editor.input.setText("1000")
    editor.accept()
    wait_tasks(qtbot, ui)
    assert editor.isVisible()  # refused: RT is 1 to 999
    assert "RT and RW are numbers from 1 to 999" in ui.errors.last_box.text()
    ui.errors.last_box.close()
    editor.input.setText("12")
    editor.accept()
    wait_tasks(qtbot, ui)
    assert not editor.isVisible() and not dialog.isVisible()
    with ui.db.read() as session:
        assert session.get(Household, first.id).rt == 12


def test_a_duplicate_pair_is_masked_until_unmasking_is_confirmed(qtbot, ui_context):
    ui = ui_context
    seed(ui)
    page = open_page(qtbot, ui)
    dialog = open_item(qtbot, ui, page, "duplicates")
    assert isinstance(dialog, DuplicateDialog)
    left, right = dialog.cells
    assert (left["nik"].text(), right["nik"].text()) == ("************0001", "************0009")
    assert left["kk"].text() == "************0004" and right["kk"].text() == "—"
    assert (left["name"].text(), right["name"].text()) == ("Ahmad Fauzi", "Ahmad Fauzy")
    assert "RT 003/RW 001" in left["address"].text()
    handover = "House handover: CSR PT Bank Kaltimtara — Surveyed, 3 February 2025"
    assert left["programmes"].text() == handover
    assert right["programmes"].text() == "none"
    shot(dialog, "review-duplicate.png")
    dialog.unmask_button.click()
    assert "audit trail" in dialog.question.text()
    dialog.question.button(QMessageBox.StandardButton.No).click()
    assert left["nik"].text() == "************0001"
    dialog.unmask_button.click()
    answer_yes(qtbot, dialog.question)
    wait_tasks(qtbot, ui)
    assert (left["nik"].text(), left["kk"].text()) == (HEAD_NIK, KK)
    assert right["nik"].text() == OTHER_NIK
    with ui.db.read() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "review.unmask"))
        assert [e.entity_id for e in entries] == ["dup"]


def test_not_a_duplicate_saves_the_decision(qtbot, ui_context):
    ui = ui_context
    _first, _second, left, right = seed(ui)
    page = open_page(qtbot, ui)
    dialog = open_item(qtbot, ui, page, "duplicates")
    distinct = dialog.not_duplicate()
    assert isinstance(distinct, DistinctDialog)
    distinct.note.setText("Checked on both KK cards")
    distinct.accept()
    wait_tasks(qtbot, ui)
    assert not dialog.isVisible()
    with ui.db.read() as session:
        (decision,) = session.scalars(select(DuplicateDecision)).all()
        assert {decision.first_id, decision.second_id} == {left, right}
        assert decision.note == "Checked on both KK cards"
        assert session.get(ReviewItem, "dup").status == "dismissed"


def test_the_merge_buttons_merge_into_the_chosen_side(qtbot, ui_context):
    ui = ui_context
    _first, _second, left, right = seed(ui)
    page = open_page(qtbot, ui)
    dialog = open_item(qtbot, ui, page, "duplicates")
    assert dialog.merge_left.isEnabled() and dialog.merge_right.isEnabled()
    dialog.merge_right.click()
    assert "Ahmad Fauzy" in dialog.question.text()
    answer_yes(qtbot, dialog.question)
    wait_tasks(qtbot, ui)
    assert not dialog.isVisible()
    with ui.db.read() as session:
        assert session.get(Person, left).merged_into == right
        assert session.get(ReviewItem, "dup").status == "resolved"
    wait_tasks(qtbot, ui)
    assert page.tabs.tabText(1) == "Duplicates"


def test_held_changes_can_be_applied_anyway_when_held_for_review(qtbot, ui_context, monkeypatch):
    ui = ui_context
    seed(ui)
    with ui.db.transaction() as session:
        for seq, reason in ((3, "gap"), (8, "clock_skew")):
            session.add(SyncHeldOp(origin="L-9F00#1", seq=seq, op_hash="0" * 64, line="{}",
                                   reason=reason, received_at=T0))  # fmt: skip
    released, reasons_released = [], []
    monkeypatch.setattr(review_held, "release_held",
                        lambda db, actor, origin, reasons: released.append(origin)
                        or reasons_released.append(reasons) or 1)  # fmt: skip
    page = open_page(qtbot, ui)
    page.show_group("held")
    wait_tasks(qtbot, ui)
    table = page.held.held
    reasons = [table.item(r, 1).text() for r in range(table.rowCount())]
    assert reasons == ["the laptop's clock was far ahead",
                       "waiting for earlier changes from this laptop"]  # fmt: skip
    table.selectRow(1)
    assert not page.held.release_button.isEnabled()
    table.selectRow(0)
    assert page.held.release_button.isEnabled()
    page.held.ask_release()
    answer_yes(qtbot, page.held.question)
    wait_tasks(qtbot, ui)
    assert released == ["L-9F00#1"]
    assert reasons_released == [("clock_skew",)]  # only what the question named


def test_checking_all_data_finds_the_same_man_registered_twice(qtbot, ui_context):
    ui = ui_context
    with ui.db.transaction() as session:
        set_setting(session, "installation.regency", "64.72")
    save_household(ui.db, ui.actor, family(), confirm_warnings=True)
    again = MemberInput(name="Achmad Fauzi", sex="M", relation="head", nik=OTHER_NIK,
                        birth_place="Samarinda", birth_date=date(1980, 5, 15))  # fmt: skip
    save_household(ui.db, ui.actor, family(members=(again,), kk_number=None, rt=7),
                   confirm_warnings=True)  # fmt: skip
    page = open_page(qtbot, ui)
    assert page.tabs.tabText(1) == "Duplicates"
    page.scan_button.click()
    wait_tasks(qtbot, ui, timeout=60_000)
    assert page.dialog.text() == "New possible duplicates: 1. Broken province rules: 0."
    page.dialog.close()
    wait_tasks(qtbot, ui)
    assert page.tabs.tabText(1) == "Duplicates (1)"


def test_the_page_opens_where_there_is_something_to_review(qtbot, ui_context):
    ui = ui_context
    with ui.db.transaction() as session:
        set_setting(session, "installation.regency", "64.72")
    first = save_household(ui.db, ui.actor, family(), confirm_warnings=True)
    second = save_household(ui.db, ui.actor, family(kk_number=None, rt=7), confirm_warnings=True)
    put_item(ui.db, "d" * 64, "duplicate", "person", first.members[0].person_id,
             other_id=second.members[0].person_id, level="duplicate", score=100)  # fmt: skip
    page = open_page(qtbot, ui)
    assert page.current_group() == "duplicates"  # no conflicts: not an empty first tab
    assert page.lists["duplicates"].table.rowCount() == 1


def test_the_navigation_shows_review_to_supervisors_only(qtbot, ui_context, ui_operator):
    ui = ui_context
    seed(ui)
    window = MainWindow(ui, start_page="review")
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    wait_tasks(qtbot, ui)
    row = next(i for i in range(window.navigation.count())
               if window.navigation.item(i).data(0x0100) == "review")  # fmt: skip
    assert window.navigation.item(row).text() == "Review"
    assert not window.navigation.item(row).isHidden()
    shot(window, "review-page.png")
    ui.actor = ui_operator
    ui.events.status_changed.emit()
    assert window.navigation.item(row).isHidden()
    assert window.current_key == "overview"
    wait_tasks(qtbot, ui)
