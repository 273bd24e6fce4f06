# SPDX-License-Identifier: GPL-3.0-or-later
"""Synthetic Indonesian person names for demo data (used by :mod:`.demo_people`).

The pools follow the naming habits of the main groups of East Kalimantan: Banjar, Kutai, Bugis,
Javanese (often a single name among older people), and Dayak (Christian baptismal names next to
Dayak names). Names are made up from common parts; any resemblance to a real person is chance.
Some names carry the variants and titles the search must cope with (domain.md §4.3): Muhammad
written Muhamad / M. / Moh. / Moch., Siti and Sitti, the pilgrim titles H. and Hj., and now and
then an academic degree after the name.
"""

from __future__ import annotations

import random
from bisect import bisect
from itertools import accumulate

ETHNIC_GROUPS = ("banjar", "kutai", "bugis", "javanese", "dayak")
# Groups whose naming is Muslim: they get the Muhammad/Siti variants and the H./Hj. titles.
MUSLIM_GROUPS = frozenset({"banjar", "kutai", "bugis", "javanese"})

# fmt: off
_MALE = {
    "banjar": (
        "Ahmad", "Rahmat", "Rusdi", "Syahrani", "Fahrul", "Hairil", "Saidi", "Norhan", "Anang",
        "Jumberi", "Rahmadi", "Gazali", "Arsyad", "Zainal", "Hamdani", "Mursyid", "Ruslan",
        "Fauzi", "Aspiannor", "Rijali", "Iberahim", "Husin", "Taufik", "Salman", "Akhmad",
        "Bahrani", "Abdurrahman", "Ma'ruf", "Syarifuddin", "Masrani", "Yusran", "Khairul",
    ),
    "kutai": (
        "Awang", "Yusran", "Syahrir", "Zailani", "Irwansyah", "Rusdiansyah", "Jaiz", "Alimuddin",
        "Kamaruddin", "Syahrun", "Hasanuddin", "Ismail", "Idris", "Marjuki", "Saparudin",
        "Abdul Kadir", "Darmansyah", "Herliansyah", "Aidil", "Sulaiman",
    ),
    "bugis": (
        "Baharuddin", "Syamsuddin", "Amiruddin", "Hasanuddin", "Jumaing", "Mappa", "Tahir",
        "Sudirman", "Ambo", "Yusuf", "Arifin", "Muslimin", "Ridwan", "Syahrul", "Ilham", "Rusli",
        "Nasrullah", "Hamzah", "Sahabuddin", "Mustari", "Abdul Gani", "Basri", "Jufri", "Nurdin",
        "Sainal", "Haeruddin",
    ),
    "javanese": (
        "Sugeng", "Slamet", "Suparman", "Sutrisno", "Agus", "Bambang", "Eko", "Budi", "Wahyudi",
        "Sugiyono", "Paijo", "Tukiman", "Sukardi", "Joko", "Heru", "Dwi", "Teguh", "Sumarno",
        "Suyatno", "Mulyadi", "Supriyadi", "Kasno", "Legiman", "Sarno", "Gunawan", "Wagiman",
        "Parman", "Sunardi",
    ),
    "dayak": (
        "Hang", "Lawing", "Ajang", "Ding", "Bilung", "Ngau", "Jalung", "Lahang", "Ubang", "Laing",
        "Juk", "Ibau", "Apui", "Belawan", "Lusang", "Asang", "Uyau", "Nyaring", "Lejau", "Bit",
        "Batoq", "Ingan",
    ),
}
_FEMALE = {
    "banjar": (
        "Masitah", "Rusmini", "Mariana", "Jamilah", "Halimah", "Hadijah", "Rabiatul Adawiyah",
        "Norjannah", "Mahmudah", "Fatimah", "Nafisah", "Rahmah", "Aisyah", "Zubaidah", "Hamidah",
        "Salasiah", "Rusnah", "Mardiana", "Aulia", "Khairunnisa", "Yuliani", "Norhayati",
        "Jumiati",
    ),
    "kutai": (
        "Rusmiati", "Hamidah", "Salmah", "Jamilah", "Fatmawati", "Nurlela", "Asmah", "Rukiah",
        "Masnah", "Zaleha", "Rosita", "Juliana", "Aminah", "Hasanah", "Mastiah", "Saidah",
    ),
    "bugis": (
        "Hasnah", "Hasnawati", "Nurhayati", "Rahmawati", "Besse", "Hasmiah", "Nurlina",
        "Murniati", "Rosmini", "Jumriah", "Hasriani", "Nuraeni", "Kartini", "Suriani", "Hawa",
        "Sitti Aisyah", "Megawati", "Marhama", "Wahida", "Hadarah",
    ),
    "javanese": (
        "Sri Wahyuni", "Sumarni", "Sulastri", "Suparmi", "Tri Handayani", "Endang", "Ngatini",
        "Tumini", "Wartini", "Sri Rahayu", "Dewi Lestari", "Puji Astuti", "Yuli Astuti",
        "Sumiati", "Rukmini", "Kasiyem", "Tukini", "Lestari", "Mujiati", "Painem", "Sutini",
        "Wiwik",
    ),
    "dayak": (
        "Bungan", "Lenjau", "Uyang", "Ping", "Aping", "Uvung", "Dau", "Ireng", "Lung", "Tipung",
        "Hunyang", "Dinan", "Usat", "Anyeq", "Hajang", "Kalung",
    ),
}
# Second words: a father's name, a family word or a common Indonesian second name.
_SECOND = {
    "banjar": (
        "Noor", "Hidayat", "Rahman", "Ansyari", "Effendi", "Rizani", "Fadillah", "Ramadhan",
        "Arifin", "Hakim", "Maulana", "Syarif", "Bahri", "Fikri", "Iskandar", "Hasbi",
    ),
    "kutai": (
        "Syahrani", "Noor", "Effendi", "Rahmadi", "Saputra", "Yusuf", "Anwar",
    ),
    "bugis": (
        "Lamba", "Mappangile", "Tahir", "Daeng Nai", "Pawellangi", "Sulaiman", "Lahamma",
        "Mustafa", "Bakri", "Latif", "Hamid", "Daeng Sikki",
    ),
    "javanese": (
        "Santoso", "Setiawan", "Prasetyo", "Susilo", "Purnomo", "Cahyono", "Wibowo", "Hidayat",
        "Saputra", "Nugroho", "Kurniawan", "Wijaya", "Handoko", "Utomo",
    ),
    "dayak": (
        "Lawing", "Ajang", "Hang", "Ngau", "Bilung", "Lahang", "Ding", "Jalung", "Ubang", "Ibau",
        "Anyeq", "Apui",
    ),
}
_BAPTISMAL_MALE = (
    "Yohanes", "Lukas", "Petrus", "Markus", "Stefanus", "Paulus", "Yakobus", "Antonius",
    "Fransiskus", "Agustinus", "Matius", "Andreas", "Thomas", "Robertus", "Benediktus",
)
_BAPTISMAL_FEMALE = (
    "Maria", "Theresia", "Yuliana", "Lusia", "Agnes", "Katarina", "Regina", "Veronika",
    "Elisabeth", "Magdalena", "Martina", "Natalia",
)
# Children born since about 2005 mostly carry names fashionable across the groups.
_MODERN_MALE = (
    "Rizky", "Aditya", "Fahri", "Rafa", "Dimas", "Alif", "Farhan", "Raka", "Arya", "Bima", "Reza",
    "Ilham", "Akbar", "Fajar", "Naufal", "Zaki", "Hafiz", "Daffa", "Rehan", "Arkan", "Azka",
    "Gibran", "Rayyan", "Satria", "Yoga", "Bayu", "Galang", "Wahyu", "Rangga", "Ardi", "Andika",
    "Rizal", "Fikri", "Haikal", "Nabil", "Faris", "Ihsan", "Rasya", "Zidan", "Dafa", "Ariq",
)
_MODERN_FEMALE = (
    "Nabila", "Aisyah", "Naura", "Keisha", "Alya", "Putri", "Zahra", "Salsabila", "Nayla",
    "Aulia", "Anisa", "Syifa", "Kirana", "Amelia", "Azzahra", "Dinda", "Annisa", "Khansa",
    "Aqila", "Rara", "Safira", "Tiara", "Vania", "Zaskia", "Cahaya", "Intan", "Mutiara", "Nadia",
    "Rahma", "Fitria", "Indah", "Ayu", "Citra", "Diva", "Elsa", "Hana", "Jihan", "Laras",
)
_MODERN_SECOND_MALE = (
    "Ramadhan", "Pratama", "Saputra", "Maulana", "Putra", "Alfarizi", "Hidayat", "Syahputra",
    "Firmansyah", "Kurniawan", "Setiawan", "Wijaya", "Prasetyo", "Nugraha", "Pradana", "Kusuma",
    "Mahendra", "Arrasyid", "Alfatih", "Akbar", "Ramadani", "Ananda", "Permana", "Hakim",
)
_MODERN_SECOND_FEMALE = (
    "Lestari", "Putri", "Azzahra", "Ananda", "Permata", "Febriani", "Nurhaliza", "Rahmadani",
    "Saputri", "Amelia", "Oktaviani", "Agustina", "Septiani", "Novitasari", "Rahmawati",
    "Handayani", "Wulandari", "Anggraini", "Safitri", "Maharani", "Pertiwi", "Fitriani",
    "Oktavia", "Khairunnisa", "Ramadhani",
)
# Arabic-derived names shared by the Muslim groups, and the compounds they form (Abdul Rahman,
# Nasruddin), for the long tail of a real register.
_ARABIC_MALE = (
    "Hasan", "Husin", "Ali", "Umar", "Usman", "Ismail", "Ibrahim", "Ishak", "Yakub", "Yusuf",
    "Musa", "Harun", "Idris", "Ilyas", "Yunus", "Zakaria", "Sulaiman", "Daud", "Ramli", "Rusli",
    "Jafar", "Hamdan", "Hamzah", "Hasbi", "Anwar", "Arsyad", "Mahmud", "Mansyur", "Marzuki",
    "Masri", "Mukhlis", "Munir", "Nasir", "Rahmat", "Rasyid", "Ridwan", "Rifai", "Saleh",
    "Salim", "Syahrul", "Syukri", "Taufik", "Wahyu", "Zainal", "Zulkifli", "Fadli", "Faisal",
    "Fikri", "Hafiz", "Hendra", "Heri", "Iwan", "Rudi", "Dedi", "Amran", "Asri", "Badrun",
    "Darwis", "Fauzan", "Gazali", "Halim", "Irfan", "Jamal", "Kamal", "Lukman", "Mustafa",
    "Nawawi", "Rizal", "Sahlan", "Syamsul", "Yahya", "Zubair", "Amin", "Bakri", "Basri",
)
_ABDUL = (
    "Rahman", "Rahim", "Karim", "Hamid", "Majid", "Latif", "Aziz", "Gafur", "Halim", "Wahab",
    "Jalil", "Salam", "Muis", "Kadir", "Gani", "Razak", "Malik", "Hakim", "Basit", "Rasyid",
    "Wahid", "Samad", "Syukur", "Hadi", "Kahar", "Rauf", "Haris", "Jabar", "Muthalib",
)
_UDDIN = (
    "Nasr", "Hasan", "Syams", "Amir", "Bahar", "Zain", "Saif", "Jamal", "Kamal", "Fakhr", "Nur",
    "Alim", "Syarif", "Taj", "Siraj", "Salah", "Najam", "Sahab", "Khair", "Burhan", "Hamid",
)
_ARABIC_FEMALE = (
    "Aminah", "Aisyah", "Fatimah", "Khadijah", "Maryam", "Zainab", "Halimah", "Salmah", "Rahmah",
    "Hafsah", "Rukayah", "Sarifah", "Zubaidah", "Masitah", "Mahmudah", "Nafisah", "Hamidah",
    "Jamilah", "Kamilah", "Latifah", "Nurhasanah", "Nurjanah", "Nurlaila", "Nurhayati",
    "Rosidah", "Sakdiah", "Saudah", "Syamsiah", "Wardah", "Zaleha", "Masnah", "Raudah",
    "Mardiah", "Fauziah", "Ramlah", "Asiah", "Basariah", "Jubaidah", "Rohani", "Rohana",
    "Rosnani", "Yulianti", "Ratna", "Sari", "Fitri", "Wulan", "Rini", "Erna", "Yanti", "Susanti",
    "Hartati", "Herlina", "Marlina", "Dahlia", "Norma", "Nuraini", "Hayati", "Munawarah",
)
# Javanese names are a prefix, a stem and an ending that marks the sex (Su-par-no, Su-mar-ni,
# Tu-ki-man, Ka-si-yem).
_JV_PREFIX = ("Su", "Sa", "Mu", "Pa", "Wa", "Ka", "Tu", "Ma", "Ra", "Nga")
_JV_STEM = (
    "gi", "par", "war", "mar", "kar", "tar", "di", "har", "yat", "ki", "si", "ri", "ra", "la",
    "pri", "nar", "lar", "san", "man", "mi", "ti", "wi", "jo",
)
_JV_MALE_END = (
    "no", "to", "di", "man", "min", "jo", "yo", "yanto", "yono", "wanto", "adi", "rejo", "yadi",
    "ran", "mo",
)
_JV_FEMALE_END = (
    "ni", "ti", "mi", "yem", "nah", "yati", "wati", "yani", "ningsih", "nem", "sih", "tun", "nah",
)
# Dayak names: two syllables (La-hang, Bi-lung, Ja-lung).
_DY_FIRST = (
    "La", "Ha", "Ja", "Bi", "Nga", "Lu", "Di", "Ju", "Li", "Ku", "Ba", "Ta", "Pe", "Se", "U",
    "A", "I", "Ma", "Na", "Bu", "Jo", "Ne", "Hu", "Ti",
)
_DY_SECOND = (
    "hang", "lung", "wing", "jang", "ing", "ang", "ung", "au", "yau", "sang", "bit", "tan", "ran",
    "ding", "lau", "ngau", "kung", "bong", "lih", "wan", "yeq", "sui", "lang", "dan", "ring",
    "ngan", "yang", "bun",
)
_MODERN_CHRISTIAN_MALE = ("Kristian", "Yosua", "Gabriel", "Kevin", "Steven", "Christopher")
_MODERN_CHRISTIAN_FEMALE = ("Natalia", "Jessica", "Angel", "Grace", "Claudia", "Yohana")
# (spelling, weight): "Muhammad" dominates, the abbreviations show up on older cards.
_MUHAMMAD = (
    ("Muhammad", 50), ("Muhamad", 14), ("M.", 15), ("Moh.", 8), ("Moch.", 5), ("Mohammad", 6),
    ("Muh.", 2),
)
_DEGREES = (
    ", S.Pd.", ", S.E.", ", S.Sos.", ", A.Md.", ", S.Kom.", ", S.H.",
)
# fmt: on


