# SPDX-License-Identifier: GPL-3.0-or-later
"""SQLAlchemy models; importing this package registers every table on ``Base.metadata``."""

from kaltim_desktop.models._base import Base, Replicated, UTCDateTime, new_id, utcnow
from kaltim_desktop.models.documents import Document, DocumentSerial
from kaltim_desktop.models.local import (
    AuditEntry,
    Device,
    Officer,
    RecordClock,
    Setting,
    SyncOp,
)
from kaltim_desktop.models.photos import Photo
from kaltim_desktop.models.programmes import Enrolment, Grant, Handover, Training
from kaltim_desktop.models.registry import (
    HouseAssessment,
    Household,
    Membership,
    Person,
    PersonNameToken,
)
from kaltim_desktop.models.review import DuplicateDecision, ReviewItem
from kaltim_desktop.models.sync_state import (
    SyncBundle,
    SyncHeldOp,
    SyncOriginBlock,
    SyncPeer,
    SyncTrust,
)

# Replicated entities by op-log name, in the order a parent precedes its children.
REPLICATED = {
    model.__tablename__: model
    for model in (
        Household,
        Person,
        Membership,
        HouseAssessment,
        Handover,
        Grant,
        Training,
        Enrolment,
        Document,
        Photo,
        DuplicateDecision,
    )
}

__all__ = [
    "REPLICATED",
    "AuditEntry",
    "Base",
    "Device",
    "Document",
    "DocumentSerial",
    "DuplicateDecision",
    "Enrolment",
    "Grant",
    "Handover",
    "HouseAssessment",
    "Household",
    "Membership",
    "Officer",
    "Person",
    "PersonNameToken",
    "Photo",
    "RecordClock",
    "Replicated",
    "ReviewItem",
    "Setting",
    "SyncBundle",
    "SyncHeldOp",
    "SyncOp",
    "SyncOriginBlock",
    "SyncPeer",
    "SyncTrust",
    "Training",
    "UTCDateTime",
    "new_id",
    "utcnow",
]
