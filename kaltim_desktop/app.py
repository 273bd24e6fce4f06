# SPDX-License-Identifier: GPL-3.0-or-later
"""Start-up wiring, and nothing else: language, data directory, logging, then either a
command-line command or the application itself.

Expected problems (:class:`~kaltim_desktop.errors.KaltimError`) end with their one-line message
on stderr and their exit code; anything else is a bug: it is logged with its traceback and the
user is pointed at the log file.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import sys
from collections.abc import Sequence

from kaltim_desktop import __version__, i18n
from kaltim_desktop.errors import KaltimError
from kaltim_desktop.i18n import _
from kaltim_desktop.logging_setup import setup_logging
from kaltim_desktop.paths import data_dir

log = logging.getLogger(__name__)

EXIT_UNEXPECTED = 70  # EX_SOFTWARE: an internal error, as opposed to a KaltimError's own code
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a killed writer
DEMO_SUBDIR = "demo"


def _early_options(argv: Sequence[str]) -> argparse.Namespace:
    """Pick ``--lang`` out of the arguments before the real parser (with its translated help
    texts) is built."""
    early = argparse.ArgumentParser(add_help=False)
    # No choices here: a wrong value is reported by the full parser, with the full usage.
    early.add_argument("--lang")
    options, _rest = early.parse_known_args(argv)
    return options


def _configure_streams() -> None:
    # A Windows console may not encode every character of a name; print what it can.
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


def _one_line(message: str) -> str:
    return " ".join(message.split())


def start_application(ctx, *, demo: bool, language_given: bool = False) -> int:
    """Start the desktop: sign-in, then the main window, with the database open for the
    window's lifetime (``--demo``: on the demo database, filled on first use). Without
    ``--lang`` or ``KALTIM_LANG`` the language chosen in Pengaturan applies."""
    from kaltim_desktop.ui.application import run_gui

    return run_gui(ctx, demo=demo, use_saved_language=not language_given)


def run_self_test() -> int:
    """``--self-test``: check the installation on temporary data, the desktop window included
    (this module hands the Qt step to the Qt-free :mod:`kaltim_desktop.selftest`)."""
    from kaltim_desktop.selftest import run_self_test as run_steps

    def show_window(db, actor, data_dir, log_file) -> str:
        from kaltim_desktop.ui.self_test import show_main_window

        return show_main_window(db, actor, data_dir, log_file)

    try:
        return run_steps(gui=show_window)
    except BrokenPipeError:  # the reader went away (| head), as for the commands below
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


def main(argv: Sequence[str] | None = None) -> int:
    """Run the application; return the process exit code.

    Args:
        argv: the arguments without the program name (default: ``sys.argv[1:]``).
    """
    # In a frozen build a worker process (large demo generation) starts this same executable;
    # freeze_support turns it into the worker instead of a second application.
    multiprocessing.freeze_support()
    argv = list(sys.argv[1:] if argv is None else argv)
    _configure_streams()
    early = _early_options(argv)
    # An unsupported value falls back to the default language (set_language does that).
    i18n.set_language(early.lang or os.environ.get("KALTIM_LANG") or i18n.DEFAULT_LANGUAGE)

    from kaltim_desktop.cli import Context, build_parser, run_command

    args = build_parser().parse_args(argv)  # exits 2 with a usage message on bad arguments
    if args.self_test:  # before the data directory: the self-test never touches it
        return run_self_test()
    try:
        directory = data_dir(args.data_dir)
        if args.demo:
            directory = directory / DEMO_SUBDIR
            directory.mkdir(parents=True, exist_ok=True)
        log_file = setup_logging(directory)
    except OSError as exc:
        print(
            _one_line(_("The data directory cannot be used: {error}").format(error=exc)),
            file=sys.stderr,
        )
        return KaltimError.exit_code

    log.info(
        "kaltim_desktop %s, command %s, language %s",
        __version__,
        getattr(args, "command", None),
        i18n.current_language(),
    )
    ctx = Context(data_dir=directory, log_file=log_file)
    try:
        if args.command:
            return run_command(args, ctx)
        return start_application(
            ctx, demo=args.demo, language_given=bool(early.lang or os.environ.get("KALTIM_LANG"))
        )
    except KaltimError as exc:
        # The message is shown, not logged: it is already fit for the user, and the log keeps
        # to ids and error types.
        log.info("stopped by %s (exit %d)", type(exc).__name__, exc.exit_code)
        print(_one_line(exc.message), file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        # The reader went away (``| head``): stop quietly, and keep Python from complaining
        # again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        log.info("interrupted")
        print(_("Interrupted."), file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception:
        log.exception("unexpected error")
        print(
            _one_line(_("Unexpected error, see the log: {path}").format(path=log_file)),
            file=sys.stderr,
        )
        return EXIT_UNEXPECTED