def _weighted(pairs: tuple[tuple[str, int], ...]) -> tuple[tuple[str, ...], list[int]]:
    return tuple(p for p, _ in pairs), list(accumulate(w for _, w in pairs))


_MUHAMMAD_VALUES, _MUHAMMAD_CUM = _weighted(_MUHAMMAD)


def _muhammad(rng: random.Random) -> str:
    return _MUHAMMAD_VALUES[bisect(_MUHAMMAD_CUM, rng.random() * _MUHAMMAD_CUM[-1])]


def _given(rng: random.Random, group: str, male: bool) -> str:
    """A given name: from the group's common names or the long tail of composed names."""
    roll = rng.random()
    if roll < 0.45:
        return rng.choice((_MALE if male else _FEMALE)[group])
    if group == "javanese":
        stem = rng.choice(_JV_PREFIX) + rng.choice(_JV_STEM)
        return stem + rng.choice(_JV_MALE_END if male else _JV_FEMALE_END)
    if group == "dayak":
        return rng.choice(_DY_FIRST) + rng.choice(_DY_SECOND)
    if not male:
        return rng.choice(_ARABIC_FEMALE)
    if roll < 0.55:
        return f"Abdul {rng.choice(_ABDUL)}"
    if roll < 0.65:
        return f"{rng.choice(_UDDIN)}uddin"
    return rng.choice(_ARABIC_MALE)


