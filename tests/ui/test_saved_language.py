# SPDX-License-Identifier: GPL-3.0-or-later
"""The language chosen in Pengaturan is the one the next start uses."""

from __future__ import annotations

from kaltim_desktop import i18n
from kaltim_desktop.services.preferences import set_language
from kaltim_desktop.ui.application import apply_saved_language


def test_the_saved_language_applies_at_start(db, admin):
    assert apply_saved_language(db) == "id"  # nothing chosen yet: Bahasa Indonesia
    assert i18n.current_language() == "id"
    set_language(db, admin, "en")
    assert apply_saved_language(db) == "en"
    assert i18n.current_language() == "en"
    assert i18n._("Male") == "Male"
    set_language(db, admin, "id")
    apply_saved_language(db)
    assert i18n._("Male") == "Laki-laki"
