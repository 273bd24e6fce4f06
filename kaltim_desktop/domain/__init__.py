# SPDX-License-Identifier: GPL-3.0-or-later
"""Pure domain rules: identity numbers, names, phones, house condition, formatting, regions.

Nothing here touches the database or Qt; services call these functions and turn their findings
into :class:`kaltim_desktop.errors.Issue` lists.
"""
