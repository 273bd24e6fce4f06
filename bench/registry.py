# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark of the registry: demo generation, registration and search, against plain SQLite.

Run ``uv run python bench/registry.py --households 100000`` (or ``--quick`` for a small run).
Everything happens in temporary directories that are deleted at the end. Printed:

* the time to generate the demo database through the op log (target: 100,000 households in
  under 60 s);
* ``save_household`` latency per household, with validation, op log and audit (target: median
  at most 3 ms);
* search latency (p50/p95) for full and partial NIKs, names and regions over many random
  queries (target: p95 at most 30 ms), plus "broad" queries (4 NIK digits, one common word)
  shown for information;
* the same figures for a plain SQLite baseline: the same household and person rows inserted
  with ``sqlite3`` and no op log or audit, and searched with plain ``LIKE``/equality SQL.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import text

from kaltim_desktop.db import open_database
from kaltim_desktop.domain.rtlh import HouseCondition
from kaltim_desktop.services.context import Actor
from kaltim_desktop.services.demo import DemoIds, generate_demo
from kaltim_desktop.services.demo_people import Family, FamilyFactory
from kaltim_desktop.services.demo_programmes import ProgrammeFactory
from kaltim_desktop.services.household_rules import HouseholdInput, MemberInput
from kaltim_desktop.services.households import save_household
from kaltim_desktop.services.search import search_households

TARGET_DEMO_S = 60.0
TARGET_REGISTRATION_MS = 3.0
TARGET_SEARCH_P95_MS = 30.0
OPERATOR = Actor(
    officer_id="00000000-0000-7000-8000-00000000b001", username="bench", role="operator"
)
EXPERIMENT_INDEX = (
    "CREATE INDEX bench_person_name_token_person ON person_name_token (person_id, token)"
)
_CONDITION_FIELDS = tuple(HouseCondition.__dataclass_fields__)


@dataclass
class Row:
    metric: str
    ours: float
    plain: float | None
    target: str = ""
    ok: bool | None = None


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---- registration through the service ----------------------------------------------------


def to_input(family: Family, house: dict) -> HouseholdInput:
    members = tuple(MemberInput(relation=m.relation, **m.fields) for m in family.members)
    f = family.fields
    return HouseholdInput(
        village_code=f["village_code"], members=members, id=family.household_id,
        kk_number=f["kk_number"], kk_as_of=f["kk_as_of"], rt=f["rt"], rw=f["rw"],
        hamlet=f["hamlet"], street=f["street"], phone=f["phone"], gps_lat_e6=f["gps_lat_e6"],
        gps_lon_e6=f["gps_lon_e6"], dtsen_decile=f["dtsen_decile"], dtsen_as_of=f["dtsen_as_of"],
        house=HouseCondition(**{k: house[k] for k in _CONDITION_FIELDS}),
        house_assessed_on=house["assessed_on"],
    )  # fmt: skip


def new_families(count: int, seed: int, today: date) -> list[tuple[Family, dict]]:
    """Families the demo did not write (another seed and id stream)."""
    rng = random.Random(seed)
    ids = DemoIds(random.Random(f"bench-{seed}"), base_ms=1_800_000_000_000)
    people, programmes = FamilyFactory(rng, ids, today), ProgrammeFactory(rng, ids, today)
    out = []
    for _ in range(count):
        family = people.family()
        out.append((family, programmes.house(family, today)))
    return out


def bench_registration(db, families, today: date) -> list[float]:
    timings = []
    for family, house in families:
        data = to_input(family, house)
        started = time.perf_counter()
        # A NIK drawn again by chance is a duplicate warning, which an officer would confirm.
        save_household(db, OPERATOR, data, confirm_warnings=True, today=today)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


# ---- plain SQLite baseline ---------------------------------------------------------------

PLAIN_SCHEMA = """
CREATE TABLE household (id TEXT PRIMARY KEY, kk_number TEXT, village_code TEXT, rt INTEGER,
    rw INTEGER, street TEXT, phone TEXT, head_name TEXT);
CREATE TABLE person (id TEXT PRIMARY KEY, household_id TEXT REFERENCES household(id),
    nik TEXT, name TEXT, sex TEXT, birth_date TEXT, relation TEXT);
CREATE INDEX ix_person_nik ON person(nik);
CREATE INDEX ix_person_household ON person(household_id);
CREATE INDEX ix_household_kk ON household(kk_number);
CREATE INDEX ix_household_village ON household(village_code);
"""


def settle(path: Path) -> None:
    """Checkpoint the WAL into the database file and flush the OS cache to disk, so that the
    next measurement does not pay for the previous bulk write."""
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    os.sync()


def plain_connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    # The same durability settings as the application.
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    return conn


def plain_rows(family: Family) -> tuple[tuple, list[tuple]]:
    f = family.fields
    household = (
        family.household_id,
        f["kk_number"],
        f["village_code"],
        f["rt"],
        f["rw"],
        f["street"],
        f["phone"],
        f["head_name"],
    )
    persons = [(m.person_id, family.household_id, m.fields["nik"], m.fields["name"],
                m.fields["sex"], m.fields["birth_date"].isoformat(), m.relation)
               for m in family.members]  # fmt: skip
    return household, persons


