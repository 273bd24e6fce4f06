# SPDX-License-Identifier: GPL-3.0-or-later
"""Real tools on real PDFs: pypdf and pdftotext for text, pdftoppm + zbar for the QR codes,
qpdf for structure."""

from __future__ import annotations

import subprocess
from pathlib import Path

from PIL import Image
from pypdf import PdfReader
from pyzbar.pyzbar import ZBarSymbol, decode


def pypdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def pdftotext(path: Path) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return done.stdout


def flat(value: str) -> str:
    """Whitespace collapsed, so wrapped lines compare as running text."""
    return " ".join(value.split())


def qpdf_check(path: Path) -> None:
    done = subprocess.run(
        ["qpdf", "--check", str(path)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No syntax or stream encoding errors found" in done.stdout


def qr_codes(path: Path, tmp_path: Path, dpi: int = 200) -> list[str]:
    """Render every page to PNG with pdftoppm and decode its QR codes with zbar."""
    prefix = tmp_path / f"page-{path.stem}"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(path), str(prefix)], check=True)
    found = []
    for png in sorted(tmp_path.glob(f"{prefix.name}-*.png")):
        with Image.open(png) as image:
            found += [s.data.decode("ascii") for s in decode(image, symbols=[ZBarSymbol.QRCODE])]
    return found


def embedded_fonts(path: Path) -> set[str]:
    """Base names of the fonts that carry an embedded font file."""
    names = set()
    for page in PdfReader(path).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            if descriptor and any(
                k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")
            ):
                names.add(str(font["/BaseFont"]))
            else:
                names.add("NOT-EMBEDDED:" + str(font["/BaseFont"]))
    return names
