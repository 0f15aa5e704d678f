#!/usr/bin/env python3
"""Import benchmark: a 50,000-row realistic ledger, import time against a plain openpyxl read.

Builds the workbook once (merged two-row header, title rows, rows sorted by district with one
merged 区县 cell per block of 1–30 rows, section rows, deadlines as text and date cells), then
runs each phase in a fresh process (so each peak RSS is its own):
  floor   openpyxl load_workbook (not read-only, as the import needs) + iterating every cell
  import  import_ledger into a fresh, migrated SQLite database (and PostgreSQL with --pg or
          LEDGER_TEST_POSTGRES_URL), committed; floor and import alternate --repeat times and
          the best of each is compared, because this machine is shared and runs drift
  again   the same file imported again (every row compared, nothing written)
  export  export_ledger of all 50,000 items
Prints times, peak memory and each ratio to the floor measured in this same run (target for
the import: ≤ 3× the floor). Usage: .venv/bin/python bench/import_bench.py [--rows N] [--pg]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import resource
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET = 3.0
SOURCE = "第二轮中央生态环境保护督察"


def build(rows: int, seed: int = 7) -> bytes:
    """A realistic ledger of `rows` items (deterministic)."""
    from db.reference import ADMIN_DISTRICTS, FUNCTIONAL_AREAS, MUNICIPAL_UNITS
    from tests.excel_samples import build_workbook
    rng = random.Random(seed)
    places = [(short, f"{name}人民政府" if rng.random() < 0.5 else f"{name}政府")  # full or short
              for _a, name, short, *_ in ADMIN_DISTRICTS]
    places += [(name, f"{name}管委会") for _c, name, *_ in FUNCTIONAL_AREAS]
    depts = [short for _n, short, _k in MUNICIPAL_UNITS[1:19]]
    deadlines = ["2022年6月底前", "2022年12月底前", "2023年底前", "立行立改", "长期坚持", "2024年第二季度",
                 "2023年上半年", None]
    topics = ["城镇污水处理厂进水浓度偏低", "工业园区污水收集管网不完善", "餐饮油烟扰民", "建筑垃圾乱堆乱放",
              "小水电生态流量泄放不足", "自然保护区内违规建设", "矿山生态修复滞后", "噪声扰民投诉集中"]
    items, merges, sections, i = [], {}, {}, 0
    while i < rows:  # sorted by district, as ledgers are: one merged 区县 cell per block of rows
        place, gov = places[rng.randrange(len(places))] if rng.random() > 0.05 else ("全市", None)
        span = min(rng.randint(1, 30), rows - i)
        if i and i % 500 < span and i // 500 not in {k // 500 for k in sections}:
            sections[i] = f"{i // 500 + 1}、{place}等区县问题"
        if span > 1:
            merges[(i, "区县")] = span
        for k in range(span):
            items.append(_row(rng, i + k, place if k == 0 else None, gov or rng.choice(depts), depts,
                              deadlines, topics))
        i += span
    print(f"  {len(merges)} merged 区县 cells, {len(sections)} section rows")
    return build_workbook(items, merge_down=merges, sections=sections)


def _row(rng, n: int, place, lead, depts, deadlines, topics) -> dict:
    assigned = date(2022, 1, 10) + timedelta(days=rng.randrange(700))
    deadline = rng.choice(deadlines) or datetime(2023, rng.randrange(1, 13), 28)
    return {"序号": n + 1, "编号": f"ZY2-{n + 1:06d}", "区县": place,
            "问题类别": rng.choice(("水", "大气", "土壤", "固废", "噪声", "生态", "其他")),
            "问题描述": f"第{n + 1}号：{rng.choice(topics)}，群众反映强烈，整改进度滞后于序时要求",
            "牵头单位": lead, "责任单位": lead if rng.random() < 0.3 else None,
            "配合单位": "、".join(rng.sample(depts, rng.randrange(0, 3))) or None,
            "责任领导": "张某某", "责任人": f"李{n % 97}", "整改目标": "问题整改到位，长效机制建立",
            "整改措施": f"一是全面排查；二是制定整改方案；三是第{n % 13 + 1}季度前完成验收",
            "完成时限": deadline, "交办日期": datetime.combine(assigned, datetime.min.time()),
            "整改进展": "已完成排查，正在整改" if rng.random() < 0.6 else None,
            "完成进度": rng.choice((0.0, 0.2, 0.5, 0.8, 1.0)),
            "状态": rng.choice(("整改中", "整改中", "已交办", "待验收", "已销号", None))}


# ---------------------------------------------------------------- phases (each in its own process)

def _peak_mb() -> float:
    """This process's own peak RSS (VmHWM; ru_maxrss would include the parent's at fork)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def phase_floor(path: str, read_only: bool) -> dict:
    from openpyxl import load_workbook
    started, cpu = time.perf_counter(), _cpu()
    wb = load_workbook(path, data_only=True, read_only=read_only)
    cells = sum(1 for row in wb.active.iter_rows(values_only=True) for _ in row)
    return {"seconds": time.perf_counter() - started, "cpu": _cpu() - cpu, "cells": cells,
            "peak_mb": _peak_mb()}


