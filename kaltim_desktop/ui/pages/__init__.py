# SPDX-License-Identifier: GPL-3.0-or-later
"""The screens of the main window, one module each, created lazily by the main window."""
