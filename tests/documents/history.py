# SPDX-License-Identifier: GPL-3.0-or-later
"""A document's whole life through the services, for tests that need every op kind of the
``document`` entity (issued, reprinted, voided)."""

from __future__ import annotations

import dataclasses

from kaltim_desktop.services.certificates import issue_document, reprint_document, void_document
from kaltim_desktop.services.document_settings import configure_documents


def issue_reprint_and_void(db, operator, handover_id: str) -> str:
    """Issue an RLH certificate of a handed-over house, reprint it and void it; return its id."""
    admin = dataclasses.replace(operator, role="admin")
    supervisor = dataclasses.replace(operator, role="supervisor")
    configure_documents(
        db, admin, signatory_name="Dr. Contoh Pejabat", signatory_nip="196804111993031009"
    )
    folder = db.path.parent
    row = issue_document(db, operator, "rlh_certificate", handover_id, folder / "issued.pdf")
    reprint_document(db, operator, row.id, folder / "copy.pdf")
    void_document(db, supervisor, row.id, "Salah tulis nama")
    return row.id
