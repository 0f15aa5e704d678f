"""Shared by the benchmark scripts: a cached demo ledger of N items, and alternating timers."""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_SERVER = os.environ.get("LEDGER_BENCH_POSTGRES_URL",
                           "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
# Several checkouts on one machine (branches with different schemas) keep their cached ledgers
# apart by a tag: database ledger_bench_<items>_<tag>, file bench/.cache/ledger-<items>-<tag>.db.
TAG = os.environ.get("LEDGER_BENCH_TAG", "")


def ensure_ledger(engine: str, items: int) -> str:
    """The URL of a migrated demo ledger with `items` items, seeded now if it is not there yet."""
    from sqlalchemy import create_engine, func, select, text
    from sqlalchemy.engine import make_url

    from db import migrate
    from db.engine import engine_for
    from db.models import Item
    from demo import data as demo_data
    if engine == "postgresql":
        base = make_url(PG_SERVER)
        name = f"ledger_bench_{items}" + (f"_{TAG}" if TAG else "")
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first():
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = base.set(database=name).render_as_string(hide_password=False)
    else:
        path = ROOT / "bench" / ".cache" / (f"ledger-{items}" + (f"-{TAG}" if TAG else "") + ".db")
        path.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{path}"
    migrate.upgrade(url)
    started = time.perf_counter()
    summary = demo_data.seed_demo(url, items=items, seed=7, if_empty=True)
    print(f"  ledger: {summary} ({time.perf_counter() - started:.0f} s)")
    with engine_for(url).connect() as conn:
        have = conn.scalar(select(func.count()).select_from(Item.__table__))
    if have != items:
        raise SystemExit(f"{url} holds {have} items, not {items}: drop it and run again")
    return url


def pg_reachable() -> bool:
    from sqlalchemy import create_engine, text
    try:
        with create_engine(PG_SERVER).connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means "not here"
        return False


def median_time(fn, runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def alternating(first, second, runs: int) -> tuple[float, float]:
    """Median seconds of each, run in turns (first, second, first, …), so both meet the same load."""
    times: tuple[list, list] = ([], [])
    for _ in range(runs):
        for fn, samples in zip((first, second), times, strict=True):
            started = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - started)
    return statistics.median(times[0]), statistics.median(times[1])
