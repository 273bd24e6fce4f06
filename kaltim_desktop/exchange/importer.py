# SPDX-License-Identifier: GPL-3.0-or-later
"""Writing the accepted households of a dry run, all in one transaction.

The rows go through the same write path as the registration form: the household rules run
again, and every household, person and membership is created through a
:class:`~kaltim_desktop.sync.oplog.ChangeSet`, so the op log and the audit trail are written in
the same transaction. Households are written in batches of :data:`BATCH_HOUSEHOLDS` (one change
set and one audit entry per batch, naming the import), which is what makes thousands of rows a
second possible; the batches share the one transaction, so a cancel or an error leaves nothing.

Before writing, the NIKs and KK numbers are checked against the database again inside the write
transaction: someone may have registered one of these families since the dry run.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import date

from kaltim_desktop.db import Database
from kaltim_desktop.errors import Conflict, ValidationError
from kaltim_desktop.exchange.mapping import remember_mapping
from kaltim_desktop.exchange.plan import ImportPlan, existing_numbers
from kaltim_desktop.i18n import _
from kaltim_desktop.models import Household, Person
from kaltim_desktop.progress import NullProgress, Progress
from kaltim_desktop.services.context import Actor, require_role
from kaltim_desktop.services.household_rules import check_household
from kaltim_desktop.services.households import _household_fields, _person_fields
from kaltim_desktop.sync.oplog import ChangeSet

ACTION = "household.import"
BATCH_HOUSEHOLDS = 500


@dataclass(frozen=True)
class ImportResult:
    households: int
    persons: int
    ops: int
    household_ids: tuple[str, ...]
    elapsed_seconds: float


def run_import(
    db: Database, actor: Actor, plan: ImportPlan, *, progress: Progress | None = None
) -> ImportResult:
    """Write ``plan.households`` and remember the column mapping, in one transaction.

    Raises:
        Conflict: a NIK or KK number of the plan was registered since the dry run; nothing
            was written (run the dry run again).
        ValidationError: a household no longer passes the rules (should not happen after a dry
            run on the same day).
        Cancelled: the user cancelled; everything was rolled back.
    """
    require_role(actor, "operator")
    started = time.perf_counter()
    progress = progress or NullProgress()
    today = plan.options.today or date.today()
    total = len(plan.households)
    message = _("Importing households")
    progress.update(0, total, message)
    # Identifies the import in the audit trail without naming the file (file names may hold
    # personal data, e.g. a village and a family name).
    source = hashlib.sha256(f"{plan.source_name}|{plan.sheet}".encode()).hexdigest()[:16]
    written_ids: list[str] = []
    persons = ops = 0
    with db.transaction() as session:
        niks = [m.nik for h in plan.households for m in h.data.members if m.nik]
        kks = [h.data.kk_number for h in plan.households if h.data.kk_number]
        if existing_numbers(session, Person.nik, Person.deleted, niks) or existing_numbers(
            session, Household.kk_number, Household.deleted, kks
        ):
            raise Conflict(
                _(
                    "Some of these families were registered since the dry run. Run the dry run "
                    "again; nothing was imported."
                )
            )
        for start in range(0, total, BATCH_HOUSEHOLDS):
            progress.check()
            batch = plan.households[start : start + BATCH_HOUSEHOLDS]
            changes = ChangeSet(session, actor=actor.officer_id, action=ACTION)
            for planned in batch:
                written_ids.append(_create(changes, planned.data, today))
                persons += len(planned.data.members)
            ops += changes.commit(
                audit_extra={
                    "import": {
                        "source": source,
                        "batch": start // BATCH_HOUSEHOLDS,
                        "households": len(batch),
                    }
                }
            )
            progress.update(min(start + BATCH_HOUSEHOLDS, total), total, message)
        remember_mapping(session, plan.headers, plan.mapping)
        progress.check()  # a cancel during the last batch still leaves nothing behind
    return ImportResult(
        households=len(written_ids),
        persons=persons,
        ops=ops,
        household_ids=tuple(written_ids),
        elapsed_seconds=time.perf_counter() - started,
    )


def _create(changes: ChangeSet, data, today: date) -> str:
    """Create one new household with its members, as ``save_household`` does for a new one."""
    cleaned = check_household(data, today)
    if any(issue.is_error for issue in cleaned.issues):
        raise ValidationError(cleaned.issues)
    fields = _household_fields(data, cleaned)
    partition = fields["village_code"]
    household_id = changes.create("household", fields, partition=partition)
    for member, nik in zip(data.members, cleaned.member_niks, strict=True):
        person_id = changes.create("person", _person_fields(member, nik), partition=partition)
        changes.create(
            "membership",
            {
                "household_id": household_id,
                "person_id": person_id,
                "relation": member.relation,
                "active": True,
            },
            partition=partition,
        )
    return household_id


__all__ = ["ACTION", "BATCH_HOUSEHOLDS", "ImportResult", "run_import"]
