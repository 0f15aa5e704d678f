"""The few side records drawn one by one with random.Random: 信访件 (petitions) and 约谈 (interviews),
each in the state its dates have reached by as_of (移送移交: demo.referrals)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

import numpy as np

from core.domain import InspectionKind, InterviewFollowUp, ItemType
from core.domain import Status as S
from demo import text as tx
from demo.context import CATEGORIES, EPOCH, NEVER, SHARE, TYPES, Ctx


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


def _groups(idx: np.ndarray, key: np.ndarray, size: int) -> list[list[int]]:
    """Consecutive runs of idx with the same key, cut every `size` rows."""
    groups: list[list[int]] = []
    for i in idx.tolist():
        if groups and key[groups[-1][0]] == key[i] and len(groups[-1]) < size:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def interviews(r: random.Random, ctx: Ctx, f: dict) -> tuple[list[dict], list[dict]]:
    """约谈: interview items sharing a lead unit, up to four per interview, held before them."""
    idx = np.nonzero(f["itype"] == TYPES.index(ItemType.INTERVIEW))[0]
    idx = idx[np.lexsort((f["entered"][idx], f["lead"][idx]))]
    groups = _groups(idx, f["lead"], 4)
    rows, links = [], []
    for iid, g in zip(ctx.take("interview", len(groups)).tolist(), groups, strict=True):
        rows.append(_interview(r, ctx, f, g, iid))
        links += [dict(interview_id=iid, item_id=int(f["id"][i])) for i in g]
    return rows, links


def _interview(r: random.Random, ctx: Ctx, f: dict, g: list[int], iid: int) -> dict:
    held = int(f["entered"][g].min()) - r.randint(3, 10)
    circumstance = r.choice(tx.INTERVIEW_CIRCUMSTANCES)
    row = dict(id=iid, code=f"YT-{_day(held).year}-{iid:06d}", circumstances=circumstance,
               interviewee_unit_id=int(f["lead"][g[0]]),
               interviewee_people=r.choice(tx.INTERVIEW_PEOPLE),
               organiser_unit_id=ctx.named["office" if r.random() < 0.7 else "eco"],
               held_on=_day(held), minutes=f"约谈指出{circumstance}，要求15个工作日内报送整改方案",
               plan_due_on=_day(held + 21),   # ~15 working days; core.calendar.workdays has the exact rule
               status="held", updated_at=_stamp(held)) | dict.fromkeys(
        ("plan_submitted_on", "plan_url", "plan_published_on", "completion_url",
         "completion_published_on", "follow_up"))
    submitted = held + r.randint(8, 30)
    if submitted <= ctx.today:
        row.update(plan_submitted_on=_day(submitted), plan_url=f"https://zgfa.demo.example/yt/{iid}.html",
                   plan_published_on=_day(min(submitted + r.randint(1, 5), ctx.today)),
                   updated_at=_stamp(submitted))
        row.update(_interview_state(r, ctx.today, f, g, submitted))
        if row["completion_published_on"]:
            row["completion_url"] = f"https://zgfa.demo.example/yt/{iid}-done.html"
    return row | {"version": 1}


def _interview_state(r: random.Random, today: int, f: dict, g: list[int], submitted: int) -> dict:
    """After the plan: completed once every item is closed, escalated if long-unresolved."""
    closed = f["closed_on"][g]
    if (closed < NEVER).all() and int(closed.max()) + 10 <= today:
        done = int(closed.max()) + 10
        return dict(status="completed", completion_published_on=_day(done))
    if today > submitted + 365 and f["long"][g].any() and r.random() < 0.6:
        return dict(status="escalated", follow_up=r.choice(list(InterviewFollowUp)).value)
    return dict(status="plan" if today - submitted < 30 else "rectifying")
