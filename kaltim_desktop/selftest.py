# SPDX-License-Identifier: GPL-3.0-or-later
"""``--self-test``: check an installation the way an officer would use it, on throw-away data.

Every step runs against a fresh temporary data directory (never the officer's own): the
application's files are all there (catalogues, date formats, fonts, regions), the migrations
build the database, an administrator and a demo household are registered through the real
services, its change log is decoded in a worker process as a large import would, a house
certificate is rendered and its QR signature verified, and finally the main window is shown
offscreen. The first failing step is named and the process exits non-zero, so a build that
lacks a file fails here rather than on an officer's laptop.

This module is Qt-free; the desktop step is handed in by :mod:`kaltim_desktop.app` (which may
import the Qt layer), and ``QT_QPA_PLATFORM`` is set to ``offscreen`` before it runs.
"""

from __future__ import annotations

import gettext
import importlib
import logging
import os
import pkgutil
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TextIO

import kaltim_desktop
from kaltim_desktop import __version__, i18n
from kaltim_desktop.db import Database, current_revision, head_revision, open_database
from kaltim_desktop.errors import KaltimError
from kaltim_desktop.i18n import _
from kaltim_desktop.logging_setup import PrivacyFormatter, log_file_path
from kaltim_desktop.paths import backups_dir, database_path, migrations_dir
from kaltim_desktop.services.context import Actor

log = logging.getLogger(__name__)

EXIT_PASSED = 0
EXIT_FAILED = 1

# An invented household in a real Samarinda village (64.72.06.1001 Loa Bakung) with identity
# numbers that pass the NIK and KK checks; the administrator exists only in the temporary data.
VILLAGE = "64.72.06.1001"
REGENCY = "64.72"
HEAD_NIK = "6472061505800001"
SPOUSE_NIK = "6472065708850002"
KK_NUMBER = "6472060101150004"
ADMIN_USERNAME = "selftest"
ADMIN_PASSWORD = "self-test-password-1"  # a throw-away account of the temporary database
SIGNATORY_NIP = "196804111993031009"
SAMPLE_DATE = date(2024, 8, 23)
EXPECTED_DATES = {"id": "23 Agustus 2024", "en": "23 August 2024"}

GuiStep = Callable[[Database, Actor, Path, Path], str]
"""The desktop step: (database, officer, data directory, log file) → what it showed."""


class SelfTestFailure(Exception):
    """A check found something wrong (as opposed to an error raised by the code it ran)."""


@dataclass
class Workspace:
    """What the steps build up, one after the other, in the temporary data directory."""

    data_dir: Path
    log_file: Path
    db: Database | None = None
    actor: Actor | None = None
    household_id: str | None = None

    def database(self) -> Database:
        if self.db is None:
            raise SelfTestFailure("the database step did not run")
        return self.db


# ---- the steps (each returns a short description of what it checked) -----------------------


def check_application_files() -> str:
    """The files that PyInstaller or an installer could leave out: catalogues, Babel's locale
    data, fonts, region data and migrations."""
    from kaltim_desktop.domain.formatting import format_date_long
    from kaltim_desktop.domain.regions import region_tree
    from kaltim_desktop.reports.documents.fonts import FONT_DIR, register_fonts

    missing = [
        domain
        for domain in i18n.DOMAINS
        if gettext.find(domain, str(i18n.LOCALE_DIR), ["id"]) is None
    ]
    if missing:
        raise SelfTestFailure(f"translation catalogues missing: {', '.join(missing)}")
    for language, expected in EXPECTED_DATES.items():
        written = format_date_long(SAMPLE_DATE, language=language)
        if written != expected:
            raise SelfTestFailure(f"date in {language}: {written!r}, expected {expected!r}")
    register_fonts()
    fonts = sorted(FONT_DIR.glob("*.ttf"))
    tree = region_tree()
    if not fonts:
        raise SelfTestFailure(f"no fonts in {FONT_DIR}")
    if not tree.is_village(VILLAGE):
        raise SelfTestFailure(f"region data lacks village {VILLAGE}")
    head = head_revision()
    return _("{domains} catalogues, {fonts} fonts, {regions} regions, schema {revision}").format(
        domains=len(i18n.DOMAINS), fonts=len(fonts), regions=len(tree), revision=head
    )


