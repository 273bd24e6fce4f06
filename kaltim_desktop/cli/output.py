# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared output helpers: JSON for scripts, aligned tables for people, a terminal progress line
and password prompts."""

from __future__ import annotations

import getpass
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from kaltim_desktop.errors import Issue, KaltimError, ValidationError
from kaltim_desktop.i18n import _


def to_jsonable(value: Any) -> Any:
    """Turn dataclasses, dates, paths and tuples into plain JSON values (dates as ISO 8601)."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    return value


def print_json(value: Any) -> None:
    """Print ``value`` as indented JSON with sorted keys (stable for scripts and diffs)."""
    print(json.dumps(to_jsonable(value), ensure_ascii=False, indent=2, sort_keys=True))


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Print rows as left-aligned columns under a header line."""
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for index, row in enumerate(cells):
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if index == 0:
            print("  ".join("-" * w for w in widths))


class TerminalProgress:
    """A :class:`~kaltim_desktop.progress.Progress` that redraws one line on a terminal.

    Silent when stderr is not a terminal, so scripts and logs get no carriage-return noise.
    """

    def __init__(self, stream=None) -> None:
        self._stream = stream or sys.stderr
        self._enabled = self._stream.isatty()
        self._last = ""

    def update(self, done: int, total: int | None = None, message: str = "") -> None:
        if not self._enabled:
            return
        line = f"{message} {done}/{total}" if total else f"{message} {done}"
        if line != self._last:
            self._stream.write("\r" + line.strip().ljust(len(self._last)))
            self._stream.flush()
            self._last = line

    def check(self) -> None:
        """Cancellation comes from Ctrl-C on the command line; nothing to poll."""

    def finish(self) -> None:
        if self._enabled and self._last:
            self._stream.write("\r" + " " * len(self._last) + "\r")
            self._stream.flush()


def read_password(env: str, prompt: str, *, confirm: bool) -> str:
    """Read a password from the environment variable ``env``, else from the terminal.

    Raises:
        KaltimError: there is no terminal to ask on and ``env`` is not set.
        ValidationError: the confirmation did not match.
    """
    value = os.environ.get(env)
    if value:
        return value
    if sys.stdin is None or not sys.stdin.isatty():
        raise KaltimError(
            _("No terminal to ask for the password: set the environment variable {env}.").format(
                env=env
            )
        )
    password = getpass.getpass(prompt)
    if confirm and getpass.getpass(_("Repeat the password: ")) != password:
        raise ValidationError(
            [
                Issue(
                    "password",
                    "officer.password_mismatch",
                    "error",
                    _("The two passwords are not the same."),
                )
            ]
        )
    return password