def phase_import(path: str, url: str) -> dict:
    from core.access.permissions import SYSTEM
    from core.excel.imports import import_ledger
    from db.engine import session_scope
    data = Path(path).read_bytes()
    started, cpu = time.perf_counter(), _cpu()
    with session_scope(url) as session:
        result = import_ledger(session, actor=SYSTEM, data=data, inspection=SOURCE)
    return {"seconds": time.perf_counter() - started, "cpu": _cpu() - cpu, "peak_mb": _peak_mb(),
            "result": f"{result.created} new, {result.changed} changed, {result.unchanged} unchanged"}


def phase_export(path: str, url: str) -> dict:
    from core.access.permissions import SYSTEM
    from core.excel.exports import export_ledger
    from core.ledger.query import LedgerFilter
    from db.engine import session_scope
    started, cpu = time.perf_counter(), _cpu()
    with session_scope(url) as session:
        data = export_ledger(session, actor=SYSTEM, flt=LedgerFilter(include_closed=True),
                             today=date(2024, 7, 1))
    return {"seconds": time.perf_counter() - started, "cpu": _cpu() - cpu, "peak_mb": _peak_mb(),
            "result": f"{len(data) / 1e6:.1f} MB"}


def _run(fn, *args) -> dict:
    ctx = mp.get_context("spawn")
    with ctx.Pool(1) as pool:
        return pool.apply(fn, args)


def prepare(url: str) -> None:
    from db import migrate
    from db.engine import session_scope
    from tests.factories import make_inspection
    migrate.upgrade(url)
    with session_scope(url) as session:
        make_inspection(session, name=SOURCE)


def _databases(tmp: str, pg: str | None):
    """(label, make) per engine; make() gives a fresh migrated database URL and its cleanup."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    def sqlite():
        url = f"sqlite:///{tmp}/bench-{uuid.uuid4().hex[:8]}.db"
        prepare(url)
        return url, lambda: None

    def postgres():
        name = f"ledger_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(make_url(pg).set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))

        def drop() -> None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        url = make_url(pg).set(database=name).render_as_string(hide_password=False)
        prepare(url)
        return url, drop
    return [("SQLite", sqlite)] + ([("PostgreSQL", postgres)] if pg else [])


def report(name: str, m: dict, floor: float) -> None:
    extra = f"  ({m['result']})" if "result" in m else ""
    print(f"{name:<34} {m['seconds']:7.2f} s  {m['seconds'] / floor:5.2f}×  cpu {m['cpu']:6.1f} s  "
          f"peak {m['peak_mb']:5.0f} MB{extra}", flush=True)


def bench_engine(label: str, make, path: str, repeat: int, full: bool) -> tuple[float, float]:
    """Floor read and import alternately, `repeat` times, each import into a fresh database; the
    best of each is compared (the machine is shared: the minimum is the least disturbed run)."""
    floors, imports, cleanups = [], [], []
    try:
        for _ in range(repeat):
            floors.append(_run(phase_floor, path, False))
            report(f"floor: openpyxl read ({floors[-1]['cells']} cells)", floors[-1],
                   floors[-1]["seconds"])
            url, cleanup = make()
            cleanups.append(cleanup)
            imports.append(_run(phase_import, path, url))
            report(f"import, {label}", imports[-1], floors[-1]["seconds"])
        floor = min(f["seconds"] for f in floors)
        if full:
            report(f"re-import (no change), {label}", _run(phase_import, path, url), floor)
            report(f"export all, {label}", _run(phase_export, path, url), floor)
    finally:
        for cleanup in cleanups:
            cleanup()
    return min(m["seconds"] for m in imports), floor


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=50_000)
    p.add_argument("--pg", help="PostgreSQL server URL (default: LEDGER_TEST_POSTGRES_URL if set)",
                   default=os.environ.get("LEDGER_TEST_POSTGRES_URL"))
    p.add_argument("--repeat", type=int, default=2, help="floor/import pairs per engine (best counts)")
    p.add_argument("--quick", action="store_true", help="import only (no re-import, no export)")
    args = p.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "ledger.xlsx")
        started = time.perf_counter()
        Path(path).write_bytes(build(args.rows))
        print(f"workbook: {args.rows} rows, {Path(path).stat().st_size / 1e6:.1f} MB, "
              f"built in {time.perf_counter() - started:.1f} s")
        ro = _run(phase_floor, path, True)
        print(f"(reference: openpyxl read-only read {ro['seconds']:.2f} s, peak {ro['peak_mb']:.0f} MB;"
              " the import cannot use it: read-only mode does not see merged cells)")
        for label, make in _databases(tmp, args.pg):
            results[label] = bench_engine(label, make, path, args.repeat, not args.quick)
    for label, (best, floor) in results.items():
        ratio = best / floor
        print(f"{label}: best import {best:.1f} s = {ratio:.2f}× the best openpyxl read of {floor:.1f} s "
              f"(target ≤ {TARGET:.0f}×): {'met' if ratio <= TARGET else 'NOT met'}")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
