# SPDX-License-Identifier: GPL-3.0-or-later
"""``import FILE``, ``export KIND`` and ``report``: spreadsheets in and out, programme reports.

``import`` always runs the dry run first and prints the verdicts. It writes only when no row is
rejected, or when ``--skip-rejected`` says to import the accepted families and leave the
rejected rows for later; otherwise it exits 2 with nothing written. ``--dry-run`` stops after
the verdicts (exit 0: every row can be imported; 2: some rows are rejected). Import and export
act on behalf of an officer (``--as``, password from ``KALTIM_AS_PASSWORD`` or the terminal).
"""

from __future__ import annotations

import argparse
import logging
from datetime import date
from pathlib import Path

from kaltim_desktop.cli.output import TerminalProgress, print_json, read_password
from kaltim_desktop.errors import Issue, ValidationError
from kaltim_desktop.exchange.export import FORMATS, KINDS, ExportFilter, export
from kaltim_desktop.exchange.import_report import write_import_report
from kaltim_desktop.exchange.importer import run_import
from kaltim_desktop.exchange.mapping import (
    FIELD_LABELS,
    guess_mapping,
    parse_mapping_option,
    remembered_mapping,
)
from kaltim_desktop.exchange.plan import REJECTED, ImportOptions, dry_run, verdict_label
from kaltim_desktop.exchange.sheets import read_table
from kaltim_desktop.exchange.villages import spelling_key
from kaltim_desktop.i18n import _
from kaltim_desktop.services import officers

log = logging.getLogger(__name__)
AS_PASSWORD_ENV = "KALTIM_AS_PASSWORD"
EXIT_REJECTED = 2


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(_("expected a date as YYYY-MM-DD")) from None


def _month(value: str) -> tuple[int, int]:
    try:
        year, month = (int(p) for p in value.split("-"))
        date(year, month, 1)
    except ValueError:
        raise argparse.ArgumentTypeError(_("expected a month as YYYY-MM")) from None
    return year, month


def _add_as(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as", dest="as_user", required=True, metavar="USERNAME",
        help=_("the officer on whose behalf this runs (password from KALTIM_AS_PASSWORD)"),
    )  # fmt: skip


def register(commands: argparse._SubParsersAction, add_json) -> None:
    imp = commands.add_parser(
        "import",
        help=_("import households from an Excel or CSV list (with a dry run)"),
        description=_(
            "Import households from an xlsx or csv list: every row is checked first (dry run); "
            "nothing is written while rows are rejected, unless --skip-rejected is given."
        ),
    )
    imp.add_argument("file", metavar="FILE", type=Path, help=_("the .xlsx or .csv file"))
    imp.add_argument("--sheet", metavar="NAME", help=_("the sheet to read (default: the first)"))
    imp.add_argument("--regency", metavar="CODE", help=_("match villages within this regency"))
    imp.add_argument(
        "--mapping", metavar="MAP",
        help=_("column mapping, e.g. \"Nama KRT=head_name,No=-\" (fields: {fields})").format(
            fields=", ".join(FIELD_LABELS)
        ),
    )  # fmt: skip
    imp.add_argument(
        "--village", action="append", default=[], metavar="SPELLING=CODE",
        help=_("confirm which village a spelling means (repeatable)"),
    )  # fmt: skip
    imp.add_argument("--kk-as-of", type=_day, metavar="DATE", help=_("date of the KK copies"))
    imp.add_argument("--dtsen-as-of", type=_day, metavar="DATE", help=_("period of the deciles"))
    imp.add_argument("--dry-run", action="store_true", help=_("check only, write nothing"))
    imp.add_argument(
        "--skip-rejected", action="store_true",
        help=_("import the accepted families even if some rows are rejected"),
    )  # fmt: skip
    imp.add_argument("--report", type=Path, metavar="OUT.xlsx", help=_("save the import report"))
    _add_as(imp)
    add_json(imp)
    imp.set_defaults(handler=run_import_command)

    exp = commands.add_parser(
        "export",
        help=_("export households, handovers, grants or trainings"),
        description=_("Export a list as xlsx (for people) or csv (for machines)."),
    )
    exp.add_argument("kind", choices=KINDS, help=_("what to export"))
    exp.add_argument(
        "--format", choices=FORMATS, default="xlsx", dest="fmt",
        help=_("xlsx for people (default) or csv for machines"),
    )  # fmt: skip
    exp.add_argument("--out", type=Path, required=True, metavar="FILE", help=_("the file to write"))
    exp.add_argument("--mask-nik", action="store_true", help=_("mask NIK and KK numbers"))
    exp.add_argument("--region", metavar="CODE", help=_("only this regency, district or village"))
    exp.add_argument("--status", metavar="STAGE", help=_("only this stage or status"))
    _add_as(exp)
    add_json(exp)
    exp.set_defaults(handler=run_export_command)

    rep = commands.add_parser(
        "report",
        help=_("write the programme progress report (PDF or xlsx)"),
        description=_("Write the programme progress report per regency or district."),
    )
    rep.add_argument(
        "--out", type=Path, required=True, metavar="FILE.pdf|FILE.xlsx",
        help=_("the report file; its ending chooses PDF or xlsx"),
    )  # fmt: skip
    rep.add_argument("--regency", metavar="CODE", help=_("one regency, by district"))
    rep.add_argument("--month", type=_month, metavar="YYYY-MM", help=_("the reporting month"))
    add_json(rep)
    rep.set_defaults(handler=run_report_command)