def plain_insert(conn: sqlite3.Connection, batch: list[Family]) -> None:
    conn.execute("BEGIN")
    for family in batch:
        household, persons = plain_rows(family)
        conn.execute("INSERT INTO household VALUES (?,?,?,?,?,?,?,?)", household)
        conn.executemany("INSERT INTO person VALUES (?,?,?,?,?,?,?)", persons)
    conn.execute("COMMIT")


def plain_bulk(path: Path, households: int, seed: int, today: date) -> float:
    """Generate the same kind of families and insert them in batches of 1,000."""
    started = time.perf_counter()
    rng = random.Random(seed)
    people = FamilyFactory(rng, DemoIds(random.Random(f"plain-{seed}")), today)
    with closing(plain_connect(path)) as conn:
        conn.executescript(PLAIN_SCHEMA)
        done = 0
        while done < households:
            size = min(1000, households - done)
            plain_insert(conn, [people.family() for _ in range(size)])
            done += size
    return time.perf_counter() - started


def plain_registration(path: Path, families) -> list[float]:
    timings = []
    with closing(plain_connect(path)) as conn:
        for family, _house in families:
            started = time.perf_counter()
            plain_insert(conn, [family])
            timings.append((time.perf_counter() - started) * 1000)
    return timings


_PLAIN_BY_PERSON = (
    "SELECT DISTINCT h.id, h.head_name FROM person p JOIN household h ON h.id = p.household_id "
    "WHERE {where} ORDER BY h.head_name, h.id LIMIT 50"
)


def plain_query(kind: str, value: str) -> tuple[str, tuple]:
    """The plain SQL a straightforward implementation would use."""
    if kind == "nik_full":
        return _PLAIN_BY_PERSON.format(where="p.nik = ?"), (value,)
    if kind in ("nik_prefix", "nik_broad_prefix"):
        return _PLAIN_BY_PERSON.format(where="p.nik LIKE ? || '%'"), (value,)
    if kind in ("nik_suffix", "nik_broad_suffix"):
        return _PLAIN_BY_PERSON.format(where="p.nik LIKE '%' || ?"), (value,)
    if kind in ("name", "name_broad"):
        words = value.split()
        where = " AND ".join("p.name LIKE '%' || ? || '%'" for _ in words)
        return _PLAIN_BY_PERSON.format(where=where), tuple(words)
    if kind == "region":
        return ("SELECT id, head_name FROM household WHERE village_code LIKE ? || '%' "
                "ORDER BY head_name, id LIMIT 50"), (value,)  # fmt: skip
    raise ValueError(kind)


# ---- search ------------------------------------------------------------------------------


