# SPDX-License-Identifier: GPL-3.0-or-later
"""Synthetic families for demo data: where they live, who they are, their NIK and KK numbers.

Everything is drawn from one seeded :class:`random.Random` so the same seed gives the same
families. Values are shaped to pass the household form's validation
(:func:`kaltim_desktop.services.household_rules.check_household`): NIKs encode the person's
birth date (+40 on the day for women) after a real Kaltim kecamatan code, or a Javanese,
Sulawesi or South Kalimantan code for migrants (domain.md §1.3); KK numbers carry an issue date
that is not before the youngest member's birth; RW is left empty in Balikpapan and Penajam Paser
Utara, which only organise RTs (domain.md §2.4).

The regency weights, ethnic mixes and migrant shares are rough orders of magnitude for a
believable demo, not statistics.
"""

from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass
from datetime import date
from itertools import accumulate

from kaltim_desktop.domain.regions import Region, region_tree
from kaltim_desktop.services.demo_names import ETHNIC_GROUPS, make_name

# regency: (weight, (lat, lon, spread in degrees), birth place, migrant share,
#           ethnic mix in the order of ETHNIC_GROUPS: banjar, kutai, bugis, javanese, dayak)
REGENCIES: dict[str, tuple[int, tuple[float, float, float], str, float, tuple[int, ...]]] = {
    "64.01": (10, (-1.75, 116.05, 0.35), "Tanah Grogot", 0.25, (30, 5, 25, 25, 15)),
    "64.02": (24, (-0.40, 116.95, 0.45), "Tenggarong", 0.20, (20, 35, 20, 20, 5)),
    "64.03": (6, (1.95, 117.45, 0.45), "Tanjung Redeb", 0.25, (15, 10, 30, 25, 20)),
    "64.07": (7, (-0.25, 115.75, 0.35), "Sendawar", 0.08, (8, 10, 4, 8, 70)),
    "64.08": (14, (0.95, 117.35, 0.45), "Sangatta", 0.35, (10, 20, 30, 30, 10)),
    "64.09": (6, (-1.20, 116.60, 0.20), "Penajam", 0.30, (20, 5, 30, 35, 10)),
    "64.11": (2, (0.75, 114.90, 0.35), "Ujoh Bilang", 0.03, (2, 3, 2, 3, 90)),
    "64.71": (8, (-1.22, 116.88, 0.05), "Balikpapan", 0.35, (20, 5, 30, 40, 5)),
    "64.72": (17, (-0.48, 117.15, 0.06), "Samarinda", 0.25, (35, 10, 20, 30, 5)),
    "64.74": (4, (0.13, 117.48, 0.04), "Bontang", 0.35, (20, 15, 35, 30, 0)),
}
RT_ONLY_REGENCIES = frozenset({"64.71", "64.09"})  # Perda Balikpapan, Perda PPU 4/2005
CITIES = frozenset({"64.71", "64.72", "64.74"})
# Where migrants of each group come from: (regency code, birth place); the kecamatan digits are
# drawn. Kutai and Dayak families are native.
ORIGINS = {
    "javanese": (("35.07", "Malang"), ("35.09", "Jember"), ("35.10", "Banyuwangi"),
                 ("35.24", "Lamongan"), ("35.78", "Surabaya"), ("35.22", "Bojonegoro")),
    "bugis": (("73.08", "Bone"), ("73.13", "Sengkang"), ("73.15", "Pinrang"),
              ("73.71", "Makassar"), ("73.14", "Sidrap"), ("73.72", "Parepare")),
    "banjar": (("63.03", "Martapura"), ("63.71", "Banjarmasin"), ("63.08", "Amuntai"),
               ("63.07", "Barabai")),
}  # fmt: skip
_SIZES = (1, 2, 3, 4, 5, 6, 7, 8)
_SIZE_CUM = list(accumulate((6, 11, 17, 21, 18, 13, 8, 6)))
_ADULT_EDUCATION = (("none", 8), ("sd", 38), ("smp", 22), ("sma", 26), ("diploma", 3),
                    ("bachelor", 3))  # fmt: skip
_DISABILITY = (("none", 960), ("physical", 20), ("sensory", 10), ("intellectual", 5),
               ("mental", 3), ("multiple", 2))  # fmt: skip
