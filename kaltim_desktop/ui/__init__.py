# SPDX-License-Identifier: GPL-3.0-or-later
"""The Qt desktop: a thin layer of widgets over the services (see ``ui/README.md``)."""
