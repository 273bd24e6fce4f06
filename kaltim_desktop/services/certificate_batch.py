# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue the documents of a whole village, handover day or training at once.

All of a batch is one transaction: every document is numbered, signed and recorded (one op and
one audit entry each), the PDF(s) are drawn into temporary files, renamed into place, and only
then is the transaction committed. Cancelling (or any error) rolls the records back and removes
every file written, so a cancelled batch leaves nothing behind. Subjects that already have an
active document of the kind are skipped and counted (reprint them one by one instead).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaltim_desktop.db import Database
from kaltim_desktop.errors import Issue, ValidationError
from kaltim_desktop.i18n import _
from kaltim_desktop.models import Enrolment, Grant, Handover, Household, Membership
from kaltim_desktop.progress import NullProgress, Progress
from kaltim_desktop.reports.documents import model as m
from kaltim_desktop.reports.documents.render import render_pdf
from kaltim_desktop.services.certificates import (
    active_document,
    data_dir_of,
    record_document,
    write_atomically,
)
from kaltim_desktop.services.context import Actor, require_role
from kaltim_desktop.services.document_data import prepare_subject
from kaltim_desktop.services.document_numbers import file_name


@dataclass(frozen=True)
class BatchSelection:
    """Which subjects: those of a village (or any region code prefix), handed over on one day,
    or of one training. At least one criterion must be given; they combine with AND."""

    region: str | None = None
    handed_over_on: date | None = None
    training_id: str | None = None


@dataclass(frozen=True)
class BatchResult:
    issued: int
    skipped: int
    numbers: tuple[str, ...]
    files: tuple[Path, ...]


def _refuse(message: str) -> ValidationError:
    return ValidationError([Issue("selection", "document.batch_selection", "error", message)])


def _in_region(column, region: str):
    return (column == region) | column.like(f"{region}.%")


def select_subjects(session: Session, kind: str, sel: BatchSelection) -> list[str]:
    """The ids of the subjects of ``kind`` that qualify and match ``sel``, in a stable order."""
    if not (sel.region or sel.handed_over_on or sel.training_id):
        raise _refuse(_("Choose a region, a handover date or a training."))
    if kind in (m.BAST, m.RLH_CERTIFICATE):
        if sel.training_id:
            raise _refuse(_("A training selects training certificates only."))
        query = (
            select(Handover.id)
            .join(Household, Household.id == Handover.household_id)
            .where(Handover.stage == "handed_over", Handover.deleted.is_(False))
            .order_by(Household.head_name, Handover.id)
        )
        if sel.handed_over_on:
            query = query.where(Handover.handed_over_on == sel.handed_over_on)
    elif kind == m.GRANT_CERTIFICATE:
        if sel.training_id or sel.handed_over_on:
            raise _refuse(_("Grant letters are selected by region only."))
        query = (
            select(Grant.id)
            .join(Household, Household.id == Grant.household_id)
            .where(Grant.stage == "disbursed", Grant.deleted.is_(False))
            .order_by(Household.head_name, Grant.id)
        )
    elif kind == m.TRAINING_CERTIFICATE:
        if sel.handed_over_on:
            raise _refuse(_("A handover date selects house documents only."))
        query = (
            select(Enrolment.id)
            .join(Membership, Membership.person_id == Enrolment.person_id)
            .join(Household, Household.id == Membership.household_id)
            .where(
                Enrolment.status == "completed", Enrolment.deleted.is_(False), Membership.current()
            )
            .order_by(Household.head_name, Enrolment.id)
        )
        if sel.training_id:
            query = query.where(Enrolment.training_id == sel.training_id)
    elif kind == m.AID_HISTORY:
        if sel.training_id or sel.handed_over_on:
            raise _refuse(_("Aid histories are selected by region only."))
        query = select(Household.id).order_by(Household.head_name, Household.id)
    else:
        raise _refuse(_("Unknown document kind."))
    query = query.where(Household.deleted.is_(False))
    if sel.region:
        query = query.where(_in_region(Household.village_code, sel.region.strip()))
    return list(dict.fromkeys(session.scalars(query)))


@dataclass(frozen=True)
class Candidate:
    """A record that qualifies for a document of some kind, with its active document if any."""

    subject_id: str
    name: str
    village_code: str
    document_id: str | None
    document_number: str | None


def list_candidates(
    db: Database, kind: str, selection: BatchSelection, *, limit: int = 500
) -> tuple[Candidate, ...]:
    """The qualifying records of a selection (for a screen to pick from), at most ``limit``.

    Raises:
        ValidationError: no selection criterion.
    """
    with db.read() as session:
        ids = select_subjects(session, kind, selection)[:limit]
        result = []
        for subject_id in ids:
            subject = prepare_subject(session, kind, subject_id)
            document = active_document(session, kind, subject_id)
            result.append(
                Candidate(
                    subject_id,
                    subject.name,
                    subject.village_code or "",
                    document.id if document else None,
                    document.number if document else None,
                )
            )
        return tuple(result)


def issue_batch(
    db: Database,
    actor: Actor,
    kind: str,
    selection: BatchSelection,
    *,
    out_file: Path | None = None,
    out_dir: Path | None = None,
    on: date | None = None,
    progress: Progress | None = None,
) -> BatchResult:
    """Issue every qualifying document of the selection into one PDF or one file each.

    Raises:
        ValidationError: no selection, or nothing to issue.
        Cancelled: the user cancelled; nothing was recorded and no file is left.
    """
    require_role(actor, "operator")
    if (out_file is None) == (out_dir is None):
        raise _refuse(_("Give either one output file or an output folder."))
    progress = progress or NullProgress()
    on = on or date.today()
    data_dir = data_dir_of(db)
    written: list[Path] = []
    try:
        with db.transaction() as session:
            ids = select_subjects(session, kind, selection)
            todo = [i for i in ids if active_document(session, kind, i) is None]
            if not todo:
                raise _refuse(_("There is no document left to issue for this selection."))
            total = len(todo)
            progress.update(0, total, _("Issuing documents"))
            numbers: list[str] = []

            def documents():
                for done, subject_id in enumerate(todo):
                    progress.check()
                    subject = prepare_subject(session, kind, subject_id)
                    data = record_document(session, actor, kind, subject, data_dir, on)
                    numbers.append(data.header.number)
                    yield data
                    progress.update(done + 1, total, _("Issuing documents"))

            if out_file is not None:
                write_atomically(out_file, lambda path: render_pdf(documents(), path))
                written.append(Path(out_file))
            else:
                Path(out_dir).mkdir(parents=True, exist_ok=True)
                for data in documents():
                    target = Path(out_dir) / file_name(data.header.number)
                    write_atomically(target, lambda path, d=data: render_pdf([d], path))
                    written.append(target)
            progress.check()  # a cancel during the last page still counts
            return BatchResult(len(numbers), len(ids) - total, tuple(numbers), tuple(written))
    except BaseException:
        for path in written:
            with contextlib.suppress(OSError):
                path.unlink()
        raise