_WORK_RURAL = ("Petani/Pekebun", "Buruh Tani/Perkebunan", "Nelayan/Perikanan",
               "Buruh Harian Lepas", "Pedagang", "Wiraswasta", "Tukang Kayu")  # fmt: skip
_WORK_CITY = ("Buruh Harian Lepas", "Pedagang", "Sopir", "Tukang Batu", "Tukang Kayu",
              "Karyawan Swasta", "Wiraswasta", "Nelayan/Perikanan",
              "Belum/Tidak Bekerja")  # fmt: skip
_WORK_WOMEN = ("Pedagang", "Buruh Harian Lepas", "Petani/Pekebun", "Penjahit", "Wiraswasta")
_SKILLS = ("Menjahit", "Membuat kue", "Menganyam rotan", "Pertukangan kayu", "Memangkas rambut",
           "Memperbaiki sepeda motor", "Budidaya ikan", "Membuat amplang")  # fmt: skip
_STREETS = ("Pahlawan", "Gatot Subroto", "Jend. Sudirman", "Ahmad Yani", "Cendana", "Merdeka",
            "Pangeran Antasari", "Mulawarman", "Diponegoro", "Juanda", "M.T. Haryono", "Pramuka",
            "Trikora", "Usaha Tani", "Kebun Sayur", "Padat Karya", "Sultan Hasanuddin",
            "Gunung Lingai", "Suryanata", "Poros")  # fmt: skip
_MOBILE = ("811", "812", "813", "821", "822", "823", "852", "853", "851", "855", "856", "857",
           "858", "877", "878", "859", "817", "818", "819", "895", "896", "897", "831", "838",
           "881", "882", "887")  # fmt: skip
_DECILES = (1, 2, 3, 4, 5)
_DECILE_CUM = list(accumulate((30, 28, 20, 13, 9)))


def _cum(pairs) -> tuple[tuple, list[int]]:
    return tuple(v for v, _ in pairs), list(accumulate(w for _, w in pairs))


def _pick(rng: random.Random, values: tuple, cum: list[int]):
    return values[bisect(cum, rng.random() * cum[-1])]


_EDU_VALUES, _EDU_CUM = _cum(_ADULT_EDUCATION)
_DIS_VALUES, _DIS_CUM = _cum(_DISABILITY)


@dataclass(frozen=True)
class Member:
    """One generated member: the person's fields as :class:`ChangeSet` takes them, plus the
    relation to the head."""

    person_id: str
    relation: str
    fields: dict


@dataclass(frozen=True)
class Family:
    """One generated household: its fields, members (head first) and regency."""

    household_id: str
    regency: str
    fields: dict
    members: tuple[Member, ...]