def _second(rng: random.Random, group: str) -> str:
    """A second word: often the father's name, otherwise a family or common second name."""
    if rng.random() < 0.5:
        return _given(rng, group, male=True).split()[-1]
    return rng.choice(_SECOND[group])


def _modern(rng: random.Random, muslim: bool, male: bool) -> str:
    if muslim or rng.random() < 0.3:
        first = rng.choice(_MODERN_MALE if male else _MODERN_FEMALE)
        if male and muslim and rng.random() < 0.3:
            first = f"{_muhammad(rng)} {first}"
    else:
        first = rng.choice(_MODERN_CHRISTIAN_MALE if male else _MODERN_CHRISTIAN_FEMALE)
    if rng.random() < 0.15:
        return first
    second = rng.choice(_MODERN_SECOND_MALE if male else _MODERN_SECOND_FEMALE)
    if rng.random() < 0.25:
        return f"{first} {second} {rng.choice(_MODERN_SECOND_MALE + _MODERN_SECOND_FEMALE)}"
    return f"{first} {second}"


def make_name(rng: random.Random, group: str, sex: str, birth_year: int, age: int) -> str:
    """A plausible full name for a person of ``group`` born in ``birth_year``.

    Args:
        rng: the seeded generator (the only source of randomness, for determinism).
        group: one of :data:`ETHNIC_GROUPS`.
        sex: ``"M"`` or ``"F"``.
        birth_year: the year of birth (recent births get fashionable names).
        age: the age today (pilgrim titles are given to older people only).

    Returns:
        The name as it would be written on a KK, e.g. ``"H. Moh. Ridwan"`` or ``"Ngatini"``.
    """
    male = sex == "M"
    muslim = group in MUSLIM_GROUPS
    if birth_year >= 2005 and rng.random() < 0.6:
        return _modern(rng, muslim, male)
    roll = rng.random()
    given = _given(rng, group, male)
    if group == "dayak":
        if roll < 0.45:
            return f"{rng.choice(_BAPTISMAL_MALE if male else _BAPTISMAL_FEMALE)} {given}"
        if roll < 0.7:
            return given  # a single name, common among older Dayak people
        return f"{given} {_second(rng, group)}"
    if group == "javanese" and roll < (0.55 if age >= 50 else 0.3):
        name = given  # single names: Paijo, Ngatini, Tukiman
    elif " " in given or roll > 0.75:
        name = given
    else:
        name = f"{given} {_second(rng, group)}"
    if male and muslim and group != "javanese" and rng.random() < 0.22:
        name = f"{_muhammad(rng)} {name}"
    elif not male and rng.random() < 0.15:
        siti = (
            "Sitti" if group == "bugis" else "Nor" if group == "banjar" and roll < 0.3 else "Siti"
        )
        name = f"{siti} {name}"
    if group == "bugis" and rng.random() < 0.08:
        name = f"Andi {name}"  # Bugis noble title, written as part of the name
    elif group == "kutai" and rng.random() < 0.06:
        name = f"{'Aji' if male else 'Dayang'} {name}"
    if muslim and age >= 45 and rng.random() < 0.12:
        name = f"{'H.' if male else 'Hj.'} {name}"
    elif age >= 23 and rng.random() < 0.015:
        name += rng.choice(_DEGREES)
    return name
