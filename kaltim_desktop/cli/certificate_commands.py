# SPDX-License-Identifier: GPL-3.0-or-later
"""``certificate issue|reprint|void|batch|verify|list|configure``.

Writing commands act for an officer (``--as USERNAME``; the password is asked, or read from
``KALTIM_PASSWORD``). ``verify`` needs no account: anyone may check a document. It exits 0 when
every code found is valid, :data:`EXIT_INVALID` when one is invalid and :data:`EXIT_REVOKED`
when one is revoked (and none invalid); other problems use the codes of ``errors.py``.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from kaltim_desktop.cli.output import TerminalProgress, print_json, print_table, read_password
from kaltim_desktop.errors import KaltimError
from kaltim_desktop.i18n import _
from kaltim_desktop.reports.documents.model import KINDS
from kaltim_desktop.services import officers

PASSWORD_ENV = "KALTIM_PASSWORD"
EXIT_INVALID = 8
EXIT_REVOKED = 9


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(_("expected a date as YYYY-MM-DD")) from exc


def _as_user(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as",
        dest="as_user",
        required=True,
        metavar="USERNAME",
        help=_("the officer acting (password asked, or read from KALTIM_PASSWORD)"),
    )


def register(commands: argparse._SubParsersAction, add_json) -> None:
    group = commands.add_parser(
        "certificate",
        help=_("issue, print, void and verify certificates and handover documents"),
        description=_(
            "BAST, certificates, grant letters and aid histories with a signed QR code that "
            "can be verified offline."
        ),
    )
    group.set_defaults(group_parser=group)
    sub = group.add_subparsers(metavar="ACTION", title=_("actions"))

    issue = sub.add_parser("issue", help=_("issue one document as a PDF"))
    issue.add_argument("--kind", required=True, choices=KINDS, help=_("the document kind"))
    issue.add_argument(
        "--id",
        required=True,
        metavar="ID",
        help=_("handover id (bast, rlh_certificate), grant id, enrolment id or household id"),
    )
    issue.add_argument("--out", required=True, type=Path, metavar="FILE.pdf", help=_("PDF file"))
    issue.add_argument("--date", type=_day, metavar="YYYY-MM-DD", help=_("document date"))
    _as_user(issue)
    add_json(issue)
    issue.set_defaults(handler=run_issue)

    reprint = sub.add_parser("reprint", help=_("print an issued document again as a copy"))
    reprint.add_argument("document", metavar="DOCUMENT", help=_("document id or number"))
    reprint.add_argument("--out", required=True, type=Path, metavar="FILE.pdf", help=_("PDF file"))
    _as_user(reprint)
    add_json(reprint)
    reprint.set_defaults(handler=run_reprint)

    void = sub.add_parser("void", help=_("void a document, with the reason"))
    void.add_argument("document", metavar="DOCUMENT", help=_("document id or number"))
    void.add_argument("--reason", required=True, help=_("why the document is voided"))
    _as_user(void)
    add_json(void)
    void.set_defaults(handler=run_void)

    batch = sub.add_parser("batch", help=_("issue the documents of a region, day or training"))
    batch.add_argument("--kind", required=True, choices=KINDS, help=_("the document kind"))
    batch.add_argument("--region", metavar="CODE", help=_("village or other region code"))
    batch.add_argument(
        "--handed-over-on", type=_day, metavar="YYYY-MM-DD", help=_("houses handed over that day")
    )
    batch.add_argument("--training", metavar="ID", help=_("completed participants of a training"))
    target = batch.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", type=Path, metavar="FILE.pdf", help=_("one PDF for all"))
    target.add_argument("--out-dir", type=Path, metavar="DIR", help=_("one PDF per document"))
    batch.add_argument("--date", type=_day, metavar="YYYY-MM-DD", help=_("document date"))
    _as_user(batch)
    add_json(batch)
    batch.set_defaults(handler=run_batch)

    verify = sub.add_parser(
        "verify",
        help=_("verify a document PDF or a QR text"),
        description=_(
            "Say whether a document is valid, invalid (with the reason) or revoked. Exit codes: "
            "0 valid, {invalid} invalid, {revoked} revoked."
        ).format(invalid=EXIT_INVALID, revoked=EXIT_REVOKED),
    )
    verify.add_argument("value", metavar="FILE.pdf|TEXT", help=_("a PDF file or the QR text"))
    add_json(verify)
    verify.set_defaults(handler=run_verify)

    listing = sub.add_parser("list", help=_("list issued documents"))
    listing.add_argument("--subject", metavar="ID", help=_("only those of this record"))
    add_json(listing)
    listing.set_defaults(handler=run_list)

    configure = sub.add_parser("configure", help=_("letterhead, signatory and numbering"))
    for option, name in (
        ("--logo", "logo_path"),
        ("--place", "place"),
        ("--classification", "classification"),
        ("--unit-code", "unit_code"),
        ("--government", "government"),
        ("--agency", "agency"),
        ("--unit", "unit"),
        ("--address", "address"),
        ("--signatory-name", "signatory_name"),
        ("--signatory-rank", "signatory_rank"),
        ("--signatory-nip", "signatory_nip"),
    ):
        configure.add_argument(option, dest=name, metavar="TEXT")
    configure.add_argument(
        "--signatory-position",
        dest="signatory_position",
        action="append",
        metavar="LINE",
        help=_("one line of the signatory's position (repeat for several lines)"),
    )
    _as_user(configure)
    add_json(configure)
    configure.set_defaults(handler=run_configure)


def _actor(db, args):
    password = read_password(
        PASSWORD_ENV, _("Password of {username}: ").format(username=args.as_user), confirm=False
    )
    return officers.authenticate(db, args.as_user, password)


def _report(args, row, message: str) -> int:
    if args.json:
        print_json(row)
    else:
        print(message)
    return 0


def run_issue(args: argparse.Namespace, ctx) -> int:
    from kaltim_desktop.services.certificates import issue_document

    with ctx.database() as db:
        row = issue_document(db, _actor(db, args), args.kind, args.id, args.out, on=args.date)
    return _report(args, row, _("Issued {number}: {path}").format(number=row.number, path=args.out))


def run_reprint(args: argparse.Namespace, ctx) -> int:
    from kaltim_desktop.services.certificates import reprint_document

    with ctx.database() as db:
        row = reprint_document(db, _actor(db, args), args.document, args.out)
    message = _("Copy {copy} of {number}: {path}").format(
        copy=row.copies_printed - 1, number=row.number, path=args.out
    )
    return _report(args, row, message)


def run_void(args: argparse.Namespace, ctx) -> int:
    from kaltim_desktop.services.certificates import void_document

    with ctx.database() as db:
        row = void_document(db, _actor(db, args), args.document, args.reason)
    return _report(args, row, _("Voided {number}.").format(number=row.number))


def run_batch(args: argparse.Namespace, ctx) -> int:
    from kaltim_desktop.services.certificate_batch import BatchSelection, issue_batch

    selection = BatchSelection(args.region, args.handed_over_on, args.training)
    progress = TerminalProgress()
    with ctx.database() as db:
        actor = _actor(db, args)
        try:
            result = issue_batch(
                db,
                actor,
                args.kind,
                selection,
                out_file=args.out,
                out_dir=args.out_dir,
                on=args.date,
                progress=progress,
            )
        finally:
            progress.finish()
    message = _("Issued {issued} documents ({skipped} already issued, skipped).").format(
        issued=result.issued, skipped=result.skipped
    )
    return _report(args, result, message)


def run_verify(args: argparse.Namespace, ctx) -> int:
    from kaltim_desktop.services.certificates import INVALID, REVOKED, verify_input

    with ctx.database() as db:
        results = verify_input(db, args.value)
    if args.json:
        print_json(results)
    else:
        labels = {"valid": _("valid"), "invalid": _("invalid"), "revoked": _("revoked")}
        for r in results:
            number = r.claims.number if r.claims else "-"
            print(f"{labels[r.status]}: {number}" + (f" — {r.reason}" if r.reason else ""))
            if r.claims and r.status != INVALID:
                print(
                    "  "
                    + _("{name}, NIK {nik}, {programme}, {date}").format(
                        name=r.claims.name,
                        nik=r.claims.nik_masked,
                        programme=r.claims.programme,
                        date=r.claims.issued_on,
                    )
                )
    statuses = {r.status for r in results}
    if INVALID in statuses:
        return EXIT_INVALID
    return EXIT_REVOKED if REVOKED in statuses else 0


def run_list(args: argparse.Namespace, ctx) -> int:
    from kaltim_desktop.services.certificates import list_documents

    with ctx.database() as db:
        rows = list_documents(db, subject_id=args.subject)
    if args.json:
        print_json(rows)
        return 0
    print_table(
        [_("Id"), _("Kind"), _("Number"), _("Date"), _("Prints"), _("Voided")],
        [
            (
                r.id,
                r.kind,
                r.number,
                r.issued_on.isoformat(),
                r.copies_printed,
                _("yes") if r.voided else "",
            )
            for r in rows
        ],
    )
    return 0


def run_configure(args: argparse.Namespace, ctx) -> int:
    from kaltim_desktop.services.document_settings import DocumentSettings, configure_documents

    names = [f for f in DocumentSettings.__dataclass_fields__ if f != "device_code"]
    changes = {n: getattr(args, n) for n in names if getattr(args, n, None) is not None}
    if "signatory_position" in changes:
        changes["signatory_position"] = tuple(changes["signatory_position"])
    if not changes:
        raise KaltimError(_("Nothing to change: give at least one option."))
    with ctx.database() as db:
        settings = configure_documents(db, _actor(db, args), **changes)
    return _report(args, settings, _("Document settings saved."))