QT_LAYER = ("kaltim_desktop.ui", "kaltim_desktop.app")
"""Modules that import Qt: loaded by the desktop step, never by this Qt-free module."""


def core_module_names() -> list[str]:
    """Every module of the package outside the Qt layer, found on disk or in the bundle."""
    names: list[str] = []

    def walk(path: list[str], prefix: str) -> None:
        for info in pkgutil.iter_modules(path, prefix):
            if info.name.startswith(QT_LAYER):
                continue
            names.append(info.name)
            if info.ispkg:
                walk(importlib.import_module(info.name).__path__, info.name + ".")

    walk(list(kaltim_desktop.__path__), "kaltim_desktop.")
    return sorted(names)


def import_core_modules() -> str:
    """Import them all: a module the build left out, or a library only it uses (the sync
    compression, a rarely used export), fails here rather than when an officer first needs it."""
    names = core_module_names()
    for name in names:
        importlib.import_module(name)
    return _("{count} modules imported").format(count=len(names))


def check_native_libraries(work: Workspace) -> str:
    """The compiled parts the other steps do not reach: age encryption (sync bundles), image
    codecs (house photos), spreadsheet writing and reading (export, import), fuzzy matching."""
    import io

    import pyrage
    import xlsxwriter
    from PIL import Image
    from rapidfuzz import fuzz

    from kaltim_desktop.exchange.sheets import read_table
    from kaltim_desktop.services.photos import ACCEPTED_FORMATS

    identity = pyrage.x25519.Identity.generate()
    if pyrage.decrypt(pyrage.encrypt(b"kaltim", [identity.to_public()]), [identity]) != b"kaltim":
        raise SelfTestFailure("age encryption did not round-trip")
    for image_format in ACCEPTED_FORMATS:
        buffer = io.BytesIO()
        Image.new("RGB", (8, 8), "green").save(buffer, format=image_format)
        buffer.seek(0)
        with Image.open(buffer, formats=[image_format]) as image:
            image.load()
    workbook_path = work.data_dir / "sheet.xlsx"
    workbook = xlsxwriter.Workbook(str(workbook_path))
    sheet = workbook.add_worksheet("BNBA")
    sheet.write_row(0, 0, ["NIK", "Nama"])
    sheet.write_row(1, 0, [HEAD_NIK, "Ahmad Uji Coba"])
    workbook.close()
    table = read_table(workbook_path)
    if [values[1] for _row, values in table.rows] != ["Ahmad Uji Coba"]:
        raise SelfTestFailure(f"spreadsheet read back as {table.rows!r}")
    if fuzz.ratio("Loa Bakung", "Loa Bakung") != 100:
        raise SelfTestFailure("fuzzy matching is broken")
    return _("age, {formats} image formats, spreadsheets, fuzzy search").format(
        formats=len(ACCEPTED_FORMATS)
    )


def create_database(work: Workspace) -> str:
    """Create the database in the empty data directory and migrate it to the head."""
    path = database_path(work.data_dir)
    work.db = open_database(path, backups_dir(work.data_dir))
    revision, head = current_revision(path), head_revision()
    if revision != head:
        raise SelfTestFailure(f"database at revision {revision}, expected {head}")
    return _("migrated to revision {revision}").format(revision=revision)


def register_officer(work: Workspace) -> str:
    """The first-start set-up, then a sign-in with the new password."""
    from kaltim_desktop.services.installation import first_run_setup
    from kaltim_desktop.services.officers import authenticate

    db = work.database()
    first_run_setup(
        db, username=ADMIN_USERNAME, name="Petugas Uji Mandiri", password=ADMIN_PASSWORD,
        regency_code=REGENCY,
    )  # fmt: skip
    work.actor = authenticate(db, ADMIN_USERNAME, ADMIN_PASSWORD)
    return _("administrator signed in")


