# SPDX-License-Identifier: GPL-3.0-or-later
"""The argument parser, the context handed to every command, and the dispatcher.

Help texts go through :func:`~kaltim_desktop.i18n._` when the parser is built, so the caller
sets the language first (``--lang`` is pre-parsed by :mod:`kaltim_desktop.app`).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kaltim_desktop import __version__
from kaltim_desktop.db import Database, current_revision, ensure_not_newer, open_database
from kaltim_desktop.i18n import SUPPORTED_LANGUAGES, _
from kaltim_desktop.paths import backups_dir, database_path

EXIT_OK = 0


@dataclass(frozen=True)
class Context:
    """What every command needs to know about where it runs.

    Attributes:
        data_dir: the data directory (database, backups, logs).
        log_file: the log file, named in the "unexpected error" message.
    """

    data_dir: Path
    log_file: Path

    @property
    def db_path(self) -> Path:
        return database_path(self.data_dir)

    @property
    def backups_dir(self) -> Path:
        return backups_dir(self.data_dir)

    @contextmanager
    def database(self) -> Iterator[Database]:
        """Open the database the way every start does: refuse a newer one, back it up,
        upgrade it, check foreign keys; dispose of the engine afterwards."""
        db = open_database(self.db_path, self.backups_dir)
        try:
            yield db
        finally:
            db.dispose()


Handler = Callable[[argparse.Namespace, Context], int]


def _add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json", action="store_true", help=_("print JSON with stable keys, for scripts")
    )


def build_parser() -> argparse.ArgumentParser:
    """Build the full parser: top-level options and every command."""
    # Imported here, not at module level: the command modules import the services, which the
    # top-level ``--help`` path does not need.
    from kaltim_desktop.cli import (
        certificate_commands,
        db_commands,
        demo_command,
        erasure,
        exchange_commands,
        household_commands,
        review_commands,
        sync_commands,
        user_commands,
    )

    parser = argparse.ArgumentParser(
        prog="main.py",
        description=_(
            "Registry of the East Kalimantan poverty-alleviation programmes. Without a command "
            "the application starts."
        ),
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help=_("data directory (default: KALTIM_DATA_DIR, else the user data directory)"),
    )
    parser.add_argument(
        "--lang",
        choices=SUPPORTED_LANGUAGES,
        help=_("language of messages: id (Bahasa Indonesia) or en (English)"),
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help=_(
            "use the demo data directory; without a command, start on demo data "
            "(created on first use)"
        ),
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help=_(
            "check this installation on temporary data (database, certificate, desktop "
            "window) and exit; the data directory is not touched"
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title=_("commands"))
    demo_command.register(commands, _add_json)
    db_commands.register(commands, _add_json)
    user_commands.register(commands, _add_json)
    household_commands.register(commands, _add_json)
    certificate_commands.register(commands, _add_json)
    exchange_commands.register(commands, _add_json)
    sync_commands.register(commands, _add_json)
    review_commands.register(commands, _add_json)
    erasure.register(commands, _add_json)
    return parser


def run_command(args: argparse.Namespace, ctx: Context) -> int:
    """Run the command chosen in ``args``; return the exit code.

    Every command first refuses a database written by a newer version, before anything could
    touch the file (``db restore`` and ``db check`` included).

    Raises:
        KaltimError: an expected problem; the caller prints its message.
    """
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        # "main.py db" without a sub-command: show that group's help.
        args.group_parser.print_help()
        return 2
    if ctx.db_path.exists():
        ensure_not_newer(current_revision(ctx.db_path))
    return handler(args, ctx)
