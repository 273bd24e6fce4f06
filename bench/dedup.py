# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark of the province-wide duplicate scan against an exact-NIK SQL baseline.

Run ``uv run python bench/dedup.py`` (500,000 persons; ``--quick`` for 20,000). The database
is built once in a temporary directory (``kaltim-bench-dedup`` under the system's temp folder)
and reused by later runs with the same size and seed (``--rebuild`` builds it again). It has
the real schema (the migrations) and the demo generator's families over every Kaltim district,
with duplicates and look-alikes injected (:mod:`kaltim_desktop.dedup.synthetic`); the rows are
inserted in bulk with ``sqlite3`` because the benchmark is about reading, not the write path.

Printed, from one run:

* the full cross-district :func:`~kaltim_desktop.dedup.scan_persons` (target: at most 60 s);
* the baseline: ``GROUP BY nik HAVING count(*) > 1`` joined back to the persons, i.e. exact
  NIK only, in plain SQL;
* their ratio, the pairs each found, the precision and recall of the scan against the injected
  truth, and the peak memory of this process (the database is built in a child process);
* for information: the scan of an import of 1,000 persons (``person_ids``), and the check while
  an officer types (:func:`~kaltim_desktop.services.search.find_possible_duplicates`) in the
  largest village, p50/p95 over names of its residents with a typo.
"""

from __future__ import annotations

import argparse
import multiprocessing
import pickle
import random
import resource
import sqlite3
import sys
import tempfile
import time
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import text

from kaltim_desktop.db import open_database
from kaltim_desktop.dedup import scan_persons
from kaltim_desktop.dedup.synthetic import SyntheticSet, make_synthetic
from kaltim_desktop.progress import CancelToken
from kaltim_desktop.services.search import find_possible_duplicates

TARGET_SCAN_S = 60.0
BASELINE_SQL = """
SELECT p.id, p.nik FROM person p
JOIN (SELECT nik FROM person WHERE deleted = 0 AND merged_into IS NULL AND nik IS NOT NULL
      GROUP BY nik HAVING count(*) > 1) d ON d.nik = p.nik
WHERE p.deleted = 0 AND p.merged_into IS NULL
"""
_HOUSEHOLD_FIELDS = (
    "kk_number", "kk_as_of", "village_code", "rt", "rw", "hamlet", "street", "phone",
    "gps_lat_e6", "gps_lon_e6", "dtsen_decile", "dtsen_as_of", "head_name", "notes",
)  # fmt: skip
_PERSON_EXTRA = (
    "birth_place", "education", "occupation", "disability", "skills", "domicile_since",
)  # fmt: skip


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _value(value):
    """A value in SQLite's storage form, as SQLAlchemy writes it."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _insert(conn: sqlite3.Connection, table: str, rows: list[dict]) -> None:
    if not rows:
        return
    columns = list(rows[0])
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    conn.executemany(sql, ([_value(row[c]) for c in columns] for row in rows))


def write_synthetic(path: Path, data: SyntheticSet) -> None:
    """Insert the households, persons and memberships of ``data`` into the migrated database
    at ``path``, in bulk (no op log: for benchmarks and tests of reading only)."""
    stamp = datetime(2026, 11, 1, tzinfo=UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    common = {"created_at": stamp, "updated_at": stamp, "deleted": 0, "merged_into": None}
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("BEGIN")
        households, persons, memberships = [], [], []
        for family in data.families:
            fields = {k: family.fields.get(k) for k in _HOUSEHOLD_FIELDS}
            fields.update(village_code=family.village_code, kk_number=family.kk_number)
            fields["head_name"] = family.members[0].name if family.members else None
            households.append({"id": family.id, **common, **fields})
            for person in family.members:
                extra = {k: person.extra.get(k) for k in _PERSON_EXTRA}
                persons.append(
                    {"id": person.id, **common, "nik": person.nik,
                     "nik_reversed": person.nik[::-1] if person.nik else None,
                     "name": person.name, "sex": person.sex, "birth_date": person.birth_date,
                     **extra}
                )  # fmt: skip
                memberships.append(
                    {"id": f"m-{person.id}", **common, "household_id": family.id,
                     "person_id": person.id, "relation": person.relation, "active": 1,
                     "left_on": None}
                )  # fmt: skip
            if len(persons) >= 50_000:
                for table, rows in (("household", households), ("person", persons),
                                    ("membership", memberships)):  # fmt: skip
                    _insert(conn, table, rows)
                households, persons, memberships = [], [], []
        _insert(conn, "household", households)
        _insert(conn, "person", persons)
        _insert(conn, "membership", memberships)
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _build(path: Path, persons: int, seed: int) -> None:
    """Child process: generate, migrate, insert; the truth goes to a file beside."""
    started = time.perf_counter()
    data = make_synthetic(persons, seed=seed)
    say(f"build: {sum(len(f.members) for f in data.families):,} persons generated "
        f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
    open_database(path).dispose()
    write_synthetic(path, data)
    path.with_suffix(".truth").write_bytes(pickle.dumps(data.duplicates))
    say(f"build: written in {time.perf_counter() - started:.1f} s")


def ensure_database(persons: int, seed: int, rebuild: bool) -> Path:
    folder = Path(tempfile.gettempdir()) / "kaltim-bench-dedup"
    folder.mkdir(exist_ok=True)
    path = folder / f"persons-{persons}-seed{seed}.sqlite"
    if rebuild or not path.with_suffix(".truth").exists():
        for stale in (path, path.with_suffix(".truth")):
            stale.unlink(missing_ok=True)
        say(f"build: {persons:,} persons into {path}…")
        child = multiprocessing.get_context("fork").Process(
            target=_build, args=(path, persons, seed)
        )
        child.start()
        child.join()
        if child.exitcode != 0:
            raise SystemExit("building the database failed")
    return path


def _typing_ms(db, village: str, names: list[str], rng: random.Random) -> tuple[float, float]:
    """p50 and p95 (ms) of the typing check for 200 residents' names with a letter missed."""
    timings = []
    for name in rng.choices(names, k=200):
        i = rng.randrange(1, max(2, len(name)))
        typed = name[:i] + name[i + 1 :]
        started = time.perf_counter()
        find_possible_duplicates(db, None, typed, village)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return timings[len(timings) // 2], timings[int(len(timings) * 0.95)]


def time_import_and_typing(db, seed: int) -> dict[str, object]:
    """The check of a district bundle (1,000 persons of the largest district) and the typing
    check in a village of median size and in the largest village."""
    rng = random.Random(seed)
    residents_sql = text(
        "SELECT p.name FROM person p JOIN membership m ON m.person_id = p.id "
        "JOIN household h ON h.id = m.household_id WHERE h.village_code = :v"
    )
    with db.read() as session:
        sizes = session.execute(
            text("SELECT village_code, count(*) FROM household GROUP BY village_code ORDER BY 2")
        ).all()
        district = session.execute(
            text(
                "SELECT substr(village_code, 1, 8) FROM household GROUP BY 1 ORDER BY count(*) DESC"
            )
        ).scalar()
        bundle = list(session.scalars(
            text("SELECT m.person_id FROM membership m JOIN household h ON h.id = m.household_id "
                 "WHERE h.village_code LIKE :d ORDER BY m.person_id LIMIT 1000"),
            {"d": f"{district}.%"},
        ))  # fmt: skip
        started = time.perf_counter()
        scan_persons(session, person_ids=bundle)
        import_s = time.perf_counter() - started
        villages = {"median": sizes[len(sizes) // 2], "largest": sizes[-1]}
        names = {
            label: list(session.scalars(residents_sql, {"v": code}))
            for label, (code, _) in villages.items()
        }
    say(f"import: {len(bundle)} persons of {district} checked in {import_s:.2f} s")
    typing = {
        label: (households, len(names[label]), _typing_ms(db, code, names[label], rng))
        for label, (code, households) in villages.items()
    }
    return {"import_s": import_s, "bundle": len(bundle), "typing": typing}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rebuild", action="store_true", help="build the database again")
    parser.add_argument("--quick", action="store_true", help="20,000 persons")
    args = parser.parse_args(argv)
    if args.quick:
        args.persons = 20_000
    path = ensure_database(args.persons, args.seed, args.rebuild)
    truth = pickle.loads(path.with_suffix(".truth").read_bytes())
    db = open_database(path, routine_backup=False)
    try:
        with db.read() as session:
            count = session.execute(text("SELECT count(*) FROM person")).scalar_one()
            say("baseline: exact NIK in SQL…")
            started = time.perf_counter()
            rows = session.execute(text(BASELINE_SQL)).all()
            baseline_s = time.perf_counter() - started
        groups: dict[str, int] = {}
        for _, nik in rows:
            groups[nik] = groups.get(nik, 0) + 1
        baseline_pairs = sum(n * (n - 1) // 2 for n in groups.values())
        say("scan: every person against every block…")
        token = CancelToken()
        with db.read() as session:
            started = time.perf_counter()
            found = scan_persons(session, progress=token)
            scan_s = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        extra = time_import_and_typing(db, args.seed)
    finally:
        db.dispose()
    pairs = {frozenset((c.first_id, c.second_id)) for c in found}
    hits = len(pairs & truth)
    same_nik = sum("same_nik" in c.reasons for c in found)
    print(f"kaltim-desktop duplicate scan benchmark: {count:,} persons, seed {args.seed}")
    print(f"{'':34} {'scan':>10} {'baseline':>10} {'ratio':>7}  {'target':>8}  ok")
    ok = "yes" if scan_s <= TARGET_SCAN_S else "NO"
    print(f"{'time (s)':34} {scan_s:10.2f} {baseline_s:10.2f} {scan_s / baseline_s:6.1f}x"
          f"  {'<= 60':>8}  {ok}")  # fmt: skip
    print(f"{'pairs found':34} {len(found):10,} {baseline_pairs:10,}")
    print(f"{'  of which same NIK':34} {same_nik:10,} {baseline_pairs:10,}")
    print(f"{'  of which duplicate level':34} {sum(c.level == 'duplicate' for c in found):10,}")
    print(f"{'injected duplicate pairs':34} {len(truth):10,}")
    print(f"{'precision / recall vs injected':34} {hits / max(1, len(pairs)):10.3f} "
          f"{hits / max(1, len(truth)):10.3f}")  # fmt: skip
    print(f"{'peak memory of this process (MB)':34} {peak_mb:10.0f}")
    print(f"{'district bundle of ' + str(extra['bundle']) + ' persons (s)':34} "
          f"{extra['import_s']:10.2f}")  # fmt: skip
    for label, (households, persons, (p50, p95)) in extra["typing"].items():
        print(f"{f'typing check p50/p95 (ms), {label}':34} {p50:10.1f} {p95:10.1f}"
              f"   village of {households:,} households, {persons:,} persons")  # fmt: skip
    return 0 if scan_s <= TARGET_SCAN_S else 1


if __name__ == "__main__":
    sys.exit(main())