def demo_household():
    """The invented two-person household registered by the self-test."""
    from kaltim_desktop.services.household_rules import HouseholdInput, MemberInput

    head = MemberInput(
        name="Ahmad Uji Coba", sex="M", relation="head", nik=HEAD_NIK,
        birth_place="Samarinda", birth_date=date(1980, 5, 15), occupation="Nelayan",
    )  # fmt: skip
    spouse = MemberInput(
        name="Siti Uji Coba", sex="F", relation="spouse", nik=SPOUSE_NIK,
        birth_date=date(1985, 8, 17),
    )  # fmt: skip
    return HouseholdInput(
        village_code=VILLAGE, members=(head, spouse), kk_number=KK_NUMBER,
        kk_as_of=date(2024, 1, 10), rt=3, rw=1, street="Jl. Contoh No. 1",
    )  # fmt: skip


def register_household(work: Workspace) -> str:
    """Register the demo household and read it back."""
    from kaltim_desktop.services.household_views import get_household
    from kaltim_desktop.services.households import save_household

    db, actor = work.database(), _actor(work)
    saved = save_household(db, actor, demo_household(), confirm_warnings=True)
    work.household_id = saved.id
    members = len(get_household(db, saved.id).members)
    if members != 2:
        raise SelfTestFailure(f"household read back with {members} members, expected 2")
    return _("household with {count} members").format(count=members)


def check_worker_processes(work: Workspace) -> str:
    """Large exports and imports code and decode bundle members in worker processes started
    from this same program: a frozen build must turn them into workers, not a second
    application. The demo household's change log goes through an import's decoding worker and
    must come back with the hashes it was stored with."""
    import pickle

    from sqlalchemy import select

    from kaltim_desktop.models import SyncOp
    from kaltim_desktop.sync.bundles import codec, compression, decode_ahead
    from kaltim_desktop.sync.ops import op_from_row
    from kaltim_desktop.workers import worker_pool

    with work.database().read() as session:
        rows = session.scalars(select(SyncOp).order_by(SyncOp.origin, SyncOp.seq)).all()
        ops, stored = [op_from_row(r).as_dict() for r in rows], [r.op_hash for r in rows]
    if not ops:
        raise SelfTestFailure("the demo household left no change log")
    body = codec.encode_ops(ops)
    with worker_pool(1) as pool:
        status, slices, detail = pool.submit(
            decode_ahead.decode_and_hash, compression.compress(body), len(body), len(ops)
        ).result(timeout=300)
    if status != "ok":
        raise SelfTestFailure(f"the worker refused the change log ({slices}: {detail})")
    back = [pair for data in slices for pair in zip(*pickle.loads(data), strict=True)]
    if [op for op, _ in back] != ops or [hashed[3] for _, hashed in back] != stored:
        raise SelfTestFailure("the worker process decoded the change log differently")
    return _("{count} changes decoded in a worker process").format(count=len(ops))


def issue_certificate(work: Workspace) -> str:
    """Hand a house over, print its certificate and verify the signed code read from the PDF."""
    from kaltim_desktop.services.certificates import VALID, issue_document, verify_input
    from kaltim_desktop.services.document_settings import configure_documents
    from kaltim_desktop.services.handover_rules import HandoverInput
    from kaltim_desktop.services.handovers import advance_handover, create_handover
    from kaltim_desktop.services.household_views import get_household

    db, actor = work.database(), _actor(work)
    if work.household_id is None:
        raise SelfTestFailure("the household step did not run")
    configure_documents(
        db, actor, signatory_name="Pejabat Uji Mandiri", signatory_nip=SIGNATORY_NIP
    )
    household = get_household(db, work.household_id)
    head = next(m.person_id for m in household.members if m.relation == "head")
    handed_over = date.today() - timedelta(days=30)
    handover = create_handover(
        db, actor,
        HandoverInput(
            household_id=household.id, funder="CSR Uji Mandiri", building_partner="Kodim Uji",
            house_type="type36_concrete", cost_rupiah=100_000_000,
            surveyed_on=handed_over - timedelta(days=200),
        ),
        confirm_warnings=True,
    )  # fmt: skip
    advance_handover(db, actor, handover.id, "under_construction", on=handed_over - timedelta(190))
    advance_handover(db, actor, handover.id, "completed", on=handed_over - timedelta(days=5))
    advance_handover(
        db, actor, handover.id, "handed_over", on=handed_over, recipient_person_id=head
    )
    pdf = work.data_dir / "certificate.pdf"
    issued = issue_document(db, actor, "rlh_certificate", handover.id, pdf)
    results = verify_input(db, str(pdf))
    if [r.status for r in results] != [VALID] or results[0].claims.number != issued.number:
        raise SelfTestFailure(f"verification gave {[(r.status, r.reason) for r in results]}")
    return _("certificate {number} printed and verified").format(number=issued.number)


