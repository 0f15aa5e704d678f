"""The few side records drawn one by one with random.Random: 信访件 (petitions) and 移送移交
(referrals), each in the state its dates have reached by as_of (约谈: demo.interviews)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

import numpy as np

from core.domain import InspectionKind, ItemType, ReferralKind
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


FILING_KINDS = (ReferralKind.POLICE, ReferralKind.PROCURATORATE, ReferralKind.COURT,
                ReferralKind.DISCIPLINE)
REFERRAL_WEIGHTS = dict(police=30, procuratorate=12, court=5, justice=8, discipline=15, department=30)
_REFERRAL_BLANK = dict.fromkeys(
    ("sent_on", "receipt_on", "feedback_due_on", "accepted", "acceptance_reason", "filed",
     "filed_on", "not_filed_reason", "judgment", "discipline_measure", "fine_yuan", "outcome",
     "result_published_on", "result_url")) | dict(
    filing_supervised=False, detained=0, arrested=0, prosecuted=0, punished_bureau=0,
    punished_division=0, punished_section=0, status="pending", version=1)


def referrals(r: random.Random, ctx: Ctx, f: dict, chosen: np.ndarray) -> tuple[list, list]:
    """移送移交 of the chosen items, each in the state its dates have reached by as_of."""
    ids = ctx.take("referral", len(chosen)).tolist()
    rows = [_referral(r, ctx, f, int(i), rid) for i, rid in zip(chosen, ids, strict=True)]
    links = [dict(referral_id=rid, item_id=int(f["id"][i])) for i, rid in zip(chosen, ids, strict=True)]
    return rows, links


def _referral(r: random.Random, ctx: Ctx, f: dict, i: int, rid: int) -> dict:
    """One 移送: from the district's environment bureau (督察办 for accountability) to its organ."""
    kind = ReferralKind(r.choices(list(REFERRAL_WEIGHTS), weights=list(REFERRAL_WEIGHTS.values()))[0])
    cause, basis, feedback_days = tx.REFERRALS[kind]
    d = int(f["district"][i])
    sent = int(f["assigned"][i]) + r.randint(10, 120)
    local_sender = d >= 0 and kind is not ReferralKind.DISCIPLINE
    row = _REFERRAL_BLANK | dict(
        id=rid, code=f"YS-{_day(sent).year}-{rid:06d}", kind=kind.value,
        from_unit_id=int(ctx.eco[d]) if local_sender else ctx.named["office"],
        to_unit_id=_receiver(r, ctx, kind, d, int(f["cat"][i])),
        contact=f"{r.choice(tx.SURNAMES)}某 023-6{r.randrange(10_000_000):07d}", cause=cause,
        legal_basis=basis, materials=r.sample(tx.MATERIALS, 3), updated_at=_stamp(min(sent, ctx.today)))
    decided = _referral_delivery(r, row, sent, feedback_days, ctx.today)
    if decided is not None:
        _referral_handling(r, row, kind, decided, ctx.today)
    return row


def _receiver(r: random.Random, ctx: Ctx, kind: ReferralKind, district: int, cat: int) -> int:
    """The district's police, the category's lead department, or the city-level organ."""
    if kind is ReferralKind.POLICE and district >= 0:
        return int(ctx.police[district])
    if kind is ReferralKind.DEPARTMENT:
        return int(ctx.dept[cat, 0])
    if kind is ReferralKind.DISCIPLINE and r.random() < 0.3:
        return ctx.named["organisation"]
    return ctx.named[kind.value]


def _referral_delivery(r: random.Random, row: dict, sent: int, feedback_days: int,
                       today: int) -> int | None:
    """移送 → 回证 → 受理/不予受理; returns the day it was accepted, None if not (yet)."""
    if sent > today:
        return None
    row.update(status="sent", sent_on=_day(sent), feedback_due_on=_day(sent + feedback_days))
    receipt = sent + r.randint(1, 7)
    decided = receipt + r.randint(3, 15)
    if receipt <= today:
        row["receipt_on"] = _day(receipt)
    if decided > today:
        return None
    if r.random() < 0.06:
        row.update(status="returned", accepted=False, acceptance_reason="移送材料不全，退回补充")
        return None
    row.update(status="accepted", accepted=True, updated_at=_stamp(decided))
    return decided


def _referral_handling(r: random.Random, row: dict, kind: ReferralKind, decided: int,
                       today: int) -> None:
    """立案/不予立案, then 办结 with the outcome of its kind, as far as `today` allows."""
    filed = decided
    if kind in FILING_KINDS:
        filed = decided + r.randint(10, 60)
        if filed > today:
            return
        if r.random() < 0.15:
            row.update(status="not_filed", filed=False, not_filed_reason="经审查，未达到立案标准")
            return
        row.update(status="filed", filed=True, filed_on=_day(filed),
                   filing_supervised=kind is ReferralKind.POLICE and r.random() < 0.1)
    concluded = filed + r.randint(60, 400)
    if concluded > today:
        return
    row.update(status="concluded", updated_at=_stamp(concluded), **_referral_outcome(r, kind))
    if concluded + 10 <= today and r.random() < 0.5:
        row.update(result_published_on=_day(concluded + 10),
                   result_url=f"https://zgfa.demo.example/ys/{row['id']}.html")


def _referral_outcome(r: random.Random, kind: ReferralKind) -> dict:
    if kind is ReferralKind.POLICE:
        detained = r.randint(0, 3)
        arrested = r.randint(0, detained)
        prosecuted = r.randint(0, arrested)
        return dict(detained=detained, arrested=arrested, prosecuted=prosecuted,
                    judgment="依法判处刑罚并处罚金" if prosecuted else None, outcome="侦查终结")
    if kind is ReferralKind.DISCIPLINE:
        return dict(discipline_measure=r.choice(tx.DISCIPLINE_MEASURES),
                    punished_bureau=r.choice((0, 0, 0, 1)), punished_division=r.randint(0, 2),
                    punished_section=r.randint(1, 4), outcome="已完成责任追究")
    fine = Decimal(r.randint(1, 100) * 5000)
    return dict(procuratorate=dict(outcome="已发出诉前检察建议，行政机关已整改"),
                court=dict(outcome="赔偿协议已经司法确认", fine_yuan=fine),
                justice=dict(outcome="已完成生态环境损害鉴定评估"),
                department=dict(outcome="已依法作出行政处罚决定", fine_yuan=fine))[kind.value]
