# SPDX-License-Identifier: GPL-3.0-or-later
"""Byte streams of the columnar ops member (see :mod:`.codec`): unsigned LEB128 varints,
zig-zag for signed values, NUL-terminated UTF-8 strings, and the container of named streams.

Reading never trusts its input: every overrun, overlong varint, bad UTF-8 or leftover byte is a
:class:`Damaged` error, which the codec turns into ``BundleRejected(E_DAMAGED)``.
"""

from __future__ import annotations

MAX_VARINT_BYTES = 15  # 105 bits: a 96-bit id delta after zig-zag, with room


class Damaged(ValueError):
    """The member's bytes do not decode (never shown to users; becomes E_DAMAGED)."""


def zigzag(value: int) -> int:
    return value * 2 if value >= 0 else -value * 2 - 1


def unzigzag(value: int) -> int:
    return value >> 1 if not value & 1 else -((value + 1) >> 1)


def put_varint(out: bytearray, value: int) -> None:
    """Append ``value`` (≥ 0) as an unsigned LEB128 varint."""
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)


def varints(values) -> bytes:
    out = bytearray()
    for value in values:
        while value > 0x7F:
            out.append((value & 0x7F) | 0x80)
            value >>= 7
        out.append(value)
    return bytes(out)


def terminated(texts: list[str]) -> bytes:
    """UTF-8 strings, each followed by a NUL (callers keep NUL out of ``texts``)."""
    if not texts:
        return b""
    return ("\0".join(texts) + "\0").encode("utf-8")


class Reader:
    """A cursor over one stream; :meth:`done` checks that nothing is left over."""

    __slots__ = ("data", "name", "pos")

    def __init__(self, data: bytes, name: str = "") -> None:
        self.data = data
        self.name = name
        self.pos = 0

    def varint(self) -> int:
        data, pos = self.data, self.pos
        result = shift = 0
        for _ in range(MAX_VARINT_BYTES):
            if pos >= len(data):
                raise Damaged(f"{self.name}: varint past the end")
            byte = data[pos]
            pos += 1
            result |= (byte & 0x7F) << shift
            if byte < 0x80:
                self.pos = pos
                return result
            shift += 7
        raise Damaged(f"{self.name}: varint too long")

    def take(self, count: int) -> bytes:
        if count < 0 or self.pos + count > len(self.data):
            raise Damaged(f"{self.name}: past the end")
        self.pos += count
        return self.data[self.pos - count : self.pos]

    def done(self) -> None:
        if self.pos != len(self.data):
            raise Damaged(f"{self.name}: bytes left over")


class Texts:
    """The NUL-terminated strings of one stream, handed out in order."""

    __slots__ = ("items", "name", "pos")

    def __init__(self, data: bytes, name: str = "") -> None:
        self.name = name
        self.pos = 0
        if not data:
            self.items: list[str] = []
            return
        if not data.endswith(b"\0"):
            raise Damaged(f"{name}: unterminated string")
        try:
            self.items = data[:-1].decode("utf-8").split("\0")
        except UnicodeDecodeError as exc:
            raise Damaged(f"{name}: not UTF-8") from exc

    def next(self) -> str:
        if self.pos >= len(self.items):
            raise Damaged(f"{self.name}: past the end")
        self.pos += 1
        return self.items[self.pos - 1]

    def done(self) -> None:
        if self.pos != len(self.items):
            raise Damaged(f"{self.name}: strings left over")


MAGIC = b"KOP1"


def pack(streams: list[tuple[str, bytes]]) -> bytes:
    """``KOP1``, the stream count, then per stream: its name and its bytes, length-prefixed."""
    out = bytearray(MAGIC)
    put_varint(out, len(streams))
    for name, data in streams:
        encoded = name.encode("ascii")
        put_varint(out, len(encoded))
        out += encoded
        put_varint(out, len(data))
        out += data
    return bytes(out)


def unpack(body: bytes) -> dict[str, bytes]:
    """The named streams of a member body; duplicate names and trailing bytes are refused."""
    if not body.startswith(MAGIC):
        raise Damaged("not a KOP1 member")
    reader = Reader(body, "container")
    reader.pos = len(MAGIC)
    streams: dict[str, bytes] = {}
    for _ in range(reader.varint()):
        try:
            name = reader.take(reader.varint()).decode("ascii")
        except UnicodeDecodeError as exc:
            raise Damaged("stream name") from exc
        if name in streams:
            raise Damaged("duplicate stream")
        streams[name] = reader.take(reader.varint())
    reader.done()
    return streams
