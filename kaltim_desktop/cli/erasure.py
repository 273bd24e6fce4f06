# SPDX-License-Identifier: GPL-3.0-or-later
"""``person purge ID --reason CODE``: erase a person at the province (UU PDP right to deletion).

The acting officer is named with ``--as``; the password is asked, or read from
``KALTIM_PASSWORD``. Nothing about the person is printed: only the id given and the reason.
"""

from __future__ import annotations

import argparse

from kaltim_desktop.cli.output import print_json
from kaltim_desktop.cli.sync_commands import _actor, _as_user, _group
from kaltim_desktop.i18n import _
from kaltim_desktop.services.erasure import REASON_LABELS, purge_person
from kaltim_desktop.sync.purge import REASONS


def register(commands: argparse._SubParsersAction, add_json) -> None:
    sub = _group(
        commands, "person", _("erase a person (province office)"),
        _("Erase a person's personal data on every installation."),
    )  # fmt: skip
    purge = sub.add_parser(
        "purge",
        help=_("erase a person's personal data everywhere (cannot be undone)"),
        description=_(
            "Blank the person's data in this database and in its change log, and send the "
            "erasure to every laptop with the next bundles. Only a province administrator may "
            "do this. Reasons: {reasons}."
        ).format(reasons=", ".join(f"{code} ({_(REASON_LABELS[code])})" for code in REASONS)),
    )
    purge.add_argument("id", metavar="ID", help=_("the person id"))
    purge.add_argument("--reason", required=True, choices=REASONS, metavar="CODE")
    _as_user(purge)
    add_json(purge)
    purge.set_defaults(handler=run_purge)


def run_purge(args: argparse.Namespace, ctx) -> int:
    with ctx.database() as db:
        result = purge_person(db, _actor(db, args), args.id, args.reason)
    if args.json:
        print_json(
            {"person": result.person_id, "reason": result.reason,
             "memberships_ended": result.memberships_ended}
        )  # fmt: skip
    else:
        print(_("Person {id} erased; the erasure goes out with the next bundles.").format(
            id=result.person_id))  # fmt: skip
    return 0
