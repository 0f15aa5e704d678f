"""The few side records drawn one by one with random.Random: 信访件 (petitions), each in the state
its dates have reached by as_of (约谈: demo.interviews; 移送移交: demo.referrals)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

import numpy as np

from core.domain import InspectionKind, ItemType
from core.domain import Status as S
from demo import text as tx
from demo.context import CATEGORIES, EPOCH, SHARE, TYPES, Ctx


def petitions(r: random.Random, ctx: Ctx, f: dict) -> list[dict]:
    """信访件 of routine inspections: one per petition item, some more that made no item."""
    ins, rows = ctx.insp, []
    is_petition = (f["itype"] == TYPES.index(ItemType.PETITION))
    for i in np.nonzero(is_petition & (ins.kind[f["insp"]] == InspectionKind.ROUTINE.value))[0]:
        rows.append(_petition(r, ctx, f, int(i), linked=True))
        if r.random() < SHARE["unfounded"]:
            rows.append(_petition(r, ctx, f, int(i), linked=False))
    ids = ctx.take("petition", len(rows)).tolist()
    for row, pid in zip(rows, ids, strict=True):
        row["id"] = pid
    return rows


_PETITION_STATE = {S.CLOSED.value: "concluded", S.DRAFT.value: "open", S.ASSIGNED.value: "open"}
_HANDLING = dict(true=0, partly=1, false=2)       # index into tx.PETITION_HANDLING


def _petition(r: random.Random, ctx: Ctx, f: dict, i: int, *, linked: bool) -> dict:
    """The 信访件 item i came from (linked), or another one of that batch that made no item."""
    s, received = int(f["insp"][i]), int(f["found"][i])
    ctx.insp.petitions[s] += 1
    if linked:   # in hand while the item is (阶段性办结), concluded once it is closed
        truth = "true" if r.random() < 0.8 else "partly"
        cat, content = int(f["cat"][i]), f["description"][i]
        status = _PETITION_STATE.get(f["status"][i], "staged")
    else:
        truth, cat = r.choice(("false", "true")), r.randrange(len(CATEGORIES))
        content, status = r.choice(tx.PROBLEMS[CATEGORIES[cat]]), "concluded"
    published = received + r.randint(3, 15)
    district = int(f["district"][i])
    return dict(
        inspection_id=int(ctx.insp.ids[s]), batch=f"第{received - int(ctx.insp.start[s]) + 1}批",
        petition_no=f"XF{ctx.insp.petitions[s]:06d}", received_on=_day(received),
        district_id=int(ctx.district_ids[district]) if district >= 0 else None,
        content="群众反映：" + content, category=CATEGORIES[cat].value, truth=truth,
        handling=tx.PETITION_HANDLING[_HANDLING[truth]], status=status,
        published_on=_day(published) if published <= ctx.today and status != "open" else None,
        item_id=int(f["id"][i]) if linked else None, version=1,
        updated_at=_stamp(min(published, ctx.today))) | _petition_outcome(r, truth)


def _petition_outcome(r: random.Random, truth: str) -> dict:
    """一台一报 counts: companies ordered to rectify, penalties (元), criminal cases, people."""
    if truth == "false":
        return dict.fromkeys(("ordered_to_rectify", "penalty_cases", "criminal_cases", "detained",
                              "interviews", "held_accountable"), 0) | dict(fine_yuan=None)
    penalties = r.choice((0, 0, 1, 1, 2))
    criminal = 1 if r.random() < 0.04 else 0
    return dict(ordered_to_rectify=r.randint(0, 3), penalty_cases=penalties,
                fine_yuan=Decimal(penalties * r.randint(1, 50) * 10_000) if penalties else None,
                criminal_cases=criminal, detained=criminal * r.randint(0, 2),
                interviews=r.choice((0, 0, 1)), held_accountable=r.choice((0, 0, 0, 1, 2)))


def _day(n: int) -> date:
    return EPOCH + timedelta(days=int(n))


def _stamp(n: int, secs: int = 36000) -> datetime:
    return datetime.combine(_day(n), datetime.min.time()) + timedelta(seconds=secs)
