# SPDX-License-Identifier: GPL-3.0-or-later
"""The province's checks of all its data: possible duplicate persons across every district and
the invariants no single laptop can see (one household per person, one house per household, one
grant per programme and period). Both leave review items; neither changes any record."""

from __future__ import annotations

import time
from dataclasses import dataclass

from kaltim_desktop.db import Database
from kaltim_desktop.progress import NullProgress, Progress
from kaltim_desktop.services.context import Actor, require_role
from kaltim_desktop.sync.checks_review import check_invariants, record_duplicates


@dataclass(frozen=True)
class CheckResult:
    duplicates_new: int  # candidate pairs not seen before
    invariants_open: int  # breaches found now
    seconds: float


def check_everything(
    db: Database, actor: Actor, *, progress: Progress | None = None
) -> CheckResult:
    """Scan every person for duplicates and every household for broken invariants, in one
    transaction (a cancel leaves the review items as they were)."""
    require_role(actor, "supervisor")
    progress = progress or NullProgress()
    started = time.perf_counter()
    with db.transaction() as session:
        new = record_duplicates(session, progress=progress)
        progress.check()
        open_now = check_invariants(session)
    return CheckResult(new, open_now, round(time.perf_counter() - started, 1))
