# SPDX-License-Identifier: GPL-3.0-or-later
"""Documents and reports drawn from prepared data; nothing here reads the database."""
