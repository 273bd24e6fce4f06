# SPDX-License-Identifier: GPL-3.0-or-later
"""Erasing a person (UU PDP right to deletion): a province decision that reaches every replica
through a ``purge`` op (:mod:`kaltim_desktop.sync.purge` says what it blanks).

Districts ask the province to erase; only a province administrator writes the purge, so one
office decides, and a district laptop's own ``purge`` op would be refused at import. The
person's memberships end with ordinary ops first, so every household shows one member less on
every replica; the purge op itself carries only a reason code, never personal data, and so does
the audit entry.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from kaltim_desktop.db import Database
from kaltim_desktop.errors import Issue, NotFound, PermissionDenied, ValidationError
from kaltim_desktop.i18n import N_, _
from kaltim_desktop.models import Household, Membership, Person
from kaltim_desktop.services.context import (
    INSTALLATION_PROVINCE,
    Actor,
    installation_role,
    require_role,
)
from kaltim_desktop.sync import purge, purge_audit
from kaltim_desktop.sync.oplog import ChangeSet
from kaltim_desktop.sync.survivors import record_partition

__all__ = ["REASON_LABELS", "PurgeResult", "purge_person"]

# The reason codes (sync.purge.REASONS) as officers read them.
REASON_LABELS = {
    "consent_withdrawn": N_("Consent withdrawn"),
    "erasure_request": N_("Erasure requested by the person"),
    "registered_in_error": N_("Registered by mistake"),
    "minor_in_error": N_("Child registered without a legal basis"),
}
if set(REASON_LABELS) != set(purge.REASONS):
    raise RuntimeError("every erasure reason needs a label")


@dataclass(frozen=True)
class PurgeResult:
    person_id: str
    reason: str
    memberships_ended: int


def purge_person(db: Database, actor: Actor, person_id: str, reason: str) -> PurgeResult:
    """Erase ``person_id`` here and, through the op log, on every replica.

    Raises:
        PermissionDenied: not a province administrator.
        ValidationError: an unknown reason code.
        NotFound: no such person, or the person is already erased.
    """
    require_role(actor, "admin")
    if reason not in purge.REASONS:
        raise ValidationError(
            [Issue("reason", "reason.unknown", "error", _("Choose a reason from the list."))]
        )
    with db.transaction() as session:
        if installation_role(session) != INSTALLATION_PROVINCE:
            raise PermissionDenied(
                _("Erasure belongs to the province; ask the province office to erase.")
            )
        person = session.get(Person, person_id)
        if person is None or purge.is_purged(session, "person", person_id):
            raise NotFound(_("The person was not found."))
        memberships = session.execute(
            select(Membership.id, Household.village_code)
            .join(Household, Household.id == Membership.household_id)
            .where(Membership.person_id == person_id, Membership.deleted.is_(False))
        ).all()
        changes = ChangeSet(session, actor=actor.officer_id, action="person.purge")
        for membership_id, village_code in memberships:
            changes.delete("membership", membership_id, partition=village_code)
        # The purge op travels where the person's ops went: their partition.
        partition = record_partition(session, person_id)
        changes.purge("person", person_id, reason=reason, partition=partition)
        changes.main_record("person", person_id)
        changes.commit(audit_extra={"reason": reason})
    purge_audit.scrub(db)
    return PurgeResult(person_id, reason, len(memberships))
