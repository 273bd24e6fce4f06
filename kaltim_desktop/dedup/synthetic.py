# SPDX-License-Identifier: GPL-3.0-or-later
"""Synthetic persons with known duplicates, to measure the detector (tests and benchmark).

Families come from the demo generator (:mod:`kaltim_desktop.services.demo_people`). Then:

* **duplicates** are injected: a person registered a second time, as a member of another
  family (so with another KK number), in the same village, the same district or another
  regency, with the slips real registers show (:data:`NAME_SLIPS`: typos, Muhammad/M., titles,
  old spelling, a word left out, an initial, a compound joined or split, Ahmad/Achmad), the
  birth date the same, with day and month swapped, mistyped or missing, and the NIK the same,
  missing, mistyped or another one;
* **hard negatives** are injected: brothers and sisters with look-alike names and near birth
  dates, twins (same birth date, NIKs one serial apart), and people with exactly the same
  common name in the same village.

The truth (which pairs are one person) is returned with the data. Everything is drawn from one
seeded generator: the same seed gives the same set.
"""

from __future__ import annotations

import random
import string
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from kaltim_desktop.dedup.records import swapped
from kaltim_desktop.services.demo_names import make_name
from kaltim_desktop.services.demo_people import FamilyFactory

_MUHAMMADS = ("Muhammad", "Muhamad", "M.", "Moh.", "Moch.", "Mohammad", "Muh.", "Mhd.")
_OLD_SPELLING = (("u", "oe"), ("j", "dj"), ("y", "j"), ("c", "tj"), ("sy", "sj"), ("ny", "nj"))
_H_VARIANTS = (("Ahmad", "Achmad"), ("Ahmad", "Akhmad"), ("Rahmat", "Rachmat"),
               ("Rahman", "Rachman"), ("ah", "a"), ("Kh", "H"))  # fmt: skip
# One slip is drawn per second registration (two for one in ten): a quarter keep the name
# exactly, since both registrations are usually typed from the same KTP.
_CORE_FIELDS = frozenset({"nik", "name", "sex", "birth_date"})
NAME_SLIPS = (
    "typo",
    "typo",
    "typo",
    "muhammad",
    "title",
    "old_spelling",
    "drop_word",
    "initial",
    "compound",
    "h_variant",
    "same",
    "same",
    "same",
    "same",
)
# Weights of what happens to the NIK and the birth date of a second registration. The NIK is
# the key of every social-aid register, so it is usually there; the date is read off the KTP.
NIK_SLIPS = (("same", 50), ("missing", 20), ("typo", 20), ("other", 10))
BIRTH_SLIPS = (("same", 70), ("swapped", 12), ("typo", 12), ("missing", 6))


@dataclass
class SyntheticPerson:
    """A person; ``extra`` holds the other person fields of the demo generator."""

    id: str
    nik: str | None
    name: str
    sex: str
    birth_date: date | None
    relation: str
    extra: dict = field(default_factory=dict)


@dataclass
class SyntheticFamily:
    """A household; ``fields`` holds its fields as the demo generator drew them."""

    id: str
    village_code: str
    kk_number: str
    members: list[SyntheticPerson] = field(default_factory=list)
    fields: dict = field(default_factory=dict)


@dataclass
class SyntheticSet:
    """Families, and the truth: the pairs of person ids that are one person."""

    families: list[SyntheticFamily]
    duplicates: set[frozenset[str]]
    hard_negatives: set[frozenset[str]]

    def persons(self):
        """``(person, family)`` for every person."""
        for family in self.families:
            for person in family.members:
                yield person, family


