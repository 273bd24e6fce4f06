# SPDX-License-Identifier: GPL-3.0-or-later
"""Kaltim Desktop: offline-first registry of East Kalimantan's poverty-alleviation programmes."""

from importlib.metadata import PackageNotFoundError, version

APP_NAME = "KaltimDesktop"
ORG_NAME = "Kaltim"

try:
    __version__ = version("kaltim-desktop")
except PackageNotFoundError:  # running from a frozen build or a bare source tree
    __version__ = "0.1.0"