def make_queries(db, count: int, seed: int) -> dict[str, list[str]]:
    rng = random.Random(seed)
    with db.read() as session:
        people = session.execute(
            text("SELECT nik, name FROM person WHERE nik IS NOT NULL AND rowid % 7 = 0")
        ).all()
        villages = [
            r[0] for r in session.execute(text("SELECT DISTINCT village_code FROM household"))
        ]
    sample = [rng.choice(people) for _ in range(count)]

    def typed_name(name: str) -> str:
        words = name.replace(",", " ").split()
        if len(words) == 1 or rng.random() < 0.5:
            return name  # the whole name as written on the card
        return f"{words[0]} {words[-1][: rng.randint(3, 5)]}"  # typing, not finished yet

    def region(code: str) -> str:
        return code[: rng.choice((5, 8, 13))]  # regency, district or village

    return {
        "nik_full": [nik for nik, _ in sample],
        # Typing the start of a NIK, or the last digits printed on a masked paper.
        "nik_prefix": [nik[: rng.randint(8, 12)] for nik, _ in sample],
        "nik_suffix": [nik[-rng.randint(6, 8) :] for nik, _ in sample],
        "name": [typed_name(name) for _, name in sample],
        "region": [region(rng.choice(villages)) for _ in range(count)],
        "nik_broad_suffix": [nik[-4:] for nik, _ in sample[: max(10, count // 10)]],
        "name_broad": [rng.choice(("siti", "muhammad", "nur", "ahmad", "sri"))
                       for _ in range(max(10, count // 10))],
    }  # fmt: skip


def time_ours(db, kind: str, queries: list[str]) -> list[float]:
    timings = []
    for value in queries:
        started = time.perf_counter()
        if kind == "region":
            search_households(db, "", region=value)
        else:
            search_households(db, value)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def time_plain(path: Path, kind: str, queries: list[str]) -> list[float]:
    timings = []
    with closing(sqlite3.connect(path)) as conn:
        for value in queries:
            sql, params = plain_query(kind, value)
            started = time.perf_counter()
            conn.execute(sql, params).fetchall()
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def copy_to_plain(app_path: Path, path: Path) -> None:
    """The application's households and active members as plain rows, for equal searches."""
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.executescript(PLAIN_SCHEMA)
        conn.execute("ATTACH DATABASE ? AS app", (str(app_path),))
        conn.execute("BEGIN")
        conn.execute(
            "INSERT INTO household SELECT id, kk_number, village_code, rt, rw, street, phone,"
            " head_name FROM app.household WHERE deleted = 0"
        )
        conn.execute(
            "INSERT INTO person SELECT p.id, m.household_id, p.nik, p.name, p.sex,"
            " p.birth_date, m.relation FROM app.person p JOIN app.membership m"
            " ON m.person_id = p.id AND m.active = 1 AND m.deleted = 0 WHERE p.deleted = 0"
        )
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE app")


# ---- report ------------------------------------------------------------------------------


def print_table(rows: list[Row]) -> None:
    print(f"{'metric':44} {'kaltim':>10} {'plain':>10} {'ratio':>7}  {'target':>9}  ok")
    for r in rows:
        plain = f"{r.plain:10.2f}" if r.plain is not None else f"{'-':>10}"
        ratio = f"{r.ours / r.plain:6.1f}x" if r.plain else f"{'-':>7}"
        ok = {True: "yes", False: "NO", None: ""}[r.ok]
        print(f"{r.metric:44} {r.ours:10.2f} {plain} {ratio}  {r.target:>9}  {ok}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--registrations", type=int, default=2_000)
    parser.add_argument("--queries", type=int, default=300, help="random queries per kind")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--token-person-index",
        action="store_true",
        help="experiment: add an index on person_name_token(person_id), which the schema lacks,"
        " to measure its effect (the name-token refresh deletes by person id)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="5,000 households, 300 registrations, 100 queries per kind",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.households, args.registrations, args.queries = 5_000, 300, 100
    today = date.today()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="kaltim-bench-") as tmp:
        work = Path(tmp)
        db = open_database(work / "kaltim.sqlite")
        try:
            if args.token_person_index:
                with db.transaction() as session:
                    session.execute(text(EXPERIMENT_INDEX))
            say(f"demo: generating {args.households:,} households…")
            summary = generate_demo(db, households=args.households, seed=args.seed, today=today)
            say(f"demo: {summary.elapsed_seconds:.1f} s, {summary.ops:,} ops")
            plain_path = work / "plain.sqlite"
            settle(db.path)
            plain_s = plain_bulk(plain_path, args.households, args.seed, today)
            settle(plain_path)
            rows.append(
                Row(
                    f"demo {args.households:,} households (s)",
                    summary.elapsed_seconds,
                    plain_s,
                    f"< {TARGET_DEMO_S:.0f}",
                    summary.elapsed_seconds < TARGET_DEMO_S,
                )
            )
            rows.append(
                Row(
                    "demo households per second",
                    summary.households / summary.elapsed_seconds,
                    args.households / plain_s,
                )
            )

            say(f"registration: {args.registrations:,} households through save_household…")
            families = new_families(args.registrations, args.seed + 1000, today)
            ours = bench_registration(db, families, today)
            settle(db.path)
            plain = plain_registration(plain_path, families)
            median = statistics.median(ours)
            rows.append(
                Row(
                    "registration median (ms/household)",
                    median,
                    statistics.median(plain),
                    f"<= {TARGET_REGISTRATION_MS:.0f}",
                    median <= TARGET_REGISTRATION_MS,
                )
            )
            rows.append(
                Row(
                    "registration p95 (ms/household)",
                    percentile(ours, 0.95),
                    percentile(plain, 0.95),
                )
            )
            rows.append(
                Row(
                    "registrations per second",
                    len(ours) / (sum(ours) / 1000),
                    len(plain) / (sum(plain) / 1000),
                )
            )

            say(f"search: {args.queries} random queries per kind…")
            search_path = work / "plain-search.sqlite"
            copy_to_plain(db.path, search_path)
            settle(search_path)
            settle(db.path)
            queries = make_queries(db, args.queries, args.seed)
            for kind, values in queries.items():
                time_ours(db, kind, values[:5])  # warm the caches, as a running app has them
                ours = time_ours(db, kind, values)
                plain = time_plain(search_path, kind, values)
                broad = "broad" in kind
                p95 = percentile(ours, 0.95)
                rows.append(
                    Row(
                        f"search {kind} p50 (ms)", statistics.median(ours), statistics.median(plain)
                    )
                )
                rows.append(
                    Row(
                        f"search {kind} p95 (ms)",
                        p95,
                        percentile(plain, 0.95),
                        "(info)" if broad else f"<= {TARGET_SEARCH_P95_MS:.0f}",
                        None if broad else p95 <= TARGET_SEARCH_P95_MS,
                    )
                )
        finally:
            db.dispose()
    print(
        f"kaltim-desktop registry benchmark: {args.households:,} households, "
        f"{args.registrations:,} registrations, {args.queries} queries per kind"
        + (", experimental person_name_token(person_id) index" if args.token_person_index else "")
    )
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
