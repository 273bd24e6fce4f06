# SPDX-License-Identifier: GPL-3.0-or-later
"""Offline sync: the op log written with every change, its replay, and (later) bundles."""
