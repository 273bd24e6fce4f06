# SPDX-License-Identifier: GPL-3.0-or-later
"""``review``: the province's checks and merges from the command line (for scheduled runs)."""

from __future__ import annotations

import argparse

from kaltim_desktop.cli.output import TerminalProgress, print_json
from kaltim_desktop.cli.sync_commands import _actor, _as_user, _group
from kaltim_desktop.i18n import _


def register(commands: argparse._SubParsersAction, add_json) -> None:
    review = _group(
        commands, "review", _("review: duplicate scan, invariant checks, merges"),
        _("What needs a reviewer's decision after sync: possible duplicates across all "
          "districts, broken rules, merging two records that are one."),
    )  # fmt: skip
    scan = review.add_parser(
        "scan", help=_("find possible duplicate persons and broken rules in all the data"),
    )  # fmt: skip
    _as_user(scan)
    add_json(scan)
    scan.set_defaults(handler=run_review_scan)
    merge = review.add_parser("merge", help=_("merge a duplicate record into the one that stays"))
    merge.add_argument("entity", choices=("person", "household"))
    merge.add_argument("loser", metavar="MERGED_ID", help=_("the record that is merged away"))
    merge.add_argument("survivor", metavar="SURVIVOR_ID", help=_("the record that stays"))
    _as_user(merge)
    add_json(merge)
    merge.set_defaults(handler=run_review_merge)


def run_review_scan(args, ctx) -> int:
    from kaltim_desktop.services.province_checks import check_everything

    with ctx.database() as db:
        result = check_everything(db, _actor(db, args), progress=TerminalProgress())
    if args.json:
        print_json(result)
    else:
        print(
            _("{new} new possible duplicate(s); {open} broken rule(s); {seconds} s.").format(
                new=result.duplicates_new, open=result.invariants_open, seconds=result.seconds
            )
        )
    return 0


def run_review_merge(args, ctx) -> int:
    from kaltim_desktop.services.merging import merge_records

    with ctx.database() as db:
        result = merge_records(db, _actor(db, args), args.entity, args.loser, args.survivor)
    if args.json:
        print_json(result)
    else:
        said = _("Merged; {moved} record(s) moved to the one that stays.")
        print(said.format(moved=result.moved))
    return 0
