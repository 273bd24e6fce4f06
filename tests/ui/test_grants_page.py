# SPDX-License-Identifier: GPL-3.0-or-later
"""The business-grant screen driven through its widgets: a proposal refused by the eligibility
panel (no house handed over yet), accepted once the house is handed over, then decided."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt

from kaltim_desktop.services import grant_rules
from kaltim_desktop.services.context import set_setting
from kaltim_desktop.services.grants import list_grants
from kaltim_desktop.services.handovers import HandoverInput, advance_handover, create_handover
from kaltim_desktop.services.households import save_household
from kaltim_desktop.ui.pages.grant_dialogs import FAILED, FLAGGED, PASSED
from kaltim_desktop.ui.pages.grants import GrantsPage
from tests.conftest import family
from tests.ui.conftest import wait_tasks
from tests.ui.test_handovers_page import choose_household, save

SURVEYED = date.today() - timedelta(days=300)
HANDED_OVER = date.today() - timedelta(days=30)


def open_page(qtbot, ui) -> GrantsPage:
    page = GrantsPage(ui)
    qtbot.addWidget(page)
    page.resize(1150, 680)
    page.show()
    page.activated()
    wait_tasks(qtbot, ui)
    return page


def hand_over_house(ui, household) -> None:
    head = next(m.person_id for m in household.members if m.relation == "head")
    row = create_handover(
        ui.db,
        ui.actor,
        HandoverInput(
            household_id=household.id,
            funder="PT Borneo Sawit Lestari",
            building_partner="Kodim 0901/Samarinda",
            house_type="type45_wood",
            cost_rupiah=115_000_000,
            surveyed_on=SURVEYED,
        ),
    )
    advance_handover(ui.db, ui.actor, row.id, "under_construction", on=SURVEYED)
    advance_handover(ui.db, ui.actor, row.id, "completed", on=HANDED_OVER)
    advance_handover(
        ui.db, ui.actor, row.id, "handed_over", on=HANDED_OVER, recipient_person_id=head
    )


def propose_dialog(qtbot, page):
    ui = page.ui
    dialog = page.propose()
    choose_household(qtbot, ui, dialog.picker, "Fauzi")
    qtbot.waitUntil(lambda: dialog.eligibility is not None)
    return dialog


def test_grant_refused_with_its_reason_then_accepted(qtbot, ui_context):
    ui = ui_context
    household = save_household(ui.db, ui.actor, family(), confirm_warnings=True)
    page = open_page(qtbot, ui)

    dialog = propose_dialog(qtbot, page)
    panel = dialog.panel
    assert not dialog.eligibility.eligible
    assert panel.marks[grant_rules.HOUSE_HANDED_OVER] == FAILED
    assert "No house has been handed over to this household yet" in panel.explanation(
        grant_rules.HOUSE_HANDED_OVER
    )
    # Every other rule is shown too, with its own verdict.
    assert panel.marks[grant_rules.RECIPIENT_AGE] == PASSED
    assert panel.marks[grant_rules.RESIDENCE] == PASSED
    assert "Not eligible" in panel.summary.text()
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.amount, "5000000")
    save(qtbot, ui, dialog)  # Ctrl+S does nothing while Propose is disabled
    assert dialog.isVisible()
    assert list_grants(ui.db, household.id) == ()

    # A child is too young: the panel says so for the chosen recipient.
    child = next(m for m in household.members if m.relation == "child")
    dialog.recipient.setCurrentIndex(dialog.recipient.findData(child.person_id))
    qtbot.waitUntil(lambda: dialog.eligibility is not None)
    assert panel.marks[grant_rules.RECIPIENT_AGE] == FAILED
    assert "minimum is 17" in panel.explanation(grant_rules.RECIPIENT_AGE)
    dialog.reject()

    hand_over_house(ui, household)
    dialog = propose_dialog(qtbot, page)
    assert dialog.eligibility.eligible
    assert dialog.panel.marks[grant_rules.HOUSE_HANDED_OVER] == PASSED
    assert set(dialog.panel.marks.values()) <= {PASSED, FLAGGED}
    assert dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.amount, "5000000")
    qtbot.keyClicks(dialog.business_type, "Warung sembako")
    qtbot.keyClicks(dialog.items, "Etalase kaca")
    qtbot.keyClick(dialog.items, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.items, "Timbangan digital")
    save(qtbot, ui, dialog)
    assert not dialog.isVisible()

    grants = list_grants(ui.db, household.id)
    assert [(g.stage, g.amount_rupiah, g.items) for g in grants] == [
        ("proposed", 5_000_000, ("Etalase kaca", "Timbangan digital"))
    ]
    assert page.table.rowCount() == 1
    assert page.table.item(0, 5).text() == "Rp5.000.000"
    assert page.table.item(0, 6).text() == "Proposed"
    assert "Rp5.000.000" in page.count_label.text()

    # Voiding needs a reason; the grant stays listed, out of the total.
    void = page.void()
    save(qtbot, ui, void)
    assert "Give the reason for voiding the grant." in ui.errors.last_box.text()
    ui.errors.last_box.close()
    qtbot.keyClicks(void.reason, "Penerima pindah domisili")
    save(qtbot, ui, void)
    assert [g.stage for g in list_grants(ui.db, household.id)] == ["void"]
    assert page.table.item(0, 6).text() == "Void"
    assert "Rp0" in page.count_label.text()
    assert not page.void_button.isEnabled() and not page.verify_button.isEnabled()


def test_decisions_follow_role_and_installation(qtbot, ui_context):
    ui = ui_context
    household = save_household(ui.db, ui.actor, family(), confirm_warnings=True)
    hand_over_house(ui, household)
    page = open_page(qtbot, ui)
    dialog = propose_dialog(qtbot, page)
    qtbot.keyClicks(dialog.amount, "7.500.000")
    save(qtbot, ui, dialog)
    assert page.current.stage == "proposed"

    # A district laptop never approves: the action is not offered.
    assert page.approve_button.isHidden()
    assert page.verify_button.isEnabled() and not page.disburse_button.isEnabled()
    verify = page.decide("verified")
    wait_tasks(qtbot, ui)
    assert verify.panel.marks[grant_rules.RECIPIENT_AGE] == PASSED
    save(qtbot, ui, verify)
    assert page.current.stage == "verified"

    with ui.db.transaction() as session:
        set_setting(session, "installation.role", "province")
    page.activated()
    wait_tasks(qtbot, ui)
    assert not page.approve_button.isHidden() and page.approve_button.isEnabled()
    approve = page.decide("approved")
    wait_tasks(qtbot, ui)
    # The rules are shown again to whoever approves, as of the approval date.
    assert approve.panel.marks[grant_rules.HOUSE_HANDED_OVER] == PASSED
    assert approve.panel.marks[grant_rules.NO_DUPLICATE] == PASSED  # not its own duplicate
    assert "every rule is met" in approve.panel.summary.text()
    save(qtbot, ui, approve)  # without the SK number: refused, the dialog stays
    assert approve.isVisible()
    assert "decision letter (SK)" in ui.errors.last_box.text()
    ui.errors.last_box.close()
    qtbot.keyClicks(approve.decision_number, "500/12/SK/Adbang/2026")
    save(qtbot, ui, approve)
    assert page.current.stage == "approved"
    save(qtbot, ui, page.decide("disbursed"))
    assert page.current.stage == "disbursed"
    assert page.table.item(0, 6).text() == "Disbursed"
    assert not page.void_button.isEnabled()


def test_an_operator_only_proposes(qtbot, ui_context, ui_operator):
    ui_context.actor = ui_operator
    page = open_page(qtbot, ui_context)
    assert not page.propose_button.isHidden()
    for button in (page.verify_button, page.approve_button, page.disburse_button, page.void_button):
        assert button.isHidden()
