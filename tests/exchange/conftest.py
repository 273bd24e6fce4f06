# SPDX-License-Identifier: GPL-3.0-or-later
"""The screens of this area are tested here too, with the desktop session of the Qt tests."""

from tests.ui.conftest import ui_context  # noqa: F401 - a fixture, found by pytest by name
