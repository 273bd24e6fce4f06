# SPDX-License-Identifier: GPL-3.0-or-later
"""A photo record whose file has not arrived (synced from another office) shows as pending in
the household form's photo strip, without a thumbnail and without an error."""

from __future__ import annotations

from kaltim_desktop.services.households import get_household, save_household
from kaltim_desktop.services.photos import add_photo, photo_path, photos_dir
from kaltim_desktop.ui.household_form import HouseholdForm
from tests.conftest import family
from tests.services.test_photos import camera_jpeg
from tests.ui.conftest import wait_tasks


def test_a_photo_without_its_file_shows_as_pending(qtbot, ui_context, tmp_path):
    detail = save_household(ui_context.db, ui_context.actor, family())
    folder = photos_dir(ui_context.data_dir)
    front = add_photo(ui_context.db, ui_context.actor, detail.id,
                     camera_jpeg(tmp_path / "a.jpg"), "Tampak depan", folder=folder)  # fmt: skip
    kitchen = add_photo(ui_context.db, ui_context.actor, detail.id, tmp_path / "a.jpg", "Dapur",
                     folder=folder)  # fmt: skip
    assert front.sha256 == kitchen.sha256  # the same picture: one file for both records
    photo_path(folder, kitchen.sha256).unlink()  # as if both had come from elsewhere

    form = HouseholdForm(ui_context)
    qtbot.addWidget(form)
    form.resize(1366, 768)
    form.show()
    form.load(get_household(ui_context.db, detail.id))
    wait_tasks(qtbot, ui_context)
    strip = form.photos.strip
    qtbot.waitUntil(lambda: strip.count() == 2, timeout=5000)
    for index, caption in enumerate(("Tampak depan", "Dapur")):
        item = strip.item(index)
        assert item.text() == f"{caption}\n(photo pending)"
        assert item.icon().isNull()
    assert form.photos.remove_button.isEnabled()  # a pending photo can still be removed
