# SPDX-License-Identifier: GPL-3.0-or-later
"""Which column holds which field: a guess from the headers, and the choice remembered.

Headers are compared after folding case and punctuation ("No. KK" = "no kk"), first exactly
against the Indonesian and English names below, then fuzzily (rapidfuzz) for variants such as
"Nama Lengkap Anggota". A mapping the officer confirmed is stored in the ``setting`` table (a
business setting: it travels with the database, not with the laptop user) keyed by header, and
wins over the guess the next time a sheet has the same header.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from rapidfuzz import fuzz, process
from sqlalchemy.orm import Session

from kaltim_desktop.i18n import N_, _
from kaltim_desktop.services.context import get_setting, set_setting

SETTING_KEY = "exchange.import.mapping"
FUZZY_SCORE = 88

FIELD_LABELS = {
    "nik": N_("NIK"),
    "kk_number": N_("KK number"),
    "name": N_("Name"),
    "head_name": N_("Name of the head of family"),
    "relation": N_("Relation to the head (SHDK)"),
    "sex": N_("Sex"),
    "birth_place": N_("Place of birth"),
    "birth_date": N_("Date of birth"),
    "birth_place_date": N_("Place and date of birth"),
    "street": N_("Address (street)"),
    "rt": N_("RT"),
    "rw": N_("RW"),
    "hamlet": N_("Hamlet (dusun)"),
    "village": N_("Village (desa/kelurahan)"),
    "district": N_("District (kecamatan)"),
    "regency": N_("Regency/city"),
    "phone": N_("Phone number"),
    "dtsen_decile": N_("DTSEN decile"),
    "occupation": N_("Occupation"),
}
"""The fields a column can be mapped to, with their translatable labels."""

SYNONYMS: dict[str, tuple[str, ...]] = {
    "nik": ("nik", "no nik", "nomor nik", "nik ktp", "nomor induk kependudukan", "no ktp",
            "nomor ktp", "id number", "national id", "nik anggota"),
    "kk_number": ("no kk", "nomor kk", "nkk", "no kartu keluarga", "nomor kartu keluarga",
                  "kk", "family card", "family card number", "kk number", "no kk keluarga"),
    "name": ("nama", "nama lengkap", "nama anggota", "nama anggota keluarga", "nama penerima",
             "nama art", "name", "full name", "member name"),
    "head_name": ("nama kepala keluarga", "nama kk", "kepala keluarga", "nama krt",
                  "head of family", "head name", "household head", "name of head"),
    "relation": ("hubungan", "shdk", "status hubungan dalam keluarga", "hubungan keluarga",
                 "hubungan dengan kepala keluarga", "hub keluarga", "status dalam keluarga",
                 "relation", "relationship"),
    "sex": ("jenis kelamin", "jk", "l/p", "kelamin", "sex", "gender"),
    "birth_place": ("tempat lahir", "tmp lahir", "tempat lhr", "place of birth",
                    "birth place", "birthplace"),
    "birth_date": ("tanggal lahir", "tgl lahir", "tgl lhr", "tanggal lhr", "date of birth",
                   "birth date", "dob"),
    "birth_place_date": ("ttl", "tempat tanggal lahir", "tempat/tanggal lahir",
                         "tempat/tgl lahir", "tempat tgl lahir", "place and date of birth"),
    "street": ("alamat", "alamat lengkap", "alamat rumah", "jalan", "address", "street"),
    "rt": ("rt", "no rt", "rukun tetangga"),
    "rw": ("rw", "no rw", "rukun warga"),
    "hamlet": ("dusun", "lingkungan", "hamlet"),
    "village": ("desa", "kelurahan", "desa/kelurahan", "desa/kel", "kel/desa",
                "desa kelurahan", "kelurahan/desa", "kampung", "desa/kampung", "village"),
    "district": ("kecamatan", "kec", "district", "sub district", "subdistrict"),
    "regency": ("kabupaten", "kota", "kabupaten/kota", "kab/kota", "kab", "regency", "city",
                "regency/city"),
    "phone": ("no hp", "nomor hp", "no telp", "no telepon", "telepon", "hp", "no wa",
              "whatsapp", "phone", "mobile", "phone number", "nomor telepon"),
    "dtsen_decile": ("desil", "desil dtsen", "desil dtks", "peringkat desil", "decile",
                     "dtsen decile"),
    "occupation": ("pekerjaan", "mata pencaharian", "occupation", "job"),
}  # fmt: skip

_PUNCTUATION = re.compile(r"[^\w/]+")


def fold_header(label: str) -> str:
    """``"No. KK :"`` → ``"no kk"``; slashes are kept (``"Desa/Kel."`` → ``"desa/kel"``)."""
    folded = _PUNCTUATION.sub(" ", label.casefold()).replace("_", " ")
    return " ".join(folded.replace(" / ", "/").split())


@cache
def _synonym_index() -> dict[str, str]:
    return {fold_header(s): field for field, words in SYNONYMS.items() for s in words}


def _match(label: str) -> tuple[str | None, float]:
    folded = fold_header(label)
    if not folded:
        return None, 0.0
    index = _synonym_index()
    if folded in index:
        return index[folded], 100.0
    best = process.extractOne(folded, list(index), scorer=fuzz.ratio)
    if best and best[1] >= FUZZY_SCORE:
        return index[best[0]], best[1]
    return None, 0.0


def is_known_header(label: str) -> bool:
    return _match(label)[0] is not None


@dataclass(frozen=True)
class ColumnMapping:
    """``columns[i]`` is the field of column ``i`` or ``None`` (ignored)."""

    columns: tuple[str | None, ...]

    def index(self, field: str) -> int | None:
        try:
            return self.columns.index(field)
        except ValueError:
            return None

    @property
    def fields(self) -> set[str]:
        return {f for f in self.columns if f}

    def missing_required(self) -> list[str]:
        """Fields without which no row can be imported."""
        missing = []
        if not self.fields & {"name", "head_name"}:
            missing.append("name")
        if "village" not in self.fields:
            missing.append("village")
        return missing


def guess_mapping(
    headers: Sequence[str], remembered: dict[str, str] | None = None
) -> ColumnMapping:
    """Guess the field of each column; ``remembered`` (folded header → field) wins.

    Each field goes to one column only: the best-scoring one, the leftmost on a tie.
    """
    remembered = remembered or {}
    candidates: list[tuple[float, int, str]] = []
    for column, label in enumerate(headers):
        folded = fold_header(label)
        if folded in remembered:
            field = remembered[folded]
            if field in FIELD_LABELS:
                candidates.append((101.0, column, field))
            continue
        field, score = _match(label)
        if field:
            candidates.append((score, column, field))
    columns: list[str | None] = [None] * len(headers)
    taken: set[str] = set()
    for _score, column, field in sorted(candidates, key=lambda c: (-c[0], c[1])):
        if field not in taken and columns[column] is None:
            columns[column] = field
            taken.add(field)
    return ColumnMapping(tuple(columns))


def parse_mapping_option(headers: Sequence[str], option: str) -> ColumnMapping:
    """Build a mapping from ``"Header=field,Other header=field"`` (the command line form);
    columns not named keep their guessed field.

    Raises:
        ValueError: with a translated message for an unknown header or field.
    """
    columns = list(guess_mapping(headers).columns)
    folded = [fold_header(h) for h in headers]
    for part in filter(None, (p.strip() for p in option.split(","))):
        header, _sep, field = part.rpartition("=")
        field = field.strip()
        if field not in FIELD_LABELS and field not in ("", "-"):
            raise ValueError(_("Unknown field: {field}").format(field=field))
        key = fold_header(header)
        if key not in folded:
            raise ValueError(
                _("The sheet has no column with that header: {header}").format(
                    header=header.strip()
                )
            )
        column = folded.index(key)
        target = field if field in FIELD_LABELS else None
        columns = [None if (target and c == target) else c for c in columns]
        columns[column] = target
    return ColumnMapping(tuple(columns))


def remembered_mapping(session: Session) -> dict[str, str]:
    try:
        value = json.loads(get_setting(session, SETTING_KEY) or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def remember_mapping(session: Session, headers: Sequence[str], mapping: ColumnMapping) -> None:
    """Store the confirmed field of every mapped header, in the caller's transaction."""
    stored = remembered_mapping(session)
    for label, field in zip(headers, mapping.columns, strict=True):
        if label and field:
            stored[fold_header(label)] = field
    set_setting(session, SETTING_KEY, json.dumps(stored, sort_keys=True, ensure_ascii=False))


def suggested_mapping(db, headers: Sequence[str]) -> ColumnMapping:
    """The guess for ``headers``, with what was confirmed before (one short read)."""
    with db.read() as session:
        return guess_mapping(headers, remembered_mapping(session))
