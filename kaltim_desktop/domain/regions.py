# SPDX-License-Identifier: GPL-3.0-or-later
"""The Kalimantan Timur region tree (province, regencies, districts, villages) and postal codes.

The data ships inside the package (``kaltim_desktop/data``) and is read with
:mod:`importlib.resources`, so it also works from a zip or a frozen build. Codes are the dotted
Kemendagri codes (``64.72.01.1001``); BPS codes look similar but differ and are never used here
(domain.md §2.3). Source and licence: ``kaltim_desktop/data/NOTICE.md``.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

DATA_VERSION = "kepmendagri-300.2.2-2430-2025"
"""Edition of the region list: Kepmendagri 300.2.2-2138/2025 as amended by 300.2.2-2430/2025."""

LEVELS = ("province", "regency", "district", "village")

_REGIONS_FILE = "kaltim_regions.csv"
_POSTAL_FILE = "kaltim_kodepos.csv"
# Lengths of the plain (undotted) code at each level: 64 / 6472 / 647201 / 6472011001.
_PLAIN_SPLITS = {2: (2,), 4: (2, 2), 6: (2, 2, 2), 10: (2, 2, 2, 4)}


@dataclass(frozen=True)
class Region:
    """One administrative region.

    Attributes:
        code: dotted Kemendagri code, e.g. ``"64.72.01.1001"``.
        name: official name, e.g. ``"Simpang Pasir"``; not unique, so never a key.
        level: ``"province"``, ``"regency"``, ``"district"`` or ``"village"``.
        parent_code: dotted code of the parent, ``None`` for the province.
        postal_code: 5-digit postal code (villages only).
    """

    code: str
    name: str
    level: str
    parent_code: str | None
    postal_code: str | None = None

    @property
    def plain_code(self) -> str:
        """The code without dots (``"6472011001"``)."""
        return self.code.replace(".", "")

    @property
    def village_kind(self) -> str | None:
        """``"kelurahan"`` or ``"desa"`` for a village, ``None`` for other levels.

        The first digit of the 4-digit village part is 1 for a kelurahan and 2 for a desa
        (Permendagri 58/2021 kodefikasi). Kutai Barat, Berau and Mahakam Ulu call their desa
        *kampung*; the code does not say so.
        """
        if self.level != "village":
            return None
        return {"1": "kelurahan", "2": "desa"}.get(self.code.rsplit(".", 1)[-1][:1])


def normalize_code(code: str) -> str:
    """Return the dotted form of a dotted or plain region code (unknown shapes unchanged).

    Args:
        code: ``"6472011001"``, ``"64.72.01.1001"``, ``" 647201 "``...

    Returns:
        The dotted code, e.g. ``"64.72.01.1001"``.
    """
    code = code.strip()
    if "." in code or not code.isdigit():
        return code
    parts = _PLAIN_SPLITS.get(len(code))
    if parts is None:
        return code
    out, pos = [], 0
    for width in parts:
        out.append(code[pos : pos + width])
        pos += width
    return ".".join(out)


def _read_text(name: str) -> str:
    # files() returns a Traversable, which also reads from zip imports and frozen bundles.
    return files("kaltim_desktop").joinpath("data").joinpath(name).read_text(encoding="utf-8")


class RegionTree:
    """Look-ups over an immutable set of regions.

    Build it with :func:`region_tree` (cached) rather than directly.
    """

    def __init__(self, regions: list[Region]) -> None:
        """Index ``regions``; their parents must be part of the list."""
        self._by_code: dict[str, Region] = {r.code: r for r in regions}
        self._children: dict[str | None, list[Region]] = {}
        for region in regions:
            self._children.setdefault(region.parent_code, []).append(region)
        for kids in self._children.values():
            kids.sort(key=lambda r: (r.name.casefold(), r.code))
        self._levels = Counter(r.level for r in regions)

    def __len__(self) -> int:
        return len(self._by_code)

    def __iter__(self) -> Iterator[Region]:
        """Iterate over all regions in code order."""
        return iter(sorted(self._by_code.values(), key=lambda r: r.code))

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.get(code) is not None

    def get(self, code: str) -> Region | None:
        """Return the region with a dotted or plain code, or ``None`` when unknown."""
        return self._by_code.get(normalize_code(code))

    def children(self, code: str | None) -> list[Region]:
        """Direct children sorted by name; ``None`` gives the top level (the province)."""
        key = None if code is None else normalize_code(code)
        return list(self._children.get(key, ()))

    def regencies(self) -> list[Region]:
        """All kabupaten/kota in code order (kabupaten 01-69 first, then kota 71-99)."""
        return sorted((r for r in self._by_code.values() if r.level == "regency"), key=_code_key)

    def ancestors(self, code: str) -> list[Region]:
        """The chain from the province down to the parent of ``code`` (itself excluded).

        Returns an empty list for the province itself and for unknown codes.
        """
        region = self.get(code)
        chain: list[Region] = []
        while region is not None and region.parent_code is not None:
            region = self._by_code.get(region.parent_code)
            if region is not None:
                chain.append(region)
        chain.reverse()
        return chain

    def is_village(self, code: str) -> bool:
        """True when ``code`` is a known desa or kelurahan."""
        region = self.get(code)
        return region is not None and region.level == "village"

    def has_district(self, dotted6: str) -> bool:
        """True when the kecamatan code (``"64.72.01"`` or ``"647201"``) is in the current list."""
        region = self.get(dotted6)
        return region is not None and region.level == "district"

    def count(self, level: str) -> int:
        """Number of regions at ``level`` (``"village"``...)."""
        return self._levels.get(level, 0)

    def find(
        self, name: str, *, level: str | None = None, within: str | None = None
    ) -> list[Region]:
        """Regions whose name equals ``name``, ignoring case and extra spaces.

        Names repeat (there are six villages called "Sumber Sari"), so expect several hits.

        Args:
            name: the name to look for.
            level: only this level when given.
            within: only descendants of this region code (dotted or plain) when given.

        Returns:
            Matching regions in code order.
        """
        wanted = _name_key(name)
        prefix = None if within is None else normalize_code(within) + "."
        hits = [
            r
            for r in self._by_code.values()
            if _name_key(r.name) == wanted
            and (level is None or r.level == level)
            and (prefix is None or r.code.startswith(prefix))
        ]
        return sorted(hits, key=_code_key)


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _code_key(region: Region) -> str:
    return region.code


def load_regions(regions_csv: str, postal_csv: str = "") -> list[Region]:
    """Parse the region CSV (``code,name,level,parent_code``) and the postal-code CSV.

    Args:
        regions_csv: text of ``kaltim_regions.csv``.
        postal_csv: text of ``kaltim_kodepos.csv`` (``village_code,postal_code``), optional.

    Returns:
        The regions in file order.

    Raises:
        ValueError: when a row has an unknown level.
    """
    postal = {
        row["village_code"]: row["postal_code"] for row in csv.DictReader(io.StringIO(postal_csv))
    }
    regions = []
    for row in csv.DictReader(io.StringIO(regions_csv)):
        level = row["level"].strip()
        if level not in LEVELS:
            raise ValueError(f"unknown region level {level!r}")
        code = row["code"].strip()
        regions.append(
            Region(
                code=code,
                name=row["name"].strip(),
                level=level,
                parent_code=row["parent_code"].strip() or None,
                postal_code=postal.get(code) if level == "village" else None,
            )
        )
    return regions


@cache
def region_tree() -> RegionTree:
    """The shipped Kaltim region tree, loaded once per process."""
    return RegionTree(load_regions(_read_text(_REGIONS_FILE), _read_text(_POSTAL_FILE)))
