# SPDX-License-Identifier: GPL-3.0-or-later
"""What the programme report says, independent of its format (PDF or xlsx).

Built from a :class:`~kaltim_desktop.services.progress.ProgrammeProgress` (nothing here reads
the database): the title and period, the key figures, one table per subject with a row per
area and a total row, the monthly series and the footnotes, all in the current language.
Numbers stay numbers (the xlsx keeps them as numbers); the PDF formats them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from babel.dates import format_date

from kaltim_desktop.domain.formatting import format_date_long, format_rupiah
from kaltim_desktop.i18n import _, current_language
from kaltim_desktop.services.progress import WITA, AreaProgress, ProgrammeProgress

WITA_NOTE_HOURS = 8


@dataclass(frozen=True)
class Table:
    """``kinds`` per column: "text", "int" or "rupiah"; the last row is the total."""

    title: str
    headers: tuple[str, ...]
    kinds: tuple[str, ...]
    rows: tuple[tuple, ...]
    total: tuple | None = None


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: str
    detail: str


@dataclass(frozen=True)
class ReportContent:
    title: str
    subtitle: str
    area_label: str
    period_label: str
    figures: tuple[KeyFigure, ...]
    tables: tuple[Table, ...]
    month_labels: tuple[str, ...]
    houses_per_month: tuple[int, ...]
    grants_per_month: tuple[int, ...]
    completions_per_month: tuple[int, ...]
    area_names: tuple[str, ...]
    houses_by_stage: tuple[tuple[str, tuple[int, ...]], ...]
    deciles: tuple[int, ...]
    notes: tuple[str, ...]
    generated_label: str


def _month_name(year: int, month: int) -> str:
    locale = "id" if current_language() == "id" else "en_GB"
    return format_date(date(year, month, 1), "MMM yy", locale=locale)


def period_label(progress: ProgrammeProgress) -> str:
    period = progress.period
    if period.start and period.end:
        if period.start.day == 1 and (period.end.month, period.end.year) == (
            period.start.month,
            period.start.year,
        ):
            locale = "id" if current_language() == "id" else "en_GB"
            return format_date(period.start, "LLLL yyyy", locale=locale).capitalize()
        return f"{format_date_long(period.start)} – {format_date_long(period.end)}"
    if period.end:
        return _("up to {date}").format(date=format_date_long(period.end))
    if period.start:
        return _("from {date}").format(date=format_date_long(period.start))
    return _("all records to date")


def _short(name: str) -> str:
    """Area names for narrow columns and chart axes ("Kabupaten " is implied)."""
    return name.removeprefix("Kabupaten ")


def build_content(progress: ProgrammeProgress) -> ReportContent:
    total = progress.total
    areas = progress.areas
    level_label = _("Regency/city") if progress.level == "regency" else _("District")
    in_period = progress.period.start is not None or progress.period.end is not None
    figures = (
        KeyFigure(
            _("Households registered"),
            f"{total.households:,}".replace(",", "."),
            _("{members} members; {new} new in the period").format(
                members=f"{total.members:,}".replace(",", "."), new=total.households_in_period
            ),
        ),
        KeyFigure(
            _("Houses handed over"),
            str(total.houses("handed_over")),
            _("{period} in the period; {building} being built").format(
                period=total.houses_handed_over_in_period,
                building=total.houses("under_construction"),
            ),
        ),
        KeyFigure(
            _("Grants disbursed"),
            format_rupiah(total.grants("disbursed").amount_rupiah),
            _("{count} grants; {period} in the period").format(
                count=total.grants("disbursed").count, period=total.grants_disbursed_in_period
            ),
        ),
        KeyFigure(
            _("Trainings completed"),
            str(total.enrolments_completed),
            _("{trainings} trainings; {period} completed in the period").format(
                trainings=total.trainings, period=total.enrolments_completed_in_period
            ),
        ),
    )
    tables = (
        _households_table(areas, total, level_label),
        _houses_table(areas, total, level_label),
        _grants_table(areas, total, level_label),
        _trainings_table(areas, total, level_label),
        _named_table(_("Funders (CSR) of the houses"), _("Funder"), total.funders),
        _named_table(_("Building partners"), _("Partner"), total.partners),
    )
    notes = [
        _(
            "Households, members, deciles and the stages of houses and grants are counted as "
            'recorded when the report was made; figures "in the period" count the dates of '
            "handover, disbursement, completion and registration (WITA) that fall in the period."
        ),
        _(
            "Houses: handovers of decent houses (rumah layak huni) funded by CSR and built with "
            "the building partner; cancelled ones are not counted in the totals. Grants: "
            "business-capital grants (Pergub Kaltim 3/2025); void ones are not counted."
        ),
        _(
            "Areas follow the village code of the household (Kepmendagri 300.2.2-2138/2025); "
            "trainings count where their participants live."
        ),
    ]
    if not in_period:
        notes.append(_('No period was chosen: "in the period" means all records to date.'))
    generated = progress.generated_at.astimezone(WITA).date()
    return ReportContent(
        title=_("Progress of the poverty-alleviation programmes"),
        subtitle=_("Decent houses, business-capital grants and trainings"),
        area_label=progress.total.name,
        period_label=period_label(progress),
        figures=figures,
        tables=tables,
        month_labels=tuple(_month_name(m.year, m.month) for m in progress.months),
        houses_per_month=tuple(m.houses_handed_over for m in progress.months),
        grants_per_month=tuple(m.grants_disbursed for m in progress.months),
        completions_per_month=tuple(m.enrolments_completed for m in progress.months),
        area_names=tuple(_short(a.name) for a in areas),
        houses_by_stage=tuple(
            (s.label, tuple(a.houses(s.stage) for a in areas))
            for s in total.houses_by_stage
            if s.stage != "cancelled"
        ),
        deciles=total.by_decile,
        notes=tuple(notes),
        generated_label=_("Made with Kaltim Desktop on {date}.").format(
            date=format_date_long(generated)
        ),
    )


def _households_table(areas, total: AreaProgress, level_label: str) -> Table:
    def row(a: AreaProgress) -> tuple:
        poorest = sum(a.by_decile[1:5])
        return (_short(a.name), a.households, a.households_in_period, a.members, poorest,
                a.by_decile[0])  # fmt: skip

    return Table(
        _("Households registered"),
        (
            level_label,
            _("Households"),
            _("New in period"),
            _("Members"),
            _("Decile 1-4"),
            _("No decile"),
        ),
        ("text", "int", "int", "int", "int", "int"),
        tuple(row(a) for a in areas),
        (_("Total"), *row(total)[1:]),
    )


def _houses_table(areas, total: AreaProgress, level_label: str) -> Table:
    def row(a: AreaProgress) -> tuple:
        return (
            _short(a.name),
            a.houses("surveyed"),
            a.houses("under_construction"),
            a.houses("completed"),
            a.houses("handed_over"),
            a.houses_handed_over_in_period,
            sum(s.amount_rupiah for s in a.houses_by_stage if s.stage != "cancelled"),
        )

    return Table(
        _("Decent houses by stage"),
        (
            level_label,
            _("Surveyed"),
            _("Being built"),
            _("Completed"),
            _("Handed over (units)"),
            _("Handed over in period"),
            _("Cost (Rp)"),
        ),
        ("text", "int", "int", "int", "int", "int", "rupiah"),
        tuple(row(a) for a in areas),
        (_("Total"), *row(total)[1:]),
    )


def _grants_table(areas, total: AreaProgress, level_label: str) -> Table:
    def row(a: AreaProgress) -> tuple:
        return (
            _short(a.name),
            a.grants("proposed").count + a.grants("verified").count,
            a.grants("approved").count,
            a.grants("disbursed").count,
            a.grants("disbursed").amount_rupiah,
            a.grants_disbursed_in_period_rupiah,
        )

    return Table(
        _("Business-capital grants by stage"),
        (
            level_label,
            _("Proposed/verified"),
            _("Approved"),
            _("Disbursed"),
            _("Disbursed (Rp)"),
            _("Disbursed in period (Rp)"),
        ),
        ("text", "int", "int", "int", "rupiah", "rupiah"),
        tuple(row(a) for a in areas),
        (_("Total"), *row(total)[1:]),
    )


def _trainings_table(areas, total: AreaProgress, level_label: str) -> Table:
    def row(a: AreaProgress) -> tuple:
        return (_short(a.name), a.trainings, a.enrolments, a.enrolments_completed,
                a.enrolments_completed_in_period)  # fmt: skip

    return Table(
        _("Trainings"),
        (
            level_label,
            _("Trainings"),
            _("Participants"),
            _("Completed"),
            _("Completed in period"),
        ),
        ("text", "int", "int", "int", "int"),
        tuple(row(a) for a in areas),
        (_("Total"), *row(total)[1:]),
    )


def _named_table(title: str, header: str, names) -> Table:
    return Table(
        title,
        (header, _("Houses")),
        ("text", "int"),
        tuple((n.name, n.count) for n in names),
        None,
    )
