# SPDX-License-Identifier: GPL-3.0-or-later
"""``user add`` and ``user list``: the officers who may use this installation.

Passwords are read from a prompt (with confirmation), or from ``KALTIM_PASSWORD`` and
``KALTIM_AS_PASSWORD`` for scripts; they never appear on the command line, where other users
of the machine could see them in the process list.
"""

from __future__ import annotations

import argparse
import logging

from kaltim_desktop.cli.output import print_json, print_table, read_password
from kaltim_desktop.domain.vocab import ROLE
from kaltim_desktop.errors import AuthenticationFailed
from kaltim_desktop.i18n import _
from kaltim_desktop.services import officers
from kaltim_desktop.services.context import ROLE_RANK

log = logging.getLogger(__name__)

PASSWORD_ENV = "KALTIM_PASSWORD"
AS_PASSWORD_ENV = "KALTIM_AS_PASSWORD"


def register(commands: argparse._SubParsersAction, add_json) -> None:
    group = commands.add_parser(
        "user",
        help=_("add or list officers"),
        description=_("Officers who may use this installation."),
    )
    group.set_defaults(group_parser=group)
    sub = group.add_subparsers(metavar="ACTION", title=_("actions"))

    add = sub.add_parser(
        "add",
        help=_("add an officer"),
        description=_(
            "Add an officer. The first account must be an administrator; after that an "
            "administrator must confirm with --as. The password is asked twice, or read from "
            "KALTIM_PASSWORD (and the administrator's from KALTIM_AS_PASSWORD)."
        ),
    )
    add.add_argument("username", metavar="USERNAME", help=_("user name for signing in"))
    add.add_argument("--name", required=True, help=_("full name"))
    add.add_argument(
        "--role",
        required=True,
        choices=list(ROLE_RANK),
        help=_("operator, supervisor or admin"),
    )
    add.add_argument("--nip", help=_("civil-servant number (NIP, 18 digits), optional"))
    add.add_argument(
        "--as",
        dest="as_user",
        metavar="USERNAME",
        help=_("administrator who authorises the new account"),
    )
    add_json(add)
    add.set_defaults(handler=run_add)

    listing = sub.add_parser("list", help=_("list the officers"))
    add_json(listing)
    listing.set_defaults(handler=run_list)


def run_add(args: argparse.Namespace, ctx) -> int:
    with ctx.database() as db:
        actor = None
        if officers.count_officers(db):
            if not args.as_user:
                raise AuthenticationFailed(
                    _("Officers already exist: give --as USERNAME of an administrator.")
                )
            # Authenticate before asking for the new password, so a wrong administrator
            # password fails fast.
            admin_password = read_password(
                AS_PASSWORD_ENV,
                _("Password of {username}: ").format(username=args.as_user),
                confirm=False,
            )
            actor = officers.authenticate(db, args.as_user, admin_password)
        password = read_password(
            PASSWORD_ENV,
            _("Password for {username}: ").format(username=args.username),
            confirm=True,
        )
        row = officers.add_officer(
            db,
            actor,
            username=args.username,
            name=args.name,
            password=password,
            role=args.role,
            nip=args.nip,
        )
    log.info("officer %s added", row.id)
    if args.json:
        print_json(row)
    else:
        print(
            _("Officer {username} added ({role}).").format(
                username=row.username, role=_(ROLE.get(row.role, row.role))
            )
        )
    return 0


def run_list(args: argparse.Namespace, ctx) -> int:
    with ctx.database() as db:
        rows = officers.list_officers(db)
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print(_("No officers yet. Add the first administrator with “user add”."))
        return 0
    print_table(
        [_("User name"), _("Name"), _("Role"), _("NIP"), _("Active")],
        [
            (
                r.username,
                r.name,
                _(ROLE.get(r.role, r.role)),
                r.nip or "-",
                _("yes") if r.active else _("no"),
            )
            for r in rows
        ],
    )
    return 0
