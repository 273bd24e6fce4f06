# SPDX-License-Identifier: GPL-3.0-or-later
"""The Synchronisation page of a district laptop: status before and after enrolment, export,
import with a preview (nothing changes before Import), and the history."""

from __future__ import annotations

import os
from pathlib import Path

from kaltim_desktop.services.context import set_setting
from kaltim_desktop.services.households import save_household
from kaltim_desktop.services.sync_exchange import export_bundles, import_bundles, sync_status
from kaltim_desktop.services.sync_trust import (
    approve_request,
    enroll,
    province_init,
    request_enrolment,
)
from kaltim_desktop.ui.pages.sync_page import SyncPage
from tests.conftest import family
from tests.sync.bundles.conftest import make_site
from tests.ui.conftest import wait_tasks

SCREENSHOT = os.environ.get("KALTIM_SCREENSHOT_DIR")


def open_page(qtbot, ui) -> SyncPage:
    page = SyncPage(ui)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    page.activated()
    wait_tasks(qtbot, ui)
    return page


def test_laptop_sync_page(qtbot, ui_context, template_db, tmp_path):
    ui = ui_context
    page = open_page(qtbot, ui)
    assert page.labels["enrolled"].text() == "not enrolled yet"
    assert not page.export_button.isEnabled()
    assert page.request_button.isVisible() and not page.approve_button.isVisible()

    province = make_site(template_db, tmp_path / "office", "province")
    province_init(province.db, province.data_dir, province.actor, tmp_path / "escrow.txt")
    with ui.db.transaction() as session:
        set_setting(session, "installation.regency", "64.72")
    request = request_enrolment(ui.db, ui.data_dir, ui.actor, tmp_path / "req")
    approval = approve_request(province.db, province.data_dir, province.actor, request.path,
                               request.fingerprint, tmp_path / "req")  # fmt: skip
    enroll(ui.db, ui.data_dir, ui.actor, approval.path)
    save_household(ui.db, ui.actor, family())
    page.activated()
    wait_tasks(qtbot, ui)
    assert page.labels["enrolled"].text() == "enrolled for 64.72"
    unsent = sync_status(ui.db).unsent_ops
    assert page.labels["unsent"].text() == str(unsent) and unsent > 0
    assert page.labels["ack"].text() == "never"
    assert page.export_button.isEnabled()

    usb = tmp_path / "usb"
    page.export_to(usb)
    wait_tasks(qtbot, ui)
    (written,) = usb.glob("*.ksb")
    assert written.name in page.dialog.text()
    page.dialog.close()

    import_bundles(province.db, province.data_dir, province.actor, [written])
    (back,) = export_bundles(province.db, province.data_dir, province.actor, tmp_path / "back")
    answer = back.parts[0].path
    page.preview([answer])
    wait_tasks(qtbot, ui)
    preview = page.dialog
    assert preview.table.item(0, 1).text() == "Ready to import"
    assert sync_status(ui.db).acknowledged_seq == 0  # nothing changed before Import
    if SCREENSHOT:
        preview.grab().save(str(Path(SCREENSHOT) / "sync-preview.png"))
    preview.import_button.click()
    wait_tasks(qtbot, ui)
    assert [r.status for r in page.last_results] == ["applied"]
    page.dialog.close()
    wait_tasks(qtbot, ui)
    assert page.labels["unsent"].text() == "0"
    assert page.labels["ack"].text().startswith(f"up to change #{unsent} on ")
    assert page.history.rowCount() == 2
    outcomes = {page.history.item(r, 2).text() for r in range(2)}
    assert outcomes == {"Imported", "Sent"}
    if SCREENSHOT:
        page.grab().save(str(Path(SCREENSHOT) / "sync-page.png"))
    province.db.dispose()


def test_province_sync_page_approves_and_lists_laptops(qtbot, ui_context, template_db, tmp_path):
    ui = ui_context
    province_init(ui.db, ui.data_dir, ui.actor, tmp_path / "escrow.txt")
    laptop = make_site(template_db, tmp_path / "field", "laptop")
    with laptop.db.transaction() as session:
        set_setting(session, "installation.regency", "64.02")
    request = request_enrolment(laptop.db, laptop.data_dir, laptop.actor, tmp_path / "req")
    page = open_page(qtbot, ui)
    assert page.labels["role"].text() == "Province office"
    assert page.approve_button.isVisible() and not page.request_button.isVisible()
    assert page.devices.rowCount() == 1  # the province itself

    page.approve(request.path, "0000")  # a wrong fingerprint is refused, nothing changes
    wait_tasks(qtbot, ui)
    assert "fingerprint does not match" in ui.errors.last_box.text()
    ui.errors.last_box.close()
    ui.errors.last_box = None  # its parent, the page, goes before the fixture's clean-up
    assert page.devices.rowCount() == 1

    page.approve(request.path, request.fingerprint)
    wait_tasks(qtbot, ui)
    assert page.devices.rowCount() == 2
    assert page.devices.item(1, 0).text() == request.device_id
    assert page.devices.item(1, 2).text() == "64.02"
    assert (request.path.parent / f"enrolment-{request.device_id}.json").exists()
    if SCREENSHOT:
        page.grab().save(str(Path(SCREENSHOT) / "sync-province.png"))
    laptop.db.dispose()


def test_the_import_report_says_what_is_left_to_review_in_words():
    from kaltim_desktop import i18n
    from kaltim_desktop.ui.sync_dialogs import review_text

    report = {"review_opened": 2, "duplicates_new": 1, "invariants_open": 0,
              "warnings": ["W_CONFLICTS", "W_DUPLICATE_CANDIDATES"]}  # fmt: skip
    i18n.set_language("en")
    try:
        assert review_text(report) == "2 changes to review, 1 possible duplicate"
        i18n.set_language("id")
        assert review_text(report) == "2 perubahan perlu ditinjau, 1 kemungkinan duplikat"
        deferred = {"duplicates_new": None, "warnings": ["W_DUPLICATE_SCAN_DEFERRED"]}
        assert "pemindaian lengkap" in review_text(deferred)
    finally:
        i18n.set_language("en")
    assert review_text({"warnings": []}) == ""
