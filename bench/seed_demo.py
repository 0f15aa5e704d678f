#!/usr/bin/env python3
"""Time `seed_demo` on fresh databases: an SQLite file and a new PostgreSQL database.

    .venv/bin/python bench/seed_demo.py                       # 1,000,000 items on both engines
    .venv/bin/python bench/seed_demo.py --items 100000 --engines sqlite

Each run migrates a new database first (not timed), seeds it once (timed, wall clock), prints the
seconds, items per second and rows written, then drops the database / deletes the file. The
machine may be shared: run it once, not in a loop, and compare the CPU seconds (this process's:
all of SQLite's work, only the client side of PostgreSQL's), which other users disturb less.
PostgreSQL: --pg-url names a server where the user may CREATE DATABASE (default: the local
trust-auth server used by the tests).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from db import migrate  # noqa: E402
from db.engine import engine_for  # noqa: E402
from demo.data import seed_demo  # noqa: E402

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def time_seed(url: str, *, items: int, seed: int, as_of: date) -> None:
    """Migrate `url`, then seed it once and print the wall-clock and CPU time and rows written."""
    migrate.upgrade(url)
    started, cpu = time.perf_counter(), time.process_time()
    summary = seed_demo(url, items=items, seed=seed, as_of=as_of)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    rows = sum(n for _, n in summary.counts)
    print(f"{summary.engine:10s} {items:>9,d} items in {seconds:7.1f} s ({cpu:.1f} s CPU) = "
          f"{items / seconds:>8,.0f} items/s ({rows:,d} rows in all)")
    print(f"           {summary}")
    engine_for(url).dispose()


def bench_sqlite(args) -> None:
    """Time seeding a new SQLite file in a temporary folder, deleted afterwards."""
    with tempfile.TemporaryDirectory(prefix="seed_demo_") as folder:
        time_seed(f"sqlite:///{Path(folder) / 'demo.db'}", items=args.items, seed=args.seed,
                  as_of=args.as_of)


def bench_postgres(args) -> None:
    """Time seeding a new PostgreSQL database, dropped afterwards."""
    admin = create_engine(make_url(args.pg_url).set(database="postgres"),
                          isolation_level="AUTOCOMMIT")
    name = f"seed_demo_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(args.pg_url).set(database=name).render_as_string(hide_password=False)
        time_seed(url, items=args.items, seed=args.seed, as_of=args.as_of)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--items", type=int, default=1_000_000)
    p.add_argument("--seed", type=int, default=20261126)
    p.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 26))
    p.add_argument("--engines", default="sqlite,postgresql", help="comma-separated")
    p.add_argument("--pg-url", default=PG_URL)
    args = p.parse_args(argv)
    runs = dict(sqlite=bench_sqlite, postgresql=bench_postgres)
    for engine in args.engines.split(","):
        runs[engine.strip()](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