def _actor(db, username: str):
    password = read_password(
        AS_PASSWORD_ENV, _("Password of {username}: ").format(username=username), confirm=False
    )
    return officers.authenticate(db, username, password)


def _choices(pairs: list[str]) -> dict[str, str]:
    choices = {}
    for pair in pairs:
        spelling, sep, code = pair.rpartition("=")
        if not sep or not spelling.strip():
            raise ValidationError([Issue("village", "cli.village", "error", _(
                "Write a village answer as SPELLING=CODE, e.g. \"Karang Asam=64.72.06.1003\"."
            ))])  # fmt: skip
        district = None
        if "|" in spelling:
            spelling, district = spelling.split("|", 1)
        choices[spelling_key(spelling, district)] = code.strip()
    return choices


def run_import_command(args: argparse.Namespace, ctx) -> int:
    table = read_table(args.file, args.sheet)
    options = ImportOptions(
        regency_code=args.regency, village_choices=_choices(args.village),
        kk_as_of=args.kk_as_of, dtsen_as_of=args.dtsen_as_of,
    )  # fmt: skip
    progress = TerminalProgress()
    with ctx.database() as db:
        actor = _actor(db, args.as_user)
        if args.mapping:
            try:
                mapping = parse_mapping_option(table.headers, args.mapping)
            except ValueError as exc:
                raise ValidationError(
                    [Issue("mapping", "cli.mapping", "error", str(exc))]
                ) from None
        else:
            with db.read() as session:
                mapping = guess_mapping(table.headers, remembered_mapping(session))
        try:
            plan = dry_run(db, actor, table, mapping, options, progress=progress)
        finally:
            progress.finish()
        rejected = plan.counts[REJECTED]
        imported = None
        if not args.dry_run and plan.households and (not rejected or args.skip_rejected):
            try:
                result = run_import(db, actor, plan, progress=progress)
            finally:
                progress.finish()
            imported = result.households
            log.info("import: %d households, %d persons", result.households, result.persons)
    if args.report:
        write_import_report(plan, args.report, imported=imported)
    _print_plan(plan, imported, args)
    if imported is None and rejected and not args.dry_run:
        print(_("Nothing was imported: fix the rejected rows, or give --skip-rejected."))
    return EXIT_REJECTED if rejected and imported is None else 0


def _print_plan(plan, imported: int | None, args) -> None:
    if args.json:
        print_json({
            "rows": [{"row": v.row, "verdict": v.verdict, "reasons": list(v.reasons)}
                     for v in plan.rows],
            "counts": dict(plan.counts),
            "households_ready": len(plan.households),
            "households_imported": imported,
            "villages_to_confirm": [
                {"spelling": q.spelling, "district": q.district, "rows": q.rows,
                 "candidates": [{"code": c.code, "name": c.name, "district": c.district_name}
                                for c in q.candidates]}
                for q in plan.questions
            ],
            "notes": list(plan.notes),
        })  # fmt: skip
        return
    for verdict in plan.rows:
        if verdict.verdict == "accepted":
            continue
        print(f"{_('Row')} {verdict.row}: {verdict_label(verdict.verdict)}")
        for reason in verdict.reasons:
            print(f"    {reason}")
    for question in plan.questions:
        options = "; ".join(f"{c.code} {c.name} ({c.district_name})" for c in question.candidates)
        print(_("Village to confirm: \"{spelling}\" ({rows} rows): {options}").format(
            spelling=question.spelling, rows=question.rows, options=options or "-"
        ))  # fmt: skip
    for note in plan.notes:
        print(note)
    counts = plan.counts
    print(_(
        "{accepted} rows accepted, {warning} with warnings, {rejected} rejected, {skipped} "
        "skipped; {households} households ready."
    ).format(accepted=counts["accepted"], warning=counts["warning"], rejected=counts["rejected"],
             skipped=counts["skipped"], households=len(plan.households)))  # fmt: skip
    if imported is not None:
        print(_("{count} households imported.").format(count=imported))


def run_export_command(args: argparse.Namespace, ctx) -> int:
    with ctx.database() as db:
        actor = _actor(db, args.as_user)
        result = export(
            db, actor, args.kind, args.out, fmt=args.fmt, mask=args.mask_nik,
            filters=ExportFilter(region_code=args.region, status=args.status),
        )  # fmt: skip
    if args.json:
        print_json({"path": str(result.path), "rows": result.rows})
    else:
        print(_("{rows} rows written to {path}.").format(rows=result.rows, path=result.path))
    return 0


def run_report_command(args: argparse.Namespace, ctx) -> int:
    from kaltim_desktop.reports.programme import FORMATS as REPORT_FORMATS
    from kaltim_desktop.reports.programme import write_report
    from kaltim_desktop.services.progress import Period, programme_progress

    if args.out.suffix.casefold() not in REPORT_FORMATS:
        raise ValidationError([Issue("out", "cli.report_format", "error", _(
            "The report file must end in .pdf or .xlsx."
        ))])  # fmt: skip
    period = Period.month(*args.month) if args.month else None
    with ctx.database() as db:
        progress = programme_progress(db, regency_code=args.regency, period=period)
    write_report(progress, args.out)
    if args.json:
        print_json({"path": str(args.out)})
    else:
        print(_("Report written to {path}.").format(path=args.out))
    return 0
