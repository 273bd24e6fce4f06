# SPDX-License-Identifier: GPL-3.0-or-later
"""Use cases. Each public function runs in one transaction, validates its input, writes the
tables, the sync op log and the audit trail together, and returns frozen dataclasses."""
