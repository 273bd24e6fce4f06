# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark of certificate printing: pages per second for a batch, against plain ReportLab.

Run ``uv run python bench/certificates.py`` (``--count N``, default 1,000). Both sides draw the
same RLH certificate page, with a real signed QR text per page (Ed25519, ~430 characters), into
one PDF in a temporary directory:

* **ours**: :func:`render_pdf` as the application uses it — QR modules drawn as one vector path,
  the frame, emblem and government lines drawn once as a PDF form and reused;
* **plain**: the same drawing calls, but the QR made as a PNG image with segno and placed with
  ``drawImage``, the frame drawn again on every page and ReportLab's default ASCII85 streams
  (what a straightforward ReportLab implementation does).

The target is ours ≥ 150 pages/s. With ``--service`` it also times the whole service path
(``issue_batch``: select, number, sign, record with op log and audit, draw, write) on a demo
database, for information.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import tempfile
import time
from pathlib import Path

import segno
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from reportlab.lib.utils import ImageReader

from kaltim_desktop.reports.documents import certificates, layout, render
from kaltim_desktop.reports.documents.render import render_pdf
from kaltim_desktop.reports.documents.samples import sample_rlh_certificate
from kaltim_desktop.trust.keys import DeviceKey, key_id
from kaltim_desktop.trust.payload import Claims, sign_claims

TARGET_PAGES_PER_S = 150.0


def signed_samples(count: int) -> list:
    private = Ed25519PrivateKey.generate()
    key = DeviceKey(private, key_id(private.public_key()))
    documents = []
    for serial in range(1, count + 1):
        number = f"400.9/{serial:04d}.L3F9A2C7B1E04-1/Adbang/2024"
        claims = Claims(
            number,
            "rlh_certificate",
            "Siti Nur'aini binti Abdul Rahman",
            "6472********0002",
            "RLH CSR 2024",
            "2024-08-23",
            "L-3F9A2C7B1E04#1",
            key.key_id,
        )
        documents.append(sample_rlh_certificate(serial, sign_claims(claims, key)))
    return documents


def png_qr(canvas, text: str, x: float, y: float, size: float) -> None:
    """The plain way: a PNG image per QR code."""
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="png", scale=4, border=4)
    buffer.seek(0)
    canvas.drawImage(ImageReader(buffer), x, y, size, size)


def timed(documents: list, path: Path) -> float:
    start = time.perf_counter()
    render_pdf(documents, path)
    return time.perf_counter() - start


def plain(documents: list, path: Path) -> float:
    """The same pages with a PNG QR, the frame redrawn on every page and ReportLab's default
    (ASCII85) stream encoding."""
    saved = layout.draw_qr, certificates._frame, render._binary_streams
    layout.draw_qr = png_qr
    certificates._frame = certificates._draw_frame
    render._binary_streams = contextlib.nullcontext
    try:
        return timed(documents, path)
    finally:
        layout.draw_qr, certificates._frame, render._binary_streams = saved


def service_batch(count: int, folder: Path) -> float:
    """issue_batch over ``count`` handed-over houses of a demo database (for information)."""
    from sqlalchemy import func, select

    from kaltim_desktop.db import open_database
    from kaltim_desktop.models import Handover
    from kaltim_desktop.services.certificate_batch import BatchSelection, issue_batch
    from kaltim_desktop.services.context import Actor
    from kaltim_desktop.services.demo import generate_demo
    from kaltim_desktop.services.document_settings import configure_documents

    db = open_database(folder / "kaltim.sqlite")
    try:
        admin = Actor.system()
        households = max(200, count * 3)
        generate_demo(db, households=households, seed=7)
        configure_documents(
            db, admin, signatory_name="Dr. Contoh Pejabat", signatory_nip="196804111993031009"
        )
        with db.read() as s:
            ready = s.scalar(select(func.count()).where(Handover.stage == "handed_over"))
        start = time.perf_counter()
        result = issue_batch(
            db, admin, "rlh_certificate", BatchSelection(region="64"), out_file=folder / "batch.pdf"
        )
        elapsed = time.perf_counter() - start
        print(
            f"service issue_batch: {result.issued} certificates ({ready} handed over) in "
            f"{elapsed:.2f} s = {result.issued / elapsed:.0f} pages/s"
        )
        return result.issued / elapsed
    finally:
        db.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--service", action="store_true", help="also time issue_batch")
    args = parser.parse_args(argv)
    documents = signed_samples(args.count)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        timed(documents[:5], folder / "warm.pdf")  # fonts registered, caches warm
        plain(documents[:5], folder / "warm-plain.pdf")
        ours_s = timed(documents, folder / "ours.pdf")
        plain_s = plain(documents, folder / "plain.pdf")
        ours_rate, plain_rate = args.count / ours_s, args.count / plain_s
        ours_mb = (folder / "ours.pdf").stat().st_size / 1e6
        plain_mb = (folder / "plain.pdf").stat().st_size / 1e6
        print(f"{args.count} certificate pages, one PDF each side")
        print(
            f"ours  (vector QR, shared frame): {ours_s:6.2f} s  {ours_rate:6.0f} pages/s  "
            f"{ours_mb:5.1f} MB"
        )
        print(
            f"plain (PNG QR, frame per page):  {plain_s:6.2f} s  {plain_rate:6.0f} pages/s  "
            f"{plain_mb:5.1f} MB"
        )
        verdict = "met" if ours_rate >= TARGET_PAGES_PER_S else "NOT met"
        print(
            f"ratio ours/plain: {ours_rate / plain_rate:.2f}x; "
            f"target >= {TARGET_PAGES_PER_S:.0f} pages/s: {verdict}"
        )
        if args.service:
            service_dir = folder / "service"
            service_dir.mkdir()
            service_batch(args.count, service_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
