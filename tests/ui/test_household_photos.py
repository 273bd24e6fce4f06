# SPDX-License-Identifier: GPL-3.0-or-later
"""The photos strip of the household form, driven by keyboard and clicks on a real database;
the file dialog is replaced by the path an officer would choose."""

from __future__ import annotations

from datetime import date

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kaltim_desktop.services.households import get_household, save_household
from kaltim_desktop.services.photos import list_photos, photo_path, photos_dir
from kaltim_desktop.ui.household_form import HouseholdForm
from tests.conftest import family
from tests.services.test_photos import camera_jpeg
from tests.ui.conftest import wait_tasks
from tests.ui.test_household_form import HEAD, fill


@pytest.fixture
def form(qtbot, ui_context):
    form = HouseholdForm(ui_context)
    qtbot.addWidget(form)
    form.resize(1366, 768)
    form.show()
    qtbot.waitExposed(form)
    form.activateWindow()
    return form


@pytest.fixture
def saved_form(qtbot, form, ui_context):
    detail = save_household(ui_context.db, ui_context.actor, family())
    form.load(get_household(ui_context.db, detail.id))
    wait_tasks(qtbot, ui_context)
    return form


def press_on(qtbot, widget, key) -> None:
    widget.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget, timeout=2000)
    qtbot.keyClick(widget, key)


def test_add_caption_and_remove_a_photo_by_keyboard(qtbot, saved_form, ui_context, tmp_path):
    form, photos = saved_form, saved_form.photos
    assert photos.add_button.isVisible() and photos.add_button.isEnabled()
    assert "No photos of this house yet" in photos.notice.text()
    assert not photos.remove_button.isEnabled()  # nothing to remove yet
    source = camera_jpeg(tmp_path / "IMG_0001.jpg")
    asked = []
    photos.pick_file = lambda: asked.append(True) or str(source)

    press_on(qtbot, photos.add_button, Qt.Key.Key_Space)
    wait_tasks(qtbot, ui_context)
    qtbot.waitUntil(lambda: photos.strip.count() == 1, timeout=5000)
    assert asked == [True]
    [row] = list_photos(ui_context.db, form.household_id)
    assert photo_path(photos_dir(ui_context.data_dir), row.sha256).is_file()
    item = photos.strip.item(0)
    assert not item.icon().isNull()  # the thumbnail was made from the stored file
    assert item.text() == "01-05-2024"  # no caption yet: the day it was taken
    assert "Photo added" in photos.status.text()
    assert not photos.notice.isVisible()

    photos.caption.setFocus()
    photos.caption.selectAll()
    qtbot.keyClicks(photos.caption, "Tampak depan")
    qtbot.keyClick(photos.caption, Qt.Key.Key_Return)
    wait_tasks(qtbot, ui_context)
    qtbot.waitUntil(lambda: photos.strip.item(0).text() == "Tampak depan", timeout=5000)
    assert list_photos(ui_context.db, form.household_id)[0].caption == "Tampak depan"

    press_on(qtbot, photos.remove_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: photos.prompt is not None and photos.prompt.isVisible())
    keep = next(b for b in photos.prompt.buttons() if b.property("answer") != "remove")
    keep.click()
    qtbot.waitUntil(lambda: photos.prompt is None)
    assert len(list_photos(ui_context.db, form.household_id)) == 1  # kept

    photos.remove_button.click()
    qtbot.waitUntil(lambda: photos.prompt is not None and photos.prompt.isVisible())
    next(b for b in photos.prompt.buttons() if b.property("answer") == "remove").click()
    wait_tasks(qtbot, ui_context)
    qtbot.waitUntil(lambda: photos.strip.count() == 0, timeout=5000)
    assert list_photos(ui_context.db, form.household_id) == []
    assert not photos.remove_button.isEnabled()


def test_tab_walks_the_photo_strip_after_the_house_survey(qtbot, saved_form, ui_context, tmp_path):
    form, photos = saved_form, saved_form.photos
    photos.add_file(camera_jpeg(tmp_path / "a.jpg", size=(300, 200)))
    wait_tasks(qtbot, ui_context)
    qtbot.waitUntil(lambda: photos.remove_button.isEnabled(), timeout=5000)
    start = form.house.focus_chain()[-1]
    start.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is start, timeout=2000)
    walked = []
    for _ in range(6):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        walked.append(QApplication.focusWidget())
    assert walked == [*photos.focus_chain(), form.notes]


def test_text_file_named_jpg_is_refused_in_words(qtbot, saved_form, ui_context, tmp_path):
    photos = saved_form.photos
    source = tmp_path / "rumah.jpg"
    source.write_text("bukan gambar")
    photos.add_file(source)
    wait_tasks(qtbot, ui_context)
    assert "not a picture that can be read" in photos.status.text()
    assert photos.status.isVisible() and photos.add_button.isEnabled()
    assert ui_context.errors.last_box is None  # said in the strip, no error dialog
    assert photos.strip.count() == 0


def test_new_household_gets_photos_after_its_first_save(qtbot, form, ui_context, tmp_path):
    form.load_new()
    photos = form.photos
    assert photos.notice.isVisible()
    assert "Save the household first" in photos.notice.text()
    assert not photos.add_button.isVisible() and not photos.strip.isVisible()
    photos.choose_and_add()  # even when called directly, nothing happens before the save
    assert ui_context.runner.active == 0

    fill(form, [HEAD])
    form.save()
    wait_tasks(qtbot, ui_context)
    qtbot.waitUntil(lambda: not form.is_new, timeout=5000)
    assert photos.add_button.isVisible() and photos.add_button.isEnabled()
    assert "Save the household first" not in photos.notice.text()

    source = tmp_path / "denah.png"
    Image.new("RGB", (640, 480), (20, 140, 60)).save(source, "PNG")
    photos.pick_file = lambda: str(source)
    photos.add_button.click()
    wait_tasks(qtbot, ui_context)
    qtbot.waitUntil(lambda: photos.strip.count() == 1, timeout=5000)
    [row] = list_photos(ui_context.db, form.household_id)
    assert (row.width, row.height) == (640, 480)


def test_switching_household_shows_its_own_photos(qtbot, saved_form, ui_context, tmp_path):
    photos = saved_form.photos
    photos.add_file(camera_jpeg(tmp_path / "a.jpg", size=(300, 200)))
    wait_tasks(qtbot, ui_context)
    qtbot.waitUntil(lambda: photos.strip.count() == 1, timeout=5000)
    other = save_household(
        ui_context.db,
        ui_context.actor,
        family(kk_number=None, members=(HEAD,), rt=9),
        confirm_warnings=True,
        today=date.today(),
    )
    saved_form.load(get_household(ui_context.db, other.id))
    wait_tasks(qtbot, ui_context)
    assert photos.strip.count() == 0 and photos.status.text() == ""
