# SPDX-License-Identifier: GPL-3.0-or-later
"""Typed errors: expected problems carry a message for the user, anything else is a bug.

Messages never contain personal data (NIK, names): they are shown, logged and printed on the
command line.
"""

from __future__ import annotations

from dataclasses import dataclass


class KaltimError(Exception):
    """An expected problem with a message fit for the user, already translated."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Issue:
    """One finding of a validation rule.

    Attributes:
        field: the input field it concerns (``"nik"``, ``"members[2].birth_date"``...).
        code: a stable machine-readable code such as ``"nik.serial_zero"``.
        severity: ``"error"`` blocks saving; ``"warning"`` may be confirmed by the officer.
        message: the explanation in the current language.
    """

    field: str
    code: str
    severity: str
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class ValidationError(KaltimError):
    """Input was refused; ``issues`` lists every error (and the warnings seen with them)."""

    exit_code = 2

    def __init__(self, issues: list[Issue] | tuple[Issue, ...]) -> None:
        self.issues = tuple(issues)
        errors = [i for i in self.issues if i.is_error] or list(self.issues)
        super().__init__("; ".join(f"{i.field}: {i.message}" for i in errors))


class WarningsNotConfirmed(ValidationError):
    """Only warnings were found, and the caller did not confirm them."""

    exit_code = 3


class NotFound(KaltimError):
    """A record asked for by id does not exist."""

    exit_code = 4


class PermissionDenied(KaltimError):
    """The officer's role does not allow this use case."""

    exit_code = 5


class AuthenticationFailed(KaltimError):
    """Wrong user name or password, or the account is locked."""

    exit_code = 5


class Conflict(KaltimError):
    """The record changed underneath the caller, or a state transition is not allowed."""

    exit_code = 6


class DatabaseError(KaltimError):
    """The database file cannot be used as it is (too new, damaged, failed migration)."""

    exit_code = 7


class SchemaTooNew(DatabaseError):
    """The database was written by a newer version of the application."""


class Cancelled(KaltimError):
    """The user cancelled a long operation; nothing was changed."""

    exit_code = 130
