# SPDX-License-Identifier: GPL-3.0-or-later
"""Vector QR codes, encoded fast enough for batches of thousands.

Drawing: the modules are one PDF path of rectangles, not an image. A path is
resolution-independent (prints sharp at any size) and costs no image encoding; dark modules of
a row are merged into runs written as integer module coordinates under one transformation
matrix.

Encoding: segno prepares the codewords (data segments, version, error correction), but the
placement in the matrix uses the fact that it is linear. With a fixed mask, the final matrix of
any message is ``T XOR P(bits)``: ``T`` is segno's own matrix for an all-zero message (function
patterns, format and version information, the mask over the data region) and ``P`` puts each
1-bit of the codeword stream at its fixed module. Both are computed once per version, so a code
costs one pass over its bits instead of segno's per-module placement and masking. The tests
compare the result with ``segno.make`` module for module.

The mask is fixed instead of chosen by scoring all eight (ISO/IEC 18004 recommends the lowest
penalty, but every mask decodes the same): the scoring alone is most of segno's time.
"""

from __future__ import annotations

import re
from functools import lru_cache

from reportlab.pdfgen.canvas import Canvas
from segno import consts
from segno import encoder as seg

QUIET_ZONE = 4  # modules of white border the standard asks for
MASK = 4
ERROR = consts.ERROR_LEVEL_M
_DARK_RUN = re.compile(r"1+")


def _codewords(text: str) -> tuple[int, int, list[int]]:
    """(version, error level, final codewords: data then error correction, interleaved) as
    ``segno.make(text, error="m")`` makes them."""
    segments = seg.prepare_data(text, None, None)
    version = seg.find_version(segments, ERROR, eci=False, micro=False)
    error = seg.boost_error_level(version, ERROR, segments, False)
    buff = seg.Buffer()
    for segment in segments:
        seg.write_segment(buff, segment, None, seg.version_range(version), False)
    capacity = consts.SYMBOL_CAPACITY[version][error]
    seg.write_terminator(buff, capacity, None, len(buff))
    seg.write_padding_bits(buff, version, len(buff))
    seg.write_pad_codewords(buff, version, capacity, len(buff))
    data = list(buff.toints())
    data_blocks, error_blocks = [], []
    offset = 0
    for info in consts.ECC[version][error]:
        for _ in range(info.num_blocks):
            block = data[offset : offset + info.num_data]
            offset += info.num_data
            data_blocks.append(block)
            error_blocks.append(_reed_solomon(tuple(block), info.num_total - info.num_data))
    return version, error, _interleave(data_blocks) + _interleave(error_blocks)


def _interleave(blocks: list) -> list[int]:
    longest = max(len(b) for b in blocks)
    return [b[i] for i in range(longest) for b in blocks if i < len(b)]


@lru_cache(maxsize=8)
def _generator_products(count: int) -> tuple[int, ...]:
    """For each factor f, the generator polynomial (without its leading 1) times f, packed as
    one integer of ``count`` bytes: the division below then XORs whole remainders at once."""
    log, exp = consts.GALIOS_LOG, consts.GALIOS_EXP
    generator = consts.GEN_POLY[count]  # logarithms of the coefficients
    products = [0]
    for factor in range(1, 256):
        value = 0
        for coefficient in generator:
            value = (value << 8) | exp[log[factor] + coefficient]
        products.append(value)
    return tuple(products)


def _reed_solomon(block: tuple[int, ...], count: int) -> list[int]:
    """The ``count`` error-correction codewords of a data block (polynomial division)."""
    products = _generator_products(count)
    shift = 8 * (count - 1)
    keep = (1 << (8 * count)) - 1
    remainder = 0
    for value in block:
        factor = value ^ (remainder >> shift)
        remainder = ((remainder << 8) & keep) ^ products[factor]
    return list(remainder.to_bytes(count, "big"))


@lru_cache(maxsize=16)
def _template(version: int, error: int, bits: int) -> tuple[int, tuple[int, ...], tuple]:
    """(width, rows of T as integers, module of each bit as (row, column mask))."""
    width = seg.calc_matrix_size(version)
    matrix = seg.make_matrix(width, width)
    seg.add_finder_patterns(matrix, width, width)
    seg.add_alignment_patterns(matrix, width, width)
    free = [bytearray(row) for row in matrix]  # 0x2 marks a module still free for data
    seg.add_codewords(matrix, bytearray(bits), version)
    mask, matrix = seg.find_and_apply_best_mask(matrix, width, width, MASK)
    seg.add_format_info(matrix, version, error, mask)
    seg.add_version_info(matrix, version)
    rows = tuple(int("".join("1" if m & 1 else "0" for m in row), 2) for row in matrix)
    # The same walk as segno's add_codewords (ISO/IEC 18004 7.7.3), recording positions.
    positions = []
    for right in range(width - 1, 0, -2):
        if right <= 6:
            right -= 1
        for vertical in range(width):
            for z in (0, 1):
                j = right - z
                upwards = ((right & 2) == 0) ^ (j < 6)
                i = (width - 1 - vertical) if upwards else vertical
                if free[i][j] == 0x2 and len(positions) < bits:
                    positions.append((i, 1 << (width - 1 - j)))
    return width, rows, tuple(positions)


def qr_matrix(text: str) -> list[str]:
    """The modules of ``text``'s QR code as rows of ``"0"``/``"1"`` (no quiet zone)."""
    version, error, codewords = _codewords(text)
    width, template, positions = _template(version, error, 8 * len(codewords))
    rows = list(template)
    for index, value in enumerate(codewords):
        if value:
            base = 8 * index
            for bit in range(8):
                if value & (0x80 >> bit):
                    row, column = positions[base + bit]
                    rows[row] ^= column
    return [format(row, f"0{width}b") for row in rows]


@lru_cache(maxsize=64)
def qr_runs(text: str) -> tuple[int, str]:
    """Return (modules per side, the PDF path operators of the dark runs in module units)."""
    matrix = qr_matrix(text)
    ops = [
        f"{run.start()} {index} {run.end() - run.start()} 1 re"
        for index, row in enumerate(matrix)
        for run in _DARK_RUN.finditer(row)
    ]
    return len(matrix), "\n".join(ops)


def draw_qr(canvas: Canvas, text: str, x: float, y: float, size: float) -> None:
    """Draw the QR code of ``text`` with its quiet zone inside the square (x, y, size)."""
    modules, path = qr_runs(text)
    step = size / (modules + 2 * QUIET_ZONE)
    canvas.saveState()
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    # Module (col, row) → page: x grows with the column, y falls with the row.
    canvas.transform(step, 0, 0, -step, x + QUIET_ZONE * step, y + size - QUIET_ZONE * step)
    # Raw path operators (see the module docstring): ReportLab has no call for many rects.
    canvas._code.append(path + "\nf")
    canvas.restoreState()
