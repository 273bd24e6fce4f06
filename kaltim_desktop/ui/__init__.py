# SPDX-License-Identifier: GPL-3.0-or-later
"""The Qt desktop: a thin layer of widgets over the services (see ``ui/README.md``)."""

from kaltim_desktop.ui.pyside_fix import keep_none_alive

keep_none_alive()  # before any Qt call: see pyside_fix (PySide6 6.12 on Python 3.11)
