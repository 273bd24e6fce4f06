# SPDX-License-Identifier: GPL-3.0-or-later
"""Why a bundle was refused, as a stable code and in plain words.

Library messages (age, zipfile, cryptography) are never shown: they are misleading ("No matching
keys found" for a damaged header) and may name internals. Every refusal maps to one code.
"""

from __future__ import annotations

from kaltim_desktop.errors import KaltimError
from kaltim_desktop.i18n import N_, _

E_DAMAGED = "E_DAMAGED"
E_NOT_FOR_US = "E_NOT_FOR_US"
E_BAD_SIGNATURE = "E_BAD_SIGNATURE"
E_UNKNOWN_DEVICE = "E_UNKNOWN_DEVICE"
E_CERT_NOT_TRUSTED = "E_CERT_NOT_TRUSTED"
E_SCOPE = "E_SCOPE"
E_OWNERSHIP = "E_OWNERSHIP"
E_FORMAT_UNSUPPORTED = "E_FORMAT_UNSUPPORTED"
E_SCHEMA_TOO_NEW = "E_SCHEMA_TOO_NEW"
E_UNLISTED_MEMBER = "E_UNLISTED_MEMBER"
E_SIZE_LIMIT = "E_SIZE_LIMIT"
E_FORK = "E_FORK"
E_REGISTRY_ROLLBACK = "E_REGISTRY_ROLLBACK"
E_NOT_ENROLLED = "E_NOT_ENROLLED"
E_WRONG_DIRECTION = "E_WRONG_DIRECTION"

MESSAGES = {
    E_DAMAGED: N_("The file is damaged or incomplete."),
    E_NOT_FOR_US: N_(
        "The file is not addressed to this office (or it is damaged): it cannot be opened here."
    ),
    E_BAD_SIGNATURE: N_("The file was changed after it was signed: its signature does not match."),
    E_UNKNOWN_DEVICE: N_("The file is signed by an unknown or revoked laptop."),
    E_CERT_NOT_TRUSTED: N_(
        "The file is signed by a laptop whose certificate was not issued by the province."
    ),
    E_SCOPE: N_("The file contains changes outside the region this laptop is responsible for."),
    E_OWNERSHIP: N_(
        "The file contains a decision only the province may take (a grant approval or an erasure)."
    ),
    E_FORMAT_UNSUPPORTED: N_(
        "The file was written in a format this version does not know: update the application."
    ),
    E_SCHEMA_TOO_NEW: N_(
        "The file was written by a newer version of the application: update the application. "
        "It is kept and will be applied after the update."
    ),
    E_UNLISTED_MEMBER: N_("The file contains parts that are not listed in its signed contents."),
    E_SIZE_LIMIT: N_("The file is larger than allowed, or contains too many parts."),
    E_FORK: N_(
        "The file contains changes that contradict changes already received from the same "
        "laptop (its database was probably restored from a copy). Nothing was applied; "
        "contact the province."
    ),
    E_REGISTRY_ROLLBACK: N_(
        "The file carries an older list of laptops than the one already known: it was refused."
    ),
    E_NOT_ENROLLED: N_("This laptop is not enrolled with the province yet."),
    E_WRONG_DIRECTION: N_("Laptops exchange files only with the province office."),
}


class BundleRejected(KaltimError):
    """A bundle part was refused; ``code`` is one of the ``E_*`` constants."""

    exit_code = 10

    def __init__(self, code: str, detail: str | None = None) -> None:
        super().__init__(_(MESSAGES[code]))
        self.code = code
        # For the log and the import report only; never personal data.
        self.detail = detail


def message(code: str) -> str:
    return _(MESSAGES[code])
