# SPDX-License-Identifier: GPL-3.0-or-later
"""``db upgrade | backup | restore FILE | check``: looking after the database file."""

from __future__ import annotations

import argparse
from pathlib import Path

from kaltim_desktop.cli.output import print_json
from kaltim_desktop.db import BACKUPS_KEPT, current_revision, head_revision
from kaltim_desktop.errors import DatabaseError
from kaltim_desktop.i18n import _
from kaltim_desktop.services import health, maintenance


def register(commands: argparse._SubParsersAction, add_json) -> None:
    group = commands.add_parser(
        "db",
        help=_("upgrade, back up, restore or check the database"),
        description=_("Look after the database file."),
    )
    group.set_defaults(group_parser=group)
    sub = group.add_subparsers(metavar="ACTION", title=_("actions"))

    upgrade = sub.add_parser(
        "upgrade",
        help=_("back up the database and upgrade it to this version's schema"),
        description=_(
            "Back up the database and upgrade it to this version's schema. Every start does "
            "this too; the command only makes it explicit."
        ),
    )
    add_json(upgrade)
    upgrade.set_defaults(handler=run_upgrade)

    backup = sub.add_parser(
        "backup",
        help=_("make a backup of the database now"),
        description=_(
            "Copy the database into the backups folder; the newest {count} are kept."
        ).format(count=BACKUPS_KEPT),
    )
    add_json(backup)
    backup.set_defaults(handler=run_backup)

    restore = sub.add_parser(
        "restore",
        help=_("replace the database with a backup"),
        description=_(
            "Replace the database with a backup file. The current database is backed up "
            "first; the restored one is upgraded and gets a new sync epoch."
        ),
    )
    restore.add_argument("file", metavar="FILE", type=Path, help=_("the backup file"))
    add_json(restore)
    restore.set_defaults(handler=run_restore)

    check = sub.add_parser(
        "check",
        help=_("check the database for damage and inconsistencies"),
        description=_(
            "Run SQLite's integrity and foreign-key checks, verify the schema revision, the "
            "audit trail's hash chain and the op log's numbering. Exits non-zero on problems."
        ),
    )
    add_json(check)
    check.set_defaults(handler=run_check)


def run_upgrade(args: argparse.Namespace, ctx) -> int:
    before = current_revision(ctx.db_path)
    with ctx.database():
        pass
    after = current_revision(ctx.db_path)
    if args.json:
        print_json({"previous_revision": before, "revision": after, "database": ctx.db_path})
    elif before == after:
        print(_("The database is up to date (revision {revision}).").format(revision=after))
    else:
        print(
            _("The database was upgraded from revision {old} to {new}.").format(
                old=before or "-", new=after
            )
        )
    return 0


def run_backup(args: argparse.Namespace, ctx) -> int:
    path = maintenance.backup_now(ctx.db_path, ctx.backups_dir)
    if args.json:
        print_json({"backup": path})
    else:
        print(_("Backup written: {path}").format(path=path))
    return 0


def run_restore(args: argparse.Namespace, ctx) -> int:
    # No engine is open here: restore() replaces the live file.
    report = maintenance.restore(ctx.db_path, args.file, ctx.backups_dir)
    if args.json:
        print_json(report)
        return 0
    print(
        _("Restored {file} (revision {revision}).").format(
            file=report.source, revision=report.restored_revision
        )
    )
    if report.previous_backup:
        print(
            _("The replaced database was backed up to {path}").format(path=report.previous_backup)
        )
    print(
        _("This laptop now writes as {device} epoch {epoch}.").format(
            device=report.device_id, epoch=report.epoch
        )
    )
    return 0


def run_check(args: argparse.Namespace, ctx) -> int:
    report = health.check(ctx.db_path)
    if args.json:
        print_json(
            {
                "ok": report.ok,
                "database": report.path,
                "revision": report.revision,
                "head": report.head,
                "problems": report.problems,
                "counts": report.counts,
            }
        )
    else:
        print(_("Database: {path}").format(path=report.path))
        print(
            _("Revision: {revision} (expected {head})").format(
                revision=report.revision, head=head_revision()
            )
        )
        for table, count in sorted(report.counts.items()):
            print(f"  {table:<20} {count:>9}")
        if report.ok:
            print(_("No problems found."))
        for problem in report.problems:
            print(_("Problem: {problem}").format(problem=problem))
    return 0 if report.ok else DatabaseError.exit_code