def birth_from_age(rng: random.Random, today_ord: int, age: int) -> date:
    """A birth date that gives roughly ``age`` completed years on the reference day."""
    return date.fromordinal(today_ord - age * 365 - age // 4 - rng.randrange(1, 365))


class FamilyFactory:
    """Draws families; holds the serial counters that keep every NIK and KK number unique."""

    def __init__(self, rng: random.Random, new_id, today: date) -> None:
        self.rng = rng
        self.new_id = new_id
        self.today = today
        self.today_ord = today.toordinal()
        self._serials: dict[str, int] = {}
        # The last six quarter ends up to today: the periods a DTSEN decile can be "as of".
        ends = [
            date(y, m, d)
            for y in range(today.year - 2, today.year + 1)
            for m, d in ((3, 31), (6, 30), (9, 30), (12, 31))
        ]
        self._quarters = tuple([e for e in ends if e <= today][-6:])
        tree = region_tree()
        regencies = sorted(REGENCIES)
        self._regency_cum = list(accumulate(REGENCIES[r][0] for r in regencies))
        self._regencies = tuple(regencies)
        self._villages: dict[str, tuple[tuple[Region, ...], list[float]]] = {}
        self._districts: dict[str, tuple[str, ...]] = {}
        self._centre: dict[str, tuple[float, float]] = {}
        for regency in regencies:
            lat, lon, spread = REGENCIES[regency][1]
            villages: list[Region] = []
            for district in tree.children(regency):
                # Geography does not depend on the seed: a village sits in the same place in
                # every demo database.
                where = random.Random(district.code)
                d_lat = lat + where.uniform(-spread, spread)
                d_lon = lon + where.uniform(-spread, spread)
                for village in tree.children(district.code):
                    here = random.Random(village.code)
                    self._centre[village.code] = (
                        d_lat + here.uniform(-spread / 5, spread / 5),
                        d_lon + here.uniform(-spread / 5, spread / 5),
                    )
                    villages.append(village)
            villages.sort(key=lambda v: v.code)
            # Villages differ in size: a log-normal weight gives a few large ones.
            weights = list(accumulate(rng.lognormvariate(0, 0.7) for _ in villages))
            self._villages[regency] = (tuple(villages), weights)
            self._districts[regency] = tuple(
                d.plain_code for d in sorted(tree.children(regency), key=lambda d: d.code)
            )

    # ---- numbers ------------------------------------------------------------------------

    def _serial_number(self, key12: str) -> str:
        serial = self._serials.get(key12)
        serial = self.rng.randint(1, 30) if serial is None else serial + 1
        self._serials[key12] = serial
        return f"{key12}{serial:04d}"

    def nik(self, district6: str, birth: date, sex: str) -> str:
        """A new NIK: kecamatan of first registration, birth date (+40 for women), serial."""
        day = birth.day + (40 if sex == "F" else 0)
        return self._serial_number(f"{district6}{day:02d}{birth.month:02d}{birth.year % 100:02d}")

    def kk(self, district6: str, issued: date) -> str:
        """A new KK number: issuing kecamatan, issue date as DDMMYY (no +40 rule), serial."""
        # KK and NIK share the serial counters, so a KK number never equals a member's NIK.
        return self._serial_number(
            f"{district6}{issued.day:02d}{issued.month:02d}{issued.year % 100:02d}"
        )

    # ---- a family -----------------------------------------------------------------------

    def family(self) -> Family:
        """Draw the next family: place, ethnic group, migration, members and household."""
        rng = self.rng
        regency = self._regencies[bisect(self._regency_cum, rng.random() * self._regency_cum[-1])]
        villages, weights = self._villages[regency]
        village = villages[bisect(weights, rng.random() * weights[-1])]
        _, _, birth_place, migrant_share, mix = REGENCIES[regency]
        group = ETHNIC_GROUPS[bisect(list(accumulate(mix)), rng.random() * sum(mix))]
        district6 = village.parent_code.replace(".", "")
        migrant = group in ORIGINS and rng.random() < migrant_share
        origin = rng.choice(ORIGINS[group]) if migrant else None
        arrival = None
        if origin is not None:
            arrival = date.fromordinal(self.today_ord - rng.randrange(200, 30 * 365))

        size = _SIZES[bisect(_SIZE_CUM, rng.random() * _SIZE_CUM[-1])]
        people: list[tuple[str, str, int, str]] = []  # (relation, sex, age, group)
        if size == 1:
            people.append(("head", "F" if rng.random() < 0.6 else "M", rng.randint(45, 88), group))
        else:
            head_age = min(80, max(22, int(rng.triangular(22, 80, 40))))
            couple = rng.random() < 0.85
            if couple:
                spouse_age = max(18, min(head_age + rng.randint(-10, 3), 85))
                people.append(("head", "M", head_age, group))
                spouse_group = group if rng.random() < 0.75 else rng.choice(ETHNIC_GROUPS)
                people.append(("spouse", "F", spouse_age, spouse_group))
                mother_age = spouse_age
            else:
                sex = "F" if rng.random() < 0.75 else "M"
                people.append(("head", sex, head_age, group))
                mother_age = head_age
            if size >= 3 and head_age < 60 and rng.random() < 0.15:
                people.append(
                    (
                        "parent",
                        "F" if rng.random() < 0.65 else "M",
                        min(95, head_age + rng.randint(20, 35)),
                        group,
                    )
                )
            youngest, oldest = max(0, mother_age - 42), min(35, mother_age - 18)
            for _ in range(size - len(people)):
                if oldest < youngest:
                    break
                people.append(
                    (
                        "child",
                        "M" if rng.random() < 0.51 else "F",
                        rng.randint(youngest, oldest),
                        group,
                    )
                )
        members = self._members(people, regency, district6, birth_place, origin, arrival)
        return Family(
            self.new_id(), regency, self._household_fields(regency, village, members), members
        )

    def _members(self, people, regency, district6, birth_place, origin, arrival) -> tuple:
        rng, today_ord = self.rng, self.today_ord
        districts = self._districts[regency]
        city = regency in CITIES
        members = []
        for relation, sex, age, group in people:
            birth = birth_from_age(rng, today_ord, age)
            adult = age >= 17
            born_away = origin is not None and birth < arrival and relation != "spouse"
            if born_away or (origin is not None and relation == "spouse" and rng.random() < 0.7):
                code, place = origin
                prefix = f"{code.replace('.', '')}{rng.randint(1, 20):02d}"
                since = max(arrival, birth)
            else:
                local = relation == "child" and rng.random() < 0.9
                prefix = district6 if local or rng.random() < 0.75 else rng.choice(districts)
                place = birth_place
                since = birth
            nik = None if (age < 17 and rng.random() < 0.015) else self.nik(prefix, birth, sex)
            if age < 7:
                education, work = None, "Belum/Tidak Bekerja"
            elif age <= 18 and rng.random() < 0.85:
                education = "sd" if age <= 12 else "smp" if age <= 15 else "sma"
                work = "Pelajar/Mahasiswa"
            else:
                education = _pick(rng, _EDU_VALUES, _EDU_CUM)
                if age >= 70 and rng.random() < 0.6:
                    work = "Belum/Tidak Bekerja"
                elif sex == "F" and rng.random() < 0.6:
                    work = "Mengurus Rumah Tangga"
                elif sex == "F":
                    work = rng.choice(_WORK_WOMEN)
                else:
                    work = rng.choice(_WORK_CITY if city else _WORK_RURAL)
            members.append(
                Member(
                    self.new_id(),
                    relation,
                    {
                        "nik": nik,
                        "name": make_name(rng, group, sex, birth.year, age),
                        "sex": sex,
                        "birth_place": place,
                        "birth_date": birth,
                        "education": education,
                        "occupation": work,
                        "disability": _pick(rng, _DIS_VALUES, _DIS_CUM),
                        "skills": rng.choice(_SKILLS) if adult and rng.random() < 0.08 else None,
                        "domicile_since": since,
                    },
                )
            )
        return tuple(members)

    def _household_fields(self, regency: str, village: Region, members: tuple) -> dict:
        rng, today_ord = self.rng, self.today_ord
        head = members[0].fields
        # The KK is reissued whenever a member is added, so it is not older than the youngest.
        newest = max(m.fields["birth_date"] for m in members).toordinal()
        oldest_issue = max(
            newest,
            head["birth_date"].toordinal() + 18 * 366,
            head["domicile_since"].toordinal(),
            date(2006, 1, 1).toordinal(),
        )
        issued = date.fromordinal(rng.randint(min(oldest_issue, today_ord), today_ord))
        kk_as_of = date.fromordinal(
            rng.randint(max(issued.toordinal(), today_ord - 900), today_ord)
        )
        lat, lon = self._centre[village.code]
        gps = rng.random() < 0.6
        decile = _DECILES[bisect(_DECILE_CUM, rng.random() * _DECILE_CUM[-1])]
        with_decile = rng.random() < 0.85
        desa = village.village_kind == "desa"
        street = f"Jl. {rng.choice(_STREETS)}"
        if rng.random() < 0.5:
            street += f" Gg. {rng.randint(1, 25)}"
        if rng.random() < 0.4:
            street += f" No. {rng.randint(1, 150)}"
        return {
            "kk_number": self.kk(village.parent_code.replace(".", ""), issued),
            "kk_as_of": kk_as_of,
            "village_code": village.code,
            "rt": rng.randint(1, 90 if regency == "64.71" else 40),
            "rw": None if regency in RT_ONLY_REGENCIES else rng.randint(1, 12),
            "hamlet": f"Dusun {rng.choice(('I', 'II', 'III', 'IV', 'V'))}"
            if desa and rng.random() < 0.4
            else None,
            "street": street,
            "phone": f"+62{rng.choice(_MOBILE)}{rng.randrange(10**7, 10**8)}"
            if rng.random() < 0.65
            else None,
            "gps_lat_e6": round((lat + rng.gauss(0, 0.004)) * 1e6) if gps else None,
            "gps_lon_e6": round((lon + rng.gauss(0, 0.004)) * 1e6) if gps else None,
            "dtsen_decile": decile if with_decile else None,
            # Deciles change every quarter, so each carries the quarter it was published for.
            "dtsen_as_of": rng.choice(self._quarters) if with_decile else None,
            "notes": None,
            "head_name": head["name"],
        }
