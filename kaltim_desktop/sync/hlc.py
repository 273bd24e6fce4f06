# SPDX-License-Identifier: GPL-3.0-or-later
"""Hybrid logical clock: wall milliseconds plus a counter, monotonic even when the laptop clock
goes back (sync-design §3.4). Used for ordering ties and display, never for trust."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Hlc:
    wall_ms: int
    counter: int

    def __str__(self) -> str:
        return f"{self.wall_ms:013d}:{self.counter:04d}"

    @classmethod
    def parse(cls, text: str) -> Hlc:
        wall, counter = text.split(":")
        return cls(int(wall), int(counter))


def tick(last: Hlc, now_ms: int) -> Hlc:
    """The next local timestamp after ``last`` given the wall clock ``now_ms``."""
    if now_ms > last.wall_ms:
        return Hlc(now_ms, 0)
    return Hlc(last.wall_ms, last.counter + 1)


def receive(last: Hlc, remote: Hlc, now_ms: int) -> Hlc:
    """Merge a remote timestamp, as when applying another device's op."""
    wall = max(last.wall_ms, remote.wall_ms, now_ms)
    if wall == last.wall_ms == remote.wall_ms:
        return Hlc(wall, max(last.counter, remote.counter) + 1)
    if wall == last.wall_ms:
        return Hlc(wall, last.counter + 1)
    if wall == remote.wall_ms:
        return Hlc(wall, remote.counter + 1)
    return Hlc(wall, 0)
