# SPDX-License-Identifier: GPL-3.0-or-later
"""The application log: a rotating file in ``<data dir>/logs/kaltim.log``.

Modules log with ``logging.getLogger(__name__)`` and only ever put record ids in messages, never
a NIK or a name. The formatter below is a second line of defence for what slips through anyway:
library messages and tracebacks (SQLAlchemy, for one, prints the bound parameters of a failed
statement, which can be a person's name and NIK).
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

LOG_FILE_NAME = "kaltim.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
_FORMAT = "%(asctime)s %(levelname)-7s %(name)s [%(threadName)s] %(message)s"

# A NIK or KK number is 16 digits; ids are UUIDs (hex with dashes), so they are never matched.
_SIXTEEN_DIGITS = re.compile(r"(?<!\d)(\d{4})\d{8}(\d{4})(?!\d)")
# SQLAlchemy appends "[parameters: (...)]" to the message of a failed statement.
_SQL_PARAMETERS = re.compile(r"\[parameters: .*?\](?=\n|$)", re.DOTALL)

_MARK = "_kaltim_handler"
_installed_hooks = False


def redact(text: str) -> str:
    """Mask anything that looks like a NIK or KK number and drop SQL parameters.

    Args:
        text: a formatted log line, possibly with a traceback.

    Returns:
        The text with 16-digit numbers reduced to their first and last four digits and SQL
        parameter lists replaced by a placeholder.
    """
    text = _SQL_PARAMETERS.sub("[parameters: hidden]", text)
    return _SIXTEEN_DIGITS.sub(r"\1********\2", text)


class PrivacyFormatter(logging.Formatter):
    """A formatter that redacts the whole formatted record, traceback included."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def log_file_path(data_dir: Path) -> Path:
    """Return where the log of the data directory ``data_dir`` is written."""
    return data_dir / "logs" / LOG_FILE_NAME


def setup_logging(data_dir: Path, *, level: int = logging.INFO, stderr: bool = False) -> Path:
    """Send the application's log to a rotating file under ``data_dir``.

    Safe to call more than once (tests, or a switch to the demo data directory): handlers
    installed by an earlier call are replaced, not duplicated.

    Args:
        data_dir: the data directory; the log goes to ``logs/kaltim.log`` inside it.
        level: the root logger level.
        stderr: also log warnings and worse to stderr (development).

    Returns:
        The path of the log file.
    """
    path = log_file_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, _MARK, False)]:
        root.removeHandler(handler)
        handler.close()

    formatter = PrivacyFormatter(_FORMAT)
    file_handler = RotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
    )
    file_handler.setFormatter(formatter)
    handlers: list[logging.Handler] = [file_handler]
    if stderr:
        console = logging.StreamHandler(sys.stderr)
        console.setLevel(logging.WARNING)
        console.setFormatter(formatter)
        handlers.append(console)
    for handler in handlers:
        setattr(handler, _MARK, True)
        root.addHandler(handler)
    root.setLevel(level)
    # Python warnings (deprecations, SQLAlchemy warnings) end up in the file, not on the console.
    logging.captureWarnings(True)
    _install_hooks()
    return path


def _install_hooks() -> None:
    """Log uncaught exceptions of the main thread and of worker threads."""
    global _installed_hooks
    if _installed_hooks:
        return
    _installed_hooks = True
    previous = sys.excepthook
    previous_thread = threading.excepthook

    def excepthook(
        kind: type[BaseException], value: BaseException, tb: TracebackType | None
    ) -> None:
        if not issubclass(kind, KeyboardInterrupt):
            logging.getLogger("kaltim_desktop").critical(
                "uncaught exception", exc_info=(kind, value, tb)
            )
        previous(kind, value, tb)

    def thread_excepthook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is not SystemExit and args.exc_value is not None:
            logging.getLogger("kaltim_desktop").critical(
                "uncaught exception in thread %s",
                getattr(args.thread, "name", "?"),
                exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
            )
        previous_thread(args)

    sys.excepthook = excepthook
    threading.excepthook = thread_excepthook
