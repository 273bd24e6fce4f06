# SPDX-License-Identifier: GPL-3.0-or-later
"""Generate a realistic synthetic Kaltim registry for demonstrations, training and benchmarks.

Households, members, house assessments and programme records (house handovers, business
grants, trainings with enrolments and attendance) are written through :class:`ChangeSet`, the
only write path, so the demo has an op log, record clocks, name-search rows and audit entries
like real data. The values are drawn from one seeded generator: the same seed (and reference
day) gives the same records, ids included. Demo data never mixes with real data: generation is
refused unless the database has no household yet.

Ids are UUIDv7-shaped text built from the seeded generator, not from the clock, so that they are
reproducible; two demo databases made with the same seed therefore share ids and must never be
synchronised with each other.

Cancelling rolls everything back. The batches of about a thousand households are separate
change sets (one audit entry each) but share one transaction: a half-generated demo would be
neither useful nor removable, since records are never deleted and generation refuses a database
that already has households, so the user could not simply start again.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from kaltim_desktop.db import Database
from kaltim_desktop.errors import KaltimError
from kaltim_desktop.i18n import _
from kaltim_desktop.models import Household
from kaltim_desktop.progress import NullProgress, Progress
from kaltim_desktop.services.demo_people import Family, FamilyFactory
from kaltim_desktop.services.demo_programmes import (
    ENROLMENT_SHARE,
    GRANT_SHARE,
    HANDOVER_SHARE,
    HOUSEHOLDS_PER_TRAINING,
    ProgrammeFactory,
)
from kaltim_desktop.sync.oplog import ChangeSet

__all__ = ["BATCH_HOUSEHOLDS", "MAX_HOUSEHOLDS", "DemoIds", "DemoSummary", "generate_demo"]

BATCH_HOUSEHOLDS = 1000
MAX_HOUSEHOLDS = 1_000_000
ACTION = "demo.generate"
# The fixed time field of the first demo id (2025-01-01T00:00:00Z in Unix milliseconds).
BASE_MS = int(datetime(2025, 1, 1, tzinfo=UTC).timestamp() * 1000)


class DemoIds:
    """Reproducible UUIDv7-formatted ids: time field = :data:`BASE_MS` plus a counter, version
    7, RFC 4122 variant, and the 74 remaining bits from a seeded generator.

    The counter keeps them unique and increasing, so inserts append to the B-trees as real
    UUIDv7 ids do.
    """

    def __init__(self, rng: random.Random, base_ms: int = BASE_MS) -> None:
        self._rng = rng
        self._next_ms = base_ms

    def __call__(self) -> str:
        ms = self._next_ms & 0xFFFF_FFFF_FFFF
        self._next_ms += 1
        bits = self._rng.getrandbits(74)
        value = (
            (ms << 80)
            | (0x7 << 76)  # version 7
            | ((bits >> 62) << 64)  # rand_a: 12 bits
            | (0b10 << 62)  # variant
            | (bits & ((1 << 62) - 1))  # rand_b: 62 bits
        )
        h = f"{value:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


@dataclass(frozen=True)
class DemoSummary:
    """What :func:`generate_demo` wrote: records per entity, op-log size and the time taken."""

    households: int
    persons: int
    memberships: int
    assessments: int
    handovers: int
    grants: int
    trainings: int
    enrolments: int
    ops: int
    elapsed_seconds: float

    @property
    def counts(self) -> dict[str, int]:
        """Records per op-log entity name (``"household"``, ``"grant_award"``...)."""
        return {
            "household": self.households,
            "person": self.persons,
            "membership": self.memberships,
            "house_assessment": self.assessments,
            "handover": self.handovers,
            "grant_award": self.grants,
            "training": self.trainings,
            "enrolment": self.enrolments,
        }


class _Writer:
    """Turns generated families into ChangeSet creates and counts them."""

    def __init__(self, people: FamilyFactory, programmes: ProgrammeFactory, today: date) -> None:
        self.people = people
        self.programmes = programmes
        self.today = today
        self.counts: Counter[str] = Counter()

    def create(
        self, changes: ChangeSet, entity: str, fields: dict, entity_id: str, partition: str | None
    ) -> None:
        changes.create(entity, fields, entity_id=entity_id, partition=partition)
        self.counts[entity] += 1

    def trainings(self, changes: ChangeSet, count: int) -> None:
        for training_id, fields in self.programmes.training_list(count):
            self.create(changes, "training", fields, training_id, fields["regency_code"])

    def family(self, changes: ChangeSet) -> None:
        people, programmes, rng = self.people, self.programmes, self.people.rng
        family: Family = people.family()
        household_id, village = family.household_id, family.fields["village_code"]
        self.create(changes, "household", family.fields, household_id, village)
        for member in family.members:
            self.create(changes, "person", member.fields, member.person_id, village)
            self.create(changes, "membership", {
                "household_id": household_id, "person_id": member.person_id,
                "relation": member.relation, "active": True,
            }, people.new_id(), village)  # fmt: skip
        surveyed = self.today - timedelta(days=rng.randrange(0, 3 * 365))
        house = programmes.house(family, surveyed)
        self.create(
            changes,
            "house_assessment",
            {"household_id": household_id, **house},
            people.new_id(),
            village,
        )
        if house["decent"] is False and rng.random() < HANDOVER_SHARE:
            handover = programmes.handover(family, surveyed)
            self.create(changes, "handover", handover, people.new_id(), village)
            if handover["stage"] == "handed_over":
                handed_over = handover["handed_over_on"]
                rebuilt = programmes.new_house(
                    handover["house_type"], house["occupants"], handed_over
                )
                self.create(
                    changes,
                    "house_assessment",
                    {"household_id": household_id, **rebuilt},
                    people.new_id(),
                    village,
                )
                if rng.random() < GRANT_SHARE:
                    grant = programmes.grant(family, handed_over)
                    if grant is not None:
                        self.create(changes, "grant_award", grant, people.new_id(), village)
        if rng.random() < ENROLMENT_SHARE:
            enrolment = programmes.enrolment(family)
            if enrolment is not None:
                enrolment_id, fields = enrolment
                self.create(changes, "enrolment", fields, enrolment_id, family.regency)


def generate_demo(
    db: Database,
    *,
    households: int,
    seed: int = 1,
    progress: Progress | None = None,
    today: date | None = None,
    batch_size: int = BATCH_HOUSEHOLDS,
) -> DemoSummary:
    """Fill an empty database with ``households`` synthetic households and their programmes.

    Args:
        db: the database; it must not contain any household yet.
        households: how many households to create (1 to :data:`MAX_HOUSEHOLDS`).
        seed: the generator seed; the same seed and ``today`` give the same records.
        progress: receives ``update(done, total, message)`` after each batch and is asked to
            ``check()`` for a cancel between batches.
        today: the reference day for ages and dates (defaults to the system date).
        batch_size: households per change set (one audit entry each).

    Returns:
        The counts written and the time taken.

    Raises:
        KaltimError: the database already contains households, or ``households`` is out of
            range; nothing was written.
        Cancelled: the user cancelled; everything was rolled back.
    """
    if not 1 <= households <= MAX_HOUSEHOLDS:
        raise KaltimError(
            _("The number of demo households must be between 1 and {limit}.").format(
                limit=f"{MAX_HOUSEHOLDS:,}"
            )
        )
    started = time.perf_counter()
    progress = progress or NullProgress()
    today = today or date.today()
    rng = random.Random(seed)
    # Ids come from their own stream so that adding a field to the demo later does not shift
    # every id after it.
    new_id = DemoIds(random.Random(f"kaltim-demo-ids/{seed}"))
    writer = _Writer(FamilyFactory(rng, new_id, today), ProgrammeFactory(rng, new_id, today), today)
    message = _("Generating demo data")
    progress.update(0, households, message)
    ops = 0
    with db.transaction() as session:
        if session.scalar(select(Household.id).limit(1)) is not None:
            raise KaltimError(
                _(
                    "The database already contains households. Demo data can only be generated "
                    "into an empty database."
                )
            )
        done = batch = 0
        while done < households:
            progress.check()
            size = min(batch_size, households - done)
            changes = ChangeSet(session, actor=None, action=ACTION)
            if batch == 0:
                writer.trainings(changes, max(3, households // HOUSEHOLDS_PER_TRAINING))
            for _i in range(size):
                writer.family(changes)
            ops += len(changes.commit(audit_extra={"demo": {"seed": seed, "batch": batch}}))
            done += size
            batch += 1
            progress.update(done, households, message)
        progress.check()  # a cancel during the last batch still leaves nothing behind
    counts = writer.counts
    return DemoSummary(
        households=counts["household"],
        persons=counts["person"],
        memberships=counts["membership"],
        assessments=counts["house_assessment"],
        handovers=counts["handover"],
        grants=counts["grant_award"],
        trainings=counts["training"],
        enrolments=counts["enrolment"],
        ops=ops,
        elapsed_seconds=time.perf_counter() - started,
    )