def _actor(work: Workspace) -> Actor:
    if work.actor is None:
        raise SelfTestFailure("the officer step did not run")
    return work.actor


# ---- running them ----------------------------------------------------------------------------


def _steps(gui: GuiStep | None) -> list[tuple[str, Callable[[Workspace], str]]]:
    steps: list[tuple[str, Callable[[Workspace], str]]] = [
        (_("Program modules"), lambda _work: import_core_modules()),
        (_("Application files"), lambda _work: check_application_files()),
        (_("Native libraries"), check_native_libraries),
        (_("Database and migrations"), create_database),
        (_("Officer account"), register_officer),
        (_("Demo household"), register_household),
        (_("Worker processes"), check_worker_processes),
        (_("Certificate and verification"), issue_certificate),
    ]
    if gui is not None:
        steps.append(
            (
                _("Desktop window"),
                lambda work: gui(work.database(), _actor(work), work.data_dir, work.log_file),
            )
        )
    return steps


def describe_installation() -> list[str]:
    """Where this program runs from: shown first, so a frozen build proves it uses its own
    files (and not a source tree that happens to be importable)."""
    frozen = bool(getattr(sys, "frozen", False))
    return [
        _("Version: {version}").format(version=__version__),
        _("Program files: {path}").format(path=Path(kaltim_desktop.__file__).resolve().parent),
        _("Migrations: {path}").format(path=migrations_dir().resolve()),
        _("Frozen build: {answer}").format(answer=_("yes") if frozen else _("no")),
    ]


def _attach_log(path: Path) -> logging.Handler:
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(PrivacyFormatter("%(asctime)s %(levelname)-7s %(name)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return handler


def run_self_test(*, gui: GuiStep | None = None, out: TextIO | None = None) -> int:
    """Run every step on a new temporary data directory; return the exit code.

    The directory is removed when every step passed; after a failure it is kept and named, with
    the log that holds the traceback.

    Args:
        gui: the desktop step (left out when None).
        out: where the report goes (default: stdout).
    """
    out = out or sys.stdout
    # Before anything imports Qt: the self-test must run without a display (CI, a server, an
    # installer's last page). An explicit offscreen set-up (with a screen size) is kept.
    if not os.environ.get("QT_QPA_PLATFORM", "").startswith("offscreen"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    print(_("Kaltim Desktop self-test"), file=out)
    for line in describe_installation():
        print(f"  {line}", file=out)
    directory = Path(tempfile.mkdtemp(prefix="kaltim-selftest-"))
    work = Workspace(data_dir=directory, log_file=log_file_path(directory))
    handler = _attach_log(work.log_file)
    failed: str | None = None
    try:
        for title, step in _steps(gui):
            try:
                detail = step(work)
            except Exception as exc:
                log.exception("self-test step failed")
                reason = exc.message if isinstance(exc, KaltimError) else f"{exc}"
                print(f"  [FAIL] {title}: {type(exc).__name__}: {reason}", file=out)
                failed = title
                break
            print(f"  [ OK ] {title}: {detail}", file=out)
    finally:
        if work.db is not None:
            work.db.dispose()
        logging.getLogger().removeHandler(handler)
        handler.close()
    if failed is not None:
        print(_("Self-test FAILED at: {step}").format(step=failed), file=out)
        print(_("The test data and its log are kept in: {path}").format(path=directory), file=out)
        return EXIT_FAILED
    shutil.rmtree(directory, ignore_errors=True)
    print(_("Self-test passed."), file=out)
    return EXIT_PASSED