class _Maker:
    def __init__(self, seed: int, today: date) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.factory = FamilyFactory(self.rng, self.new_id, today)

    def new_id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    # ---- slips --------------------------------------------------------------------------

    def typo(self, name: str) -> str:
        words = name.split()
        k = self.rng.randrange(len(words))
        w = words[k]
        if len(w) < 3 or not w.isalpha():
            return name + "h" if not name.endswith("h") else name[:-1]
        i = self.rng.randrange(1, len(w))
        kind = self.rng.choice(("sub", "del", "ins", "swap"))
        letter = self.rng.choice(string.ascii_lowercase)
        if kind == "sub":
            w = w[:i] + letter + w[i + 1 :]
        elif kind == "del":
            w = w[:i] + w[i + 1 :]
        elif kind == "ins":
            w = w[:i] + w[i - 1] + w[i:]  # a doubled letter, the commonest insertion
        elif i < len(w) - 1:
            w = w[:i] + w[i + 1] + w[i] + w[i + 2 :]
        words[k] = w
        return " ".join(words)

    def slip(self, name: str, kind: str, sex: str) -> str:
        rng = self.rng
        words = name.replace(",", " ,").split()
        bare = [w for w in words if w not in (",", "H.", "Hj.") and not w.startswith("S.")]
        if kind == "typo":
            return self.typo(name)
        if kind == "muhammad":
            for i, w in enumerate(words):
                if w in _MUHAMMADS:
                    words[i] = rng.choice([m for m in _MUHAMMADS if m != w])
                    return " ".join(words).replace(" ,", ",")
            return self.typo(name)
        if kind == "title":
            if words[0] in ("H.", "Hj."):
                return " ".join(words[1:]).replace(" ,", ",")
            if rng.random() < 0.5:
                return f"{'H.' if sex == 'M' else 'Hj.'} {name}"
            return f"{name}, {rng.choice(('S.Pd.', 'S.E.', 'A.Md.', 'S.Sos.'))}"
        if kind == "old_spelling":
            low = name
            for new, old in rng.sample(_OLD_SPELLING, len(_OLD_SPELLING)):
                if new in low:
                    return low.replace(new, old, 1)
                if new.capitalize() in low:
                    return low.replace(new.capitalize(), old.capitalize(), 1)
            return self.typo(name)
        if kind == "drop_word" and len(bare) >= 3:
            bare.pop(rng.randrange(1, len(bare) - 1))
            return " ".join(bare)
        if kind == "drop_word" and len(bare) == 2 and bare[0] in (*_MUHAMMADS, "Siti", "Sitti"):
            return bare[1]
        if kind == "initial" and len(bare) >= 2 and len(bare[0]) > 2:
            return " ".join([bare[0][0] + ".", *bare[1:]])
        if kind == "compound" and len(bare) >= 2:
            return " ".join([bare[0] + bare[1].lower(), *bare[2:]])
        if kind == "h_variant":
            for new, old in _H_VARIANTS:
                if new in name:
                    return name.replace(new, old, 1)
        return self.typo(name) if kind != "same" else name

    def other_nik(self, nik: str | None, kind: str) -> str | None:
        rng = self.rng
        if nik is None or kind == "missing":
            return None
        if kind == "same":
            return nik
        if kind == "typo":
            i = rng.choice((0, 1, 2, 3, 4, 5, 12, 13, 14, 15))  # not the date: still valid
            if rng.random() < 0.3 and i < 15 and nik[i] != nik[i + 1]:
                return nik[:i] + nik[i + 1] + nik[i] + nik[i + 2 :]
            digit = rng.choice([d for d in "123456789" if d != nik[i]])
            return nik[:i] + digit + nik[i + 1 :]
        # Another NIK with the same birth segment: registered anew somewhere else.
        region = f"64{rng.randint(1, 9):02d}{rng.randint(1, 15):02d}"
        return f"{region}{nik[6:12]}9{rng.randint(1, 999):03d}"

    def other_birth(self, birth: date, kind: str) -> date | None:
        if kind == "swapped":
            swap = swapped(birth.year * 10_000 + birth.month * 100 + birth.day)
            if swap is not None:
                return date(swap // 10_000, swap // 100 % 100, swap % 100)
        elif kind == "typo":
            # One digit of the day or the year mistyped, or the next day.
            for _ in range(10):
                slip = self.rng.choice(("day", "tens", "year"))
                try:
                    if slip == "day":
                        return birth + timedelta(days=self.rng.choice((-1, 1)))
                    if slip == "tens":
                        return birth.replace(day=birth.day % 10 + 10 * self.rng.randint(0, 2))
                    return birth.replace(year=birth.year - birth.year % 10 + self.rng.randint(0, 9))
                except ValueError:
                    continue
        elif kind == "missing":
            return None
        return birth


def _weighted(rng: random.Random, choices: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([c for c, _ in choices], [w for _, w in choices])[0]


def make_synthetic(
    persons: int, *, seed: int, duplicate_share: float = 0.06, negative_share: float = 0.05,
    today: date = date(2026, 11, 1),
) -> SyntheticSet:  # fmt: skip
    """About ``persons`` persons, of which ``duplicate_share`` are second registrations of
    another and ``negative_share`` are look-alikes that are somebody else."""
    m = _Maker(seed, today)
    rng = m.rng
    families: list[SyntheticFamily] = []
    total = 0
    target = round(persons * (1 - duplicate_share - negative_share))
    while total < target:
        f = m.factory.family()
        family = SyntheticFamily(
            f.household_id, f.fields["village_code"], f.fields["kk_number"], fields=f.fields
        )
        for member in f.members:
            fields = member.fields
            extra = {k: v for k, v in fields.items() if k not in _CORE_FIELDS}
            family.members.append(
                SyntheticPerson(
                    member.person_id,
                    fields["nik"],
                    fields["name"],
                    fields["sex"],
                    fields["birth_date"],
                    member.relation,
                    extra,
                )
            )
        families.append(family)
        total += len(family.members)
    base = [(p, f) for f in families for p in f.members]
    by_village: dict[str, list[SyntheticFamily]] = {}
    by_district: dict[str, list[SyntheticFamily]] = {}
    for f in families:
        by_village.setdefault(f.village_code, []).append(f)
        by_district.setdefault(f.village_code[:8], []).append(f)

    def host(near: SyntheticFamily, where: str) -> SyntheticFamily:
        """Another family to hold a second registration (another KK number)."""
        if where == "village":
            pool = [f for f in by_village[near.village_code] if f is not near]
        elif where == "district":
            pool = by_district[near.village_code[:8]]
            pool = [
                f
                for f in rng.sample(pool, min(len(pool), 50))
                if f.village_code != near.village_code
            ]
        else:
            pool = []
        if not pool:
            pool = rng.sample(families, 20)
        others = [f for f in pool if f is not near] if len(pool) < 1000 else pool
        return rng.choice(others or families)

    duplicates: set[frozenset[str]] = set()
    for source, family in rng.sample(base, round(persons * duplicate_share / 1.1)):
        copies = [source]
        for _ in range(2 if rng.random() < 0.1 else 1):
            where = _weighted(rng, (("village", 35), ("district", 25), ("regency", 40)))
            slips = rng.sample(NAME_SLIPS, 2 if rng.random() < 0.1 else 1)
            name = source.name
            for kind in slips:
                name = m.slip(name, kind, source.sex)
            nik_kind = _weighted(rng, NIK_SLIPS)
            birth_kind = _weighted(rng, BIRTH_SLIPS)
            copy = SyntheticPerson(
                m.new_id(),
                m.other_nik(source.nik, nik_kind),
                name,
                source.sex,
                m.other_birth(source.birth_date, birth_kind),
                "other",
                source.extra,
            )
            host(family, where).members.append(copy)
            for earlier in copies:
                duplicates.add(frozenset((earlier.id, copy.id)))
            copies.append(copy)

    negatives: set[frozenset[str]] = set()
    used_niks = {p.nik for f in families for p in f.members if p.nik is not None}
    for person, family in rng.sample(base, round(persons * negative_share)):
        kind = _weighted(rng, (("sibling", 45), ("twin", 20), ("namesake", 35)))
        born = person.birth_date
        if kind == "namesake":
            other_birth = born + timedelta(days=rng.randint(300, 4000) * rng.choice((-1, 1)))
            if rng.random() < 0.25:  # born on the same day of another year
                other_birth = other_birth.replace(month=born.month, day=min(born.day, 28))
            name, sex, home = person.name, person.sex, host(family, "village")
        else:
            name = _look_alike(rng, person.name, person.sex, born.year)
            sex = person.sex if rng.random() < 0.7 else ("F" if person.sex == "M" else "M")
            if kind == "twin":
                other_birth = born
            else:
                gap = rng.choice((1, 2, 3)) * 365 + rng.randint(-60, 60)
                other_birth = born + timedelta(days=gap * rng.choice((-1, 1)))
                if rng.random() < 0.2:
                    other_birth = other_birth.replace(month=born.month, day=min(born.day, 28))
            home = family
        nik = None
        if person.nik is not None:
            day = other_birth.day + (40 if sex == "F" else 0)
            serial = int(person.nik[12:]) + 1 if kind == "twin" else rng.randint(1, 400)
            segment = f"{day:02d}{other_birth.month:02d}{other_birth.year % 100:02d}"
            nik = f"{person.nik[:6]}{segment}{serial:04d}"
            while nik in used_niks:  # a look-alike, not a NIK typed twice
                serial += 1
                nik = f"{person.nik[:6]}{segment}{serial:04d}"
            used_niks.add(nik)
        other = SyntheticPerson(m.new_id(), nik, name, sex, other_birth, "child", person.extra)
        home.members.append(other)
        negatives.add(frozenset((person.id, other.id)))
    return SyntheticSet(families, duplicates, negatives)


def _look_alike(rng: random.Random, name: str, sex: str, year: int) -> str:
    """Another name that shares the first word or the first letters, as siblings' often do."""
    words = name.split(",")[0].split()
    for _ in range(40):
        other = make_name(rng, "banjar", sex, year, 30).split()
        if len(words) >= 2 and len(other) >= 2 and other[-1] != words[-1]:
            return " ".join(words[:-1] + other[-1:])
        if len(words) == 1 and other[0][:2] == words[0][:2] and other[0] != words[0]:
            return other[0]
    return f"{name} {rng.choice(('Putra', 'Putri', 'Saputra', 'Ramadhan'))}"
