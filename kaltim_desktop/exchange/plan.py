# SPDX-License-Identifier: GPL-3.0-or-later
"""The dry run of an import: every row judged, nothing written.

:func:`dry_run` reads the rows (:mod:`.rows`), skips empty and total rows, finds rows repeated
in the file, groups rows into households by KK number (a row without a KK number is a household
of its own), matches the village by name, runs the household rules of the registration form
(:func:`~kaltim_desktop.services.household_rules.check_household`) and looks for NIKs and KK
numbers already in the database -- in one read transaction.

A household is imported whole or not at all: when one of its rows is rejected, the other rows
of that family are rejected too, with the row that caused it, so no family is half-imported.
Rows already in the database are rejected, so importing the same sheet twice adds nothing.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from kaltim_desktop.db import Database
from kaltim_desktop.domain.names import normalize_name
from kaltim_desktop.domain.nik import parse_nik
from kaltim_desktop.domain.regions import region_tree
from kaltim_desktop.errors import Issue, ValidationError
from kaltim_desktop.exchange import values
from kaltim_desktop.exchange.mapping import FIELD_LABELS, ColumnMapping
from kaltim_desktop.exchange.rows import RowReader, SheetRow, reason
from kaltim_desktop.exchange.sheets import Table
from kaltim_desktop.exchange.verdicts import (
    ACCEPTED,
    REJECTED,
    SKIPPED,
    WARNING,
    ImportOptions,
    ImportPlan,
    PlannedHousehold,
    RowVerdict,
    verdict_label,
)
from kaltim_desktop.exchange.villages import (
    VillageMatcher,
    VillageQuestion,
    regency_from_name,
    spelling_key,
)
from kaltim_desktop.i18n import _
from kaltim_desktop.models import Household, Person
from kaltim_desktop.progress import NullProgress, Progress
from kaltim_desktop.services.context import Actor, require_role
from kaltim_desktop.services.household_rules import HouseholdInput, MemberInput, check_household

__all__ = [
    "ACCEPTED",
    "REJECTED",
    "SKIPPED",
    "WARNING",
    "ImportOptions",
    "ImportPlan",
    "PlannedHousehold",
    "RowVerdict",
    "dry_run",
    "existing_numbers",
    "verdict_label",
]

_CHUNK = 500
_ISSUE_FIELD = re.compile(r"^members\[(\d+)\]\.?(\w*)")


@dataclass
class _Group:
    rows: list[SheetRow]
    village_code: str | None = None
    errors_from: int | None = None  # the row that rejected the family


def dry_run(
    db: Database,
    actor: Actor,
    table: Table,
    mapping: ColumnMapping,
    options: ImportOptions | None = None,
    *,
    progress: Progress | None = None,
) -> ImportPlan:
    """Judge every row of ``table``; read only.

    Raises:
        ValidationError: the mapping lacks a column every row needs (name, village).
        Cancelled: the progress handle was cancelled.
    """
    require_role(actor, "operator")
    options = options or ImportOptions()
    progress = progress or NullProgress()
    missing = mapping.missing_required()
    if missing:
        raise ValidationError([
            Issue(f, "mapping.missing", "error",
                  _("Choose the column that holds: {field}.").format(field=_(FIELD_LABELS[f])))
            for f in missing
        ])  # fmt: skip
    regency = region_tree().get(options.regency_code) if options.regency_code else None
    if options.regency_code and (regency is None or regency.level != "regency"):
        raise ValidationError([
            Issue("regency", "import.regency", "error", _("The regency was not found."))
        ])  # fmt: skip
    if regency is not None:
        options = dataclasses.replace(options, regency_code=regency.code)
    today = options.today or date.today()
    reader = RowReader(mapping)
    verdicts: dict[int, RowVerdict] = {}
    rows: list[SheetRow] = []
    empty = 0
    total = len(table.rows)
    message = _("Checking rows")
    for done, (number, cells) in enumerate(table.rows):
        if done % 1000 == 0:
            progress.check()
            progress.update(done, total, message)
        if cells.count(None) == len(cells) or all(
            c is None or (c.__class__ is str and not c.strip()) for c in cells
        ):
            empty += 1
        elif values.is_total_row(cells):
            verdicts[number] = RowVerdict(number, SKIPPED, (_("A total row; not imported."),))
        else:
            rows.append(reader.read(number, cells))
    rows = _drop_repeats(rows, verdicts)
    groups = _group(rows)
    questions = _match_villages(groups, options)
    checked = []
    for group in groups:
        data = _check_group(group, options, today)
        if data is not None:
            checked.append((group, data))
    progress.check()
    with db.read() as session:
        taken_niks = existing_numbers(
            session,
            Person.nik,
            Person.deleted,
            [m.nik for _g, d in checked for m in d.members if m.nik],
        )
        taken_kks = existing_numbers(
            session,
            Household.kk_number,
            Household.deleted,
            [d.kk_number for _g, d in checked if d.kk_number],
        )
    accepted = []
    for group, planned in checked:
        _check_database(group, planned, taken_niks, taken_kks)
        if group.errors_from is None:
            accepted.append(PlannedHousehold(tuple(r.row for r in group.rows), planned))
    for group in groups:
        for row in group.rows:
            verdicts[row.row] = _verdict(row)
    progress.update(total, total, message)
    notes = []
    if empty:
        notes.append(_("{count} empty rows were skipped.").format(count=empty))
    if table.skipped_numbering_row:
        notes.append(_("The column numbering row under the header was skipped."))
    return ImportPlan(
        source_name=table.source_name,
        sheet=table.sheet,
        headers=table.headers,
        mapping=mapping,
        options=options,
        rows=tuple(verdicts[k] for k in sorted(verdicts)),
        households=tuple(accepted),
        questions=questions,
        empty_rows=empty,
        notes=tuple(notes),
    )


def _verdict(row: SheetRow) -> RowVerdict:
    if row.errors:
        return RowVerdict(row.row, REJECTED, tuple(row.errors))
    return RowVerdict(row.row, WARNING if row.warnings else ACCEPTED, tuple(row.warnings))


def _drop_repeats(rows: list[SheetRow], verdicts: dict[int, RowVerdict]) -> list[SheetRow]:
    """Skip a row that repeats an earlier one; reject one that reuses its NIK otherwise."""
    by_nik: dict[str, SheetRow] = {}
    by_person: dict[tuple, SheetRow] = {}
    kept = []
    for row in rows:
        if row.nik:
            first = by_nik.get(row.nik)
            if first is None:
                by_nik[row.nik] = row
            elif (first.kk_number, normalize_name(first.name)) == (
                row.kk_number,
                normalize_name(row.name),
            ):
                verdicts[row.row] = _repeat(row, first)
                continue
            else:
                row.errors.append(reason("nik", _(
                    "The same NIK is used in row {row} for another person."
                ).format(row=first.row)))  # fmt: skip
        else:
            person = (row.kk_number, normalize_name(row.name), row.birth_date)
            first = by_person.get(person)
            if first is not None:
                verdicts[row.row] = _repeat(row, first)
                continue
            by_person[person] = row
        kept.append(row)
    return kept


def _repeat(row: SheetRow, first: SheetRow) -> RowVerdict:
    message = _("Repeats row {row}; not imported twice.").format(row=first.row)
    return RowVerdict(row.row, SKIPPED, (message,))


def _group(rows: list[SheetRow]) -> list[_Group]:
    groups: dict[str, _Group] = {}
    for row in rows:
        key = row.kk_number if row.kk_number else f"row:{row.row}"
        groups.setdefault(key, _Group([])).rows.append(row)
    return list(groups.values())


def _address_row(group: _Group) -> SheetRow:
    return next((r for r in group.rows if r.relation == "head"), group.rows[0])


def _match_villages(groups: list[_Group], options: ImportOptions) -> tuple[VillageQuestion, ...]:
    matchers: dict[str | None, VillageMatcher] = {}
    asked: dict[str, list] = {}
    for group in groups:
        row = _address_row(group)
        if not row.village:
            row.errors.append(reason("village", _("The village is missing.")))
            continue
        regency = options.regency_code or (regency_from_name(row.regency) if row.regency else None)
        matcher = matchers.get(regency)
        if matcher is None:
            matcher = matchers[regency] = VillageMatcher(regency, dict(options.village_choices))
        found = matcher.match(row.village, row.district or None)
        if found.code is not None:
            group.village_code = found.code
            if not found.exact:
                name = next(c.name for c in found.candidates if c.code == found.code)
                row.warnings.append(reason("village", _(
                    "Read as {name}; the spelling in the sheet differs."
                ).format(name=name)))  # fmt: skip
            continue
        key = f"{regency or ''}|{row.village.casefold()}|{row.district.casefold()}"
        entry = asked.setdefault(key, [row.village, row.district or None, found.candidates, 0])
        entry[3] += len(group.rows)
        if found.candidates:
            problem = _("The village name is not certain; confirm which village is meant.")
        else:
            problem = _("No village of that name was found in the regency.")
        row.errors.append(reason("village", problem))
    return tuple(
        VillageQuestion(spelling_key(v, d), v, d, tuple(c), n) for v, d, c, n in asked.values()
    )


def _check_group(group: _Group, options: ImportOptions, today: date) -> HouseholdInput | None:
    """Build the household of a group and run the household rules; ``None`` if rejected."""
    if len(group.rows) == 1 and group.rows[0].relation is None:
        group.rows[0].relation = "head"
    for row in group.rows:
        if row.relation is None:
            if row.head_name and normalize_name(row.head_name) == normalize_name(row.name):
                row.relation = "head"
            else:
                row.errors.append(reason("relation", _("The relation to the head is missing.")))
        if not row.name:
            row.errors.append(reason("name", _("The name is missing.")))
        if row.sex is None and row.nik:
            row.sex = parse_nik(row.nik, today=today).sex
            if row.sex:
                row.warnings.append(reason("sex", _("Not given; taken from the NIK.")))
        if row.sex is None and not any("sex" in e for e in row.errors):
            row.errors.append(reason("sex", _("The sex is missing.")))
    if _reject_family(group):
        return None
    head = _address_row(group)
    data = HouseholdInput(
        village_code=group.village_code,
        members=tuple(
            MemberInput(
                name=r.name, sex=r.sex, relation=r.relation, nik=r.nik,
                birth_place=r.birth_place, birth_date=r.birth_date, occupation=r.occupation,
            )
            for r in group.rows
        ),
        kk_number=head.kk_number,
        kk_as_of=options.kk_as_of if head.kk_number else None,
        rt=head.rt, rw=head.rw, hamlet=head.hamlet, street=head.street,
        dtsen_decile=head.dtsen_decile,
        dtsen_as_of=options.dtsen_as_of if head.dtsen_decile else None,
    )  # fmt: skip
    cleaned = check_household(data, today)
    for issue in cleaned.issues:
        match = _ISSUE_FIELD.match(issue.field)
        row = group.rows[int(match.group(1))] if match else head
        field_name = (match.group(2) if match else issue.field).removesuffix("_code")
        text = reason(field_name, issue.message)
        if issue.is_error and not match:
            for other in group.rows:
                other.errors.append(text)
        else:
            (row.errors if issue.is_error else row.warnings).append(text)
    if _reject_family(group):
        return None
    # The phone was validated when the row was read; checking it again costs as much as the
    # rest of the household rules together.
    return dataclasses.replace(data, phone=head.phone) if head.phone else data


def _reject_family(group: _Group) -> bool:
    bad = [r for r in group.rows if r.errors]
    if not bad:
        return False
    group.errors_from = bad[0].row
    for row in group.rows:
        if not row.errors:
            row.errors.append(
                _("Another row of this family (row {row}) was rejected; the family is imported "
                  "only as a whole.").format(row=group.errors_from)
            )  # fmt: skip
    return True


def existing_numbers(session, column, deleted, numbers: list[str]) -> set[str]:
    """The ``numbers`` (NIKs or KK numbers) found in ``column`` on records not deleted."""
    found: set[str] = set()
    unique = sorted(set(numbers))
    for start in range(0, len(unique), _CHUNK):
        chunk = unique[start : start + _CHUNK]
        found.update(session.scalars(select(column).where(column.in_(chunk), deleted.is_(False))))
    return found


def _check_database(group: _Group, data: HouseholdInput, niks: set[str], kks: set[str]) -> None:
    if data.kk_number and data.kk_number in kks:
        _address_row(group).errors.append(reason("kk_number", _(
            "A household with this KK number is already registered."
        )))  # fmt: skip
    for row in group.rows:
        if row.nik and row.nik in niks:
            row.errors.append(reason("nik", _(
                "This NIK is already registered. Edit that household instead of importing it "
                "again."
            )))  # fmt: skip
    _reject_family(group)
