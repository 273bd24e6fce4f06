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

import multiprocessing
import random
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, text

from kaltim_desktop.db import CACHE_KIB, Database
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
from kaltim_desktop.workers import exit_with_parent

__all__ = ["BATCH_HOUSEHOLDS", "MAX_HOUSEHOLDS", "DemoIds", "DemoSummary", "generate_demo"]

BATCH_HOUSEHOLDS = 1000
MAX_HOUSEHOLDS = 1_000_000
ACTION = "demo.generate"
# From this size on, households are drawn in a second process while this one writes.
PARALLEL_FROM = 20_000
# The fixed time field of the first demo id (2025-01-01T00:00:00Z in Unix milliseconds).
BASE_MS = int(datetime(2025, 1, 1, tzinfo=UTC).timestamp() * 1000)


class DemoIds:
    """Reproducible ids of the same structure and entropy as the application's own
    (``uuid_utils.uuid7``): 48 bits of milliseconds, version 7, a 42-bit counter started at a
    random value in each millisecond and counting up, the RFC 4122 variant, and 32 random low
    bits, all drawn from a seeded generator instead of the clock.

    The demo moves to the next millisecond for every household (:meth:`next_millisecond`), as
    an officer saving one household a time would; the ids made for it share that millisecond.
    """

    def __init__(self, rng: random.Random, base_ms: int = BASE_MS) -> None:
        self._rng = rng
        self._ms = base_ms - 1
        self._counter = 0
        self.next_millisecond()

    def next_millisecond(self) -> None:
        self._ms += 1
        self._counter = self._rng.getrandbits(41)  # the top bit stays free to count into

    def __call__(self) -> str:
        ms = self._ms & 0xFFFF_FFFF_FFFF
        counter = self._counter
        self._counter += 1
        value = (
            (ms << 80)
            | (0x7 << 76)  # version 7
            | ((counter >> 30) << 64)  # rand_a: the counter's high 12 bits
            | (0b10 << 62)  # variant
            | ((counter & ((1 << 30) - 1)) << 32)  # the counter's low 30 bits
            | self._rng.getrandbits(32)
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


Create = tuple[str, dict, str, "str | None"]  # entity, fields, id, partition


class _Generator:
    """Draws families and their programme records as plain ``create`` tuples.

    Pure data, no database: so it can run in a second process while this one writes.
    """

    def __init__(self, seed: int, today: date) -> None:
        rng = random.Random(seed)
        # Ids come from their own stream so that adding a field to the demo later does not
        # shift every id after it.
        new_id = self.new_id = DemoIds(random.Random(f"kaltim-demo-ids/{seed}"))
        self.people = FamilyFactory(rng, new_id, today)
        self.programmes = ProgrammeFactory(rng, new_id, today)
        self.today = today
        self.out: list[Create] = []

    def emit(self, entity: str, fields: dict, entity_id: str, partition: str | None) -> None:
        self.out.append((entity, fields, entity_id, partition))

    def trainings(self, count: int) -> None:
        self.new_id.next_millisecond()
        for training_id, fields in self.programmes.training_list(count):
            self.emit("training", fields, training_id, fields["regency_code"])

    def family(self) -> None:
        people, programmes, rng = self.people, self.programmes, self.people.rng
        self.new_id.next_millisecond()
        family: Family = people.family()
        household_id, village = family.household_id, family.fields["village_code"]
        self.emit("household", family.fields, household_id, village)
        for member in family.members:
            self.emit("person", member.fields, member.person_id, village)
            self.emit("membership", {
                "household_id": household_id, "person_id": member.person_id,
                "relation": member.relation, "active": True,
            }, people.new_id(), village)  # fmt: skip
        surveyed = self.today - timedelta(days=rng.randrange(0, 3 * 365))
        house = programmes.house(family, surveyed)
        self.emit("house_assessment", {"household_id": household_id, **house},
                  people.new_id(), village)  # fmt: skip
        if house["decent"] is False and rng.random() < HANDOVER_SHARE:
            handover = programmes.handover(family, surveyed)
            self.emit("handover", handover, people.new_id(), village)
            if handover["stage"] == "handed_over":
                handed_over = handover["handed_over_on"]
                rebuilt = programmes.new_house(
                    handover["house_type"], house["occupants"], handed_over
                )
                self.emit("house_assessment", {"household_id": household_id, **rebuilt},
                          people.new_id(), village)  # fmt: skip
                if rng.random() < GRANT_SHARE:
                    grant = programmes.grant(family, handed_over)
                    if grant is not None:
                        self.emit("grant_award", grant, people.new_id(), village)
        if rng.random() < ENROLMENT_SHARE:
            enrolment = programmes.enrolment(family)
            if enrolment is not None:
                enrolment_id, fields = enrolment
                self.emit("enrolment", fields, enrolment_id, family.regency)

    def batch(self, size: int, trainings: int = 0) -> list[Create]:
        if trainings:
            self.trainings(trainings)
        for _i in range(size):
            self.family()
        batch, self.out = self.out, []
        return batch


def _batches(households: int, seed: int, today: date, batch_size: int) -> Iterator[list[Create]]:
    generator = _Generator(seed, today)
    done = 0
    while done < households:
        size = min(batch_size, households - done)
        first = done == 0
        yield generator.batch(size, max(3, households // HOUSEHOLDS_PER_TRAINING) if first else 0)
        done += size


def _produce(queue, households: int, seed: int, today: date, batch_size: int) -> None:
    """Second-process entry point: generate every batch into ``queue``, then ``None``."""
    exit_with_parent()  # a killed generation must not leave this process blocked on a full queue
    try:
        for batch in _batches(households, seed, today, batch_size):
            queue.put(batch)
        queue.put(None)
    except BaseException as exc:  # the parent re-raises it
        queue.put(exc)


@contextmanager
def _batch_source(households: int, seed: int, today: date, batch_size: int):
    """The batches, drawn here or, for large demos, in a second process that generates the next
    batch while this one writes the previous (the two halves cost about the same)."""
    if households < PARALLEL_FROM:
        yield _batches(households, seed, today, batch_size)
        return
    context = multiprocessing.get_context("spawn")
    queue = context.Queue(maxsize=3)
    worker = context.Process(
        target=_produce, args=(queue, households, seed, today, batch_size), daemon=True
    )
    worker.start()

    def received() -> Iterator[list[Create]]:
        while (item := queue.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item

    try:
        yield received()
    finally:
        if worker.is_alive():
            worker.terminate()  # cancelled or failed: the rest is not needed
        worker.join()
        queue.close()


def _enlarge_cache(session, households: int, *, reset: bool = False) -> None:
    """Give SQLite a page cache sized for the demo while it runs: the NIK and name indexes take
    inserts in random order, and a cache that holds them avoids re-reading pages from disk.
    ``reset`` gives the pooled connection its ordinary cache back."""
    if session.get_bind().dialect.name == "sqlite" and households >= PARALLEL_FROM:
        kib = CACHE_KIB if reset else min(512 * 1024, households * 3)  # ~3 KiB per household
        session.execute(text(f"PRAGMA cache_size=-{kib}"))


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
    message = _("Generating demo data")
    progress.update(0, households, message)
    counts: Counter[str] = Counter()
    ops = 0
    with db.transaction() as session:
        if session.scalar(select(Household.id).limit(1)) is not None:
            raise KaltimError(
                _(
                    "The database already contains households. Demo data can only be generated "
                    "into an empty database."
                )
            )
        _enlarge_cache(session, households)
        with _batch_source(households, seed, today, batch_size) as source:
            for number, batch in enumerate(source):
                progress.check()
                changes = ChangeSet(session, actor=None, action=ACTION)
                for entity, fields, entity_id, partition in batch:
                    changes.create(entity, fields, entity_id=entity_id, partition=partition)
                    counts[entity] += 1
                ops += changes.commit(audit_extra={"demo": {"seed": seed, "batch": number}})
                progress.update(counts["household"], households, message)
        _enlarge_cache(session, households, reset=True)
        progress.check()  # a cancel during the last batch still leaves nothing behind
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
