#!/usr/bin/env python3
"""Fuzzing with hypothesis, bounded in time: the Excel import (cells of every kind in a published
layout, and bytes of a real workbook mangled), the deadline parser, the account and item form
validators, and the sign-in. The property everywhere: an input is accepted and round-trips, or is
refused with a message naming the field; nothing else is raised, and a refused input writes
nothing (the ledger's item, unit link and account counts do not move).

    .venv/bin/python soak/fuzz.py --seconds 60 [--database-url URL]   # prints inputs tried per target

A fresh migrated SQLite ledger in a temp folder is used unless a URL is given. `make test` runs
each target for a few seconds (tests/soak), `make soak` for minutes.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from core.access import users  # noqa: E402
from core.access.permissions import SYSTEM  # noqa: E402
from core.domain import Role  # noqa: E402
from core.errors import ValidationFailed  # noqa: E402
from core.excel.imports import import_ledger, preview_import  # noqa: E402
from core.ledger import item_form  # noqa: E402
from core.ledger.deadlines import DeadlineError, parse_deadline  # noqa: E402
from db import migrate  # noqa: E402
from db.engine import engine_for  # noqa: E402
from db.models import Item, ItemUnit, User  # noqa: E402
from tests.published_samples import HEADER, SECTIONS, published_list  # noqa: E402

# Text users type, and text that hurts: markup, control characters, width, long runs, CJK
NASTY = ["", " ", "\x00", "\u202e", "**粗**", "<img src=x>", "'; DROP TABLE item; --", "=1+1", "🚧",
         "１２３", "2025年13月底前", "立行立改", "长期坚持", "2024年第五季度", "上半年", "0", "-1",
         "9" * 40, "全市", "万州", "万州区人民政府、市生态环境局", "#REF!", "第九轮督察"]
text = st.one_of(st.sampled_from(NASTY), st.text(max_size=80),
                 st.text(alphabet="年月日底前第季度上下半长期坚持立行改一二三四0123456789-/. ", max_size=16))
cell = st.one_of(st.none(), text, st.integers(-10**12, 10**12), st.floats(allow_nan=True),
                 st.booleans(), st.dates(date(1900, 1, 1), date(2100, 12, 31)),
                 st.datetimes(datetime(1900, 1, 1), datetime(2100, 12, 31)))


# What an Excel cell can hold (openpyxl refuses control characters, as Excel does)
excel_cell = cell.map(lambda v: ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v)


@dataclass
class Tally:
    """Inputs tried, accepted and refused per target; any other outcome is a failure."""

    tried: dict[str, int] = field(default_factory=dict)
    accepted: dict[str, int] = field(default_factory=dict)

    def count(self, target: str, accepted: bool) -> None:
        self.tried[target] = self.tried.get(target, 0) + 1
        self.accepted[target] = self.accepted.get(target, 0) + int(accepted)


def _counts(session: Session) -> tuple[int, int, int]:
    return tuple(session.scalar(select(func.count()).select_from(m)) for m in (Item, ItemUnit, User))


# ---------------------------------------------------------------- targets

def deadline_target(tally: Tally):
    @given(value=st.one_of(cell, text), assigned=st.one_of(st.none(), st.dates(date(2000, 1, 1),
                                                                                date(2040, 12, 31))))
    def check(value, assigned):
        try:
            deadline = parse_deadline(value, assigned_on=assigned)
        except DeadlineError as exc:
            assert str(exc)
            tally.count("deadline", False)
            return
        again = parse_deadline(deadline.text, assigned_on=assigned)   # the wording kept means the same
        assert (again.due_on, again.ongoing) == (deadline.due_on, deadline.ongoing)
        tally.count("deadline", True)
    return check


def account_target(tally: Tally, url: str):
    @given(username=text, display=text, password=text, role=st.sampled_from(list(Role)),
           unit_id=st.one_of(st.none(), st.integers(-5, 400)))
    def check(username, display, password, role, unit_id):
        with Session(engine_for(url), expire_on_commit=False) as session:
            before = _counts(session)
            try:
                user = users.create_user(session, actor=SYSTEM, username=username, display_name=display,
                                         password=password, role=role, unit_id=unit_id)
            except ValidationFailed as exc:
                assert exc.problems and all(p.column and p.message for p in exc.problems)
                session.flush()
                assert _counts(session) == before
                tally.count("account form", False)
                return
            result = users.authenticate(session, username=user.username, password=password,
                                        now=datetime.now(), max_failed=5, lockout_minutes=15)
            assert result.ok                                           # the password round-trips
            session.rollback()
            tally.count("account form", True)
    return check


def _fixtures(url: str) -> dict:
    """One inspection, one unit and one account the valid inputs can name (made once)."""
    from core.domain import InspectionKind, SourceLevel
    from db.models import Inspection, Unit
    with Session(engine_for(url)) as session, session.begin():
        inspection = session.scalar(select(Inspection).where(Inspection.name == "模糊测试督察"))
        if inspection is None:
            inspection = Inspection(name="模糊测试督察", kind=InspectionKind.ROUTINE, level=SourceLevel.CITY)
            session.add(inspection)
            users.create_user(session, actor=SYSTEM, username="fuzz_user", display_name="模糊",
                              password="right-password-1", role=Role.COORDINATOR)
            session.flush()
        unit = session.scalar(select(Unit.id).order_by(Unit.id).limit(1))
        return {"inspection_id": inspection.id, "lead_unit_id": unit}


def sign_in_target(tally: Tally, url: str):
    known = _fixtures(url)
    assert known
    names = st.one_of(text, st.just("fuzz_user"))
    words = st.one_of(text, st.just("right-password-1"))
    @given(username=names, password=words, client=st.one_of(st.none(), text), demo=st.booleans())
    def check(username, password, client, demo):
        with Session(engine_for(url)) as session:
            result = users.authenticate(session, username=username, password=password, now=datetime.now(),
                                        max_failed=10**6, lockout_minutes=15, client=client,
                                        client_max_failed=10**6, demo_mode=demo)
            assert result.ok == (username == "fuzz_user" and password == "right-password-1")
            session.rollback()
            tally.count("sign-in", result.ok)
    return check


def item_form_target(tally: Tally, url: str):
    valid = {**_fixtures(url), "item_type": "feedback", "category": "water", "description": "排污口",
             "deadline": "2026年底前", "stage": "short"}
    keys = st.sampled_from(list(item_form.FIELDS))
    @given(changes=st.dictionaries(keys, st.one_of(cell, st.lists(st.integers(-3, 300), max_size=3)),
                                   max_size=4))
    def check(changes):
        with Session(engine_for(url)) as session:
            try:
                clean = item_form.validate(session, {**valid, **changes})
            except ValidationFailed as exc:
                assert all(p.column and p.message for p in exc.problems)
                tally.count("item form", False)
                return
            item_form.item_columns(session, clean)                    # accepted values map onto an item
            tally.count("item form", True)
    return check


def _import_once(session: Session, data: bytes) -> bool:
    """Import; True if accepted (then a re-import changes nothing), False if refused cleanly."""
    before = _counts(session)
    try:
        preview = preview_import(session, actor=SYSTEM, data=data, create_inspections=True)
        result = import_ledger(session, actor=SYSTEM, data=data, create_inspections=True)
    except ValidationFailed as exc:
        assert exc.problems and all(p.message for p in exc.problems)
        session.flush()
        assert _counts(session) == before                              # nothing half-written
        return False
    assert result.created == preview.new and result.changed == preview.changed
    again = import_ledger(session, actor=SYSTEM, data=data)
    assert (again.created, again.changed) == (0, 0)                    # it round-trips
    return True


def excel_cells_target(tally: Tally, url: str):
    headers = [h for _g, h in HEADER]
    rows = st.lists(st.fixed_dictionaries({}, optional={h: excel_cell for h in headers}), min_size=1,
                    max_size=4)
    @given(rows=rows)
    def check(rows):
        source = "第三轮中央生态环境保护督察"
        sample = {source: [dict(SECTIONS[source][0], **r) for r in rows]}
        data = published_list(sections=sample)
        with Session(engine_for(url)) as session:
            tally.count("excel cells", _import_once(session, data))
            session.rollback()
    return check


def excel_bytes_target(tally: Tally, url: str):
    base = published_list()
    parts = zipfile.ZipFile(io.BytesIO(base)).namelist()
    @given(part=st.sampled_from(parts), at=st.integers(0, 10**6), junk=st.binary(max_size=64),
           cut=st.booleans(), whole=st.booleans())
    def check(part, at, junk, cut, whole):
        if whole:                                    # mangle the zip itself
            i = at % len(base)
            data = base[:i] + junk + (b"" if cut else base[i + len(junk):])
        else:                                        # mangle one XML part inside a valid zip
            src, out = zipfile.ZipFile(io.BytesIO(base)), io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
                for name in parts:
                    body = src.read(name)
                    if name == part:
                        i = at % (len(body) + 1)
                        body = body[:i] + junk + (b"" if cut else body[i + len(junk):])
                    dst.writestr(name, body)
            data = out.getvalue()
        with Session(engine_for(url)) as session:
            tally.count("excel bytes", _import_once(session, data))
            session.rollback()
    return check


# ---------------------------------------------------------------- running

def run(*, seconds: float, url: str | None = None, seed: int | None = None) -> Tally:
    """Run every target for about `seconds` in all; raises the first failing example."""
    if url is None:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='ledger-fuzz-')}/fuzz.db"
        migrate.upgrade(url)
    tally = Tally()
    targets = [deadline_target(tally), account_target(tally, url), sign_in_target(tally, url),
               item_form_target(tally, url), excel_cells_target(tally, url), excel_bytes_target(tally, url)]
    share = seconds / len(targets)
    for target in targets:
        bounded = settings(max_examples=25, deadline=None, database=None, derandomize=seed is not None,
                           suppress_health_check=list(HealthCheck))(target)
        deadline = time.monotonic() + share
        while time.monotonic() < deadline:
            bounded()        # 25 new random inputs each time, until this target's share is spent
    return tally


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--database-url")
    args = p.parse_args(argv)
    started = time.monotonic()
    tally = run(seconds=args.seconds, url=args.database_url)
    for target, tried in tally.tried.items():
        print(f"{target:14s} {tried:6d} inputs  {tally.accepted[target]:6d} accepted  "
              f"{tried - tally.accepted[target]:6d} refused with a message")
    print(f"fuzz: {sum(tally.tried.values())} inputs in {time.monotonic() - started:.0f} s, "
          "no unexpected exception, nothing half-written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
